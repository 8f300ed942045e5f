//! `GET /api/units/{code}`: a real-estate unit with its whole chain — parcel → building →
//! house unit → rights and right holders (masked by role) → certificates → compensation unit
//! (appraisal, agreement, payments, status) → photos → archive documents. Geometry is GeoJSON
//! in EPSG:4490, or in the EPSG code given as `crs`.

pub mod history;

use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::{Extension, Json};
use chrono::NaiveDate;
use onemap_api::Problem;
use onemap_api::codes::CodeKind;
use onemap_api::relocation::{
    Agreement, Amounts, Appraisal, ArchiveDocument, Compensation, Decision, Payment, Photo, ProjectRef, TimelineStep,
};
use onemap_api::units::{
    BrowseItem, BrowseLevel, BrowsePage, BrowseQuery, Building, Certificate, HouseUnit, Parcel, Party, RegisterBook,
    Right, UnitQuery, UnitRecord,
};
use onemap_codes::report::{self, Kind};
use serde::Deserialize;

use crate::auth::Principal;
use crate::auth::Routes;
use crate::auth::mask::{self, Amount, BankAccount, IdNumber, PersonName, Phone};
use crate::auth::policy::Access;
use crate::base::AppState;
use crate::base::{ApiError, ApiQuery};

pub fn routes() -> Routes {
    Routes::new()
        // Registration records are public at the desk, masked; relocation data only in scope.
        .route(Method::GET, "/api/units", Access::Public, browse)
        .route(Method::GET, "/api/units/{code}", Access::Public, unit)
        .route(Method::GET, "/api/units/{code}/history", Access::Authenticated, history::history)
        .route(Method::GET, "/api/units/{code}/register", Access::Public, register)
}

/// OpenAPI of this module's routes.
#[derive(utoipa::OpenApi)]
#[openapi(paths(browse, unit, history::history, register))]
pub struct Api;

/// One entry of browse.sql.
#[derive(sqlx::FromRow)]
struct Child {
    code: String,
    label: String,
    children: i64,
}

/// One level of the hierarchy county → district → sub-district → parcel → building → house
/// unit under a code prefix, with the number of children of each entry.
#[utoipa::path(get, path = "/api/units", tag = "不动产单元 units", params(BrowseQuery),
    responses((status = 200, body = BrowsePage),
        (status = 400, description = "invalid prefix or query", body = Problem, content_type = "application/problem+json")))]
async fn browse(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<BrowseQuery>,
) -> Result<Json<BrowsePage>, ApiError> {
    let prefix = q.prefix.unwrap_or_default().trim().to_owned();
    if prefix.len() >= 28 || !prefix.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_prefix",
            "prefix takes up to 27 characters of a unit code: digits and upper-case letters",
        ));
    }
    let level = BrowseLevel::for_prefix_len(prefix.len());
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let rows: Vec<Child> = sqlx::query_as(include_str!("browse.sql"))
        .bind(level.as_str())
        .bind(&prefix)
        .bind(q.cursor.unwrap_or_default())
        .bind(limit)
        .fetch_all(&state.pool)
        .await?;
    let next_cursor = (rows.len() as i64 == limit).then(|| rows.last().map(|i| i.code.clone())).flatten();
    let items = rows.into_iter().map(|c| BrowseItem { code: c.code, label: c.label, children: c.children }).collect();
    Ok(Json(BrowsePage { level, prefix, items, next_cursor }))
}

/// A registered right as unit.sql builds it; its parties are masked into [`Party`].
#[derive(Deserialize)]
struct RightRow {
    kind: String,
    status: String,
    business_no: String,
    registered_on: NaiveDate,
    starts_on: Option<NaiveDate>,
    ends_on: Option<NaiveDate>,
    cancelled_on: Option<NaiveDate>,
    right_nature: Option<String>,
    co_ownership: Option<String>,
    secured_amount: Option<f64>,
    authority: Option<String>,
    document_no: Option<String>,
    certificates: Vec<Certificate>,
    parties: Vec<PartyRow>,
}

#[derive(Deserialize)]
struct PartyRow {
    role: String,
    share: Option<f64>,
    name: String,
    holder_type: String,
    id_type: String,
    id_number: String,
    phone: Option<String>,
}

impl RightRow {
    /// The right as the caller may see it (names, ID numbers and phones masked by role).
    fn shown(self) -> Right {
        Right {
            kind: self.kind,
            status: self.status,
            business_no: self.business_no,
            registered_on: self.registered_on,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            cancelled_on: self.cancelled_on,
            right_nature: self.right_nature,
            co_ownership: self.co_ownership,
            secured_amount: mask::non_public_amount(self.secured_amount),
            authority: self.authority,
            document_no: self.document_no,
            certificates: self.certificates,
            parties: self
                .parties
                .into_iter()
                .map(|p| Party {
                    role: p.role,
                    name: PersonName(p.name).shown(),
                    holder_type: p.holder_type,
                    id_type: p.id_type,
                    id_number: IdNumber(p.id_number).shown(),
                    phone: p.phone.map(|v| Phone(v).shown()),
                    share: p.share,
                })
                .collect(),
        }
    }
}

