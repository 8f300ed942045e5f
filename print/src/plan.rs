//! The plan (宗地图/分户图) of a certificate: polygons drawn at a round scale, centred in a box,
//! with a north arrow, a scale bar as long as a round number of metres at that scale, and the
//! ratio `1:N`.

use crate::certificate::Plan;
use crate::layout::{Align, Colour, Flow, LEADING, MM, Op, Pen};
use crate::shapes;

/// The plan box (square).
const PLAN: f32 = 60.0 * MM;
const TEXT: f32 = 10.0;
const SMALL: f32 = 7.5;
const TINY: f32 = 6.5;
/// The unit's polygon is filled; the others are outlined in grey.
const UNIT_FILL: Colour = Colour(205, 205, 205);
const OTHER: Colour = Colour(90, 90, 90);

/// The scale a plan is drawn at: 1:`denominator`, with a scale bar of `bar_m` metres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Scale {
    pub denominator: u64,
    pub bar_m: f64,
}

/// Round scale denominators: these × 10^k.
const ROUND_SCALES: [f64; 9] = [1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0];

impl Scale {
    /// The smallest round scale at which `width_m` × `height_m` metres fit into `fit_w` ×
    /// `fit_h` points, with the 1, 2 or 5 × 10^k metres bar that is the longest up to half of
    /// `box_w` points (so at least a fifth of it).
    pub fn fit(width_m: f64, height_m: f64, fit_w: f32, fit_h: f32, box_w: f32) -> Scale {
        let mm = |points: f32| f64::from(points / MM);
        let needed = (width_m * 1000.0 / mm(fit_w)).max(height_m * 1000.0 / mm(fit_h)).max(1.0);
        let decade = 10f64.powf(needed.log10().floor());
        let denominator = ROUND_SCALES
            .iter()
            .chain(&[10.0])
            .map(|m| (m * decade).round())
            .find(|&d| d >= needed * (1.0 - 1e-9))
            .unwrap_or(10.0 * decade);
        let half = mm(box_w) * denominator / 1000.0 / 2.0;
        let decade = 10f64.powf(half.log10().floor());
        let bar_m = [5.0, 2.0, 1.0].iter().map(|m| m * decade).find(|&b| b <= half * (1.0 + 1e-9)).unwrap_or(decade);
        Scale { denominator: denominator as u64, bar_m }
    }

    /// Points on paper for a metre on the ground.
    pub fn points_per_metre(self) -> f64 {
        1000.0 / self.denominator as f64 * f64::from(MM)
    }

    /// The bar's length as printed, e.g. "5 m" or "0.5 m".
    fn bar_label(self) -> String {
        let decimals = (-self.bar_m.log10().floor()).max(0.0) as usize;
        format!("{:.*} m", decimals, self.bar_m)
    }
}

/// The bottom of the plan box when the plan starts at `top`.
pub(crate) fn box_bottom(top: f32) -> f32 {
    top + TEXT * LEADING + PLAN
}

