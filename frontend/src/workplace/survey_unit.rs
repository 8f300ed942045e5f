//! 摸底调查登记: a compensation unit recorded in the survey stage — the house unit or parcel
//! picked on the map (the unit the panel shows), or an outline drawn on the map when there is
//! no registered unit (an unregistered or illegal building) — with the legality finding, the
//! owner and a tenant: `POST /api/projects/{code}/units`.

use leptos::prelude::*;
use leptos::task::spawn_local;
use onemap_api::workflow::{NewCompensationUnit, Person, WorkUnit};

use super::fields::{choice, input, some_text};
use super::{Notice, Refusal, Revision, notice_view, write};
use crate::api_client::encode;
use crate::i18n::{Lang, tr};
use crate::map::{edited_geometry, start_edit, stop_edit};
use crate::unit_panel::Selected;

const LEGALITY: &[(&str, &str, &str)] =
    &[("legal", "合法建筑", "legal"), ("temporary", "临时建筑", "temporary"), ("illegal", "违法建筑", "illegal")];

/// A person typed in the form: None when no name is given.
fn person(name: RwSignal<String>, id: RwSignal<String>, phone: RwSignal<String>) -> Option<Person> {
    some_text(&name.get_untracked()).map(|name| Person {
        name,
        id_type: None,
        id_number: id.get_untracked().trim().to_owned(),
        phone: some_text(&phone.get_untracked()),
    })
}

/// The form; the project's code. The map's selection comes from the context the app gives.
#[component]
pub fn SurveyUnitForm(lang: ReadSignal<Lang>, code: String) -> impl IntoView {
    let revision = expect_context::<Revision>();
    let selected = expect_context::<ReadSignal<Option<Selected>>>();
    let unit_code = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    let legality = RwSignal::new("legal".to_owned());
    let area = RwSignal::new(String::new());
    let (owner, owner_id, owner_phone) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let (tenant, tenant_id, tenant_phone) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let (drawing, set_drawing) = signal(false);
    let (notice, set_notice) = signal(None::<Notice>);
    let (busy, set_busy) = signal(false);
    let (recorded, set_recorded) = signal(None::<WorkUnit>);
    on_cleanup(stop_edit);
    let refuse = move |zh: &'static str, en: &'static str| {
        let detail = tr(lang.get_untracked(), zh, en).to_owned();
        set_notice.set(Some(Notice::Refused(Refusal { status: 0, detail, issues: vec![] })));
    };
    let pick = move |_| match selected.get_untracked() {
        Some(s) => {
            stop_edit();
            set_drawing.set(false);
            unit_code.set(s.code);
            set_notice.set(None);
        }
        None => refuse("请先在地图上点选房屋或宗地", "Click a house or parcel on the map first"),
    };
    let draw = move |_| {
        unit_code.set(String::new());
        set_drawing.set(true);
        set_notice.set(None);
        spawn_local(async move { start_edit(None).await });
    };
    let path = format!("/api/projects/{}/units", encode(&code));
    let submit = move |_| {
        let code = some_text(&unit_code.get_untracked());
        let geometry =
            if code.is_none() { edited_geometry().and_then(|g| serde_json::from_str(&g).ok()) } else { None };
        if code.is_none() && geometry.is_none() {
            return refuse("请点选房屋或宗地，或在地图上绘制范围", "Pick a house or parcel, or draw the outline");
        }
        let surveyed = match area.get_untracked().trim() {
            "" => None,
            t => match t.parse::<f64>() {
                Ok(a) if a > 0.0 => Some(a),
                _ => return refuse("实测面积应为正数（平方米）", "The surveyed area is a positive number (m²)"),
            },
        };
        let Some(owner_person) = person(owner, owner_id, owner_phone) else {
            return refuse("请填写被征收人", "Enter the owner");
        };
        let body = NewCompensationUnit {
            unit_code: code,
            geometry,
            address: some_text(&address.get_untracked()),
            legality: legality.get_untracked(),
            owner: owner_person,
            tenant: person(tenant, tenant_id, tenant_phone),
            surveyed_area_m2: surveyed,
            approved_use: None,
            actual_use: None,
            structure: None,
            year_built: None,
            business_name: None,
            business_license_no: None,
        };
        let path = path.clone();
        set_busy.set(true);
        spawn_local(async move {
            match write::<_, WorkUnit>("POST", &path, &body, None).await {
                Ok((_, u)) => {
                    stop_edit();
                    set_drawing.set(false);
                    for s in [unit_code, address, area, owner, owner_id, owner_phone, tenant, tenant_id, tenant_phone] {
                        s.set(String::new());
                    }
                    set_notice.set(Some(Notice::Done("已登记补偿单元", "Compensation unit recorded")));
                    set_recorded.set(Some(u));
                    revision.bump();
                }
                Err(r) => set_notice.set(Some(Notice::Refused(r))),
            }
            set_busy.set(false);
        });
    };
    view! {
        <details class="survey-unit" data-testid="survey-unit">
            <summary>{move || tr(lang.get(), "摸底调查：登记补偿单元", "Survey: record a compensation unit")}</summary>
            <form data-testid="survey-unit-form" on:submit=|ev: leptos::ev::SubmitEvent| ev.prevent_default()>
                <p class="hint">{move || match (drawing.get(), unit_code.get().is_empty()) {
                    (true, _) => tr(lang.get(), "在地图上依次点击各角点，再次点击第一个点闭合", "Click the corners on the map; click the first one again to close"),
                    (false, true) => tr(lang.get(), "在地图上点选房屋或宗地后点“取地图所选”，无登记单元时绘制范围", "Click a house or parcel on the map, then “Use the map's selection”; draw the outline when there is none"),
                    (false, false) => tr(lang.get(), "不动产单元已选定", "Unit chosen"),
                }}</p>
                {input(lang, ("不动产单元代码", "Unit code"), "unit_code", "text", unit_code)}
                <div class="buttons">
                    <button type="button" data-testid="pick-unit" on:click=pick>{move || tr(lang.get(), "取地图所选", "Use the map's selection")}</button>
                    <button type="button" data-testid="draw-unit" on:click=draw>{move || tr(lang.get(), "绘制范围", "Draw the outline")}</button>
                </div>
                {input(lang, ("坐落", "Address"), "unit_address", "text", address)}
                {choice(lang, ("合法性认定", "Legality"), "legality", LEGALITY, legality)}
                {input(lang, ("实测面积(m²，空则取登记面积)", "Surveyed area (m², empty: registered)"), "surveyed_area", "amount", area)}
                {input(lang, ("被征收人", "Owner"), "owner_name", "text", owner)}
                {input(lang, ("证件号码", "ID number"), "owner_id_number", "text", owner_id)}
                {input(lang, ("联系电话", "Phone"), "owner_phone", "text", owner_phone)}
                {input(lang, ("承租人（可选）", "Tenant (optional)"), "tenant_name", "text", tenant)}
                {input(lang, ("承租人证件号码", "Tenant's ID number"), "tenant_id_number", "text", tenant_id)}
                {input(lang, ("承租人电话", "Tenant's phone"), "tenant_phone", "text", tenant_phone)}
                <button type="button" data-testid="submit-survey-unit" disabled=move || busy.get() on:click=submit>
                    {move || tr(lang.get(), "登记", "Record")}
                </button>
                {move || recorded.get().map(|u| view! {
                    <p data-testid="recorded-unit" data-code=u.code.clone() data-unit-code=u.unit_code.clone().unwrap_or_default()>
                        {u.code.clone()} " · " {u.address.clone()}
                    </p>
                })}
                {notice_view(lang, notice)}
            </form>
        </details>
    }
}
