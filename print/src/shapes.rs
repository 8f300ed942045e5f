//! Outlines drawn as [`Op::Shape`](crate::layout::Op::Shape) rings — rectangles, circles,
//! stars, a north arrow — and QR code modules as one filled shape.

use std::f32::consts::{FRAC_PI_2, PI};

use crate::layout::{Colour, Op};

/// A ring of points, in points from the top-left corner of the page.
pub(crate) type Ring = Vec<(f32, f32)>;

/// The rectangle with top-left corner `x`, `y`.
pub(crate) fn rect(x: f32, y: f32, w: f32, h: f32) -> Ring {
    vec![(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
}

/// A circle as a regular polygon of `n` corners.
pub(crate) fn circle(cx: f32, cy: f32, r: f32, n: usize) -> Ring {
    (0..n)
        .map(|i| {
            let a = 2.0 * PI * i as f32 / n as f32;
            (cx + r * a.cos(), cy + r * a.sin())
        })
        .collect()
}

/// A five-pointed star (五角星) pointing up, `r` the radius of its points.
pub(crate) fn star(cx: f32, cy: f32, r: f32) -> Ring {
    // The inner corners lie where the lines between the points cross.
    let inner = r * (2.0 * PI / 20.0).sin() / (3.0 * PI / 10.0).sin();
    (0..10)
        .map(|i| {
            let a = -FRAC_PI_2 + PI * i as f32 / 5.0;
            let radius = if i % 2 == 0 { r } else { inner };
            (cx + radius * a.cos(), cy + radius * a.sin())
        })
        .collect()
}

/// A north arrow with its tip at `x`, `top`, `length` long: its outline, and its left half
/// filled (the usual half-black arrow).
pub(crate) fn north_arrow(x: f32, top: f32, length: f32, width: f32) -> [Op; 2] {
    let half = width / 2.0;
    let (tip, notch) = ((x, top), (x, top + 0.75 * length));
    let (left, right) = ((x - half, top + length), (x + half, top + length));
    let pen = crate::layout::Pen { colour: Colour::BLACK, width: 0.6 };
    [
        Op::Shape { rings: vec![vec![tip, notch, left]], fill: Some(Colour::BLACK), stroke: None },
        Op::Shape { rings: vec![vec![tip, right, notch, left]], fill: None, stroke: Some(pen) },
    ]
}

/// The dark modules of a QR code (`size` × `size`, row-major) as one black shape covering the
/// square `x`, `y`, `side` (the symbol itself: the quiet zone lies outside it). Each run of
/// dark modules in a row is one rectangle, so neighbours leave no seams between them.
pub(crate) fn qr(modules: &[bool], size: usize, x: f32, y: f32, side: f32) -> Op {
    let m = side / size as f32;
    let mut rings = Vec::new();
    for (row, cells) in modules.chunks(size.max(1)).enumerate() {
        let mut col = 0;
        while col < cells.len() {
            if !cells[col] {
                col += 1;
                continue;
            }
            let start = col;
            while col < cells.len() && cells[col] {
                col += 1;
            }
            rings.push(rect(x + start as f32 * m, y + row as f32 * m, (col - start) as f32 * m, m));
        }
    }
    Op::Shape { rings, fill: Some(Colour::BLACK), stroke: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn circles_and_stars_have_their_radii() {
        let c = circle(10.0, 20.0, 5.0, 64);
        assert_eq!(c.len(), 64);
        assert!(c.iter().all(|(x, y)| ((x - 10.0).hypot(y - 20.0) - 5.0).abs() < 1e-4));
        let s = star(0.0, 0.0, 10.0);
        assert_eq!(s.len(), 10);
        assert!((s[0].0).abs() < 1e-4 && (s[0].1 + 10.0).abs() < 1e-4, "points up: {:?}", s[0]);
        let inner = s[1].0.hypot(s[1].1);
        assert!((inner - 3.82).abs() < 0.01, "{inner}");
    }

    #[test]
    fn qr_runs_cover_the_dark_modules() {
        // . # #
        // # . #
        // . . .
        let modules = [false, true, true, true, false, true, false, false, false];
        let Op::Shape { rings, .. } = qr(&modules, 3, 0.0, 0.0, 30.0) else { panic!() };
        assert_eq!(rings, vec![rect(10.0, 0.0, 20.0, 10.0), rect(0.0, 10.0, 10.0, 10.0), rect(20.0, 10.0, 10.0, 10.0)]);
    }
}
