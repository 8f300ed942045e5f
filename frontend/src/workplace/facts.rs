//! 项目信息: the facts the workflow's rules read — estimated compensation, the compensation
//! plan's publication and comment period, the social-stability risk assessment, the decision's
//! number and date, the signing period — sent with `PATCH /api/projects/{code}` and `If-Match`
//! (only what was changed; a stale version is refused and the timeline reloads).

use leptos::prelude::*;
use leptos::task::spawn_local;
use onemap_api::workflow::{ProjectFacts, Workflow};

use super::fields::{cents, date, input, some_text, yuan};
use super::{Notice, Refusal, Revision, notice_view, write};
use crate::api_client::encode;
use crate::i18n::{Lang, tr};

/// A date or amount as the form shows it.
fn shown<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// The text fields of the form, bound to signals and filled from the facts read.
#[derive(Clone, Copy)]
struct Fields {
    estimated: RwSignal<String>,
    plan_published: RwSignal<String>,
    comment_ends: RwSignal<String>,
    risk_no: RwSignal<String>,
    risk_on: RwSignal<String>,
    decision_no: RwSignal<String>,
    decision_on: RwSignal<String>,
    signing_starts: RwSignal<String>,
    signing_ends: RwSignal<String>,
}

impl Fields {
    fn new() -> Self {
        let s = || RwSignal::new(String::new());
        Self {
            estimated: s(),
            plan_published: s(),
            comment_ends: s(),
            risk_no: s(),
            risk_on: s(),
            decision_no: s(),
            decision_on: s(),
            signing_starts: s(),
            signing_ends: s(),
        }
    }

    /// Shows the facts read.
    fn fill(&self, f: &ProjectFacts) {
        self.estimated.set(shown(&f.estimated_compensation));
        self.plan_published.set(shown(&f.plan_published_on));
        self.comment_ends.set(shown(&f.plan_comment_ends_on));
        self.risk_no.set(shown(&f.risk_assessment_no));
        self.risk_on.set(shown(&f.risk_assessed_on));
        self.decision_no.set(shown(&f.decision_no));
        self.decision_on.set(shown(&f.decision_announced_on));
        self.signing_starts.set(shown(&f.signing_starts_on));
        self.signing_ends.set(shown(&f.signing_ends_on));
    }

    /// What changed against `was`, as the PATCH body; Err names the field that is no date or
    /// amount.
    fn changes(&self, was: &ProjectFacts) -> Result<ProjectFacts, (&'static str, &'static str)> {
        fn changed<T: PartialEq + Clone>(new: Option<T>, old: &Option<T>) -> Option<T> {
            new.filter(|n| Some(n) != old.as_ref())
        }
        let day = |s: RwSignal<String>, what: (&'static str, &'static str)| {
            let t = s.get_untracked();
            match date(&t) {
                Some(d) => Ok(Some(d)),
                None if t.trim().is_empty() => Ok(None),
                None => Err(what),
            }
        };
        let estimated = match self.estimated.get_untracked() {
            t if t.trim().is_empty() => None,
            t => Some(yuan(cents(&t).filter(|c| *c > 0).ok_or(("补偿费用估算", "Estimated compensation"))?)),
        };
        Ok(ProjectFacts {
            estimated_compensation: changed(estimated, &was.estimated_compensation),
            plan_published_on: changed(
                day(self.plan_published, ("方案公布日期", "Plan published on"))?,
                &was.plan_published_on,
            ),
            plan_comment_ends_on: changed(
                day(self.comment_ends, ("征求意见截止", "Comments until"))?,
                &was.plan_comment_ends_on,
            ),
            risk_assessment_no: changed(some_text(&self.risk_no.get_untracked()), &was.risk_assessment_no),
            risk_assessed_on: changed(day(self.risk_on, ("评估日期", "Assessed on"))?, &was.risk_assessed_on),
            decision_no: changed(some_text(&self.decision_no.get_untracked()), &was.decision_no),
            decision_announced_on: changed(
                day(self.decision_on, ("公告日期", "Announced on"))?,
                &was.decision_announced_on,
            ),
            signing_starts_on: changed(day(self.signing_starts, ("签约期起", "Signing from"))?, &was.signing_starts_on),
            signing_ends_on: changed(day(self.signing_ends, ("签约期止", "Signing until"))?, &was.signing_ends_on),
            ..ProjectFacts::default()
        })
    }
}

