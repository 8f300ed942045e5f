//! 权限: every logged-in user applies for another role or one more relocation project
//! (`POST /api/access-requests`) and sees their requests (withdrawing a pending one);
//! administrators and the director decide the pending requests of others
//! (`POST /api/access-requests/{id}/decision`, with the version read); administrators and
//! auditors read the access review (`GET /api/access-review`): who holds what, since when, by
//! whom and until when.

use leptos::prelude::*;
use leptos::task::spawn_local;
use onemap_api::Role;
use onemap_api::access::{
    AccessDecision, AccessHolder, AccessRequest, AccessRequestPage, AccessReview, NewAccessRequest,
};

use super::fields::some_text;
use super::{Notice, Refusal, notice_view, write};
use crate::api_client::get;
use crate::display::beijing_time;
use crate::i18n::{Lang, tr};

fn decides(role: Option<Role>) -> bool {
    matches!(role, Some(Role::Admin | Role::Director))
}

fn reviews(role: Option<Role>) -> bool {
    matches!(role, Some(Role::Admin | Role::Auditor))
}

/// The roles a user may ask for (appraisers come with their firm).
const ROLES: [Role; 6] = [Role::Officer, Role::Director, Role::Surveyor, Role::Clerk, Role::Auditor, Role::Admin];

pub fn role_name(l: Lang, r: Role) -> &'static str {
    match r {
        Role::Admin => tr(l, "系统管理员", "administrator"),
        Role::Officer => tr(l, "征收经办人", "officer"),
        Role::Director => tr(l, "征收中心负责人", "director"),
        Role::Appraiser => tr(l, "评估机构", "appraiser"),
        Role::Surveyor => tr(l, "测绘人员", "surveyor"),
        Role::Clerk => tr(l, "登记窗口", "clerk"),
        Role::Auditor => tr(l, "审计监督", "auditor"),
        Role::Public => tr(l, "公众", "public"),
    }
}

fn status_name(l: Lang, s: &str) -> &'static str {
    match s {
        "pending" => tr(l, "待审批", "pending"),
        "approved" => tr(l, "已批准", "approved"),
        "rejected" => tr(l, "已驳回", "rejected"),
        "withdrawn" => tr(l, "已撤回", "withdrawn"),
        "active" => tr(l, "有效", "active"),
        "disabled" => tr(l, "已停用", "disabled"),
        "ended" => tr(l, "已到期", "ended"),
        "revoked" => tr(l, "已吊销", "revoked"),
        _ => "?",
    }
}

/// The last day of an access that ends at `end` (exclusive; the server stores the next day's
/// start), as `YYYY-MM-DD` in Beijing.
fn last_day(end: i64) -> String {
    beijing_time(end - 1).chars().take(10).collect()
}

/// What a request asks for, in words.
fn asked(l: Lang, r: &AccessRequest) -> String {
    let what = match (r.role, &r.project) {
        (Some(role), _) => format!("{} {}", tr(l, "角色", "role"), role_name(l, role)),
        (None, Some(p)) => format!("{} {p} {}", tr(l, "项目", "project"), r.project_name.clone().unwrap_or_default()),
        _ => String::new(),
    };
    match r.until {
        Some(d) => format!("{what} · {} {d}", tr(l, "至", "until")),
        None => what,
    }
}

/// The top bar's button and, while open, the page.
#[component]
pub fn AccessPanel(lang: ReadSignal<Lang>, role: ReadSignal<Option<Role>>) -> impl IntoView {
    let (open, set_open) = signal(false);
    view! {
        <Show when=move || role.get().is_some_and(|r| r != Role::Public)>
            <button class="user" data-testid="access-button" on:click=move |_| set_open.update(|o| *o = !*o)>
                {move || tr(lang.get(), "权限", "Access")}
            </button>
        </Show>
        <Show when=move || open.get()>
            <section class="stats-page access-page" data-testid="access-page">
                <header>
                    <h2>{move || tr(lang.get(), "权限申请与复核", "Access requests and review")}</h2>
                    <button class="close" on:click=move |_| set_open.set(false)>{move || tr(lang.get(), "关闭", "Close")}</button>
                </header>
                <Requests lang=lang role=role />
                <Show when=move || reviews(role.get())>
                    <Review lang=lang />
                </Show>
            </section>
        </Show>
    }
}

