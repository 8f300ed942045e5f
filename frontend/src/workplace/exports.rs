//! 导出: the export panel — a collection, a format, a CRS, the field names (onemap's or the
//! registration database standard's), the Shapefile's encoding and an optional CQL2 filter;
//! `POST /api/exports` starts the job, its progress shows as a bar (`GET /api/exports/{id}`),
//! and the finished file is a download link.

use leptos::prelude::*;
use leptos::task::spawn_local;
use onemap_api::Role;
use onemap_api::exports::{ExportJob, ExportRequest};

use super::{Notice, Refusal, notice_view, write};
use crate::api_client::get;
use crate::i18n::{Lang, tr};

/// Who exports (the server's `EXPORTERS`): every signed-in role.
fn exports(role: Option<Role>) -> bool {
    role.is_some_and(|r| r != Role::Public)
}

const COLLECTIONS: &[(&str, &str)] = &[
    ("parcels", "宗地"),
    ("buildings", "自然幢"),
    ("house_units", "户"),
    ("compensation_units", "补偿单元"),
    ("relocation_projects", "征收项目"),
    ("photos", "现场照片"),
];
const FORMATS: &[(&str, &str)] = &[
    ("gpkg", "GeoPackage (.gpkg)"),
    ("shp", "Shapefile (.zip)"),
    ("geojson", "GeoJSON"),
    ("csv", "CSV (WKT)"),
    ("xlsx", "Excel (.xlsx，仅属性)"),
    ("dxf", "DXF (CAD)"),
    ("kml", "KML"),
];

/// Waits `ms` milliseconds.
async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

fn select(ev: &leptos::ev::Event) -> String {
    let s: web_sys::HtmlSelectElement = event_target(ev);
    s.value()
}

