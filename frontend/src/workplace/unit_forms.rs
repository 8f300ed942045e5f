//! 补偿单元办理: a compensation unit as the workflow works on it
//! (`GET /api/compensation-units/{code}`) — status, amounts, agreement, payments — and the
//! forms that apply to its state and the caller's role: 分户评估 (the appointed firm's
//! appraisers), 补偿协议 or 补偿决定 (officers, [`super::terms`]), 支付申请, 搬迁, 拆除. Every
//! write sends `If-Match` with the unit's version and reloads the unit after.

use leptos::prelude::*;
use leptos::task::spawn_local;
use onemap_api::Role;
use onemap_api::relocation::status;
use onemap_api::workflow::{AppraisalRequest, Approval, DoneOn, PaymentRequest, WorkUnit, Workflow};

use super::fields::{cents, choice, date, input, some_text, to_cents, yuan};
use super::terms::TermsForm;
use super::{Notice, Refusal, Revision, is_officer, notice_view, write};
use crate::api_client::{encode, get};
use crate::display::{
    field, legality_name, mode_name, money, money_field, opt, payment_status_name, purpose_name, review_name,
    status_name, text, today,
};
use crate::i18n::{Lang, tr};

const REVIEWS: &[(&str, &str, &str)] = &[
    ("pending", "待确认", "pending"),
    ("accepted", "已确认", "accepted"),
    ("review_requested", "申请复核", "review requested"),
    ("expert_reviewed", "专家鉴定", "expert reviewed"),
];
const PURPOSES: &[(&str, &str, &str)] = &[
    ("compensation", "补偿款", "Compensation"),
    ("temp_resettlement", "临时安置费", "Temporary resettlement"),
    ("reward", "奖励", "Reward"),
    ("other", "其他", "Other"),
];

/// Which forms apply to a unit, for a role, on a day (`YYYY-MM-DD`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Forms {
    appraisal: bool,
    agreement: bool,
    decision: bool,
    payment: bool,
    move_out: bool,
    demolition: bool,
}

fn forms(u: &WorkUnit, role: Option<Role>, signing_ends: Option<String>, today: &str) -> Forms {
    let settled = u.agreement_no.is_some() || u.decision_no.is_some();
    let illegal = u.legality == "illegal";
    let officer = is_officer(role);
    let owed = |u: &WorkUnit| {
        let c = |v: Option<f64>| v.map(to_cents).unwrap_or_default();
        c(u.payable_amount) - c(u.paid_amount)
    };
    let requested = u.requested_amount.map(to_cents).unwrap_or_default();
    let terms = officer && u.project_stage == "agreement" && !settled && !illegal && u.appraisal_report_no.is_some();
    let accepted = matches!(u.appraisal_review.as_deref(), Some("accepted" | "expert_reviewed"));
    let period_over = signing_ends.is_some_and(|e| e.as_str() < today);
    let after_agreement = matches!(u.project_stage.as_str(), "agreement" | "payment" | "demolition");
    Forms {
        appraisal: role == Some(Role::Appraiser)
            && matches!(u.project_stage.as_str(), "appraisal" | "agreement")
            && !settled
            && !illegal,
        agreement: terms && accepted && !period_over,
        decision: terms && period_over,
        payment: officer && settled && owed(u) - requested > 0,
        move_out: officer && after_agreement && u.moved_out_on.is_none() && (illegal || (settled && owed(u) <= 0)),
        demolition: officer && after_agreement && u.moved_out_on.is_some() && u.demolished_on.is_none(),
    }
}

