//! 档案: filing a document (file, category, title, unit, date) with a progress bar, the
//! full-text search of the project's archive (Chinese included), and 档案完整性 — the units
//! whose archive lacks what their state requires, in red; a click opens the unit.

use leptos::prelude::*;
use leptos::task::spawn_local;
use onemap_api::archives::{ArchiveCheck, ArchivePage, FiledDocument};

use super::fields::{choice, input};
use super::{Notice, Refusal, Revision, notice_view};
use crate::api_client::{encode, get, post_form};
use crate::i18n::{Lang, tr};

const CATEGORIES: &[(&str, &str, &str)] = &[
    ("appraisal_report", "评估报告", "appraisal report"),
    ("agreement", "补偿协议", "agreement"),
    ("decision", "补偿决定", "decision"),
    ("payment", "支付凭证", "payment voucher"),
    ("approval", "审批文件", "approval"),
    ("higher_level", "上级文件", "higher-level document"),
    ("photo", "现场照片", "photo"),
    ("other", "其他", "other"),
];

/// What a missing item is called (`onemap_api::archives::REQUIRED_ITEMS`).
fn missing_name(l: Lang, code: &str) -> &'static str {
    onemap_api::archives::required_item(code).map_or(tr(l, "其他", "other"), |i| tr(l, i.name_zh, i.name_en))
}

