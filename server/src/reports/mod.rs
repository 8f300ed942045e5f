//! 统计报表: the reports offices print and send on — project progress, the dedicated-account
//! statement, the per-household compensation table, registration statistics per township and
//! an audit extract — each `GET /api/reports/{name}?project=&township=&from=&to=&format=`
//! as XLSX (real number and date cells, frozen Chinese headings), PDF, or JSON for the
//! statistics page (统计分析) to chart. Each report is its
//! own route so that its access rule stands where it is registered; `GET /api/reports` lists
//! those the caller may run.

pub mod model;
mod records;
mod relocation;

use axum::Extension;
use axum::Json;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use onemap_api::Problem;
use onemap_api::reports::{Parameter, ReportData, ReportInfo, ReportQuery};

use crate::auth::policy::Access::Roles;
use crate::auth::{Principal, Role, Routes};
use crate::base::sheet::{XLSX, attachment};
use crate::base::{ApiError, ApiQuery, AppState, AuditEvent, journal};
use model::Report;

/// Who reads relocation money (as the fund statement of the relocation module).
const RELOCATION: &[Role] = &[Role::Admin, Role::Officer, Role::Director, Role::Auditor];
/// Who reads registration statistics.
const REGISTRATION: &[Role] = &[Role::Admin, Role::Clerk, Role::Director, Role::Auditor];
const AUDIT: &[Role] = crate::auth::policy::AUDITORS;
const ANYONE: &[Role] =
    &[Role::Admin, Role::Officer, Role::Director, Role::Appraiser, Role::Surveyor, Role::Clerk, Role::Auditor];

/// A report: its name, titles, parameters and readers.
struct Spec {
    name: &'static str,
    zh: &'static str,
    en: &'static str,
    project: Parameter,
    township: Parameter,
    period: Parameter,
    roles: &'static [Role],
}

use Parameter::{Optional, Required, Unused};

const SPECS: &[Spec] = &[
    Spec {
        name: "project-progress",
        zh: "征收项目进度报表",
        en: "Project progress",
        project: Optional,
        township: Unused,
        period: Optional,
        roles: RELOCATION,
    },
    Spec {
        name: "fund-statement",
        zh: "征收补偿专户资金对账单",
        en: "Dedicated-account statement",
        project: Required,
        township: Unused,
        period: Optional,
        roles: RELOCATION,
    },
    Spec {
        name: "household-compensation",
        zh: "分户补偿明细表",
        en: "Per-household compensation",
        project: Required,
        township: Unused,
        period: Unused,
        roles: RELOCATION,
    },
    Spec {
        name: "registration-stats",
        zh: "不动产登记统计表（分乡镇）",
        en: "Registration statistics per township",
        project: Unused,
        township: Optional,
        period: Optional,
        roles: REGISTRATION,
    },
    Spec {
        name: "audit-extract",
        zh: "审计日志摘录",
        en: "Audit extract",
        project: Unused,
        township: Unused,
        period: Required,
        roles: AUDIT,
    },
];

fn spec(name: &str) -> &'static Spec {
    SPECS.iter().find(|s| s.name == name).expect("a report of SPECS")
}

pub fn routes() -> Routes {
    Routes::new()
        .route(Method::GET, "/api/reports", Roles(ANYONE), list)
        .route(Method::GET, "/api/reports/project-progress", Roles(spec("project-progress").roles), progress)
        .route(Method::GET, "/api/reports/fund-statement", Roles(spec("fund-statement").roles), funds)
        .route(
            Method::GET,
            "/api/reports/household-compensation",
            Roles(spec("household-compensation").roles),
            households,
        )
        .route(Method::GET, "/api/reports/registration-stats", Roles(spec("registration-stats").roles), registration)
        .route(Method::GET, "/api/reports/audit-extract", Roles(spec("audit-extract").roles), audit)
}

/// OpenAPI of this module's routes.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, progress, funds, households, registration, audit))]
pub struct Api;

/// The reports the caller may run.
#[utoipa::path(get, path = "/api/reports", tag = "报表 reports", responses((status = 200, body = Vec<ReportInfo>)))]
async fn list(Extension(p): Extension<Principal>) -> Json<Vec<ReportInfo>> {
    Json(
        SPECS
            .iter()
            .filter(|s| s.roles.contains(&p.role))
            .map(|s| ReportInfo {
                name: s.name.into(),
                title_zh: s.zh.into(),
                title_en: s.en.into(),
                project: s.project,
                township: s.township,
                period: s.period,
            })
            .collect(),
    )
}

/// A report's parameters, checked against what it takes.
pub(crate) struct Params {
    pub project: Option<String>,
    pub township: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    format: Output,
}

/// What a report is rendered as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Output {
    Xlsx,
    Pdf,
    Json,
}

fn bad(code: &'static str, message: String) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, code, message)
}

