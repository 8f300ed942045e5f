//! The audit log (审计日志), read side: `GET /api/audit`, `onemap audit verify` (walks the hash
//! chain) and `onemap audit prune` (removes rows past the retention, keeping a checkpoint).
//! Rows are written by [`crate::base::journal`].

use axum::Json;
use axum::extract::State;
use axum::http::Method;
use chrono::{DateTime, Utc};
use onemap_api::audit::{AuditEntry, AuditPage, AuditQuery};
use sqlx::{Acquire, PgPool};

use crate::auth::Routes;
use crate::auth::policy::AUDITORS;
use crate::auth::policy::Access;
use crate::base::head::{Head, current};
use crate::base::journal::{AuditEvent, GENESIS, append, digest};
use crate::base::{ApiError, ApiQuery, AppState};

/// A stored row.
#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    at: DateTime<Utc>,
    actor: String,
    role: String,
    action: String,
    target: String,
    outcome: String,
    request_id: Option<String>,
    client_addr: Option<String>,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
    details: Option<serde_json::Value>,
    prev_hash: Vec<u8>,
    hash: Vec<u8>,
}

impl Row {
    /// What `GET /api/audit` returns: the hash in hex, no previous hash.
    fn entry(self) -> AuditEntry {
        AuditEntry {
            hash: hex::encode(&self.hash),
            id: self.id,
            at: self.at,
            actor: self.actor,
            role: self.role,
            action: self.action,
            target: self.target,
            outcome: self.outcome,
            request_id: self.request_id,
            client_addr: self.client_addr,
            before: self.before,
            after: self.after,
            details: self.details,
        }
    }

    fn event(&self) -> AuditEvent {
        AuditEvent {
            at: self.at,
            actor: self.actor.clone(),
            role: self.role.clone(),
            action: self.action.clone(),
            target: self.target.clone(),
            outcome: self.outcome.clone(),
            request_id: self.request_id.clone(),
            client_addr: self.client_addr.clone(),
            before: self.before.clone(),
            after: self.after.clone(),
            details: self.details.clone(),
        }
    }
}

/// Result of walking the chain.
#[derive(Debug)]
pub enum Verdict {
    Intact { rows: u64, from_checkpoint: Option<i64> },
    Broken { rows_checked: u64, problem: String },
}

/// The chain's verdict checked against the head recorded outside the database: rows removed
/// from the end (and a head row whose hash changed) are found there.
pub async fn verify_with_head(pool: &PgPool, recorded: Option<&Head>) -> sqlx::Result<Verdict> {
    let verdict = verify(pool).await?;
    let (Verdict::Intact { rows, .. }, Some(head)) = (&verdict, recorded) else { return Ok(verdict) };
    let last: Option<(i64, Vec<u8>)> = current(pool).await?;
    let at: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT hash FROM audit_log WHERE id = $1").bind(head.id).fetch_optional(pool).await?;
    let pruned_through: Option<i64> =
        sqlx::query_scalar("SELECT max(through_id) FROM audit_checkpoints").fetch_one(pool).await?;
    let last_id = last.as_ref().map(|l| l.0).unwrap_or(pruned_through.unwrap_or(0));
    let broken = |problem: String| Ok(Verdict::Broken { rows_checked: *rows, problem });
    if last_id < head.id {
        return broken(format!(
            "rows {}–{} were removed from the end: the log ends at row {last_id}, but row {} was recorded as its \
             head at {} (audit-head.json)",
            last_id + 1,
            head.id,
            head.id,
            head.recorded_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ));
    }
    match at {
        Some(hash) if hex::encode(&hash) != head.hash => {
            broken(format!("row {} differs from the head recorded at {}", head.id, head.recorded_at))
        }
        _ => Ok(verdict),
    }
}

