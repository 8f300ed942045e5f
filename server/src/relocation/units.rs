//! 补偿单元: reading one as the workflow works on it (ETag), recording it in the survey
//! (调查登记) from a unit picked on the map or a drawn outline, and its appraisal (分户评估) by
//! the appointed firm.

use axum::extract::{Path, State};
use axum::http::header::ETAG;
use axum::http::{HeaderMap, HeaderName, StatusCode};
use axum::{Extension, Json};
use chrono::NaiveDate;
use onemap_api::Problem;
use onemap_api::workflow::{AppraisalRequest, NewCompensationUnit, PaymentInfo, Person, WorkUnit};
use serde_json::json;
use sqlx::PgConnection;

use super::rules::{self, conflict, invalid, issue};
use super::workflow::{self, Locked};
use super::write::{self, begin, cents, not_future, one_of, precondition, record, required};
use crate::auth::mask::{Amount, BankAccount, IdNumber, PersonName};
use crate::auth::{AuthError, Principal};
use crate::base::{ApiError, ApiJson, AppState};

#[derive(sqlx::FromRow)]
pub struct UnitRow {
    pub id: i64,
    pub project_id: i64,
    pub code: String,
    pub version: i32,
    pub project_code: String,
    pub project_stage: String,
    pub unit_code: Option<String>,
    pub address: String,
    pub status: String,
    pub legality: String,
    pub owner_name: Option<String>,
    pub owner_id_number: Option<String>,
    pub tenant_name: Option<String>,
    pub surveyed_area_m2: f64,
    pub appraisal_firm: Option<String>,
    pub appraisal_report_no: Option<String>,
    pub appraiser_name: Option<String>,
    pub valuation_date: Option<NaiveDate>,
    pub unit_price: Option<f64>,
    pub appraisal_review: Option<String>,
    pub compensation_mode: Option<String>,
    pub house_value: f64,
    pub decoration_value: f64,
    pub moving_fee: f64,
    pub temp_resettlement_fee: f64,
    pub business_loss: f64,
    pub reward: f64,
    pub subsidy: f64,
    pub resettlement_value: f64,
    pub total_amount: f64,
    pub payable_amount: f64,
    pub paid_amount: f64,
    pub requested_amount: f64,
    pub agreement_no: Option<String>,
    pub agreement_signed_on: Option<NaiveDate>,
    pub agreement_url: Option<String>,
    pub move_out_deadline: Option<NaiveDate>,
    pub decision_no: Option<String>,
    pub decision_on: Option<NaiveDate>,
    pub moved_out_on: Option<NaiveDate>,
    pub demolished_on: Option<NaiveDate>,
}

impl UnitRow {
    /// Whether the unit has an agreement or a compensation decision.
    pub fn settled(&self) -> bool {
        self.agreement_no.is_some() || self.decision_no.is_some()
    }
    /// Cents still to pay.
    pub fn outstanding(&self) -> i64 {
        ((self.payable_amount - self.paid_amount) * 100.0).round() as i64
    }
}

/// Unit `code`, if there is one (no scope check).
pub async fn row(conn: &mut PgConnection, code: &str) -> Result<UnitRow, ApiError> {
    let row: Option<UnitRow> =
        sqlx::query_as(include_str!("sql/work_unit.sql")).bind(code).fetch_optional(conn).await?;
    row.ok_or_else(|| ApiError::not_found(format!("no compensation unit {code}")))
}

