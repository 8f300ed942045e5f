//! 资金监管: the project's dedicated account (专户) — deposits, the statement with its ledger
//! and monthly series, and the alerts a supervisor watches.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use chrono::NaiveDate;
use onemap_api::Problem;
use onemap_api::workflow::{Alert, DepositRequest, FundPoint, Funds, LedgerEntry};
use serde_json::json;
use sqlx::PgConnection;

use super::rules::{conflict, issue};
use super::workflow;
use super::write::{self, begin, cents, not_future, record, required, yuan};
use crate::auth::Principal;
use crate::base::{ApiError, ApiJson, ApiQuery, AppState};

/// `GET /api/projects/{code}/funds` parameters.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct FundsQuery {
    /// Ledger entries to return, newest first (default 200, at most 5000).
    limit: Option<i64>,
}

/// `GET /api/projects/{code}/alerts` parameters.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AlertsQuery {
    /// Days after signing by which an agreement should be paid (default 30).
    unpaid_days: Option<i32>,
}

/// The ledger (台账) of the project's account, newest first (at most `limit` entries; None: all),
/// each with the balance after it, and how many entries it has in all.
pub async fn ledger(
    conn: &mut PgConnection,
    project_id: i64,
    limit: Option<i64>,
) -> Result<(Vec<LedgerEntry>, i64), ApiError> {
    #[allow(clippy::type_complexity)]
    let rows: Vec<(NaiveDate, String, String, f64, f64, Option<String>, Option<String>, i64)> =
        sqlx::query_as(include_str!("sql/ledger.sql")).bind(project_id).bind(limit).fetch_all(&mut *conn).await?;
    let total = rows.first().map(|r| r.7).unwrap_or(0);
    let entries = rows
        .into_iter()
        .map(|(on, kind, voucher_no, amount, balance, unit_code, note, _)| LedgerEntry {
            on,
            kind,
            voucher_no,
            amount,
            balance,
            unit_code,
            note,
        })
        .collect();
    Ok((entries, total))
}

async fn statement(conn: &mut PgConnection, project_id: i64, limit: i64) -> Result<Funds, ApiError> {
    let (budget, estimated, deposited, committed, paid, requested): (f64, f64, f64, f64, f64, f64) =
        sqlx::query_as(include_str!("sql/funds.sql")).bind(project_id).fetch_one(&mut *conn).await?;
    let (ledger, ledger_total) = ledger(conn, project_id, Some(limit)).await?;
    let mut series: Vec<FundPoint> = sqlx::query_as::<_, (String, f64, f64, f64)>(include_str!("sql/series.sql"))
        .bind(project_id)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|(month, deposited, committed, paid)| FundPoint { month, deposited, committed, paid })
        .collect();
    series.reverse();
    let round = |v: f64| (v * 100.0).round() / 100.0;
    Ok(Funds {
        budget,
        estimated_compensation: estimated,
        deposited,
        committed,
        paid,
        requested,
        balance: round(deposited - paid),
        available: round(deposited - paid - requested),
        ledger,
        ledger_total,
        series,
    })
}

/// The dedicated account's statement: totals, the newest ledger entries with the balance after
/// each, and the month-by-month series.
#[utoipa::path(get, path = "/api/projects/{code}/funds", tag = "征收项目 relocation", params(("code" = String, Path, description = "the project code"), FundsQuery),
    responses((status = 200, body = Funds),
        (status = 404, description = "no such project", body = Problem, content_type = "application/problem+json")))]
pub async fn funds(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<FundsQuery>,
) -> Result<Json<Funds>, ApiError> {
    let project = super::read::find(&state, &p, &code).await?;
    let mut conn = state.pool.acquire().await?;
    Ok(Json(statement(&mut conn, project.id, q.limit.unwrap_or(200).clamp(1, 5000)).await?))
}

