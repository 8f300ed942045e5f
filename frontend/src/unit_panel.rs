//! 单元面板: a unit and its chain as `/api/units/{code}` gives it, in tabs — 宗地/幢/户,
//! 登记, and for callers who may see it 征迁, 照片, 档案.

use leptos::prelude::*;
use leptos::task::spawn_local;
use onemap_api::relocation::Compensation;
use onemap_api::units::UnitRecord;

use onemap_api::Role;

use crate::api_client::{encode, get};
use crate::display::{field, legality_name, mode_name, money, money_field, opt, purpose_name, status_name, text};
use crate::history::{EditGeometry, HistoryTab};
use crate::i18n::{Lang, tr};
use crate::map::highlight;
use crate::photo_view::ShownPhoto;
use crate::workplace::unit_forms::UnitWork;
use crate::workplace::{Revision, reads_relocation};

/// What the panel shows: a unit and its chain.
#[derive(Clone)]
pub struct Selected {
    pub code: String,
    pub unit: UnitRecord,
}

/// Loads a unit, highlights (and flies to) its geometry, opens the panel, records the link.
pub fn open_unit(code: String, fly: bool, selected: WriteSignal<Option<Selected>>, error: WriteSignal<Option<String>>) {
    spawn_local(async move {
        match get::<UnitRecord>(&format!("/api/units/{}", encode(&code))).await {
            Ok(unit) => {
                highlight(serde_json::to_string(unit.geometry()).ok(), fly);
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

/// The unit code in `#unit=<code>`, if any.
pub fn unit_from_hash() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    hash.strip_prefix("#unit=")
        .map(|c| js_sys::decode_uri_component(c).ok().and_then(|s| s.as_string()).unwrap_or_default())
}

/// The panel's tabs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Unit,
    Registration,
    Relocation,
    Photos,
    Archive,
    History,
}

fn unit_tab(l: Lang, u: &UnitRecord) -> AnyView {
    let p = &u.parcel;
    view! {
        <h3>{tr(l, "宗地", "Parcel")}</h3>
        <table>
            {field(tr(l, "不动产单元代码", "Unit code"), text(&p.unit_code))}
            {field(tr(l, "坐落", "Address"), text(&p.address))}
            {field(tr(l, "用途", "Land use"), text(&p.land_use_name))}
            {field(tr(l, "面积(m²)", "Area (m²)"), opt(p.area_m2))}
        </table>
        {u.building.as_ref().map(|b| view! {
            <h3>{tr(l, "自然幢", "Building")}</h3>
            <table>
                {field(tr(l, "幢号", "Building no."), text(&b.building_no))}
                {field(tr(l, "层数", "Floors"), text(b.floors))}
            </table>
        })}
        {u.house_unit.as_ref().map(|h| view! {
            <h3>{tr(l, "户", "House unit")}</h3>
            <table>
                {field(tr(l, "室号", "Room"), opt(h.room_label.as_ref()))}
                {field(tr(l, "建筑面积(m²)", "Floor area (m²)"), text(h.floor_area_m2))}
            </table>
        })}
    }
    .into_any()
}

/// Whether `role` may open a certificate's face (names and ID numbers in full).
fn reads_certificates(role: Option<Role>) -> bool {
    matches!(role, Some(Role::Clerk | Role::Officer | Role::Director | Role::Auditor))
}

fn registration_tab(l: Lang, u: &UnitRecord, faces: bool) -> AnyView {
    if u.rights.is_empty() {
        return view! { <p>{tr(l, "无登记记录", "No registration record")}</p> }.into_any();
    }
    u.rights
        .iter()
        .map(|r| {
            let parties: Vec<String> = r.parties.iter().map(|p| format!("{} {}", p.name, p.id_number)).collect();
            // Each certificate: its number, its face (PDF) for those who may read it in full,
            // and the public verification its QR code opens.
            let certs = r
                .certificates
                .iter()
                .map(|c| {
                    let id = crate::api_client::encode(&c.identifier);
                    view! {
                        <div class="certificate" data-number=c.number.clone()>
                            {c.number.clone()} " "
                            {faces.then(|| view! {
                                <a data-testid="cert-pdf" href=format!("/api/certificates/{id}/pdf") target="_blank" rel="noopener">{tr(l, "证书", "Certificate")}</a>
                            })} " "
                            <a data-testid="cert-verify" href=format!("/verify/{id}") target="_blank" rel="noopener">{tr(l, "核验", "Verify")}</a>
                        </div>
                    }
                })
                .collect_view();
            view! {
                <h3>{r.kind.clone()} " · " {r.status.clone()}</h3>
                <table>
                    {field(tr(l, "业务号", "Business no."), text(&r.business_no))}
                    {field(tr(l, "登记日期", "Registered"), text(r.registered_on))}
                    <tr><th>{tr(l, "权利人", "Holders")}</th><td data-testid="holders">{parties.join("；")}</td></tr>
                    <tr><th>{tr(l, "证书", "Certificates")}</th><td>{certs}</td></tr>
                </table>
            }
        })
        .collect_view()
        .into_any()
}

fn relocation_tab(l: Lang, c: &Compensation) -> AnyView {
    let timeline: Vec<String> = c.timeline.iter().map(|t| format!("{} {}", t.on, status_name(l, &t.status))).collect();
    let payments: Vec<String> = c
        .payments
        .iter()
        .map(|p| format!("{} {} {}", p.paid_on, purpose_name(l, &p.purpose), money(p.amount)))
        .collect();
    view! {
        <table>
            {field(tr(l, "补偿单元", "Compensation unit"), text(&c.code))}
            <tr><th>{tr(l, "状态", "Status")}</th><td data-testid="unit-status" data-status=c.status.clone()>{status_name(l, &c.status)}</td></tr>
            {field(tr(l, "被征收人", "Owner"), opt(c.owner_name.as_ref()))}
            {field(tr(l, "合法性认定", "Legality"), legality_name(l, &c.legality))}
            {field(tr(l, "补偿方式", "Compensation mode"), mode_name(l, c.compensation_mode.as_deref()))}
            {field(tr(l, "评估机构", "Appraiser"), opt(c.appraisal.firm.as_ref()))}
            {field(tr(l, "评估报告", "Report"), opt(c.appraisal.report_no.as_ref()))}
            {field(tr(l, "协议编号", "Agreement"), opt(c.agreement.no.as_ref()))}
            {money_field(tr(l, "补偿总额", "Total"), c.amounts.total_amount)}
        </table>
        <h3>{tr(l, "进度", "Timeline")}</h3>
        <ol class="timeline">{timeline.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ol>
        <h3>{tr(l, "支付", "Payments")}</h3>
        <ul>{payments.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ul>
    }
    .into_any()
}

fn photos_tab(l: Lang, c: &Compensation, show: WriteSignal<Option<ShownPhoto>>) -> AnyView {
    if c.photos.is_empty() {
        return view! { <p>{tr(l, "无照片", "No photos")}</p> }.into_any();
    }
    view! {
        <div class="gallery">
            {c.photos.iter().map(|p| {
                let url = p.url.clone();
                let point = serde_json::json!({ "type": "Point", "coordinates": [p.lon, p.lat] }).to_string();
                // The time as PostgreSQL writes it in UTC (what the server sent before it was typed).
                let taken_at = format!("{}T{}+00:00", p.taken_at.date_naive(), p.taken_at.time());
                let title = format!("{taken_at} {}", opt(p.caption.as_ref()));
                let shown = ShownPhoto { url: url.clone(), caption: title.clone() };
                view! {
                    <figure on:click=move |_| {
                        // Its position on the map, and the photo in full view.
                        highlight(Some(point.clone()), false);
                        show.set(Some(shown.clone()));
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

fn archive_tab(l: Lang, c: &Compensation) -> AnyView {
    if c.documents.is_empty() {
        return view! { <p>{tr(l, "无档案", "No documents")}</p> }.into_any();
    }
    view! {
        <ul class="docs">
            {c.documents.iter().map(|d| view! {
                <li><a href=d.url.clone() target="_blank">{d.title.clone()}</a> " " <small>{opt(d.date)}</small></li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// 单元面板: the selected unit in tabs, with a close button. In the 征迁 tab, those who work on
/// relocation also get the unit's work ([`UnitWork`]): it stays in place while the panel
/// reloads the unit after a write.
#[component]
pub fn Panel(
    lang: ReadSignal<Lang>,
    selected: ReadSignal<Option<Selected>>,
    close: WriteSignal<Option<Selected>>,
    show_photo: WriteSignal<Option<ShownPhoto>>,
    /// The caller's role (None: the public): 历史 for those signed in, 编辑图形 for surveyors.
    role: ReadSignal<Option<Role>>,
    error: WriteSignal<Option<String>>,
    /// The tab shown (kept by the app: a unit opened from the project table shows 征迁).
    tab: RwSignal<Tab>,
) -> impl IntoView {
    let set_tab = tab.write_only();
    let tabs_of = move |l: Lang, s: &Selected| {
        let mut tabs =
            vec![(Tab::Unit, tr(l, "宗地/幢/户", "Unit")), (Tab::Registration, tr(l, "登记", "Registration"))];
        if s.unit.compensation.is_some() {
            tabs.extend([
                (Tab::Relocation, tr(l, "征迁", "Relocation")),
                (Tab::Photos, tr(l, "照片", "Photos")),
                (Tab::Archive, tr(l, "档案", "Archive")),
            ]);
        }
        if role.get().is_some_and(|r| r != Role::Public) {
            tabs.push((Tab::History, tr(l, "历史", "History")));
        }
        tabs
    };
    // The tab shown, the unit's code and its compensation unit's code: memos, so that what
    // hangs on them is not rebuilt when the unit is reloaded unchanged.
    let current = Memo::new(move |_| {
        selected.get().map(|s| {
            let tabs = tabs_of(lang.get(), &s);
            if tabs.iter().any(|(t, _)| *t == tab.get()) { tab.get() } else { Tab::Unit }
        })
    });
    let key = Memo::new(move |_| selected.get().map(|s| s.code));
    let comp = Memo::new(move |_| selected.get().and_then(|s| s.unit.compensation.map(|c| c.code)));
    let works = move || reads_relocation(role.get());
    // After a write (here or in the inbox) the unit is read again, where it is.
    let revision = expect_context::<Revision>();
    Effect::new(move |before: Option<u32>| {
        let now = revision.track();
        if before.is_some_and(|b| b != now)
            && let Some(code) = key.get_untracked()
        {
            open_unit(code, false, close, error);
        }
        now
    });
    let body = move || {
        selected.get().map(|s| {
            let l = lang.get();
            let comp = s.unit.compensation.as_ref();
            let tabs = tabs_of(l, &s);
            let editor = matches!(role.get(), Some(Role::Surveyor | Role::Admin));
            let current = current.get().unwrap_or(Tab::Unit);
            let body = match (current, comp) {
                (Tab::Registration, _) => registration_tab(l, &s.unit, reads_certificates(role.get())),
                (Tab::Relocation, Some(c)) => relocation_tab(l, c),
                (Tab::Photos, Some(c)) => photos_tab(l, c, show_photo),
                (Tab::Archive, Some(c)) => archive_tab(l, c),
                (Tab::History, _) => view! { <HistoryTab lang=lang code=s.code.clone() /> }.into_any(),
                _ if editor => {
                    // The most detailed feature shown is the one edited.
                    let (collection, fid) = match (&s.unit.house_unit, &s.unit.building) {
                        (Some(h), _) => ("house_units", h.unit_code.clone()),
                        (None, Some(b)) => ("buildings", b.building_no.clone()),
                        _ => ("parcels", s.unit.parcel.unit_code.clone()),
                    };
                    let code = s.code.clone();
                    let reload = Callback::new(move |()| open_unit(code.clone(), false, close, error));
                    view! { {unit_tab(l, &s.unit)} <EditGeometry lang=lang collection=collection fid=fid reload=reload /> }.into_any()
                }
                _ => unit_tab(l, &s.unit),
            };
            view! {
                <nav class="tabs">
                    {tabs.into_iter().map(|(t, label)| view! {
                        <button class:active=move || t == current on:click=move |_| set_tab.set(t)>{label}</button>
                    }).collect_view()}
                </nav>
                {body}
            }
        })
    };
    move || {
        key.get().map(|_| {
            view! {
                <aside class="panel" data-testid="panel">
                    <header>
                        <h2 data-testid="unit-code">{key.get_untracked()}</h2>
                        <button class="close" on:click=move |_| close.set(None)>{move || tr(lang.get(), "关闭", "Close")}</button>
                    </header>
                    {body}
                    {move || (current.get() == Some(Tab::Relocation) && works())
                        .then(|| comp.get().map(|c| view! { <UnitWork lang=lang role=role code=c /> }))}
                </aside>
            }
        })
    }
}
