//! 权限复核: who holds what — every account and API key with its role, since when and by
//! whom, the end of its access, its state, its last use and its project grants — for the
//! periodic review an office makes of its accounts.

use axum::extract::State;
use axum::{Extension, Json};
use chrono::{DateTime, Utc};
use onemap_api::access::{AccessHolder, AccessReview, AccessReviewQuery, ProjectGrant};
use serde_json::json;

use crate::auth::{Principal, Role};
use crate::base::journal::AuditEvent;
use crate::base::{ApiError, ApiQuery, AppState};

#[derive(sqlx::FromRow)]
struct Row {
    kind: String,
    name: String,
    display_name: Option<String>,
    role: String,
    firm: Option<String>,
    role_since: DateTime<Utc>,
    role_granted_by: Option<String>,
    until: Option<DateTime<Utc>>,
    state: String,
    last_seen_at: Option<DateTime<Utc>>,
    projects: serde_json::Value,
}

/// Every account (then every API key), active ones unless `all`; the review itself is audited.
#[utoipa::path(get, path = "/api/access-review", tag = "权限 access", params(AccessReviewQuery),
    responses((status = 200, body = AccessReview)))]
pub async fn review(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    ApiQuery(q): ApiQuery<AccessReviewQuery>,
) -> Result<Json<AccessReview>, ApiError> {
    let rows: Vec<Row> = sqlx::query_as(include_str!("sql/review.sql"))
        .bind(q.role.map(Role::as_str))
        .bind(q.all.unwrap_or(false))
        .fetch_all(&state.pool)
        .await?;
    let mut holders = Vec::with_capacity(rows.len());
    for r in rows {
        let projects: Vec<ProjectGrant> = serde_json::from_value(r.projects)
            .map_err(|e| ApiError::internal(format!("review.sql's project grants: {e}")))?;
        holders.push(AccessHolder {
            kind: r.kind,
            name: r.name,
            display_name: r.display_name,
            role: Role::parse(&r.role).unwrap_or(Role::Public),
            firm: r.firm,
            role_since: r.role_since,
            role_granted_by: r.role_granted_by,
            until: r.until,
            state: r.state,
            last_seen_at: r.last_seen_at,
            projects,
        });
    }
    let event = AuditEvent::new(&p.actor, p.role.as_str(), "access_review", "access-review", "success")
        .details(json!({"role": q.role.map(Role::as_str), "all": q.all.unwrap_or(false), "holders": holders.len()}));
    state.audit.record(event).await;
    Ok(Json(AccessReview { generated_at: Utc::now(), holders }))
}
