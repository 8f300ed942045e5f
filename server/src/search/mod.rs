//! `GET /api/search?q=`: one box for unit codes (by prefix), certificate numbers, right-holder
//! names (only for roles that may search people) and addresses; each hit carries the unit
//! code and the URL of its `/api/units` record.

use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};

use crate::auth::Routes;
use crate::auth::mask::PersonName;
use crate::auth::policy::Access;
use crate::auth::{Principal, Role};
use crate::base::AppState;
use crate::base::{ApiError, ApiQuery};

pub fn routes() -> Routes {
    Routes::new()
        // Everyone may search codes, certificates and addresses; names only the roles that may.
        .route(Method::GET, "/api/search", Access::Public, search)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchQuery {
    q: String,
    limit: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct HitRow {
    kind: String,
    title: String,
    subtitle: String,
    unit_code: String,
    score: f64,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Title {
    Plain(String),
    Person(PersonName),
}

#[derive(Serialize)]
struct Hit {
    /// unit, building, parcel, certificate, holder or address
    kind: String,
    title: Title,
    subtitle: String,
    unit_code: String,
    url: String,
    score: f64,
}

#[derive(Serialize)]
struct Results {
    q: String,
    hits: Vec<Hit>,
}

/// Roles that may look people up by name (they see personal data in full).
fn may_search_people(role: Role) -> bool {
    matches!(role, Role::Clerk | Role::Officer | Role::Auditor)
}

async fn search(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    ApiQuery(s): ApiQuery<SearchQuery>,
) -> Result<Json<Results>, ApiError> {
    let q = s.q.trim().to_owned();
    if q.chars().count() < 2 || q.chars().count() > 64 {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", "q takes 2 to 64 characters"));
    }
    let limit = s.limit.unwrap_or(20).clamp(1, 100);
    let rows: Vec<HitRow> = sqlx::query_as(include_str!("search.sql"))
        .bind(&q)
        .bind(q.to_uppercase())
        .bind(limit)
        .bind(may_search_people(p.role))
        .fetch_all(&state.pool)
        .await?;
    let hits = rows
        .into_iter()
        .map(|r| Hit {
            url: format!("/api/units/{}", r.unit_code.trim()),
            title: if r.kind == "holder" { Title::Person(PersonName(r.title)) } else { Title::Plain(r.title) },
            kind: r.kind,
            subtitle: r.subtitle,
            unit_code: r.unit_code.trim().to_owned(),
            score: (r.score * 1000.0).round() / 1000.0,
        })
        .collect();
    Ok(Json(Results { q, hits }))
}
