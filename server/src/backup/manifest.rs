//! 备份清单: what one backup holds, written last (`manifest.json`): a backup directory without
//! one is unfinished and ignored.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::BackupError;

pub const FILE: &str = "manifest.json";
/// The database dump inside a backup's directory.
pub const DUMP: &str = "database.dump";

/// The manifest of one backup.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// `YYYYMMDDTHHMMSSZ` (UTC), also the directory's name.
    pub id: String,
    pub created_at: DateTime<Utc>,
    pub onemap_version: String,
    /// The newest applied migration.
    pub schema_version: Option<i64>,
    pub database: Dump,
    /// Rows per table of the `public` schema, counted in the dump's snapshot.
    pub tables: BTreeMap<String, i64>,
    /// The audit chain's last row in the dump's snapshot (审计链头).
    pub audit_head: Option<AuditHead>,
    /// Every file of the files directory (and of the keys directory with `--with-keys`), by
    /// its path under the data directory.
    pub files: Vec<FileEntry>,
    pub with_keys: bool,
    /// Bytes this backup added to the shared file store (files no earlier backup held).
    pub added_bytes: u64,
    pub seconds: Seconds,
}

/// The `pg_dump` file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Dump {
    /// `pg_dump --format=custom`.
    pub format: String,
    pub bytes: u64,
    pub sha256: String,
    pub server_version: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditHead {
    pub id: i64,
    /// SHA-256 of the row, hex.
    pub hash: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileEntry {
    /// Under the data directory, `/`-separated: `files/photos/…`, `keys/…`.
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
    /// Modification time (ns since the epoch): an unchanged path, size and time is not read
    /// again by the next backup.
    pub mtime_ns: i128,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Seconds {
    pub database: f64,
    pub files: f64,
}

impl Manifest {
    /// The database dump and the files this backup added: its own size on disk.
    pub fn size(&self) -> u64 {
        self.database.bytes + self.added_bytes
    }

    pub fn files_bytes(&self) -> u64 {
        self.files.iter().map(|f| f.bytes).sum()
    }
}

/// A backup's directory under the backup root.
pub fn dir(root: &Path, id: &str) -> PathBuf {
    root.join(id)
}

/// An id names a backup: digits, `T`, `Z` and `-` (never a path).
pub fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 40 && id.bytes().all(|c| c.is_ascii_digit() || matches!(c, b'T' | b'Z' | b'-'))
}

pub fn read(root: &Path, id: &str) -> Result<Manifest, BackupError> {
    if !valid_id(id) {
        return Err(BackupError::NoSuchBackup(id.to_owned()));
    }
    let path = dir(root, id).join(FILE);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(BackupError::NoSuchBackup(id.to_owned())),
        Err(e) => return Err(BackupError::io(&path, e)),
    };
    serde_json::from_slice(&bytes).map_err(|e| BackupError::Damaged(format!("{} is unreadable: {e}", path.display())))
}

/// Writes the manifest (to a temporary name, synced, then renamed: it appears whole or not).
pub fn write(root: &Path, m: &Manifest) -> Result<(), BackupError> {
    let path = dir(root, &m.id).join(FILE);
    let tmp = path.with_extension("json.part");
    let bytes = serde_json::to_vec_pretty(m).expect("a manifest serializes");
    super::objects::write_synced(&tmp, &bytes)?;
    std::fs::rename(&tmp, &path).map_err(|e| BackupError::io(&path, e))
}

/// The ids of every finished backup under `root`, oldest first.
pub fn ids(root: &Path) -> Result<Vec<String>, BackupError> {
    let entries = match std::fs::read_dir(root) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(BackupError::io(root, e)),
    };
    let mut ids: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .filter(|id| valid_id(id) && dir(root, id).join(FILE).exists())
        .collect();
    ids.sort();
    Ok(ids)
}

/// Every finished backup under `root`, oldest first.
pub fn list(root: &Path) -> Result<Vec<Manifest>, BackupError> {
    ids(root)?.iter().map(|id| read(root, id)).collect()
}

/// The newest finished backup, if any.
pub fn newest(root: &Path) -> Result<Option<Manifest>, BackupError> {
    ids(root)?.last().map(|id| read(root, id)).transpose()
}
