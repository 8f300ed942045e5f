//! 征收业务: the write side of relocation — new projects and their facts, stage transitions
//! through approvals (four eyes), compensation units worked from survey to demolition, payments,
//! the dedicated account (专户) and its alerts, public notices (公示).
//!
//! Amounts are yuan as JSON numbers with at most two decimals; the server refuses more (422
//! `too_many_decimals`). In responses they are null for callers who may not see them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// `POST /api/projects`: a new project (立项).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewProject {
    pub name: String,
    /// 征收范围: a GeoJSON Polygon or MultiPolygon in EPSG:4490 (lon, lat).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub boundary: serde_json::Value,
    /// 补偿资金预算, yuan
    pub budget: f64,
    /// 征收实施单位
    pub implementing_agency: String,
    /// Leave out to have one allocated (`ZS-<year>-<nn>`).
    #[serde(default)]
    pub code: Option<String>,
}

/// `PATCH /api/projects/{code}` (If-Match): the facts the workflow's rules read, each with the
/// date it happened. Only the fields sent change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProjectFacts {
    pub name: Option<String>,
    pub budget: Option<f64>,
    /// 补偿费用估算: what the decision needs in the dedicated account (default: the budget).
    pub estimated_compensation: Option<f64>,
    /// 补偿方案 published for comments on …, comments until … (≥ 30 days)
    pub plan_published_on: Option<NaiveDate>,
    pub plan_comment_ends_on: Option<NaiveDate>,
    /// 社会稳定风险评估 report number and date
    pub risk_assessment_no: Option<String>,
    pub risk_assessed_on: Option<NaiveDate>,
    /// 征收决定 number and announcement date
    pub decision_no: Option<String>,
    pub decision_announced_on: Option<NaiveDate>,
    /// 签约期
    pub signing_starts_on: Option<NaiveDate>,
    pub signing_ends_on: Option<NaiveDate>,
}

/// `POST /api/projects/{code}/transitions`: ask to move the project to its next stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    /// The stage asked for (the next one), e.g. `decision`.
    pub to: String,
    #[serde(default)]
    pub note: Option<String>,
    /// Archive numbers (档案号) of the project's documents the request rests on.
    #[serde(default)]
    pub documents: Vec<String>,
}

/// A rule of the workflow and whether the project meets it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Check {
    /// Stable code, e.g. `funds_insufficient`.
    pub code: String,
    pub met: bool,
    pub message: String,
    pub message_en: String,
}

/// `GET /api/projects/{code}/workflow`: the stage, the next one and its preconditions, the
/// transition waiting for approval, and the facts recorded so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Workflow {
    pub code: String,
    pub stage: String,
    pub next: Option<String>,
    pub preconditions: Vec<Check>,
    pub pending: Option<Approval>,
    /// The project's version, as in its ETag.
    pub version: i32,
    pub facts: ProjectFacts,
    pub survey_published_on: Option<NaiveDate>,
    pub results_published_on: Option<NaiveDate>,
}

/// 审批: a stage transition or a payment waiting for, or decided by, the director.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Approval {
    pub id: i64,
    /// `transition` or `payment`.
    pub kind: String,
    pub project_code: String,
    pub project_name: String,
    pub from_stage: Option<String>,
    pub to_stage: Option<String>,
    /// The compensation unit of a payment.
    pub unit_code: Option<String>,
    pub payment: Option<PaymentInfo>,
    pub note: Option<String>,
    pub documents: Vec<String>,
    /// `pending`, `approved` or `rejected`.
    pub status: String,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub comment: Option<String>,
    /// Whether the caller may decide it (a director who did not request it).
    pub may_decide: bool,
}

/// `GET /api/approvals` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct ApprovalsQuery {
    /// `pending` (default), `approved`, `rejected` or `all`.
    pub status: Option<String>,
    /// Only this project's.
    pub project: Option<String>,
}

/// `POST /api/approvals/{id}/decision`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    pub approve: bool,
    #[serde(default)]
    pub comment: Option<String>,
}

/// `POST /api/projects/{code}/appraisal-firm`: the firm the owners chose (art. 20).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FirmChoice {
    pub firm_id: i64,
    /// `negotiation` (协商), `vote` (投票) or `lottery` (抽签).
    pub method: String,
    pub decided_on: NaiveDate,
    #[serde(default)]
    pub note: Option<String>,
}

/// 评估机构
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Firm {
    pub id: i64,
    pub name: String,
    pub qualification: String,
    /// Appointed to the project asked about, and how.
    pub method: Option<String>,
}

