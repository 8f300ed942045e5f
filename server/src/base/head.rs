//! The audit log's recorded head (审计日志链头): the id and hash of its last row, written
//! outside the database — to `<data-dir>/audit-head.json` (atomically, by the server every
//! `ONEMAP_AUDIT_HEAD_SECS` and by every command that appends) and to the server log. Deleting
//! rows from the end of the log leaves a chain that verifies by itself; `onemap audit verify`
//! compares it with the recorded head and reports the missing tail.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sqlx::PgPool;

/// The head as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    pub id: i64,
    /// SHA-256 of the row, hex.
    pub hash: String,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
}

pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join("audit-head.json")
}

/// The head of the table now, if it has a row.
pub async fn current(pool: &PgPool) -> sqlx::Result<Option<(i64, Vec<u8>)>> {
    sqlx::query_as("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetch_optional(pool).await
}

/// Reads the recorded head; None when there is none (a new installation).
pub fn read(data_dir: &Path) -> Result<Option<Head>, String> {
    let p = path(data_dir);
    match std::fs::read(&p) {
        Ok(bytes) => {
            serde_json::from_slice(&bytes).map(Some).map_err(|e| format!("{} is unreadable: {e}", p.display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", p.display())),
    }
}

/// Records the table's head when it moved past the recorded one (never backwards: a head that
/// went back is what `verify` must see). Returns the head written, if any.
pub async fn record(pool: &PgPool, data_dir: &Path) -> Result<Option<Head>, String> {
    let Some((id, hash)) = current(pool).await.map_err(|e| e.to_string())? else { return Ok(None) };
    if read(data_dir)?.is_some_and(|h| h.id >= id) {
        return Ok(None);
    }
    let head = Head { id, hash: hex::encode(hash), recorded_at: chrono::Utc::now() };
    let target = path(data_dir);
    let tmp = target.with_extension("json.tmp");
    std::fs::create_dir_all(data_dir).map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
    std::fs::write(&tmp, serde_json::to_vec_pretty(&head).expect("serializes"))
        .and_then(|()| std::fs::rename(&tmp, &target))
        .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
    tracing::info!(id = head.id, hash = %head.hash, "audit log head recorded");
    Ok(Some(head))
}

/// The server's recorder: every `every`, until the process ends.
pub async fn keep_recording(pool: PgPool, data_dir: PathBuf, every: std::time::Duration) {
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        if let Err(e) = record(&pool, &data_dir).await {
            tracing::warn!(error = %e, "audit log head not recorded");
        }
    }
}
