//! 审批: the director's inbox (`GET /api/approvals?status=pending`) — stage transitions and
//! payments others asked for, each with a comment and 批准 / 驳回
//! (`POST /api/approvals/{id}/decision`). The top bar's button carries the count; officers,
//! auditors and admins see the pending requests of their projects without the buttons.

use leptos::prelude::*;
use leptos::task::spawn_local;
use onemap_api::Role;
use onemap_api::workflow::{Approval, DecisionRequest};

use super::{Notice, Refusal, Revision, notice_view, write};
use crate::api_client::get;
use crate::display::{beijing_time, money, purpose_name, stage_name};
use crate::i18n::{Lang, tr};

/// Who sees approvals (the server's `APPROVAL_READERS`).
fn reads_approvals(role: Option<Role>) -> bool {
    matches!(role, Some(Role::Admin | Role::Officer | Role::Director | Role::Auditor))
}

/// The inbox button with its count, and the inbox while open.
#[component]
pub fn Inbox(lang: ReadSignal<Lang>, role: ReadSignal<Option<Role>>) -> impl IntoView {
    let revision = expect_context::<Revision>();
    let (open, set_open) = signal(false);
    let (items, set_items) = signal(Vec::<Approval>::new());
    let (notice, set_notice) = signal(None::<Notice>);
    let load = move || {
        if !reads_approvals(role.get_untracked()) {
            return;
        }
        spawn_local(async move {
            match get::<Vec<Approval>>("/api/approvals?status=pending").await {
                Ok(a) => set_items.set(a),
                Err(e) => set_notice.set(Some(Notice::Refused(Refusal { status: 0, detail: e, issues: vec![] }))),
            }
        });
    };
    // Loaded with the role, after every write of this page, and every 30 s (others' requests).
    Effect::new(move |_| {
        revision.track();
        role.track();
        load();
    });
    let interval = set_interval_with_handle(load, std::time::Duration::from_secs(30)).ok();
    on_cleanup(move || {
        if let Some(h) = interval {
            h.clear();
        }
    });
    let count = move || items.get().iter().filter(|a| a.may_decide || role.get() != Some(Role::Director)).count();
    view! {
        <Show when=move || reads_approvals(role.get())>
            <button class="user inbox-button" data-testid="inbox-button" on:click=move |_| set_open.update(|o| *o = !*o)>
                {move || tr(lang.get(), "审批", "Approvals")}
                <span class="badge" data-testid="inbox-count" class:zero=move || count() == 0>{count}</span>
            </button>
        </Show>
        <Show when=move || open.get()>
            <section class="inbox" data-testid="inbox">
                <header>
                    <h3>{move || tr(lang.get(), "待审批", "Pending approvals")}</h3>
                    <button class="close" on:click=move |_| set_open.set(false)>{move || tr(lang.get(), "关闭", "Close")}</button>
                </header>
                {notice_view(lang, notice)}
                <Show when=move || items.get().is_empty()>
                    <p class="hint">{move || tr(lang.get(), "没有待审批的申请", "Nothing is waiting for approval")}</p>
                </Show>
                <For each=move || items.get() key=|a| a.id let(a)>
                    <ApprovalItem lang=lang approval=a notice=set_notice reload=Callback::new(move |()| load()) />
                </For>
            </section>
        </Show>
    }
}

/// One request: what, who, when, and for the director the decision.
#[component]
fn ApprovalItem(
    lang: ReadSignal<Lang>,
    approval: Approval,
    notice: WriteSignal<Option<Notice>>,
    reload: Callback<()>,
) -> impl IntoView {
    let revision = expect_context::<Revision>();
    let comment = RwSignal::new(String::new());
    let (busy, set_busy) = signal(false);
    let id = approval.id;
    let decide = move |approve: bool| {
        let body = DecisionRequest { approve, comment: super::fields::some_text(&comment.get_untracked()) };
        set_busy.set(true);
        spawn_local(async move {
            match write::<_, Approval>("POST", &format!("/api/approvals/{id}/decision"), &body, None).await {
                Ok((_, a)) => {
                    notice.set(Some(if a.status == "approved" {
                        Notice::Done("已批准", "Approved")
                    } else {
                        Notice::Done("已驳回", "Rejected")
                    }));
                    revision.bump();
                }
                Err(r) => {
                    notice.set(Some(Notice::Refused(r)));
                    set_busy.set(false);
                    reload.run(());
                }
            }
        });
    };
    let a = approval;
    let may_decide = a.may_decide;
    let (kind, payment, unit) = (a.kind.clone(), a.payment.clone(), a.unit_code.clone().unwrap_or_default());
    let (from, to) = (a.from_stage.clone().unwrap_or_default(), a.to_stage.clone().unwrap_or_default());
    view! {
        <article class="approval" data-testid="approval" data-id=a.id data-kind=a.kind.clone()
            data-project=a.project_code.clone() data-unit=a.unit_code.clone().unwrap_or_default()>
            <p class="what">
                <b>{a.project_name.clone()}</b> " " <small>{a.project_code.clone()}</small><br />
                {move || {
                    let l = lang.get();
                    match (kind.as_str(), &payment) {
                        ("payment", Some(p)) => format!(
                            "{} {} · {} · {} {} · {} {}",
                            tr(l, "支付", "Payment"), money(p.amount), purpose_name(l, &p.purpose),
                            tr(l, "收款人", "payee"), p.payee_name, tr(l, "补偿单元", "unit"), unit
                        ),
                        _ => format!("{} {} → {}", tr(l, "阶段变更", "Stage change"), stage_name(l, &from), stage_name(l, &to)),
                    }
                }}
            </p>
            <p class="who">
                {move || tr(lang.get(), "申请人", "Requested by")} " " {a.requested_by.clone()} " · "
                {beijing_time(a.requested_at.timestamp())}
                {a.note.clone().map(|n| format!(" · {n}"))}
            </p>
            <Show when=move || may_decide>
                <div class="decide">
                    <input name="comment" placeholder=move || tr(lang.get(), "审批意见", "Comment")
                        prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev)) />
                    <button data-testid="approve" disabled=move || busy.get() on:click=move |_| decide(true)>
                        {move || tr(lang.get(), "批准", "Approve")}
                    </button>
                    <button data-testid="reject" disabled=move || busy.get() on:click=move |_| decide(false)>
                        {move || tr(lang.get(), "驳回", "Reject")}
                    </button>
                </div>
            </Show>
        </article>
    }
}
