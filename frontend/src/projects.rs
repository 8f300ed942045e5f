//! 征收项目视图: pick a project → the map moves to it; progress by status with a bar chart,
//! amounts agreed vs paid, and a sortable table of its units linked to the map. The workplace
//! around it: the stage timeline, the dedicated account and its alerts, 新建项目.

use std::cmp::Ordering;

use leptos::prelude::*;
use leptos::task::spawn_local;
use onemap_api::relocation::{Project, ProjectUnit, ProjectUnitPage, status};
use onemap_api::{Role, STATUSES};

use crate::api_client::{encode, get};
use crate::display::{money, money_field, opt, stage_name, status_name, text};
use crate::i18n::{Lang, tr};
use crate::map::fit_bounds;
use crate::unit_panel::{Selected, Tab, open_unit};
use crate::workplace::documents::DocumentWork;
use crate::workplace::funds::FundsView;
use crate::workplace::new_project::NewProjectForm;
use crate::workplace::photos::{Dragged, PhotoWork, assign};
use crate::workplace::project_forms::ProjectWork;
use crate::workplace::survey_unit::SurveyUnitForm;
use crate::workplace::timeline::Timeline;
use crate::workplace::{Revision, is_officer, reads_funds, reads_relocation, takes_photos};

/// Loads every compensation unit of a project, page by page.
async fn project_units(code: &str) -> Result<Vec<ProjectUnit>, String> {
    let mut units = Vec::new();
    let mut cursor: Option<i64> = None;
    loop {
        let mut url = format!("/api/projects/{}/units?limit=500", encode(code));
        if let Some(c) = cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let page: ProjectUnitPage = get(&url).await?;
        units.extend(page.units);
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => return Ok(units),
        }
    }
}

/// The columns the unit table sorts by.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Column {
    Code,
    Status,
    Owner,
    Total,
}

/// Amounts compare as numbers (absent ones last), statuses in process order, anything else by
/// its text.
fn compare(a: &ProjectUnit, b: &ProjectUnit, column: Column) -> Ordering {
    let status_rank = |u: &ProjectUnit| STATUSES.iter().position(|s| s.id == u.status).unwrap_or(STATUSES.len());
    match column {
        Column::Code => a.code.cmp(&b.code),
        Column::Status => status_rank(a).cmp(&status_rank(b)).then_with(|| a.status.cmp(&b.status)),
        Column::Owner => opt(a.owner_name.as_ref()).cmp(&opt(b.owner_name.as_ref())),
        Column::Total => match (a.total_amount, b.total_amount) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            (x, y) => x.is_none().cmp(&y.is_none()),
        },
    }
}

