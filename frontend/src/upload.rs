//! 成果上传 (surveyors): drop a file → what was detected (format, CRS, encoding, field
//! mapping), changeable → a progress bar while the server validates → the issues (click: the
//! map goes there) and the staged features on the map coloured by status → commit.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use onemap_api::survey::{CommitResult, Import, ImportKind, ImportStatus};
use wasm_bindgen::JsCast;

use crate::api_client::{encode, get, send};
use crate::i18n::{Lang, tr};
use crate::map::{clear_staged, fly_to, show_staged};

/// Options chosen in the form.
#[derive(Clone, Default)]
struct Options {
    kind: String,
    crs: String,
    encoding: String,
    mapping: BTreeMap<String, String>,
}

fn query(o: &Options) -> String {
    let mut q = format!("kind={}", encode(&o.kind));
    if !o.crs.trim().is_empty() {
        q.push_str(&format!("&crs={}", encode(o.crs.trim())));
    }
    if !o.encoding.is_empty() {
        q.push_str(&format!("&encoding={}", encode(&o.encoding)));
    }
    if !o.mapping.is_empty() {
        q.push_str(&format!("&mapping={}", encode(&serde_json::to_string(&o.mapping).unwrap_or_default())));
    }
    q
}

fn status_text(l: Lang, s: ImportStatus) -> &'static str {
    match s {
        ImportStatus::Validating => tr(l, "校验中", "validating"),
        ImportStatus::Ready => tr(l, "待提交", "ready"),
        ImportStatus::Failed => tr(l, "失败", "failed"),
        ImportStatus::Committed => tr(l, "已入库", "committed"),
        ImportStatus::Discarded => tr(l, "已放弃", "discarded"),
    }
}

/// Uploads `file` with the options; then follows the import until it settles.
fn start(
    file: web_sys::File,
    o: Options,
    set_import: WriteSignal<Option<Import>>,
    set_error: WriteSignal<Option<String>>,
) {
    spawn_local(async move {
        clear_staged();
        let answer = send("POST", &format!("/api/imports?{}", query(&o)), Some(&file.into()), &[]).await;
        let import: Import = match answer.and_then(|a| a.json()) {
            Ok(i) => i,
            Err(e) => return set_error.set(Some(e)),
        };
        set_error.set(None);
        let id = import.id.clone();
        set_import.set(Some(import));
        loop {
            gloo_sleep(400).await;
            match get::<Import>(&format!("/api/imports/{id}")).await {
                Ok(i) => {
                    let done = i.status != ImportStatus::Validating;
                    set_import.set(Some(i));
                    if done {
                        break;
                    }
                }
                Err(e) => return set_error.set(Some(e)),
            }
        }
        // The staged features on the map.
        if let Ok(a) = send("GET", &format!("/api/imports/{id}/features?limit=10000"), None, &[]).await
            && a.status == 200
            && let Some(text) = js_sys::JSON::stringify(&a.body).ok().and_then(|s| s.as_string())
        {
            show_staged(&text);
        }
    });
}

