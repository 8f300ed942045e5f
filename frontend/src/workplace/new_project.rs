//! 新建项目: the boundary drawn on the map with terra-draw (polygon mode: click the corners,
//! click the first one again or press Enter to close), name, budget and implementing agency
//! → `POST /api/projects`; the new project is then chosen.

use leptos::prelude::*;
use leptos::task::spawn_local;
use onemap_api::relocation::Project;
use onemap_api::workflow::NewProject;

use super::fields::{cents, input, yuan};
use super::{Notice, Refusal, Revision, notice_view, write};
use crate::i18n::{Lang, tr};
use crate::map::{edited_geometry, start_edit, stop_edit};

/// The form; `created` gets the new project.
#[component]
pub fn NewProjectForm(lang: ReadSignal<Lang>, created: Callback<Project>, close: Callback<()>) -> impl IntoView {
    let revision = expect_context::<Revision>();
    let name = RwSignal::new(String::new());
    let budget = RwSignal::new(String::new());
    let agency = RwSignal::new("温县房屋征收与补偿中心".to_owned());
    let (drawing, set_drawing) = signal(false);
    let (notice, set_notice) = signal(None::<Notice>);
    let (busy, set_busy) = signal(false);
    on_cleanup(stop_edit);
    let draw = move |_| {
        set_drawing.set(true);
        set_notice.set(None);
        spawn_local(async move { start_edit(None).await });
    };
    let submit = move |_| {
        let refuse = |zh: &'static str, en: &'static str| {
            set_notice.set(Some(Notice::Refused(Refusal {
                status: 0,
                detail: tr(lang.get_untracked(), zh, en).to_owned(),
                issues: vec![],
            })))
        };
        let Some(geometry) = edited_geometry() else {
            return refuse("请先在地图上绘制征收范围并闭合", "Draw the boundary on the map and close it first");
        };
        let Some(b) = cents(&budget.get_untracked()).filter(|b| *b > 0) else {
            return refuse("请填写补偿资金预算（元，最多两位小数）", "Enter the budget (yuan, at most two decimals)");
        };
        let Ok(boundary) = serde_json::from_str::<serde_json::Value>(&geometry) else { return };
        let body = NewProject {
            name: name.get_untracked(),
            boundary,
            budget: yuan(b),
            implementing_agency: agency.get_untracked(),
            code: None,
        };
        set_busy.set(true);
        spawn_local(async move {
            match write::<_, Project>("POST", "/api/projects", &body, None).await {
                Ok((_, p)) => {
                    stop_edit();
                    set_drawing.set(false);
                    revision.bump();
                    created.run(p);
                }
                Err(r) => set_notice.set(Some(Notice::Refused(r))),
            }
            set_busy.set(false);
        });
    };
    view! {
        <form class="new-project" data-testid="new-project" on:submit=|ev: leptos::ev::SubmitEvent| ev.prevent_default()>
            <h3>{move || tr(lang.get(), "新建征收项目", "New relocation project")}</h3>
            {input(lang, ("项目名称", "Name"), "project_name", "text", name)}
            {input(lang, ("补偿资金预算(元)", "Budget (¥)"), "project_budget", "amount", budget)}
            {input(lang, ("征收实施单位", "Implementing agency"), "implementing_agency", "text", agency)}
            <p class="hint">{move || if drawing.get() {
                tr(lang.get(), "在地图上依次点击范围的各个角点，再次点击第一个点（或按回车）闭合", "Click the corners on the map; click the first one again (or press Enter) to close")
            } else {
                tr(lang.get(), "征收范围：在地图上绘制", "Boundary: draw it on the map")
            }}</p>
            <div class="buttons">
                <button type="button" data-testid="draw-boundary" on:click=draw>
                    {move || if drawing.get() { tr(lang.get(), "重新绘制", "Draw again") } else { tr(lang.get(), "绘制征收范围", "Draw the boundary") }}
                </button>
                <button type="button" data-testid="create-project" disabled=move || busy.get() on:click=submit>
                    {move || tr(lang.get(), "立项", "Create")}
                </button>
                <button type="button" on:click=move |_| { stop_edit(); close.run(()) }>{move || tr(lang.get(), "取消", "Cancel")}</button>
            </div>
            {notice_view(lang, notice)}
        </form>
    }
}
