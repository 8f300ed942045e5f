//! The compensation agreement (房屋征收补偿协议) of a compensation unit, printed on A4.

use chrono::{Datelike, NaiveDate};

use crate::PrintError;
use crate::font::CjkFont;
use crate::layout::{Align, BOTTOM, Colour, Flow, LEADING, LEFT, Op, PAGE_WIDTH, RIGHT, TOP, wrap};
use crate::money::{capital, yuan};
use crate::render::{Info, render};
use crate::table::{Column, table};

/// 补偿协议 as printed: the compensation agreement between the implementing agency (征收实施单位,
/// party A, 甲方) and the owner of the expropriated house (被征收人, party B, 乙方).
#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    /// Agreement number (协议编号), e.g. "WX-ZS-2023-01-XY-0007", printed at the top right of
    /// every page.
    pub agreement_no: String,
    /// Expropriation project (征收项目) name.
    pub project_name: String,
    /// Project code (项目编号).
    pub project_code: String,
    /// Implementing agency (征收实施单位), party A.
    pub implementing_agency: String,
    /// Number of the expropriation decision (房屋征收决定), e.g. "锡政征决〔2023〕1号".
    pub decision_no: Option<String>,
    /// Compensation unit code (补偿单元编号).
    pub unit_code: String,
    /// Real-estate unit code (不动产单元代码), when the house is registered.
    pub real_estate_unit_code: Option<String>,
    /// Location of the house (房屋坐落).
    pub address: String,
    /// Owner (被征收人), party B — not masked: this is the document that is signed.
    pub owner_name: String,
    /// Owner's identity document number (证件号码).
    pub owner_id_number: Option<String>,
    /// Surveyed floor area (测绘建筑面积) in square metres.
    pub surveyed_area_m2: f64,
    /// Legality finding (合法性认定), already in Chinese, e.g. "合法".
    pub legality: String,
    /// Compensation mode (补偿方式), already in Chinese: "货币补偿" or "产权调换".
    pub mode: String,
    /// The flat given in a property swap (产权调换), when there is one.
    pub resettlement: Option<Resettlement>,
    /// Compensation items (补偿项目): Chinese name and amount in cents, e.g.
    /// `("被征收房屋价值", 123456789)`, printed in this order.
    pub items: Vec<(String, i64)>,
    /// Total (合计) in cents; must equal the sum of `items`, or the agreement is not printed.
    pub total_cents: i64,
    /// Move-out deadline (搬迁期限): the owner moves out by this day.
    pub move_out_deadline: Option<NaiveDate>,
    /// Date of signing (签订日期).
    pub signed_on: NaiveDate,
}

/// The flat given in exchange in a property swap (产权调换房屋, 安置房).
#[derive(Debug, Clone, PartialEq)]
pub struct Resettlement {
    /// The flat (安置房屋), e.g. "锦园小区 3 幢 2 单元 1402 室"; `None` while not yet chosen.
    pub flat: Option<String>,
    /// Floor area (安置面积) in square metres.
    pub area_m2: f64,
    /// Price per square metre (安置单价) in cents.
    pub unit_price_cents: i64,
    /// Value of the flat (安置房价值) in cents.
    pub value_cents: i64,
    /// Price difference (产权调换差价) in cents: positive when the owner pays the agency (the
    /// flat is worth more than the compensation), negative when the agency pays the owner.
    pub difference_cents: i64,
}

const BODY: f32 = 11.0;
const HEADING: f32 = 11.5;
const TABLE: f32 = 10.5;
const SMALL: f32 = 9.0;
const TITLE: f32 = 20.0;

/// Renders the agreement as an A4 PDF with the font's glyphs embedded as a subset.
pub fn agreement_pdf(a: &Agreement, font: &CjkFont) -> Result<Vec<u8>, PrintError> {
    validate(a)?;
    let metrics = font.metrics();
    let mut flow = Flow::new(&metrics);
    body(&mut flow, a);
    let total = flow.page_count();
    let mut pages = flow.into_pages();
    for (n, ops) in pages.iter_mut().enumerate() {
        let number = format!("协议编号：{}", a.agreement_no);
        let x = RIGHT - metrics.width(&number, SMALL);
        ops.push(Op::Text { x, baseline: TOP - 22.0, size: SMALL, text: number, bold: false, colour: Colour::BLACK });
        let footer = format!("第 {} 页 共 {} 页", n + 1, total);
        let x = (PAGE_WIDTH - metrics.width(&footer, SMALL)) / 2.0;
        ops.push(Op::Text {
            x,
            baseline: BOTTOM + 30.0,
            size: SMALL,
            text: footer,
            bold: false,
            colour: Colour::BLACK,
        });
    }
    let info = Info {
        title: format!("房屋征收补偿协议 {}", a.agreement_no),
        subject: format!("{} {} {}", a.project_name, a.unit_code, a.owner_name),
    };
    render(&pages, font, info)
}