/// The unit's work: its state and the forms that apply.
#[component]
pub fn UnitWork(
    lang: ReadSignal<Lang>,
    role: ReadSignal<Option<Role>>,
    /// 补偿单元编号
    code: String,
) -> impl IntoView {
    let revision = expect_context::<Revision>();
    let (unit, set_unit) = signal(None::<WorkUnit>);
    let (signing_ends, set_signing_ends) = signal(None::<String>);
    let (notice, set_notice) = signal(None::<Notice>);
    let reload = RwSignal::new(0u32);
    let path = format!("/api/compensation-units/{}", encode(&code));
    let path2 = path.clone();
    Effect::new(move |_| {
        revision.track();
        reload.track();
        let path = path2.clone();
        spawn_local(async move {
            match get::<WorkUnit>(&path).await {
                Ok(u) => {
                    let wf = format!("/api/projects/{}/workflow", encode(&u.project_code));
                    set_unit.set(Some(u));
                    if let Ok(w) = get::<Workflow>(&wf).await {
                        set_signing_ends.set(w.facts.signing_ends_on.map(|d| d.to_string()));
                    }
                }
                Err(e) => set_notice.set(Some(Notice::Refused(Refusal { status: 0, detail: e, issues: vec![] }))),
            }
        });
    });
    // What a write answered: the unit (or the approval it waits for), or the refusal; a
    // stale write reloads the unit.
    let finish = Callback::new(move |r: Result<(&'static str, &'static str), Refusal>| match r {
        Ok((zh, en)) => {
            set_notice.set(Some(Notice::Done(zh, en)));
            revision.bump();
        }
        Err(r) => {
            if r.stale() {
                reload.update(|n| *n += 1);
            }
            set_notice.set(Some(Notice::Refused(r)));
        }
    });
    let path_for_forms = path.clone();
    view! {
        <section class="work" data-testid="unit-work" data-code=code.clone()
            data-status=move || unit.get().map(|u| u.status).unwrap_or_default()
            data-version=move || unit.get().map(|u| u.version.to_string()).unwrap_or_default()>
            <h3>{move || tr(lang.get(), "办理", "Work")} " · " {code.clone()}</h3>
            {move || unit.get().map(|u| state_view(lang.get(), &u))}
            {move || unit.get().map(|u| {
                let f = forms(&u, role.get(), signing_ends.get(), &today());
                let path = path_for_forms.clone();
                view! {
                    {f.appraisal.then(|| view! { <AppraisalForm lang=lang unit=u.clone() path=path.clone() finish=finish /> })}
                    {(f.agreement || f.decision).then(|| {
                        let done = Callback::new(move |r: Result<WorkUnit, Refusal>| {
                            finish.run(r.map(|_| ("已签订，补偿协议已归档", "Signed; the agreement is archived")))
                        });
                        view! { <TermsForm lang=lang unit=u.clone() decision=f.decision done=done /> }
                    })}
                    {f.payment.then(|| view! { <PaymentForm lang=lang unit=u.clone() path=path.clone() finish=finish /> })}
                    {(f.move_out || f.demolition).then(|| view! {
                        <StepForm lang=lang unit=u.clone() path=path.clone() demolition=f.demolition finish=finish />
                    })}
                }
            })}
            {notice_view(lang, notice)}
        </section>
    }
}

