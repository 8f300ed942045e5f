//! The relocation reports: 项目进度 (projects with their units by status and stage dates),
//! 专户资金对账单 (the dedicated account's deposits and payments with the running balance) and
//! 分户补偿明细 (each household's compensation items, total and payments).

use chrono::NaiveDate;
use onemap_api::workflow::LedgerEntry;
use sqlx::FromRow;

use super::Params;
use super::model::{Col, Kind, Report, Table, Value, col};
use crate::auth::mask::PersonName;
use crate::auth::{AuthError, Principal};
use crate::base::{ApiError, AppState};

/// The project named by `project=`, if the caller may see it: (id, name).
async fn project(state: &AppState, p: &Principal, code: &str) -> Result<(i64, String), ApiError> {
    let row: Option<(i64, String)> = sqlx::query_as("SELECT id, name FROM relocation_projects WHERE code = $1")
        .bind(code)
        .fetch_optional(&state.pool)
        .await?;
    let (id, name) =
        row.ok_or_else(|| ApiError::not_found(format!("没有征收项目 {code} / no relocation project {code}")))?;
    if !p.can_see_project(id) {
        return Err(AuthError::OutOfScope(code.into()).into());
    }
    Ok((id, name))
}

fn stage_name(id: &str) -> Value {
    Value::Text(onemap_api::relocation::stage(id).map_or(id, |s| s.name_zh).to_owned())
}

#[derive(FromRow)]
struct ProgressRow {
    code: String,
    name: String,
    stage: String,
    approved_on: Option<NaiveDate>,
    decision_announced_on: Option<NaiveDate>,
    signing_starts_on: Option<NaiveDate>,
    signing_ends_on: Option<NaiveDate>,
    units: i64,
    surveyed: i64,
    appraised: i64,
    signed: i64,
    paid: i64,
    demolished: i64,
}

const PROGRESS: &[Col] = &[
    col("项目编号", Kind::Text, 16.0),
    col("项目名称", Kind::Text, 24.0),
    col("当前阶段", Kind::Text, 12.0),
    col("立项日期", Kind::Date, 11.0),
    col("征收决定公告日", Kind::Date, 11.0),
    col("签约期起", Kind::Date, 11.0),
    col("签约期止", Kind::Date, 11.0),
    col("补偿单元", Kind::Count, 8.0),
    col("已调查", Kind::Count, 7.0),
    col("已评估", Kind::Count, 7.0),
    col("已签约", Kind::Count, 7.0),
    col("已支付", Kind::Count, 7.0),
    col("已拆除", Kind::Count, 7.0),
    col("签约率", Kind::Percent, 7.0),
];

const STAGES: &[Col] = &[
    col("项目编号", Kind::Text, 16.0),
    col("阶段", Kind::Text, 16.0),
    col("日期", Kind::Date, 12.0),
    col("说明", Kind::Text, 40.0),
];

/// 征收项目进度报表: one project (`project=`) or every project the caller sees.
pub(super) async fn progress(state: &AppState, p: &Principal, params: &Params) -> Result<Report, ApiError> {
    let (id, scope_line) = match &params.project {
        Some(code) => {
            let (id, name) = project(state, p, code).await?;
            (Some(id), format!("征收项目：{code} {name}"))
        }
        None => (None, "征收项目：全部（本人可见范围）".to_owned()),
    };
    let scope = p.relocation_scope();
    let rows: Vec<ProgressRow> =
        sqlx::query_as(include_str!("sql/progress.sql")).bind(&scope).bind(id).fetch_all(&state.bulk).await?;
    let mut units = Table::new("进度", "一、项目进度与补偿单元状态", PROGRESS);
    for r in rows {
        let past_signing = r.signed + r.paid + r.demolished;
        units.rows.push(vec![
            Value::Text(r.code),
            Value::Text(r.name),
            stage_name(&r.stage),
            r.approved_on.into(),
            r.decision_announced_on.into(),
            r.signing_starts_on.into(),
            r.signing_ends_on.into(),
            Value::Count(r.units),
            Value::Count(r.surveyed),
            Value::Count(r.appraised),
            Value::Count(r.signed),
            Value::Count(r.paid),
            Value::Count(r.demolished),
            if r.units > 0 { Value::Percent(past_signing as f64 / r.units as f64) } else { Value::Null },
        ]);
    }
    units.total_row(&[7, 8, 9, 10, 11, 12]);
    if let Some(t) = units.totals.as_mut()
        && let (Value::Count(all), Value::Count(s), Value::Count(pd), Value::Count(d)) = (&t[7], &t[10], &t[11], &t[12])
        && *all > 0
    {
        t[13] = Value::Percent((s + pd + d) as f64 / *all as f64);
    }
    let events: Vec<(String, String, NaiveDate, Option<String>)> = sqlx::query_as(include_str!("sql/stage_events.sql"))
        .bind(&scope)
        .bind(id)
        .bind(params.from)
        .bind(params.to)
        .fetch_all(&state.bulk)
        .await?;
    let mut stages = Table::new("阶段日期", "二、阶段日期", STAGES);
    stages.rows = events
        .into_iter()
        .map(|(code, stage, on, note)| vec![Value::Text(code), stage_name(&stage), Value::Date(on), note.into()])
        .collect();
    Ok(Report {
        title: "征收项目进度报表".into(),
        lines: vec![scope_line, params.period_line()],
        tables: vec![units, stages],
    })
}

const LEDGER: &[Col] = &[
    col("日期", Kind::Date, 11.0),
    col("类型", Kind::Text, 6.0),
    col("凭证号", Kind::Text, 22.0),
    col("补偿单元", Kind::Text, 20.0),
    col("摘要", Kind::Text, 20.0),
    col("拨入（元）", Kind::Amount, 15.0),
    col("支付（元）", Kind::Amount, 15.0),
    col("余额（元）", Kind::Amount, 16.0),
];

