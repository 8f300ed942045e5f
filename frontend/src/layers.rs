//! 图层: toggles, opacity and legend per layer group; the layers are those of the tiles
//! (`onemap_api::LAYERS`), the legend the compensation-unit statuses.

use leptos::prelude::*;
use onemap_api::{LAYERS, STATUSES};

use crate::i18n::{Lang, tr};
use crate::map::{set_group_opacity, set_group_visible};

/// The layer panel.
#[component]
pub fn LayerPanel(lang: ReadSignal<Lang>) -> impl IntoView {
    view! {
        <section class="layers" data-testid="layers">
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