/// Status, amounts, agreement and payments.
fn state_view(l: Lang, u: &WorkUnit) -> AnyView {
    let colour = status(&u.status).map(|s| s.colour).unwrap_or("#999");
    view! {
        <p class="work-status">
            <i class="dot" style=format!("background:{colour}")></i>
            <b data-testid="work-status" data-status=u.status.clone()>{status_name(l, &u.status)}</b>
            " · " {legality_name(l, &u.legality)} " · " {format!("{} m²", u.surveyed_area_m2)}
        </p>
        <table>
            {field(tr(l, "坐落", "Address"), text(&u.address))}
            {field(tr(l, "被征收人", "Owner"), opt(u.owner_name.as_ref()))}
            {field(tr(l, "评估", "Appraisal"), format!("{} {} · {}", opt(u.appraisal_firm.as_ref()),
                opt(u.appraisal_report_no.as_ref()), review_name(l, u.appraisal_review.as_deref())))}
            {money_field(tr(l, "评估单价(元/m²)", "Unit price (¥/m²)"), u.unit_price)}
            {field(tr(l, "补偿方式", "Mode"), mode_name(l, u.compensation_mode.as_deref()))}
            {money_field(tr(l, "房屋价值", "House value"), u.house_value)}
            {money_field(tr(l, "装饰装修", "Decoration"), u.decoration_value)}
            {money_field(tr(l, "搬迁费", "Moving fee"), u.moving_fee)}
            {money_field(tr(l, "临时安置费", "Temporary resettlement"), u.temp_resettlement_fee)}
            {money_field(tr(l, "停产停业损失", "Business loss"), u.business_loss)}
            {money_field(tr(l, "奖励", "Reward"), u.reward)}
            {money_field(tr(l, "补助", "Subsidy"), u.subsidy)}
            {money_field(tr(l, "安置房价值", "Flat value"), u.resettlement_value)}
            <tr><th>{tr(l, "补偿总额", "Total")}</th><td class="money" data-testid="work-total">{money(u.total_amount)}</td></tr>
            <tr><th>{tr(l, "应付", "Payable")}</th><td class="money" data-testid="work-payable">{money(u.payable_amount)}</td></tr>
            <tr><th>{tr(l, "已支付", "Paid")}</th><td class="money" data-testid="work-paid">{money(u.paid_amount)}</td></tr>
            {money_field(tr(l, "待审批", "Requested"), u.requested_amount)}
            <tr><th>{tr(l, "协议", "Agreement")}</th><td data-testid="agreement-no">
                {opt(u.agreement_no.as_ref())} " " {opt(u.agreement_signed_on)} " "
                {u.agreement_url.clone().map(|href| view! {
                    <a data-testid="agreement-link" href=href target="_blank">{tr(l, "协议PDF", "PDF")}</a>
                })}
            </td></tr>
            {field(tr(l, "补偿决定", "Decision"), format!("{} {}", opt(u.decision_no.as_ref()), opt(u.decision_on)))}
            {field(tr(l, "搬迁期限", "Move out by"), opt(u.move_out_deadline))}
            {field(tr(l, "已搬迁", "Moved out"), opt(u.moved_out_on))}
            <tr><th>{tr(l, "已拆除", "Demolished")}</th><td data-testid="demolished-on">{opt(u.demolished_on)}</td></tr>
        </table>
        <h4>{tr(l, "支付", "Payments")}</h4>
        <ul class="payments" data-testid="payments">
            {u.payments.iter().map(|p| view! {
                <li data-status=p.status.clone()>
                    {format!("{} · {} · {} · {} · {} {}", p.voucher_no, purpose_name(l, &p.purpose), money(p.amount),
                        payment_status_name(l, &p.status), p.payee_name, opt(p.paid_on))}
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// 分户评估 (the appointed firm): `PUT …/appraisal`.
#[component]
fn AppraisalForm(
    lang: ReadSignal<Lang>,
    unit: WorkUnit,
    path: String,
    finish: Callback<Result<(&'static str, &'static str), Refusal>>,
) -> impl IntoView {
    let report_no = RwSignal::new(unit.appraisal_report_no.clone().unwrap_or_default());
    let appraiser = RwSignal::new(unit.appraiser_name.clone().unwrap_or_default());
    let valuation = RwSignal::new(unit.valuation_date.map(|d| d.to_string()).unwrap_or_else(today));
    let price = RwSignal::new(unit.unit_price.map(|p| format!("{p:.2}")).unwrap_or_default());
    let decoration = RwSignal::new(unit.decoration_value.map(|p| format!("{p:.2}")).unwrap_or_default());
    let review = RwSignal::new(unit.appraisal_review.clone().unwrap_or_else(|| "pending".to_owned()));
    let version = unit.version;
    let area = unit.surveyed_area_m2;
    let submit = move |_| {
        let (Some(p), Some(d), Some(on)) =
            (cents(&price.get_untracked()), cents(&decoration.get_untracked()), date(&valuation.get_untracked()))
        else {
            return;
        };
        let body = AppraisalRequest {
            report_no: report_no.get_untracked(),
            appraiser_name: appraiser.get_untracked(),
            valuation_date: on,
            unit_price: yuan(p),
            decoration_value: yuan(d),
            review: Some(review.get_untracked()),
        };
        let path = format!("{path}/appraisal");
        spawn_local(async move {
            let r = write::<_, WorkUnit>("PUT", &path, &body, Some(version)).await;
            finish.run(r.map(|_| ("评估已保存", "Appraisal saved")));
        });
    };
    view! {
        <form class="appraisal" data-testid="appraisal-form" on:submit=|ev: leptos::ev::SubmitEvent| ev.prevent_default()>
            <h4>{move || tr(lang.get(), "分户评估", "Appraisal")}</h4>
            <div class="grid">
                {input(lang, ("评估报告编号", "Report no."), "report_no", "text", report_no)}
                {input(lang, ("估价师", "Appraiser"), "appraiser_name", "text", appraiser)}
                {input(lang, ("价值时点", "Valuation date"), "valuation_date", "date", valuation)}
                {input(lang, ("评估单价(元/m²)", "Unit price (¥/m²)"), "unit_price", "amount", price)}
                {input(lang, ("装饰装修", "Decoration"), "decoration_value", "amount", decoration)}
                {choice(lang, ("确认", "Review"), "review", REVIEWS, review)}
            </div>
            <p class="hint">{move || {
                let house = cents(&price.get()).map(|p| money(Some(yuan(((p as i128 * (area * 100.0).round() as i128 + 50) / 100) as i64))));
                format!("{} {}", tr(lang.get(), "房屋价值 = 单价 × 实测面积 =", "House value = unit price × area ="), house.unwrap_or_default())
            }}</p>
            <button type="button" data-testid="submit-appraisal" on:click=submit>{move || tr(lang.get(), "保存评估", "Save")}</button>
        </form>
    }
}

/// 支付申请: `POST …/payments`, the amount defaulting to what is owed (payable − paid −
/// requested); paid when the director approves.
#[component]
fn PaymentForm(
    lang: ReadSignal<Lang>,
    unit: WorkUnit,
    path: String,
    finish: Callback<Result<(&'static str, &'static str), Refusal>>,
) -> impl IntoView {
    let c = |v: Option<f64>| v.map(to_cents).unwrap_or_default();
    let owed = c(unit.payable_amount) - c(unit.paid_amount) - c(unit.requested_amount);
    let voucher = RwSignal::new(String::new());
    let amount = RwSignal::new(format!("{:.2}", yuan(owed)));
    let purpose = RwSignal::new("compensation".to_owned());
    let payee = RwSignal::new(unit.owner_name.clone().filter(|n| !n.contains('*')).unwrap_or_default());
    let bank = RwSignal::new(String::new());
    let account = RwSignal::new(String::new());
    let version = unit.version;
    let submit = move |_| {
        let Some(a) = cents(&amount.get_untracked()) else { return };
        let body = PaymentRequest {
            voucher_no: voucher.get_untracked(),
            amount: yuan(a),
            purpose: Some(purpose.get_untracked()),
            payee_name: payee.get_untracked(),
            payee_bank: some_text(&bank.get_untracked()),
            payee_account: account.get_untracked(),
        };
        let path = format!("{path}/payments");
        spawn_local(async move {
            let r = write::<_, Approval>("POST", &path, &body, Some(version)).await;
            finish.run(r.map(|_| ("已提交支付申请，等待审批", "Payment requested: awaiting approval")));
        });
    };
    view! {
        <form class="payment" data-testid="payment-form" on:submit=|ev: leptos::ev::SubmitEvent| ev.prevent_default()>
            <h4>{move || tr(lang.get(), "支付申请", "Payment request")} " · "
                {move || tr(lang.get(), "应付未付", "owed")} " " <span data-testid="owed">{money(Some(yuan(owed)))}</span></h4>
            <div class="grid">
                {input(lang, ("凭证号", "Voucher no."), "voucher_no", "text", voucher)}
                {input(lang, ("金额", "Amount"), "amount", "amount", amount)}
                {choice(lang, ("用途", "Purpose"), "purpose", PURPOSES, purpose)}
                {input(lang, ("收款人", "Payee"), "payee_name", "text", payee)}
                {input(lang, ("开户行", "Bank"), "payee_bank", "text", bank)}
                {input(lang, ("收款账号", "Account"), "payee_account", "text", account)}
            </div>
            <button type="button" data-testid="submit-payment" on:click=submit>{move || tr(lang.get(), "提交支付申请", "Request payment")}</button>
        </form>
    }
}

/// 搬迁 (`POST …/move-out`) or 拆除 (`POST …/demolition`), on a day (default today).
#[component]
fn StepForm(
    lang: ReadSignal<Lang>,
    unit: WorkUnit,
    path: String,
    demolition: bool,
    finish: Callback<Result<(&'static str, &'static str), Refusal>>,
) -> impl IntoView {
    let on = RwSignal::new(String::new());
    let version = unit.version;
    let submit = move |_| {
        let body = DoneOn { on: date(&on.get_untracked()) };
        let path = format!("{path}/{}", if demolition { "demolition" } else { "move-out" });
        spawn_local(async move {
            let r = write::<_, WorkUnit>("POST", &path, &body, Some(version)).await;
            finish.run(r.map(|_| if demolition { ("已拆除", "Demolished") } else { ("已搬迁", "Moved out") }));
        });
    };
    view! {
        <form class="step" data-testid=if demolition { "demolition-form" } else { "move-out-form" }
            on:submit=|ev: leptos::ev::SubmitEvent| ev.prevent_default()>
            {input(lang, if demolition { ("拆除日期(默认今天)", "Demolished on (default today)") } else { ("搬迁日期(默认今天)", "Moved out on (default today)") },
                "on", "date", on)}
            <button type="button" data-testid=if demolition { "submit-demolition" } else { "submit-move-out" } on:click=submit>
                {move || if demolition { tr(lang.get(), "拆除", "Record demolition") } else { tr(lang.get(), "搬迁", "Record move-out") }}
            </button>
        </form>
    }
}

/// A compensation unit without a unit code (a drawn outline): its work in a panel of its own.
#[component]
pub fn WorkPanel(
    lang: ReadSignal<Lang>,
    role: ReadSignal<Option<Role>>,
    code: ReadSignal<Option<String>>,
    close: WriteSignal<Option<String>>,
) -> impl IntoView {
    move || {
        code.get().map(|c| {
            view! {
                <aside class="panel" data-testid="work-panel">
                    <header>
                        <h2 data-testid="unit-code">{c.clone()}</h2>
                        <button class="close" on:click=move |_| close.set(None)>{move || tr(lang.get(), "关闭", "Close")}</button>
                    </header>
                    <UnitWork lang=lang role=role code=c />
                </aside>
            }
        })
    }
}
