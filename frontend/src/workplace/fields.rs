//! Form fields of the workplace: labelled inputs bound to a signal, amounts read as yuan with
//! at most two decimals (cents for sums, so that a total adds up as the server adds it).

use leptos::prelude::*;
use serde::de::DeserializeOwned;

use crate::i18n::{Lang, tr};

/// A labelled input bound to `value`; `kind` is the input type (`text`, `date`, …) and
/// `name` its `name` attribute (what the tests and autofill find it by). Amounts are text
/// inputs with a decimal keyboard: a number input would rewrite what is being typed.
pub fn input(
    lang: ReadSignal<Lang>,
    label: (&'static str, &'static str),
    name: &'static str,
    kind: &'static str,
    value: RwSignal<String>,
) -> impl IntoView {
    let mode = if kind == "amount" { "decimal" } else { "text" };
    let kind = if kind == "amount" { "text" } else { kind };
    view! {
        <label>
            <span>{move || tr(lang.get(), label.0, label.1)}</span>
            <input type=kind name=name inputmode=mode prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev)) />
        </label>
    }
}

/// A labelled choice of (value, Chinese, English) options bound to `value`.
pub fn choice(
    lang: ReadSignal<Lang>,
    label: (&'static str, &'static str),
    name: &'static str,
    options: &'static [(&'static str, &'static str, &'static str)],
    value: RwSignal<String>,
) -> impl IntoView {
    view! {
        <label>
            <span>{move || tr(lang.get(), label.0, label.1)}</span>
            <select name=name prop:value=move || value.get() on:change=move |ev| value.set(event_target_value(&ev))>
                {options.iter().map(|(v, zh, en)| view! {
                    <option value=*v selected=move || value.get() == *v>{move || tr(lang.get(), zh, en)}</option>
                }).collect_view()}
            </select>
        </label>
    }
}

/// An amount typed by the user, in cents: empty is zero; None when it is no amount, negative,
/// or has more than two decimals (the server would refuse it).
pub fn cents(text: &str) -> Option<i64> {
    let t = text.trim().replace([',', '，', '¥'], "");
    if t.is_empty() {
        return Some(0);
    }
    let yuan: f64 = t.parse().ok()?;
    let c = yuan * 100.0;
    (yuan.is_finite() && yuan >= 0.0 && (c - c.round()).abs() < 1e-6 * c.abs().max(1.0)).then(|| c.round() as i64)
}

/// Cents as yuan for a request.
pub fn yuan(cents: i64) -> f64 {
    cents as f64 / 100.0
}

/// Yuan of a response as cents.
pub fn to_cents(yuan: f64) -> i64 {
    (yuan * 100.0).round() as i64
}

/// A date typed as `YYYY-MM-DD`, as the request's date type (None when empty or no date).
pub fn date<T: DeserializeOwned>(text: &str) -> Option<T> {
    let t = text.trim();
    if t.is_empty() { None } else { serde_json::from_value(serde_json::Value::String(t.to_owned())).ok() }
}

/// A text that is not blank.
pub fn some_text(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_owned())
}