/// The form, the caller's requests and (for deciders) the others' pending ones.
#[component]
fn Requests(lang: ReadSignal<Lang>, role: ReadSignal<Option<Role>>) -> impl IntoView {
    let (mine, set_mine) = signal(Vec::<AccessRequest>::new());
    let (pending, set_pending) = signal(Vec::<AccessRequest>::new());
    let (notice, set_notice) = signal(None::<Notice>);
    let refused =
        move |e: String| set_notice.set(Some(Notice::Refused(Refusal { status: 0, detail: e, issues: vec![] })));
    let load = move || {
        spawn_local(async move {
            match get::<AccessRequestPage>("/api/access-requests?mine=true&status=all&limit=50").await {
                Ok(p) => set_mine.set(p.items),
                Err(e) => refused(e),
            }
            if decides(role.get_untracked()) {
                match get::<AccessRequestPage>("/api/access-requests?status=pending").await {
                    Ok(p) => set_pending.set(p.items.into_iter().filter(|r| r.may_decide).collect()),
                    Err(e) => refused(e),
                }
            }
        });
    };
    load();
    let reload = Callback::new(move |()| load());

    let kind = RwSignal::new("project".to_owned());
    let wanted_role = RwSignal::new("auditor".to_owned());
    let project = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let until = RwSignal::new(String::new());
    let (busy, set_busy) = signal(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let is_role = kind.get_untracked() == "role";
        let body = NewAccessRequest {
            kind: kind.get_untracked(),
            role: if is_role { ROLES.into_iter().find(|r| r.as_str() == wanted_role.get_untracked()) } else { None },
            project: if is_role { None } else { some_text(&project.get_untracked()) },
            reason: reason.get_untracked(),
            until: until.get_untracked().parse().ok(),
        };
        set_busy.set(true);
        spawn_local(async move {
            match write::<_, AccessRequest>("POST", "/api/access-requests", &body, None).await {
                Ok(_) => {
                    set_notice.set(Some(Notice::Done("申请已提交，等待审批", "Sent: waiting for a decision")));
                    reason.set(String::new());
                }
                Err(r) => set_notice.set(Some(Notice::Refused(r))),
            }
            set_busy.set(false);
            load();
        });
    };
    view! {
        <h3>{move || tr(lang.get(), "申请权限", "Apply for access")}</h3>
        <form class="stats-filters" data-testid="access-form" on:submit=submit>
            <label>{move || tr(lang.get(), "申请内容", "Asking for")}
                <select name="kind" prop:value=move || kind.get() on:change=move |ev| kind.set(event_target_value(&ev))>
                    <option value="project">{move || tr(lang.get(), "征收项目", "a relocation project")}</option>
                    <option value="role">{move || tr(lang.get(), "角色", "a role")}</option>
                </select>
            </label>
            <Show when=move || kind.get() == "role" fallback=move || view! {
                <label>{move || tr(lang.get(), "项目编号", "Project code")}
                    <input name="project" placeholder="WX-ZS-2025-02" prop:value=move || project.get()
                        on:input=move |ev| project.set(event_target_value(&ev)) />
                </label>
            }>
                <label>{move || tr(lang.get(), "角色", "Role")}
                    <select name="role" prop:value=move || wanted_role.get() on:change=move |ev| wanted_role.set(event_target_value(&ev))>
                        {ROLES.into_iter().map(|r| view! { <option value=r.as_str()>{move || role_name(lang.get(), r)}</option> }).collect_view()}
                    </select>
                </label>
            </Show>
            <label>{move || if kind.get() == "role" {
                    tr(lang.get(), "截止日期（到期后账号停用）", "Last day (the account ends after it)")
                } else {
                    tr(lang.get(), "截止日期（到期后不再可见该项目）", "Last day (the project goes after it)")
                }}
                <input name="until" type="date" prop:value=move || until.get() on:input=move |ev| until.set(event_target_value(&ev)) />
            </label>
            <label>{move || tr(lang.get(), "申请理由", "Reason")}
                <input name="reason" size="40" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
            </label>
            <button type="submit" data-testid="access-submit" disabled=move || busy.get()>{move || tr(lang.get(), "提交申请", "Send")}</button>
        </form>
        {notice_view(lang, notice)}
        <h3>{move || tr(lang.get(), "我的申请", "My requests")}</h3>
        <Show when=move || mine.get().is_empty()>
            <p class="hint">{move || tr(lang.get(), "还没有申请", "No requests yet")}</p>
        </Show>
        <For each=move || mine.get() key=|r| (r.id, r.version) let(r)>
            <RequestItem lang=lang request=r notice=set_notice reload=reload />
        </For>
        <Show when=move || decides(role.get())>
            <h3>{move || tr(lang.get(), "待我审批", "Waiting for my decision")}</h3>
            <Show when=move || pending.get().is_empty()>
                <p class="hint">{move || tr(lang.get(), "没有待审批的权限申请", "No access request is waiting")}</p>
            </Show>
            <For each=move || pending.get() key=|r| (r.id, r.version) let(r)>
                <RequestItem lang=lang request=r notice=set_notice reload=reload />
            </For>
        </Show>
    }
}

