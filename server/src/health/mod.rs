//! Liveness and inventory: `GET /health`, `GET /api/version`, `GET /api/stats`.

use axum::Json;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use serde::Serialize;

use crate::auth::Routes;
use crate::auth::policy::Access;
use crate::base::ApiError;
use crate::base::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .route(Method::GET, "/health", Access::Public, health)
        .route(Method::GET, "/api/version", Access::Public, version)
        .route(Method::GET, "/api/stats", Access::Public, stats)
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    database: &'static str,
    postgres_version: String,
    postgis_version: String,
    schema_version: Option<i64>,
    uptime_seconds: u64,
}

/// Database reachable, PostGIS version, schema version.
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
    Ok(Json(Health {
        status: "ok",
        database: "reachable",
        postgres_version,
        postgis_version,
        schema_version,
        uptime_seconds: state.started.elapsed().as_secs(),
    }))
}

#[derive(Serialize)]
struct Version {
    name: &'static str,
    version: &'static str,
    git_commit: Option<&'static str>,
    schema_version: Option<i64>,
}

/// Build facts; `schema_version` is the newest migration this binary carries.
async fn version() -> Json<Version> {
    Json(Version {
        name: "onemap",
        version: env!("CARGO_PKG_VERSION"),
        git_commit: option_env!("ONEMAP_GIT_COMMIT"),
        schema_version: crate::db::MIGRATOR.iter().map(|m| m.version).max(),
    })
}

/// Entity counts of the loaded data.
#[derive(Serialize, sqlx::FromRow)]
pub struct Stats {
    pub admin_areas: i64,
    pub cadastral_districts: i64,
    pub cadastral_subdistricts: i64,
    pub roads: i64,
    pub parcels: i64,
    pub buildings: i64,
    pub house_units: i64,
    pub right_holders: i64,
    pub rights: i64,
    pub certificates: i64,
    pub projects: i64,
    pub appraisal_firms: i64,
    pub compensation_units: i64,
    pub payments: i64,
    pub photos: i64,
    pub archive_documents: i64,
}

async fn stats(State(state): State<AppState>) -> Result<Json<Stats>, ApiError> {
    Ok(Json(sqlx::query_as(include_str!("stats.sql")).fetch_one(&state.pool).await?))
}
