//! Reading 房屋征收: relocation projects and their compensation units, as seen by the caller (project
//! scope from `auth`, personal data and amounts masked by `auth::mask`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::ETAG;
use axum::{Extension, Json};
use chrono::NaiveDate;
use onemap_api::Problem;
use onemap_api::relocation::{
    Project, ProjectCounts, ProjectDetail, ProjectUnit, ProjectUnitPage, ProjectUnitsQuery, STATUSES, StageEvent,
};

use crate::auth::mask::{Amount, BankAccount, IdNumber, PersonName, Phone};
use crate::auth::{AuthError, Principal};
use crate::base::AppState;
use crate::base::{ApiError, ApiQuery};

#[derive(sqlx::FromRow)]
pub(super) struct ProjectRow {
    pub(super) id: i64,
    pub(super) version: i32,
    code: String,
    name: String,
    stage: String,
    implementing_agency: String,
    approved_on: Option<NaiveDate>,
    decision_no: Option<String>,
    decision_announced_on: Option<NaiveDate>,
    signing_starts_on: Option<NaiveDate>,
    signing_ends_on: Option<NaiveDate>,
    budget: f64,
    bbox: Vec<f64>,
    units: i64,
    surveyed: i64,
    appraised: i64,
    signed: i64,
    paid: i64,
    demolished: i64,
    agreed_total: f64,
    paid_total: f64,
    firm: Option<String>,
}

impl ProjectRow {
    /// The project as the caller may see it (amounts only for those who may see the project's).
    pub(super) fn shown(self) -> Project {
        let with_agreement = self.signed + self.paid + self.demolished;
        let amount = |yuan| Amount { project_id: self.id, yuan }.shown();
        Project {
            id: self.id,
            budget: amount(self.budget),
            agreed_total: amount(self.agreed_total),
            paid_total: amount(self.paid_total),
            code: self.code,
            name: self.name,
            stage: self.stage,
            implementing_agency: self.implementing_agency,
            appraisal_firm: self.firm,
            approved_on: self.approved_on,
            decision_no: self.decision_no,
            decision_announced_on: self.decision_announced_on,
            signing_starts_on: self.signing_starts_on,
            signing_ends_on: self.signing_ends_on,
            bbox: self.bbox,
            counts: ProjectCounts {
                units: self.units,
                surveyed: self.surveyed,
                appraised: self.appraised,
                signed: self.signed,
                paid: self.paid,
                demolished: self.demolished,
                signed_percent: if self.units > 0 {
                    (with_agreement as f64 * 1000.0 / self.units as f64).round() / 10.0
                } else {
                    0.0
                },
            },
        }
    }
}

/// The relocation projects the caller may see, with their progress.
#[utoipa::path(get, path = "/api/projects", tag = "征收项目 relocation",
    responses((status = 200, body = Vec<Project>)))]
pub(super) async fn list(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
) -> Result<Json<Vec<Project>>, ApiError> {
    let rows: Vec<ProjectRow> = sqlx::query_as(include_str!("read_projects.sql"))
        // The relocation scope, not the project grants: roles that do not work with
        // relocation data (surveyors, clerks) see no project and no money.
        .bind(p.relocation_scope())
        .bind(None::<String>)
        .fetch_all(&state.pool)
        .await?;
    Ok(Json(rows.into_iter().map(ProjectRow::shown).collect()))
}

pub(super) async fn find(state: &AppState, p: &Principal, code: &str) -> Result<ProjectRow, ApiError> {
    let row: Option<ProjectRow> = sqlx::query_as(include_str!("read_projects.sql"))
        .bind(None::<Vec<i64>>)
        .bind(code)
        .fetch_optional(&state.pool)
        .await?;
    let row = row.ok_or_else(|| ApiError::not_found(format!("no relocation project {code}")))?;
    if !p.can_see_project(row.id) {
        return Err(AuthError::OutOfScope(code.into()).into());
    }
    Ok(row)
}

#[derive(sqlx::FromRow)]
struct StageRow {
    stage: String,
    happened_on: NaiveDate,
    note: Option<String>,
}

