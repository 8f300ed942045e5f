//! Turns laid-out pages into PDF bytes with krilla: the font is embedded as a subset of the
//! glyphs used, with a ToUnicode map so that the text can be searched and extracted.

use krilla::Document;
use krilla::color::{luma, rgb};
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule, Paint, Stroke};
use krilla::text::{GlyphId, KrillaGlyph};

use crate::PrintError;
use crate::font::{CjkFont, Metrics};
use crate::layout::{Colour, Op, PAGE_HEIGHT, PAGE_WIDTH};

/// Document information written into the PDF.
pub(crate) struct Info {
    pub title: String,
    pub subject: String,
}

/// Stroke width of the faux bold (a fill plus a thin outline of the same colour), in ems.
const BOLD_STROKE: f32 = 0.035;

/// Renders A4 portrait pages.
pub(crate) fn render(pages: &[Vec<Op>], font: &CjkFont, info: Info) -> Result<Vec<u8>, PrintError> {
    render_sized(pages, font, info, PAGE_WIDTH, PAGE_HEIGHT)
}

/// Renders pages of `width` × `height` points.
pub(crate) fn render_sized(
    pages: &[Vec<Op>],
    font: &CjkFont,
    info: Info,
    width: f32,
    height: f32,
) -> Result<Vec<u8>, PrintError> {
    let metrics = font.metrics();
    let pdf_font = font.pdf_font();
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(info.title)
            .description(info.subject)
            .language("zh-CN".to_owned())
            .creator("onemap".to_owned())
            .producer(format!("onemap-print {}", env!("CARGO_PKG_VERSION"))),
    );
    let settings =
        PageSettings::from_wh(width, height).ok_or_else(|| PrintError::Pdf(format!("a page of {width} × {height}")))?;
    for ops in pages {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        for op in ops {
            match op {
                Op::Text { x, baseline, size, text, bold, colour } => {
                    let glyphs = glyphs(&metrics, text)?;
                    surface.set_fill(Some(Fill { paint: paint(*colour), ..Fill::default() }));
                    surface.set_stroke(bold.then(|| Stroke {
                        paint: paint(*colour),
                        width: BOLD_STROKE * size,
                        ..Stroke::default()
                    }));
                    surface.draw_glyphs(Point::from_xy(*x, *baseline), &glyphs, pdf_font.clone(), text, *size, false);
                }
                Op::Rule { x1, y1, x2, y2, width } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(*x1, *y1);
                    pb.line_to(*x2, *y2);
                    if let Some(path) = pb.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke { width: *width, ..Stroke::default() }));
                        surface.draw_path(&path);
                    }
                }
                Op::Rect { x, y, w, h, fill } => {
                    let mut pb = PathBuilder::new();
                    if let Some(rect) = krilla::geom::Rect::from_xywh(*x, *y, *w, *h) {
                        pb.push_rect(rect);
                    }
                    if let Some(path) = pb.finish() {
                        surface.set_fill(Some(Fill { paint: paint(*fill), ..Fill::default() }));
                        surface.set_stroke(None);
                        surface.draw_path(&path);
                    }
                }
                Op::Shape { rings, fill, stroke } => {
                    let mut pb = PathBuilder::new();
                    for ring in rings.iter().filter(|r| r.len() >= 2) {
                        pb.move_to(ring[0].0, ring[0].1);
                        for &(x, y) in &ring[1..] {
                            pb.line_to(x, y);
                        }
                        pb.close();
                    }
                    if let Some(path) = pb.finish() {
                        surface.set_fill(fill.map(|c| Fill {
                            paint: paint(c),
                            rule: FillRule::EvenOdd,
                            ..Fill::default()
                        }));
                        surface.set_stroke(stroke.map(|pen| Stroke {
                            paint: paint(pen.colour),
                            width: pen.width,
                            ..Stroke::default()
                        }));
                        surface.draw_path(&path);
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| PrintError::Pdf(format!("{e:?}")))
}

/// Greys as grey levels (black as the default black of a fill), other colours as sRGB.
fn paint(c: Colour) -> Paint {
    let Colour(r, g, b) = c;
    if r == g && g == b { luma::Color::new(r).into() } else { rgb::Color::new(r, g, b).into() }
}

/// One glyph per character, advanced by the font's horizontal metrics — the same advances the
/// layout measured with — each mapped back to its character for text extraction.
fn glyphs(metrics: &Metrics<'_>, text: &str) -> Result<Vec<KrillaGlyph>, PrintError> {
    text.char_indices()
        .map(|(at, ch)| {
            let (gid, advance) = metrics.glyph(ch).ok_or_else(|| metrics.missing(ch, text))?;
            Ok(KrillaGlyph::new(GlyphId::new(gid.to_u32()), advance, 0.0, 0.0, 0.0, at..at + ch.len_utf8(), None))
        })
        .collect()
}
