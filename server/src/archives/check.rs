//! 档案完整性: what each compensation unit's archive lacks for its state, and the photos and
//! documents of the project linked to no unit (`GET /api/projects/{code}/archive-check`), as
//! JSON or as an XLSX workbook (`?format=xlsx`).

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use onemap_api::archives::{ArchiveCheck, CheckFormat, CheckQuery, REQUIRED_ITEMS, UnitCheck, required_item};

use super::project;
use crate::auth::Principal;
use crate::base::sheet::{self, Book, attachment, broken};
use crate::base::{ApiError, ApiQuery, AppState};

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

/// 档案完整性检查 of a project, as JSON or as an XLSX workbook.
#[utoipa::path(get, path = "/api/projects/{code}/archive-check", tag = "照片与档案 archives",
    params(("code" = String, Path, description = "the project code"), CheckQuery),
    responses((status = 200, body = ArchiveCheck,
        description = "the report; with `format=xlsx` the same as a workbook (sheets 汇总, 缺项单元, 未关联照片, 未关联档案)")))]
pub async fn check(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<CheckQuery>,
) -> Result<Response, ApiError> {
    let report = report(&state, &p, &code).await?;
    match q.format.unwrap_or_default() {
        CheckFormat::Json => Ok(Json(report).into_response()),
        CheckFormat::Xlsx => {
            let name = format!("档案完整性-{}-{}.xlsx", report.project, chrono::Local::now().format("%Y%m%d"));
            attachment(workbook(&report)?, sheet::XLSX, &name)
        }
    }
}

/// The report as a workbook: a summary, the units with what they lack (one column per
/// required item, 缺 where missing), and the unlinked photos and documents.
fn workbook(r: &ArchiveCheck) -> Result<Vec<u8>, ApiError> {
    let mut book = Book::default();
    let summary = book.sheet("汇总", &[("项目", 18.0), ("数量", 12.0)])?;
    let counts = [
        ("补偿单元", r.units),
        ("档案齐全", r.complete),
        ("缺项单元", r.incomplete.len()),
        ("未关联照片", r.unlinked_photos.len()),
        ("未关联档案", r.unlinked_documents.len()),
    ];
    summary.write_string(1, 0, format!("项目 {}", r.project)).map_err(broken)?;
    for (row, (label, n)) in (2u32..).zip(counts) {
        summary.write_string(row, 0, label).map_err(broken)?;
        summary.write_number(row, 1, n as f64).map_err(broken)?;
    }
    let mut headings = vec![("补偿单元编号", 24.0), ("状态", 10.0)];
    headings.extend(REQUIRED_ITEMS.iter().map(|i| (i.name_zh, 14.0)));
    headings.push(("缺项", 40.0));
    let units = book.sheet("缺项单元", &headings)?;
    for (row, u) in (1u32..).zip(&r.incomplete) {
        let status = onemap_api::relocation::status(&u.status).map_or(u.status.as_str(), |s| s.name_zh);
        units.write_string(row, 0, &u.unit).map_err(broken)?;
        units.write_string(row, 1, status).map_err(broken)?;
        for (col, item) in (2u16..).zip(REQUIRED_ITEMS) {
            if u.missing.iter().any(|m| m == item.id) {
                units.write_string(row, col, "缺").map_err(broken)?;
            }
        }
        let names: Vec<&str> = u.missing.iter().map(|m| required_item(m).map_or(m.as_str(), |i| i.name_zh)).collect();
        units.write_string(row, 2 + REQUIRED_ITEMS.len() as u16, names.join("、")).map_err(broken)?;
    }
    for (name, heading, numbers) in
        [("未关联照片", "照片编号", &r.unlinked_photos), ("未关联档案", "档案号", &r.unlinked_documents)]
    {
        let sheet = book.sheet(name, &[(heading, 28.0)])?;
        for (row, n) in (1u32..).zip(numbers) {
            sheet.write_string(row, 0, n).map_err(broken)?;
        }
    }
    book.finish()
}
