//! 启动恢复: what a server killed mid-write left in the files directory, settled before it
//! serves. A file is written as `*.part` and moved into place after its transaction commits:
//! a `*.part` whose path a committed row records is moved into place (the commit happened, the
//! move did not); any other `*.part` belonged to a transaction that never committed and is
//! removed, as is every upload left in `.incoming`.
//!
//! Servers sharing one files directory (two servers, one database) must not take each other's
//! writes in flight for leftovers: a staged file is settled only once it is older than
//! [`SETTLE_COMMITTED`] (recorded) or [`SETTLE_UNCOMMITTED`] (not recorded) — no request
//! takes that long between writing a file and committing — at start and then every
//! [`SWEEP_EVERY`].

use std::path::{Path, PathBuf};

use std::time::{Duration, SystemTime};

use sqlx::PgPool;

/// A recorded staged file older than this is moved into place.
pub const SETTLE_COMMITTED: Duration = Duration::from_secs(60);
/// An unrecorded staged file (or upload in `.incoming`) older than this is removed.
pub const SETTLE_UNCOMMITTED: Duration = Duration::from_secs(15 * 60);
pub const SWEEP_EVERY: Duration = Duration::from_secs(5 * 60);

/// How long ago `path` was last written.
fn age(path: &Path) -> Duration {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .unwrap_or_default()
}

/// The sweep of a running server: at start, then every [`SWEEP_EVERY`].
pub async fn keep_sweeping(pool: PgPool, files: PathBuf) {
    let mut tick = tokio::time::interval(SWEEP_EVERY);
    loop {
        tick.tick().await;
        match recover(&pool, &files).await {
            Ok(r) if r.placed + r.removed > 0 => {
                tracing::info!(placed = r.placed, removed = r.removed, "staged files settled")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "staged files not settled"),
        }
    }
}

/// What the recovery did.
#[derive(Debug, Default)]
pub struct Recovered {
    pub placed: usize,
    pub removed: usize,
}

pub async fn recover(pool: &PgPool, files: &Path) -> Result<Recovered, sqlx::Error> {
    let mut done = Recovered::default();
    let incoming = files.join(".incoming");
    if let Ok(entries) = std::fs::read_dir(&incoming) {
        for e in entries.filter_map(|e| e.ok()).filter(|e| age(&e.path()) >= SETTLE_UNCOMMITTED) {
            if std::fs::remove_dir_all(e.path()).or_else(|_| std::fs::remove_file(e.path())).is_ok() {
                done.removed += 1;
            }
        }
    }
    for part in parts(files) {
        let age = age(&part);
        if age < SETTLE_COMMITTED {
            continue;
        }
        let target = part.with_extension("");
        let Ok(rel) = target.strip_prefix(files) else { continue };
        let rel = rel.to_string_lossy().into_owned();
        let recorded: bool = sqlx::query_scalar(include_str!("recorded.sql")).bind(&rel).fetch_one(pool).await?;
        if recorded && !target.exists() {
            match std::fs::rename(&part, &target) {
                Ok(()) => {
                    tracing::warn!(path = %rel, "a committed file was still staged: moved into place");
                    done.placed += 1;
                }
                Err(e) => tracing::error!(path = %rel, error = %e, "a committed file could not be moved into place"),
            }
        } else if (recorded || age >= SETTLE_UNCOMMITTED) && std::fs::remove_file(&part).is_ok() {
            tracing::info!(path = %rel, "a staged file of a transaction that did not commit: removed");
            done.removed += 1;
        }
    }
    Ok(done)
}

/// Every `*.part` file under `files`, outside dot-directories.
fn parts(files: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![files.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for e in entries.filter_map(|e| e.ok()) {
            let name = e.file_name();
            let name = name.to_string_lossy();
            let Ok(kind) = e.file_type() else { continue };
            if kind.is_dir() && !name.starts_with('.') {
                stack.push(e.path());
            } else if kind.is_file() && name.ends_with(".part") {
                out.push(e.path());
            }
        }
    }
    out
}
