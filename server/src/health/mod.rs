//! Liveness and inventory: `GET /health`, `GET /api/version`, `GET /api/stats`.

use axum::Json;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use onemap_api::Problem;
use onemap_api::health::{Health, Ready, StatementTimeouts, Stats, Version};

use crate::auth::Routes;
use crate::auth::policy::Access;
use crate::base::ApiError;
use crate::base::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .route(Method::GET, "/health", Access::Public, health)
        .route(Method::GET, "/ready", Access::Public, ready)
        .route(Method::GET, "/api/version", Access::Public, version)
        .route(Method::GET, "/api/stats", Access::Public, stats)
}

/// OpenAPI of this module's routes.
#[derive(utoipa::OpenApi)]
#[openapi(paths(health, ready, version, stats))]
pub struct Api;

/// Database reachable, PostGIS version, schema version.
#[utoipa::path(get, path = "/health", tag = "运行状态 health",
    responses((status = 200, body = Health), (status = 503, description = "database unreachable", body = Problem, content_type = "application/problem+json")))]
async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    let unavailable = |e: sqlx::Error| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "database_unavailable",
            format!("the database is not reachable: {e}"),
        )
    };
    let (postgres_version, postgis_version): (String, String) =
        sqlx::query_as(include_str!("versions.sql")).fetch_one(&state.pool).await.map_err(unavailable)?;
    let schema_version = crate::db::schema_version(&state.pool).await.map_err(unavailable)?;
    let show = "SELECT current_setting('statement_timeout')";
    let api: String = sqlx::query_scalar(show).fetch_one(&state.pool).await.map_err(unavailable)?;
    let bulk: String = sqlx::query_scalar(show).fetch_one(&state.bulk).await.map_err(unavailable)?;
    Ok(Json(Health {
        status: "ok".into(),
        database: "reachable".into(),
        postgres_version,
        postgis_version,
        schema_version,
        uptime_seconds: state.started.elapsed().as_secs(),
        statement_timeouts: StatementTimeouts { api, bulk },
    }))
}

/// Readiness for a load balancer: 200 when the database answers and every migration this
/// binary carries is applied; 503 otherwise (`/health` stays the liveness check).
#[utoipa::path(get, path = "/ready", tag = "运行状态 health",
    responses((status = 200, body = Ready), (status = 503, description = "database unreachable or migrations pending", body = Problem, content_type = "application/problem+json")))]
async fn ready(State(state): State<AppState>) -> Result<Json<Ready>, ApiError> {
    let applied = tokio::time::timeout(std::time::Duration::from_secs(3), crate::db::schema_version(&state.pool))
        .await
        .map_err(|_| not_ready("database_unavailable", "the database did not answer within 3 s".into()))?
        .map_err(|e| not_ready("database_unavailable", format!("the database is not reachable: {e}")))?;
    let carried = crate::db::MIGRATOR.iter().map(|m| m.version).max();
    if applied < carried {
        return Err(not_ready(
            "migrations_pending",
            format!(
                "migrations are pending: the database is at {}, this onemap needs {} (run `onemap db migrate`)",
                applied.unwrap_or(0),
                carried.unwrap_or(0)
            ),
        ));
    }
    Ok(Json(Ready { status: "ready".into(), schema_version: applied }))
}

fn not_ready(code: &'static str, message: String) -> ApiError {
    ApiError::new(StatusCode::SERVICE_UNAVAILABLE, code, message)
}

/// Build facts; `schema_version` is the newest migration this binary carries.
#[utoipa::path(get, path = "/api/version", tag = "运行状态 health", responses((status = 200, body = Version)))]
async fn version() -> Json<Version> {
    Json(Version {
        name: "onemap".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        git_commit: option_env!("ONEMAP_GIT_COMMIT").map(str::to_owned),
        schema_version: crate::db::MIGRATOR.iter().map(|m| m.version).max(),
    })
}

/// Entity counts of the loaded data.
#[utoipa::path(get, path = "/api/stats", tag = "运行状态 health", responses((status = 200, body = Stats)))]
async fn stats(State(state): State<AppState>) -> Result<Json<Stats>, ApiError> {
    let sqlx::types::Json(stats): sqlx::types::Json<Stats> =
        sqlx::query_scalar(include_str!("stats.sql")).fetch_one(&state.pool).await?;
    Ok(Json(stats))
}
