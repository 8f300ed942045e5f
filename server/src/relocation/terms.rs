//! 补偿协议 and 补偿决定: the terms of a unit's compensation, computed and checked here (house
//! value from the appraisal, temporary resettlement = months × rate, the total), an agreement
//! number allocated, and the signed agreement rendered as a PDF into the project's archive.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::http::header::ETAG;
use axum::{Extension, Json};
use onemap_api::Problem;
use onemap_api::workflow::{CompensationTerms, WorkUnit};
use serde_json::json;

use super::archive::{self, Document};
use super::rules::{conflict, invalid, issue};
use super::units::{self, UnitAnswer, UnitRow};
use super::write::{self, begin, cents, one_of, record};
use crate::auth::Principal;
use crate::base::{ApiError, ApiJson, AppState};

/// The items of a compensation, in cents.
#[derive(Debug, Clone, PartialEq)]
pub struct Items {
    pub mode: &'static str,
    pub house_value: i64,
    pub decoration_value: i64,
    pub moving_fee: i64,
    pub temp_months: i16,
    pub temp_rate: i64,
    pub temp_fee: i64,
    pub business_loss: i64,
    pub reward: i64,
    pub subsidy: i64,
    /// flat, area m², unit price and value (cents)
    pub resettlement: Option<(Option<String>, f64, i64, i64)>,
    pub total: i64,
}

/// Computes the items from the appraisal (house and decoration value) and the terms; items
/// the client sent must agree (422 `items_do_not_add_up`).
pub fn compute(house_value: i64, decoration_value: i64, t: &CompensationTerms) -> Result<Items, ApiError> {
    let mode = one_of("mode", &t.mode, &["monetary", "property_swap"])?;
    if !(0..=120).contains(&t.temp_resettlement_months) {
        return Err(invalid(issue(
            "invalid_value",
            "临时安置月数应在 0–120 之间",
            "temp_resettlement_months must be between 0 and 120",
        )));
    }
    let temp_rate = cents("temp_resettlement_rate", t.temp_resettlement_rate)?;
    let temp_fee = i64::from(t.temp_resettlement_months) * temp_rate;
    let (moving_fee, business_loss) = (cents("moving_fee", t.moving_fee)?, cents("business_loss", t.business_loss)?);
    let (reward, subsidy) = (cents("reward", t.reward)?, cents("subsidy", t.subsidy)?);
    let resettlement = match (mode, &t.resettlement) {
        ("property_swap", Some(r)) => {
            if !(r.area_m2.is_finite() && r.area_m2 > 0.0 && r.area_m2 < 1e5) {
                return Err(invalid(issue(
                    "invalid_area",
                    "安置房面积须为正数",
                    "resettlement.area_m2 must be positive",
                )));
            }
            let price = cents("resettlement.unit_price", r.unit_price)?;
            let value = (price as i128 * (r.area_m2 * 100.0).round() as i128 + 50) / 100;
            Some((r.flat.clone().filter(|f| !f.trim().is_empty()), r.area_m2, price, value as i64))
        }
        ("property_swap", None) => {
            return Err(invalid(issue(
                "resettlement_missing",
                "产权调换须填写安置房面积和单价",
                "a property swap needs the resettlement flat's area and unit price",
            )));
        }
        (_, Some(_)) => {
            return Err(invalid(issue(
                "resettlement_unexpected",
                "货币补偿不填写安置房",
                "a monetary compensation has no resettlement flat",
            )));
        }
        _ => None,
    };
    let total = house_value + decoration_value + moving_fee + temp_fee + business_loss + reward + subsidy;
    let mut wrong = Vec::new();
    for (field, sent, ours) in [
        ("house_value", t.house_value, house_value),
        ("temp_resettlement_fee", t.temp_resettlement_fee, temp_fee),
        ("total", t.total, total),
    ] {
        if let Some(sent) = sent {
            let sent = cents(field, sent)?;
            if sent != ours {
                wrong.push(format!("{field} {} ≠ {}", write::yuan(sent), write::yuan(ours)));
            }
        }
    }
    if !wrong.is_empty() {
        return Err(invalid(issue(
            "items_do_not_add_up",
            format!("补偿项目金额与计算结果不符：{}", wrong.join("；")),
            format!("the items do not add up: {} (sent ≠ computed)", wrong.join("; ")),
        )));
    }
    Ok(Items {
        mode,
        house_value,
        decoration_value,
        moving_fee,
        temp_months: t.temp_resettlement_months,
        temp_rate,
        temp_fee,
        business_loss,
        reward,
        subsidy,
        resettlement,
        total,
    })
}

/// Whether this is an agreement or a decision.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Agreement,
    Decision,
}

