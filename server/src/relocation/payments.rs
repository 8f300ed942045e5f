//! 资金拨付 and 搬迁拆除: a payment is requested (the amount reserved in the dedicated account),
//! paid when the director approves it, and never more than the account's balance or the unit's
//! payable amount less what was paid — every funds write holds the project's row lock, so
//! concurrent requests are decided one after the other. Moving out and demolition come only
//! after full payment (先补偿、后搬迁, art. 27).

use axum::extract::{Path, State};
use axum::http::header::ETAG;
use axum::http::{HeaderMap, StatusCode};
use axum::{Extension, Json};
use onemap_api::Problem;
use onemap_api::workflow::{Approval, DoneOn, PaymentRequest, WorkUnit};
use serde_json::json;
use sqlx::PgConnection;

use super::approvals;
use super::rules::{self, conflict, invalid, issue};
use super::units::{self, UnitAnswer};
use super::write::{self, begin, cents, not_future, one_of, precondition, record, required, yuan};
use crate::auth::Principal;
use crate::base::{ApiError, ApiJson, AppState};

/// What the dedicated account of project `id` holds, in cents: (balance, requested).
pub async fn account(conn: &mut PgConnection, project_id: i64) -> Result<(i64, i64), ApiError> {
    Ok(sqlx::query_as(include_str!("sql/account.sql")).bind(project_id).fetch_one(conn).await?)
}

/// Requests a payment to the unit's payee: 202 with the approval it waits for. Refused (409)
/// when the unit has no agreement or decision, or the amount exceeds what the unit is still
/// owed or what the account can still pay.
#[utoipa::path(post, path = "/api/compensation-units/{code}/payments", tag = "征收项目 relocation",
    request_body = PaymentRequest,
    params(("code" = String, Path, description = "the compensation unit's code")),
    responses((status = 202, body = Approval),
        (status = 409, description = "`not_settled`, `exceeds_unit_total`, `insufficient_funds` or `voucher_exists`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "amount not positive or with more than 2 decimals", body = Problem, content_type = "application/problem+json")))]
pub async fn request(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<PaymentRequest>,
) -> Result<(StatusCode, Json<Approval>), ApiError> {
    let amount = cents("amount", body.amount)?;
    if amount == 0 {
        return Err(invalid(issue("invalid_amount", "支付金额须大于零", "a payment's amount must be above zero")));
    }
    let voucher = required("voucher_no", &body.voucher_no)?;
    let payee = required("payee_name", &body.payee_name)?;
    let account_no = required("payee_account", &body.payee_account)?;
    let purpose = one_of(
        "purpose",
        body.purpose.as_deref().unwrap_or("compensation"),
        &["compensation", "temp_resettlement", "reward", "other"],
    )?;
    let mut tx = begin(&state, &p).await?;
    let (project, unit) = units::lock(&mut tx, &p, &code).await?;
    if !unit.settled() {
        return Err(conflict(issue(
            "not_settled",
            "未签订补偿协议或作出补偿决定，不能支付",
            "a unit is paid only under an agreement or a compensation decision",
        )));
    }
    let requested_unit = (unit.requested_amount * 100.0).round() as i64;
    let owed = unit.outstanding() - requested_unit;
    if amount > owed {
        return Err(conflict(issue(
            "exceeds_unit_total",
            format!("超出该户应付未付金额 ¥{:.2}", yuan(owed)),
            format!("the unit is owed {:.2} (payable less paid and requested); {:.2} asked", yuan(owed), yuan(amount)),
        )));
    }
    let (balance, requested) = account(&mut tx, project.id).await?;
    if amount > balance - requested {
        return Err(conflict(issue(
            "insufficient_funds",
            format!("专户可用余额不足：可用 ¥{:.2}", yuan(balance - requested)),
            format!(
                "the dedicated account can pay {:.2} (balance less pending requests); {:.2} asked",
                yuan(balance - requested),
                yuan(amount)
            ),
        )));
    }
    let taken: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM payments WHERE voucher_no = $1)")
        .bind(&voucher)
        .fetch_one(&mut *tx)
        .await?;
    if taken {
        return Err(conflict(issue(
            "voucher_exists",
            format!("凭证号 {voucher} 已使用"),
            format!("voucher {voucher} is used"),
        )));
    }
    let payment: i64 = sqlx::query_scalar(
        "INSERT INTO payments (compensation_unit_id, project_id, voucher_no, purpose, amount, status, payee_name, payee_bank, \
           payee_account, requested_by) \
         VALUES ($1, $2, $3, $4, $5::numeric / 100, 'requested', $6, $7, $8, $9) RETURNING id",
    )
    .bind(unit.id)
    .bind(project.id)
    .bind(&voucher)
    .bind(purpose)
    .bind(amount)
    .bind(&payee)
    .bind(body.payee_bank.as_deref().map(str::trim).filter(|b| !b.is_empty()))
    .bind(&account_no)
    .bind(p.actor.as_ref())
    .fetch_one(&mut *tx)
    .await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO approvals (kind, project_id, compensation_unit_id, payment_id, requested_by, requested_role) \
         VALUES ('payment', $1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(project.id)
    .bind(unit.id)
    .bind(payment)
    .bind(p.actor.as_ref())
    .bind(p.role.as_str())
    .fetch_one(&mut *tx)
    .await?;
    let after =
        json!({"approval": id, "voucher_no": voucher, "amount": yuan(amount), "purpose": purpose, "payee": payee});
    record(&mut tx, &p, "payment_request", &format!("{}/{code}", project.code), None, Some(after)).await?;
    let approval = approvals::load(&mut tx, id).await?;
    tx.commit().await?;
    Ok((StatusCode::ACCEPTED, Json(approval)))
}

/// Pays (or rejects) a requested payment; the project is locked by the caller. The balance
/// and the unit's debt are checked again: nothing is paid that the account does not hold.
pub async fn settle(conn: &mut PgConnection, payment: i64, approve: bool) -> Result<(), ApiError> {
    let (project_id, unit_id, amount, status): (i64, i64, i64, String) = sqlx::query_as(
        "SELECT project_id, compensation_unit_id, (amount * 100)::bigint, status FROM payments WHERE id = $1 FOR UPDATE",
    )
    .bind(payment)
    .fetch_one(&mut *conn)
    .await?;
    if status != "requested" {
        return Err(conflict(issue("already_decided", "该支付已处理", format!("the payment is already {status}"))));
    }
    if !approve {
        sqlx::query("UPDATE payments SET status = 'rejected' WHERE id = $1").bind(payment).execute(&mut *conn).await?;
        return Ok(());
    }
    let (balance, _) = account(conn, project_id).await?;
    if amount > balance {
        return Err(conflict(issue(
            "insufficient_funds",
            format!("专户余额不足：余额 ¥{:.2}", yuan(balance)),
            format!("the dedicated account holds {:.2}; the payment is {:.2}", yuan(balance), yuan(amount)),
        )));
    }
    sqlx::query("UPDATE payments SET status = 'paid', paid_on = current_date WHERE id = $1")
        .bind(payment)
        .execute(&mut *conn)
        .await?;
    sqlx::query(include_str!("sql/mark_paid.sql")).bind(unit_id).execute(&mut *conn).await?;
    Ok(())
}

/// Whether this is the move-out or the demolition.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    MoveOut,
    Demolition,
}

/// 搬迁 (If-Match): only once the unit is paid in full (art. 27).
#[utoipa::path(post, path = "/api/compensation-units/{code}/move-out", tag = "征收项目 relocation", request_body = DoneOn,
    params(("code" = String, Path, description = "the compensation unit's code")),
    responses((status = 200, body = WorkUnit),
        (status = 409, description = "`not_fully_paid` or `already_moved_out`", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "stale If-Match", body = Problem, content_type = "application/problem+json")))]
