//! 房屋征收: relocation projects (`GET /api/projects`, `/api/projects/{code}`,
//! `/api/projects/{code}/units`) and the compensation unit of `GET /api/units/{code}`.
//! Amounts are null for callers who may not see them (the public, appraisers of other firms).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// 补偿单元状态: a status of the process, with its map colour and names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnitStatus {
    /// The value of `status` on the wire, e.g. `signed`.
    pub id: &'static str,
    /// Legend and map colour, `#rrggbb`.
    pub colour: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
}

/// The statuses of a compensation unit, in process order (已调查 → 已拆除).
pub const STATUSES: [UnitStatus; 5] = [
    UnitStatus { id: "surveyed", colour: "#9e9e9e", name_zh: "已调查", name_en: "surveyed" },
    UnitStatus { id: "appraised", colour: "#42a5f5", name_zh: "已评估", name_en: "appraised" },
    UnitStatus { id: "signed", colour: "#ffb300", name_zh: "已签约", name_en: "signed" },
    UnitStatus { id: "paid", colour: "#43a047", name_zh: "已支付", name_en: "paid" },
    UnitStatus { id: "demolished", colour: "#6d4c41", name_zh: "已拆除", name_en: "demolished" },
];

/// The status named `id`, if it is one.
pub fn status(id: &str) -> Option<&'static UnitStatus> {
    STATUSES.iter().find(|s| s.id == id)
}

/// 征收项目 with its progress (`GET /api/projects` lists them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Project {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// 项目阶段, e.g. `agreement` (立项 `setup` … 归档 `closed`).
    pub stage: String,
    /// 征收实施单位
    pub implementing_agency: String,
    /// 评估机构 appointed, joined with 、
    pub appraisal_firm: Option<String>,
    pub approved_on: Option<NaiveDate>,
    /// 征收决定 number
    pub decision_no: Option<String>,
    pub decision_announced_on: Option<NaiveDate>,
    /// 签约期
    pub signing_starts_on: Option<NaiveDate>,
    pub signing_ends_on: Option<NaiveDate>,
    /// [west, south, east, north] in EPSG:4490
    pub bbox: Vec<f64>,
    pub counts: ProjectCounts,
    /// 补偿资金预算, yuan
    pub budget: Option<f64>,
    /// Sum of agreed totals (signed, paid, demolished), yuan.
    pub agreed_total: Option<f64>,
    /// Sum of payments, yuan.
    pub paid_total: Option<f64>,
}

/// 项目进度: compensation units by status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectCounts {
    pub units: i64,
    pub surveyed: i64,
    pub appraised: i64,
    pub signed: i64,
    pub paid: i64,
    pub demolished: i64,
    /// Share of units with an agreement (signed, paid or demolished), percent, 1 decimal.
    pub signed_percent: f64,
}

impl ProjectCounts {
    /// The count of a status (`surveyed` … `demolished`); None for another name.
    pub fn of(&self, status: &str) -> Option<i64> {
        Some(match status {
            "surveyed" => self.surveyed,
            "appraised" => self.appraised,
            "signed" => self.signed,
            "paid" => self.paid,
            "demolished" => self.demolished,
            _ => return None,
        })
    }
}

/// 征收项目详情 (`GET /api/projects/{code}`): the project and its stage history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectDetail {
    #[serde(flatten)]
    pub project: Project,
    pub stages: Vec<StageEvent>,
}

/// 项目阶段记录
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageEvent {
    pub stage: String,
    pub happened_on: NaiveDate,
    pub note: Option<String>,
}

/// 补偿单元列表 query (`GET /api/projects/{code}/units?status=&cursor=&limit=`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct ProjectUnitsQuery {
    /// One of `surveyed`, `appraised`, `signed`, `paid`, `demolished`.
    pub status: Option<String>,
    /// Units after this id (the `next_cursor` of the previous page).
    pub cursor: Option<i64>,
    /// 1–1000 [default: 100]
    pub limit: Option<i64>,
}