/// One request: who asks what and why, its state, and what the caller may do with it.
#[component]
fn RequestItem(
    lang: ReadSignal<Lang>,
    request: AccessRequest,
    notice: WriteSignal<Option<Notice>>,
    reload: Callback<()>,
) -> impl IntoView {
    let comment = RwSignal::new(String::new());
    let (busy, set_busy) = signal(false);
    let (id, version) = (request.id, request.version);
    let send = move |path: String, body: Option<AccessDecision>| {
        set_busy.set(true);
        spawn_local(async move {
            let answer = match body {
                Some(b) => write::<_, AccessRequest>("POST", &path, &b, Some(version)).await,
                None => write::<_, AccessRequest>("POST", &path, &serde_json::json!({}), Some(version)).await,
            };
            match answer {
                Ok((_, r)) => notice.set(Some(match r.status.as_str() {
                    "approved" => Notice::Done("已批准，权限即时生效", "Approved: in force at once"),
                    "rejected" => Notice::Done("已驳回", "Rejected"),
                    _ => Notice::Done("已撤回", "Withdrawn"),
                })),
                Err(r) => notice.set(Some(Notice::Refused(r))),
            }
            set_busy.set(false);
            reload.run(());
        });
    };
    let decision = move |approve: bool| {
        let body = AccessDecision { approve, comment: some_text(&comment.get_untracked()) };
        send(format!("/api/access-requests/{id}/decision"), Some(body));
    };
    let r = request;
    let (pending, may_decide) = (r.status == "pending", r.may_decide);
    let withdrawable = pending && !may_decide;
    let status = r.status.clone();
    let summary = r.clone();
    view! {
        <article class="approval" data-testid="access-request" data-id=r.id data-status=r.status.clone()
            data-user=r.username.clone()>
            <p class="what">
                <b>{r.display_name.clone()}</b> " " <small>{r.username.clone()}</small> " · "
                {move || asked(lang.get(), &summary)} " · "
                <span data-testid="access-status">{move || status_name(lang.get(), &status)}</span>
            </p>
            <p class="who">
                {move || tr(lang.get(), "理由", "Reason")} ": " {r.reason.clone()} " · " {beijing_time(r.requested_at.timestamp())}
                {r.decided_by.clone().map(|d| format!(" · {d}"))}
                {r.comment.clone().map(|c| format!(" · {c}"))}
            </p>
            <Show when=move || may_decide>
                <div class="decide">
                    <input name="comment" placeholder=move || tr(lang.get(), "审批意见（驳回时必填）", "Comment (required to reject)")
                        prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev)) />
                    <button data-testid="access-approve" disabled=move || busy.get() on:click=move |_| decision(true)>
                        {move || tr(lang.get(), "批准", "Approve")}
                    </button>
                    <button data-testid="access-reject" disabled=move || busy.get() on:click=move |_| decision(false)>
                        {move || tr(lang.get(), "驳回", "Reject")}
                    </button>
                </div>
            </Show>
            <Show when=move || withdrawable>
                <button data-testid="access-withdraw" disabled=move || busy.get()
                    on:click=move |_| send(format!("/api/access-requests/{id}/withdrawal"), None)>
                    {move || tr(lang.get(), "撤回", "Withdraw")}
                </button>
            </Show>
        </article>
    }
}