/// The unit as the caller may see it.
pub async fn shown(conn: &mut PgConnection, r: UnitRow) -> Result<WorkUnit, ApiError> {
    #[allow(clippy::type_complexity)]
    let payments: Vec<(i64, String, f64, String, String, Option<NaiveDate>, String, Option<String>)> =
        sqlx::query_as(include_str!("sql/unit_payments.sql")).bind(r.id).fetch_all(conn).await?;
    let amount = |yuan: f64| Amount { project_id: r.project_id, yuan }.shown();
    let payments = payments
        .into_iter()
        .map(|(id, voucher_no, yuan, purpose, status, paid_on, payee_name, account)| PaymentInfo {
            id,
            voucher_no,
            amount: amount(yuan),
            purpose,
            status,
            paid_on,
            payee_name,
            payee_account: account.map(|a| BankAccount(a).shown()),
        })
        .collect();
    Ok(WorkUnit {
        house_value: amount(r.house_value),
        decoration_value: amount(r.decoration_value),
        moving_fee: amount(r.moving_fee),
        temp_resettlement_fee: amount(r.temp_resettlement_fee),
        business_loss: amount(r.business_loss),
        reward: amount(r.reward),
        subsidy: amount(r.subsidy),
        resettlement_value: amount(r.resettlement_value),
        total_amount: amount(r.total_amount),
        payable_amount: amount(r.payable_amount),
        paid_amount: amount(r.paid_amount),
        requested_amount: amount(r.requested_amount),
        unit_price: r.unit_price.and_then(amount),
        code: r.code,
        version: r.version,
        project_code: r.project_code,
        project_stage: r.project_stage,
        unit_code: r.unit_code,
        address: r.address,
        status: r.status,
        legality: r.legality,
        owner_name: r.owner_name.map(|v| PersonName(v).shown()),
        owner_id_number: r.owner_id_number.map(|v| IdNumber(v).shown()),
        tenant_name: r.tenant_name.map(|v| PersonName(v).shown()),
        surveyed_area_m2: r.surveyed_area_m2,
        appraisal_firm: r.appraisal_firm,
        appraisal_report_no: r.appraisal_report_no,
        appraiser_name: r.appraiser_name,
        valuation_date: r.valuation_date,
        appraisal_review: r.appraisal_review,
        compensation_mode: r.compensation_mode,
        agreement_no: r.agreement_no,
        agreement_signed_on: r.agreement_signed_on,
        agreement_url: r.agreement_url,
        move_out_deadline: r.move_out_deadline,
        decision_no: r.decision_no,
        decision_on: r.decision_on,
        moved_out_on: r.moved_out_on,
        demolished_on: r.demolished_on,
        payments,
    })
}

/// Locks unit `code` and its project (the project first, as every write does) and checks the
/// caller's scope; the caller checks `If-Match` once its role rules have passed.
pub async fn lock(conn: &mut PgConnection, p: &Principal, code: &str) -> Result<(Locked, UnitRow), ApiError> {
    let project: Option<String> = sqlx::query_scalar(
        "SELECT r.code FROM compensation_units c JOIN relocation_projects r ON r.id = c.project_id WHERE c.code = $1",
    )
    .bind(code)
    .fetch_optional(&mut *conn)
    .await?;
    let project = project.ok_or_else(|| ApiError::not_found(format!("no compensation unit {code}")))?;
    let locked = workflow::lock(conn, p, &project).await?;
    sqlx::query("SELECT 1 FROM compensation_units WHERE code = $1 FOR UPDATE").bind(code).execute(&mut *conn).await?;
    let unit = row(conn, code).await?;
    Ok((locked, unit))
}

/// A unit answer with its ETag.
pub type UnitAnswer = ([(HeaderName, String); 1], Json<WorkUnit>);

/// Reads unit `code` again and answers it.
pub async fn answer(conn: &mut PgConnection, code: &str) -> Result<WorkUnit, ApiError> {
    let r = row(conn, code).await?;
    shown(conn, r).await
}

/// A compensation unit, as the workflow works on it (ETag: its version).
#[utoipa::path(get, path = "/api/compensation-units/{code}", tag = "征收项目 relocation",
    params(("code" = String, Path, description = "the compensation unit's code")),
    responses((status = 200, body = WorkUnit),
        (status = 404, description = "no such unit", body = Problem, content_type = "application/problem+json")))]
