//! `GET /api/search?q=`: one box for unit codes (by prefix), certificate numbers, right-holder
//! names (only for roles that may search people) and addresses; each hit carries the unit
//! code and the URL of its `/api/units` record.

use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::{Extension, Json};
use onemap_api::Problem;
use onemap_api::search::{SearchHit, SearchQuery, SearchResults};

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

#[derive(sqlx::FromRow)]
struct HitRow {
    kind: String,
    title: String,
    subtitle: String,
    unit_code: String,
    score: f64,
}

/// OpenAPI of this module's routes.
#[derive(utoipa::OpenApi)]
#[openapi(paths(search))]
pub struct Api;

/// `q` as a LIKE pattern that matches itself: `%`, `_` and `\` lose their meaning.
fn like_literal(q: &str) -> String {
    let mut out = String::with_capacity(q.len());
    for c in q.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Roles that may look people up by name (they see personal data in full).
fn may_search_people(role: Role) -> bool {
    matches!(role, Role::Clerk | Role::Officer | Role::Director | Role::Auditor)
}

/// Ranked hits across unit codes, certificates, addresses and (for clerks, officers and
/// auditors) right-holder names.
#[utoipa::path(get, path = "/api/search", tag = "查询 search", params(SearchQuery),
    responses((status = 200, body = SearchResults), (status = 400, description = "q too short or long", body = Problem, content_type = "application/problem+json")))]
async fn search(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    ApiQuery(s): ApiQuery<SearchQuery>,
) -> Result<Json<SearchResults>, ApiError> {
    let q = s.q.trim().to_owned();
    if q.chars().count() < 2 || q.chars().count() > 64 {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", "q takes 2 to 64 characters"));
    }
    let limit = s.limit.unwrap_or(20).clamp(1, 100);
    let (upper, pattern) = (q.to_uppercase(), like_literal(&q));
    let mut read = state.reads.pick(&state.pool).await;
    let rows: Vec<HitRow> = loop {
        let got = sqlx::query_as(include_str!("search.sql"))
            .bind(&q)
            .bind(&upper)
            .bind(limit)
            .bind(may_search_people(p.role))
            .bind(&pattern)
            .fetch_all(read.pool())
            .await;
        match got {
            Err(e) if read.fall_back(&e) => continue,
            got => break got?,
        }
    };
    let hits = rows
        .into_iter()
        .map(|r| SearchHit {
            url: format!("/api/units/{}", r.unit_code.trim()),
            title: if r.kind == "holder" { PersonName(r.title).shown() } else { r.title },
            kind: r.kind,
            subtitle: r.subtitle,
            unit_code: r.unit_code.trim().to_owned(),
            score: (r.score * 1000.0).round() / 1000.0,
        })
        .collect();
    Ok(Json(SearchResults { q, hits }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn wildcards_are_matched_as_typed() {
        assert_eq!(super::like_literal("%_%"), "\\%\\_\\%");
        assert_eq!(super::like_literal("a\\b 温县"), "a\\\\b 温县");
    }
}
