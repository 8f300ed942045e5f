//! 征收规则: what 国有土地上房屋征收与补偿条例 (domain.md §5) makes the workflow enforce, as
//! stable codes with Chinese and English messages. A broken order or state rule answers 409, a
//! bad value 422; a transition lists every unmet precondition at once.

use axum::http::StatusCode;
use chrono::NaiveDate;
use onemap_api::workflow::Check;

use crate::base::ApiError;
use crate::base::error::Issue;

/// One broken rule.
pub fn issue(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Issue {
    Issue { code, message: zh.into(), message_en: en.into() }
}

/// 409: an order or state rule.
pub fn conflict(i: Issue) -> ApiError {
    ApiError::rules(StatusCode::CONFLICT, "conflict", vec![i])
}

/// 422: a value the rules refuse.
pub fn invalid(i: Issue) -> ApiError {
    ApiError::rules(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", vec![i])
}

/// The project stages in order (立项 → 结案归档).
pub const STAGES: [&str; 11] = [
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
    "closed",
];

/// The stage after `stage`.
pub fn next_stage(stage: &str) -> Option<&'static str> {
    let i = STAGES.iter().position(|s| *s == stage)?;
    STAGES.get(i + 1).copied()
}

/// Whether `stage` is `at` or later.
pub fn reached(stage: &str, at: &str) -> bool {
    let pos = |s: &str| STAGES.iter().position(|x| *x == s);
    matches!((pos(stage), pos(at)), (Some(a), Some(b)) if a >= b)
}

/// What the preconditions read of a project (amounts in cents).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Facts {
    pub today: NaiveDate,
    pub budget: i64,
    pub estimated: i64,
    pub deposited: i64,
    pub paid: i64,
    pub survey_published_on: Option<NaiveDate>,
    pub plan_published_on: Option<NaiveDate>,
    pub plan_comment_ends_on: Option<NaiveDate>,
    pub risk_assessment_no: Option<String>,
    pub risk_assessed_on: Option<NaiveDate>,
    pub decision_no: Option<String>,
    pub decision_announced_on: Option<NaiveDate>,
    pub signing_starts_on: Option<NaiveDate>,
    pub signing_ends_on: Option<NaiveDate>,
    pub results_published_on: Option<NaiveDate>,
    pub firm_chosen: bool,
    pub units: i64,
    /// Units to be compensated (not illegal) without an appraisal
    pub unappraised: i64,
    /// … without an agreement or a decision
    pub unsettled: i64,
    /// … paid less than their payable amount
    pub unpaid: i64,
    pub not_demolished: i64,
    /// … without their agreement's or decision's archive document
    pub not_archived: i64,
}

fn check(code: &str, met: bool, zh: String, en: String) -> Check {
    Check { code: code.into(), met, message: zh, message_en: en }
}

/// The preconditions of moving to stage `to`, met or not.
pub fn preconditions(to: &str, f: &Facts) -> Vec<Check> {
    let yuan = |c: i64| format!("¥{:.2}", c as f64 / 100.0);
    match to {
        "scope" => vec![check(
            "budget_missing",
            f.budget > 0,
            "已确定补偿资金预算".into(),
            "the compensation budget is set".into(),
        )],
        "plan" => vec![
            check(
                "survey_not_published",
                f.survey_published_on.is_some(),
                "调查登记结果已公布（条例第十五条）".into(),
                "the survey results are published (art. 15)".into(),
            ),
            check(
                "no_units_surveyed",
                f.units > 0,
                "已调查登记补偿单元".into(),
                "compensation units are recorded".into(),
            ),
        ],
        "risk_assessment" => vec![check(
            "plan_not_published",
            f.plan_published_on.is_some(),
            "补偿方案已公布征求意见".into(),
            "the compensation plan is published for comments".into(),
        )],
        "decision" => {
            let comments_over = match (f.plan_published_on, f.plan_comment_ends_on) {
                (Some(from), until) => {
                    let end = until.unwrap_or(from + chrono::Days::new(30));
                    end >= from + chrono::Days::new(30) && end < f.today
                }
                _ => false,
            };
            let balance = f.deposited - f.paid;
            vec![
                check(
                    "comment_period_unfinished",
                    comments_over,
                    "补偿方案征求意见期（不少于30日）已届满（条例第十条）".into(),
                    "the plan's comment period (at least 30 days) is over (art. 10)".into(),
                ),
                check(
                    "risk_assessment_missing",
                    f.risk_assessment_no.is_some() && f.risk_assessed_on.is_some(),
                    "已完成社会稳定风险评估（条例第十二条）".into(),
                    "the social-stability risk assessment is recorded (art. 12)".into(),
                ),
                check(
                    "funds_insufficient",
                    balance >= f.estimated,
                    format!(
                        "补偿资金已足额到位、专户存储：余额 {} ≥ 估算 {}（条例第十二条）",
                        yuan(balance),
                        yuan(f.estimated)
                    ),
                    format!(
                        "the dedicated account holds the estimated compensation: balance {} ≥ {} (art. 12)",
                        yuan(balance),
                        yuan(f.estimated)
                    ),
                ),
                check(
                    "decision_not_recorded",
                    f.decision_no.is_some() && f.decision_announced_on.is_some(),
                    "已登记征收决定文号及公告日期".into(),
                    "the decision's number and announcement date are recorded".into(),
                ),
                check(
                    "signing_period_missing",
                    f.signing_starts_on.is_some() && f.signing_ends_on.is_some(),
                    "已确定签约期限".into(),
                    "the signing period is set".into(),
                ),
            ]
        }
        "appraisal" => vec![check(
            "firm_not_chosen",
            f.firm_chosen,
            "被征收人已协商、投票或抽签选定评估机构（条例第二十条）".into(),
            "the owners chose the appraisal firm by negotiation, vote or lot (art. 20)".into(),
        )],
        "agreement" => vec![
            check(
                "units_not_appraised",
                f.unappraised == 0,
                format!("分户评估已完成（尚有 {} 户未评估）", f.unappraised),
                format!("every unit is appraised ({} are not)", f.unappraised),
            ),
            check(
                "signing_not_started",
                f.signing_starts_on.is_some_and(|d| d <= f.today),
                "签约期已开始".into(),
                "the signing period has begun".into(),
            ),
        ],
        "payment" => vec![check(
            "units_unsettled",
            f.unsettled == 0,
            format!("每户已签订补偿协议或作出补偿决定（尚有 {} 户）", f.unsettled),
            format!("every unit has an agreement or a compensation decision ({} have not)", f.unsettled),
        )],
        "demolition" => vec![check(
            "units_unpaid",
            f.unpaid == 0,
            format!("补偿款已全部支付，先补偿、后搬迁（尚有 {} 户未付清，条例第二十七条）", f.unpaid),
            format!("every unit is paid in full before relocation ({} are not, art. 27)", f.unpaid),
        )],
        "closed" => vec![
            check(
                "units_not_demolished",
                f.not_demolished == 0,
                format!("全部房屋已搬迁拆除（尚有 {} 户）", f.not_demolished),
                format!("every house is vacated and demolished ({} are not)", f.not_demolished),
            ),
            check(
                "units_not_archived",
                f.not_archived == 0,
                format!("每户协议或决定已归档（尚有 {} 户）", f.not_archived),
                format!("every unit's agreement or decision is archived ({} are not)", f.not_archived),
            ),
            check(
                "results_not_published",
                f.results_published_on.is_some(),
                "分户补偿结果已公布（条例第二十九条）".into(),
                "the per-household results are published (art. 29)".into(),
            ),
        ],
        _ => Vec::new(),
    }
}

