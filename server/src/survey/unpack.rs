//! 格式识别与解压: what an upload is, judged by its content (never its name), and a zip's
//! entries extracted safely — no `..` or absolute paths, no links, no archives inside the
//! archive, the uncompressed size and compression ratio bounded while writing.

use std::io::Read;
use std::path::{Path, PathBuf};

use axum::http::StatusCode;

use crate::base::ApiError;
use crate::base::unzip;
pub use crate::base::unzip::Limits;

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
    let files = unzip::extract(path, dir, limits)?;
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