pub async fn move_out(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(code): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<DoneOn>,
) -> Result<UnitAnswer, ApiError> {
    step(state, p, code, headers, body, Step::MoveOut).await
}

/// 拆除 (If-Match): only once the unit is paid in full and vacated.
#[utoipa::path(post, path = "/api/compensation-units/{code}/demolition", tag = "征收项目 relocation", request_body = DoneOn,
    params(("code" = String, Path, description = "the compensation unit's code")),
    responses((status = 200, body = WorkUnit),
        (status = 409, description = "`not_fully_paid`, `not_moved_out` or `already_demolished`", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "stale If-Match", body = Problem, content_type = "application/problem+json")))]
pub async fn demolition(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(code): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<DoneOn>,
) -> Result<UnitAnswer, ApiError> {
    step(state, p, code, headers, body, Step::Demolition).await
}

async fn step(
    state: AppState,
    p: Principal,
    code: String,
    headers: HeaderMap,
    body: DoneOn,
    step: Step,
) -> Result<UnitAnswer, ApiError> {
    let mut tx = begin(&state, &p).await?;
    let (project, unit) = units::lock(&mut tx, &p, &code).await?;
    precondition(write::if_match(&headers).as_deref(), unit.version, &format!("compensation unit {code}"))?;
    let today = write::today(&mut tx).await?;
    let on = not_future("on", body.on.unwrap_or(today), today)?;
    if !rules::reached(&project.stage, "agreement") {
        return Err(conflict(issue(
            "stage_order",
            "签约阶段之前不能搬迁或拆除",
            format!(
                "moving out and demolition come after the agreement stage begins; the project is in {}",
                project.stage
            ),
        )));
    }
    let illegal = unit.legality == "illegal";
    if !illegal && (!unit.settled() || unit.outstanding() > 0) {
        return Err(conflict(issue(
            "not_fully_paid",
            "补偿款未足额支付，不得搬迁或拆除（先补偿、后搬迁，条例第二十七条）",
            format!(
                "the unit is owed {:.2} still: compensation comes before relocation (art. 27)",
                yuan(unit.outstanding().max(0))
            ),
        )));
    }
    match step {
        Step::MoveOut if unit.moved_out_on.is_some() => {
            return Err(conflict(issue("already_moved_out", "已搬迁", "the unit is already vacated")));
        }
        Step::Demolition if unit.moved_out_on.is_none() => {
            return Err(conflict(issue("not_moved_out", "尚未搬迁，不能拆除", "the unit is not vacated yet")));
        }
        Step::Demolition if unit.demolished_on.is_some() => {
            return Err(conflict(issue("already_demolished", "已拆除", "the unit is already demolished")));
        }
        _ => {}
    }
    let (sql, action) = match step {
        Step::MoveOut => ("UPDATE compensation_units SET moved_out_on = $2 WHERE id = $1", "move_out"),
        Step::Demolition => {
            ("UPDATE compensation_units SET demolished_on = $2, status = 'demolished' WHERE id = $1", "demolition")
        }
    };
    sqlx::query(sql).bind(unit.id).bind(on).execute(&mut *tx).await?;
    // 注销登记: the demolished house's rights go to the registration clerks.
    if step == Step::Demolition {
        crate::registration::cases::open_cancellation(&mut tx, &p.actor, p.role.as_str(), unit.id, on).await?;
    }
    record(
        &mut tx,
        &p,
        action,
        &format!("{}/{code}", project.code),
        Some(json!({"status": unit.status})),
        Some(json!({"on": on})),
    )
    .await?;
    let w = units::answer(&mut tx, &code).await?;
    tx.commit().await?;
    Ok(([(ETAG, write::etag(w.version))], Json(w)))
}