impl Params {
    fn check(s: &Spec, q: ReportQuery) -> Result<Self, ApiError> {
        let format = match q.format.as_deref() {
            None | Some("xlsx") => Output::Xlsx,
            Some("pdf") => Output::Pdf,
            Some("json") => Output::Json,
            Some(f) => {
                return Err(bad("unsupported_format", format!("报表格式 {f:?} 不支持 / format is xlsx, pdf or json")));
            }
        };
        let given = [
            ("project", s.project, q.project.is_some()),
            ("township", s.township, q.township.is_some()),
            ("from", s.period, q.from.is_some()),
            ("to", s.period, q.to.is_some()),
        ];
        for (name, takes, present) in given {
            if takes == Unused && present {
                return Err(bad(
                    "unused_parameter",
                    format!("报表 {} 不接受参数 {name} / {} takes no {name}", s.zh, s.name),
                ));
            }
        }
        if s.project == Required && q.project.is_none() {
            return Err(bad("project_required", format!("请指定征收项目 / {} needs project=<code>", s.name)));
        }
        if s.period == Required && (q.from.is_none() || q.to.is_none()) {
            return Err(bad("period_required", format!("请指定起止日期 / {} needs from= and to=", s.name)));
        }
        if let (Some(from), Some(to)) = (q.from, q.to)
            && from > to
        {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "period_reversed",
                format!("起始日期 {from} 晚于截止日期 {to} / from is after to"),
            ));
        }
        if let Some(t) = &q.township
            && (t.len() != 9 || !t.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(bad(
                "malformed_township",
                format!("乡镇代码应为 9 位数字: {t:?} / a township code has 9 digits"),
            ));
        }
        Ok(Self { project: q.project, township: q.township, from: q.from, to: q.to, format })
    }

    /// The line saying which period a report covers.
    pub fn period_line(&self) -> String {
        match (self.from, self.to) {
            (None, None) => "统计期间：全部".into(),
            (Some(f), None) => format!("统计期间：{f} 起"),
            (None, Some(t)) => format!("统计期间：截至 {t}"),
            (Some(f), Some(t)) => format!("统计期间：{f} 至 {t}"),
        }
    }
}

/// The report rendered, audited (who took which report of what) and handed out under its
/// Chinese name.
async fn deliver(
    state: &AppState,
    name: &str,
    mut report: Report,
    params: &Params,
    p: &Principal,
) -> Result<Response, ApiError> {
    report.lines.push(format!(
        "制表：{}（{}） {}",
        p.actor,
        p.role.as_str(),
        chrono::Local::now().format("%Y-%m-%d %H:%M")
    ));
    let stamp = chrono::Local::now().format("%Y%m%d");
    let file = format!("{}-{name}-{stamp}", report.title);
    let (bytes, mime, file) = match params.format {
        Output::Pdf => (model::pdf(&report)?, "application/pdf", format!("{file}.pdf")),
        Output::Xlsx => (model::xlsx(&report)?, XLSX, format!("{file}.xlsx")),
        // Figures to look at, not a document taken away: not audited.
        Output::Json => return Ok(Json(model::json(&report)).into_response()),
    };
    let rows: usize = report.tables.iter().map(|t| t.rows.len()).sum();
    let event = AuditEvent::new(&p.actor, p.role.as_str(), "report", name, "success").details(serde_json::json!({
        "project": params.project, "township": params.township, "from": params.from, "to": params.to,
        "format": if params.format == Output::Pdf { "pdf" } else { "xlsx" }, "rows": rows, "bytes": bytes.len(),
    }));
    journal::append_now(&state.pool, &[event]).await?;
    attachment(bytes, mime, &file)
}

/// A report's handler, documented with its path.
macro_rules! handler {
    ($fn:ident, $name:literal, $path:literal, $what:literal, $make:path) => {
        #[doc = $what]
        #[utoipa::path(get, path = $path, tag = "报表 reports", params(ReportQuery),
                    responses((status = 200, description = "XLSX (default), PDF, or the figures as JSON",
                            content((String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                                (String = "application/pdf"), (ReportData = "application/json"))),
                        (status = 400, body = Problem, content_type = "application/problem+json"),
                        (status = 403, body = Problem, content_type = "application/problem+json"),
                        (status = 404, body = Problem, content_type = "application/problem+json"),
                        (status = 422, body = Problem, content_type = "application/problem+json")))]
        async fn $fn(
            State(state): State<AppState>,
            Extension(p): Extension<Principal>,
            ApiQuery(q): ApiQuery<ReportQuery>,
        ) -> Result<Response, ApiError> {
            let params = Params::check(spec($name), q)?;
            let report = $make(&state, &p, &params).await?;
            deliver(&state, $name, report, &params, &p).await
        }
    };
}

handler!(
    progress,
    "project-progress",
    "/api/reports/project-progress",
    "征收项目进度: the projects (or `project`) with their units by status; stage dates in the period.",
    relocation::progress
);
handler!(
    funds,
    "fund-statement",
    "/api/reports/fund-statement",
    "专户资金对账单 of `project`: opening balance, the period's deposits and payments, closing balance.",
    relocation::funds
);
handler!(
    households,
    "household-compensation",
    "/api/reports/household-compensation",
    "分户补偿明细 of `project`: each unit's owner, area, compensation items, total and payments.",
    relocation::households
);
handler!(
    registration,
    "registration-stats",
    "/api/reports/registration-stats",
    "不动产登记统计 per township: parcels by land use, rights by type, certificates issued and cancelled.",
    records::registration
);
handler!(
    audit,
    "audit-extract",
    "/api/reports/audit-extract",
    "审计日志摘录: the audit log's rows of the period (`from` and `to` required), oldest first.",
    records::audit
);