fn validate(a: &Agreement) -> Result<(), PrintError> {
    let sum = a.items.iter().try_fold(0i64, |s, (_, c)| s.checked_add(*c));
    if sum != Some(a.total_cents) {
        let sum = sum.map_or_else(|| "overflow".to_owned(), yuan);
        return Err(PrintError::Invalid(format!(
            "the items add up to {sum}, not to the total {} of agreement {}",
            yuan(a.total_cents),
            a.agreement_no
        )));
    }
    let areas = std::iter::once(a.surveyed_area_m2).chain(a.resettlement.as_ref().map(|r| r.area_m2));
    if areas.into_iter().any(|m2| !m2.is_finite() || m2 < 0.0) {
        return Err(PrintError::Invalid(format!("agreement {} has an area that is not a number ≥ 0", a.agreement_no)));
    }
    Ok(())
}

fn body(flow: &mut Flow<'_>, a: &Agreement) {
    flow.line("房屋征收补偿协议", TITLE, Align::Centre, true);
    flow.gap(2.0);
    flow.line(&format!("（{}）", a.project_name), BODY, Align::Centre, false);
    flow.gap(10.0);

    let label = flow.width("甲方（征收实施单位）：", BODY) + BODY / 2.0;
    flow.field("甲方（征收实施单位）：", &a.implementing_agency, BODY, label);
    flow.field("乙方（被征收人）：", &a.owner_name, BODY, label);
    if let Some(id) = &a.owner_id_number {
        flow.field("证件号码：", id, BODY, label);
    }
    flow.gap(6.0);

    let decision = a.decision_no.as_ref().map(|d| format!("和房屋征收决定（{d}）")).unwrap_or_default();
    let preamble = format!(
        "根据《国有土地上房屋征收与补偿条例》（国务院令第590号）{decision}等规定，因{}（项目编号：{}）\
         建设需要，乙方位于{}的房屋被依法纳入征收范围。甲乙双方在平等、自愿、协商一致的基础上，\
         就该房屋的征收补偿事宜订立本协议，共同遵守。",
        a.project_name, a.project_code, a.address
    );
    flow.paragraph(&preamble, BODY, LEFT, RIGHT, 2.0 * BODY);

    let mut article = Articles::default();
    article.heading(flow, "被征收房屋", 5);
    let label = flow.width("不动产单元代码：", BODY) + BODY / 2.0;
    flow.field("房屋坐落：", &a.address, BODY, label);
    flow.field("补偿单元编号：", &a.unit_code, BODY, label);
    if let Some(code) = &a.real_estate_unit_code {
        flow.field("不动产单元代码：", code, BODY, label);
    }
    flow.field("建筑面积：", &format!("{} 平方米（测绘面积）", area(a.surveyed_area_m2)), BODY, label);
    flow.field("合法性认定：", &a.legality, BODY, label);

    article.heading(flow, "补偿方式", 1);
    flow.paragraph(&format!("乙方选择{}方式。", a.mode), BODY, LEFT, RIGHT, 2.0 * BODY);

    article.heading(flow, "补偿金额", 2);
    flow.paragraph("甲方应支付给乙方的各项补偿、补助和奖励如下：", BODY, LEFT, RIGHT, 2.0 * BODY);
    flow.gap(3.0);
    let columns = [
        Column { title: "序号", width: Some(TABLE * 4.0), align: Align::Centre },
        Column { title: "补偿项目", width: None, align: Align::Left },
        Column { title: "金额（元）", width: Some(TABLE * 12.0), align: Align::Right },
    ];
    let rows: Vec<Vec<String>> = a
        .items
        .iter()
        .enumerate()
        .map(|(i, (name, cents))| vec![(i + 1).to_string(), name.clone(), yuan(*cents)])
        .collect();
    let footer = [vec![String::new(), "合计".to_owned(), yuan(a.total_cents)]];
    table(flow, &columns, &rows, &footer, TABLE);
    flow.gap(3.0);
    flow.paragraph(&format!("合计金额（大写）：人民币{}", capital(a.total_cents)), BODY, LEFT, RIGHT, 0.0);

    if let Some(r) = &a.resettlement {
        article.heading(flow, "产权调换", 6);
        flow.paragraph("甲方提供用于产权调换的房屋（安置房）如下：", BODY, LEFT, RIGHT, 2.0 * BODY);
        let label = flow.width("产权调换差价：", BODY) + BODY / 2.0;
        let flat = r.flat.clone().unwrap_or_else(|| "以选房确认结果为准".to_owned());
        flow.field("安置房屋：", &flat, BODY, label);
        flow.field("安置面积：", &format!("{} 平方米", area(r.area_m2)), BODY, label);
        flow.field("安置单价：", &format!("{}/平方米", yuan(r.unit_price_cents)), BODY, label);
        flow.field("安置房价值：", &yuan(r.value_cents), BODY, label);
        let difference = match r.difference_cents {
            0 => "无差价".to_owned(),
            d if d > 0 => format!("{}，由乙方支付给甲方", yuan(d)),
            d => format!("{}，由甲方支付给乙方", yuan(d.saturating_neg())),
        };
        flow.field("产权调换差价：", &difference, BODY, label);
    }

    article.heading(flow, "搬迁期限", 2);
    let deadline = match a.move_out_deadline {
        Some(d) => format!("乙方应于{}前完成搬迁，腾空房屋并交付甲方。", date(d)),
        None => "乙方应在房屋征收部门公告的搬迁期限内完成搬迁，腾空房屋并交付甲方。".to_owned(),
    };
    flow.paragraph(&deadline, BODY, LEFT, RIGHT, 2.0 * BODY);
    flow.paragraph(
        "依照《国有土地上房屋征收与补偿条例》第二十七条，实施房屋征收应当先补偿、后搬迁：甲方按本协议\
         足额支付补偿后，乙方应在约定的搬迁期限内完成搬迁。任何单位和个人不得采取暴力、威胁或者违反规定\
         中断供水、供热、供气、供电和道路通行等非法方式迫使乙方搬迁。",
        BODY,
        LEFT,
        RIGHT,
        2.0 * BODY,
    );

    article.heading(flow, "其他约定", 2);
    flow.paragraph(
        "本协议订立后，一方当事人不履行本协议约定义务的，另一方当事人可以依法提起诉讼。本协议一式四份，\
         甲乙双方各执两份，具有同等法律效力，自双方签字（盖章）之日起生效。",
        BODY,
        LEFT,
        RIGHT,
        2.0 * BODY,
    );
    flow.gap(BODY * 1.5);
    signatures(flow, a);
}