/// 签订补偿协议 (If-Match): in the agreement stage, inside the signing period, on an accepted
/// appraisal; renders and archives the agreement.
#[utoipa::path(post, path = "/api/compensation-units/{code}/agreement", tag = "征收项目 relocation",
    request_body = CompensationTerms,
    params(("code" = String, Path, description = "the compensation unit's code")),
    responses((status = 200, body = WorkUnit),
        (status = 409, description = "out of order (rule in `code`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "items negative, with more than 2 decimals or not adding up", body = Problem, content_type = "application/problem+json")))]
pub async fn agreement(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(code): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CompensationTerms>,
) -> Result<UnitAnswer, ApiError> {
    settle(state, p, code, headers, body, Kind::Agreement).await
}

/// 作出补偿决定 (If-Match): for a unit without agreement once the signing period is over
/// (art. 26).
#[utoipa::path(post, path = "/api/compensation-units/{code}/decision", tag = "征收项目 relocation",
    request_body = CompensationTerms,
    params(("code" = String, Path, description = "the compensation unit's code")),
    responses((status = 200, body = WorkUnit),
        (status = 409, description = "out of order (rule in `code`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "invalid items", body = Problem, content_type = "application/problem+json")))]
pub async fn decision(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(code): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CompensationTerms>,
) -> Result<UnitAnswer, ApiError> {
    settle(state, p, code, headers, body, Kind::Decision).await
}

fn rules_for(
    kind: Kind,
    stage: &str,
    unit: &UnitRow,
    today: chrono::NaiveDate,
    period: (Option<chrono::NaiveDate>, Option<chrono::NaiveDate>),
) -> Result<(), ApiError> {
    if stage != "agreement" {
        return Err(conflict(issue(
            "stage_not_agreement",
            "签约和补偿决定在签约阶段进行",
            format!("agreements and decisions are made in the agreement stage; the project is in {stage}"),
        )));
    }
    if unit.legality == "illegal" {
        return Err(conflict(issue(
            "illegal_no_compensation",
            "违法建筑不予补偿（条例第二十四条）",
            "an illegal building gets no compensation (art. 24)",
        )));
    }
    if unit.settled() {
        return Err(conflict(issue(
            "already_settled",
            "已签约或已作出补偿决定",
            "the unit already has an agreement or a decision",
        )));
    }
    if unit.appraisal_report_no.is_none() {
        return Err(conflict(issue("appraisal_missing", "尚未完成分户评估", "the unit is not appraised yet")));
    }
    let (starts, ends) = period;
    match kind {
        Kind::Agreement => {
            if !matches!(unit.appraisal_review.as_deref(), Some("accepted" | "expert_reviewed")) {
                return Err(conflict(issue(
                    "appraisal_not_accepted",
                    "评估结果尚未确认（复核或专家鉴定中）",
                    "the appraisal is not accepted yet (pending, or under review)",
                )));
            }
            if !(starts.is_some_and(|s| s <= today) && ends.is_some_and(|e| today <= e)) {
                return Err(conflict(issue(
                    "outside_signing_period",
                    "不在签约期内，不能签订补偿协议",
                    format!(
                        "agreements are signed inside the signing period ({starts:?} – {ends:?}); today is {today}"
                    ),
                )));
            }
        }
        Kind::Decision => {
            if ends.is_none_or(|e| e >= today) {
                return Err(conflict(issue(
                    "signing_period_not_over",
                    "签约期届满后方可作出补偿决定（条例第二十六条）",
                    format!("a compensation decision comes after the signing period ({ends:?}) is over (art. 26)"),
                )));
            }
        }
    }
    Ok(())
}

async fn settle(
    state: AppState,
    p: Principal,
    code: String,
    headers: HeaderMap,
    body: CompensationTerms,
    kind: Kind,
) -> Result<UnitAnswer, ApiError> {
    let mut tx = begin(&state, &p).await?;
    let (project, unit) = units::lock(&mut tx, &p, &code).await?;
    write::precondition(write::if_match(&headers).as_deref(), unit.version, &format!("compensation unit {code}"))?;
    let today = write::today(&mut tx).await?;
    let period: (Option<chrono::NaiveDate>, Option<chrono::NaiveDate>) =
        sqlx::query_as("SELECT signing_starts_on, signing_ends_on FROM relocation_projects WHERE id = $1")
            .bind(project.id)
            .fetch_one(&mut *tx)
            .await?;
    rules_for(kind, &project.stage, &unit, today, period)?;
    let to_cents = |y: f64| (y * 100.0).round() as i64;
    let items = compute(to_cents(unit.house_value), to_cents(unit.decoration_value), &body)?;
    if let Some(d) = body.move_out_deadline
        && d < today
    {
        return Err(invalid(issue("invalid_date", "搬迁期限不能早于今天", "move_out_deadline is before today")));
    }
    let (prefix, column) = match kind {
        Kind::Agreement => ("XY", "agreement_no"),
        Kind::Decision => ("JD", "decision_no"),
    };
    let pattern = format!("^{}-{prefix}([0-9]+)$", regex_escape(&project.code));
    let seq: i64 = sqlx::query_scalar(include_str!("sql/next_number.sql"))
        .bind(project.id)
        .bind(column)
        .bind(&pattern)
        .fetch_one(&mut *tx)
        .await?;
    let number = format!("{}-{prefix}{seq:04}", project.code);
    let (flat, area, price, value) = items.resettlement.clone().unwrap_or((None, 0.0, 0, 0));
    sqlx::query(include_str!("sql/settle.sql"))
        .bind(unit.id)
        .bind(items.mode)
        .bind(items.moving_fee)
        .bind(items.temp_months)
        .bind(items.temp_rate)
        .bind(items.temp_fee)
        .bind(items.business_loss)
        .bind(items.reward)
        .bind(items.subsidy)
        .bind(items.total)
        .bind(items.resettlement.as_ref().map(|_| area))
        .bind(items.resettlement.as_ref().map(|_| price))
        .bind(value)
        .bind(flat)
        .bind(kind == Kind::Agreement)
        .bind(&number)
        .bind(body.move_out_deadline)
        .execute(&mut *tx)
        .await?;
    let doc = Document {
        project_id: project.id,
        project_code: &project.code,
        unit: Some((unit.id, code.clone())),
        category: if kind == Kind::Agreement { "agreement" } else { "decision" },
        title: format!("{} {number}", if kind == Kind::Agreement { "房屋征收补偿协议" } else { "房屋征收补偿决定" }),
    };
    let pdf = archive::agreement_pdf(&mut tx, unit.id, &number, kind == Kind::Decision).await?;
    let (archive_no, staged) = archive::add(&mut tx, &state, &p, doc, pdf).await?;
    if kind == Kind::Agreement {
        sqlx::query("UPDATE compensation_units SET agreement_archive_no = $2 WHERE id = $1")
            .bind(unit.id)
            .bind(&archive_no)
            .execute(&mut *tx)
            .await?;
    }
    let after = json!({"number": number, "mode": items.mode, "total": write::yuan(items.total),
        "archive_no": archive_no});
    let action = if kind == Kind::Agreement { "agreement_sign" } else { "compensation_decision" };
    record(&mut tx, &p, action, &format!("{}/{code}", project.code), None, Some(after)).await?;
    let w = units::answer(&mut tx, &code).await?;
    tx.commit().await?;
    staged.put_in_place().await?;
    Ok(([(ETAG, write::etag(w.version))], Json(w)))
}

/// A project code inside a regular expression.
fn regex_escape(s: &str) -> String {
    s.chars().flat_map(|c| if c.is_ascii_alphanumeric() { vec![c] } else { vec!['\\', c] }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms() -> CompensationTerms {
        CompensationTerms {
            mode: "monetary".into(),
            moving_fee: 2000.0,
            temp_resettlement_months: 6,
            temp_resettlement_rate: 1500.5,
            reward: 10000.0,
            ..Default::default()
        }
    }

    #[test]
    fn items_add_up() {
        let i = compute(10_000_000, 500_000, &terms()).unwrap();
        assert_eq!(i.temp_fee, 6 * 150_050);
        assert_eq!(i.total, 10_000_000 + 500_000 + 200_000 + 6 * 150_050 + 1_000_000);
        let mut t = terms();
        t.total = Some(1.0);
        let e = compute(10_000_000, 0, &t).unwrap_err();
        assert_eq!(e.code, "items_do_not_add_up");
        t.total = Some(0.125);
        assert_eq!(compute(0, 0, &t).unwrap_err().code, "too_many_decimals");
        let mut t = terms();
        t.moving_fee = -1.0;
        assert_eq!(compute(0, 0, &t).unwrap_err().code, "negative_amount");
    }

    #[test]
    fn property_swap_values_the_flat() {
        let mut t = terms();
        t.mode = "property_swap".into();
        assert_eq!(compute(0, 0, &t).unwrap_err().code, "resettlement_missing");
        t.resettlement =
            Some(onemap_api::workflow::ResettlementRequest { flat: None, area_m2: 90.55, unit_price: 8000.0 });
        let i = compute(0, 0, &t).unwrap();
        assert_eq!(i.resettlement.unwrap().3, 72_440_000);
    }

    #[test]
    fn codes_are_escaped_for_patterns() {
        assert_eq!(regex_escape("WX-ZS-2023-01"), "WX\\-ZS\\-2023\\-01");
    }
}
