//! 资金监管: the dedicated account (专户) of a project — 已到位, 已承诺, 已支付, 待审批, 余额,
//! 可用 — a chart of the monthly series (inline SVG), the ledger newest first, a deposit
//! (`POST …/funds/deposits`), and the alerts with their severity.

use leptos::prelude::*;
use leptos::task::spawn_local;
use onemap_api::Role;
use onemap_api::workflow::{Alert, DepositRequest, FundPoint, Funds};

use super::fields::{cents, date, input, some_text, yuan};
use super::{Notice, Refusal, Revision, is_officer, notice_view, write};
use crate::api_client::{encode, get};
use crate::display::{money, money_field, opt, text};
use crate::i18n::{Lang, tr};

/// The series' lines: what, its colour, its names.
const LINES: [(&str, &str, &str, &str); 3] = [
    ("deposited", "#1565c0", "已到位", "deposited"),
    ("committed", "#ef6c00", "已承诺", "committed"),
    ("paid", "#2e7d32", "已支付", "paid"),
];

fn value(p: &FundPoint, line: &str) -> f64 {
    match line {
        "deposited" => p.deposited,
        "committed" => p.committed,
        _ => p.paid,
    }
}

/// The monthly series as an SVG line chart (cumulative amounts; the scale's top is the
/// largest of them).
fn chart(l: Lang, series: &[FundPoint]) -> AnyView {
    const W: f64 = 340.0;
    const H: f64 = 130.0;
    const LEFT: f64 = 6.0;
    const TOP: f64 = 14.0;
    if series.is_empty() {
        return view! { <p class="hint">{tr(l, "暂无资金记录", "No funds recorded yet")}</p> }.into_any();
    }
    let max = series.iter().flat_map(|p| [p.deposited, p.committed, p.paid]).fold(0.0_f64, f64::max).max(1.0);
    let step = if series.len() > 1 { (W - 2.0 * LEFT) / (series.len() - 1) as f64 } else { 0.0 };
    let x = move |i: usize| LEFT + step * i as f64;
    let y = move |v: f64| TOP + (H - TOP - 16.0) * (1.0 - v / max);
    let first = series.first().map(|p| p.month.clone()).unwrap_or_default();
    let last = series.last().map(|p| p.month.clone()).unwrap_or_default();
    view! {
        <svg class="chart" data-testid="funds-chart" viewBox=format!("0 0 {W} {H}") width=W height=H role="img">
            <text x=LEFT y="10" class="axis">{money(Some(max))}</text>
            <line x1=LEFT x2=W - LEFT y1=y(0.0) y2=y(0.0) stroke="#bbb" />
            {LINES.iter().map(|(id, colour, _, _)| {
                let points: Vec<String> = series.iter().enumerate().map(|(i, p)| format!("{:.1},{:.1}", x(i), y(value(p, id)))).collect();
                view! { <polyline data-line=*id fill="none" stroke=*colour stroke-width="2" points=points.join(" ") /> }
            }).collect_view()}
            <text x=LEFT y=H - 2.0 class="axis">{first}</text>
            <text x=W - LEFT y=H - 2.0 class="axis" text-anchor="end">{last}</text>
        </svg>
        <p class="chart-legend">
            {LINES.iter().map(|(_, colour, zh, en)| view! {
                <span><i class="swatch" style=format!("background:{colour}")></i>{tr(l, zh, en)}</span>
            }).collect_view()}
        </p>
    }
    .into_any()
}

