//! 征收项目工作台: the write side of relocation in the UI — the stage timeline with its
//! preconditions and transition requests ([`timeline`]), the director's approvals inbox
//! ([`approvals`]), access requests and the access review ([`access`]), the forms of a compensation unit ([`unit_forms`]), the dedicated account
//! with its chart, ledger and alerts ([`funds`]), and a new project drawn on the map
//! ([`new_project`]). Writes go through [`write`]: JSON bodies of the `onemap-api` types,
//! `If-Match` with the version read, and refusals shown by their issues.

pub mod access;
pub mod approvals;
pub mod cases;
pub mod documents;
pub mod exports;
pub mod facts;
pub mod fields;
pub mod funds;
pub mod new_project;
pub mod photos;
pub mod print;
pub mod project_forms;
pub mod statistics;
pub mod survey_unit;
pub mod terms;
pub mod timeline;
pub mod unit_forms;

use leptos::prelude::*;
use onemap_api::Role;
use onemap_api::problem::{Problem, ProblemIssue};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::api_client::send;
use crate::i18n::{Lang, tr};

/// Counts the writes of this page: the views that show what a write may change (timeline,
/// unit, funds, approvals, project summary) load again when it moves.
#[derive(Clone, Copy)]
pub struct Revision(pub RwSignal<u32>);

impl Revision {
    /// Something was written: reload the views and fetch the map's tiles again.
    pub fn bump(self) {
        self.0.update(|n| *n += 1);
        crate::map::refresh_tiles();
    }

    pub fn track(self) -> u32 {
        self.0.get()
    }
}

/// The officers of the relocation centre (they do the work; the director too).
pub fn is_officer(role: Option<Role>) -> bool {
    matches!(role, Some(Role::Officer | Role::Director))
}

/// Who reads the relocation projects' workflow and units.
pub fn reads_relocation(role: Option<Role>) -> bool {
    matches!(role, Some(Role::Admin | Role::Officer | Role::Director | Role::Appraiser | Role::Auditor))
}

/// Who uploads field photos (the appraisers of the appointed firm within their projects).
pub fn takes_photos(role: Option<Role>) -> bool {
    matches!(role, Some(Role::Officer | Role::Director | Role::Appraiser | Role::Surveyor))
}

/// Who reads the dedicated account and its alerts.
pub fn reads_funds(role: Option<Role>) -> bool {
    matches!(role, Some(Role::Admin | Role::Officer | Role::Director | Role::Auditor))
}

/// A refused (or failed) request: the status and the problem's detail and issues.
#[derive(Clone, Debug)]
pub struct Refusal {
    pub status: u16,
    pub detail: String,
    pub issues: Vec<ProblemIssue>,
}

impl Refusal {
    fn failed(detail: String) -> Self {
        Self { status: 0, detail, issues: Vec::new() }
    }

    /// Whether the data changed since it was read (412): reload and show so.
    pub fn stale(&self) -> bool {
        self.status == 412
    }
}

/// Sends `body` as JSON with `method` to `path`, with `If-Match: "v<version>"` when a version
/// is given: the answer's status and body as `T`, or the refusal.
pub async fn write<B: Serialize, T: DeserializeOwned>(
    method: &str,
    path: &str,
    body: &B,
    version: Option<i32>,
) -> Result<(u16, T), Refusal> {
    let text = serde_json::to_string(body).map_err(|e| Refusal::failed(e.to_string()))?;
    let tag = version.map(|v| format!("\"v{v}\""));
    let mut headers = vec![("content-type", "application/json")];
    if let Some(t) = &tag {
        headers.push(("if-match", t.as_str()));
    }
    let answer = send(method, path, Some(&text.into()), &headers).await.map_err(Refusal::failed)?;
    if (200..300).contains(&answer.status) {
        let status = answer.status;
        serde_wasm_bindgen::from_value(answer.body).map(|t| (status, t)).map_err(|e| Refusal::failed(e.to_string()))
    } else {
        Err(match serde_wasm_bindgen::from_value::<Problem>(answer.body) {
            Ok(p) => Refusal { status: answer.status, detail: p.detail, issues: p.issues },
            Err(_) => Refusal { status: answer.status, detail: format!("HTTP {}", answer.status), issues: Vec::new() },
        })
    }
}

/// What a form shows after it was sent: done (a message), or refused.
#[derive(Clone, Debug)]
pub enum Notice {
    Done(&'static str, &'static str),
    Refused(Refusal),
}

/// A notice in the current language: a refusal lists every issue of the problem (or its
/// detail); a stale write says the data changed.
pub fn notice_view(lang: ReadSignal<Lang>, notice: ReadSignal<Option<Notice>>) -> impl IntoView {
    move || {
        let l = lang.get();
        notice.get().map(|n| match n {
            Notice::Done(zh, en) => view! { <p class="done" data-testid="notice">{tr(l, zh, en)}</p> }.into_any(),
            Notice::Refused(r) if r.stale() => view! {
                <p class="error-text" data-testid="notice" data-code="stale_etag">
                    {tr(l, "数据已被他人修改，请刷新", "Someone changed this meanwhile: reloaded, please check and retry")}
                </p>
            }
            .into_any(),
            Notice::Refused(r) if r.issues.is_empty() => {
                view! { <p class="error-text" data-testid="notice">{r.detail}</p> }.into_any()
            }
            Notice::Refused(r) => view! {
                <ul class="issues error-text" data-testid="notice">
                    {r.issues.into_iter().map(|i| view! {
                        <li data-code=i.code>{if l == Lang::Zh { i.message } else { i.message_en }}</li>
                    }).collect_view()}
                </ul>
            }
            .into_any(),
        })
    }
}
