//! 专题制图: the print panel — title, paper (A4/A3), orientation, scale (1:500 … 1:50,000) and
//! resolution — opens the print page (`print.html`) around the map's centre with the layers'
//! legend; there the browser prints it to PDF or it is saved as PNG.

use leptos::prelude::*;
use onemap_api::{LAYERS, STATUSES};

use crate::api_client::encode;
use crate::i18n::{Lang, tr};
use crate::map::map_center;

const SCALES: &[u32] = &[500, 1000, 2000, 5000, 10000, 25000, 50000];

fn select(ev: &leptos::ev::Event) -> String {
    let s: web_sys::HtmlSelectElement = event_target(ev);
    s.value()
}

/// The 打印 button and, while open, the panel.
#[component]
pub fn PrintPanel(lang: ReadSignal<Lang>) -> impl IntoView {
    let (open, set_open) = signal(false);
    let title = RwSignal::new("不动产登记与征迁专题图".to_owned());
    let (paper, orientation, scale, dpi) = (
        RwSignal::new("A4".to_owned()),
        RwSignal::new("landscape".to_owned()),
        RwSignal::new(2000u32),
        RwSignal::new(150u32),
    );
    let url = move || {
        let legend: Vec<(&str, &str)> = LAYERS
            .iter()
            .filter(|l| !matches!(l.id, "county" | "districts"))
            .map(|l| (l.name_zh, l.colour))
            .chain(STATUSES.iter().map(|s| (s.name_zh, s.colour)))
            .collect();
        format!(
            "/print.html?title={}&paper={}&orientation={}&scale={}&dpi={}&center={}&legend={}",
            encode(&title.get()),
            paper.get(),
            orientation.get(),
            scale.get(),
            dpi.get(),
            encode(&map_center()),
            encode(&serde_json::to_string(&legend).unwrap_or_default())
        )
    };
    let go = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.open_with_url_and_target(&url(), "_blank");
        }
    };
    view! {
        <button class="user" data-testid="print-button" on:click=move |_| set_open.update(|o| *o = !*o)>
            {move || tr(lang.get(), "打印", "Print")}
        </button>
        <Show when=move || open.get()>
            <aside class="panel print" data-testid="print-panel">
                <header>
                    <h2>{move || tr(lang.get(), "专题制图", "Map printing")}</h2>
                    <button class="close" on:click=move |_| set_open.set(false)>{move || tr(lang.get(), "关闭", "Close")}</button>
                </header>
                <div class="form">
                    <label>{move || tr(lang.get(), "标题", "Title")}
                        <input data-testid="print-title-input" prop:value=move || title.get()
                            on:change=move |ev| title.set(event_target_value(&ev)) />
                    </label>
                    <label>{move || tr(lang.get(), "纸张", "Paper")}
                        <select data-testid="print-paper" on:change=move |ev| paper.set(select(&ev))>
                            <option value="A4">"A4"</option>
                            <option value="A3">"A3"</option>
                        </select>
                    </label>
                    <label>{move || tr(lang.get(), "方向", "Orientation")}
                        <select data-testid="print-orientation" on:change=move |ev| orientation.set(select(&ev))>
                            <option value="landscape">{move || tr(lang.get(), "横向", "Landscape")}</option>
                            <option value="portrait">{move || tr(lang.get(), "纵向", "Portrait")}</option>
                        </select>
                    </label>
                    <label>{move || tr(lang.get(), "比例尺", "Scale")}
                        <select data-testid="print-scale" on:change=move |ev| scale.set(select(&ev).parse().unwrap_or(2000))>
                            {SCALES.iter().map(|s| view! { <option value=s.to_string() selected=*s == 2000>{format!("1:{s}")}</option> }).collect_view()}
                        </select>
                    </label>
                    <label>{move || tr(lang.get(), "分辨率", "Resolution")}
                        <select data-testid="print-dpi" on:change=move |ev| dpi.set(select(&ev).parse().unwrap_or(150))>
                            <option value="150">"150 dpi"</option>
                            <option value="300">"300 dpi"</option>
                        </select>
                    </label>
                    <button data-testid="print-open" on:click=go>{move || tr(lang.get(), "生成打印页", "Open the print page")}</button>
                </div>
            </aside>
        </Show>
    }
}