/// Records money received in the dedicated account (专户到账).
#[utoipa::path(post, path = "/api/projects/{code}/funds/deposits", tag = "征收项目 relocation", request_body = DepositRequest,
    params(("code" = String, Path, description = "the project code")),
    responses((status = 201, body = Funds),
        (status = 409, description = "`project_closed` or `voucher_exists`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "invalid amount or date", body = Problem, content_type = "application/problem+json")))]
pub async fn deposit(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<DepositRequest>,
) -> Result<(StatusCode, Json<Funds>), ApiError> {
    let amount = cents("amount", body.amount)?;
    if amount == 0 {
        return Err(super::rules::invalid(issue(
            "invalid_amount",
            "到账金额须大于零",
            "a deposit's amount must be above zero",
        )));
    }
    let voucher = required("voucher_no", &body.voucher_no)?;
    let mut tx = begin(&state, &p).await?;
    let project = workflow::lock(&mut tx, &p, &code).await?;
    if project.stage == "closed" {
        return Err(conflict(issue("project_closed", "项目已结案", "the project is closed")));
    }
    let today = write::today(&mut tx).await?;
    let on = not_future("deposited_on", body.deposited_on.unwrap_or(today), today)?;
    let taken: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM fund_deposits WHERE voucher_no = $1)")
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
    let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    sqlx::query(
        "INSERT INTO fund_deposits (project_id, voucher_no, amount, deposited_on, source, note, created_by) \
         VALUES ($1, $2, $3::numeric / 100, $4, $5, $6, $7)",
    )
    .bind(project.id)
    .bind(&voucher)
    .bind(amount)
    .bind(on)
    .bind(text(&body.source))
    .bind(text(&body.note))
    .bind(p.actor.as_ref())
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE relocation_projects SET funds_deposited = funds_deposited + $2::numeric / 100 WHERE id = $1")
        .bind(project.id)
        .bind(amount)
        .execute(&mut *tx)
        .await?;
    record(
        &mut tx,
        &p,
        "fund_deposit",
        &code,
        None,
        Some(json!({"voucher_no": voucher, "amount": yuan(amount), "on": on})),
    )
    .await?;
    let funds = statement(&mut tx, project.id, 200).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(funds)))
}

fn alert(code: &str, severity: &str, zh: String, en: String, count: i64, units: Vec<String>) -> Alert {
    Alert { code: code.into(), severity: severity.into(), message: zh, message_en: en, count, units }
}

/// What needs attention: the balance below what is still owed, the signing period over with
/// units unsigned, move-out deadlines passed, agreements unpaid after `unpaid_days`, the budget
/// exceeded.
#[utoipa::path(get, path = "/api/projects/{code}/alerts", tag = "征收项目 relocation", params(("code" = String, Path, description = "the project code"), AlertsQuery),
    responses((status = 200, body = Vec<Alert>),
        (status = 404, description = "no such project", body = Problem, content_type = "application/problem+json")))]
pub async fn alerts(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<AlertsQuery>,
) -> Result<Json<Vec<Alert>>, ApiError> {
    let project = super::read::find(&state, &p, &code).await?;
    let days = q.unpaid_days.unwrap_or(30).clamp(0, 3650);
    let mut conn = state.pool.acquire().await?;
    #[allow(clippy::type_complexity)]
    let (unsigned_n, unsigned, overdue_n, overdue, unpaid_n, unpaid, remaining, signing_ends_on, today): (
        i64,
        Vec<String>,
        i64,
        Vec<String>,
        i64,
        Vec<String>,
        f64,
        Option<NaiveDate>,
        NaiveDate,
    ) = sqlx::query_as(include_str!("sql/alerts.sql")).bind(project.id).bind(days).fetch_one(&mut *conn).await?;
    let (budget, _, deposited, committed, paid, _): (f64, f64, f64, f64, f64, f64) =
        sqlx::query_as(include_str!("sql/funds.sql")).bind(project.id).fetch_one(&mut *conn).await?;
    let balance = deposited - paid;
    let mut out = Vec::new();
    if balance + 0.005 < remaining {
        out.push(alert(
            "balance_below_commitments",
            "critical",
            format!("专户余额 ¥{balance:.2} 低于尚未支付的补偿 ¥{remaining:.2}"),
            format!("the account's balance {balance:.2} is below the compensation still owed {remaining:.2}"),
            0,
            Vec::new(),
        ));
    }
    if signing_ends_on.is_some_and(|e| e < today) && unsigned_n > 0 {
        out.push(alert(
            "signing_period_over",
            "warning",
            format!("签约期已届满，仍有 {unsigned_n} 户未签约（应作出补偿决定）"),
            format!("the signing period is over and {unsigned_n} units have neither agreement nor decision"),
            unsigned_n,
            unsigned,
        ));
    }
    if overdue_n > 0 {
        out.push(alert(
            "move_out_overdue",
            "warning",
            format!("{overdue_n} 户已过搬迁期限仍未搬迁"),
            format!("{overdue_n} units are past their move-out deadline"),
            overdue_n,
            overdue,
        ));
    }
    if unpaid_n > 0 {
        out.push(alert(
            "agreement_unpaid",
            "warning",
            format!("{unpaid_n} 户签约（决定）超过 {days} 天仍未付清"),
            format!("{unpaid_n} units signed more than {days} days ago are not paid in full"),
            unpaid_n,
            unpaid,
        ));
    }
    if committed > budget + 0.005 {
        out.push(alert(
            "budget_exceeded",
            "critical",
            format!("已承诺补偿 ¥{committed:.2} 超出预算 ¥{budget:.2}"),
            format!("the compensation committed {committed:.2} exceeds the budget {budget:.2}"),
            0,
            Vec::new(),
        ));
    }
    Ok(Json(out))
}
