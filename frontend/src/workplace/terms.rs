//! 补偿协议 / 补偿决定: the terms of a unit's compensation with its items added up live as
//! they are typed — house value and decoration from the appraisal, moving fee, temporary
//! resettlement (months × monthly rate), business loss, reward, subsidy — and, for a property
//! swap, the flat's value and the price difference. The total is sent along, so the server
//! checks that it adds up (422 `items_do_not_add_up` otherwise).

use leptos::prelude::*;
use leptos::task::spawn_local;
use onemap_api::workflow::{CompensationTerms, ResettlementRequest, WorkUnit};

use super::fields::{cents, choice, date, input, some_text, to_cents, yuan};
use super::{Refusal, write};
use crate::api_client::encode;
use crate::display::{ABSENT, money};
use crate::i18n::{Lang, tr};

const MODES: &[(&str, &str, &str)] =
    &[("monetary", "货币补偿", "Monetary compensation"), ("property_swap", "产权调换", "Property swap")];

/// The items as typed, in cents; None for an item that is no amount.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Items {
    house: i64,
    decoration: i64,
    moving: Option<i64>,
    months: Option<i16>,
    rate: Option<i64>,
    business: Option<i64>,
    reward: Option<i64>,
    subsidy: Option<i64>,
    /// The swap flat's area (m²) and unit price (cents per m²).
    flat: Option<(Option<f64>, Option<i64>)>,
}

impl Items {
    fn temp_fee(&self) -> Option<i64> {
        Some(i64::from(self.months?) * self.rate?)
    }

    /// The sum as the server adds it, when every item is an amount.
    fn total(&self) -> Option<i64> {
        Some(
            self.house
                + self.decoration
                + self.moving?
                + self.temp_fee()?
                + self.business?
                + self.reward?
                + self.subsidy?,
        )
    }

    /// The swap flat's value: unit price × area, rounded half up to the cent.
    fn flat_value(&self) -> Option<i64> {
        let (area, price) = self.flat?;
        let (area, price) = (area?, price?);
        Some(((price as i128 * (area * 100.0).round() as i128 + 50) / 100) as i64)
    }
}

/// Months of temporary resettlement: a whole number 0–120.
fn months(text: &str) -> Option<i16> {
    let t = text.trim();
    if t.is_empty() {
        return Some(0);
    }
    t.parse::<i16>().ok().filter(|m| (0..=120).contains(m))
}

/// A positive area in m².
fn area(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|a| a.is_finite() && *a > 0.0 && *a < 1e5)
}

