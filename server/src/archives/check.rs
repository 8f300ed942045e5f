//! 档案完整性: what each compensation unit's archive lacks for its state, and the photos and
//! documents of the project linked to no unit (`GET /api/projects/{code}/archive-check`).

use axum::extract::{Path, State};
use axum::{Extension, Json};
use onemap_api::archives::{ArchiveCheck, UnitCheck};

use super::project;
use crate::auth::Principal;
use crate::base::{ApiError, AppState};

/// The report of project `code`.
pub async fn report(state: &AppState, p: &Principal, code: &str) -> Result<ArchiveCheck, ApiError> {
    let project = project(&state.pool, p, code).await?;
    let rows: Vec<(String, String, Vec<String>)> =
        sqlx::query_as(include_str!("sql/check.sql")).bind(project.id).fetch_all(&state.pool).await?;
    let units = rows.len();
    let incomplete: Vec<UnitCheck> = rows
        .into_iter()
        .filter(|r| !r.2.is_empty())
        .map(|(unit, status, missing)| UnitCheck { unit, status, missing })
        .collect();
    let unlinked_photos = sqlx::query_scalar(
        "SELECT photo_no FROM photos WHERE project_id = $1 AND compensation_unit_id IS NULL ORDER BY photo_no",
    )
    .bind(project.id)
    .fetch_all(&state.pool)
    .await?;
    let unlinked_documents = sqlx::query_scalar(
        "SELECT archive_no FROM archive_documents WHERE project_id = $1 AND compensation_unit_id IS NULL ORDER BY archive_no",
    )
    .bind(project.id)
    .fetch_all(&state.pool)
    .await?;
    Ok(ArchiveCheck {
        project: project.code,
        units,
        complete: units - incomplete.len(),
        incomplete,
        unlinked_photos,
        unlinked_documents,
    })
}

/// 档案完整性检查 of a project.
#[utoipa::path(get, path = "/api/projects/{code}/archive-check", tag = "照片与档案 archives",
    params(("code" = String, Path, description = "the project code")),
    responses((status = 200, body = ArchiveCheck)))]
pub async fn check(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(code): Path<String>,
) -> Result<Json<ArchiveCheck>, ApiError> {
    Ok(Json(report(&state, &p, &code).await?))
}
