//! Content sniffing (内容识别): what an uploaded file really is, judged by its bytes and never by
//! its name or the client's `Content-Type`.
//!
//! Accepted kinds are images (JPEG, PNG, TIFF), PDF, OFD (the Chinese GB/T 33190 e-document),
//! Office documents (OOXML docx/xlsx/pptx and legacy OLE .doc/.xls) and plain zip archives (used
//! for bulk uploads). Anything a browser could execute or render as a page (HTML, SVG, XML that
//! carries markup or script, JavaScript, server-side scripts) and executables (shell scripts,
//! PE, ELF, Mach-O) is refused with the stable code `refused_content`.

use std::fs::File;
use std::io::{self, Cursor, Read, Seek};
use std::path::Path;

use serde::Serialize;

/// How many bytes of a file [`sniff`] reads to judge it (the zip directory is read separately).
pub const HEAD_LEN: usize = 8192;

/// 文件类型: a kind of file accepted for upload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// JPEG 图片.
    Jpeg,
    /// PNG 图片.
    Png,
    /// TIFF 图片 (`II*\0` or `MM\0*`).
    Tiff,
    /// PDF 文档 (`%PDF-` within the first 1024 bytes).
    Pdf,
    /// OFD 版式文档 (GB/T 33190: a zip holding `OFD.xml`).
    Ofd,
    /// Word 文档 (OOXML zip with `word/`).
    Docx,
    /// Excel 表格 (OOXML zip with `xl/`).
    Xlsx,
    /// PowerPoint 演示文稿 (OOXML zip with `ppt/`).
    Pptx,
    /// 旧版 Office 文档 (OLE compound file: .doc, .xls, .ppt).
    Ole,
    /// 压缩包 (any other zip; bulk uploads).
    Zip,
}

impl Kind {
    /// The MIME type to serve the file with.
    pub fn mime(self) -> &'static str {
        match self {
            Kind::Jpeg => "image/jpeg",
            Kind::Png => "image/png",
            Kind::Tiff => "image/tiff",
            Kind::Pdf => "application/pdf",
            Kind::Ofd => "application/ofd",
            Kind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Kind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Kind::Pptx => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            Kind::Ole => "application/x-ole-storage",
            Kind::Zip => "application/zip",
        }
    }

    /// The canonical file extension, without the dot. An OLE file's head does not say whether it
    /// is Word, Excel or PowerPoint, so its canonical extension is the generic `ole`; see
    /// [`Kind::extension_for`] to keep a fitting extension the uploader gave.
    pub fn extension(self) -> &'static str {
        match self {
            Kind::Jpeg => "jpg",
            Kind::Png => "png",
            Kind::Tiff => "tif",
            Kind::Pdf => "pdf",
            Kind::Ofd => "ofd",
            Kind::Docx => "docx",
            Kind::Xlsx => "xlsx",
            Kind::Pptx => "pptx",
            Kind::Ole => "ole",
            Kind::Zip => "zip",
        }
    }

    /// All extensions (lowercase, no dot) that fit this kind, the canonical one first.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Kind::Jpeg => &["jpg", "jpeg", "jpe"],
            Kind::Png => &["png"],
            Kind::Tiff => &["tif", "tiff"],
            Kind::Pdf => &["pdf"],
            Kind::Ofd => &["ofd"],
            Kind::Docx => &["docx", "docm", "wps"],
            Kind::Xlsx => &["xlsx", "xlsm", "et"],
            Kind::Pptx => &["pptx", "pptm", "dps"],
            Kind::Ole => &["ole", "doc", "xls", "ppt", "wps", "et", "dps", "msg"],
            Kind::Zip => &["zip"],
        }
    }

    /// The extension to store an upload named `file_name` under: the name's own extension when
    /// it fits this kind (so a `.xls` stays `.xls`, a `.jpeg` stays `.jpeg`), else the
    /// canonical [`Kind::extension`] (so a JPEG named `report.pdf` becomes `.jpg`).
    pub fn extension_for(self, file_name: &str) -> &'static str {
        let given = file_name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase());
        given.and_then(|ext| self.extensions().iter().copied().find(|e| *e == ext)).unwrap_or(self.extension())
    }

    /// Whether the file is a raster image (照片/图片).
    pub fn is_image(self) -> bool {
        matches!(self, Kind::Jpeg | Kind::Png | Kind::Tiff)
    }

    /// Whether browsers may show the file inline (`Content-Disposition: inline`): JPEG, PNG and
    /// PDF. TIFF (most browsers cannot show it) and everything else is served as an attachment.
    pub fn is_inline(self) -> bool {
        matches!(self, Kind::Jpeg | Kind::Png | Kind::Pdf)
    }
}