/// The project view.
#[component]
pub fn Projects(
    lang: ReadSignal<Lang>,
    selected: WriteSignal<Option<Selected>>,
    error: WriteSignal<Option<String>>,
    role: ReadSignal<Option<Role>>,
    /// The panel's tab: a unit opened from the table shows its 征迁 tab.
    tab: RwSignal<Tab>,
    /// A compensation unit without a unit code, opened in a work panel of its own.
    work: WriteSignal<Option<String>>,
) -> impl IntoView {
    let revision = expect_context::<Revision>();
    let dragged = Dragged(RwSignal::new(None));
    provide_context(dragged);
    let (projects, set_projects) = signal(Vec::<Project>::new());
    let (current, set_current) = signal(None::<Project>);
    let (units, set_units) = signal(Vec::<ProjectUnit>::new());
    let (sort, set_sort) = signal((Column::Code, true));
    let (creating, set_creating) = signal(false);
    // The chosen project's code: the timeline and the funds follow it (and only it).
    let code = Memo::new(move |_| current.get().map(|p| p.code));
    // The officers' project forms follow the project's stage and firm (not every reload, which
    // would drop what is being typed).
    let work_on = Memo::new(move |_| {
        current.get().filter(|_| is_officer(role.get())).map(|p| (p.code, p.stage, p.appraisal_firm))
    });
    // The list (and the chosen project's counts and units) again after every write.
    Effect::new(move |_| {
        revision.track();
        spawn_local(async move {
            match get::<Vec<Project>>("/api/projects").await {
                Ok(p) => {
                    if let Some(c) = code.get_untracked() {
                        set_current.set(p.iter().find(|x| x.code == c).cloned());
                        if let Ok(u) = project_units(&c).await {
                            set_units.set(u);
                        }
                    }
                    set_projects.set(p);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    });
    let choose = move |p: Project| {
        if let [w, s, e, n] = p.bbox[..] {
            fit_bounds(w, s, e, n);
        }
        let code = p.code.clone();
        set_current.set(Some(p));
        set_units.set(Vec::new());
        spawn_local(async move {
            match project_units(&code).await {
                Ok(u) => set_units.set(u),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let created = Callback::new(move |p: Project| {
        set_creating.set(false);
        set_projects.update(|ps| {
            if !ps.iter().any(|x| x.code == p.code) {
                ps.push(p.clone());
            }
        });
        choose(p);
    });
    // A unit named by its compensation unit code: the panel (with a unit code) or the work
    // panel.
    let open_by_code = Callback::new(move |c: String| {
        let Some(u) = units.get_untracked().into_iter().find(|u| u.code == c) else { return };
        tab.set(Tab::Relocation);
        match u.unit_code {
            Some(code) => {
                work.set(None);
                open_unit(code, true, selected, error);
            }
            None => {
                selected.set(None);
                work.set(Some(c));
            }
        }
    });
    let sorted = move || {
        let (column, asc) = sort.get();
        let mut u = units.get();
        u.sort_by(|a, b| {
            let o = compare(a, b, column);
            if asc { o } else { o.reverse() }
        });
        u
    };
    let header = move |column: Column, zh: &'static str, en: &'static str| {
        view! {
            <th class="sortable" on:click=move |_| set_sort.update(|s| *s = if s.0 == column { (column, !s.1) } else { (column, true) })>
                {move || tr(lang.get(), zh, en)}
                {move || if sort.get().0 == column { if sort.get().1 { " ▲" } else { " ▼" } } else { "" }}
            </th>
        }
    };
    view! {
        <section class="projects" data-testid="projects">
            <Show when=move || is_officer(role.get()) && !creating.get()>
                <button class="new" data-testid="new-project-button" on:click=move |_| set_creating.set(true)>
                    {move || tr(lang.get(), "新建项目", "New project")}
                </button>
            </Show>
            <Show when=move || creating.get()>
                <NewProjectForm lang=lang created=created close=Callback::new(move |()| set_creating.set(false)) />
            </Show>
            <select data-testid="project-select" prop:value=move || code.get().unwrap_or_default() on:change=move |ev| {
                let code = event_target_value(&ev);
                if let Some(p) = projects.get_untracked().into_iter().find(|p| p.code == code) {
                    choose(p);
                }
            }>
                <option value="">{move || tr(lang.get(), "选择征收项目…", "Choose a project…")}</option>
                <For each=move || projects.get() key=|p| p.code.clone() let(p)>
                    {
                        let c = p.code.clone();
                        view! { <option value=p.code.clone() prop:selected=move || code.get().as_deref() == Some(c.as_str())>{p.name.clone()}</option> }
                    }
                </For>
            </select>
            {move || current.get().map(|p| {
                let l = lang.get();
                let counts = p.counts.clone();
                let total = (counts.units as f64).max(1.0);
                view! {
                    <h3>{p.name.clone()}</h3>
                    <p class="summary" data-testid="project-summary">
                        {tr(l, "补偿单元", "Units")} " " <b data-testid="unit-count">{text(counts.units)}</b>
                        "，" {tr(l, "签约率", "signed")} " " <b>{text(counts.signed_percent)} "%"</b>
                        "，" {tr(l, "阶段", "stage")} " " <b data-testid="project-stage">{stage_name(l, &p.stage)}</b>
                    </p>
                    <div class="bars">
                        {STATUSES.iter().map(|s| {
                            let n = counts.of(s.id).unwrap_or(0) as f64;
                            view! {
                                <div class="bar-row" data-status=s.id>
                                    <span>{tr(l, s.name_zh, s.name_en)}</span>
                                    <div class="meter" style=format!("width:{:.1}%;background:{}", n / total * 100.0, s.colour)></div>
                                    <b data-testid=format!("count-{}", s.id)>{n}</b>
                                </div>
                            }
                        }).collect_view()}
                    </div>
                    <table class="amounts">
                        {money_field(tr(l, "补偿资金预算", "Budget"), p.budget)}
                        {money_field(tr(l, "已签约金额", "Agreed"), p.agreed_total)}
                        {money_field(tr(l, "已支付金额", "Paid"), p.paid_total)}
                    </table>
                }
            })}
            {move || code.get().filter(|_| reads_relocation(role.get_untracked())).map(|c| view! {
                <Timeline lang=lang role=role code=c.clone() />
                {reads_funds(role.get_untracked()).then(|| view! {
                    <details class="funds-details" data-testid="funds-details">
                        <summary>{move || tr(lang.get(), "资金与预警", "Funds and alerts")}</summary>
                        <FundsView lang=lang role=role code=c.clone() />
                    </details>
                })}
                <details class="archive-details" data-testid="archive-details">
                    <summary>{move || tr(lang.get(), "照片与档案", "Photos and archive")}</summary>
                    {takes_photos(role.get_untracked()).then(|| view! {
                        <PhotoWork lang=lang code=c.clone() officer=is_officer(role.get_untracked()) />
                    })}
                    <DocumentWork lang=lang code=c.clone() officer=is_officer(role.get_untracked()) open=open_by_code />
                </details>
            })}
            {move || work_on.get().map(|(code, stage, firm)| {
                let survey = (stage == "survey").then(|| view! { <SurveyUnitForm lang=lang code=code.clone() /> });
                view! { {survey} <ProjectWork lang=lang code=code stage=stage firm=firm /> }
            })}
            <Show when=move || !units.get().is_empty()>
                <table class="units" data-testid="unit-table">
                    <thead><tr>
                        {header(Column::Code, "编号", "Code")}
                        {header(Column::Status, "状态", "Status")}
                        {header(Column::Owner, "被征收人", "Owner")}
                        {header(Column::Total, "补偿总额", "Total")}
                    </tr></thead>
                    <tbody>
                        {move || sorted().into_iter().map(|u| {
                            // A unit without a unit code opens in a work panel of its own.
                            let unit_code = u.unit_code.clone();
                            let work_code = u.code.clone();
                            let colour = status(&u.status).map(|s| s.colour).unwrap_or("#999");
                            view! {
                                <tr data-code=u.code.clone() data-status=u.status.clone()
                                    on:dragover=|ev: web_sys::DragEvent| ev.prevent_default()
                                    on:drop={
                                        let target = u.code.clone();
                                        move |ev: web_sys::DragEvent| {
                                            ev.prevent_default();
                                            let Some((no, version)) = dragged.0.get_untracked() else { return };
                                            dragged.0.set(None);
                                            let target = target.clone();
                                            spawn_local(async move {
                                                match assign(&no, version, &target).await {
                                                    Ok(()) => revision.bump(),
                                                    Err(r) => error.set(Some(r.detail)),
                                                }
                                            });
                                        }
                                    }
                                    on:click=move |_| {
                                    tab.set(Tab::Relocation);
                                    match unit_code.clone() {
                                        Some(c) => {
                                            work.set(None);
                                            open_unit(c, true, selected, error);
                                        }
                                        None => {
                                            selected.set(None);
                                            work.set(Some(work_code.clone()));
                                        }
                                    }
                                }>
                                    <td>{u.code.clone()}</td>
                                    <td><i class="dot" style=format!("background:{colour}")></i>
                                        {status_name(lang.get(), &u.status)}</td>
                                    <td>{opt(u.owner_name.as_ref())}</td>
                                    <td class="money">{money(u.total_amount)}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </Show>
        </section>
    }
}
