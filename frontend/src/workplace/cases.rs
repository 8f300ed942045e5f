//! 注销登记: the registration clerks' queue of cancellation cases, opened when a house in a
//! relocation project is recorded as demolished (`GET /api/registration/cases`). A clerk
//! approves (准予注销: the rights and certificates are cancelled, the house unit marked
//! demolished) or rejects each, with a note (`POST /api/registration/cases/{id}/decision`,
//! If-Match); directors and auditors see the queue without the buttons.

use leptos::prelude::*;
use leptos::task::spawn_local;
use onemap_api::Role;
use onemap_api::registration::{CaseDecision, CasePage, RegistrationCase};

use super::{Notice, Refusal, Revision, notice_view, write};
use crate::api_client::get;
use crate::display::beijing_time;
use crate::i18n::{Lang, tr};

/// Who sees the queue (the server's `CASE_READERS`).
fn reads_cases(role: Option<Role>) -> bool {
    matches!(role, Some(Role::Clerk | Role::Director | Role::Auditor))
}

/// The 注销登记 button with the number of open cases, and the queue while open.
#[component]
pub fn CaseQueue(lang: ReadSignal<Lang>, role: ReadSignal<Option<Role>>) -> impl IntoView {
    let revision = expect_context::<Revision>();
    let (open, set_open) = signal(false);
    let (page, set_page) = signal(None::<CasePage>);
    let (notice, set_notice) = signal(None::<Notice>);
    let load = move || {
        if !reads_cases(role.get_untracked()) {
            return;
        }
        spawn_local(async move {
            match get::<CasePage>("/api/registration/cases?status=open&limit=100").await {
                Ok(p) => set_page.set(Some(p)),
                Err(e) => set_notice.set(Some(Notice::Refused(Refusal { status: 0, detail: e, issues: vec![] }))),
            }
        });
    };
    Effect::new(move |_| {
        revision.track();
        role.track();
        load();
    });
    let count = move || page.get().map_or(0, |p| p.total);
    let cases = move || page.get().map(|p| p.cases).unwrap_or_default();
    view! {
        <Show when=move || reads_cases(role.get())>
            <button class="user inbox-button" data-testid="cases-button" on:click=move |_| set_open.update(|o| *o = !*o)>
                {move || tr(lang.get(), "注销登记", "Cancellations")}
                <span class="badge" data-testid="cases-count" class:zero=move || count() == 0>{count}</span>
            </button>
        </Show>
        <Show when=move || open.get()>
            <section class="inbox" data-testid="cases">
                <header>
                    <h3>{move || tr(lang.get(), "待办注销登记", "Open cancellations")}</h3>
                    <button class="close" on:click=move |_| set_open.set(false)>{move || tr(lang.get(), "关闭", "Close")}</button>
                </header>
                {notice_view(lang, notice)}
                <Show when=move || cases().is_empty()>
                    <p class="hint">{move || tr(lang.get(), "没有待办的注销登记", "No cancellation is waiting")}</p>
                </Show>
                <For each=cases key=|c| (c.id, c.version) let(c)>
                    <CaseItem lang=lang case=c clerk=move || role.get() == Some(Role::Clerk) notice=set_notice />
                </For>
            </section>
        </Show>
    }
}

/// One case: the house unit, why, its rights and certificates, and for a clerk the decision.
#[component]
fn CaseItem(
    lang: ReadSignal<Lang>,
    case: RegistrationCase,
    clerk: impl Fn() -> bool + Send + Sync + 'static,
    notice: WriteSignal<Option<Notice>>,
) -> impl IntoView {
    let revision = expect_context::<Revision>();
    let note = RwSignal::new(String::new());
    let (busy, set_busy) = signal(false);
    let (id, version) = (case.id, case.version);
    let decide = move |approve: bool| {
        let body = CaseDecision {
            decision: if approve { "approve" } else { "reject" }.to_owned(),
            note: super::fields::some_text(&note.get_untracked()),
        };
        set_busy.set(true);
        spawn_local(async move {
            let path = format!("/api/registration/cases/{id}/decision");
            match write::<_, RegistrationCase>("POST", &path, &body, Some(version)).await {
                Ok((_, c)) => {
                    notice.set(Some(if c.status == "approved" {
                        Notice::Done("已准予注销：权利与证书已注销", "Approved: rights and certificates cancelled")
                    } else {
                        Notice::Done("已不予注销", "Rejected")
                    }));
                    revision.bump();
                }
                Err(r) => {
                    notice.set(Some(Notice::Refused(r)));
                    set_busy.set(false);
                    revision.bump();
                }
            }
        });
    };
    let c = case;
    view! {
        <article class="approval" data-testid="case" data-id=c.id data-unit=c.unit_code.clone()>
            <p class="what">
                <b>{c.business_no.clone()}</b> " " {c.unit_code.clone()}<br />
                {c.reason.clone()} " · " {move || tr(lang.get(), "拆除日期", "demolished")} " " {c.demolished_on.to_string()}
            </p>
            <p class="who">
                {move || tr(lang.get(), "权利", "Rights")} " " {c.rights.join("、")} " · "
                {move || tr(lang.get(), "证书", "Certificates")} " "
                <span data-testid="case-certificates">{c.certificates.join("、")}</span><br />
                {move || tr(lang.get(), "发起人", "Opened by")} " " {c.opened_by.clone()} " · " {beijing_time(c.opened_at.timestamp())}
            </p>
            <Show when=clerk>
                <div class="decide">
                    <input name="note" placeholder=move || tr(lang.get(), "审核意见", "Note")
                        prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev)) />
                    <button data-testid="case-approve" disabled=move || busy.get() on:click=move |_| decide(true)>
                        {move || tr(lang.get(), "准予注销", "Approve")}
                    </button>
                    <button data-testid="case-reject" disabled=move || busy.get() on:click=move |_| decide(false)>
                        {move || tr(lang.get(), "不予注销", "Reject")}
                    </button>
                </div>
            </Show>
        </article>
    }
}