/// Waits `ms` milliseconds.
async fn gloo_sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// 上传面板.
#[component]
pub fn UploadPanel(lang: ReadSignal<Lang>, close: WriteSignal<bool>) -> impl IntoView {
    let (file, set_file) = signal_local(None::<web_sys::File>);
    let (options, set_options) = signal(Options { kind: "parcels".into(), ..Options::default() });
    let (import, set_import) = signal(None::<Import>);
    let (error, set_error) = signal(None::<String>);
    let (result, set_result) = signal(None::<CommitResult>);
    let go = move || {
        if let Some(f) = file.get_untracked() {
            set_result.set(None);
            start(f, options.get_untracked(), set_import, set_error);
        }
    };
    let on_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        set_file.set(input.files().and_then(|l| l.get(0)));
        set_options.update(|o| o.mapping.clear());
        go();
    };
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        let f = ev.data_transfer().and_then(|d| d.files()).and_then(|l| l.get(0));
        if f.is_some() {
            set_file.set(f);
            set_options.update(|o| o.mapping.clear());
            go();
        }
    };
    let commit = move |_| {
        let Some(i) = import.get_untracked() else { return };
        spawn_local(async move {
            match send("POST", &format!("/api/imports/{}/commit", i.id), None, &[])
                .await
                .and_then(|a| a.json::<CommitResult>())
            {
                Ok(r) => {
                    set_result.set(Some(r));
                    clear_staged();
                    if let Ok(i) = get::<Import>(&format!("/api/imports/{}", i.id)).await {
                        set_import.set(Some(i));
                    }
                }
                Err(e) => set_error.set(Some(e)),
            }
        });
    };
    let discard = move |_| {
        let Some(i) = import.get_untracked() else { return };
        spawn_local(async move {
            let _ = send("DELETE", &format!("/api/imports/{}", i.id), None, &[]).await;
            clear_staged();
            set_import.set(None);
        });
    };
    view! {
        <aside class="panel upload" data-testid="upload-panel">
            <header>
                <h2>{move || tr(lang.get(), "成果上传", "Survey upload")}</h2>
                <button class="close" on:click=move |_| { clear_staged(); close.set(false) }>{move || tr(lang.get(), "关闭", "Close")}</button>
            </header>
            <div class="form">
                <label>{move || tr(lang.get(), "对象", "Kind")}
                    <select data-testid="upload-kind" on:change=move |ev| {
                        let s: web_sys::HtmlSelectElement = event_target(&ev);
                        set_options.update(|o| o.kind = s.value());
                    }>
                        {[ImportKind::Parcels, ImportKind::Buildings, ImportKind::HouseUnits].into_iter().map(|k| view! {
                            <option value=k.as_str()>{k.name_zh()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>{move || tr(lang.get(), "坐标系", "CRS")}
                    <input data-testid="upload-crs" placeholder="EPSG:4526" prop:value=move || options.get().crs
                        on:change=move |ev| set_options.update(|o| o.crs = event_target_value(&ev)) />
                </label>
                <label>{move || tr(lang.get(), "字符集", "Encoding")}
                    <select data-testid="upload-encoding" on:change=move |ev| {
                        let s: web_sys::HtmlSelectElement = event_target(&ev);
                        set_options.update(|o| o.encoding = s.value());
                    }>
                        <option value="">{move || tr(lang.get(), "自动识别", "detect")}</option>
                        <option value="UTF-8">"UTF-8"</option>
                        <option value="GBK">"GBK"</option>
                        <option value="GB18030">"GB18030"</option>
                    </select>
                </label>
            </div>
            <div class="drop" data-testid="upload-drop" on:dragover=|ev: web_sys::DragEvent| ev.prevent_default() on:drop=on_drop>
                <p>{move || tr(lang.get(), "拖入文件,或选择:Shapefile(zip)、GeoPackage、GeoJSON、KML、DXF、CSV", "Drop a file or choose one: Shapefile (zip), GeoPackage, GeoJSON, KML, DXF, CSV")}</p>
                <input type="file" data-testid="upload-file" on:change=on_file />
            </div>
            {move || error.get().map(|e| view! { <p class="error-text" role="alert" data-testid="upload-error">{e}</p> })}
            {move || import.get().map(|i| {
                let l = lang.get();
                let pct = if i.progress.total > 0 { 100 * i.progress.done / i.progress.total } else { 0 };
                let fields = i.fields.clone();
                let mapping = i.mapping.clone();
                let attrs: Vec<String> = mapping.keys().cloned().collect();
                let ready = i.status == ImportStatus::Ready;
                let blocked = i.counts.errors > 0 || i.counts.conflicts > 0;
                view! {
                    <div class="import" data-testid="import" data-status=format!("{:?}", i.status).to_lowercase()>
                        <p><b>{status_text(l, i.status)}</b> " · " {i.format.clone().unwrap_or_default()} " · "
                           {i.crs.clone().unwrap_or_default()} " · " {i.encoding.clone().unwrap_or_default()}</p>
                        <progress data-testid="import-progress" max="100" value=pct.to_string()></progress>
                        <span>{format!(" {}/{}", i.progress.done, i.progress.total)}</span>
                        {i.notes.iter().map(|n| view! { <p class="note">{n.clone()}</p> }).collect_view()}
                        {i.error.as_ref().map(|e| view! { <p class="error-text" data-testid="import-error">{e.detail.clone()}</p> })}
                        <details open=ready>
                            <summary>{tr(l, "字段映射", "Field mapping")}</summary>
                            <table class="mapping">
                                {attrs.into_iter().map(|a| {
                                    let chosen = mapping.get(&a).cloned().unwrap_or_default();
                                    let a2 = a.clone();
                                    view! { <tr><th>{a.clone()}</th><td>
                                        <select data-testid=format!("map-{a}") on:change=move |ev| {
                                            let s: web_sys::HtmlSelectElement = event_target(&ev);
                                            let v = s.value();
                                            set_options.update(|o| { o.mapping.insert(a2.clone(), v); });
                                        }>
                                            {fields.iter().map(|f| view! { <option value=f.clone() selected=*f == chosen>{f.clone()}</option> }).collect_view()}
                                            <option value="">{tr(l, "(不导入)", "(none)")}</option>
                                        </select>
                                    </td></tr> }
                                }).collect_view()}
                            </table>
                            <button data-testid="revalidate" on:click=move |_| go()>{tr(l, "按此设置重新校验", "Validate again with these settings")}</button>
                        </details>
                        <p data-testid="import-counts">
                            {format!("{} {} · {} {} · {} {} · {} {} · {} {} · {} {}",
                                tr(l, "要素", "features"), i.counts.features, tr(l, "新增", "new"), i.counts.new,
                                tr(l, "变更", "changed"), i.counts.changed, tr(l, "未变", "unchanged"), i.counts.unchanged,
                                tr(l, "冲突", "conflicts"), i.counts.conflicts, tr(l, "错误", "errors"), i.counts.errors)}
                        </p>
                        <ul class="legend">
                            <li class="new">{tr(l, "新增", "new")}</li><li class="changed">{tr(l, "变更", "changed")}</li>
                            <li class="conflict">{tr(l, "冲突", "conflict")}</li><li class="err">{tr(l, "错误", "error")}</li>
                        </ul>
                        <ol class="issues" data-testid="import-issues">
                            {i.issues.iter().take(200).map(|x| {
                                let loc = x.location;
                                let text = format!("#{} {} · {}", x.feature, x.rule, if l == Lang::Zh { &x.message } else { &x.message_en });
                                view! { <li class=x.severity.clone() data-code=x.code.clone()
                                    on:click=move |_| if let Some([lon, lat]) = loc { fly_to(lon, lat) }>{text}</li> }
                            }).collect_view()}
                        </ol>
                        <Show when=move || ready>
                            <button data-testid="commit" disabled=blocked on:click=commit>
                                {format!("{} ({} {}, {} {})", tr(l, "提交入库", "Commit"), tr(l, "新增", "new"), i.counts.new, tr(l, "变更", "changed"), i.counts.changed)}
                            </button>
                            <button on:click=discard>{tr(l, "放弃", "Discard")}</button>
                        </Show>
                    </div>
                }
            })}
            {move || result.get().map(|r| view! {
                <p class="done" data-testid="commit-result">
                    {format!("{} {} · {} {} · {}", tr(lang.get(), "已新增", "inserted"), r.inserted, tr(lang.get(), "已更新", "updated"), r.updated, r.allocated.join(", "))}
                </p>
            })}
        </aside>
    }
}

/// The element an event happened on.
fn event_target<T: JsCast>(ev: &leptos::ev::Event) -> T {
    ev.target().expect("an event target").unchecked_into()
}