/// The 导出 button and, while open, the panel.
#[component]
pub fn ExportPanel(
    lang: ReadSignal<Lang>,
    role: ReadSignal<Option<Role>>,
    gk_srid: ReadSignal<Option<u16>>,
) -> impl IntoView {
    let (open, set_open) = signal(false);
    let request = RwSignal::new(ExportRequest {
        collection: "parcels".into(),
        format: "gpkg".into(),
        naming: Some("english".into()),
        encoding: Some("UTF-8".into()),
        ..ExportRequest::default()
    });
    let filter = RwSignal::new(String::new());
    let (job, set_job) = signal(None::<ExportJob>);
    let (notice, set_notice) = signal(None::<Notice>);
    let start = move |_| {
        let mut body = request.get_untracked();
        body.filter = Some(filter.get_untracked().trim().to_owned()).filter(|f| !f.is_empty());
        set_notice.set(None);
        set_job.set(None);
        spawn_local(async move {
            let mut current = match write::<_, ExportJob>("POST", "/api/exports", &body, None).await {
                Ok((_, j)) => j,
                Err(r) => return set_notice.set(Some(Notice::Refused(r))),
            };
            set_job.set(Some(current.clone()));
            while matches!(current.status.as_str(), "queued" | "running") {
                sleep(400).await;
                match get::<ExportJob>(&format!("/api/exports/{}", current.id)).await {
                    Ok(j) => current = j,
                    Err(e) => {
                        return set_notice.set(Some(Notice::Refused(Refusal { status: 0, detail: e, issues: vec![] })));
                    }
                }
                set_job.set(Some(current.clone()));
            }
        });
    };
    let percent = move || {
        job.get().map_or(0.0, |j| {
            if j.progress_total > 0 { 100.0 * j.progress_done as f64 / j.progress_total as f64 } else { 100.0 }
        })
    };
    view! {
        <Show when=move || exports(role.get())>
            <button class="user" data-testid="export-button" on:click=move |_| set_open.update(|o| *o = !*o)>
                {move || tr(lang.get(), "导出", "Export")}
            </button>
        </Show>
        <Show when=move || open.get()>
            <aside class="panel export" data-testid="export-panel">
                <header>
                    <h2>{move || tr(lang.get(), "数据导出", "Export")}</h2>
                    <button class="close" on:click=move |_| set_open.set(false)>{move || tr(lang.get(), "关闭", "Close")}</button>
                </header>
                <div class="form">
                    <label>{move || tr(lang.get(), "图层", "Layer")}
                        <select data-testid="export-collection" on:change=move |ev| request.update(|r| r.collection = select(&ev))>
                            {COLLECTIONS.iter().map(|(id, zh)| view! { <option value=*id>{*zh}</option> }).collect_view()}
                        </select>
                    </label>
                    <label>{move || tr(lang.get(), "格式", "Format")}
                        <select data-testid="export-format" on:change=move |ev| request.update(|r| r.format = select(&ev))>
                            {FORMATS.iter().map(|(id, name)| view! { <option value=*id>{*name}</option> }).collect_view()}
                        </select>
                    </label>
                    <label>{move || tr(lang.get(), "坐标系", "CRS")}
                        <select data-testid="export-crs" on:change=move |ev| {
                            let v = select(&ev);
                            request.update(|r| r.crs = Some(v).filter(|v| !v.is_empty()));
                        }>
                            <option value="">"WGS 84 (CRS84)"</option>
                            <option value="EPSG:4490">"CGCS2000 (EPSG:4490)"</option>
                            {move || gk_srid.get().map(|s| view! {
                                <option value=format!("EPSG:{s}")>{format!("CGCS2000 高斯-克吕格 (EPSG:{s})")}</option>
                            })}
                        </select>
                    </label>
                    <label>{move || tr(lang.get(), "字段名", "Field names")}
                        <select data-testid="export-naming" on:change=move |ev| {
                            let v = select(&ev);
                            request.update(|r| r.naming = Some(v));
                        }>
                            <option value="english">{move || tr(lang.get(), "系统字段名", "onemap names")}</option>
                            <option value="standard">{move || tr(lang.get(), "数据库标准字段名 (ZDDM…)", "standard names (ZDDM…)")}</option>
                        </select>
                    </label>
                    <Show when=move || request.get().format == "shp">
                        <label>{move || tr(lang.get(), "字符集", "Encoding")}
                            <select data-testid="export-encoding" on:change=move |ev| {
                                let v = select(&ev);
                                request.update(|r| r.encoding = Some(v));
                            }>
                                <option value="UTF-8">"UTF-8"</option>
                                <option value="GBK">"GBK"</option>
                            </select>
                        </label>
                    </Show>
                    <label>{move || tr(lang.get(), "筛选 (CQL2)", "Filter (CQL2)")}
                        <input data-testid="export-filter" placeholder="registered_area_m2 > 300" prop:value=move || filter.get()
                            on:change=move |ev| filter.set(event_target_value(&ev)) />
                    </label>
                    <button data-testid="export-start" on:click=start
                        disabled=move || job.get().is_some_and(|j| matches!(j.status.as_str(), "queued" | "running"))>
                        {move || tr(lang.get(), "开始导出", "Start")}
                    </button>
                </div>
                {notice_view(lang, notice)}
                {move || job.get().map(|j| view! {
                    <div class="export-job" data-testid="export-job" data-status=j.status.clone()>
                        <progress data-testid="export-progress" max="100" value=format!("{:.0}", percent())></progress>
                        <span>{format!("{} / {}", j.progress_done, j.progress_total)}</span>
                        {(j.status == "done").then(|| view! {
                            <a data-testid="export-download" href=format!("/api/exports/{}/file", j.id) download="">
                                {format!("{} {}", tr(lang.get(), "下载", "Download"), j.file_name.clone().unwrap_or_default())}
                            </a>
                        })}
                        {(j.status == "failed").then(|| view! {
                            <p class="refused" data-testid="export-error">{j.error.clone().unwrap_or_default()}</p>
                        })}
                    </div>
                })}
            </aside>
        </Show>
    }
}
