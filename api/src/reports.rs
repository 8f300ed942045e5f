//! 统计报表: `GET /api/reports` lists the reports the caller may run, `GET /api/reports/{name}`
//! makes one as XLSX, PDF or JSON for a project, a township and a period.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A report onemap makes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportInfo {
    /// The `{name}` of `GET /api/reports/{name}`.
    pub name: String,
    pub title_zh: String,
    pub title_en: String,
    /// Whether `project` must be given (a project's ledger or households) or may be (progress).
    pub project: Parameter,
    pub township: Parameter,
    pub period: Parameter,
}

/// Whether a report takes a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Parameter {
    Required,
    Optional,
    Unused,
}

/// `GET /api/reports/{name}` parameters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// A relocation project's code.
    pub project: Option<String>,
    /// A township's 9-digit code (乡镇/街道; the cadastral district of the parcel codes).
    pub township: Option<String>,
    /// First day of the period (inclusive), `YYYY-MM-DD`.
    pub from: Option<NaiveDate>,
    /// Last day of the period (inclusive).
    pub to: Option<NaiveDate>,
    /// `xlsx` [default], `pdf`, or `json` (the figures, for the statistics page).
    pub format: Option<String>,
}

/// A report as JSON (`format=json`): what the statistics page charts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportData {
    pub title: String,
    pub lines: Vec<String>,
    pub tables: Vec<ReportTable>,
}

/// One table of a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportTable {
    /// The workbook sheet's name, e.g. 宗地.
    pub sheet: String,
    pub heading: String,
    pub columns: Vec<ReportColumn>,
    /// Cells: text, numbers (counts, yuan, m², shares 0–1), dates as `YYYY-MM-DD`, or null.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<Object>>))]
    pub rows: Vec<Vec<serde_json::Value>>,
    /// The 合计 row, if any.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<Object>>))]
    pub totals: Option<Vec<serde_json::Value>>,
}

/// A column of a report table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportColumn {
    pub title: String,
    /// `text`, `count`, `amount`, `date` or `percent`.
    pub kind: String,
}