/// The facts form of the project `workflow` describes (filled again whenever it is read).
#[component]
pub fn FactsForm(lang: ReadSignal<Lang>, workflow: ReadSignal<Option<Workflow>>) -> impl IntoView {
    let revision = expect_context::<Revision>();
    let fields = Fields::new();
    let (notice, set_notice) = signal(None::<Notice>);
    let (busy, set_busy) = signal(false);
    Effect::new(move |_| {
        if let Some(w) = workflow.get() {
            fields.fill(&w.facts);
        }
    });
    let submit = move |_| {
        let Some(w) = workflow.get_untracked() else { return };
        let body = match fields.changes(&w.facts) {
            Ok(b) if b == ProjectFacts::default() => {
                return set_notice.set(Some(Notice::Done("没有修改", "Nothing changed")));
            }
            Ok(b) => b,
            Err((zh, en)) => {
                let l = lang.get_untracked();
                let detail = format!("{}: {}", tr(l, zh, en), tr(l, "日期或金额有误", "not a date or amount"));
                return set_notice.set(Some(Notice::Refused(Refusal { status: 0, detail, issues: vec![] })));
            }
        };
        let path = format!("/api/projects/{}", encode(&w.code));
        set_busy.set(true);
        spawn_local(async move {
            match write::<_, Workflow>("PATCH", &path, &body, Some(w.version)).await {
                Ok(_) => {
                    set_notice.set(Some(Notice::Done("项目信息已保存", "Project facts saved")));
                    revision.bump();
                }
                Err(r) => {
                    let stale = r.stale();
                    set_notice.set(Some(Notice::Refused(r)));
                    if stale {
                        revision.bump();
                    }
                }
            }
            set_busy.set(false);
        });
    };
    view! {
        <details class="facts-form" data-testid="facts-details">
            <summary>{move || tr(lang.get(), "项目信息（方案、风险评估、决定、签约期）", "Project facts (plan, risk, decision, signing)")}</summary>
            <form data-testid="facts-form" data-version=move || workflow.get().map(|w| w.version) on:submit=|ev: leptos::ev::SubmitEvent| ev.prevent_default()>
                {input(lang, ("补偿费用估算(元)", "Estimated compensation (¥)"), "estimated_compensation", "amount", fields.estimated)}
                {input(lang, ("补偿方案公布日期", "Plan published on"), "plan_published_on", "date", fields.plan_published)}
                {input(lang, ("征求意见截止日期", "Comments until"), "plan_comment_ends_on", "date", fields.comment_ends)}
                {input(lang, ("社会稳定风险评估报告号", "Risk assessment no."), "risk_assessment_no", "text", fields.risk_no)}
                {input(lang, ("风险评估日期", "Risk assessed on"), "risk_assessed_on", "date", fields.risk_on)}
                {input(lang, ("征收决定文号", "Decision no."), "decision_no", "text", fields.decision_no)}
                {input(lang, ("征收决定公告日期", "Decision announced on"), "decision_announced_on", "date", fields.decision_on)}
                {input(lang, ("签约期起", "Signing from"), "signing_starts_on", "date", fields.signing_starts)}
                {input(lang, ("签约期止", "Signing until"), "signing_ends_on", "date", fields.signing_ends)}
                <button type="button" data-testid="submit-facts" disabled=move || busy.get() on:click=submit>
                    {move || tr(lang.get(), "保存项目信息", "Save the facts")}
                </button>
                {notice_view(lang, notice)}
            </form>
        </details>
    }
}
