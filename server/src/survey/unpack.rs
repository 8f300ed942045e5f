//! 格式识别与解压: what an upload is, judged by its content (never its name), and a zip's
//! entries extracted safely — no `..` or absolute paths, no links, no archives inside the
//! archive, the uncompressed size and compression ratio bounded while writing.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use axum::http::StatusCode;

use crate::base::ApiError;

/// 文件格式.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Shapefile,
    GeoPackage,
    GeoJson,
    Kml,
    Csv,
    Dxf,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Shapefile => "shapefile",
            Format::GeoPackage => "gpkg",
            Format::GeoJson => "geojson",
            Format::Kml => "kml",
            Format::Csv => "csv",
            Format::Dxf => "dxf",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Format::Shapefile, Format::GeoPackage, Format::GeoJson, Format::Kml, Format::Csv, Format::Dxf]
            .into_iter()
            .find(|f| f.as_str() == s)
    }

    /// The file extension GDAL expects.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Shapefile => "shp",
            Format::GeoPackage => "gpkg",
            Format::GeoJson => "geojson",
            Format::Kml => "kml",
            Format::Csv => "csv",
            Format::Dxf => "dxf",
        }
    }

    /// The GDAL driver that reads it.
    pub fn driver(self) -> &'static str {
        match self {
            Format::Shapefile => "ESRI Shapefile",
            Format::GeoPackage => "GPKG",
            Format::GeoJson => "GeoJSON",
            Format::Kml => "LIBKML",
            Format::Csv => "CSV",
            Format::Dxf => "DXF",
        }
    }
}

/// The file GDAL opens and its format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unpacked {
    pub format: Format,
    pub path: PathBuf,
}

/// Limits on what a zip may expand to.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Total uncompressed bytes.
    pub total: u64,
    /// Uncompressed / compressed, for entries over 1 MiB.
    pub ratio: u64,
    pub entries: usize,
}

fn bad(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message.into())
}

fn unsupported() -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_format",
        "the file is not a zipped Shapefile, GeoPackage, GeoJSON, KML, DXF or CSV with a WKT column \
         (文件格式不受支持)",
    )
}

/// Judges a file by its first bytes.
fn sniff(head: &[u8]) -> Option<Format> {
    if head.starts_with(b"SQLite format 3\0") {
        return Some(Format::GeoPackage);
    }
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = text.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(text.len());
    let text = &text[start..];
    if text.starts_with(b"{") {
        return Some(Format::GeoJson);
    }
    let lower: Vec<u8> = text.iter().take(1024).map(u8::to_ascii_lowercase).collect();
    if (lower.starts_with(b"<?xml") || lower.starts_with(b"<kml")) && lower.windows(4).any(|w| w == b"<kml") {
        return Some(Format::Kml);
    }
    // A DXF starts with group code 0 and SECTION (possibly after a 999 comment).
    let mut lines = lower.split(|b| *b == b'\n').map(|l| l.trim_ascii());
    match (lines.next(), lines.next()) {
        (Some(b"0"), Some(b"section")) | (Some(b"999"), _) => return Some(Format::Dxf),
        _ => {}
    }
    // CSV: a header line naming a geometry column.
    let header = lower.split(|b| *b == b'\n').next().unwrap_or_default();
    let names = header.split(|b| *b == b',' || *b == b';' || *b == b'\t');
    if names
        .map(|n| n.trim_ascii().trim_ascii_start_matches(b"\"").trim_ascii_end_matches(b"\""))
        .any(|n| matches!(n, b"wkt" | b"geom" | b"geometry" | b"the_geom" | b"shape"))
    {
        return Some(Format::Csv);
    }
    None
}

trait TrimQuotes {
    fn trim_ascii_start_matches(&self, p: &[u8]) -> &[u8];
    fn trim_ascii_end_matches(&self, p: &[u8]) -> &[u8];
}

