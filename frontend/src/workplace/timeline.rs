//! 阶段: the eleven stages of a project (done ✓, the current one highlighted, later ones
//! grey), the next stage's preconditions ticked off, the transition waiting for the director,
//! and 申请进入下一阶段 with a note (`POST /api/projects/{code}/transitions`); officers edit the
//! facts those rules read below it ([`super::facts`]).

use leptos::prelude::*;
use leptos::task::spawn_local;
use onemap_api::Role;
use onemap_api::relocation::STAGES;
use onemap_api::workflow::{Approval, TransitionRequest, Workflow};

use super::facts::FactsForm;
use super::{Notice, Revision, is_officer, notice_view, write};
use crate::api_client::{encode, get};
use crate::display::{beijing_time, opt, stage_name};
use crate::i18n::{Lang, tr};

/// The stage timeline of project `code`.
#[component]
pub fn Timeline(lang: ReadSignal<Lang>, role: ReadSignal<Option<Role>>, code: String) -> impl IntoView {
    let revision = expect_context::<Revision>();
    let (workflow, set_workflow) = signal(None::<Workflow>);
    let (notice, set_notice) = signal(None::<Notice>);
    let note = RwSignal::new(String::new());
    let (busy, set_busy) = signal(false);
    let path = format!("/api/projects/{}/workflow", encode(&code));
    Effect::new(move |_| {
        revision.track();
        let path = path.clone();
        spawn_local(async move {
            match get::<Workflow>(&path).await {
                Ok(w) => set_workflow.set(Some(w)),
                Err(e) => {
                    set_notice.set(Some(Notice::Refused(super::Refusal { status: 0, detail: e, issues: vec![] })))
                }
            }
        });
    });
    let transitions = format!("/api/projects/{}/transitions", encode(&code));
    let request = move |_| {
        let Some(next) = workflow.get_untracked().and_then(|w| w.next) else { return };
        let body =
            TransitionRequest { to: next, note: super::fields::some_text(&note.get_untracked()), documents: vec![] };
        let path = transitions.clone();
        set_busy.set(true);
        spawn_local(async move {
            match write::<_, Approval>("POST", &path, &body, None).await {
                Ok(_) => {
                    set_notice.set(Some(Notice::Done("已提交审批", "Submitted for approval")));
                    note.set(String::new());
                    revision.bump();
                }
                Err(r) => set_notice.set(Some(Notice::Refused(r))),
            }
            set_busy.set(false);
        });
    };
    view! {
        <section class="timeline-view" data-testid="timeline">
            <h3>{move || tr(lang.get(), "项目阶段", "Stages")}</h3>
            {move || workflow.get().map(|w| {
                let l = lang.get();
                let at = STAGES.iter().position(|s| s.id == w.stage).unwrap_or(0);
                view! {
                    <ol class="stages" data-testid="stages" data-stage=w.stage.clone()>
                        {STAGES.iter().enumerate().map(|(i, s)| {
                            let state = if i < at || w.stage == "closed" { "done" } else if i == at { "current" } else { "later" };
                            view! {
                                <li class=state data-stage=s.id data-state=state>
                                    <i>{if state == "done" { "✓" } else { "" }}</i>
                                    {tr(l, s.name_zh, s.name_en)}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                    {w.next.clone().map(|next| view! {
                        <p class="next">{tr(l, "下一阶段：", "Next stage: ")} <b data-testid="next-stage">{stage_name(l, &next)}</b></p>
                        <ul class="checks" data-testid="preconditions">
                            {w.preconditions.iter().map(|c| view! {
                                <li class=if c.met { "met" } else { "unmet" } data-code=c.code.clone() data-met=c.met.to_string()>
                                    <b>{if c.met { "✓" } else { "✗" }}</b> " "
                                    {if l == Lang::Zh { c.message.clone() } else { c.message_en.clone() }}
                                </li>
                            }).collect_view()}
                        </ul>
                    })}
                    {w.pending.clone().map(|a| view! {
                        <p class="pending" data-testid="pending-transition">
                            {tr(l, "待审批：", "Awaiting approval: ")}
                            {stage_name(l, a.from_stage.as_deref().unwrap_or_default())} " → "
                            {stage_name(l, a.to_stage.as_deref().unwrap_or_default())}
                            " · " {a.requested_by.clone()} " · " {beijing_time(a.requested_at.timestamp())}
                            {a.note.clone().map(|n| format!(" · {n}"))}
                        </p>
                    })}
                    <p class="facts">
                        {tr(l, "签约期", "Signing period")} " "
                        {opt(w.facts.signing_starts_on)} " – " {opt(w.facts.signing_ends_on)}
                    </p>
                }
            })}
            <Show when=move || is_officer(role.get()) && workflow.get().is_some_and(|w| w.next.is_some() && w.pending.is_none())>
                <div class="request">
                    <textarea name="transition-note" rows="2" placeholder=move || tr(lang.get(), "申请说明（可选）", "Note (optional)")
                        prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                    <button data-testid="request-transition" disabled=move || busy.get() on:click=request.clone()>
                        {move || tr(lang.get(), "申请进入下一阶段", "Request the next stage")}
                    </button>
                </div>
            </Show>
            {notice_view(lang, notice)}
            <Show when=move || is_officer(role.get()) && workflow.get().is_some()>
                <FactsForm lang=lang workflow=workflow />
            </Show>
        </section>
    }
}
