//! The app shell: the top bar (search, 全县, layers, measuring, projects, login, language), the
//! map with click-identify and the cursor read-out, and the panels around it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use onemap_api::auth::Me;
use onemap_api::identify::Identified;
use wasm_bindgen::prelude::*;

use crate::api_client::{county_bounds, county_gk_srid, get, set_csrf};
use crate::gk;
use crate::i18n::{Lang, tr};
use crate::layers::LayerPanel;
use crate::login::LoginForm;
use crate::map::{
    create_map, draw_measure, expand_photo_cluster, fit_bounds, highlight, is_editing, set_status_colours,
};
use crate::photo_view::{PhotoView, ShownPhoto};
use crate::projects::Projects;
use crate::search::Search;
use crate::unit_panel::{Panel, Selected, Tab, open_unit, unit_from_hash};
use crate::upload::UploadPanel;
use crate::workplace::Revision;
use crate::workplace::access::AccessPanel;
use crate::workplace::approvals::Inbox;
use crate::workplace::cases::CaseQueue;
use crate::workplace::exports::ExportPanel;
use crate::workplace::print::PrintPanel;
use crate::workplace::statistics::StatisticsPanel;
use crate::workplace::unit_forms::WorkPanel;

/// 测量 mode: clicks add points instead of identifying.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Measure {
    Off,
    Distance,
    Area,
}