#[derive(Deserialize)]
struct CompensationRow {
    project_id: i64,
    project_code: String,
    project_name: String,
    code: String,
    status: String,
    legality: String,
    owner_name: Option<String>,
    owner_id_number: Option<String>,
    owner_phone: Option<String>,
    registered_area_m2: Option<f64>,
    surveyed_area_m2: f64,
    appraisal_firm: Option<String>,
    appraiser_name: Option<String>,
    valuation_date: Option<NaiveDate>,
    appraisal_report_no: Option<String>,
    unit_price: Option<f64>,
    appraisal_review: Option<String>,
    compensation_mode: Option<String>,
    resettlement_area_m2: Option<f64>,
    resettlement_value: f64,
    house_value: f64,
    decoration_value: f64,
    moving_fee: f64,
    temp_resettlement_months: i16,
    temp_resettlement_fee: f64,
    business_loss: f64,
    reward: f64,
    subsidy: f64,
    total_amount: f64,
    agreement_no: Option<String>,
    agreement_signed_on: Option<NaiveDate>,
    move_out_deadline: Option<NaiveDate>,
    decision_no: Option<String>,
    decision_on: Option<NaiveDate>,
    surveyed_on: NaiveDate,
    appraised_on: Option<NaiveDate>,
    moved_out_on: Option<NaiveDate>,
    demolished_on: Option<NaiveDate>,
    payments: Vec<PaymentRow>,
    photos: Vec<Photo>,
    documents: Vec<ArchiveDocument>,
}

#[derive(Deserialize)]
struct PaymentRow {
    voucher_no: String,
    purpose: String,
    amount: f64,
    paid_on: NaiveDate,
    payee_name: String,
    payee_bank: Option<String>,
    payee_account: Option<String>,
}

/// A unit with its whole chain: a 28-character unit code, a parcel code or a building number.
/// Personal data are masked for the caller; the compensation unit is there only for roles
/// that see relocation data, within their projects.
#[utoipa::path(get, path = "/api/units/{code}", tag = "不动产单元 units",
    params(("code" = String, Path, description = "a unit code (28), building number (24) or parcel code (19)"), UnitQuery),
    responses((status = 200, body = UnitRecord),
        (status = 400, description = "invalid code or unknown crs", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "no such unit", body = Problem, content_type = "application/problem+json")))]
async fn unit(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<UnitQuery>,
) -> Result<Json<UnitRecord>, ApiError> {
    let code = code.trim().to_owned();
    let rep = report::validate(&code);
    if let Some(e) = rep.errors.first() {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "invalid_code", format!("{} (rule {})", e.message, e.rule)));
    }
    let kind = rep.kind.unwrap_or(Kind::Unit);
    let srid = q.crs.unwrap_or(4490);
    let at = q.at.as_deref().map(history::parse_at).transpose()?;
    let parcel_code = &code[..19];
    let building_no = (code.len() >= 24 && code.as_bytes()[19] == b'F').then(|| &code[..24]);
    let unit_code = (kind == Kind::Unit && code.as_bytes()[19] == b'F').then_some(code.as_str());
    // Rights are registered on a house unit's code or on the parcel's land unit.
    let registered_on = unit_code.map(str::to_owned).unwrap_or_else(|| format!("{parcel_code}W00000000"));
    let row: Option<UnitRow> = sqlx::query_as(include_str!("unit.sql"))
        .bind(parcel_code)
        .bind(building_no)
        .bind(unit_code)
        .bind(srid)
        .bind(&registered_on)
        .bind(p.sees_relocation())
        .bind(p.relocation_scope())
        .bind(at)
        .fetch_optional(&state.pool)
        .await?;
    let Some(row) = row else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_crs",
            format!("EPSG:{srid} is not a known coordinate reference system"),
        ));
    };
    let missing = row.parcel.is_none()
        || (building_no.is_some() && row.building.is_none())
        || (unit_code.is_some() && row.house_unit.is_none());
    let Some(parcel) = row.parcel.filter(|_| !missing) else {
        let when = q.at.as_deref().map(|a| format!(" at {a}")).unwrap_or_default();
        return Err(ApiError::not_found(format!("no unit {code}{when}")));
    };
    let parcel: Parcel = decode(parcel)?;
    let building: Option<Building> = row.building.map(decode).transpose()?;
    let house_unit: Option<HouseUnit> = row.house_unit.map(decode).transpose()?;
    let rights: Vec<RightRow> = decode(row.rights)?;
    let compensation: Option<CompensationRow> = row.compensation.map(decode).transpose()?;
    Ok(Json(UnitRecord {
        code,
        kind: match kind {
            Kind::Unit => CodeKind::Unit,
            Kind::Parcel => CodeKind::Parcel,
            Kind::Building => CodeKind::Building,
        },
        parcel,
        building,
        house_unit,
        rights: rights.into_iter().map(RightRow::shown).collect(),
        compensation: compensation.map(shown),
    }))
}