/// A person (被征收人 / 承租人) as entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub name: String,
    /// `resident_id` (default), `passport`, `hk_macao_pass`, `credit_code` or `other`.
    #[serde(default)]
    pub id_type: Option<String>,
    pub id_number: String,
    #[serde(default)]
    pub phone: Option<String>,
}

/// `POST /api/projects/{code}/units`: a compensation unit recorded in the survey (摸底调查),
/// from a house unit or a parcel picked on the map, or a drawn outline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCompensationUnit {
    /// 不动产单元代码 of a house unit (…F…) or a parcel's land unit code (…W00000000).
    #[serde(default)]
    pub unit_code: Option<String>,
    /// A drawn outline (GeoJSON Polygon/MultiPolygon, EPSG:4490) when there is no unit.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub geometry: Option<serde_json::Value>,
    #[serde(default)]
    pub address: Option<String>,
    /// 合法性认定: `legal`, `illegal` or `temporary`.
    pub legality: String,
    pub owner: Person,
    #[serde(default)]
    pub tenant: Option<Person>,
    /// 实测面积, m² (default: the registered area)
    #[serde(default)]
    pub surveyed_area_m2: Option<f64>,
    #[serde(default)]
    pub approved_use: Option<String>,
    #[serde(default)]
    pub actual_use: Option<String>,
    #[serde(default)]
    pub structure: Option<String>,
    #[serde(default)]
    pub year_built: Option<i16>,
    #[serde(default)]
    pub business_name: Option<String>,
    #[serde(default)]
    pub business_license_no: Option<String>,
}

/// `PUT /api/compensation-units/{code}/appraisal` (If-Match): the appointed firm's appraisal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AppraisalRequest {
    pub report_no: String,
    pub appraiser_name: String,
    pub valuation_date: NaiveDate,
    /// 评估单价, yuan/m²
    pub unit_price: f64,
    /// 装饰装修及附属物, yuan
    #[serde(default)]
    pub decoration_value: f64,
    /// `pending` (default), `accepted`, `review_requested` (复核) or `expert_reviewed` (专家鉴定).
    #[serde(default)]
    pub review: Option<String>,
}

/// 产权调换房屋
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResettlementRequest {
    #[serde(default)]
    pub flat: Option<String>,
    pub area_m2: f64,
    /// yuan/m²
    pub unit_price: f64,
}

/// `POST /api/compensation-units/{code}/agreement` and `…/decision` (If-Match): the mode and
/// the items; the server computes house value (appraised unit price × surveyed area),
/// temporary resettlement (months × rate) and the total. Items sent as well (`house_value`,
/// `temp_resettlement_fee`, `total`) must equal the server's (422 `items_do_not_add_up`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CompensationTerms {
    /// `monetary` (货币补偿) or `property_swap` (产权调换).
    pub mode: String,
    #[serde(default)]
    pub moving_fee: f64,
    #[serde(default)]
    pub temp_resettlement_months: i16,
    #[serde(default)]
    pub temp_resettlement_rate: f64,
    #[serde(default)]
    pub business_loss: f64,
    #[serde(default)]
    pub reward: f64,
    #[serde(default)]
    pub subsidy: f64,
    #[serde(default)]
    pub resettlement: Option<ResettlementRequest>,
    #[serde(default)]
    pub move_out_deadline: Option<NaiveDate>,
    #[serde(default)]
    pub house_value: Option<f64>,
    #[serde(default)]
    pub temp_resettlement_fee: Option<f64>,
    #[serde(default)]
    pub total: Option<f64>,
}

/// `POST /api/compensation-units/{code}/payments`: a payment request, paid when approved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PaymentRequest {
    /// 凭证号
    pub voucher_no: String,
    pub amount: f64,
    /// `compensation` (default), `temp_resettlement`, `reward` or `other`.
    #[serde(default)]
    pub purpose: Option<String>,
    pub payee_name: String,
    #[serde(default)]
    pub payee_bank: Option<String>,
    pub payee_account: String,
}

/// A payment as the workflow shows it; payee account masked by role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentInfo {
    pub id: i64,
    pub voucher_no: String,
    pub amount: Option<f64>,
    pub purpose: String,
    /// `requested`, `paid` or `rejected`.
    pub status: String,
    pub paid_on: Option<NaiveDate>,
    pub payee_name: String,
    pub payee_account: Option<String>,
}

/// `POST …/move-out` and `…/demolition` (If-Match): when (default today).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DoneOn {
    #[serde(default)]
    pub on: Option<NaiveDate>,
}

