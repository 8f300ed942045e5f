//! 统计分析: the statistics page — a report of `GET /api/reports` (those the caller may run),
//! filtered by project, township and period, its figures (`format=json`) drawn as charts with
//! ECharts (vendored from npm, `js/charts.js`) over its totals, and the same report as an XLSX
//! or PDF download.

use leptos::prelude::*;
use leptos::task::spawn_local;
use onemap_api::Role;
use onemap_api::relocation::Project;
use onemap_api::reports::{Parameter, ReportData, ReportInfo, ReportTable};
use serde_json::{Value, json};
use wasm_bindgen::prelude::*;

use super::{Notice, Refusal, notice_view};
use crate::api_client::{encode, get};
use crate::i18n::{Lang, tr};

#[wasm_bindgen(module = "/js/charts.js")]
extern "C" {
    /// Draws the ECharts `option` (JSON text) in `el`.
    #[wasm_bindgen(js_name = drawChart)]
    fn draw_chart(el: &web_sys::HtmlElement, option: &str) -> js_sys::Promise;
}

/// How a table of a report is charted: the category column, the summed value columns (none:
/// rows are counted), and the chart type.
struct Chart {
    report: &'static str,
    sheet: &'static str,
    category: usize,
    values: &'static [usize],
    kind: &'static str,
    stack: bool,
}

const CHARTS: &[Chart] = &[
    Chart {
        report: "project-progress",
        sheet: "进度",
        category: 1,
        values: &[8, 9, 10, 11, 12],
        kind: "bar",
        stack: true,
    },
    Chart { report: "fund-statement", sheet: "对账单", category: 0, values: &[7], kind: "line", stack: false },
    Chart {
        report: "household-compensation", sheet: "分户明细", category: 17, values: &[], kind: "pie", stack: false
    },
    Chart { report: "registration-stats", sheet: "宗地", category: 3, values: &[4], kind: "pie", stack: false },
    Chart { report: "registration-stats", sheet: "权利", category: 2, values: &[3, 4, 5], kind: "bar", stack: true },
    Chart { report: "registration-stats", sheet: "证书", category: 1, values: &[2, 3], kind: "bar", stack: false },
    Chart { report: "audit-extract", sheet: "审计日志", category: 4, values: &[], kind: "bar", stack: false },
];

fn label(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "—".into(),
        other => other.to_string(),
    }
}

/// The ECharts option of a table: rows grouped by the category (in first-seen order), values
/// summed (or rows counted).
fn option(c: &Chart, t: &ReportTable) -> Value {
    let mut categories: Vec<String> = Vec::new();
    let series_names: Vec<String> = if c.values.is_empty() {
        vec!["数量".into()]
    } else {
        c.values.iter().map(|&i| t.columns.get(i).map_or_else(String::new, |col| col.title.clone())).collect()
    };
    let mut sums: Vec<Vec<f64>> = vec![Vec::new(); series_names.len()];
    for row in &t.rows {
        let key = row.get(c.category).map(label).unwrap_or_default();
        let at = categories.iter().position(|k| *k == key).unwrap_or_else(|| {
            categories.push(key);
            sums.iter_mut().for_each(|s| s.push(0.0));
            categories.len() - 1
        });
        if c.values.is_empty() {
            sums[0][at] += 1.0;
        } else {
            for (s, &i) in sums.iter_mut().zip(c.values) {
                // A running balance is the value on the day, not a sum.
                let x = row.get(i).and_then(Value::as_f64).unwrap_or(0.0);
                s[at] = if c.kind == "line" { x } else { s[at] + x };
            }
        }
    }
    if c.kind == "pie" {
        let data: Vec<Value> = categories.iter().zip(&sums[0]).map(|(k, v)| json!({"name": k, "value": v})).collect();
        return json!({
            "animation": false, "tooltip": {"trigger": "item"}, "legend": {"type": "scroll", "bottom": 0},
            "series": [{"type": "pie", "radius": ["30%", "62%"], "data": data, "label": {"formatter": "{b}: {c}"}}],
        });
    }
    let series: Vec<Value> = series_names
        .iter()
        .zip(&sums)
        .map(|(n, s)| {
            let mut v = json!({"name": n, "type": c.kind, "data": s});
            if c.stack {
                v["stack"] = json!("all");
            }
            v
        })
        .collect();
    json!({
        "animation": false, "tooltip": {"trigger": "axis"}, "legend": {"type": "scroll", "top": 0},
        "grid": {"left": 60, "right": 20, "top": 36, "bottom": 60},
        "xAxis": {"type": "category", "data": categories, "axisLabel": {"rotate": 30, "interval": "auto"}},
        "yAxis": {"type": "value"}, "series": series,
    })
}

