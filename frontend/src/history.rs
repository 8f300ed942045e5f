//! 历史 (the versions of a unit, an earlier geometry drawn over today's) and 编辑图形 (vertex
//! editing with terra-draw, saved through OGC API Features Part 4 with If-Match; a stale edit
//! shows the conflict).

use leptos::prelude::*;
use leptos::task::spawn_local;
use onemap_api::survey::UnitHistory;

use crate::api_client::{encode, get, send};
use crate::i18n::{Lang, tr};
use crate::map::{edited_geometry, show_past, start_edit, stop_edit};

/// 历史 tab: the versions, newest first; clicking one draws its geometry over today's.
#[component]
pub fn HistoryTab(lang: ReadSignal<Lang>, code: String) -> impl IntoView {
    let (history, set_history) = signal(None::<Result<UnitHistory, String>>);
    let path = format!("/api/units/{}/history", encode(&code));
    spawn_local(async move { set_history.set(Some(get::<UnitHistory>(&path).await)) });
    on_cleanup(|| show_past(None));
    move || {
        let l = lang.get();
        match history.get() {
            None => view! { <p>{tr(l, "加载中…", "Loading…")}</p> }.into_any(),
            Some(Err(e)) => view! { <p class="error-text">{e}</p> }.into_any(),
            Some(Ok(h)) => view! {
                <ol class="versions" data-testid="history">
                    {h.versions.into_iter().map(|v| {
                        let geometry = serde_json::to_string(&v.geometry).ok();
                        let changes: Vec<String> = v.changes.iter().filter(|(k, _)| k.as_str() != "geometry")
                            .map(|(k, [a, b])| format!("{k}: {a} → {b}")).collect();
                        let moved = v.changes.contains_key("geometry");
                        let how = match (v.op.as_str(), v.import_id.is_some()) {
                            ("insert", _) => tr(l, "新建", "created"),
                            (_, true) => tr(l, "导入/编辑", "import or edit"),
                            _ => tr(l, "修改", "changed"),
                        };
                        view! {
                            <li data-version=v.version on:click=move |_| show_past(geometry.clone())>
                                <b>{format!("v{} ", v.version)}</b>{how}" · "{v.actor.clone()}" · "
                                <time>{v.valid_from.chars().take(19).collect::<String>().replace('T', " ")}</time>
                                {v.ended_op.as_deref().filter(|o| *o == "delete").map(|_| view! { <em>{tr(l, " · 已删除", " · deleted")}</em> })}
                                {moved.then(|| view! { <span class="moved">{tr(l, " · 图形变更", " · geometry changed")}</span> })}
                                <ul>{changes.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul>
                            </li>
                        }
                    }).collect_view()}
                </ol>
                <p class="hint">{tr(l, "点击某一版本,在地图上以紫色虚线显示其图形", "Click a version to draw its geometry (dashed purple) over today's")}</p>
            }
            .into_any(),
        }
    }
}

/// 编辑图形: edit the geometry of an OGC API feature (`collection`, `fid`) on the map.
#[component]
pub fn EditGeometry(
    lang: ReadSignal<Lang>,
    collection: &'static str,
    fid: String,
    reload: Callback<()>,
) -> impl IntoView {
    let (etag, set_etag) = signal(None::<String>);
    let (message, set_message) = signal(None::<(bool, String)>);
    let item = format!("/ogc/collections/{collection}/items/{}", encode(&fid));
    let item2 = item.clone();
    let begin = move |_| {
        let item = item.clone();
        spawn_local(async move {
            match send("GET", &item, None, &[("accept", "application/geo+json")]).await {
                Ok(a) if a.status == 200 => {
                    let geometry = js_sys::Reflect::get(&a.body, &"geometry".into()).ok();
                    let text = geometry.and_then(|g| js_sys::JSON::stringify(&g).ok()).and_then(|s| s.as_string());
                    set_etag.set(a.etag);
                    set_message.set(None);
                    start_edit(text).await;
                }
                Ok(a) => set_message.set(Some((false, a.problem()))),
                Err(e) => set_message.set(Some((false, e))),
            }
        });
    };
    let save = move |_| {
        let Some(geometry) = edited_geometry() else { return };
        let tag = etag.get_untracked().unwrap_or_default();
        let item = item2.clone();
        spawn_local(async move {
            let body = format!("{{\"geometry\":{geometry}}}");
            let headers = [("content-type", "application/merge-patch+json"), ("if-match", tag.as_str())];
            match send("PATCH", &item, Some(&body.into()), &headers).await {
                Ok(a) if a.status == 204 => {
                    stop_edit();
                    set_etag.set(None);
                    set_message.set(Some((true, tr(lang.get_untracked(), "已保存", "Saved").to_owned())));
                    // The panel reloads with the saved unit (and this message with it); the page
                    // keeps the new version for whoever looks.
                    if let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) {
                        let _ = body.set_attribute("data-last-edit", &a.etag.unwrap_or_default());
                    }
                    reload.run(());
                }
                Ok(a) if a.status == 412 => set_message.set(Some((
                    false,
                    tr(
                        lang.get_untracked(),
                        "冲突:该要素已被他人修改,请取消后重新编辑",
                        "Conflict: someone changed this feature meanwhile; cancel and edit again",
                    )
                    .to_owned(),
                ))),
                Ok(a) => set_message.set(Some((false, a.problem()))),
                Err(e) => set_message.set(Some((false, e))),
            }
        });
    };
    let cancel = move |_| {
        stop_edit();
        set_etag.set(None);
        set_message.set(None);
    };
    view! {
        <div class="edit" data-testid="edit-geometry">
            <Show when=move || etag.get().is_none() fallback=move || {
                let save = save.clone();
                view! {
                    <button data-testid="edit-save" on:click=save>{move || tr(lang.get(), "保存图形", "Save geometry")}</button>
                    <button data-testid="edit-cancel" on:click=cancel>{move || tr(lang.get(), "取消", "Cancel")}</button>
                }
            }>
                <button data-testid="edit-start" on:click=begin.clone()>{move || tr(lang.get(), "编辑图形", "Edit geometry")}</button>
            </Show>
            {move || message.get().map(|(ok, m)| view! { <p class=if ok { "done" } else { "error-text" } data-testid="edit-message">{m}</p> })}
        </div>
    }
}