/// The funds and alerts of project `code`.
#[component]
pub fn FundsView(lang: ReadSignal<Lang>, role: ReadSignal<Option<Role>>, code: String) -> impl IntoView {
    let revision = expect_context::<Revision>();
    let (funds, set_funds) = signal(None::<Funds>);
    let (alerts, set_alerts) = signal(Vec::<Alert>::new());
    let (notice, set_notice) = signal(None::<Notice>);
    let base = format!("/api/projects/{}", encode(&code));
    let base2 = base.clone();
    Effect::new(move |_| {
        revision.track();
        let base = base2.clone();
        spawn_local(async move {
            match get::<Funds>(&format!("{base}/funds?limit=50")).await {
                Ok(f) => set_funds.set(Some(f)),
                Err(e) => set_notice.set(Some(Notice::Refused(Refusal { status: 0, detail: e, issues: vec![] }))),
            }
            if let Ok(a) = get::<Vec<Alert>>(&format!("{base}/alerts")).await {
                set_alerts.set(a);
            }
        });
    });
    let voucher = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    let on = RwSignal::new(String::new());
    let source = RwSignal::new("财政拨款".to_owned());
    let deposit = move |_| {
        let Some(a) = cents(&amount.get_untracked()).filter(|a| *a > 0) else { return };
        let body = DepositRequest {
            voucher_no: voucher.get_untracked(),
            amount: yuan(a),
            deposited_on: date(&on.get_untracked()),
            source: some_text(&source.get_untracked()),
            note: None,
        };
        let path = format!("{base}/funds/deposits");
        spawn_local(async move {
            match write::<_, Funds>("POST", &path, &body, None).await {
                // The statement is read again with the revision.
                Ok((_, _)) => {
                    set_notice.set(Some(Notice::Done("已登记到账", "Deposit recorded")));
                    voucher.set(String::new());
                    amount.set(String::new());
                    revision.bump();
                }
                Err(r) => set_notice.set(Some(Notice::Refused(r))),
            }
        });
    };
    view! {
        <section class="funds" data-testid="funds">
            <h3>{move || tr(lang.get(), "资金监管（专户）", "Dedicated account")}</h3>
            {move || funds.get().map(|f| {
                let l = lang.get();
                let total = |id: &'static str, label: &'static str, v: f64| view! {
                    <tr><th>{label}</th><td class="money" data-testid=format!("funds-{id}")>{money(Some(v))}</td></tr>
                };
                view! {
                    <table class="amounts">
                        {money_field(tr(l, "补偿资金预算", "Budget"), Some(f.budget))}
                        {total("deposited", tr(l, "已到位", "Deposited"), f.deposited)}
                        {total("committed", tr(l, "已承诺", "Committed"), f.committed)}
                        {total("paid", tr(l, "已支付", "Paid"), f.paid)}
                        {total("requested", tr(l, "待审批", "Requested"), f.requested)}
                        {total("balance", tr(l, "余额", "Balance"), f.balance)}
                        {total("available", tr(l, "可用", "Available"), f.available)}
                    </table>
                    {chart(l, &f.series)}
                    <details>
                        <summary>{tr(l, "台账", "Ledger")} " (" {text(f.ledger_total)} ")"</summary>
                        <table class="ledger" data-testid="ledger">
                            <thead><tr><th>{tr(l, "日期", "Date")}</th><th>{tr(l, "凭证号", "Voucher")}</th>
                                <th>{tr(l, "金额", "Amount")}</th><th>{tr(l, "余额", "Balance")}</th><th>{tr(l, "单元", "Unit")}</th></tr></thead>
                            <tbody>
                                {f.ledger.iter().map(|e| view! {
                                    <tr class=e.kind.clone()>
                                        <td>{text(e.on)}</td><td>{e.voucher_no.clone()}</td>
                                        <td class="money">{money(Some(e.amount))}</td><td class="money">{money(Some(e.balance))}</td>
                                        <td>{opt(e.unit_code.as_ref())}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </details>
                }
            })}
            <Show when=move || is_officer(role.get())>
                <form class="deposit" data-testid="deposit-form" on:submit=|ev: leptos::ev::SubmitEvent| ev.prevent_default()>
                    <div class="grid">
                        {input(lang, ("凭证号", "Voucher no."), "deposit_voucher_no", "text", voucher)}
                        {input(lang, ("到账金额", "Amount"), "deposit_amount", "amount", amount)}
                        {input(lang, ("到账日期", "Deposited on"), "deposited_on", "date", on)}
                        {input(lang, ("资金来源", "Source"), "deposit_source", "text", source)}
                    </div>
                    <button type="button" data-testid="submit-deposit" on:click=deposit.clone()>
                        {move || tr(lang.get(), "登记到账", "Record deposit")}
                    </button>
                </form>
            </Show>
            {notice_view(lang, notice)}
            <h3>{move || tr(lang.get(), "预警", "Alerts")}</h3>
            <ul class="alerts" data-testid="alerts">
                {move || {
                    let l = lang.get();
                    alerts.get().into_iter().map(|a| view! {
                        <li class=a.severity.clone() data-code=a.code.clone()>
                            <b>{if l == Lang::Zh { a.message.clone() } else { a.message_en.clone() }}</b>
                            {(!a.units.is_empty()).then(|| view! { <small>{a.units.join(" ")}</small> })}
                        </li>
                    }).collect_view()
                }}
            </ul>
            <Show when=move || alerts.get().is_empty()>
                <p class="hint">{move || tr(lang.get(), "无预警", "No alerts")}</p>
            </Show>
        </section>
    }
}