/// 补偿单元列表 page (`GET /api/projects/{code}/units`), by id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectUnitPage {
    pub units: Vec<ProjectUnit>,
    /// The `cursor` of the next page; null on the last one.
    pub next_cursor: Option<i64>,
}

/// 补偿单元 in a project's unit table; personal data masked by role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectUnit {
    pub id: i64,
    /// 补偿单元编号
    pub code: String,
    /// 不动产单元代码 of the house unit or land unit, when known.
    pub unit_code: Option<String>,
    pub address: String,
    /// See [`STATUSES`].
    pub status: String,
    /// 合法性认定: `legal`, `illegal` or `temporary`.
    pub legality: String,
    /// 被征收人
    pub owner_name: Option<String>,
    pub owner_id_number: Option<String>,
    pub owner_phone: Option<String>,
    /// 实测面积, m²
    pub surveyed_area_m2: f64,
    /// 补偿方式: `monetary` or `property_swap`.
    pub compensation_mode: Option<String>,
    /// 补偿总额, yuan
    pub total_amount: Option<f64>,
    /// 已支付, yuan
    pub paid_amount: Option<f64>,
    /// 协议编号
    pub agreement_no: Option<String>,
    pub agreement_signed_on: Option<NaiveDate>,
    pub demolished_on: Option<NaiveDate>,
    /// 收款账号 of the latest payment
    pub payee_account: Option<String>,
}

/// 补偿单元 of `GET /api/units/{code}`: appraisal, amounts, agreement, payments, timeline,
/// photos and documents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Compensation {
    pub project: ProjectRef,
    /// 补偿单元编号
    pub code: String,
    /// See [`STATUSES`].
    pub status: String,
    /// 合法性认定: `legal`, `illegal` or `temporary`.
    pub legality: String,
    /// 被征收人
    pub owner_name: Option<String>,
    pub owner_id_number: Option<String>,
    pub owner_phone: Option<String>,
    /// 登记面积, m²
    pub registered_area_m2: Option<f64>,
    /// 实测面积, m²
    pub surveyed_area_m2: f64,
    pub appraisal: Appraisal,
    /// 补偿方式: `monetary` or `property_swap`.
    pub compensation_mode: Option<String>,
    /// 产权调换 area, m²
    pub resettlement_area_m2: Option<f64>,
    pub amounts: Amounts,
    /// 临时安置 months
    pub temp_resettlement_months: i16,
    pub agreement: Agreement,
    pub decision: Decision,
    pub payments: Vec<Payment>,
    pub timeline: Vec<TimelineStep>,
    pub photos: Vec<Photo>,
    pub documents: Vec<ArchiveDocument>,
}

/// 所属征收项目
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectRef {
    pub code: String,
    pub name: String,
}

/// 分户评估
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Appraisal {
    /// 评估机构
    pub firm: Option<String>,
    /// 估价师
    pub appraiser: Option<String>,
    /// 价值时点
    pub valuation_date: Option<NaiveDate>,
    /// 评估报告编号
    pub report_no: Option<String>,
    /// `pending`, `accepted`, `review_requested` or `expert_reviewed`.
    pub review: Option<String>,
    pub appraised_on: Option<NaiveDate>,
}

/// 补偿金额, yuan; each null for callers who may not see the project's amounts (keys in
/// alphabetical order, as the server sends them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Amounts {
    /// 停产停业损失
    pub business_loss: Option<f64>,
    /// 装饰装修
    pub decoration_value: Option<f64>,
    /// 房屋价值
    pub house_value: Option<f64>,
    /// 搬迁费
    pub moving_fee: Option<f64>,
    /// 产权调换房屋价值
    pub resettlement_value: Option<f64>,
    /// 奖励
    pub reward: Option<f64>,
    /// 补助
    pub subsidy: Option<f64>,
    /// 临时安置费
    pub temp_resettlement_fee: Option<f64>,
    /// 补偿总额
    pub total_amount: Option<f64>,
    /// 评估单价 (0 when not appraised)
    pub unit_price: Option<f64>,
}