/// `GET /api/compensation-units/{code}` (ETag): the unit as the workflow works on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkUnit {
    pub code: String,
    pub version: i32,
    pub project_code: String,
    pub project_stage: String,
    pub unit_code: Option<String>,
    pub address: String,
    /// See `STATUSES`.
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
    pub house_value: Option<f64>,
    pub decoration_value: Option<f64>,
    pub moving_fee: Option<f64>,
    pub temp_resettlement_fee: Option<f64>,
    pub business_loss: Option<f64>,
    pub reward: Option<f64>,
    pub subsidy: Option<f64>,
    pub resettlement_value: Option<f64>,
    pub total_amount: Option<f64>,
    /// What may be paid: the total, or a swap's price difference owed to the owner.
    pub payable_amount: Option<f64>,
    pub paid_amount: Option<f64>,
    /// Requested and not yet decided.
    pub requested_amount: Option<f64>,
    pub agreement_no: Option<String>,
    pub agreement_signed_on: Option<NaiveDate>,
    /// `/files/…` of the agreement's PDF
    pub agreement_url: Option<String>,
    pub move_out_deadline: Option<NaiveDate>,
    pub decision_no: Option<String>,
    pub decision_on: Option<NaiveDate>,
    pub moved_out_on: Option<NaiveDate>,
    pub demolished_on: Option<NaiveDate>,
    pub payments: Vec<PaymentInfo>,
}

/// `POST /api/projects/{code}/funds/deposits`: money into the dedicated account (专户).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DepositRequest {
    pub voucher_no: String,
    pub amount: f64,
    /// Default today; not in the future.
    #[serde(default)]
    pub deposited_on: Option<NaiveDate>,
    /// 资金来源, e.g. 财政拨款
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// `GET /api/projects/{code}/funds`: the dedicated account's statement, yuan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Funds {
    pub budget: f64,
    pub estimated_compensation: f64,
    /// 已到位: sum of deposits
    pub deposited: f64,
    /// 已承诺: payable of every unit with an agreement or a decision
    pub committed: f64,
    /// 已支付
    pub paid: f64,
    /// Payment requests waiting for approval (reserved)
    pub requested: f64,
    /// deposited − paid
    pub balance: f64,
    /// balance − requested: what a new payment request may take
    pub available: f64,
    /// The newest entries first (at most `limit`), each with the balance after it.
    pub ledger: Vec<LedgerEntry>,
    pub ledger_total: i64,
    /// Month by month, cumulative (for the chart).
    pub series: Vec<FundPoint>,
}

/// 台账 entry
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerEntry {
    pub on: NaiveDate,
    /// `deposit` or `payment`.
    pub kind: String,
    pub voucher_no: String,
    /// Positive in, negative out.
    pub amount: f64,
    pub balance: f64,
    pub unit_code: Option<String>,
    pub note: Option<String>,
}

/// Cumulative amounts at the end of a month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FundPoint {
    /// `YYYY-MM`
    pub month: String,
    pub deposited: f64,
    pub committed: f64,
    pub paid: f64,
}

/// `GET /api/projects/{code}/alerts`: what needs attention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Alert {
    /// `balance_below_commitments`, `signing_period_over`, `move_out_overdue`,
    /// `agreement_unpaid` or `budget_exceeded`.
    pub code: String,
    /// `warning` or `critical`.
    pub severity: String,
    pub message: String,
    pub message_en: String,
    /// Units concerned (0 for project-wide alerts).
    pub count: i64,
    /// The first of them (at most 20).
    pub units: Vec<String>,
}

/// `POST /api/projects/{code}/publications`: publish (公示) a notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PublicationRequest {
    /// `survey` (调查结果, art. 15) or `results` (分户补偿结果, art. 29).
    pub kind: String,
}

/// A published notice, as published: names masked, no ID numbers or accounts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Publication {
    pub kind: String,
    pub version: i32,
    pub published_on: NaiveDate,
    pub rows: Vec<PublishedUnit>,
}

/// One household in a notice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedUnit {
    pub code: String,
    pub address: String,
    /// Masked as for the public (张*三).
    pub owner: Option<String>,
    pub surveyed_area_m2: f64,
    pub legality: String,
    pub compensation_mode: Option<String>,
    /// Results notices only.
    pub total_amount: Option<f64>,
}

/// `GET /public/projects/{code}` (JSON): the project's notices, the newest of each kind first,
/// and every earlier version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicProject {
    pub code: String,
    pub name: String,
    pub implementing_agency: String,
    pub decision_no: Option<String>,
    pub publications: Vec<Publication>,
}
