//! The face of a real-estate certificate (不动产权证书) or registration certificate (不动产登记证明)
//! issued as an electronic licence (电子证照): one A4 page with the registered rights, the plan of
//! the unit at a true scale, the QR code to verify it by, and the registry's seal.

use chrono::{Datelike, NaiveDate};

use crate::PrintError;
use crate::font::CjkFont;
use crate::layout::{Align, Colour, Flow, LEADING, MM, Op, PAGE_HEIGHT, PAGE_WIDTH, Pen, wrap};
use crate::plan::{box_bottom, plan};
use crate::render::{Info, render};
use crate::shapes;

/// 不动产权证书的证面: the face of a certificate as printed. The strings are printed as they are.
#[derive(Debug, Clone, PartialEq)]
pub struct CertificateFace {
    /// "不动产权证书" or "不动产登记证明".
    pub title: String,
    /// 证书号, e.g. "豫(2024)温县不动产权第0001234号".
    pub number: String,
    /// 证照标识 of the electronic licence, e.g. "1.2.156.3005.2.11100000000013338W.…".
    pub identifier: String,
    /// 登记机构 (the registry).
    pub issuer_name: String,
    /// The registry's code (机构代码, e.g. its unified social credit code).
    pub issuer_code: String,
    /// Date of registration (登簿日期), `YYYY-MM-DD`.
    pub issued_on: String,
    /// 权利人: the holders' names joined with 、.
    pub holders: String,
    /// 证件号: the holders' identity document numbers, joined.
    pub id_numbers: String,
    /// 共有情况, e.g. "共同共有".
    pub co_ownership: String,
    /// 坐落.
    pub location: String,
    /// 不动产单元号 (28 characters).
    pub unit_code: String,
    /// 权利类型, e.g. "国有建设用地使用权/房屋所有权".
    pub right_type: String,
    /// 权利性质, e.g. "出让/市场化商品房".
    pub right_nature: String,
    /// 用途, e.g. "城镇住宅用地/住宅".
    pub usage: String,
    /// 面积, e.g. "宗地面积 215.30 m²  房屋建筑面积 96.20 m²".
    pub area: String,
    /// 使用期限.
    pub term: String,
    /// 附记 (权利其他状况).
    pub notes: String,
    /// 宗地图 or 房产分户图; without one the plan box says so.
    pub plan: Option<Plan>,
    /// The QR code to verify the certificate by.
    pub qr: QrCode,
    /// Where the QR code leads, printed under it in small type.
    pub verify_url: String,
    /// 印章名称, e.g. "温县不动产登记中心".
    pub seal_name: String,
    /// 签章时间, printed as it is.
    pub signed_at: String,
    /// A note on the electronic signature, e.g. "SM2 签名 密钥 sm2-20261128-ab12cd34".
    pub signature_note: String,
}

/// 宗地图/分户图: polygons in metres of a projected CRS (x east, y north).
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Printed above the plan, e.g. "宗地图".
    pub caption: String,
    /// Polygons, each a list of rings (the first the outline, the others holes), each ring a
    /// list of (x, y) points; the rings need not repeat their first point.
    pub polygons: Vec<Vec<Vec<(f64, f64)>>>,
    /// The polygon drawn filled (the unit); the others are outlined. An index past the end
    /// fills none.
    pub highlight: usize,
    /// The coordinate reference system, printed under the scale, e.g. "CGCS2000 3°带 第38带".
    pub crs_note: String,
}

/// A QR code as a matrix of modules, without its quiet zone (the face leaves 4 modules clear).
#[derive(Debug, Clone, PartialEq)]
pub struct QrCode {
    /// Modules per side.
    pub size: usize,
    /// `size` × `size` modules, row by row from the top left; dark = `true`.
    pub modules: Vec<bool>,
}