#[component]
pub fn App() -> impl IntoView {
    let (lang, set_lang) = signal(Lang::Zh);
    let (selected, set_selected) = signal(None::<Selected>);
    // The survey form records the unit the panel shows.
    provide_context(selected);
    let (error, set_error) = signal(None::<String>);
    let (cursor, set_cursor) = signal(None::<(f64, f64)>);
    let map_div = NodeRef::<leptos::html::Div>::new();
    // The signed-in user's display name, from /api/auth/me (None: the public).
    let (user, set_user) = signal(None::<String>);
    let (login_open, set_login_open) = signal(false);
    let (role, set_role) = signal(None::<onemap_api::Role>);
    let (upload_open, set_upload_open) = signal(false);
    let (projects_open, set_projects_open) = signal(false);
    let (layers_open, set_layers_open) = signal(false);
    let (photo, set_photo) = signal(None::<ShownPhoto>);
    // The workplace: writes move the revision (views reload), the panel's tab, and a
    // compensation unit without a unit code in a work panel of its own.
    provide_context(Revision(RwSignal::new(0)));
    let tab = RwSignal::new(Tab::Unit);
    let (work, set_work) = signal(None::<String>);
    // The county's Gauss-Krüger zone and bounds, for the cursor read-out, measuring, 全县.
    let (zone, set_zone) = signal(None::<gk::Zone>);
    let (bounds, set_bounds) = signal(None::<Vec<f64>>);
    let (gk_srid, set_gk_srid) = signal(None::<u16>);
    spawn_local(async move {
        if let Ok(srid) = county_gk_srid().await {
            set_zone.set(srid.and_then(gk::Zone::from_epsg));
            set_gk_srid.set(srid);
        }
        if let Ok(b) = county_bounds().await {
            set_bounds.set(b);
        }
    });
    let (measure, set_measure) = signal(Measure::Off);
    let (measure_points, set_measure_points) = signal(Vec::<(f64, f64)>::new());
    let measured = move || {
        let (Some(z), pts) = (zone.get(), measure_points.get()) else { return String::new() };
        match measure.get() {
            Measure::Off => String::new(),
            Measure::Distance => {
                let m = gk::length(&z, &pts);
                if m >= 1000.0 { format!("{:.3} km", m / 1000.0) } else { format!("{m:.2} m") }
            }
            Measure::Area => {
                let m2 = gk::area(&z, &pts);
                if m2 >= 10_000.0 { format!("{m2:.1} m² ({:.4} ha)", m2 / 10_000.0) } else { format!("{m2:.2} m²") }
            }
        }
    };
    spawn_local(async move {
        if let Ok(me) = get::<Me>("/api/auth/me").await {
            set_csrf(me.csrf_token.clone());
            set_role.set(Some(me.role));
            set_user.set(me.display_name.or(me.username));
        }
    });

    Effect::new(move |_| {
        let Some(div) = map_div.get() else { return };
        let on_click = Closure::<dyn Fn(f64, f64, f64)>::new(move |lon: f64, lat: f64, zoom: f64| {
            let mode = measure.get_untracked();
            if mode != Measure::Off {
                set_measure_points.update(|p| p.push((lon, lat)));
                let coords: Vec<[f64; 2]> = measure_points.get_untracked().iter().map(|&(x, y)| [x, y]).collect();
                draw_measure(&serde_json::to_string(&coords).unwrap_or_default(), mode == Measure::Area);
                return;
            }
            // A click on a photo count bubble zooms into it instead of identifying.
            if expand_photo_cluster(lon, lat) {
                return;
            }
            // A boundary being drawn (or an edit) takes the clicks.
            if is_editing() {
                return;
            }
            spawn_local(async move {
                match get::<Identified>(&format!("/api/identify?lon={lon}&lat={lat}&zoom={zoom}")).await {
                    Ok(i) => {
                        // A compensation unit under the click opens with its 征迁 tab; one
                        // without a unit code in the work panel.
                        let comp = i.compensation_units.into_iter().next();
                        if comp.is_some() {
                            tab.set(Tab::Relocation);
                        }
                        let code = comp.as_ref().and_then(|c| c.unit_code.clone()).or_else(|| {
                            i.house_units.into_iter().next().map(|h| h.unit_code).or(i.parcel.map(|p| p.unit_code))
                        });
                        set_work.set(None);
                        match (comp, code) {
                            (Some(c), _) if c.unit_code.is_none() => {
                                set_selected.set(None);
                                set_work.set(Some(c.code));
                            }
                            (_, Some(c)) => open_unit(c, false, set_selected, set_error),
                            (_, None) => {
                                highlight(None, false);
                                set_selected.set(None);
                            }
                        }
                    }
                    Err(e) => set_error.set(Some(e)),
                }
            });
        });
        let on_move = Closure::<dyn Fn(f64, f64)>::new(move |lon: f64, lat: f64| set_cursor.set(Some((lon, lat))));
        create_map(&div, "/styles/onemap.json", on_click.as_ref(), on_move.as_ref());
        // The compensation units in the legend's status colours.
        let colours: Vec<[&str; 2]> = onemap_api::STATUSES.iter().map(|s| [s.id, s.colour]).collect();
        set_status_colours(&serde_json::to_string(&colours).unwrap_or_default());
        on_click.forget();
        on_move.forget();
        if let Some(code) = unit_from_hash() {
            open_unit(code, true, set_selected, set_error);
        }
    });

    view! {
        <header class="bar">
            <h1>{move || tr(lang.get(), "不动产登记与征迁一张图", "onemap — registration & relocation")}</h1>
            <Search lang=lang selected=set_selected error=set_error />
            <button class="user" data-testid="county-button" on:click=move |_| {
                if let Some(b) = bounds.get_untracked().filter(|b| b.len() == 4) {
                    fit_bounds(b[0], b[1], b[2], b[3]);
                }
            }>{move || tr(lang.get(), "全县", "County")}</button>
            <button class="user" data-testid="layers-button" on:click=move |_| set_layers_open.update(|o| *o = !*o)>
                {move || tr(lang.get(), "图层", "Layers")}
            </button>
            <button class="user" data-testid="measure-distance" class:active=move || measure.get() == Measure::Distance on:click=move |_| {
                set_measure_points.set(Vec::new());
                draw_measure("[]", false);
                set_measure.update(|m| *m = if *m == Measure::Distance { Measure::Off } else { Measure::Distance });
            }>{move || tr(lang.get(), "测距", "Distance")}</button>
            <button class="user" data-testid="measure-area" class:active=move || measure.get() == Measure::Area on:click=move |_| {
                set_measure_points.set(Vec::new());
                draw_measure("[]", true);
                set_measure.update(|m| *m = if *m == Measure::Area { Measure::Off } else { Measure::Area });
            }>{move || tr(lang.get(), "测面", "Area")}</button>
            <Show when=move || user.get().is_some()>
                <button class="user" data-testid="projects-button" on:click=move |_| set_projects_open.update(|o| *o = !*o)>
                    {move || tr(lang.get(), "征收项目", "Projects")}
                </button>
            </Show>
            <Inbox lang=lang role=role />
            <CaseQueue lang=lang role=role />
            <ExportPanel lang=lang role=role gk_srid=gk_srid />
            <StatisticsPanel lang=lang role=role />
            <PrintPanel lang=lang />
            <AccessPanel lang=lang role=role />
            <Show when=move || matches!(role.get(), Some(onemap_api::Role::Surveyor | onemap_api::Role::Admin))>
                <button class="user" data-testid="upload-button" on:click=move |_| set_upload_open.update(|o| *o = !*o)>
                    {move || tr(lang.get(), "成果上传", "Upload")}
                </button>
            </Show>
            <button class="user" data-testid="login" on:click=move |_| set_login_open.update(|o| *o = !*o)>
                {move || user.get().unwrap_or_else(|| tr(lang.get(), "登录", "Log in").to_owned())}
            </button>
            <button class="lang" data-testid="lang" on:click=move |_| set_lang.update(|l| *l = if *l == Lang::Zh { Lang::En } else { Lang::Zh })>
                {move || tr(lang.get(), "English", "中文")}
            </button>
        </header>
        <div class="map" node_ref=map_div></div>
        <Show when=move || layers_open.get()>
            <LayerPanel lang=lang />
        </Show>
        <Show when=move || measure.get() != Measure::Off>
            <div class="measure" data-testid="measure-result">
                {move || if measure_points.get().is_empty() { tr(lang.get(), "在地图上点击以测量", "Click on the map to measure").to_owned() } else { measured() }}
            </div>
        </Show>
        <Show when=move || projects_open.get()>
            <Projects lang=lang selected=set_selected error=set_error role=role tab=tab work=set_work />
        </Show>
        <LoginForm lang=lang open=login_open error=set_error />
        <Show when=move || upload_open.get()>
            <UploadPanel lang=lang close=set_upload_open />
        </Show>
        <Panel lang=lang selected=selected close=set_selected show_photo=set_photo role=role error=set_error tab=tab />
        <Show when=move || selected.get().is_none()>
            <WorkPanel lang=lang role=role code=work close=set_work />
        </Show>
        <PhotoView lang=lang photo=photo set_photo=set_photo />
        <div class="coords" data-testid="coords">
            {move || cursor.get().map(|(lon, lat)| match zone.get() {
                Some(z) => {
                    let (x, y) = z.forward(lon, lat);
                    format!("{lon:.6}, {lat:.6} | X {x:.2} Y {y:.2} (EPSG:{})", z.epsg)
                }
                None => format!("{lon:.6}, {lat:.6}"),
            }).unwrap_or_default()}
        </div>
        {move || error.get().map(|e| view! { <div class="error" role="alert">{e}</div> })}
    }
}