pub async fn get(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(code): Path<String>,
) -> Result<UnitAnswer, ApiError> {
    let mut conn = state.pool.acquire().await?;
    let r = row(&mut conn, &code).await?;
    if !p.can_see_project(r.project_id) {
        return Err(AuthError::OutOfScope(r.project_code).into());
    }
    let w = shown(&mut conn, r).await?;
    Ok(([(ETAG, write::etag(w.version))], Json(w)))
}

/// The holder with this ID, created when new (a known one keeps its record).
async fn holder(conn: &mut PgConnection, who: &str, person: &Person) -> Result<i64, ApiError> {
    let name = required(&format!("{who}.name"), &person.name)?;
    let id_number = required(&format!("{who}.id_number"), &person.id_number)?.to_ascii_uppercase();
    let id_type = one_of(
        &format!("{who}.id_type"),
        person.id_type.as_deref().unwrap_or("resident_id"),
        &["resident_id", "passport", "hk_macao_pass", "credit_code", "other"],
    )?;
    if id_type == "resident_id" && !onemap_codes::check::is_valid_resident_id(&id_number) {
        return Err(invalid(issue(
            "invalid_id_number",
            format!("{who} 身份证号码校验不通过"),
            format!("{who}'s resident ID number fails its check digit"),
        )));
    }
    let holder_type = if id_type == "credit_code" { "organization" } else { "person" };
    let id: i64 = sqlx::query_scalar(include_str!("sql/holder.sql"))
        .bind(&name)
        .bind(holder_type)
        .bind(id_type)
        .bind(&id_number)
        .bind(person.phone.as_deref().map(str::trim).filter(|p| !p.is_empty()))
        .fetch_one(conn)
        .await?;
    Ok(id)
}