/// The archive of project `code`; `open` opens a unit by its compensation unit code.
#[component]
pub fn DocumentWork(lang: ReadSignal<Lang>, code: String, officer: bool, open: Callback<String>) -> impl IntoView {
    let revision = expect_context::<Revision>();
    let (file, set_file) = signal_local(None::<web_sys::File>);
    let category = RwSignal::new("appraisal_report".to_owned());
    let (title, unit, date) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let (progress, set_progress) = signal(None::<(f64, f64)>);
    let (notice, set_notice) = signal(None::<Notice>);
    let (filed, set_filed) = signal(None::<FiledDocument>);
    let project = code.clone();
    let submit = move |_| {
        let Some(f) = file.get_untracked() else {
            let detail = tr(lang.get_untracked(), "请选择文件", "Choose a file").to_owned();
            return set_notice.set(Some(Notice::Refused(Refusal { status: 0, detail, issues: vec![] })));
        };
        let Ok(form) = web_sys::FormData::new() else { return };
        let _ = form.append_with_str("project", &project);
        for (k, v) in [("category", category), ("title", title), ("unit", unit), ("document_date", date)] {
            let v = v.get_untracked();
            if !v.trim().is_empty() {
                let _ = form.append_with_str(k, v.trim());
            }
        }
        let _ = form.append_with_blob_and_filename("file", &f, &f.name());
        set_progress.set(Some((0.0, 1.0)));
        spawn_local(async move {
            let answer = post_form("/api/archives", &form, move |s, t| set_progress.set(Some((s, t)))).await;
            set_progress.set(None);
            match answer {
                Ok(a) if a.status == 201 => {
                    set_filed.set(a.json::<FiledDocument>().ok());
                    set_notice.set(Some(Notice::Done("已归档", "Filed")));
                    revision.bump();
                }
                Ok(a) => {
                    let problem = serde_wasm_bindgen::from_value::<onemap_api::Problem>(a.body.clone());
                    let (detail, issues) =
                        problem.map(|p| (p.detail, p.issues)).unwrap_or_else(|_| (a.problem(), vec![]));
                    set_notice.set(Some(Notice::Refused(Refusal { status: a.status, detail, issues })));
                }
                Err(e) => set_notice.set(Some(Notice::Refused(Refusal { status: 0, detail: e, issues: vec![] }))),
            }
        });
    };
    // Search.
    let q = RwSignal::new(String::new());
    let (hits, set_hits) = signal(None::<ArchivePage>);
    let search_project = code.clone();
    let search = move |_| {
        let path = format!("/api/archives?project={}&q={}", encode(&search_project), encode(q.get_untracked().trim()));
        spawn_local(async move {
            match get::<ArchivePage>(&path).await {
                Ok(p) => set_hits.set(Some(p)),
                Err(e) => set_notice.set(Some(Notice::Refused(Refusal { status: 0, detail: e, issues: vec![] }))),
            }
        });
    };
    // Completeness.
    let (check, set_check) = signal(None::<ArchiveCheck>);
    let check_path = format!("/api/projects/{}/archive-check", encode(&code));
    let run_check = move |_| {
        let path = check_path.clone();
        spawn_local(async move {
            match get::<ArchiveCheck>(&path).await {
                Ok(c) => set_check.set(Some(c)),
                Err(e) => set_notice.set(Some(Notice::Refused(Refusal { status: 0, detail: e, issues: vec![] }))),
            }
        });
    };
    view! {
        <section class="document-work" data-testid="document-work">
            {officer.then(|| view! {
                <form class="file-document" data-testid="document-form" on:submit=|ev: leptos::ev::SubmitEvent| ev.prevent_default()>
                    <h4>{move || tr(lang.get(), "归档文件", "File a document")}</h4>
                    <label><span>{move || tr(lang.get(), "文件（PDF、扫描件、Office、OFD）", "File (PDF, scan, Office, OFD)")}</span>
                        <input type="file" name="document" on:change=move |ev| {
                            let input: web_sys::HtmlInputElement = event_target(&ev);
                            set_file.set(input.files().and_then(|l| l.get(0)));
                        } />
                    </label>
                    {choice(lang, ("档案类别", "Category"), "category", CATEGORIES, category)}
                    {input(lang, ("题名", "Title"), "doc_title", "text", title)}
                    {input(lang, ("补偿单元或协议编号（可选）", "Unit or agreement no. (optional)"), "doc_unit", "text", unit)}
                    {input(lang, ("文件日期", "Date"), "doc_date", "date", date)}
                    <button type="button" data-testid="submit-document" on:click=submit>{move || tr(lang.get(), "上传归档", "Upload")}</button>
                    {move || progress.get().map(|(s, t)| view! {
                        <progress data-testid="document-progress" max="100" value=format!("{:.0}", 100.0 * s / t.max(1.0))></progress>
                    })}
                    {move || filed.get().map(|d| view! { <p data-testid="filed-number">{d.archive_no}</p> })}
                </form>
            })}
            {notice_view(lang, notice)}
            <form class="archive-search" data-testid="archive-search" on:submit=|ev: leptos::ev::SubmitEvent| ev.prevent_default()>
                <input type="search" name="archive_q" placeholder=move || tr(lang.get(), "检索档案：题名、正文、档案号", "Search: title, text, number")
                    prop:value=move || q.get() on:input=move |ev| q.set(event_target_value(&ev)) />
                <button type="button" data-testid="search-archive" on:click=search>{move || tr(lang.get(), "检索", "Search")}</button>
            </form>
            {move || hits.get().map(|p| view! {
                <ol class="hits" data-testid="archive-hits" data-total=p.total>
                    {p.documents.into_iter().map(|d| view! {
                        <li data-archive=d.archive_no.clone()>
                            <a href=d.url.clone() target="_blank" rel="noopener">{d.archive_no.clone()}</a> " " {d.title.clone()}
                            {d.unit.clone().map(|u| format!(" · {u}"))}
                            {d.excerpt.clone().map(|e| view! { <q>{e}</q> })}
                        </li>
                    }).collect_view()}
                </ol>
            })}
            <button type="button" data-testid="run-archive-check" on:click=run_check>{move || tr(lang.get(), "档案完整性检查", "Check completeness")}</button>
            {move || check.get().map(|c| {
                let l = lang.get();
                let xlsx = format!("/api/projects/{}/archive-check?format=xlsx", encode(&c.project));
                view! {
                    <a data-testid="check-xlsx" href=xlsx download>{tr(l, "导出 XLSX", "Download XLSX")}</a>
                    <p data-testid="check-summary">{format!("{} / {} ", c.complete, c.units)} {tr(l, "户档案完整", "units complete")}
                        {format!("，{} {}，{} {}", c.unlinked_photos.len(), tr(l, "张照片未关联", "unlinked photos"), c.unlinked_documents.len(), tr(l, "份文件未关联单元", "project documents"))}</p>
                    <ul class="incomplete" data-testid="check-incomplete">
                        {c.incomplete.into_iter().map(|u| {
                            let code = u.unit.clone();
                            view! {
                                <li data-unit=u.unit.clone() on:click=move |_| open.run(code.clone())>
                                    <b>{u.unit.clone()}</b> " "
                                    {u.missing.iter().map(|m| view! { <span class="missing" data-missing=m.clone()>{missing_name(l, m)}</span> }).collect_view()}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
            })}
        </section>
    }
}