/// The unmet preconditions as issues.
pub fn unmet(checks: &[Check]) -> Vec<Issue> {
    checks
        .iter()
        .filter(|c| !c.met)
        .map(|c| {
            let code = RULE_CODES.iter().find(|r| **r == c.code).copied().unwrap_or("precondition_unmet");
            issue(code, format!("未满足：{}", c.message), format!("not met: {}", c.message_en))
        })
        .collect()
}

/// Every precondition code, for [`unmet`] (issues carry static codes).
const RULE_CODES: [&str; 17] = [
    "budget_missing",
    "survey_not_published",
    "no_units_surveyed",
    "plan_not_published",
    "comment_period_unfinished",
    "risk_assessment_missing",
    "funds_insufficient",
    "decision_not_recorded",
    "signing_period_missing",
    "firm_not_chosen",
    "units_not_appraised",
    "signing_not_started",
    "units_unsettled",
    "units_unpaid",
    "units_not_demolished",
    "units_not_archived",
    "results_not_published",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Facts {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        Facts {
            today: d("2026-06-01"),
            budget: 100,
            estimated: 100,
            deposited: 100,
            paid: 0,
            survey_published_on: None,
            plan_published_on: Some(d("2026-04-01")),
            plan_comment_ends_on: Some(d("2026-05-01")),
            risk_assessment_no: Some("R-1".into()),
            risk_assessed_on: Some(d("2026-05-10")),
            decision_no: Some("D-1".into()),
            decision_announced_on: Some(d("2026-05-20")),
            signing_starts_on: Some(d("2026-06-01")),
            signing_ends_on: Some(d("2026-07-01")),
            results_published_on: None,
            firm_chosen: false,
            units: 0,
            unappraised: 0,
            unsettled: 0,
            unpaid: 0,
            not_demolished: 0,
            not_archived: 0,
        }
    }

    #[test]
    fn stage_order() {
        assert_eq!(next_stage("setup"), Some("scope"));
        assert_eq!(next_stage("demolition"), Some("closed"));
        assert_eq!(next_stage("closed"), None);
        assert!(reached("agreement", "appraisal") && !reached("survey", "plan"));
    }

    #[test]
    fn decision_needs_comments_risk_and_funds() {
        let mut f = facts();
        assert!(unmet(&preconditions("decision", &f)).is_empty());
        f.paid = 1;
        f.plan_comment_ends_on = Some(f.today);
        let codes: Vec<_> = unmet(&preconditions("decision", &f)).iter().map(|i| i.code).collect();
        assert_eq!(codes, ["comment_period_unfinished", "funds_insufficient"]);
        f.plan_comment_ends_on = None;
        f.plan_published_on = Some(f.today - chrono::Days::new(30));
        assert!(!preconditions("decision", &f)[0].met, "the 30th day is still in the period");
        f.plan_published_on = Some(f.today - chrono::Days::new(31));
        assert!(preconditions("decision", &f)[0].met);
    }

    #[test]
    fn every_precondition_code_is_catalogued() {
        let f = facts();
        for to in STAGES {
            for c in preconditions(to, &f) {
                assert!(RULE_CODES.contains(&c.code.as_str()), "{}", c.code);
            }
        }
    }
}