/// 调查登记: records a compensation unit while the project is in survey, from a house unit or
/// parcel (its code, geometry, address and area) or a drawn outline inside the project.
#[utoipa::path(post, path = "/api/projects/{code}/units", tag = "征收项目 relocation", request_body = NewCompensationUnit,
    params(("code" = String, Path, description = "the project code")),
    responses((status = 201, body = WorkUnit),
        (status = 409, description = "not in survey, or the unit is already recorded", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "invalid unit", body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<NewCompensationUnit>,
) -> Result<(StatusCode, [(HeaderName, String); 1], Json<WorkUnit>), ApiError> {
    let legality = one_of("legality", &body.legality, &["legal", "illegal", "temporary"])?;
    let mut tx = begin(&state, &p).await?;
    let project = workflow::lock(&mut tx, &p, &code).await?;
    if project.stage != "survey" {
        return Err(conflict(issue(
            "stage_not_survey",
            "补偿单元在调查登记阶段录入（条例第十五条）",
            format!("compensation units are recorded in the survey stage; the project is in {}", project.stage),
        )));
    }
    let geometry = match &body.geometry {
        Some(g) => Some(workflow::check_area(&mut tx, g).await?),
        None => None,
    };
    let unit_code = body.unit_code.as_deref().map(|c| c.trim().to_ascii_uppercase());
    if unit_code.is_none() && geometry.is_none() {
        return Err(invalid(issue(
            "location_missing",
            "请在地图上选择房屋或宗地，或绘制范围",
            "pick a house unit or parcel (unit_code) or draw an outline (geometry)",
        )));
    }
    // What the register knows of the picked unit: geometry, address, registered area.
    #[allow(clippy::type_complexity)]
    let source: Option<(String, String, Option<f64>, Option<i64>, Option<i64>)> = match &unit_code {
        Some(c) => {
            let found = sqlx::query_as(include_str!("sql/picked_unit.sql")).bind(c).fetch_optional(&mut *tx).await?;
            Some(found.ok_or_else(|| {
                invalid(issue(
                    "unknown_unit",
                    format!("登记簿中没有单元 {c}"),
                    format!("no house unit or parcel {c} in the register"),
                ))
            })?)
        }
        None => None,
    };
    if let Some(c) = &unit_code {
        let taken: Option<String> = sqlx::query_scalar(
            "SELECT c.code FROM compensation_units c JOIN relocation_projects r ON r.id = c.project_id \
             WHERE c.unit_code = $1 AND r.stage <> 'closed'",
        )
        .bind(c)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(t) = taken {
            return Err(conflict(issue(
                "unit_taken",
                format!("该单元已登记为补偿单元 {t}"),
                format!("{c} is already compensation unit {t}"),
            )));
        }
    }
    let geom = geometry.or_else(|| source.as_ref().map(|s| s.0.clone())).unwrap_or_default();
    let inside: bool = sqlx::query_scalar(
        "SELECT ST_CoveredBy(ST_PointOnSurface(ST_SetSRID(ST_GeomFromGeoJSON($1), 4490)), boundary) FROM relocation_projects WHERE id = $2",
    )
    .bind(&geom)
    .bind(project.id)
    .fetch_one(&mut *tx)
    .await?;
    if !inside {
        return Err(invalid(issue(
            "outside_project",
            "该房屋不在征收范围内",
            "the unit lies outside the project's boundary",
        )));
    }
    let address = match (body.address.as_deref().map(str::trim).filter(|a| !a.is_empty()), &source) {
        (Some(a), _) => required("address", a)?,
        (None, Some(s)) => s.1.clone(),
        (None, None) => required("address", "")?,
    };
    let registered = source.as_ref().and_then(|s| s.2);
    let area = match body.surveyed_area_m2.or(registered) {
        Some(a) if a.is_finite() && a > 0.0 && a < 1e7 => a,
        _ => {
            return Err(invalid(issue(
                "invalid_area",
                "实测面积须为正数",
                "surveyed_area_m2 must be a positive area (it defaults to the registered one)",
            )));
        }
    };
    let owner = holder(&mut tx, "owner", &body.owner).await?;
    let tenant = match &body.tenant {
        Some(t) => Some(holder(&mut tx, "tenant", t).await?),
        None => None,
    };
    let seq: i64 = sqlx::query_scalar(
        "SELECT coalesce(max(substring(code FROM '([0-9]+)$')::bigint), 0) + 1 FROM compensation_units WHERE project_id = $1",
    )
    .bind(project.id)
    .fetch_one(&mut *tx)
    .await?;
    let unit = format!("{}-{seq:04}", project.code);
    let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    sqlx::query(include_str!("sql/insert_unit.sql"))
        .bind(project.id)
        .bind(&unit)
        .bind(source.as_ref().and_then(|s| s.3))
        .bind(source.as_ref().and_then(|s| s.4))
        .bind(&unit_code)
        .bind(&address)
        .bind(&geom)
        .bind(owner)
        .bind(tenant)
        .bind(registered)
        .bind(area)
        .bind(text(&body.approved_use))
        .bind(text(&body.actual_use))
        .bind(text(&body.structure))
        .bind(body.year_built)
        .bind(legality)
        .bind(text(&body.business_name))
        .bind(text(&body.business_license_no))
        .execute(&mut *tx)
        .await?;
    let after =
        json!({"unit": unit, "unit_code": unit_code, "address": address, "legality": legality, "area_m2": area});
    record(&mut tx, &p, "compensation_unit_create", &format!("{code}/{unit}"), None, Some(after)).await?;
    let w = answer(&mut tx, &unit).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, [(ETAG, write::etag(w.version))], Json(w)))
}

/// 分户评估 (If-Match): only appraisers of a firm appointed to the project; the house value is
/// the appraised unit price × the surveyed area.
#[utoipa::path(put, path = "/api/compensation-units/{code}/appraisal", tag = "征收项目 relocation",
    request_body = AppraisalRequest,
    params(("code" = String, Path, description = "the compensation unit's code")),
    responses((status = 200, body = WorkUnit),
        (status = 403, description = "not an appraiser of the appointed firm", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "wrong stage, illegal building or already settled", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "invalid values", body = Problem, content_type = "application/problem+json")))]
