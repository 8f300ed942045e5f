//! Project-level work of the officers below the timeline: 确定评估机构 (the firm the owners
//! chose, in the decision stage: `POST /api/projects/{code}/appraisal-firm`) and 公示 (the
//! survey results from the survey stage on, the per-household results from the agreement
//! stage on: `POST /api/projects/{code}/publications`, with a link to the public page).

use leptos::prelude::*;
use leptos::task::spawn_local;
use onemap_api::workflow::{Firm, FirmChoice, Publication, PublicationRequest};

use super::fields::{choice, date, input, some_text};
use super::{Notice, Refusal, Revision, notice_view, write};
use crate::api_client::{encode, get};
use crate::display::today;
use crate::i18n::{Lang, tr};

const METHODS: &[(&str, &str, &str)] =
    &[("negotiation", "协商", "negotiation"), ("vote", "投票", "vote"), ("lottery", "抽签", "lottery")];

/// Whether stage `at` is `from` or later.
fn reached(at: &str, from: &str) -> bool {
    let i = |s: &str| onemap_api::relocation::STAGES.iter().position(|x| x.id == s);
    matches!((i(at), i(from)), (Some(a), Some(f)) if a >= f)
}

/// The officers' work on project `code` in `stage`, whose appraisal `firm` may be chosen.
#[component]
pub fn ProjectWork(lang: ReadSignal<Lang>, code: String, stage: String, firm: Option<String>) -> impl IntoView {
    let publish = reached(&stage, "survey").then(|| {
        view! { <PublishForm lang=lang code=code.clone() results=reached(&stage, "agreement") /> }
    });
    let firm = (stage == "decision" || firm.is_some()).then(|| view! { <FirmForm lang=lang code=code chosen=firm /> });
    view! { {firm} {publish} }
}

/// 评估机构: the chosen firm, or (in the decision stage) the form recording the owners' choice.
#[component]
fn FirmForm(lang: ReadSignal<Lang>, code: String, chosen: Option<String>) -> impl IntoView {
    let revision = expect_context::<Revision>();
    let (firms, set_firms) = signal(Vec::<Firm>::new());
    let firm = RwSignal::new(String::new());
    let method = RwSignal::new("vote".to_owned());
    let decided = RwSignal::new(today());
    let note = RwSignal::new(String::new());
    let (notice, set_notice) = signal(None::<Notice>);
    let (busy, set_busy) = signal(false);
    if chosen.is_none() {
        spawn_local(async move {
            if let Ok(f) = get::<Vec<Firm>>("/api/appraisal-firms").await {
                if let Some(first) = f.first() {
                    firm.set(first.id.to_string());
                }
                set_firms.set(f);
            }
        });
    }
    let path = format!("/api/projects/{}/appraisal-firm", encode(&code));
    let submit = move |_| {
        let (Ok(firm_id), Some(decided_on)) = (firm.get_untracked().parse(), date(&decided.get_untracked())) else {
            let l = lang.get_untracked();
            let detail = tr(l, "请选择评估机构并填写确定日期", "Choose a firm and enter the date").to_owned();
            return set_notice.set(Some(Notice::Refused(Refusal { status: 0, detail, issues: vec![] })));
        };
        let body =
            FirmChoice { firm_id, method: method.get_untracked(), decided_on, note: some_text(&note.get_untracked()) };
        let path = path.clone();
        set_busy.set(true);
        spawn_local(async move {
            match write::<_, Firm>("POST", &path, &body, None).await {
                Ok(_) => {
                    set_notice.set(Some(Notice::Done("已确定评估机构", "Appraisal firm recorded")));
                    revision.bump();
                }
                Err(r) => set_notice.set(Some(Notice::Refused(r))),
            }
            set_busy.set(false);
        });
    };
    let form = chosen.is_none().then(|| {
        view! {
            <form data-testid="firm-form" on:submit=|ev: leptos::ev::SubmitEvent| ev.prevent_default()>
                <label>
                    <span>{move || tr(lang.get(), "评估机构", "Firm")}</span>
                    <select name="firm_id" prop:value=move || firm.get() on:change=move |ev| firm.set(event_target_value(&ev))>
                        {move || firms.get().into_iter().map(|f| view! {
                            <option value=f.id.to_string()>{format!("{}（{}）", f.name, f.qualification)}</option>
                        }).collect_view()}
                    </select>
                </label>
                {choice(lang, ("确定方式", "Chosen by"), "method", METHODS, method)}
                {input(lang, ("确定日期", "Decided on"), "decided_on", "date", decided)}
                {input(lang, ("说明（票数、抽签记录）", "Note (votes, lottery record)"), "firm_note", "text", note)}
                <button type="button" data-testid="submit-firm" disabled=move || busy.get() on:click=submit>
                    {move || tr(lang.get(), "确定评估机构", "Record the firm")}
                </button>
            </form>
        }
    });
    view! {
        <section class="firm" data-testid="firm">
            <h4>{move || tr(lang.get(), "评估机构", "Appraisal firm")}</h4>
            {chosen.map(|c| view! { <p data-testid="chosen-firm">{c}</p> })}
            {form}
            {notice_view(lang, notice)}
        </section>
    }
}

/// 公示: publish the survey results or the per-household results; the public page's link.
#[component]
fn PublishForm(lang: ReadSignal<Lang>, code: String, results: bool) -> impl IntoView {
    let (notice, set_notice) = signal(None::<Notice>);
    let (published, set_published) = signal(None::<Publication>);
    let (busy, set_busy) = signal(false);
    let path = format!("/api/projects/{}/publications", encode(&code));
    let public = format!("/public/projects/{}", encode(&code));
    let publish = move |kind: &'static str| {
        let path = path.clone();
        move |_| {
            let path = path.clone();
            set_busy.set(true);
            spawn_local(async move {
                let body = PublicationRequest { kind: kind.to_owned() };
                match write::<_, Publication>("POST", &path, &body, None).await {
                    Ok((_, p)) => {
                        set_notice.set(Some(Notice::Done("已公示", "Published")));
                        set_published.set(Some(p));
                    }
                    Err(r) => set_notice.set(Some(Notice::Refused(r))),
                }
                set_busy.set(false);
            });
        }
    };
    view! {
        <section class="publish" data-testid="publish">
            <h4>{move || tr(lang.get(), "公示", "Public notices")}</h4>
            <div class="buttons">
                <button type="button" data-testid="publish-survey" disabled=move || busy.get() on:click=publish("survey")>
                    {move || tr(lang.get(), "公示调查结果", "Publish the survey results")}
                </button>
                {results.then(|| view! {
                    <button type="button" data-testid="publish-results" disabled=move || busy.get() on:click=publish("results")>
                        {move || tr(lang.get(), "公示分户补偿结果", "Publish the compensation results")}
                    </button>
                })}
            </div>
            {move || published.get().map(|p| view! {
                <p data-testid="publication" data-kind=p.kind.clone() data-version=p.version>
                    {tr(lang.get(), "第", "Version ")} {p.version} {tr(lang.get(), "版，", ", ")}
                    {p.rows.len()} {tr(lang.get(), " 户，", " households, ")} {p.published_on.to_string()}
                </p>
            })}
            <a href=public target="_blank" rel="noopener" data-testid="public-link">
                {move || tr(lang.get(), "查看公示页面", "Open the public page")}
            </a>
            {notice_view(lang, notice)}
        </section>
    }
}
