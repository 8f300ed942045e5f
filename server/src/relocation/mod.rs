//! 房屋征收: relocation projects and their compensation units, as seen by the caller (project
//! scope from `auth`, personal data and amounts masked by `auth::mask`).

use axum::extract::{Path, State};
use axum::http::Method;
use axum::{Extension, Json};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::auth::Routes;
use crate::auth::mask::{Amount, BankAccount, IdNumber, PersonName, Phone};
use crate::auth::policy::{Access, RELOCATION_READERS};
use crate::auth::{AuthError, Principal};
use crate::base::AppState;
use crate::base::{ApiError, ApiQuery};

pub fn routes() -> Routes {
    Routes::new()
        .route(Method::GET, "/api/projects", Access::Authenticated, list)
        .route(Method::GET, "/api/projects/{code}", Access::Roles(RELOCATION_READERS), detail)
        .route(Method::GET, "/api/projects/{code}/units", Access::Roles(RELOCATION_READERS), units)
}

#[derive(sqlx::FromRow)]
struct ProjectRow {
    id: i64,
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

/// 征收项目 with its progress.
#[derive(Serialize)]
struct Project {
    id: i64,
    code: String,
    name: String,
    stage: String,
    implementing_agency: String,
    appraisal_firm: Option<String>,
    approved_on: Option<NaiveDate>,
    decision_no: Option<String>,
    decision_announced_on: Option<NaiveDate>,
    signing_starts_on: Option<NaiveDate>,
    signing_ends_on: Option<NaiveDate>,
    /// [west, south, east, north] in EPSG:4490
    bbox: Vec<f64>,
    counts: Counts,
    budget: Amount,
    /// Sum of agreed totals (signed, paid, demolished) and of payments.
    agreed_total: Amount,
    paid_total: Amount,
}

#[derive(Serialize)]
struct Counts {
    units: i64,
    surveyed: i64,
    appraised: i64,
    signed: i64,
    paid: i64,
    demolished: i64,
    /// Share of units with an agreement (signed, paid or demolished), percent.
    signed_percent: f64,
}

impl From<ProjectRow> for Project {
    fn from(r: ProjectRow) -> Self {
        let with_agreement = r.signed + r.paid + r.demolished;
        let amount = |yuan| Amount { project_id: r.id, yuan };
        Self {
            id: r.id,
            budget: amount(r.budget),
            agreed_total: amount(r.agreed_total),
            paid_total: amount(r.paid_total),
            code: r.code,
            name: r.name,
            stage: r.stage,
            implementing_agency: r.implementing_agency,
            appraisal_firm: r.firm,
            approved_on: r.approved_on,
            decision_no: r.decision_no,
            decision_announced_on: r.decision_announced_on,
            signing_starts_on: r.signing_starts_on,
            signing_ends_on: r.signing_ends_on,
            bbox: r.bbox,
            counts: Counts {
                units: r.units,
                surveyed: r.surveyed,
                appraised: r.appraised,
                signed: r.signed,
                paid: r.paid,
                demolished: r.demolished,
                signed_percent: if r.units > 0 {
                    (with_agreement as f64 * 1000.0 / r.units as f64).round() / 10.0
                } else {
                    0.0
                },
            },
        }
    }
}

fn visible_ids(p: &Principal) -> Option<Vec<i64>> {
    p.projects.as_ref().map(|s| s.iter().copied().collect())
}

/// `GET /api/projects`: the projects the caller may see.
async fn list(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
) -> Result<Json<Vec<Project>>, ApiError> {
    let rows: Vec<ProjectRow> = sqlx::query_as(include_str!("projects.sql"))
        .bind(visible_ids(&p))
        .bind(None::<String>)
        .fetch_all(&state.pool)
        .await?;
    Ok(Json(rows.into_iter().map(Project::from).collect()))
}

async fn find(state: &AppState, p: &Principal, code: &str) -> Result<ProjectRow, ApiError> {
    let row: Option<ProjectRow> = sqlx::query_as(include_str!("projects.sql"))
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

#[derive(Serialize, sqlx::FromRow)]
struct StageEvent {
    stage: String,
    happened_on: NaiveDate,
    note: Option<String>,
}

#[derive(Serialize)]
struct ProjectDetail {
    #[serde(flatten)]
    project: Project,
    stages: Vec<StageEvent>,
}

/// `GET /api/projects/{code}`: a project, its progress and its stage history.
async fn detail(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(code): Path<String>,
) -> Result<Json<ProjectDetail>, ApiError> {
    let row = find(&state, &p, &code).await?;
    let stages = sqlx::query_as(
        "SELECT stage, happened_on, note FROM project_stage_events WHERE project_id = $1 ORDER BY happened_on, id",
    )
    .bind(row.id)
    .fetch_all(&state.pool)
    .await?;
    Ok(Json(ProjectDetail { project: row.into(), stages }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitQuery {
    status: Option<String>,
    /// Units after this id (the `next_cursor` of the previous page).
    cursor: Option<i64>,
    limit: Option<i64>,
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

/// 补偿单元 in the project's unit table.
#[derive(Serialize)]
struct Unit {
    id: i64,
    code: String,
    unit_code: Option<String>,
    address: String,
    status: String,
    legality: String,
    owner_name: Option<PersonName>,
    owner_id_number: Option<IdNumber>,
    owner_phone: Option<Phone>,
    surveyed_area_m2: f64,
    compensation_mode: Option<String>,
    total_amount: Amount,
    paid_amount: Amount,
    agreement_no: Option<String>,
    agreement_signed_on: Option<NaiveDate>,
    demolished_on: Option<NaiveDate>,
    /// 收款账号 of the latest payment
    payee_account: Option<BankAccount>,
}

#[derive(Serialize)]
struct UnitPage {
    units: Vec<Unit>,
    next_cursor: Option<i64>,
}

const STATUSES: [&str; 5] = ["surveyed", "appraised", "signed", "paid", "demolished"];

/// `GET /api/projects/{code}/units?status=&cursor=&limit=`: compensation units, by id.
async fn units(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<UnitQuery>,
) -> Result<Json<UnitPage>, ApiError> {
    if let Some(s) = q.status.as_deref().filter(|s| !STATUSES.contains(s)) {
        return Err(ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "invalid_status",
            format!("status {s:?} is not one of {}", STATUSES.join(", ")),
        ));
    }
    let project = find(&state, &p, &code).await?;
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let rows: Vec<UnitRow> = sqlx::query_as(include_str!("units.sql"))
        .bind(project.id)
        .bind(q.status)
        .bind(q.cursor.unwrap_or(0))
        .bind(limit)
        .fetch_all(&state.pool)
        .await?;
    let next_cursor = (rows.len() as i64 == limit).then(|| rows.last().map(|r| r.id)).flatten();
    let units = rows
        .into_iter()
        .map(|r| Unit {
            id: r.id,
            total_amount: Amount { project_id: r.project_id, yuan: r.total_amount },
            paid_amount: Amount { project_id: r.project_id, yuan: r.paid_amount },
            code: r.code,
            unit_code: r.unit_code,
            address: r.address,
            status: r.status,
            legality: r.legality,
            owner_name: r.owner_name.map(PersonName),
            owner_id_number: r.owner_id_number.map(IdNumber),
            owner_phone: r.owner_phone.map(Phone),
            surveyed_area_m2: r.surveyed_area_m2,
            compensation_mode: r.compensation_mode,
            agreement_no: r.agreement_no,
            agreement_signed_on: r.agreement_signed_on,
            demolished_on: r.demolished_on,
            payee_account: r.payee_account.map(BankAccount),
        })
        .collect();
    Ok(Json(UnitPage { units, next_cursor }))
}