/// The verdict on an accepted file: its kind with the facts a server needs to store and serve it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Sniffed {
    /// 文件类型.
    pub kind: Kind,
    /// MIME type to serve it with.
    pub mime: &'static str,
    /// Canonical extension (no dot).
    pub extension: &'static str,
    /// Whether it is an image (照片).
    pub is_image: bool,
    /// Whether it is served inline (else as an attachment, 下载).
    pub inline: bool,
}

impl From<Kind> for Sniffed {
    fn from(kind: Kind) -> Self {
        Sniffed {
            kind,
            mime: kind.mime(),
            extension: kind.extension(),
            is_image: kind.is_image(),
            inline: kind.is_inline(),
        }
    }
}

/// Why a file was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum SniffError {
    /// 拒收: content that could run in a browser or on a machine. `what` names it
    /// (`html`, `svg`, `xml_markup`, `javascript`, `server_script`, `shell_script`,
    /// `pe_executable`, `elf_executable`, `macho_executable`).
    #[error("refused content ({what})")]
    Refused {
        /// Stable error code, always `refused_content`.
        code: &'static str,
        /// What the content looks like.
        what: &'static str,
    },
    /// 空文件.
    #[error("empty file")]
    Empty,
    /// A file that starts like a zip archive but whose directory cannot be read.
    #[error("corrupt zip archive: {0}")]
    CorruptZip(String),
    /// 未知类型: none of the accepted kinds.
    #[error("unknown content")]
    Unknown,
    /// Reading the file failed.
    #[error("reading the file: {0}")]
    Io(#[from] io::Error),
}

impl SniffError {
    /// A stable, machine-readable code for API responses.
    pub fn code(&self) -> &'static str {
        match self {
            SniffError::Refused { code, .. } => code,
            SniffError::Empty => "empty_file",
            SniffError::CorruptZip(_) => "corrupt_zip",
            SniffError::Unknown => "unknown_content",
            SniffError::Io(_) => "io_error",
        }
    }

    fn refused(what: &'static str) -> Self {
        SniffError::Refused { code: "refused_content", what }
    }
}

/// Judges the file at `path` by its content: reads its head and, for zip containers, the zip
/// directory (to tell OFD and Office documents from plain archives).
pub fn sniff(path: &Path) -> Result<Sniffed, SniffError> {
    let mut file = File::open(path)?;
    let mut head = Vec::with_capacity(HEAD_LEN);
    (&mut file).take(HEAD_LEN as u64).read_to_end(&mut head)?;
    match sniff_head(&head)? {
        Head::Zip => {
            file.rewind()?;
            zip_kind(file).map(Sniffed::from)
        }
        Head::Kind(kind) => Ok(kind.into()),
    }
}

/// Judges a whole file held in memory (the same rules as [`sniff`]).
pub fn sniff_bytes(bytes: &[u8]) -> Result<Sniffed, SniffError> {
    match sniff_head(&bytes[..bytes.len().min(HEAD_LEN)])? {
        Head::Zip => zip_kind(Cursor::new(bytes)).map(Sniffed::from),
        Head::Kind(kind) => Ok(kind.into()),
    }
}

/// What the head alone says.
enum Head {
    Kind(Kind),
    /// A zip container: look inside.
    Zip,
}

const PDF_WINDOW: usize = 1024;

fn sniff_head(head: &[u8]) -> Result<Head, SniffError> {
    if head.is_empty() {
        return Err(SniffError::Empty);
    }
    let kind = if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Kind::Jpeg
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Kind::Png
    } else if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") {
        Kind::Tiff
    } else if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Kind::Ole
    } else if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Ok(Head::Zip);
    } else {
        refuse_executable(head)?;
        let text = text_view(head);
        refuse_active_text(&text)?;
        if let Some(at) = find(&head[..head.len().min(PDF_WINDOW)], b"%PDF-") {
            // Junk before the header is tolerated by PDF readers, markup is not tolerated here.
            let before = text_view(&head[..at]);
            if ACTIVE_MARKERS.iter().any(|m| find(&before, m.as_bytes()).is_some()) {
                return Err(SniffError::refused("html"));
            }
            Kind::Pdf
        } else {
            return Err(SniffError::Unknown);
        }
    };
    Ok(Head::Kind(kind))
}

