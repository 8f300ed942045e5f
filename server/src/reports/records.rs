//! The register's and the log's reports: 不动产登记统计 per township (parcels and area by land
//! use, rights by type and status, certificates issued and cancelled) and 审计日志摘录 for a
//! period.

use chrono::{DateTime, Days, Utc};
use sqlx::FromRow;

use super::Params;
use super::model::{Col, Kind, Report, Table, Value, col};
use crate::auth::Principal;
use crate::base::{ApiError, AppState};
use crate::registration::names::right_type;

const PARCELS: &[Col] = &[
    col("乡镇代码", Kind::Text, 12.0),
    col("乡镇（街道）", Kind::Text, 14.0),
    col("用途代码", Kind::Text, 9.0),
    col("土地用途", Kind::Text, 16.0),
    col("宗地数", Kind::Count, 10.0),
    col("登记面积（㎡）", Kind::Amount, 18.0),
];

const RIGHTS: &[Col] = &[
    col("乡镇代码", Kind::Text, 12.0),
    col("乡镇（街道）", Kind::Text, 14.0),
    col("权利类型", Kind::Text, 26.0),
    col("现势", Kind::Count, 10.0),
    col("历史", Kind::Count, 10.0),
    col("注销", Kind::Count, 10.0),
    col("期间登记", Kind::Count, 10.0),
];

const CERTIFICATES: &[Col] = &[
    col("乡镇代码", Kind::Text, 12.0),
    col("乡镇（街道）", Kind::Text, 14.0),
    col("期间颁发", Kind::Count, 12.0),
    col("期间注销", Kind::Count, 12.0),
    col("现有有效证书", Kind::Count, 14.0),
];

#[derive(FromRow)]
struct ParcelRow {
    town_code: String,
    town: String,
    land_use: String,
    land_use_name: String,
    parcels: i64,
    area: f64,
}

#[derive(FromRow)]
struct RightRow {
    town_code: String,
    town: String,
    kind: String,
    current: i64,
    historical: i64,
    cancelled: i64,
    registered: i64,
}

#[derive(FromRow)]
struct CertificateRow {
    town_code: String,
    town: String,
    issued: i64,
    cancelled: i64,
    valid: i64,
}

/// 不动产登记统计表: every township, or the one of `township=`. The three queries scan the
/// register on the bulk pool at the same time.
pub(super) async fn registration(state: &AppState, _p: &Principal, params: &Params) -> Result<Report, ApiError> {
    let town = params.township.as_deref();
    let scope_line = match town {
        Some(code) => {
            let name: Option<String> = sqlx::query_scalar(
                "SELECT name FROM admin_areas WHERE code = $1 UNION ALL SELECT name FROM cadastral_districts WHERE code = $1",
            )
            .bind(code)
            .fetch_optional(&state.pool)
            .await?;
            let name = name.ok_or_else(|| ApiError::not_found(format!("没有乡镇 {code} / no township {code}")))?;
            format!("乡镇（街道）：{code} {name}")
        }
        None => "乡镇（街道）：全部".to_owned(),
    };
    // Three scans of the register, at once on the bulk pool.
    let parcels =
        sqlx::query_as::<_, ParcelRow>(include_str!("sql/town_parcels.sql")).bind(town).fetch_all(&state.bulk);
    let rights = sqlx::query_as::<_, RightRow>(include_str!("sql/town_rights.sql"))
        .bind(town)
        .bind(params.from)
        .bind(params.to)
        .fetch_all(&state.bulk);
    let certificates = sqlx::query_as::<_, CertificateRow>(include_str!("sql/town_certificates.sql"))
        .bind(town)
        .bind(params.from)
        .bind(params.to)
        .fetch_all(&state.bulk);
    let (parcels, rights, certificates) = tokio::try_join!(parcels, rights, certificates)?;
    let mut by_use = Table::new("宗地", "一、宗地数量与面积（按土地用途，当前登记）", PARCELS);
    by_use.rows = parcels
        .into_iter()
        .map(|r| {
            vec![
                Value::Text(r.town_code),
                Value::Text(r.town),
                Value::Text(r.land_use),
                Value::Text(r.land_use_name),
                Value::Count(r.parcels),
                Value::Amount(r.area),
            ]
        })
        .collect();
    by_use.total_row(&[4, 5]);
    let mut by_kind = Table::new("权利", "二、权利（按权利类型与登记状态）", RIGHTS);
    by_kind.rows = rights
        .into_iter()
        .map(|r| {
            vec![
                Value::Text(r.town_code),
                Value::Text(r.town),
                Value::Text(right_type(&r.kind).to_owned()),
                Value::Count(r.current),
                Value::Count(r.historical),
                Value::Count(r.cancelled),
                Value::Count(r.registered),
            ]
        })
        .collect();
    by_kind.total_row(&[3, 4, 5, 6]);
    let mut certs = Table::new("证书", "三、不动产权证书颁发与注销", CERTIFICATES);
    certs.rows = certificates
        .into_iter()
        .map(|r| {
            vec![
                Value::Text(r.town_code),
                Value::Text(r.town),
                Value::Count(r.issued),
                Value::Count(r.cancelled),
                Value::Count(r.valid),
            ]
        })
        .collect();
    certs.total_row(&[2, 3, 4]);
    Ok(Report {
        title: "不动产登记统计表".into(),
        lines: vec![scope_line, params.period_line()],
        tables: vec![by_use, by_kind, certs],
    })
}

