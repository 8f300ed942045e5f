//! 解压: a zip's entries extracted flat into a directory, with the checks every upload needs —
//! no path outside the archive (zip slip), no links, no nested archives, the number of
//! entries, the uncompressed size and the compression ratio bounded while writing (zip bombs).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use axum::http::StatusCode;

use crate::base::ApiError;

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

fn io_error(e: std::io::Error) -> ApiError {
    ApiError::internal(format!("file system: {e}"))
}

/// Extracts every entry of the zip at `path` into `dir` (flat: entries keep their file names
/// only, after the checks), returning the files.
pub fn extract(path: &Path, dir: &Path, limits: Limits) -> Result<Vec<PathBuf>, ApiError> {
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