pub async fn appraise(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(code): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<AppraisalRequest>,
) -> Result<UnitAnswer, ApiError> {
    let review = one_of(
        "review",
        body.review.as_deref().unwrap_or("pending"),
        &["pending", "accepted", "review_requested", "expert_reviewed"],
    )?;
    let unit_price = cents("unit_price", body.unit_price)?;
    let decoration = cents("decoration_value", body.decoration_value)?;
    let report_no = required("report_no", &body.report_no)?;
    let appraiser = required("appraiser_name", &body.appraiser_name)?;
    let mut tx = begin(&state, &p).await?;
    let (project, unit) = lock(&mut tx, &p, &code).await?;
    let firms: Vec<i64> = sqlx::query_scalar("SELECT firm_id FROM project_appraisal_firms WHERE project_id = $1")
        .bind(project.id)
        .fetch_all(&mut *tx)
        .await?;
    let firm = p.appraisal_firm_id.filter(|f| firms.contains(f)).ok_or_else(|| {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "not_appointed_firm",
            "only appraisers of the firm the owners chose for this project may appraise its units (非本项目选定的评估机构)",
        )
    })?;
    precondition(write::if_match(&headers).as_deref(), unit.version, &format!("compensation unit {code}"))?;
    if !rules::reached(&project.stage, "appraisal") || rules::reached(&project.stage, "payment") {
        return Err(conflict(issue(
            "stage_not_appraisal",
            "分户评估在选定评估机构之后、签约期结束之前进行",
            format!("units are appraised in the appraisal and agreement stages; the project is in {}", project.stage),
        )));
    }
    if unit.legality == "illegal" {
        return Err(conflict(issue(
            "illegal_no_compensation",
            "违法建筑不予补偿，无需评估（条例第二十四条）",
            "an illegal building gets no compensation and no appraisal (art. 24)",
        )));
    }
    if unit.settled() {
        return Err(conflict(issue(
            "already_settled",
            "已签约或已作出补偿决定",
            "the unit already has an agreement or a decision",
        )));
    }
    let today = write::today(&mut tx).await?;
    not_future("valuation_date", body.valuation_date, today)?;
    let area_cents = (unit.surveyed_area_m2 * 100.0).round() as i64;
    // Unit price × area, rounded half up to the cent.
    let house_value = (unit_price as i128 * area_cents as i128 + 50) / 100;
    let before =
        json!({"report_no": unit.appraisal_report_no, "unit_price": unit.unit_price, "review": unit.appraisal_review});
    let taken: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM compensation_units WHERE appraisal_report_no = $1 AND id <> $2)",
    )
    .bind(&report_no)
    .bind(unit.id)
    .fetch_one(&mut *tx)
    .await?;
    if taken {
        return Err(conflict(issue(
            "report_no_taken",
            format!("评估报告编号 {report_no} 已被使用"),
            format!("report {report_no} is another unit's"),
        )));
    }
    sqlx::query(include_str!("sql/appraise.sql"))
        .bind(unit.id)
        .bind(firm)
        .bind(&appraiser)
        .bind(body.valuation_date)
        .bind(&report_no)
        .bind(unit_price)
        .bind(review)
        .bind(house_value as i64)
        .bind(decoration)
        .execute(&mut *tx)
        .await?;
    let after = json!({"report_no": report_no, "unit_price": write::yuan(unit_price), "review": review,
        "house_value": write::yuan(house_value as i64), "decoration_value": write::yuan(decoration)});
    record(&mut tx, &p, "appraisal", &format!("{}/{code}", project.code), Some(before), Some(after)).await?;
    let w = answer(&mut tx, &code).await?;
    tx.commit().await?;
    Ok(([(ETAG, write::etag(w.version))], Json(w)))
}