/// The plan box at `left`, `top` (under its caption): the polygons at a round scale, centred,
/// a north arrow, the scale bar and `1:N`, the CRS. Returns the y under it and the scale.
pub(crate) fn plan(flow: &mut Flow<'_>, plan: Option<&Plan>, left: f32, top: f32) -> (f32, Option<Scale>) {
    let caption = plan.map_or("附图", |p| p.caption.as_str());
    flow.block(caption, TEXT, left, left + PLAN, top, Align::Centre);
    let box_top = box_bottom(top) - PLAN;
    let (cx, cy) = (left + PLAN / 2.0, box_top + PLAN / 2.0);
    let outline = shapes::rect(left, box_top, PLAN, PLAN);
    flow.push(Op::Shape { rings: vec![outline], fill: None, stroke: Some(Pen { colour: Colour::BLACK, width: 0.8 }) });
    let below = box_top + PLAN + 2.5 * MM;
    let points = || plan.into_iter().flat_map(|p| p.polygons.iter().flatten().flatten());
    let Some(plan) = plan.filter(|_| points().next().is_some()) else {
        flow.block("（无）", TEXT, left, left + PLAN, cy - TEXT * LEADING / 2.0, Align::Centre);
        return (box_top + PLAN, None);
    };
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &(x, y) in points() {
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    // Clear of the north arrow in the top right corner whatever the shape.
    let scale = Scale::fit(x1 - x0, y1 - y0, PLAN - 24.0 * MM, PLAN - 12.0 * MM, PLAN);
    let k = scale.points_per_metre();
    let (mx, my) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let place = |&(x, y): &(f64, f64)| (cx + ((x - mx) * k) as f32, cy - ((y - my) * k) as f32);
    let order = (0..plan.polygons.len()).filter(|&i| i != plan.highlight).chain(Some(plan.highlight));
    for i in order.filter(|&i| i < plan.polygons.len()) {
        let rings = plan.polygons[i].iter().map(|ring| ring.iter().map(place).collect()).collect();
        let unit = i == plan.highlight;
        let pen = if unit { Pen { colour: Colour::BLACK, width: 1.0 } } else { Pen { colour: OTHER, width: 0.5 } };
        flow.push(Op::Shape { rings, fill: unit.then_some(UNIT_FILL), stroke: Some(pen) });
    }

    let arrow_x = left + PLAN - 5.0 * MM;
    flow.block("北", SMALL, arrow_x - SMALL, arrow_x + SMALL, box_top + 0.5 * MM, Align::Centre);
    for op in shapes::north_arrow(arrow_x, box_top + 0.5 * MM + SMALL * LEADING, 8.0 * MM, 4.0 * MM) {
        flow.push(op);
    }

    let bar = (scale.bar_m * k) as f32;
    let bar_h = 1.5 * MM;
    flow.push(Op::Rect { x: left, y: below, w: bar / 2.0, h: bar_h, fill: Colour::BLACK });
    let pen = Pen { colour: Colour::BLACK, width: 0.5 };
    flow.push(Op::Shape { rings: vec![shapes::rect(left, below, bar, bar_h)], fill: None, stroke: Some(pen) });
    let labels = below + bar_h;
    flow.block("0", TINY, left - TINY, left + TINY, labels, Align::Centre);
    let end = scale.bar_label();
    let w = flow.width(&end, TINY);
    flow.block(&end, TINY, left + bar - w, left + bar + w, labels, Align::Centre);
    let ratio = format!("比例尺 1:{}", scale.denominator);
    flow.block(
        &ratio,
        SMALL,
        left + bar + 4.0 * MM,
        left + PLAN,
        below + bar_h / 2.0 - SMALL * LEADING / 2.0,
        Align::Left,
    );
    let crs = labels + TINY * LEADING;
    (flow.block(&plan.crs_note, TINY, left, left + PLAN, crs, Align::Left), Some(scale))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Metres on the ground per metre of paper, measured: what `1:N` must say.
    fn measured(bar_m: f64, bar_points: f64) -> f64 {
        bar_m / (bar_points / f64::from(MM) / 1000.0)
    }

    fn is_round(n: u64) -> bool {
        let decade = 10u64.pow(n.ilog10());
        ROUND_SCALES.iter().chain(&[10.0]).any(|m| (m * decade as f64).round() as u64 == n)
    }

    #[test]
    fn a_20_m_plot_in_a_60_mm_box() {
        let scale = Scale::fit(20.0, 20.0, PLAN, PLAN, PLAN);
        // 20 m in 60 mm needs 1:333, rounded up to 1:400: 50 mm on paper.
        assert_eq!(scale.denominator, 400);
        // The box is 24 m wide at 1:400; the bar is 10 m, 25 mm.
        assert_eq!(scale.bar_m, 10.0);
        assert_eq!(scale.bar_label(), "10 m");
        let bar_points = scale.bar_m * scale.points_per_metre();
        assert!((bar_points / f64::from(MM) - 25.0).abs() < 1e-9, "{bar_points}");
        let n = measured(scale.bar_m, bar_points);
        assert!((n / 400.0 - 1.0).abs() < 0.01, "1:{n}");
    }

    #[test]
    fn scales_are_round_fit_and_bars_are_a_fifth_to_a_half_of_the_box() {
        for extent in [0.004, 0.3, 1.0, 7.5, 20.0, 33.3, 99.9, 100.0, 101.0, 256.0, 1234.5, 48_000.0] {
            for (w, h) in [(extent, extent), (extent, extent / 3.0), (extent / 4.0, extent)] {
                let (fit_w, fit_h) = (36.0 * MM, 48.0 * MM);
                let s = Scale::fit(w, h, fit_w, fit_h, PLAN);
                let k = s.points_per_metre();
                assert!(is_round(s.denominator), "1:{}", s.denominator);
                assert!(w * k <= f64::from(fit_w) * 1.000_001 && h * k <= f64::from(fit_h) * 1.000_001, "{w}×{h}");
                if s.denominator > 1 {
                    // Not smaller than needed by more than the step between round scales.
                    assert!(w * k >= f64::from(fit_w) / 1.51 || h * k >= f64::from(fit_h) / 1.51, "{w}×{h} 1:{s:?}");
                }
                let fraction = s.bar_m * k / f64::from(PLAN);
                assert!((0.2 - 1e-9..=0.5 + 1e-9).contains(&fraction), "{w}×{h}: bar {s:?} is {fraction} of the box");
                let mantissa = s.bar_m / 10f64.powf(s.bar_m.log10().floor());
                assert!([1.0, 2.0, 5.0].iter().any(|m| (m - mantissa).abs() < 1e-9), "{s:?}");
                assert!((measured(s.bar_m, s.bar_m * k) / s.denominator as f64 - 1.0).abs() < 1e-9);
            }
        }
        assert_eq!(Scale::fit(0.0, 0.0, PLAN, PLAN, PLAN).denominator, 1);
        assert_eq!(Scale { denominator: 1, bar_m: 0.02 }.bar_label(), "0.02 m");
        assert_eq!(Scale { denominator: 5000, bar_m: 100.0 }.bar_label(), "100 m");
    }

    fn square(x: f64, y: f64, side: f64) -> Vec<Vec<(f64, f64)>> {
        vec![vec![(x, y), (x + side, y), (x + side, y + side), (x, y + side)]]
    }

    #[test]
    fn the_drawn_plan_and_its_bar_share_the_printed_scale() {
        let font = crate::CjkFont::load().expect("the tests need fonts-noto-cjk (scripts/install-deps.sh test)");
        let metrics = font.metrics();
        let mut flow = Flow::new(&metrics);
        // The unit is a 20 m square, with a 10 m shed next to it; in metres of a projected CRS.
        let p = Plan {
            caption: "宗地图".to_owned(),
            polygons: vec![square(500_010.0, 3_900_000.0, 10.0), square(500_020.0, 3_900_000.0, 20.0)],
            highlight: 1,
            crs_note: "CGCS2000 3°带".to_owned(),
        };
        let (left, top) = (100.0, 200.0);
        let (bottom, scale) = plan(&mut flow, Some(&p), left, top);
        let scale = scale.unwrap();
        let ops = flow.into_pages().remove(0);
        let x_extent = |ring: &[(f32, f32)]| {
            let xs = ring.iter().map(|p| p.0);
            (xs.clone().fold(f32::MAX, f32::min), xs.fold(f32::MIN, f32::max))
        };
        let unit = ops.iter().find_map(|op| match op {
            Op::Shape { rings, fill: Some(UNIT_FILL), .. } => Some(rings[0].clone()),
            _ => None,
        });
        let (ux0, ux1) = x_extent(&unit.expect("the unit is filled"));
        let unit_points_per_metre = f64::from(ux1 - ux0) / 20.0;
        // The bar: the half-filled rectangle under the box, and its outline.
        let bar = ops.iter().position(|op| matches!(op, Op::Rect { fill: Colour::BLACK, .. })).unwrap();
        let Op::Shape { rings, .. } = &ops[bar + 1] else { panic!("{:?}", ops[bar + 1]) };
        let (bx0, bx1) = x_extent(&rings[0]);
        let bar_points = f64::from(bx1 - bx0);
        assert!((bar_points / scale.bar_m / unit_points_per_metre - 1.0).abs() < 1e-3, "{bar_points} {scale:?}");
        // The printed ratio is what the bar measures on paper.
        let printed: f64 = ops
            .iter()
            .find_map(|op| match op {
                Op::Text { text, .. } => text.strip_prefix("比例尺 1:").map(|n| n.parse().unwrap()),
                _ => None,
            })
            .expect("a 1:N");
        assert_eq!(printed, scale.denominator as f64);
        let n = measured(scale.bar_m, bar_points);
        assert!((n / printed - 1.0).abs() < 0.01, "the bar measures 1:{n}, printed 1:{printed}");
        // Both squares together (30 m × 20 m) are centred in the box.
        let all: Vec<(f32, f32)> = ops
            .iter()
            .filter_map(|op| match op {
                Op::Shape { rings, stroke: Some(pen), .. } if pen.colour != Colour::BLACK || pen.width == 1.0 => {
                    Some(rings[0].clone())
                }
                _ => None,
            })
            .flatten()
            .collect();
        let (x0, x1) = x_extent(&all);
        assert!(((x0 + x1) / 2.0 - (left + PLAN / 2.0)).abs() < 0.01, "{x0}..{x1}");
        assert!(bottom > box_bottom(top) && bottom < box_bottom(top) + 20.0 * MM, "{bottom}");
        let texts: Vec<&str> = ops
            .iter()
            .filter_map(|op| if let Op::Text { text, .. } = op { Some(text.as_str()) } else { None })
            .collect();
        // 30 m in 36 mm needs 1:833: 1:1000, the box is 60 m wide, the bar 20 m.
        assert_eq!((scale.denominator, scale.bar_m), (1000, 20.0));
        for want in ["宗地图", "北", "0", "20 m", "比例尺 1:1000", "CGCS2000 3°带"] {
            assert!(texts.contains(&want), "{want} in {texts:?}");
        }
    }
}