/// 登记簿: the unit's rights in every state, as the register holds them (masked by role).
#[utoipa::path(get, path = "/api/units/{code}/register", tag = "不动产单元 units",
    params(("code" = String, Path, description = "unit code, parcel code or building number")),
    responses((status = 200, body = RegisterBook),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn register(
    state: State<AppState>,
    p: Extension<Principal>,
    code: Path<String>,
) -> Result<Json<RegisterBook>, ApiError> {
    let Json(u) = unit(state, p, code, ApiQuery(UnitQuery::default())).await?;
    Ok(Json(RegisterBook {
        code: u.code,
        address: u.parcel.address,
        demolished_on: u.house_unit.and_then(|h| h.demolished_on),
        rights: u.rights,
    }))
}

/// One row of unit.sql: each part of the chain as JSON.
#[derive(sqlx::FromRow)]
struct UnitRow {
    parcel: Option<serde_json::Value>,
    building: Option<serde_json::Value>,
    house_unit: Option<serde_json::Value>,
    rights: serde_json::Value,
    compensation: Option<serde_json::Value>,
}

/// JSON built by unit.sql into its typed row; a mismatch is a bug between the two.
fn decode<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Result<T, ApiError> {
    serde_json::from_value(v).map_err(|e| ApiError::internal(format!("unit.sql row does not match its type: {e}")))
}

/// The compensation unit as the caller may see it: owner and payees masked by role, amounts
/// only for callers who may see the project's.
fn shown(c: CompensationRow) -> Compensation {
    let amount = |yuan| Amount { project_id: c.project_id, yuan }.shown();
    let amounts = Amounts {
        business_loss: amount(c.business_loss),
        decoration_value: amount(c.decoration_value),
        house_value: amount(c.house_value),
        moving_fee: amount(c.moving_fee),
        resettlement_value: amount(c.resettlement_value),
        reward: amount(c.reward),
        subsidy: amount(c.subsidy),
        temp_resettlement_fee: amount(c.temp_resettlement_fee),
        total_amount: amount(c.total_amount),
        unit_price: amount(c.unit_price.unwrap_or(0.0)),
    };
    let paid_on = c.payments.first().map(|p| p.paid_on);
    let timeline = [
        ("surveyed", Some(c.surveyed_on)),
        ("appraised", c.appraised_on),
        ("signed", c.agreement_signed_on.or(c.decision_on)),
        ("paid", paid_on),
        ("moved_out", c.moved_out_on),
        ("demolished", c.demolished_on),
    ]
    .into_iter()
    .filter_map(|(status, on)| on.map(|on| TimelineStep { status: status.to_owned(), on }))
    .collect();
    let payments = c
        .payments
        .into_iter()
        .map(|p| Payment {
            voucher_no: p.voucher_no,
            purpose: p.purpose,
            amount: amount(p.amount),
            paid_on: p.paid_on,
            payee: PersonName(p.payee_name).shown(),
            payee_bank: p.payee_bank,
            payee_account: p.payee_account.map(|v| BankAccount(v).shown()),
        })
        .collect();
    Compensation {
        project: ProjectRef { code: c.project_code, name: c.project_name },
        code: c.code,
        status: c.status,
        legality: c.legality,
        owner_name: c.owner_name.map(|v| PersonName(v).shown()),
        owner_id_number: c.owner_id_number.map(|v| IdNumber(v).shown()),
        owner_phone: c.owner_phone.map(|v| Phone(v).shown()),
        registered_area_m2: c.registered_area_m2,
        surveyed_area_m2: c.surveyed_area_m2,
        appraisal: Appraisal {
            firm: c.appraisal_firm,
            appraiser: c.appraiser_name,
            valuation_date: c.valuation_date,
            report_no: c.appraisal_report_no,
            review: c.appraisal_review,
            appraised_on: c.appraised_on,
        },
        compensation_mode: c.compensation_mode,
        resettlement_area_m2: c.resettlement_area_m2,
        amounts,
        temp_resettlement_months: c.temp_resettlement_months,
        agreement: Agreement {
            no: c.agreement_no,
            signed_on: c.agreement_signed_on,
            move_out_deadline: c.move_out_deadline,
        },
        decision: Decision { no: c.decision_no, on: c.decision_on },
        payments,
        timeline,
        photos: c.photos,
        documents: c.documents,
    }
}
