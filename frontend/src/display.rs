//! How values are shown: `—` for an absent value, numbers as JavaScript writes them (no
//! trailing `.0`), dates as `YYYY-MM-DD`.

use std::fmt::Display;

use leptos::prelude::*;

/// A present value.
pub fn text(v: impl Display) -> String {
    v.to_string()
}

/// An optional value: `—` when absent.
pub fn opt(v: Option<impl Display>) -> String {
    v.map(text).unwrap_or_else(|| "—".to_owned())
}

/// A row of a two-column table: label and value.
pub fn field(label: &'static str, value: String) -> impl IntoView + use<> {
    view! { <tr><th>{label}</th><td>{value}</td></tr> }
}
