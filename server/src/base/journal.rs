//! Writing the audit log (审计日志): every write, every login and every read of personal data
//! goes into the table `audit_log` through [`append`] (in the caller's transaction) or the
//! server's batching writer [`AuditLog`]. Reading, verifying and pruning it is the `audit`
//! module's. The table is Append-only (a trigger refuses UPDATE, DELETE and TRUNCATE; the server's
//! database role has no such privileges) and hash-chained: each row stores
//! SHA-256(previous row's hash ‖ canonical content of this row), so `onemap audit verify`
//! finds any row that was altered or removed. Pruning past the retention keeps a checkpoint
//! (the last pruned row's id and hash) where verification resumes.

use chrono::{DateTime, SubsecRound, Utc};
use sha2::{Digest, Sha256};
use sqlx::{Acquire, PgConnection, PgPool};

use tokio::sync::mpsc;

/// One audited fact.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub role: String,
    pub action: String,
    pub target: String,
    pub outcome: String,
    pub request_id: Option<String>,
    pub client_addr: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub details: Option<serde_json::Value>,
}

impl AuditEvent {
    /// A new event, stamped now; request id and client address come from the current request.
    pub fn new(actor: &str, role: &str, action: &str, target: &str, outcome: &str) -> Self {
        let (request_id, client_addr) = super::context::request_ids().unwrap_or((None, None));
        Self {
            at: Utc::now().trunc_subsecs(6),
            actor: actor.into(),
            role: role.into(),
            action: action.into(),
            target: target.into(),
            outcome: outcome.into(),
            request_id,
            client_addr,
            before: None,
            after: None,
            details: None,
        }
    }
    pub fn client(mut self, addr: &str) -> Self {
        self.client_addr = Some(addr.into());
        self
    }
    pub fn request_id(mut self, id: Option<&str>) -> Self {
        if id.is_some() {
            self.request_id = id.map(str::to_owned);
        }
        self
    }
    pub fn details(mut self, v: serde_json::Value) -> Self {
        self.details = Some(v);
        self
    }
    pub fn change(mut self, before: Option<serde_json::Value>, after: Option<serde_json::Value>) -> Self {
        self.before = before;
        self.after = after;
        self
    }
}

/// The canonical content of a row, as hashed: fixed field order, UTC time in microseconds,
/// JSON values with sorted keys.
/// A JSON value with every object's keys in sorted order, whatever order it was built or read
/// in (jsonb reorders keys, and serde_json keeps insertion order when a dependency enables its
/// `preserve_order` feature).
fn sorted_keys(v: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(&String, &Value)> = m.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k.clone(), sorted_keys(v))).collect())
        }
        Value::Array(a) => Value::Array(a.iter().map(sorted_keys).collect()),
        other => other.clone(),
    }
}

fn canonical(id: i64, e: &AuditEvent) -> String {
    let e = AuditEvent {
        before: e.before.as_ref().map(sorted_keys),
        after: e.after.as_ref().map(sorted_keys),
        details: e.details.as_ref().map(sorted_keys),
        ..e.clone()
    };
    serde_json::json!([
        id,
        e.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        e.actor,
        e.role,
        e.action,
        e.target,
        e.outcome,
        e.request_id,
        e.client_addr,
        e.before,
        e.after,
        e.details,
    ])
    .to_string()
}

pub fn digest(prev: &[u8], id: i64, e: &AuditEvent) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(canonical(id, e).as_bytes());
    h.finalize().to_vec()
}

pub const GENESIS: [u8; 32] = [0; 32];

/// The chain's head: the last row, or the last checkpoint when every row was pruned.
async fn head(conn: &mut PgConnection) -> sqlx::Result<(i64, Vec<u8>)> {
    let last: Option<(i64, Vec<u8>)> =
        sqlx::query_as("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetch_optional(&mut *conn).await?;
    if let Some(h) = last {
        return Ok(h);
    }
    let cp: Option<(i64, Vec<u8>)> =
        sqlx::query_as("SELECT through_id, through_hash FROM audit_checkpoints ORDER BY through_id DESC LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?;
    Ok(cp.unwrap_or((0, GENESIS.to_vec())))
}

/// Appends events in the caller's transaction (so a write and its audit row commit together).
/// An advisory lock serialises appenders so the chain never forks.
pub async fn append(conn: &mut PgConnection, events: &[AuditEvent]) -> sqlx::Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('onemap.audit_log'))").execute(&mut *conn).await?;
    let (mut id, mut prev) = head(conn).await?;
    for e in events {
        id += 1;
        let hash = digest(&prev, id, e);
        sqlx::query(include_str!("audit_insert.sql"))
            .bind(id)
            .bind(e.at)
            .bind(&e.actor)
            .bind(&e.role)
            .bind(&e.action)
            .bind(&e.target)
            .bind(&e.outcome)
            .bind(&e.request_id)
            .bind(&e.client_addr)
            .bind(&e.before)
            .bind(&e.after)
            .bind(&e.details)
            .bind(&prev)
            .bind(&hash)
            .execute(&mut *conn)
            .await?;
        prev = hash;
    }
    Ok(())
}

/// Appends events in a transaction of their own.
pub async fn append_now(pool: &PgPool, events: &[AuditEvent]) -> sqlx::Result<()> {
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin().await?;
    append(&mut tx, events).await?;
    tx.commit().await
}

/// The server's audit writer: events are queued and written in batches by one task, so that
/// reads (logins, personal-data reads) do not wait on the chain's lock.
#[derive(Clone)]
pub struct AuditLog {
    tx: mpsc::Sender<AuditEvent>,
}

impl AuditLog {
    pub fn start(pool: PgPool) -> (Self, tokio::task::JoinHandle<()>) {
        let (tx, mut rx) = mpsc::channel::<AuditEvent>(10_000);
        let task = tokio::spawn(async move {
            let mut batch = Vec::new();
            while rx.recv_many(&mut batch, 500).await > 0 {
                let mut tries = 0;
                while let Err(e) = append_now(&pool, &batch).await {
                    tries += 1;
                    tracing::error!(error = %e, events = batch.len(), "audit log write failed");
                    if tries >= 5 {
                        tracing::error!(events = ?batch, "audit events dropped after 5 attempts");
                        break;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(200 * tries)).await;
                }
                batch.clear();
            }
        });
        (Self { tx }, task)
    }

    pub async fn record(&self, event: AuditEvent) {
        if self.tx.send(event).await.is_err() {
            tracing::error!("audit writer has stopped; event lost");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_does_not_depend_on_key_order() {
        let mut a = AuditEvent::new("demo", "admin", "user_add", "x", "success");
        a.details = Some(
            serde_json::json!({ "role": "officer", "name": "张三", "nested": { "b": 1, "a": [{ "z": 1, "y": 2 }] } }),
        );
        let mut b = a.clone();
        // As jsonb gives it back: shorter keys first.
        b.details = Some(
            serde_json::from_str(r#"{"name":"张三","role":"officer","nested":{"a":[{"y":2,"z":1}],"b":1}}"#).unwrap(),
        );
        assert_eq!(digest(&GENESIS, 1, &a), digest(&GENESIS, 1, &b));
        b.details = Some(serde_json::json!({ "role": "clerk", "name": "张三" }));
        assert_ne!(digest(&GENESIS, 1, &a), digest(&GENESIS, 1, &b));
    }
}