/// At most this many rows in one audit extract (a longer period is split by the caller).
pub const AUDIT_ROWS: i64 = 50_000;

const AUDIT: &[Col] = &[
    col("序号", Kind::Count, 9.0),
    col("时间", Kind::Text, 20.0),
    col("操作者", Kind::Text, 18.0),
    col("角色", Kind::Text, 9.0),
    col("操作", Kind::Text, 20.0),
    col("对象", Kind::Text, 28.0),
    col("结果", Kind::Text, 8.0),
    col("来源地址", Kind::Text, 14.0),
    col("哈希（前 16 位）", Kind::Text, 18.0),
];

#[derive(FromRow)]
struct AuditRow {
    id: i64,
    at: DateTime<Utc>,
    actor: String,
    role: String,
    action: String,
    target: String,
    outcome: String,
    client_addr: Option<String>,
    hash: String,
}

/// 审计日志摘录: the log's rows of the period (local days `from`..=`to`), oldest first, each
/// with the start of its chain hash so that a reader can find it in `onemap audit verify`.
pub(super) async fn audit(state: &AppState, _p: &Principal, params: &Params) -> Result<Report, ApiError> {
    let (Some(from), Some(to)) = (params.from, params.to) else {
        return Err(ApiError::internal("the period was checked"));
    };
    let local = |d: chrono::NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(chrono::Local).earliest())
            .map(|t| t.with_timezone(&Utc))
            .ok_or_else(|| ApiError::internal(format!("no local midnight on {d}")))
    };
    let end = local(to.checked_add_days(Days::new(1)).unwrap_or(to))?;
    let rows: Vec<AuditRow> = sqlx::query_as(include_str!("sql/audit.sql"))
        .bind(local(from)?)
        .bind(end)
        .bind(AUDIT_ROWS + 1)
        .fetch_all(&state.bulk)
        .await?;
    if rows.len() as i64 > AUDIT_ROWS {
        return Err(ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "report_too_large",
            format!(
                "该期间审计记录超过 {AUDIT_ROWS} 条，请缩短期间 / more than {AUDIT_ROWS} audit rows: shorten the period"
            ),
        ));
    }
    let mut table = Table::new("审计日志", "审计日志", AUDIT);
    let count = rows.len();
    table.rows = rows
        .into_iter()
        .map(|r| {
            vec![
                Value::Count(r.id),
                Value::Text(r.at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M:%S").to_string()),
                Value::Text(r.actor),
                Value::Text(r.role),
                Value::Text(r.action),
                Value::Text(r.target),
                Value::Text(if r.outcome == "success" { "成功".into() } else { r.outcome }),
                r.client_addr.into(),
                Value::Text(r.hash.chars().take(16).collect()),
            ]
        })
        .collect();
    Ok(Report {
        title: "审计日志摘录".into(),
        lines: vec![
            params.period_line(),
            format!("记录 {count} 条（按序号排列，哈希链可由 onemap audit verify 校验）"),
        ],
        tables: vec![table],
    })
}
