//! 审计日志: `GET /api/audit` — the hash-chained audit log, newest first.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// 审计日志 query: filters and keyset pagination.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// e.g. `user:officer`, `anonymous`
    pub actor: Option<String>,
    /// e.g. `login`, `code_allocate`, `personal_data_read`
    pub action: Option<String>,
    /// `success` or `failure`
    pub outcome: Option<String>,
    /// Entries at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Entries before this time.
    pub to: Option<DateTime<Utc>>,
    /// Entries with an id below this (the `next_cursor` of the previous page).
    pub cursor: Option<i64>,
    /// 1–1000 [default: 100]
    pub limit: Option<i64>,
}

/// 审计日志 page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// The `cursor` of the next page; null on the last one.
    pub next_cursor: Option<i64>,
}

/// 审计记录: one audited fact, with its chain hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// `user:<name>`, `apikey:<name>`, `anonymous`, `cli:<command>`
    pub actor: String,
    /// The actor's role at the time.
    pub role: String,
    pub action: String,
    pub target: String,
    /// `success` or `failure`
    pub outcome: String,
    pub request_id: Option<String>,
    pub client_addr: Option<String>,
    /// The record before a change (any JSON).
    pub before: Option<serde_json::Value>,
    /// The record after a change (any JSON).
    pub after: Option<serde_json::Value>,
    /// Anything else worth keeping (any JSON).
    pub details: Option<serde_json::Value>,
    /// SHA-256 of the previous entry's hash and this entry's content, hex.
    pub hash: String,
}
