//! How values are shown: `—` for an absent value, numbers as JavaScript writes them (no
//! trailing `.0`), dates as `YYYY-MM-DD`, money as `¥1,234,567.89`, and the codes of the
//! relocation process (statuses, stages, legality, compensation modes, payment purposes) by
//! their names in the current language.

use std::fmt::Display;

use leptos::prelude::*;
use onemap_api::money::format_yuan;
use onemap_api::relocation::{stage, status};

use crate::i18n::{Lang, tr};

/// What stands for an absent (or masked) value.
pub const ABSENT: &str = "—";

/// A present value.
pub fn text(v: impl Display) -> String {
    v.to_string()
}

/// An optional value: `—` when absent.
pub fn opt(v: Option<impl Display>) -> String {
    v.map(text).unwrap_or_else(|| ABSENT.to_owned())
}

/// An amount in yuan, `¥127,820,000.00`; `—` when absent or masked. Every amount the UI
/// shows goes through here.
pub fn money(yuan: Option<f64>) -> String {
    yuan.map(format_yuan).unwrap_or_else(|| ABSENT.to_owned())
}

/// A row of a two-column table: label and value.
pub fn field(label: &'static str, value: String) -> impl IntoView + use<> {
    view! { <tr><th>{label}</th><td>{value}</td></tr> }
}

/// A table row with an amount: label and [`money`].
pub fn money_field(label: &'static str, yuan: Option<f64>) -> impl IntoView + use<> {
    view! { <tr><th>{label}</th><td class="money">{money(yuan)}</td></tr> }
}

/// The name of a code from a fixed list of (code, Chinese, English); the code itself when
/// it is not in the list (a newer server), `—` when absent.
fn named(l: Lang, names: &[(&str, &'static str, &'static str)], code: Option<&str>) -> String {
    match code {
        None => ABSENT.to_owned(),
        Some(c) => names.iter().find(|n| n.0 == c).map(|n| tr(l, n.1, n.2).to_owned()).unwrap_or_else(|| c.to_owned()),
    }
}

/// 补偿单元状态 (`signed` → 已签约), from `onemap_api::STATUSES`; also the steps of a unit's
/// timeline that are no status of their own (`moved_out` → 已搬迁).
pub fn status_name(l: Lang, id: &str) -> String {
    const STEPS: &[(&str, &str, &str)] = &[("moved_out", "已搬迁", "moved out")];
    match status(id) {
        Some(s) => tr(l, s.name_zh, s.name_en).to_owned(),
        None => named(l, STEPS, Some(id)),
    }
}

/// 项目阶段 (`agreement` → 签约), from `onemap_api::relocation::STAGES`.
pub fn stage_name(l: Lang, id: &str) -> String {
    stage(id).map(|s| tr(l, s.name_zh, s.name_en).to_owned()).unwrap_or_else(|| id.to_owned())
}

/// 合法性认定: `legal`, `illegal`, `temporary`.
pub fn legality_name(l: Lang, code: &str) -> String {
    const NAMES: &[(&str, &str, &str)] =
        &[("legal", "合法建筑", "Legal"), ("illegal", "违法建筑", "Illegal"), ("temporary", "临时建筑", "Temporary")];
    named(l, NAMES, Some(code))
}

/// 补偿方式: `monetary`, `property_swap`; `—` when not chosen yet.
pub fn mode_name(l: Lang, code: Option<&str>) -> String {
    const NAMES: &[(&str, &str, &str)] =
        &[("monetary", "货币补偿", "Monetary compensation"), ("property_swap", "产权调换", "Property swap")];
    named(l, NAMES, code)
}

/// 支付用途: `compensation`, `temp_resettlement`, `reward`, `other`.
pub fn purpose_name(l: Lang, code: &str) -> String {
    const NAMES: &[(&str, &str, &str)] = &[
        ("compensation", "补偿款", "Compensation"),
        ("temp_resettlement", "临时安置费", "Temporary resettlement"),
        ("reward", "奖励", "Reward"),
        ("other", "其他", "Other"),
    ];
    named(l, NAMES, Some(code))
}

/// 支付状态: `requested`, `paid`, `rejected`.
pub fn payment_status_name(l: Lang, code: &str) -> String {
    const NAMES: &[(&str, &str, &str)] =
        &[("requested", "待审批", "awaiting approval"), ("paid", "已支付", "paid"), ("rejected", "已驳回", "rejected")];
    named(l, NAMES, Some(code))
}

/// 评估确认: `pending`, `accepted`, `review_requested`, `expert_reviewed`.
pub fn review_name(l: Lang, code: Option<&str>) -> String {
    const NAMES: &[(&str, &str, &str)] = &[
        ("pending", "待确认", "pending"),
        ("accepted", "已确认", "accepted"),
        ("review_requested", "申请复核", "review requested"),
        ("expert_reviewed", "专家鉴定", "expert reviewed"),
    ];
    named(l, NAMES, code)
}

/// A time (seconds since 1970) as `YYYY-MM-DD HH:MM` in China Standard Time (UTC+8), where
/// the offices are.
pub fn beijing_time(unix_seconds: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64((unix_seconds + 8 * 3600) as f64 * 1000.0));
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        d.get_utc_full_year(),
        d.get_utc_month() + 1,
        d.get_utc_date(),
        d.get_utc_hours(),
        d.get_utc_minutes()
    )
}

/// Today in the browser's time zone, `YYYY-MM-DD`.
pub fn today() -> String {
    let d = js_sys::Date::new_0();
    format!("{:04}-{:02}-{:02}", d.get_full_year(), d.get_month() + 1, d.get_date())
}
