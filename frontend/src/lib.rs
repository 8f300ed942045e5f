//! onemap 一张图 — the web UI: the map (MapLibre, through `js/map.js`), search with
//! suggestions, click-identify and the unit panel, deep links `/#unit=<code>`, Chinese with
//! an English switch. Talks to the server's JSON API only, through the shared `onemap-api`
//! types.

mod api_client;
mod app;
mod display;
mod gk;
mod history;
mod i18n;
mod layers;
mod login;
mod map;
mod photo_view;
mod projects;
mod search;
mod unit_panel;
mod upload;
mod workplace;

use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
pub fn main() {
    leptos::mount::mount_to_body(app::App);
}