/// The terms form of `unit`: an agreement inside the signing period, a compensation decision
/// after it (`decision`). `done` gets the unit as the server answered, or the refusal.
#[component]
pub fn TermsForm(
    lang: ReadSignal<Lang>,
    unit: WorkUnit,
    decision: bool,
    done: Callback<Result<WorkUnit, Refusal>>,
) -> impl IntoView {
    let mode = RwSignal::new("monetary".to_owned());
    let moving = RwSignal::new(String::new());
    let months_text = RwSignal::new(String::new());
    let rate = RwSignal::new(String::new());
    let business = RwSignal::new(String::new());
    let reward = RwSignal::new(String::new());
    let subsidy = RwSignal::new(String::new());
    let flat = RwSignal::new(String::new());
    let flat_area = RwSignal::new(String::new());
    let flat_price = RwSignal::new(String::new());
    let deadline = RwSignal::new(String::new());
    let (busy, set_busy) = signal(false);
    let (house, decoration) =
        (unit.house_value.map(to_cents).unwrap_or_default(), unit.decoration_value.map(to_cents).unwrap_or_default());
    let items = Memo::new(move |_| Items {
        house,
        decoration,
        moving: cents(&moving.get()),
        months: months(&months_text.get()),
        rate: cents(&rate.get()),
        business: cents(&business.get()),
        reward: cents(&reward.get()),
        subsidy: cents(&subsidy.get()),
        flat: (mode.get() == "property_swap").then(|| (area(&flat_area.get()), cents(&flat_price.get()))),
    });
    let swap = move || mode.get() == "property_swap";
    let ready = move || {
        let i = items.get();
        i.total().is_some() && (!swap() || i.flat_value().is_some())
    };
    let (code, version) = (unit.code.clone(), unit.version);
    let submit = move |_| {
        let i = items.get_untracked();
        let Some(total) = i.total() else { return };
        let resettlement = i.flat.map(|(a, p)| ResettlementRequest {
            flat: some_text(&flat.get_untracked()),
            area_m2: a.unwrap_or_default(),
            unit_price: yuan(p.unwrap_or_default()),
        });
        let terms = CompensationTerms {
            mode: mode.get_untracked(),
            moving_fee: yuan(i.moving.unwrap_or_default()),
            temp_resettlement_months: i.months.unwrap_or_default(),
            temp_resettlement_rate: yuan(i.rate.unwrap_or_default()),
            business_loss: yuan(i.business.unwrap_or_default()),
            reward: yuan(i.reward.unwrap_or_default()),
            subsidy: yuan(i.subsidy.unwrap_or_default()),
            resettlement,
            move_out_deadline: date(&deadline.get_untracked()),
            house_value: Some(yuan(i.house)),
            temp_resettlement_fee: i.temp_fee().map(yuan),
            total: Some(yuan(total)),
        };
        let what = if decision { "decision" } else { "agreement" };
        let path = format!("/api/compensation-units/{}/{what}", encode(&code));
        set_busy.set(true);
        spawn_local(async move {
            let answer = write::<_, WorkUnit>("POST", &path, &terms, Some(version)).await.map(|(_, w)| w);
            set_busy.set(false);
            done.run(answer);
        });
    };
    // An item shown as money, or — while what is typed is no amount.
    let shown = |c: Option<i64>| c.map(|c| money(Some(yuan(c)))).unwrap_or_else(|| ABSENT.to_owned());
    let row = move |label: (&'static str, &'static str), id: &'static str, value: Signal<String>| {
        view! {
            <tr><th>{move || tr(lang.get(), label.0, label.1)}</th><td class="money" data-item=id>{value}</td></tr>
        }
    };
    view! {
        <form class="terms" data-testid=if decision { "decision-form" } else { "agreement-form" }
            on:submit=|ev: leptos::ev::SubmitEvent| ev.prevent_default()>
            <h4>{move || if decision { tr(lang.get(), "作出补偿决定", "Compensation decision") } else { tr(lang.get(), "签订补偿协议", "Sign the agreement") }}</h4>
            {choice(lang, ("补偿方式", "Mode"), "mode", MODES, mode)}
            <div class="grid">
                {input(lang, ("搬迁费", "Moving fee"), "moving_fee", "amount", moving)}
                {input(lang, ("临时安置月数", "Resettlement months"), "temp_resettlement_months", "text", months_text)}
                {input(lang, ("临时安置费(元/月)", "Monthly rate"), "temp_resettlement_rate", "amount", rate)}
                {input(lang, ("停产停业损失", "Business loss"), "business_loss", "amount", business)}
                {input(lang, ("奖励", "Reward"), "reward", "amount", reward)}
                {input(lang, ("补助", "Subsidy"), "subsidy", "amount", subsidy)}
            </div>
            <Show when=swap>
                <div class="grid">
                    {input(lang, ("安置房", "Flat"), "flat", "text", flat)}
                    {input(lang, ("安置面积(m²)", "Flat area (m²)"), "resettlement_area", "text", flat_area)}
                    {input(lang, ("安置单价(元/m²)", "Flat price (¥/m²)"), "resettlement_unit_price", "amount", flat_price)}
                </div>
            </Show>
            {input(lang, ("搬迁期限", "Move out by"), "move_out_deadline", "date", deadline)}
            <table class="items" data-testid="live-items">
                {row(("房屋价值(评估)", "House value (appraised)"), "house_value", Signal::derive(move || shown(Some(house))))}
                {row(("装饰装修", "Decoration"), "decoration_value", Signal::derive(move || shown(Some(decoration))))}
                {row(("搬迁费", "Moving fee"), "moving_fee", Signal::derive(move || shown(items.get().moving)))}
                {row(("临时安置费", "Temporary resettlement"), "temp_resettlement_fee", Signal::derive(move || shown(items.get().temp_fee())))}
                {row(("停产停业损失", "Business loss"), "business_loss", Signal::derive(move || shown(items.get().business)))}
                {row(("奖励", "Reward"), "reward", Signal::derive(move || shown(items.get().reward)))}
                {row(("补助", "Subsidy"), "subsidy", Signal::derive(move || shown(items.get().subsidy)))}
                <tr class="total"><th>{move || tr(lang.get(), "补偿总额", "Total")}</th>
                    <td class="money" data-testid="live-total">{move || shown(items.get().total())}</td></tr>
                <Show when=swap>
                    {row(("安置房价值", "Flat value"), "resettlement_value", Signal::derive(move || shown(items.get().flat_value())))}
                    {row(("结算差价", "Price difference"), "difference", Signal::derive(move || {
                        let i = items.get();
                        shown(i.total().zip(i.flat_value()).map(|(t, f)| t - f))
                    }))}
                </Show>
            </table>
            <button type="button" data-testid=if decision { "submit-decision" } else { "submit-agreement" }
                disabled=move || busy.get() || !ready() on:click=submit>
                {move || if decision { tr(lang.get(), "作出补偿决定", "Make the decision") } else { tr(lang.get(), "签订协议", "Sign") }}
            </button>
        </form>
    }
}
