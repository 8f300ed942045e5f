//! `GET /api/units/{code}`: a real-estate unit with its whole chain — parcel → building →
//! house unit → rights and right holders (masked by role) → certificates → compensation unit
//! (appraisal, agreement, payments, status) → photos → archive documents. Geometry is GeoJSON
//! in EPSG:4490, or in the EPSG code given as `crs`.

use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::{Extension, Json};
use chrono::NaiveDate;
use onemap_codes::report::{self, Kind};
use serde::{Deserialize, Serialize};

use crate::auth::Principal;
use crate::auth::Routes;
use crate::auth::mask::{Amount, BankAccount, IdNumber, PersonName, Phone};
use crate::auth::policy::Access;
use crate::base::AppState;
use crate::base::{ApiError, ApiQuery};

pub fn routes() -> Routes {
    Routes::new()
        // Registration records are public at the desk, masked; relocation data only in scope.
        .route(Method::GET, "/api/units", Access::Public, browse)
        .route(Method::GET, "/api/units/{code}", Access::Public, unit)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BrowseQuery {
    /// Code prefix: its length chooses the level (under 6: counties, 6–8: districts, 9–11:
    /// sub-districts, 12–18: parcels, 19–23: buildings, 24–27: house units).
    prefix: Option<String>,
    /// The last code of the previous page.
    cursor: Option<String>,
    limit: Option<i64>,
}

#[derive(Serialize, sqlx::FromRow)]
struct Child {
    code: String,
    label: String,
    children: i64,
}

#[derive(Serialize)]
struct BrowsePage {
    level: &'static str,
    prefix: String,
    items: Vec<Child>,
    next_cursor: Option<String>,
}

/// `GET /api/units?prefix=…`: one level of the hierarchy county → district → sub-district →
/// parcel → building → house unit, with the number of children of each entry.
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
    let level = match prefix.len() {
        0..6 => "county",
        6..9 => "district",
        9..12 => "subdistrict",
        12..19 => "parcel",
        19..24 => "building",
        _ => "unit",
    };
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let items: Vec<Child> = sqlx::query_as(include_str!("browse.sql"))
        .bind(level)
        .bind(&prefix)
        .bind(q.cursor.unwrap_or_default())
        .bind(limit)
        .fetch_all(&state.pool)
        .await?;
    let next_cursor = (items.len() as i64 == limit).then(|| items.last().map(|i| i.code.clone())).flatten();
    Ok(Json(BrowsePage { level, prefix, items, next_cursor }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitQuery {
    /// EPSG code of the output geometry [default: 4490]
    crs: Option<i32>,
}

/// A registered right as stored; served flattened into [`Right`].
#[derive(Serialize, Deserialize)]
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
    certificates: serde_json::Value,
    #[serde(skip_serializing)]
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

/// 权利人 / 义务人 of a right.
#[derive(Serialize)]
struct Party {
    role: String,
    name: PersonName,
    holder_type: String,
    id_type: String,
    id_number: IdNumber,
    phone: Option<Phone>,
    share: Option<f64>,
}

#[derive(Serialize)]
struct Right {
    #[serde(flatten)]
    right: RightRow,
    parties: Vec<Party>,
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
    photos: serde_json::Value,
    documents: serde_json::Value,
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

#[derive(Serialize)]
struct Payment {
    voucher_no: String,
    purpose: String,
    amount: Amount,
    paid_on: NaiveDate,
    payee: PersonName,
    payee_bank: Option<String>,
    payee_account: Option<BankAccount>,
}

/// A step of the compensation unit's status timeline.
#[derive(Serialize)]
struct Step {
    status: &'static str,
    on: NaiveDate,
}

#[derive(Serialize)]
struct Compensation {
    project: serde_json::Value,
    code: String,
    status: String,
    legality: String,
    owner_name: Option<PersonName>,
    owner_id_number: Option<IdNumber>,
    owner_phone: Option<Phone>,
    registered_area_m2: Option<f64>,
    surveyed_area_m2: f64,
    appraisal: serde_json::Value,
    compensation_mode: Option<String>,
    resettlement_area_m2: Option<f64>,
    amounts: std::collections::BTreeMap<&'static str, Amount>,
    temp_resettlement_months: i16,
    agreement: serde_json::Value,
    decision: serde_json::Value,
    payments: Vec<Payment>,
    timeline: Vec<Step>,
    photos: serde_json::Value,
    documents: serde_json::Value,
}

#[derive(Serialize)]
struct UnitRecord {
    code: String,
    kind: Kind,
    parcel: serde_json::Value,
    building: serde_json::Value,
    house_unit: serde_json::Value,
    rights: Vec<Right>,
    /// Present for callers who may see the unit's relocation project.
    compensation: Option<Compensation>,
}

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
    if missing {
        return Err(ApiError::not_found(format!("no unit {code}")));
    }
    let rights: Vec<RightRow> = decode(row.rights)?;
    let rights = rights
        .into_iter()
        .map(|mut right| Right {
            parties: std::mem::take(&mut right.parties)
                .into_iter()
                .map(|p| Party {
                    role: p.role,
                    name: PersonName(p.name),
                    holder_type: p.holder_type,
                    id_type: p.id_type,
                    id_number: IdNumber(p.id_number),
                    phone: p.phone.map(Phone),
                    share: p.share,
                })
                .collect(),
            right,
        })
        .collect();
    let compensation = row.compensation.map(decode).transpose()?.map(compensation);
    Ok(Json(UnitRecord {
        code,
        kind,
        parcel: row.parcel.unwrap_or_default(),
        building: row.building.unwrap_or_default(),
        house_unit: row.house_unit.unwrap_or_default(),
        rights,
        compensation,
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

fn compensation(c: CompensationRow) -> Compensation {
    let payments = c.payments;
    let amount = |yuan| Amount { project_id: c.project_id, yuan };
    let amounts = [
        ("house_value", c.house_value),
        ("decoration_value", c.decoration_value),
        ("moving_fee", c.moving_fee),
        ("temp_resettlement_fee", c.temp_resettlement_fee),
        ("business_loss", c.business_loss),
        ("reward", c.reward),
        ("subsidy", c.subsidy),
        ("total_amount", c.total_amount),
        ("resettlement_value", c.resettlement_value),
        ("unit_price", c.unit_price.unwrap_or(0.0)),
    ]
    .into_iter()
    .map(|(k, v)| (k, amount(v)))
    .collect();
    let paid_on = payments.first().map(|p| p.paid_on);
    let timeline = [
        ("surveyed", Some(c.surveyed_on)),
        ("appraised", c.appraised_on),
        ("signed", c.agreement_signed_on.or(c.decision_on)),
        ("paid", paid_on),
        ("moved_out", c.moved_out_on),
        ("demolished", c.demolished_on),
    ]
    .into_iter()
    .filter_map(|(status, on)| on.map(|on| Step { status, on }))
    .collect();
    Compensation {
        project: serde_json::json!({ "code": c.project_code, "name": c.project_name }),
        code: c.code,
        status: c.status,
        legality: c.legality,
        owner_name: c.owner_name.map(PersonName),
        owner_id_number: c.owner_id_number.map(IdNumber),
        owner_phone: c.owner_phone.map(Phone),
        registered_area_m2: c.registered_area_m2,
        surveyed_area_m2: c.surveyed_area_m2,
        appraisal: serde_json::json!({
            "firm": c.appraisal_firm, "appraiser": c.appraiser_name, "valuation_date": c.valuation_date,
            "report_no": c.appraisal_report_no, "review": c.appraisal_review, "appraised_on": c.appraised_on,
        }),
        compensation_mode: c.compensation_mode,
        resettlement_area_m2: c.resettlement_area_m2,
        amounts,
        temp_resettlement_months: c.temp_resettlement_months,
        agreement: serde_json::json!({ "no": c.agreement_no, "signed_on": c.agreement_signed_on, "move_out_deadline": c.move_out_deadline }),
        decision: serde_json::json!({ "no": c.decision_no, "on": c.decision_on }),
        payments: payments
            .into_iter()
            .map(|p| Payment {
                voucher_no: p.voucher_no,
                purpose: p.purpose,
                amount: amount(p.amount),
                paid_on: p.paid_on,
                payee: PersonName(p.payee_name),
                payee_bank: p.payee_bank,
                payee_account: p.payee_account.map(BankAccount),
            })
            .collect(),
        timeline,
        photos: c.photos,
        documents: c.documents,
    }
}