fn refuse_executable(head: &[u8]) -> Result<(), SniffError> {
    let what = if head.starts_with(b"MZ") {
        "pe_executable"
    } else if head.starts_with(b"\x7fELF") {
        "elf_executable"
    } else if [[0xFE, 0xED, 0xFA, 0xCE], [0xFE, 0xED, 0xFA, 0xCF], [0xCE, 0xFA, 0xED, 0xFE], [0xCF, 0xFA, 0xED, 0xFE]]
        .iter()
        .any(|m| head.starts_with(m))
    {
        "macho_executable"
    } else if head.starts_with(b"#!") {
        "shell_script"
    } else {
        return Ok(());
    };
    Err(SniffError::refused(what))
}

/// The head as lowercase ASCII-ish text: UTF-16 is narrowed to its low bytes, a UTF-8 BOM and
/// leading whitespace are skipped.
fn text_view(head: &[u8]) -> Vec<u8> {
    let narrowed: Vec<u8> = if let Some(rest) = head.strip_prefix(&[0xFF, 0xFE]) {
        rest.chunks(2).filter(|c| c.len() == 2 && c[1] == 0).map(|c| c[0]).collect()
    } else if let Some(rest) = head.strip_prefix(&[0xFE, 0xFF]) {
        rest.chunks(2).filter(|c| c.len() == 2 && c[0] == 0).map(|c| c[1]).collect()
    } else {
        head.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(head).to_vec()
    };
    let start = narrowed.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(narrowed.len());
    narrowed[start..].to_ascii_lowercase()
}

/// Markup that makes a browser render a page or run script, anywhere in a text head.
const ACTIVE_MARKERS: &[&str] = &["<html", "<script", "<svg", "<!doctype html", "<iframe", "<body", "<?php"];

/// Tags that make a browser sniff HTML when they open a document (WHATWG MIME sniffing).
const HTML_OPENERS: &[&str] = &[
    "<!doctype html",
    "<html",
    "<head",
    "<script",
    "<iframe",
    "<h1",
    "<div",
    "<font",
    "<table",
    "<a",
    "<style",
    "<title",
    "<b",
    "<body",
    "<br",
    "<p",
    "<!--",
    "<meta",
    "<img",
    "<object",
    "<embed",
];

/// Openers typical of JavaScript sources.
const JS_OPENERS: &[&str] = &[
    "function",
    "var ",
    "let ",
    "const ",
    "import ",
    "export ",
    "(function",
    "(()",
    "!function",
    "'use strict'",
    "\"use strict\"",
    "window.",
    "document.",
    "async ",
    "eval(",
    "alert(",
];

fn refuse_active_text(text: &[u8]) -> Result<(), SniffError> {
    let opens = |p: &str| {
        text.starts_with(p.as_bytes()) && {
            let next = text.get(p.len()).copied();
            // A tag name must end here (`<a` must not match `<abbr`, but `<!--` needs nothing).
            !p.starts_with('<')
                || p == "<!--"
                || matches!(next, None | Some(b' ' | b'>' | b'\t' | b'\n' | b'\r' | b'/'))
        }
    };
    if opens("<svg") || text.starts_with(b"<!doctype svg") {
        return Err(SniffError::refused("svg"));
    }
    if text.starts_with(b"<?php") || text.starts_with(b"<%") {
        return Err(SniffError::refused("server_script"));
    }
    if HTML_OPENERS.iter().any(|p| opens(p)) {
        return Err(SniffError::refused("html"));
    }
    if text.starts_with(b"<?xml") {
        let markup = ["<svg", "<script", "<html", "http://www.w3.org/1999/xhtml", "http://www.w3.org/2000/svg"];
        if markup.iter().any(|m| find(text, m.as_bytes()).is_some()) {
            return Err(SniffError::refused("xml_markup"));
        }
    }
    if JS_OPENERS.iter().any(|p| text.starts_with(p.as_bytes())) {
        return Err(SniffError::refused("javascript"));
    }
    Ok(())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Tells what kind of zip container this is from the names of its entries.
fn zip_kind<R: Read + Seek>(reader: R) -> Result<Kind, SniffError> {
    let archive = zip::ZipArchive::new(reader).map_err(|e| SniffError::CorruptZip(e.to_string()))?;
    let names: Vec<&str> = archive.file_names().collect();
    let has = |name: &str| names.iter().any(|n| n.eq_ignore_ascii_case(name));
    let has_dir = |dir: &str| names.iter().any(|n| n.starts_with(dir));
    Ok(if has("OFD.xml") {
        Kind::Ofd
    } else if has("[Content_Types].xml") && has_dir("word/") {
        Kind::Docx
    } else if has("[Content_Types].xml") && has_dir("xl/") {
        Kind::Xlsx
    } else if has("[Content_Types].xml") && has_dir("ppt/") {
        Kind::Pptx
    } else {
        Kind::Zip
    })
}

#[cfg(test)]
mod tests;
