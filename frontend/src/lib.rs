//! onemap 一张图 — the web UI: the map (MapLibre, through `js/map.js`), search with
//! suggestions, click-identify and the unit panel, deep links `/#unit=<code>`, Chinese with
//! an English switch. Talks to the server's JSON API only.

mod gk;

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/js/map.js")]
extern "C" {
    #[wasm_bindgen(js_name = createMap)]
    fn create_map(container: &web_sys::HtmlElement, style_url: &str, on_click: &JsValue, on_move: &JsValue) -> JsValue;
    fn highlight(geometry_json: Option<String>, fly: bool);
    #[wasm_bindgen(js_name = fitBounds)]
    fn fit_bounds(w: f64, s: f64, e: f64, n: f64);
    #[wasm_bindgen(js_name = drawMeasure)]
    fn draw_measure(coords_json: &str, polygon: bool);
    #[wasm_bindgen(js_name = setGroupVisible)]
    fn set_group_visible(group: &str, visible: bool);
    #[wasm_bindgen(js_name = setGroupOpacity)]
    fn set_group_opacity(group: &str, opacity: f64);
}

/// 测量 mode: clicks add points instead of identifying.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Measure {
    Off,
    Distance,
    Area,
}

/// The layer groups of the panel: source layer, Chinese and English name, legend colour.
const LAYERS: [(&str, &str, &str, &str); 9] = [
    ("county", "县界", "County", "#333333"),
    ("towns", "乡镇", "Towns", "#7e57c2"),
    ("districts", "地籍区", "Cadastral districts", "#8d6e63"),
    ("parcels", "宗地", "Parcels", "#e8d5b0"),
    ("buildings", "自然幢", "Buildings", "#a1887f"),
    ("house_units", "户", "House units", "#bcaaa4"),
    ("projects", "征收项目", "Projects", "#d32f2f"),
    ("compensation_units", "补偿单元", "Compensation units", "#43a047"),
    ("photos", "现场照片", "Photos", "#1e88e5"),
];

/// 图层: toggles, opacity and legend per layer group.
#[component]
fn LayerPanel(lang: ReadSignal<Lang>) -> impl IntoView {
    view! {
        <section class="layers" data-testid="layers">
            {LAYERS.iter().map(|(id, zh, en, colour)| view! {
                <div class="layer-row">
                    <label>
                        <input type="checkbox" checked data-layer=*id on:change=move |ev| set_group_visible(id, event_target_checked(&ev)) />
                        <i class="swatch" style=format!("background:{colour}")></i>
                        {move || tr(lang.get(), zh, en)}
                    </label>
                    <input type="range" min="0" max="100" value="100" data-opacity=*id
                        on:input=move |ev| set_group_opacity(id, event_target_value(&ev).parse::<f64>().unwrap_or(100.0) / 100.0) />
                </div>
            }).collect_view()}
            <div class="legend">
                {STATUSES.iter().map(|(_, colour, zh, en)| view! {
                    <span><i class="swatch" style=format!("background:{colour}")></i>{move || tr(lang.get(), zh, en)}</span>
                }).collect_view()}
            </div>
        </section>
    }
}

/// 界面语言.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lang {
    Zh,
    En,
}

fn tr(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    if lang == Lang::Zh { zh } else { en }
}

/// Sends a request to the API and reads its JSON answer; a problem body's `detail` becomes
/// the error shown to the user.
async fn fetch_json(path: &str, init: Option<&web_sys::RequestInit>) -> Result<Value, String> {
    let window = web_sys::window().ok_or("no window")?;
    let promise = match init {
        Some(init) => window.fetch_with_str_and_init(path, init),
        None => window.fetch_with_str(path),
    };
    let resp: web_sys::Response = JsFuture::from(promise)
        .await
        .map_err(|e| format!("{e:?}"))?
        .dyn_into()
        .map_err(|_| "not a response".to_owned())?;
    let ok = resp.ok();
    let body = JsFuture::from(resp.json().map_err(|e| format!("{e:?}"))?).await.map_err(|e| format!("{e:?}"))?;
    let v: Value = serde_wasm_bindgen::from_value(body).map_err(|e| e.to_string())?;
    if ok { Ok(v) } else { Err(v["detail"].as_str().unwrap_or("request failed").to_owned()) }
}