const LEFT: f32 = 20.0 * MM;
const RIGHT: f32 = 190.0 * MM;
const TOP: f32 = 18.0 * MM;
const BOTTOM: f32 = 281.0 * MM;
const TITLE: f32 = 24.0;
const HEADER: f32 = 9.5;
/// Sizes tried for the table, largest first, until it fits above the plan.
const TABLE_SIZES: [f32; 5] = [10.5, 10.0, 9.5, 9.0, 8.0];
const LABEL_WIDTH: f32 = 30.0 * MM;
const PAD_X: f32 = 2.5 * MM;
const PAD_Y: f32 = 1.0 * MM;
const TEXT: f32 = 10.0;
const SMALL: f32 = 7.5;
const TINY: f32 = 6.5;
/// The QR code's symbol (its quiet zone of 4 modules lies around it).
const QR: f32 = 28.0 * MM;
const LABEL_FILL: Colour = Colour(240, 240, 240);
const FRAME: Colour = Colour(150, 100, 50);

/// Renders the face of a certificate on one A4 page, the font's glyphs embedded as a subset.
pub fn certificate_pdf(c: &CertificateFace, font: &CjkFont) -> Result<Vec<u8>, PrintError> {
    let issued = validate(c)?;
    let metrics = font.metrics();
    // The plan, the registry and the QR code stand on the bottom margin; the table takes what
    // is left above them.
    let bottom_height = footer(&mut Flow::new(&metrics), c, issued, 0.0);
    let bottom_top = BOTTOM - bottom_height;
    let mut flow = Flow::new(&metrics);
    frame(&mut flow);
    flow.text_in(LEFT, RIGHT, TOP, TITLE, &c.title, Align::Centre, true);
    flow.y = TOP + TITLE * LEADING + 1.0 * MM;
    header(&mut flow, c);
    flow.y += 1.5 * MM;
    let rows = rows(c);
    let room = bottom_top - 5.0 * MM - flow.y;
    let size = TABLE_SIZES.into_iter().find(|&s| table_height(&flow, &rows, s) <= room).ok_or_else(|| {
        PrintError::Invalid(format!("certificate {}: its entries are too long for one page", c.number))
    })?;
    table(&mut flow, &rows, size, room);
    footer(&mut flow, c, issued, bottom_top);
    let info = Info { title: format!("{} {}", c.title, c.number), subject: format!("{} {}", c.unit_code, c.location) };
    render(&flow.into_pages(), font, info)
}

fn validate(c: &CertificateFace) -> Result<NaiveDate, PrintError> {
    let invalid = |what: String| PrintError::Invalid(format!("certificate {}: {what}", c.number));
    let issued = NaiveDate::parse_from_str(&c.issued_on, "%Y-%m-%d")
        .map_err(|_| invalid(format!("the date of registration {:?} is not YYYY-MM-DD", c.issued_on)))?;
    if c.qr.size == 0 || c.qr.size.checked_mul(c.qr.size) != Some(c.qr.modules.len()) {
        return Err(invalid(format!("a QR code of size {} has {} modules", c.qr.size, c.qr.modules.len())));
    }
    let points = c.plan.iter().flat_map(|p| p.polygons.iter().flatten().flatten());
    if points.into_iter().any(|(x, y)| !x.is_finite() || !y.is_finite()) {
        return Err(invalid("the plan has a point that is not a number".to_owned()));
    }
    Ok(issued)
}

/// The double frame around the page.
fn frame(flow: &mut Flow<'_>) {
    for (inset, width) in [(8.0 * MM, 1.5), (9.5 * MM, 0.5)] {
        let ring = shapes::rect(inset, inset, PAGE_WIDTH - 2.0 * inset, PAGE_HEIGHT - 2.0 * inset);
        flow.push(Op::Shape { rings: vec![ring], fill: None, stroke: Some(Pen { colour: FRAME, width }) });
    }
}

/// 证书号 and 证照标识: on one line, left and right, when they fit, else one under the other.
fn header(flow: &mut Flow<'_>, c: &CertificateFace) {
    let number = format!("证书号：{}", c.number);
    let identifier = format!("证照标识：{}", c.identifier);
    let lh = HEADER * LEADING;
    if flow.width(&number, HEADER) + flow.width(&identifier, HEADER) + 2.0 * HEADER <= RIGHT - LEFT {
        let top = flow.y;
        flow.text_in(LEFT, RIGHT, top, HEADER, &number, Align::Left, false);
        flow.text_in(LEFT, RIGHT, top, HEADER, &identifier, Align::Right, false);
        flow.y += lh;
    } else {
        let top = flow.y;
        flow.y = flow.block(&number, HEADER, LEFT, RIGHT, top, Align::Left);
        let top = flow.y;
        flow.y = flow.block(&identifier, HEADER, LEFT, RIGHT, top, Align::Left);
    }
}

