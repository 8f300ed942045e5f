//! 备份与恢复: `onemap backup create|list|verify|restore|prune` and the server's daily backup.
//!
//! The database part is PostgreSQL's own logical dump (`pg_dump --format=custom`, restored by
//! `pg_restore`), taken in an exported snapshot so that the manifest's row counts and audit head
//! are those of the dump. A logical dump restores into any empty PostgreSQL 15 database (the
//! embedded cluster or DATABASE_URL's) and is verified by restoring it; pg_basebackup with WAL
//! archiving (point-in-time recovery) copies the whole cluster and needs the archive kept with
//! it — the better tool for a province-sized register, not needed for a county's nightly copy.
//! Files are stored once by their SHA-256 ([`objects`]): each backup's manifest lists them.

pub mod cli;
pub mod database;
pub mod manifest;
pub mod objects;
pub mod restore;
pub mod schedule;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::config::Config;
use manifest::{Dump, Manifest, Seconds};
use objects::Objects;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("no backup {0} (see `onemap backup list`)")]
    NoSuchBackup(String),
    #[error("backup damaged: {0}")]
    Damaged(String),
    #[error("{0}")]
    NotEmpty(String),
    #[error("{0}")]
    Tool(String),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{0} changed while it was being backed up; run the backup again")]
    Changed(String),
    #[error("another backup is running in {0}")]
    Busy(PathBuf),
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
    #[error("database error: {0}")]
    Query(#[from] sqlx::Error),
}

impl BackupError {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io { path: path.to_path_buf(), source }
    }
}

/// What `create` is asked for.
#[derive(Debug, Clone, Default)]
pub struct CreateOptions {
    /// The backup root [default: `[backup] dir`].
    pub to: Option<PathBuf>,
    /// Also the signing keys (`<data-dir>/keys`): whoever holds the backup can then sign.
    pub with_keys: bool,
}

/// The backup root: `--to`/`--from` or the configured directory.
pub fn root(config: &Config, given: Option<&Path>) -> PathBuf {
    given.map(Path::to_path_buf).unwrap_or_else(|| config.backup_dir().to_path_buf())
}

/// One backup at a time per backup root (an advisory lock on `<root>/.lock`).
fn lock(root: &Path) -> Result<std::fs::File, BackupError> {
    std::fs::create_dir_all(root).map_err(|e| BackupError::io(root, e))?;
    let path = root.join(".lock");
    let f = std::fs::File::create(&path).map_err(|e| BackupError::io(&path, e))?;
    match f.try_lock() {
        Ok(()) => Ok(f),
        Err(std::fs::TryLockError::WouldBlock) => Err(BackupError::Busy(root.to_path_buf())),
        Err(std::fs::TryLockError::Error(e)) => Err(BackupError::io(&path, e)),
    }
}

/// Makes a backup: the database dump in its snapshot, then every file (a file placed after the
/// snapshot may be in it too — files are only ever added under new names, so nothing the dump
/// names is missing). The manifest is written last.
pub async fn create(config: &Config, opts: &CreateOptions) -> Result<Manifest, BackupError> {
    let root = root(config, opts.to.as_deref());
    let _lock = lock(&root)?;
    let bin = database::tools(&config.pg_bin)?;
    let url = crate::db::resolve_url(config).await?;
    let created_at = chrono::Utc::now();
    let id = new_id(&root, created_at);
    let dir = manifest::dir(&root, &id);
    let part = root.join(format!(".{id}.part"));
    let _ = std::fs::remove_dir_all(&part);
    std::fs::create_dir_all(&part).map_err(|e| BackupError::io(&part, e))?;
    let result = fill(config, &root, &part, &bin, &url, opts.with_keys).await;
    let (snapshot, dump, files, added_bytes, seconds) = match result {
        Ok(v) => v,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&part);
            return Err(e);
        }
    };
    std::fs::rename(&part, &dir).map_err(|e| BackupError::io(&dir, e))?;
    let m = Manifest {
        id,
        created_at,
        onemap_version: env!("CARGO_PKG_VERSION").into(),
        schema_version: snapshot.schema_version,
        database: Dump { server_version: snapshot.server_version, ..dump },
        tables: snapshot.tables,
        audit_head: snapshot.audit_head,
        files,
        with_keys: opts.with_keys,
        added_bytes,
        seconds,
    };
    manifest::write(&root, &m)?;
    Ok(m)
}

type Filled = (database::Snapshot, Dump, Vec<manifest::FileEntry>, u64, Seconds);