impl TrimQuotes for [u8] {
    fn trim_ascii_start_matches(&self, p: &[u8]) -> &[u8] {
        self.strip_prefix(p).unwrap_or(self)
    }
    fn trim_ascii_end_matches(&self, p: &[u8]) -> &[u8] {
        self.strip_suffix(p).unwrap_or(self)
    }
}

fn head(path: &Path) -> Result<Vec<u8>, ApiError> {
    let mut buf = vec![0u8; 4096];
    let mut f = std::fs::File::open(path).map_err(io_error)?;
    let n = f.read(&mut buf).map_err(io_error)?;
    buf.truncate(n);
    Ok(buf)
}

/// Identifies the upload at `path` and, for a zip, extracts it into `dir`.
pub fn unpack(path: &Path, dir: &Path, limits: Limits) -> Result<Unpacked, ApiError> {
    let first = head(path)?;
    if first.is_empty() {
        return Err(bad("empty_file", "the file is empty (文件为空)"));
    }
    if !first.starts_with(b"PK\x03\x04") {
        let format = sniff(&first).ok_or_else(unsupported)?;
        return named(format, path);
    }
    let files = extract(path, dir, limits)?;
    let with_ext = |ext: &str| -> Vec<&PathBuf> {
        files.iter().filter(|f| f.extension().is_some_and(|e| e.eq_ignore_ascii_case(ext))).collect()
    };
    let shp = with_ext("shp");
    let parts = [with_ext("shx"), with_ext("dbf")];
    if shp.len() > 1 {
        return Err(bad(
            "several_shapefiles",
            "the zip holds several Shapefiles: upload one per import (一次上传一个 Shapefile)",
        ));
    }
    if let Some(shp) = shp.first() {
        for (ext, found) in ["shx", "dbf"].iter().zip(&parts) {
            if !found.iter().any(|f| f.file_stem() == shp.file_stem()) {
                return Err(bad(
                    "shapefile_incomplete",
                    format!("the Shapefile has no .{ext} beside its .shp (Shapefile 缺少 .{ext} 文件)"),
                ));
            }
        }
        return Ok(Unpacked { format: Format::Shapefile, path: (*shp).clone() });
    }
    if parts.iter().any(|p| !p.is_empty()) {
        return Err(bad("shapefile_incomplete", "the zip has Shapefile parts but no .shp (Shapefile 缺少 .shp 文件)"));
    }
    // One other dataset inside the zip.
    let mut found = Vec::new();
    for f in &files {
        if let Some(format) = sniff(&head(f)?) {
            found.push(Unpacked { format, path: f.clone() });
        }
    }
    match found.len() {
        1 => {
            let f = found.remove(0);
            named(f.format, &f.path)
        }
        0 => Err(unsupported()),
        _ => Err(bad("several_datasets", "the zip holds several datasets: upload one per import")),
    }
}

/// Gives a single-file dataset the extension of its format (GDAL's CSV driver, among others,
/// goes by it); the name itself stays ours.
fn named(format: Format, path: &Path) -> Result<Unpacked, ApiError> {
    let target = path.with_file_name(format!("dataset.{}", format.extension()));
    std::fs::rename(path, &target).map_err(io_error)?;
    Ok(Unpacked { format, path: target })
}

