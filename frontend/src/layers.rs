//! 图层: toggles, opacity and legend per layer group; the layers are those of the tiles
//! (`onemap_api::LAYERS`), the legend the compensation-unit statuses; and the basemaps of
//! onemap.toml (`GET /api/basemaps`), one at a time, when there are any.

use leptos::prelude::*;
use leptos::task::spawn_local;
use onemap_api::basemaps::Basemap;
use onemap_api::{LAYERS, STATUSES};

use crate::api_client::get;
use crate::i18n::{Lang, tr};
use crate::map::{set_basemap, set_group_opacity, set_group_visible};

/// 底图: 无 or one of the configured basemaps.
#[component]
fn BasemapChoice(lang: ReadSignal<Lang>) -> impl IntoView {
    let (basemaps, set_basemaps) = signal(Vec::<Basemap>::new());
    // The one shown (the panel may have been closed and opened again).
    let shown = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
        .and_then(|b| b.get_attribute("data-basemap"))
        .unwrap_or_default();
    let none = shown.is_empty();
    let shown = StoredValue::new(shown);
    spawn_local(async move { set_basemaps.set(get("/api/basemaps").await.unwrap_or_default()) });
    let choose = move |id: Option<String>| {
        let chosen = id.and_then(|id| basemaps.get_untracked().into_iter().find(|b| b.id == id));
        set_basemap(chosen.and_then(|b| serde_json::to_string(&b).ok()));
    };
    view! {
        <Show when=move || !basemaps.get().is_empty()>
            <div class="basemaps" data-testid="basemaps">
                <b>{move || tr(lang.get(), "底图", "Basemap")}</b>
                <label>
                    <input type="radio" name="basemap" checked=none data-basemap="" on:change=move |_| choose(None) />
                    {move || tr(lang.get(), "无", "None")}
                </label>
                {move || basemaps.get().into_iter().map(|b| {
                    let id = b.id.clone();
                    let checked = shown.with_value(|s| b.id == *s);
                    view! {
                        <label>
                            <input type="radio" name="basemap" checked=checked data-basemap=b.id.clone()
                                on:change=move |_| choose(Some(id.clone())) />
                            {b.name.clone()}
                        </label>
                    }
                }).collect_view()}
            </div>
        </Show>
    }
}

/// The layer panel.
#[component]
pub fn LayerPanel(lang: ReadSignal<Lang>) -> impl IntoView {
    view! {
        <section class="layers" data-testid="layers">
            <BasemapChoice lang=lang />
            {LAYERS.iter().map(|layer| {
                let id = layer.id;
                view! {
                    <div class="layer-row">
                        <label>
                            <input type="checkbox" checked data-layer=id on:change=move |ev| set_group_visible(id, event_target_checked(&ev)) />
                            <i class="swatch" style=format!("background:{}", layer.colour)></i>
                            {move || tr(lang.get(), layer.name_zh, layer.name_en)}
                        </label>
                        <input type="range" min="0" max="100" value="100" data-opacity=id
                            on:input=move |ev| set_group_opacity(id, event_target_value(&ev).parse::<f64>().unwrap_or(100.0) / 100.0) />
                    </div>
                }
            }).collect_view()}
            <div class="legend">
                {STATUSES.iter().map(|s| view! {
                    <span><i class="swatch" style=format!("background:{}", s.colour)></i>{move || tr(lang.get(), s.name_zh, s.name_en)}</span>
                }).collect_view()}
            </div>
        </section>
    }
}