/// Walks the whole chain and reports the first broken link.
pub async fn verify(pool: &PgPool) -> sqlx::Result<Verdict> {
    let mut conn = pool.acquire().await?;
    let cp: Option<(i64, Vec<u8>)> =
        sqlx::query_as("SELECT through_id, through_hash FROM audit_checkpoints ORDER BY through_id DESC LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?;
    let from_checkpoint = cp.as_ref().map(|c| c.0);
    let (mut last_id, mut prev) = cp.unwrap_or((0, GENESIS.to_vec()));
    let mut checked = 0u64;
    loop {
        let rows: Vec<Row> = sqlx::query_as("SELECT * FROM audit_log WHERE id > $1 ORDER BY id LIMIT 5000")
            .bind(last_id)
            .fetch_all(&mut *conn)
            .await?;
        if rows.is_empty() {
            return Ok(Verdict::Intact { rows: checked, from_checkpoint });
        }
        for r in rows {
            let broken = |problem: String| Ok(Verdict::Broken { rows_checked: checked, problem });
            if r.id != last_id + 1 {
                return broken(format!("rows {}–{} are missing (removed) before row {}", last_id + 1, r.id - 1, r.id));
            }
            if r.prev_hash != prev {
                return broken(format!("row {} does not link to row {} (its previous hash differs)", r.id, last_id));
            }
            if digest(&prev, r.id, &r.event()) != r.hash {
                return broken(format!("row {} was altered: its content does not match its hash", r.id));
            }
            checked += 1;
            last_id = r.id;
            prev = r.hash;
        }
    }
}

/// Removes rows older than `retention_days`, keeping a checkpoint; returns the rows removed.
pub async fn prune(pool: &PgPool, retention_days: u32) -> sqlx::Result<u64> {
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('onemap.audit_log'))").execute(&mut *tx).await?;
    let interval = format!("{retention_days} days");
    sqlx::query("SELECT set_config('onemap.audit_prune', $1, true)").bind(&interval).execute(&mut *tx).await?;
    // A prefix of the chain: every row before the first one inside the retention.
    let through: Option<(i64, Vec<u8>)> =
        sqlx::query_as(include_str!("prune_through.sql")).bind(&interval).fetch_optional(&mut *tx).await?;
    let Some((through_id, through_hash)) = through else {
        return Ok(0);
    };
    let removed =
        sqlx::query("DELETE FROM audit_log WHERE id <= $1").bind(through_id).execute(&mut *tx).await?.rows_affected();
    sqlx::query("INSERT INTO audit_checkpoints (through_id, through_hash, rows_pruned, retention) VALUES ($1, $2, $3, $4::interval)")
        .bind(through_id)
        .bind(&through_hash)
        .bind(removed as i64)
        .bind(&interval)
        .execute(&mut *tx)
        .await?;
    let event = AuditEvent::new("cli:audit", "admin", "audit_prune", "audit_log", "success")
        .details(serde_json::json!({ "through_id": through_id, "rows": removed, "retention_days": retention_days }));
    append(&mut tx, &[event]).await?;
    tx.commit().await?;
    Ok(removed)
}

pub fn routes() -> Routes {
    Routes::new().route(Method::GET, "/api/audit", Access::Roles(AUDITORS), list)
}

/// OpenAPI of this module's routes.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list))]
pub struct Api;

/// `GET /api/audit`: newest first, filtered, keyset-paginated.
#[utoipa::path(get, path = "/api/audit", tag = "审计 audit", params(AuditQuery), responses((status = 200, body = AuditPage)))]
async fn list(State(state): State<AppState>, ApiQuery(f): ApiQuery<AuditQuery>) -> Result<Json<AuditPage>, ApiError> {
    for (name, v) in [("actor", &f.actor), ("action", &f.action), ("outcome", &f.outcome)] {
        if v.as_ref().is_some_and(|v| v.chars().count() > 200) {
            return Err(ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                "invalid_query",
                format!("{name} takes at most 200 characters"),
            ));
        }
    }
    let limit = f.limit.unwrap_or(100).clamp(1, 1000);
    let rows: Vec<Row> = sqlx::query_as(include_str!("list.sql"))
        .bind(f.actor)
        .bind(f.action)
        .bind(f.outcome)
        .bind(f.from)
        .bind(f.to)
        .bind(f.cursor)
        .bind(limit)
        .fetch_all(&state.pool)
        .await?;
    let next_cursor = (rows.len() as i64 == limit).then(|| rows.last().map(|e| e.id)).flatten();
    let entries = rows.into_iter().map(Row::entry).collect();
    Ok(Json(AuditPage { entries, next_cursor }))
}