/// Extracts every entry of the zip at `path` into `dir` (flat: entries keep their file names
/// only, after the checks), returning the files.
fn extract(path: &Path, dir: &Path, limits: Limits) -> Result<Vec<PathBuf>, ApiError> {
    let file = std::fs::File::open(path).map_err(io_error)?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| bad("invalid_zip", format!("the zip cannot be read: {e}")))?;
    if zip.len() > limits.entries {
        return Err(bad("zip_too_many_entries", format!("the zip has more than {} entries", limits.entries)));
    }
    std::fs::create_dir_all(dir).map_err(io_error)?;
    let mut total = 0u64;
    let mut out = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| bad("invalid_zip", format!("zip entry {i}: {e}")))?;
        let raw_name = entry.name().to_owned();
        let Some(name) = entry.enclosed_name() else {
            return Err(bad(
                "zip_unsafe_path",
                format!("zip entry {raw_name:?} points outside the archive (../ or an absolute path)"),
            ));
        };
        if raw_name.starts_with('/') || raw_name.contains("..") || raw_name.contains('\\') {
            return Err(bad(
                "zip_unsafe_path",
                format!("zip entry {raw_name:?} points outside the archive (../ or an absolute path)"),
            ));
        }
        if entry.is_symlink() || entry.unix_mode().is_some_and(|m| m & 0o170000 == 0o120000) {
            return Err(bad("zip_symlink", format!("zip entry {raw_name:?} is a symbolic link")));
        }
        if entry.is_dir() {
            continue;
        }
        let Some(file_name) = name.file_name().map(|n| n.to_owned()) else { continue };
        // macOS resource forks and hidden files are not data.
        if raw_name.starts_with("__MACOSX/") || file_name.to_string_lossy().starts_with("._") {
            continue;
        }
        let lower = file_name.to_string_lossy().to_ascii_lowercase();
        if [".zip", ".rar", ".7z", ".gz", ".tar", ".tgz", ".bz2", ".xz"].iter().any(|e| lower.ends_with(e)) {
            return Err(bad("zip_nested", format!("zip entry {raw_name:?} is itself an archive: upload it unpacked")));
        }
        let target = dir.join(&file_name);
        if out.contains(&target) {
            return Err(bad("zip_duplicate_entry", format!("two entries of the zip are named {lower}")));
        }
        let compressed = entry.compressed_size().max(1);
        // The declared sizes first (cheap), then what is actually written.
        if entry.size() > (1 << 20) && entry.size() / compressed > limits.ratio {
            return Err(bad(
                "zip_bomb",
                format!("zip entry {raw_name:?} expands more than {}× (a zip bomb?)", limits.ratio),
            ));
        }
        let mut writer = std::fs::File::create(&target).map_err(io_error)?;
        let mut buf = vec![0u8; 64 * 1024];
        let mut written = 0u64;
        loop {
            let n = entry.read(&mut buf).map_err(|e| bad("invalid_zip", format!("zip entry {raw_name:?}: {e}")))?;
            if n == 0 {
                break;
            }
            if written == 0 && buf[..n].starts_with(b"PK\x03\x04") {
                return Err(bad("zip_nested", format!("zip entry {raw_name:?} is itself a zip: upload it unpacked")));
            }
            written += n as u64;
            total += n as u64;
            if total > limits.total {
                return Err(bad("zip_too_large", format!("the zip expands to more than {} MiB", limits.total >> 20)));
            }
            if written > (1 << 20) && written / compressed > limits.ratio {
                return Err(bad(
                    "zip_bomb",
                    format!("zip entry {raw_name:?} expands more than {}× (a zip bomb?)", limits.ratio),
                ));
            }
            writer.write_all(&buf[..n]).map_err(io_error)?;
        }
        out.push(target);
    }
    Ok(out)
}

fn io_error(e: std::io::Error) -> ApiError {
    ApiError::internal(format!("file system: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_content() {
        assert_eq!(sniff(b"SQLite format 3\0xyz"), Some(Format::GeoPackage));
        assert_eq!(sniff(b"\xEF\xBB\xBF  {\"type\":\"FeatureCollection\"}"), Some(Format::GeoJson));
        assert_eq!(sniff(b"<?xml version=\"1.0\"?><kml xmlns=\"x\">"), Some(Format::Kml));
        assert_eq!(sniff(b"  0\r\nSECTION\r\n  2\r\nHEADER"), Some(Format::Dxf));
        assert_eq!(sniff(b"id,\"WKT\",name\n1,\"POINT (1 2)\",a"), Some(Format::Csv));
        assert_eq!(sniff(b"id,name\n1,a"), None);
        assert_eq!(sniff(&[0xff, 0xd8, 0xff, 0xe0]), None);
    }
}
