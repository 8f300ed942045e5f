//! 照片与档案 (全信息档案): field photos uploaded from desk or phone and linked to their
//! compensation unit by position ([`photos`], edited in [`photo_edit`]); archive documents
//! with their numbers, by upload or in bulk ([`documents`], [`batch`]), their text extracted
//! for search ([`text`]); the completeness check of a project's archive ([`check`]). Files are
//! stored by [`store`] under generated names, numbered by [`numbers`]; what they are is judged
//! by their content (`onemap-intake`). Every route names its access rule here.

pub mod batch;
pub mod check;
pub mod documents;
pub mod numbers;
pub mod photo_edit;
pub mod photos;
pub mod store;
pub mod text;

use axum::http::{Method, StatusCode};
use chrono::NaiveDate;
use sqlx::PgPool;
use utoipa::OpenApi;

use crate::auth::policy::{Access, RELOCATION_READERS};
use crate::auth::{AuthError, Principal, Role, Routes};
use crate::base::ApiError;
pub use crate::base::begin;

/// Who uploads field photos: the relocation centre, survey staff, and the appointed firms'
/// appraisers (their scope is their firm's projects).
const PHOTOGRAPHERS: &[Role] = &[Role::Officer, Role::Director, Role::Surveyor, Role::Appraiser];
/// Who files archive documents and moves photos between units: the relocation centre.
const ARCHIVISTS: &[Role] = &[Role::Officer, Role::Director];

/// The routes that stream their bodies (the 1 MiB limit of JSON bodies does not apply; each
/// enforces `max_upload_mb` or `[archives] max_file_mb`).
pub const UPLOAD_PATHS: &[&str] = &["/api/photos", "/api/archives", "/api/archives/batch"];

pub fn routes() -> Routes {
    use Access::Roles;
    Routes::new()
        .upload(Method::POST, "/api/photos", Roles(PHOTOGRAPHERS), photos::upload)
        .route(Method::GET, "/api/photos", Roles(RELOCATION_READERS), photo_edit::list)
        .route(Method::GET, "/api/photos/{photo_no}", Roles(RELOCATION_READERS), photo_edit::get)
        .route(Method::PATCH, "/api/photos/{photo_no}", Roles(ARCHIVISTS), photo_edit::patch)
        .upload(Method::POST, "/api/archives", Roles(ARCHIVISTS), documents::upload)
        .route(Method::GET, "/api/archives", Roles(RELOCATION_READERS), documents::search)
        .upload(Method::POST, "/api/archives/batch", Roles(ARCHIVISTS), batch::upload)
        .route(Method::GET, "/api/projects/{code}/archive-check", Roles(RELOCATION_READERS), check::check)
}

/// OpenAPI of this module's routes.
#[derive(OpenApi)]
#[openapi(
    paths(
        photos::upload,
        photo_edit::list,
        photo_edit::get,
        photo_edit::patch,
        documents::upload,
        documents::search,
        batch::upload,
        check::check
    ),
    components(schemas(onemap_api::archives::CheckFormat))
)]
pub struct Api;

/// A project as uploads see it.
pub struct Project {
    pub id: i64,
    pub code: String,
    /// From the survey to the close (or tomorrow): when its field photos are expected.
    pub window: (NaiveDate, NaiveDate),
}

/// Project `code`, if the caller may work in it.
pub async fn project(pool: &PgPool, p: &Principal, code: &str) -> Result<Project, ApiError> {
    let row: Option<(i64, String, NaiveDate, NaiveDate)> =
        sqlx::query_as(include_str!("sql/project.sql")).bind(code.trim()).fetch_optional(pool).await?;
    let (id, code, from, to) = row.ok_or_else(|| {
        ApiError::new(StatusCode::NOT_FOUND, "unknown_project", format!("no relocation project {code}"))
    })?;
    if !p.can_see_project(id) {
        return Err(AuthError::OutOfScope(code).into());
    }
    Ok(Project { id, code, window: (from, to) })
}

/// A compensation unit of project `project_id` named by its code or its agreement (or
/// decision) number: its id and code.
pub async fn unit_of(
    conn: &mut sqlx::PgConnection,
    project_id: i64,
    name: &str,
) -> Result<Option<(i64, String)>, ApiError> {
    Ok(sqlx::query_as(
        "SELECT id, code FROM compensation_units WHERE project_id = $1 AND (code = $2 OR agreement_no = $2 OR decision_no = $2)
         ORDER BY code = $2 DESC LIMIT 1",
    )
    .bind(project_id)
    .bind(name.trim())
    .fetch_optional(conn)
    .await?)
}

/// Page size from `limit` (default 100, at most 1000) and offset.
pub fn page(limit: Option<i64>, offset: Option<i64>) -> Result<(i64, i64), ApiError> {
    let limit = limit.unwrap_or(100);
    let offset = offset.unwrap_or(0);
    if !(1..=1000).contains(&limit) || offset < 0 {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "invalid_page", "limit is 1–1000 and offset ≥ 0"));
    }
    Ok((limit, offset))
}

/// The caller's project scope for lists (None: every project).
pub fn scope(p: &Principal) -> Option<Vec<i64>> {
    p.relocation_scope()
}