async fn fill(
    config: &Config,
    root: &Path,
    part: &Path,
    bin: &Path,
    url: &str,
    with_keys: bool,
) -> Result<Filled, BackupError> {
    let started = Instant::now();
    let dump_path = part.join(manifest::DUMP);
    let snapshot = database::dump(url, bin, &dump_path).await?;
    let hashed = dump_path.clone();
    let (bytes, sha256) = blocking(move || {
        let bytes = std::fs::metadata(&hashed).map_err(|e| BackupError::io(&hashed, e))?.len();
        Ok((bytes, objects::hash_file(&hashed)?))
    })
    .await?;
    let dump = Dump { format: "pg_dump custom".into(), bytes, sha256, server_version: String::new() };
    let database_secs = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let previous: HashMap<String, manifest::FileEntry> =
        manifest::newest(root)?.map(|m| m.files.into_iter().map(|f| (f.path.clone(), f)).collect()).unwrap_or_default();
    let (root, data_dir) = (root.to_path_buf(), config.data_dir.clone());
    let (files, added) = blocking(move || {
        let objects = Objects::new(&root);
        let mut files = objects::scan(&data_dir, "files", &previous, &objects)?;
        if with_keys {
            files.extend(objects::scan(&data_dir, "keys", &previous, &objects)?);
        }
        let mut added = 0;
        for f in &files {
            added += objects.put(&data_dir.join(&f.path), &f.sha256)?;
        }
        Ok((files, added))
    })
    .await?;
    Ok((snapshot, dump, files, added, Seconds { database: database_secs, files: started.elapsed().as_secs_f64() }))
}

/// `YYYYMMDDTHHMMSSZ`, with `-2`, `-3`… when that second already has one.
fn new_id(root: &Path, at: chrono::DateTime<chrono::Utc>) -> String {
    let base = at.format("%Y%m%dT%H%M%SZ").to_string();
    let mut id = base.clone();
    let mut n = 1;
    while manifest::dir(root, &id).exists() {
        n += 1;
        id = format!("{base}-{n}");
    }
    id
}

/// Removes the backups the retention does not keep, then the files no kept backup names.
/// Returns the ids removed and the bytes freed.
pub fn prune(root: &Path, keep_daily: usize, keep_weekly: usize, keep_monthly: usize) -> Result<Pruned, BackupError> {
    let _lock = lock(root)?;
    let all = manifest::list(root)?;
    let kept = schedule::retained(
        &all.iter().map(|m| m.created_at).collect::<Vec<_>>(),
        keep_daily,
        keep_weekly,
        keep_monthly,
    );
    let mut removed = Vec::new();
    let mut freed = 0;
    for (i, m) in all.iter().enumerate() {
        if !kept.contains(&i) {
            let dir = manifest::dir(root, &m.id);
            // The manifest first: a half-removed backup is no longer listed.
            std::fs::remove_file(dir.join(manifest::FILE)).map_err(|e| BackupError::io(&dir, e))?;
            std::fs::remove_dir_all(&dir).map_err(|e| BackupError::io(&dir, e))?;
            freed += m.database.bytes;
            removed.push(m.id.clone());
        }
    }
    let keep: HashSet<&str> =
        kept.iter().flat_map(|&i| all[i].files.iter().map(|f| f.sha256.as_str())).collect::<HashSet<_>>();
    let (_, object_bytes) = Objects::new(root).collect_garbage(&keep)?;
    Ok(Pruned { removed, freed_bytes: freed + object_bytes })
}

pub struct Pruned {
    pub removed: Vec<String>,
    pub freed_bytes: u64,
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, BackupError> + Send + 'static,
) -> Result<T, BackupError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| BackupError::Tool(format!("backup task failed: {e}")))?
}

/// The newest backup's time and size, for `/metrics` (None when there is none). A backup's
/// manifest never changes once written: it is read again only when a newer backup appears
/// (a scrape lists the directory, and does not parse a manifest of one entry per file).
pub fn latest(root: &Path) -> Option<(chrono::DateTime<chrono::Utc>, u64)> {
    type Seen = (std::path::PathBuf, String, (chrono::DateTime<chrono::Utc>, u64));
    static SEEN: std::sync::Mutex<Option<Seen>> = std::sync::Mutex::new(None);
    let id = manifest::ids(root).ok()?.pop()?;
    let mut seen = SEEN.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((r, i, v)) = seen.as_ref()
        && r == root
        && *i == id
    {
        return Some(*v);
    }
    let m = manifest::read(root, &id).ok()?;
    let v = (m.created_at, m.size());
    *seen = Some((root.to_path_buf(), id, v));
    Some(v)
}

/// Bytes in a human unit, for the command's output.
pub fn human(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 => format!("{:.2} GiB", b as f64 / f64::from(1u32 << 30)),
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / f64::from(1u32 << 20)),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}