/// Numbered articles: 第一条, 第二条, …
#[derive(Default)]
struct Articles(usize);

impl Articles {
    /// The heading of the next article, kept on one page with the `lines` that follow it.
    fn heading(&mut self, flow: &mut Flow<'_>, title: &str, lines: usize) {
        self.0 += 1;
        flow.gap(5.0);
        flow.keep(HEADING * LEADING + lines as f32 * BODY * LEADING);
        flow.line(&format!("第{}条　{title}", chinese_ordinal(self.0)), HEADING, Align::Left, true);
    }
}

/// Signature block: the two parties side by side, kept together on one page.
fn signatures(flow: &mut Flow<'_>, a: &Agreement) {
    let lh = BODY * LEADING;
    let mid = (LEFT + RIGHT) / 2.0;
    let columns = [
        (LEFT, mid - BODY, "甲方（盖章）：", a.implementing_agency.as_str(), "经办人（签字）："),
        (mid + BODY, RIGHT, "乙方（签字、捺印）：", a.owner_name.as_str(), "委托代理人（签字）："),
    ];
    let name_lines =
        columns.iter().map(|(l, r, _, name, _)| wrap(flow.metrics, name, BODY, r - l).len()).max().unwrap_or(1);
    flow.keep(lh * (name_lines as f32 + 5.0));
    let top = flow.y;
    for (left, right, who, name, agent) in columns {
        flow.y = top;
        flow.text_in(left, right, flow.y, BODY, who, Align::Left, true);
        flow.y += lh;
        for line in wrap(flow.metrics, name, BODY, right - left) {
            flow.text_in(left, right, flow.y, BODY, &line, Align::Left, false);
            flow.y += lh;
        }
        flow.y = top + lh * (name_lines as f32 + 1.0) + lh * 0.5;
        flow.text_in(left, right, flow.y, BODY, agent, Align::Left, false);
        let x = left + flow.width(agent, BODY);
        let underline = flow.baseline(flow.y, BODY) + 2.0;
        flow.push(Op::Rule { x1: x, y1: underline, x2: right, y2: underline, width: 0.5 });
        flow.y += lh * 1.5;
        flow.text_in(left, right, flow.y, BODY, &format!("签订日期：{}", date(a.signed_on)), Align::Left, false);
        flow.y += lh;
    }
}

/// 1 → 一, 12 → 十二, 20 → 二十 (articles never reach 100).
fn chinese_ordinal(n: usize) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n].to_owned(),
        10..=19 => format!("十{}", if n == 10 { "" } else { D[n - 10] }),
        _ => format!("{}十{}", D[n / 10 % 10], if n.is_multiple_of(10) { "" } else { D[n % 10] }),
    }
}

/// 2023-05-08 → 2023年5月8日.
fn date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Square metres with two decimals.
fn area(m2: f64) -> String {
    format!("{m2:.2}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_and_dates() {
        assert_eq!(chinese_ordinal(1), "一");
        assert_eq!(chinese_ordinal(10), "十");
        assert_eq!(chinese_ordinal(11), "十一");
        assert_eq!(chinese_ordinal(20), "二十");
        assert_eq!(chinese_ordinal(23), "二十三");
        assert_eq!(date(NaiveDate::from_ymd_opt(2023, 5, 8).unwrap()), "2023年5月8日");
        assert_eq!(area(87.456), "87.46");
    }
}