/// GET a JSON document of the API.
async fn get_json(path: &str) -> Result<Value, String> {
    fetch_json(path, None).await
}

/// POST /api/auth/login; the server sets the session cookie that later requests (and the
/// map's tile requests) carry.
async fn login(username: &str, password: &str) -> Result<Value, String> {
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    let headers = web_sys::Headers::new().map_err(|e| format!("{e:?}"))?;
    headers.set("content-type", "application/json").map_err(|e| format!("{e:?}"))?;
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(&serde_json::json!({ "username": username, "password": password }).to_string()));
    fetch_json("/api/auth/login", Some(&init)).await
}

fn encode(s: &str) -> String {
    js_sys::encode_uri_component(s).as_string().unwrap_or_default()
}

/// The unit code in `#unit=<code>`, if any.
fn unit_from_hash() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    hash.strip_prefix("#unit=")
        .map(|c| js_sys::decode_uri_component(c).ok().and_then(|s| s.as_string()).unwrap_or_default())
}

/// What the panel shows: a unit and its chain, as /api/units/{code} gives it.
#[derive(Clone)]
struct Selected {
    code: String,
    unit: Value,
}

/// Loads a unit, highlights (and flies to) its geometry, opens the panel, records the link.
fn open_unit(code: String, fly: bool, selected: WriteSignal<Option<Selected>>, error: WriteSignal<Option<String>>) {
    spawn_local(async move {
        match get_json(&format!("/api/units/{}", encode(&code))).await {
            Ok(unit) => {
                let geometry = ["house_unit", "building", "parcel"]
                    .iter()
                    .find_map(|k| unit[*k].get("geometry").filter(|g| !g.is_null()))
                    .map(|g| g.to_string());
                highlight(geometry, fly);
                if let Some(w) = web_sys::window() {
                    let _ = w.location().set_hash(&format!("unit={code}"));
                }
                selected.set(Some(Selected { code, unit }));
                error.set(None);
            }
            Err(e) => error.set(Some(e)),
        }
    });
}

fn field(label: &'static str, v: &Value) -> impl IntoView + use<> {
    let text = text_of(v);
    view! { <tr><th>{label}</th><td>{text}</td></tr> }
}

/// The panel's tabs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Unit,
    Registration,
    Relocation,
    Photos,
    Archive,
}