/// A project, its progress and its stage history.
#[utoipa::path(get, path = "/api/projects/{code}", tag = "征收项目 relocation",
    params(("code" = String, Path, description = "the project code, e.g. WX-ZS-2023-01")),
    responses((status = 200, body = ProjectDetail),
        (status = 404, description = "no such project", body = Problem, content_type = "application/problem+json")))]
pub(super) async fn detail(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(code): Path<String>,
) -> Result<([(axum::http::HeaderName, String); 1], Json<ProjectDetail>), ApiError> {
    let row = find(&state, &p, &code).await?;
    let etag = super::write::etag(row.version);
    let stages: Vec<StageRow> = sqlx::query_as(
        "SELECT stage, happened_on, note FROM project_stage_events WHERE project_id = $1 ORDER BY happened_on, id",
    )
    .bind(row.id)
    .fetch_all(&state.pool)
    .await?;
    let stages =
        stages.into_iter().map(|s| StageEvent { stage: s.stage, happened_on: s.happened_on, note: s.note }).collect();
    Ok(([(ETAG, etag)], Json(ProjectDetail { project: row.shown(), stages })))
}

#[derive(sqlx::FromRow)]
struct UnitRow {
    id: i64,
    project_id: i64,
    code: String,
    unit_code: Option<String>,
    address: String,
    status: String,
    legality: String,
    owner_name: Option<String>,
    owner_id_number: Option<String>,
    owner_phone: Option<String>,
    surveyed_area_m2: f64,
    compensation_mode: Option<String>,
    total_amount: f64,
    paid_amount: f64,
    agreement_no: Option<String>,
    agreement_signed_on: Option<NaiveDate>,
    demolished_on: Option<NaiveDate>,
    payee_account: Option<String>,
}

/// The compensation units of a project, by id, optionally of one status; personal data
/// masked by role.
#[utoipa::path(get, path = "/api/projects/{code}/units", tag = "征收项目 relocation",
    params(("code" = String, Path, description = "the project code, e.g. WX-ZS-2023-01"), ProjectUnitsQuery),
    responses((status = 200, body = ProjectUnitPage),
        (status = 400, description = "unknown status or invalid query", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "no such project", body = Problem, content_type = "application/problem+json")))]
pub(super) async fn units(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<ProjectUnitsQuery>,
) -> Result<Json<ProjectUnitPage>, ApiError> {
    if let Some(s) = q.status.as_deref().filter(|s| !STATUSES.iter().any(|t| t.id == *s)) {
        let ids: Vec<&str> = STATUSES.iter().map(|t| t.id).collect();
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_status",
            format!("status {s:?} is not one of {}", ids.join(", ")),
        ));
    }
    let project = find(&state, &p, &code).await?;
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let rows: Vec<UnitRow> = sqlx::query_as(include_str!("read_units.sql"))
        .bind(project.id)
        .bind(q.status)
        .bind(q.cursor.unwrap_or(0))
        .bind(limit)
        .fetch_all(&state.pool)
        .await?;
    let next_cursor = (rows.len() as i64 == limit).then(|| rows.last().map(|r| r.id)).flatten();
    let units = rows
        .into_iter()
        .map(|r| ProjectUnit {
            id: r.id,
            total_amount: Amount { project_id: r.project_id, yuan: r.total_amount }.shown(),
            paid_amount: Amount { project_id: r.project_id, yuan: r.paid_amount }.shown(),
            code: r.code,
            unit_code: r.unit_code,
            address: r.address,
            status: r.status,
            legality: r.legality,
            owner_name: r.owner_name.map(|v| PersonName(v).shown()),
            owner_id_number: r.owner_id_number.map(|v| IdNumber(v).shown()),
            owner_phone: r.owner_phone.map(|v| Phone(v).shown()),
            surveyed_area_m2: r.surveyed_area_m2,
            compensation_mode: r.compensation_mode,
            agreement_no: r.agreement_no,
            agreement_signed_on: r.agreement_signed_on,
            demolished_on: r.demolished_on,
            payee_account: r.payee_account.map(|v| BankAccount(v).shown()),
        })
        .collect();
    Ok(Json(ProjectUnitPage { units, next_cursor }))
}