/// A total as shown under the charts.
fn shown(kind: &str, v: &Value) -> String {
    match (kind, v.as_f64()) {
        ("amount", Some(x)) => format!("{x:.2}"),
        ("percent", Some(x)) => format!("{:.1}%", x * 100.0),
        (_, _) if v.is_null() => String::new(),
        _ => label(v),
    }
}

fn draw(data: &ReportData, report: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    for (i, c) in CHARTS.iter().filter(|c| c.report == report).enumerate() {
        let (Some(t), Ok(Some(el))) = (
            data.tables.iter().find(|t| t.sheet == c.sheet),
            doc.query_selector(&format!("[data-testid=stats-chart-{i}]")),
        ) else {
            continue;
        };
        if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
            let _ = draw_chart(&el, &option(c, t).to_string());
        }
    }
}

/// The 统计分析 button (for roles with at least one report) and, while open, the page.
#[component]
pub fn StatisticsPanel(lang: ReadSignal<Lang>, role: ReadSignal<Option<Role>>) -> impl IntoView {
    let (open, set_open) = signal(false);
    let (reports, set_reports) = signal(Vec::<ReportInfo>::new());
    let (projects, set_projects) = signal(Vec::<Project>::new());
    let name = RwSignal::new(String::new());
    let (project, township, from, to) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let (data, set_data) = signal(None::<ReportData>);
    let (notice, set_notice) = signal(None::<Notice>);
    // The list follows the role (a login or logout changes it).
    Effect::new(move |_| {
        if role.get().is_none_or(|r| r == Role::Public) {
            set_reports.set(Vec::new());
            return;
        }
        spawn_local(async move {
            let list: Vec<ReportInfo> = get("/api/reports").await.unwrap_or_default();
            if name.get_untracked().is_empty()
                && let Some(first) = list.first()
            {
                name.set(first.name.clone());
            }
            set_reports.set(list);
            set_projects.set(get("/api/projects").await.unwrap_or_default());
        });
    });
    let info = move || reports.get().into_iter().find(|r| r.name == name.get());
    let query = move || {
        let Some(r) = info() else { return String::new() };
        let mut q: Vec<String> = Vec::new();
        for (key, takes, value) in [
            ("project", r.project, project.get()),
            ("township", r.township, township.get()),
            ("from", r.period, from.get()),
            ("to", r.period, to.get()),
        ] {
            if takes != Parameter::Unused && !value.trim().is_empty() {
                q.push(format!("{key}={}", encode(value.trim())));
            }
        }
        q.join("&")
    };
    let run = move |_| {
        let (report, q) = (name.get_untracked(), query());
        set_notice.set(None);
        spawn_local(async move {
            match get::<ReportData>(&format!("/api/reports/{report}?{q}&format=json")).await {
                Ok(d) => {
                    set_data.set(Some(d.clone()));
                    // Drawn once the chart boxes are in the page.
                    request_animation_frame(move || draw(&d, &report));
                }
                Err(e) => {
                    set_data.set(None);
                    set_notice.set(Some(Notice::Refused(Refusal { status: 0, detail: e, issues: vec![] })));
                }
            }
        });
    };
    let takes = move |which: fn(&ReportInfo) -> Parameter| info().is_some_and(|r| which(&r) != Parameter::Unused);
    view! {
        <Show when=move || !reports.get().is_empty()>
            <button class="user" data-testid="stats-button" on:click=move |_| set_open.update(|o| *o = !*o)>
                {move || tr(lang.get(), "统计分析", "Statistics")}
            </button>
        </Show>
        <Show when=move || open.get()>
            <section class="stats-page" data-testid="stats-page">
                <header>
                    <h2>{move || tr(lang.get(), "统计分析", "Statistics")}</h2>
                    <button class="close" on:click=move |_| set_open.set(false)>{move || tr(lang.get(), "关闭", "Close")}</button>
                </header>
                <div class="form stats-filters">
                    <label>{move || tr(lang.get(), "报表", "Report")}
                        <select data-testid="stats-report" on:change=move |ev| { name.set(event_target_value(&ev)); set_data.set(None); }>
                            {move || reports.get().into_iter().map(|r| {
                                let selected = r.name == name.get_untracked();
                                view! { <option value=r.name.clone() selected=selected>{r.title_zh.clone()}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    <Show when=move || takes(|r| r.project)>
                        <label>{move || tr(lang.get(), "征收项目", "Project")}
                            <select data-testid="stats-project" on:change=move |ev| project.set(event_target_value(&ev))>
                                <option value="">{move || tr(lang.get(), "（全部）", "(all)")}</option>
                                {move || projects.get().into_iter().map(|p| view! {
                                    <option value=p.code.clone()>{format!("{} {}", p.code, p.name)}</option>
                                }).collect_view()}
                            </select>
                        </label>
                    </Show>
                    <Show when=move || takes(|r| r.township)>
                        <label>{move || tr(lang.get(), "乡镇代码", "Township")}
                            <input data-testid="stats-township" placeholder="410825001" prop:value=move || township.get()
                                on:change=move |ev| township.set(event_target_value(&ev)) />
                        </label>
                    </Show>
                    <Show when=move || takes(|r| r.period)>
                        <label>{move || tr(lang.get(), "起", "From")}
                            <input type="date" data-testid="stats-from" on:change=move |ev| from.set(event_target_value(&ev)) />
                        </label>
                        <label>{move || tr(lang.get(), "止", "To")}
                            <input type="date" data-testid="stats-to" on:change=move |ev| to.set(event_target_value(&ev)) />
                        </label>
                    </Show>
                    <button data-testid="stats-run" on:click=run>{move || tr(lang.get(), "统计", "Run")}</button>
                </div>
                {notice_view(lang, notice)}
                {move || data.get().map(|d| {
                    let report = name.get_untracked();
                    let charts = CHARTS.iter().filter(|c| c.report == report).count();
                    let q = query();
                    view! {
                        <div class="stats-result" data-testid="stats-result">
                            <h3>{d.title.clone()}</h3>
                            {d.lines.iter().map(|l| view! { <p class="stats-line">{l.clone()}</p> }).collect_view()}
                            <p class="stats-downloads">
                                <a data-testid="stats-xlsx" href=format!("/api/reports/{report}?{q}&format=xlsx") download="">"下载 XLSX"</a>
                                " "
                                <a data-testid="stats-pdf" href=format!("/api/reports/{report}?{q}&format=pdf") download="">"下载 PDF"</a>
                            </p>
                            <div class="stats-charts">
                                {(0..charts).map(|i| view! { <div class="stats-chart" data-testid=format!("stats-chart-{i}")></div> }).collect_view()}
                            </div>
                            {d.tables.iter().filter(|t| t.totals.is_some()).map(|t| view! {
                                <table class="stats-totals" data-testid="stats-totals" data-sheet=t.sheet.clone()>
                                    <caption>{t.heading.clone()}</caption>
                                    <tr>{t.columns.iter().map(|c| view! { <th>{c.title.clone()}</th> }).collect_view()}</tr>
                                    <tr>{t.columns.iter().zip(t.totals.clone().unwrap_or_default()).map(|(c, v)| view! {
                                        <td>{shown(&c.kind, &v)}</td>
                                    }).collect_view()}</tr>
                                </table>
                            }).collect_view()}
                        </div>
                    }
                })}
            </section>
        </Show>
    }
}