fn rows(c: &CertificateFace) -> [(&'static str, &str); 11] {
    [
        ("权利人", &c.holders),
        ("证件号", &c.id_numbers),
        ("共有情况", &c.co_ownership),
        ("坐落", &c.location),
        ("不动产单元号", &c.unit_code),
        ("权利类型", &c.right_type),
        ("权利性质", &c.right_nature),
        ("用途", &c.usage),
        ("面积", &c.area),
        ("使用期限", &c.term),
        ("权利其他状况", &c.notes),
    ]
}

fn row_lines(flow: &Flow<'_>, label: &str, value: &str, size: f32) -> (Vec<String>, Vec<String>) {
    let label = wrap(flow.metrics, label, size, LABEL_WIDTH - 2.0 * PAD_X);
    let value = wrap(flow.metrics, value, size, RIGHT - LEFT - LABEL_WIDTH - 2.0 * PAD_X);
    (label, value)
}

fn row_height(lines: &(Vec<String>, Vec<String>), size: f32) -> f32 {
    lines.0.len().max(lines.1.len()) as f32 * size * LEADING + 2.0 * PAD_Y
}

fn table_height(flow: &Flow<'_>, rows: &[(&str, &str)], size: f32) -> f32 {
    rows.iter().map(|(label, value)| row_height(&row_lines(flow, label, value, size), size)).sum()
}

/// The entries as a ruled table of labels (shaded, centred) and values, `height` high: the
/// rows are given up to 2 mm more room each, and the last (权利其他状况) takes the rest.
fn table(flow: &mut Flow<'_>, rows: &[(&str, &str)], size: f32, height: f32) {
    let top = flow.y;
    let split = LEFT + LABEL_WIDTH;
    let lines: Vec<_> = rows.iter().map(|(label, value)| row_lines(flow, label, value, size)).collect();
    let mut heights: Vec<f32> = lines.iter().map(|l| row_height(l, size)).collect();
    let spare = (height - heights.iter().sum::<f32>()).max(0.0);
    let extra = (spare / heights.len() as f32).min(2.0 * MM);
    heights.iter_mut().for_each(|h| *h += extra);
    if let Some(last) = heights.last_mut() {
        *last += spare - extra * rows.len() as f32;
    }
    for ((label, value), height) in lines.iter().zip(heights) {
        let y = flow.y;
        flow.push(Op::Rect { x: LEFT, y, w: LABEL_WIDTH, h: height, fill: LABEL_FILL });
        let label_top = y + (height - label.len() as f32 * size * LEADING) / 2.0;
        for (n, line) in label.iter().enumerate() {
            let t = label_top + n as f32 * size * LEADING;
            flow.text_in(LEFT + PAD_X, split - PAD_X, t, size, line, Align::Centre, false);
        }
        // Values one line alone are centred too; longer ones start at the top.
        let value_top = if value.len() > 1 { y + PAD_Y + extra / 2.0 } else { y + (height - size * LEADING) / 2.0 };
        for (n, line) in value.iter().enumerate() {
            let t = value_top + n as f32 * size * LEADING;
            flow.text_in(split + PAD_X, RIGHT - PAD_X, t, size, line, Align::Left, false);
        }
        if y > top {
            flow.push(Op::Rule { x1: LEFT, y1: y, x2: RIGHT, y2: y, width: 0.5 });
        }
        flow.y += height;
    }
    flow.push(Op::Rule { x1: split, y1: top, x2: split, y2: flow.y, width: 0.5 });
    let border = shapes::rect(LEFT, top, RIGHT - LEFT, flow.y - top);
    flow.push(Op::Shape { rings: vec![border], fill: None, stroke: Some(Pen { colour: Colour::BLACK, width: 1.0 }) });
}

/// The bottom of the face from `top`: the plan, the registry with its seal, the QR code.
/// Returns its height.
fn footer(flow: &mut Flow<'_>, c: &CertificateFace, issued: NaiveDate, top: f32) -> f32 {
    let (plan_bottom, _) = plan(flow, c.plan.as_ref(), LEFT, top);
    let registry_bottom = registry(flow, c, issued, 86.0 * MM, 150.0 * MM, top);
    // The symbol's bottom is level with the plan box's.
    let qr_bottom = qr(flow, c, 152.0 * MM, box_bottom(top) - QR);
    plan_bottom.max(registry_bottom).max(qr_bottom) - top
}

/// The registry, the date, the seal and the signature, in `left..right` from `top`; returns
/// the y under them.
fn registry(flow: &mut Flow<'_>, c: &CertificateFace, issued: NaiveDate, left: f32, right: f32, top: f32) -> f32 {
    let date = format!("{}年{}月{}日", issued.year(), issued.month(), issued.day());
    let mut y = top;
    for line in
        [format!("登记机构：{}", c.issuer_name), format!("机构代码：{}", c.issuer_code), format!("登记日期：{date}")]
    {
        y = flow.block(&line, TEXT, left, right, y, Align::Left);
    }
    let r = 19.0 * MM;
    let (cx, cy) = ((left + right) / 2.0, y + 2.0 * MM + r);
    seal(flow, cx, cy, r, &c.seal_name);
    y = cy + r + 2.0 * MM;
    y = flow.block(&format!("签章时间：{}", c.signed_at), SMALL, left, right, y, Align::Left);
    flow.block(&c.signature_note, SMALL, left, right, y, Align::Left)
}

/// A red seal: a double circle, a star, and the name above the star, as large as fits.
fn seal(flow: &mut Flow<'_>, cx: f32, cy: f32, r: f32, name: &str) {
    let red = |width| Some(Pen { colour: Colour::SEAL, width });
    flow.push(Op::Shape { rings: vec![shapes::circle(cx, cy, r, 64)], fill: None, stroke: red(2.0) });
    flow.push(Op::Shape { rings: vec![shapes::circle(cx, cy, r - 1.2 * MM, 64)], fill: None, stroke: red(0.5) });
    let star = 0.3 * r;
    flow.push(Op::Shape { rings: vec![shapes::star(cx, cy, star)], fill: Some(Colour::SEAL), stroke: None });
    // The widest line that fits inside the circle above the star, at the largest size.
    let above = cy - star - 1.0 * MM;
    let fitting = (1..=3).flat_map(|n| (0..=12).map(move |i| (n, 12.0 - 0.5 * i as f32))).find_map(|(n, size)| {
        let far = cy - above + n as f32 * size * LEADING;
        let chord = 2.0 * (r * r - far * far).max(0.0).sqrt() * 0.9;
        let lines = wrap(flow.metrics, name, size, chord);
        (lines.len() <= n && lines.iter().all(|l| flow.width(l, size) <= chord)).then_some((size, lines))
    });
    let (size, lines) = fitting.unwrap_or_else(|| (6.0, wrap(flow.metrics, name, 6.0, 1.6 * r)));
    flow.colour = Colour::SEAL;
    let mut y = above - lines.len() as f32 * size * LEADING;
    for line in &lines {
        flow.text_in(cx - r, cx + r, y, size, line, Align::Centre, true);
        y += size * LEADING;
    }
    flow.colour = Colour::BLACK;
}

/// The QR code with its symbol's top-left at the column's right end, `top`, and the
/// verification address under it; returns the y under that.
fn qr(flow: &mut Flow<'_>, c: &CertificateFace, left: f32, top: f32) -> f32 {
    let x = RIGHT - QR;
    flow.push(shapes::qr(&c.qr.modules, c.qr.size, x, top, QR));
    let quiet = 4.0 * QR / c.qr.size as f32;
    // The lines centred under the symbol, as far as the right margin allows.
    let lines = wrap(flow.metrics, &c.verify_url, TINY, RIGHT - left);
    let w = lines.iter().map(|l| flow.width(l, TINY)).fold(0.0, f32::max);
    let from = (x + QR / 2.0 - w / 2.0).min(RIGHT - w);
    let mut y = top + QR + quiet;
    for line in &lines {
        flow.text_in(from, from + w, y, TINY, line, Align::Centre, false);
        y += TINY * LEADING;
    }
    y
}