/// 补偿协议
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Agreement {
    /// 协议编号
    pub no: Option<String>,
    pub signed_on: Option<NaiveDate>,
    /// 搬迁期限
    pub move_out_deadline: Option<NaiveDate>,
}

/// 补偿决定 (when no agreement was reached in the signing period)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Decision {
    pub no: Option<String>,
    pub on: Option<NaiveDate>,
}

/// 资金拨付; payee masked by role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Payment {
    /// 凭证号
    pub voucher_no: String,
    /// `compensation`, `temp_resettlement`, `reward` or `other`.
    pub purpose: String,
    /// yuan; null for callers who may not see the project's amounts.
    pub amount: Option<f64>,
    pub paid_on: NaiveDate,
    /// 收款人
    pub payee: String,
    pub payee_bank: Option<String>,
    /// 收款账号
    pub payee_account: Option<String>,
}

/// 进度节点: a status reached and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineStep {
    /// See [`STATUSES`].
    pub status: String,
    pub on: NaiveDate,
}

/// 现场照片 (fields in jsonb order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Photo {
    /// Shooting position, EPSG:4490.
    pub lat: f64,
    pub lon: f64,
    /// `/files/…`
    pub url: String,
    pub caption: Option<String>,
    /// 照片编号
    pub photo_no: String,
    /// Sent by PostgreSQL with a `+00:00` offset; serialised here with `Z`.
    pub taken_at: DateTime<Utc>,
    pub taken_by: Option<String>,
    pub mime_type: String,
    /// Shooting direction, degrees from north.
    pub direction_deg: Option<f64>,
    /// `/files/…?thumbnail`
    pub thumbnail_url: String,
}

/// 档案 (fields in jsonb order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArchiveDocument {
    /// `/files/…`
    pub url: String,
    pub date: Option<NaiveDate>,
    pub title: String,
    /// e.g. `agreement`, `appraisal_report`.
    pub category: String,
    /// 档案号
    pub archive_no: String,
}

/// 项目阶段: a stage of a relocation project, with its names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stage {
    /// The value of `stage` on the wire, e.g. `agreement`.
    pub id: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
}

/// The stages of a relocation project, in order (立项 → 结案归档).
pub const STAGES: &[Stage] = &[
    Stage { id: "setup", name_zh: "立项", name_en: "Project setup" },
    Stage { id: "scope", name_zh: "征收范围确定", name_en: "Scope defined" },
    Stage { id: "survey", name_zh: "调查登记", name_en: "Survey and registration" },
    Stage { id: "plan", name_zh: "补偿方案", name_en: "Compensation plan" },
    Stage { id: "risk_assessment", name_zh: "社会稳定风险评估", name_en: "Social stability risk assessment" },
    Stage { id: "decision", name_zh: "征收决定", name_en: "Expropriation decision" },
    Stage { id: "appraisal", name_zh: "评估", name_en: "Appraisal" },
    Stage { id: "agreement", name_zh: "签约", name_en: "Agreements" },
    Stage { id: "payment", name_zh: "补偿支付", name_en: "Payment" },
    Stage { id: "demolition", name_zh: "搬迁拆除", name_en: "Relocation and demolition" },
    Stage { id: "closed", name_zh: "结案归档", name_en: "Closed and archived" },
];

/// The stage named `id`, if it is one.
pub fn stage(id: &str) -> Option<&'static Stage> {
    STAGES.iter().find(|s| s.id == id)
}

#[cfg(test)]
mod stage_tests {
    use super::{STAGES, stage};

    #[test]
    fn stages_in_order_with_their_names() {
        let ids: Vec<&str> = STAGES.iter().map(|s| s.id).collect();
        assert_eq!(
            ids,
            [
                "setup",
                "scope",
                "survey",
                "plan",
                "risk_assessment",
                "decision",
                "appraisal",
                "agreement",
                "payment",
                "demolition",
                "closed"
            ]
        );
        assert_eq!(stage("agreement").map(|s| s.name_zh), Some("签约"));
        assert_eq!(stage("risk_assessment").map(|s| s.name_zh), Some("社会稳定风险评估"));
        assert_eq!(stage("signed"), None);
    }
}