fn text_of(v: &Value) -> String {
    match v {
        Value::Null => "—".to_owned(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn unit_tab(l: Lang, u: &Value) -> AnyView {
    let (p, b, h) = (u["parcel"].clone(), u["building"].clone(), u["house_unit"].clone());
    view! {
        <h3>{tr(l, "宗地", "Parcel")}</h3>
        <table>
            {field(tr(l, "不动产单元代码", "Unit code"), &p["unit_code"])}
            {field(tr(l, "坐落", "Address"), &p["address"])}
            {field(tr(l, "用途", "Land use"), &p["land_use_name"])}
            {field(tr(l, "面积(m²)", "Area (m²)"), &p["area_m2"])}
        </table>
        {(!b.is_null()).then(|| view! {
            <h3>{tr(l, "自然幢", "Building")}</h3>
            <table>
                {field(tr(l, "幢号", "Building no."), &b["building_no"])}
                {field(tr(l, "层数", "Floors"), &b["floors"])}
            </table>
        })}
        {(!h.is_null()).then(|| view! {
            <h3>{tr(l, "户", "House unit")}</h3>
            <table>
                {field(tr(l, "室号", "Room"), &h["room_label"])}
                {field(tr(l, "建筑面积(m²)", "Floor area (m²)"), &h["floor_area_m2"])}
            </table>
        })}
    }
    .into_any()
}

fn registration_tab(l: Lang, u: &Value) -> AnyView {
    let rights = u["rights"].as_array().cloned().unwrap_or_default();
    if rights.is_empty() {
        return view! { <p>{tr(l, "无登记记录", "No registration record")}</p> }.into_any();
    }
    rights
        .into_iter()
        .map(|r| {
            let parties: Vec<String> = r["parties"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| format!("{} {}", text_of(&p["name"]), text_of(&p["id_number"])))
                .collect();
            let certs: Vec<String> =
                r["certificates"].as_array().into_iter().flatten().map(|c| text_of(&c["number"])).collect();
            view! {
                <h3>{text_of(&r["kind"])} " · " {text_of(&r["status"])}</h3>
                <table>
                    {field(tr(l, "业务号", "Business no."), &r["business_no"])}
                    {field(tr(l, "登记日期", "Registered"), &r["registered_on"])}
                    <tr><th>{tr(l, "权利人", "Holders")}</th><td data-testid="holders">{parties.join("；")}</td></tr>
                    <tr><th>{tr(l, "证书", "Certificates")}</th><td>{certs.join("；")}</td></tr>
                </table>
            }
        })
        .collect_view()
        .into_any()
}

fn relocation_tab(l: Lang, c: &Value) -> AnyView {
    let timeline: Vec<String> = c["timeline"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| format!("{} {}", text_of(&t["on"]), text_of(&t["status"])))
        .collect();
    let payments: Vec<String> = c["payments"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| format!("{} {} ¥{}", text_of(&p["paid_on"]), text_of(&p["purpose"]), text_of(&p["amount"])))
        .collect();
    view! {
        <table>
            {field(tr(l, "补偿单元", "Compensation unit"), &c["code"])}
            {field(tr(l, "状态", "Status"), &c["status"])}
            {field(tr(l, "被征收人", "Owner"), &c["owner_name"])}
            {field(tr(l, "评估机构", "Appraiser"), &c["appraisal"]["firm"])}
            {field(tr(l, "评估报告", "Report"), &c["appraisal"]["report_no"])}
            {field(tr(l, "协议编号", "Agreement"), &c["agreement"]["no"])}
            {field(tr(l, "补偿总额(元)", "Total (yuan)"), &c["amounts"]["total_amount"])}
        </table>
        <h3>{tr(l, "进度", "Timeline")}</h3>
        <ol class="timeline">{timeline.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ol>
        <h3>{tr(l, "支付", "Payments")}</h3>
        <ul>{payments.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ul>
    }
    .into_any()
}

/// A photo in full view: its URL and its caption (taken time, caption text).
type PhotoView = Option<(String, String)>;

fn photos_tab(l: Lang, c: &Value, show: WriteSignal<PhotoView>) -> AnyView {
    let photos = c["photos"].as_array().cloned().unwrap_or_default();
    if photos.is_empty() {
        return view! { <p>{tr(l, "无照片", "No photos")}</p> }.into_any();
    }
    view! {
        <div class="gallery">
            {photos.into_iter().map(|p| {
                let url = text_of(&p["url"]);
                let point = serde_json::json!({ "type": "Point", "coordinates": [p["lon"], p["lat"]] }).to_string();
                let title = format!("{} {}", text_of(&p["taken_at"]), text_of(&p["caption"]));
                let (full, caption) = (url.clone(), title.clone());
                view! {
                    <figure on:click=move |_| {
                        // Its position on the map, and the photo in full view.
                        highlight(Some(point.clone()), false);
                        show.set(Some((full.clone(), caption.clone())));
                    }>
                        <img src=format!("{url}?thumbnail") alt=title.clone() />
                        <figcaption>{title}</figcaption>
                    </figure>
                }
            }).collect_view()}
        </div>
    }
    .into_any()
}

fn archive_tab(l: Lang, c: &Value) -> AnyView {
    let docs = c["documents"].as_array().cloned().unwrap_or_default();
    if docs.is_empty() {
        return view! { <p>{tr(l, "无档案", "No documents")}</p> }.into_any();
    }
    view! {
        <ul class="docs">
            {docs.into_iter().map(|d| view! {
                <li><a href=text_of(&d["url"]) target="_blank">{text_of(&d["title"])}</a> " " <small>{text_of(&d["date"])}</small></li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn Panel(
    lang: ReadSignal<Lang>,
    selected: ReadSignal<Option<Selected>>,
    close: WriteSignal<Option<Selected>>,
    show_photo: WriteSignal<PhotoView>,
) -> impl IntoView {
    let (tab, set_tab) = signal(Tab::Unit);
    move || {
        selected.get().map(|s| {
            let l = lang.get();
            let comp = s.unit["compensation"].clone();
            let mut tabs =
                vec![(Tab::Unit, tr(l, "宗地/幢/户", "Unit")), (Tab::Registration, tr(l, "登记", "Registration"))];
            if !comp.is_null() {
                tabs.extend([
                    (Tab::Relocation, tr(l, "征迁", "Relocation")),
                    (Tab::Photos, tr(l, "照片", "Photos")),
                    (Tab::Archive, tr(l, "档案", "Archive")),
                ]);
            }
            let current = if tabs.iter().any(|(t, _)| *t == tab.get()) { tab.get() } else { Tab::Unit };
            let body = match current {
                Tab::Unit => unit_tab(l, &s.unit),
                Tab::Registration => registration_tab(l, &s.unit),
                Tab::Relocation => relocation_tab(l, &comp),
                Tab::Photos => photos_tab(l, &comp, show_photo),
                Tab::Archive => archive_tab(l, &comp),
            };
            view! {
                <aside class="panel" data-testid="panel">
                    <header>
                        <h2 data-testid="unit-code">{s.code.clone()}</h2>
                        <button class="close" on:click=move |_| close.set(None)>{tr(l, "关闭", "Close")}</button>
                    </header>
                    <nav class="tabs">
                        {tabs.into_iter().map(|(t, label)| view! {
                            <button class:active=move || t == current on:click=move |_| set_tab.set(t)>{label}</button>
                        }).collect_view()}
                    </nav>
                    {body}
                </aside>
            }
        })
    }
}

/// Status of a compensation unit, in process order, with its map colour and names.
const STATUSES: [(&str, &str, &str, &str); 5] = [
    ("surveyed", "#9e9e9e", "已调查", "surveyed"),
    ("appraised", "#42a5f5", "已评估", "appraised"),
    ("signed", "#ffb300", "已签约", "signed"),
    ("paid", "#43a047", "已支付", "paid"),
    ("demolished", "#6d4c41", "已拆除", "demolished"),
];

fn status_name(l: Lang, s: &str) -> String {
    STATUSES.iter().find(|x| x.0 == s).map(|x| tr(l, x.2, x.3).to_owned()).unwrap_or_else(|| s.to_owned())
}

/// Loads every compensation unit of a project, page by page.
async fn project_units(code: &str) -> Result<Vec<Value>, String> {
    let mut units = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("/api/projects/{}/units?limit=500", encode(code));
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={}", encode(c)));
        }
        let page = get_json(&url).await?;
        units.extend(page["units"].as_array().cloned().unwrap_or_default());
        match page["next_cursor"].as_str() {
            Some(c) if !c.is_empty() => cursor = Some(c.to_owned()),
            _ => return Ok(units),
        }
    }
}

/// 征收项目视图: pick a project → the map moves to it; progress by status with a bar chart,
/// amounts agreed vs paid, and a sortable table of its units linked to the map.
#[component]
fn Projects(
    lang: ReadSignal<Lang>,
    selected: WriteSignal<Option<Selected>>,
    error: WriteSignal<Option<String>>,
) -> impl IntoView {
    let (projects, set_projects) = signal(Vec::<Value>::new());
    let (current, set_current) = signal(None::<Value>);
    let (units, set_units) = signal(Vec::<Value>::new());
    let (sort, set_sort) = signal(("code", true));
    spawn_local(async move {
        match get_json("/api/projects").await {
            Ok(v) => set_projects.set(v.as_array().cloned().unwrap_or_default()),
            Err(e) => error.set(Some(e)),
        }
    });
    let choose = move |p: Value| {
        if let Some(b) = p["bbox"].as_array().filter(|b| b.len() == 4) {
            let v: Vec<f64> = b.iter().map(|x| x.as_f64().unwrap_or_default()).collect();
            fit_bounds(v[0], v[1], v[2], v[3]);
        }
        let code = p["code"].as_str().unwrap_or_default().to_owned();
        set_current.set(Some(p));
        set_units.set(Vec::new());
        spawn_local(async move {
            match project_units(&code).await {
                Ok(u) => set_units.set(u),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let sorted = move || {
        let (key, asc) = sort.get();
        let mut u = units.get();
        u.sort_by(|a, b| {
            let o = match (a[key].as_f64(), b[key].as_f64()) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                _ => text_of(&a[key]).cmp(&text_of(&b[key])),
            };
            if asc { o } else { o.reverse() }
        });
        u
    };
    let header = move |key: &'static str, zh: &'static str, en: &'static str| {
        view! {
            <th class="sortable" on:click=move |_| set_sort.update(|s| *s = if s.0 == key { (key, !s.1) } else { (key, true) })>
                {move || tr(lang.get(), zh, en)}
                {move || if sort.get().0 == key { if sort.get().1 { " ▲" } else { " ▼" } } else { "" }}
            </th>
        }
    };
    view! {
        <section class="projects" data-testid="projects">
            <select data-testid="project-select" on:change=move |ev| {
                let code = event_target_value(&ev);
                if let Some(p) = projects.get_untracked().into_iter().find(|p| p["code"] == code.as_str()) {
                    choose(p);
                }
            }>
                <option value="">{move || tr(lang.get(), "选择征收项目…", "Choose a project…")}</option>
                <For each=move || projects.get() key=|p| text_of(&p["code"]) let(p)>
                    <option value=text_of(&p["code"])>{text_of(&p["name"])}</option>
                </For>
            </select>
            {move || current.get().map(|p| {
                let l = lang.get();
                let counts = p["counts"].clone();
                let total = counts["units"].as_f64().unwrap_or(0.0).max(1.0);
                view! {
                    <h3>{text_of(&p["name"])}</h3>
                    <p class="summary" data-testid="project-summary">
                        {tr(l, "补偿单元", "Units")} " " <b data-testid="unit-count">{text_of(&counts["units"])}</b>
                        "，" {tr(l, "签约率", "signed")} " " <b>{text_of(&counts["signed_percent"])} "%"</b>
                    </p>
                    <div class="bars">
                        {STATUSES.iter().map(|(s, colour, zh, en)| {
                            let n = counts[*s].as_f64().unwrap_or(0.0);
                            view! {
                                <div class="bar-row" data-status=*s>
                                    <span>{tr(l, zh, en)}</span>
                                    <div class="meter" style=format!("width:{:.1}%;background:{colour}", n / total * 100.0)></div>
                                    <b data-testid=format!("count-{s}")>{n}</b>
                                </div>
                            }
                        }).collect_view()}
                    </div>
                    <table class="amounts">
                        {field(tr(l, "补偿资金预算(元)", "Budget (yuan)"), &p["budget"])}
                        {field(tr(l, "已签约金额(元)", "Agreed (yuan)"), &p["agreed_total"])}
                        {field(tr(l, "已支付金额(元)", "Paid (yuan)"), &p["paid_total"])}
                    </table>
                }
            })}
            <Show when=move || !units.get().is_empty()>
                <table class="units" data-testid="unit-table">
                    <thead><tr>
                        {header("code", "编号", "Code")}
                        {header("status", "状态", "Status")}
                        {header("owner_name", "被征收人", "Owner")}
                        {header("total_amount", "补偿总额", "Total")}
                    </tr></thead>
                    <tbody>
                        {move || sorted().into_iter().map(|u| {
                            let unit_code = text_of(&u["unit_code"]);
                            let status = text_of(&u["status"]);
                            view! {
                                <tr on:click=move |_| open_unit(unit_code.clone(), true, selected, error)>
                                    <td>{text_of(&u["code"])}</td>
                                    <td><i class="dot" style=format!("background:{}", STATUSES.iter().find(|x| x.0 == status).map(|x| x.1).unwrap_or("#999"))></i>
                                        {status_name(lang.get_untracked(), &status)}</td>
                                    <td>{text_of(&u["owner_name"])}</td>
                                    <td>{text_of(&u["total_amount"])}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </Show>
        </section>
    }
}

#[component]
fn App() -> impl IntoView {
    let (lang, set_lang) = signal(Lang::Zh);
    let (selected, set_selected) = signal(None::<Selected>);
    let (error, set_error) = signal(None::<String>);
    let (cursor, set_cursor) = signal(None::<(f64, f64)>);
    let (query, set_query) = signal(String::new());
    let (hits, set_hits) = signal(Vec::<Value>::new());
    let map_div = NodeRef::<leptos::html::Div>::new();
    // The signed-in user's display name, from /api/auth/me (None: the public).
    let (user, set_user) = signal(None::<String>);
    let (login_open, set_login_open) = signal(false);
    let (projects_open, set_projects_open) = signal(false);
    let (layers_open, set_layers_open) = signal(false);
    let (photo, set_photo) = signal(None::<(String, String)>);
    // The county's Gauss-Krüger zone and bounds, for the cursor read-out, measuring, 全县.
    let (zone, set_zone) = signal(None::<gk::Zone>);
    let (county_bounds, set_county_bounds) = signal(None::<Vec<f64>>);
    spawn_local(async move {
        if let Ok(v) = get_json("/ogc/collections/admin_areas/items?level=county&limit=1").await {
            let srid = v["features"][0]["properties"]["gk_srid"].as_u64().and_then(|s| u16::try_from(s).ok());
            set_zone.set(srid.and_then(gk::Zone::from_epsg));
        }
        if let Ok(v) = get_json("/tiles/county").await {
            set_county_bounds.set(v["bounds"].as_array().map(|b| b.iter().filter_map(Value::as_f64).collect()));
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
        if let Ok(me) = get_json("/api/auth/me").await {
            set_user.set(me["display_name"].as_str().or(me["username"].as_str()).map(str::to_owned));
        }
    });
    // 演示账号: listed on the login form while the demo county is loaded.
    let (demo, set_demo) = signal(None::<Value>);
    Effect::new(move |_| {
        if login_open.get() && demo.get_untracked().is_none() {
            spawn_local(async move {
                if let Ok(v) = get_json("/api/auth/demo-users").await {
                    set_demo.set(Some(v));
                }
            });
        }
    });
    let username = NodeRef::<leptos::html::Input>::new();
    let password = NodeRef::<leptos::html::Input>::new();
    let submit_login = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(u), Some(p)) = (username.get(), password.get()) else { return };
        let (u, p) = (u.value(), p.value());
        spawn_local(async move {
            match login(&u, &p).await {
                // A fresh page: tiles and panels follow the new role.
                Ok(_) => {
                    if let Some(w) = web_sys::window() {
                        let _ = w.location().reload();
                    }
                }
                Err(e) => set_error.set(Some(e)),
            }
        });
    };

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
            spawn_local(async move {
                match get_json(&format!("/api/identify?lon={lon}&lat={lat}&zoom={zoom}")).await {
                    Ok(v) => {
                        let code = v["house_units"][0]["unit_code"]
                            .as_str()
                            .or_else(|| v["parcel"]["unit_code"].as_str())
                            .map(str::to_owned);
                        match code {
                            Some(c) => open_unit(c, false, set_selected, set_error),
                            None => {
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
        on_click.forget();
        on_move.forget();
        if let Some(code) = unit_from_hash() {
            open_unit(code, true, set_selected, set_error);
        }
    });

    let on_input = move |ev: leptos::ev::Event| {
        let q = event_target_value(&ev);
        set_query.set(q.clone());
        if q.trim().chars().count() < 2 {
            set_hits.set(Vec::new());
            return;
        }
        spawn_local(async move {
            if let Ok(v) = get_json(&format!("/api/search?q={}&limit=8", encode(q.trim()))).await {
                // Only the answer to the latest text is shown.
                if query.get_untracked() == q {
                    set_hits.set(v["hits"].as_array().cloned().unwrap_or_default());
                }
            }
        });
    };

    view! {
        <header class="bar">
            <h1>{move || tr(lang.get(), "不动产登记与征迁一张图", "onemap — registration & relocation")}</h1>
            <div class="search">
                <input type="search" data-testid="search" autocomplete="off"
                    placeholder=move || tr(lang.get(), "单元代码、证书号、权利人或坐落", "Unit code, certificate, owner or address")
                    prop:value=query on:input=on_input />
                <ul class="hits" data-testid="hits">
                    <For each=move || hits.get() key=|h| h["unit_code"].as_str().unwrap_or_default().to_owned() let(hit)>
                        {
                            let code = hit["unit_code"].as_str().unwrap_or_default().to_owned();
                            let title = hit["title"].as_str().unwrap_or_default().to_owned();
                            let subtitle = hit["subtitle"].as_str().unwrap_or_default().to_owned();
                            view! {
                                <li on:click=move |_| {
                                    set_hits.set(Vec::new());
                                    open_unit(code.clone(), true, set_selected, set_error);
                                }>
                                    <b>{title}</b> <span>{subtitle}</span>
                                </li>
                            }
                        }
                    </For>
                </ul>
            </div>
            <button class="user" data-testid="county-button" on:click=move |_| {
                if let Some(b) = county_bounds.get_untracked().filter(|b| b.len() == 4) {
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
            <Projects lang=lang selected=set_selected error=set_error />
        </Show>
        <Show when=move || login_open.get()>
            <form class="login" data-testid="login-form" on:submit=submit_login>
                <label>{move || tr(lang.get(), "用户名", "Username")} <input name="username" node_ref=username autocomplete="username" /></label>
                <label>{move || tr(lang.get(), "密码", "Password")} <input name="password" type="password" node_ref=password autocomplete="current-password" /></label>
                <button type="submit">{move || tr(lang.get(), "登录", "Log in")}</button>
                {move || demo.get().filter(|d| d["password"].is_string()).map(|d| {
                    let password_text = text_of(&d["password"]);
                    view! {
                        <div class="demo-users" data-testid="demo-users">
                            <p>{tr(lang.get(), "演示账号（仅演示数据）", "Demo users (demo data only)")} " · "
                               {tr(lang.get(), "密码", "password")} " " <code>{password_text.clone()}</code></p>
                            {d["users"].as_array().cloned().unwrap_or_default().into_iter().map(|u| {
                                let name = text_of(&u["username"]);
                                let label = format!("{} ({}, {})", text_of(&u["display_name"]), name, text_of(&u["role"]));
                                let password_text = password_text.clone();
                                view! {
                                    <button type="button" data-user=name.clone() on:click=move |_| {
                                        if let (Some(u), Some(p)) = (username.get(), password.get()) {
                                            u.set_value(&name);
                                            p.set_value(&password_text);
                                        }
                                    }>{label}</button>
                                }
                            }).collect_view()}
                        </div>
                    }
                })}
            </form>
        </Show>
        <Panel lang=lang selected=selected close=set_selected show_photo=set_photo />
        {move || photo.get().map(|(url, caption)| view! {
            <div class="lightbox" data-testid="lightbox" on:click=move |_| set_photo.set(None)>
                <figure on:click=|ev| ev.stop_propagation()>
                    <img src=url.clone() alt=caption.clone() />
                    <figcaption>{caption} " " <a href=url target="_blank">{move || tr(lang.get(), "原图", "Original")}</a></figcaption>
                    <button on:click=move |_| set_photo.set(None)>{move || tr(lang.get(), "关闭", "Close")}</button>
                </figure>
            </div>
        })}
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

#[wasm_bindgen(start)]
pub fn main() {
    leptos::mount::mount_to_body(App);
}