/// 权限复核: one row per account or key, its project grants under it.
#[component]
fn Review(lang: ReadSignal<Lang>) -> impl IntoView {
    let (holders, set_holders) = signal(Vec::<AccessHolder>::new());
    let all = RwSignal::new(false);
    let (error, set_error) = signal(None::<String>);
    Effect::new(move |_| {
        let url = format!("/api/access-review?all={}", all.get());
        spawn_local(async move {
            match get::<AccessReview>(&url).await {
                Ok(r) => set_holders.set(r.holders),
                Err(e) => set_error.set(Some(e)),
            }
        });
    });
    view! {
        <h3>{move || tr(lang.get(), "权限复核", "Access review")}</h3>
        <label class="stats-line">
            <input type="checkbox" prop:checked=move || all.get() on:change=move |ev| all.set(event_target_checked(&ev)) />
            {move || tr(lang.get(), "含已停用、已到期的账号", "Include disabled and ended accounts")}
        </label>
        {move || error.get().map(|e| view! { <p class="error-text">{e}</p> })}
        <table class="stats-totals access-review" data-testid="access-review">
            <tr>
                <th>{move || tr(lang.get(), "账号", "Account")}</th>
                <th>{move || tr(lang.get(), "角色", "Role")}</th>
                <th>{move || tr(lang.get(), "授予时间", "Since")}</th>
                <th>{move || tr(lang.get(), "授予人", "Granted by")}</th>
                <th>{move || tr(lang.get(), "截止", "Until")}</th>
                <th>{move || tr(lang.get(), "状态", "State")}</th>
                <th>{move || tr(lang.get(), "项目", "Projects")}</th>
            </tr>
            <For each=move || holders.get() key=|h| (h.kind.clone(), h.name.clone(), h.role_since) let(h)>
                <tr data-testid="access-holder" data-name=h.name.clone() data-role=h.role.as_str() data-state=h.state.clone()>
                    <td>{h.display_name.clone().map(|d| format!("{d} ")).unwrap_or_default()}{h.name.clone()}</td>
                    <td>{move || role_name(lang.get(), h.role)}</td>
                    <td>{beijing_time(h.role_since.timestamp())}</td>
                    <td>{h.role_granted_by.clone().unwrap_or_else(|| "—".into())}</td>
                    <td>{h.until.map(|t| last_day(t.timestamp())).unwrap_or_else(|| "—".into())}</td>
                    <td>{let state = h.state.clone(); move || status_name(lang.get(), &state)}</td>
                    <td data-testid="access-projects">
                        {if h.projects.is_empty() { tr(lang.get_untracked(), "全部", "all").to_owned() } else {
                            h.projects.iter().map(|g| match g.until {
                                Some(u) => format!("{}（{}，至 {}）", g.code, g.granted_by.clone().unwrap_or_default(), last_day(u.timestamp())),
                                None => format!("{}（{}）", g.code, g.granted_by.clone().unwrap_or_default()),
                            }).collect::<Vec<_>>().join("、")
                        }}
                    </td>
                </tr>
            </For>
        </table>
    }
}