/// 专户资金对账单: the opening balance, the period's entries, the closing balance.
pub(super) async fn funds(state: &AppState, p: &Principal, params: &Params) -> Result<Report, ApiError> {
    let code = params.project.as_deref().unwrap_or_default();
    let (id, name) = project(state, p, code).await?;
    let mut conn = state.bulk.acquire().await?;
    let (mut rows, _) = crate::relocation::funds::ledger(&mut conn, id, None).await?;
    rows.reverse(); // oldest first
    let before = |r: &LedgerEntry| params.from.is_some_and(|f| r.on < f);
    let after = |r: &LedgerEntry| params.to.is_some_and(|t| r.on > t);
    let opening = rows.iter().take_while(|r| before(r)).last().map_or(0.0, |r| r.balance);
    let mut table = Table::new("对账单", "专户收支明细", LEDGER);
    table.rows.push(vec![
        params.from.into(),
        Value::Null,
        Value::Null,
        Value::Null,
        "期初余额".into(),
        Value::Null,
        Value::Null,
        Value::Amount(opening),
    ]);
    let mut closing = opening;
    for r in rows.into_iter().filter(|r| !before(r) && !after(r)) {
        let deposit = r.kind == "deposit";
        closing = r.balance;
        table.rows.push(vec![
            Value::Date(r.on),
            Value::Text(if deposit { "拨入" } else { "支付" }.into()),
            Value::Text(r.voucher_no),
            r.unit_code.into(),
            r.note.into(),
            if deposit { Value::Amount(r.amount) } else { Value::Null },
            if deposit { Value::Null } else { Value::Amount(-r.amount) },
            Value::Amount(r.balance),
        ]);
    }
    table.total_row(&[5, 6]);
    if let Some(t) = table.totals.as_mut() {
        t[7] = Value::Amount(closing);
    }
    let lines = vec![
        format!("征收项目：{code} {name}"),
        params.period_line(),
        format!("期初余额 {} 元，期末余额 {} 元", Value::Amount(opening).printed(), Value::Amount(closing).printed()),
    ];
    Ok(Report { title: "征收补偿专户资金对账单".into(), lines, tables: vec![table] })
}

#[derive(FromRow)]
struct HouseholdRow {
    code: String,
    owner_name: Option<String>,
    address: String,
    area: f64,
    legality: String,
    compensation_mode: Option<String>,
    house_value: f64,
    decoration_value: f64,
    moving_fee: f64,
    temp_fee: f64,
    business_loss: f64,
    reward: f64,
    subsidy: f64,
    total_amount: f64,
    paid: f64,
    agreement_no: Option<String>,
    agreement_signed_on: Option<NaiveDate>,
    status: String,
}

const HOUSEHOLDS: &[Col] = &[
    col("补偿单元编号", Kind::Text, 20.0),
    col("被征收人", Kind::Text, 10.0),
    col("坐落", Kind::Text, 28.0),
    col("实测面积（㎡）", Kind::Amount, 12.0),
    col("合法性", Kind::Text, 8.0),
    col("补偿方式", Kind::Text, 10.0),
    col("房屋价值", Kind::Amount, 14.0),
    col("装修价值", Kind::Amount, 12.0),
    col("搬迁费", Kind::Amount, 10.0),
    col("临时安置费", Kind::Amount, 11.0),
    col("停产停业损失", Kind::Amount, 12.0),
    col("奖励", Kind::Amount, 11.0),
    col("补助", Kind::Amount, 11.0),
    col("补偿总额", Kind::Amount, 15.0),
    col("已支付", Kind::Amount, 15.0),
    col("协议编号", Kind::Text, 20.0),
    col("签约日期", Kind::Date, 11.0),
    col("状态", Kind::Text, 8.0),
];

/// 分户补偿明细表 of a project; owners' names masked for the caller's role.
pub(super) async fn households(state: &AppState, p: &Principal, params: &Params) -> Result<Report, ApiError> {
    let code = params.project.as_deref().unwrap_or_default();
    let (id, name) = project(state, p, code).await?;
    let rows: Vec<HouseholdRow> =
        sqlx::query_as(include_str!("sql/households.sql")).bind(id).fetch_all(&state.bulk).await?;
    let mut table = Table::new("分户明细", "分户补偿明细", HOUSEHOLDS);
    for r in rows {
        let legality = match r.legality.as_str() {
            "legal" => "合法",
            "illegal" => "违法",
            _ => "临时",
        };
        let mode = match r.compensation_mode.as_deref() {
            Some("monetary") => "货币补偿",
            Some("property_swap") => "产权调换",
            _ => "",
        };
        table.rows.push(vec![
            Value::Text(r.code),
            r.owner_name.map(|n| PersonName(n).shown()).into(),
            Value::Text(r.address),
            Value::Amount(r.area),
            legality.into(),
            mode.into(),
            Value::Amount(r.house_value),
            Value::Amount(r.decoration_value),
            Value::Amount(r.moving_fee),
            Value::Amount(r.temp_fee),
            Value::Amount(r.business_loss),
            Value::Amount(r.reward),
            Value::Amount(r.subsidy),
            Value::Amount(r.total_amount),
            Value::Amount(r.paid),
            r.agreement_no.into(),
            r.agreement_signed_on.into(),
            onemap_api::relocation::status(&r.status).map_or(r.status.as_str(), |s| s.name_zh).into(),
        ]);
    }
    let households = table.rows.len();
    table.total_row(&[3, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    Ok(Report {
        title: "分户补偿明细表".into(),
        lines: vec![format!("征收项目：{code} {name}"), format!("补偿单元 {households} 户")],
        tables: vec![table],
    })
}
