//! 查询框: suggestions from `/api/search` while typing; choosing one opens its unit.

use leptos::prelude::*;
use leptos::task::spawn_local;
use onemap_api::search::{SearchHit, SearchResults};

use crate::api_client::{encode, get};
use crate::i18n::{Lang, tr};
use crate::unit_panel::{Selected, open_unit};

/// The search box and its list of hits.
#[component]
pub fn Search(
    lang: ReadSignal<Lang>,
    selected: WriteSignal<Option<Selected>>,
    error: WriteSignal<Option<String>>,
) -> impl IntoView {
    let (query, set_query) = signal(String::new());
    let (hits, set_hits) = signal(Vec::<SearchHit>::new());
    let on_input = move |ev: leptos::ev::Event| {
        let q = event_target_value(&ev);
        set_query.set(q.clone());
        if q.trim().chars().count() < 2 {
            set_hits.set(Vec::new());
            return;
        }
        spawn_local(async move {
            if let Ok(r) = get::<SearchResults>(&format!("/api/search?q={}&limit=8", encode(q.trim()))).await {
                // Only the answer to the latest text is shown.
                if query.get_untracked() == q {
                    set_hits.set(r.hits);
                }
            }
        });
    };
    view! {
        <div class="search">
            <input type="search" data-testid="search" autocomplete="off"
                placeholder=move || tr(lang.get(), "单元代码、证书号、权利人或坐落", "Unit code, certificate, owner or address")
                prop:value=query on:input=on_input />
            <ul class="hits" data-testid="hits">
                <For each=move || hits.get() key=|h| h.unit_code.clone() let(hit)>
                    {
                        let SearchHit { unit_code: code, title, subtitle, .. } = hit;
                        view! {
                            <li on:click=move |_| {
                                set_hits.set(Vec::new());
                                open_unit(code.clone(), true, selected, error);
                            }>
                                <b>{title}</b> <span>{subtitle}</span>
                            </li>
                        }
                    }
                </For>
            </ul>
        </div>
    }
}
