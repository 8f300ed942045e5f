//! 统计报表: a report printed as A4 pages — its title, the lines saying what it covers (project,
//! township, period, who printed it when), then its sections, each a heading over a ruled table
//! whose header repeats on every page it runs over, with the totals in bold at its end. The
//! page numbers and the report's title are in the margins of every page.

use crate::PrintError;
use crate::font::CjkFont;
use crate::layout::{Align, Colour, Flow, LEFT, Op, PAGE_HEIGHT, PAGE_WIDTH, TOP};
use crate::render::{Info, render_sized};
use crate::table::{Column, PAD, table};

/// A printed report.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// e.g. 征收项目进度报表
    pub title: String,
    /// Lines under the title: what the report covers and when it was made.
    pub lines: Vec<String>,
    pub sections: Vec<Section>,
}

/// One table of a report.
#[derive(Debug, Clone, Default)]
pub struct Section {
    pub heading: String,
    pub columns: Vec<ReportColumn>,
    /// The cells as they are printed (numbers already formatted).
    pub rows: Vec<Vec<String>>,
    /// Rows printed in bold after the others (合计).
    pub totals: Vec<Vec<String>>,
    /// Said under the table when it has no rows.
    pub empty: String,
}

/// A column of a section.
#[derive(Debug, Clone)]
pub struct ReportColumn {
    pub title: String,
    /// Relative width (the table spans the text block).
    pub weight: f32,
    /// Numbers are right-aligned.
    pub numeric: bool,
    /// Never wrapped (numbers, dates, codes): as wide as the widest cell.
    pub nowrap: bool,
}

const TITLE: f32 = 16.0;
const BODY: f32 = 9.0;
const CELL: f32 = 7.5;
const SMALL: f32 = 7.5;

/// Columns beyond which a report is printed on landscape pages.
const PORTRAIT_COLUMNS: usize = 8;

/// Renders the report — A4 portrait, or landscape when a table has more than eight columns —
/// with the font's glyphs embedded as a subset. Numbers and dates never wrap: their columns
/// are as wide as their widest cell; text columns share the rest by weight.
pub fn report_pdf(report: &Report, font: &CjkFont) -> Result<Vec<u8>, PrintError> {
    for s in &report.sections {
        if let Some(row) = s.rows.iter().chain(&s.totals).find(|r| r.len() != s.columns.len()) {
            return Err(PrintError::Invalid(format!(
                "a row of {:?} has {} cells for {} columns",
                s.heading,
                row.len(),
                s.columns.len()
            )));
        }
    }
    let metrics = font.metrics();
    let landscape = report.sections.iter().any(|s| s.columns.len() > PORTRAIT_COLUMNS);
    let (width, height) = if landscape { (PAGE_HEIGHT, PAGE_WIDTH) } else { (PAGE_WIDTH, PAGE_HEIGHT) };
    let mut flow = Flow::with_page(&metrics, width, height);
    flow.line(&report.title, TITLE, Align::Centre, true);
    flow.gap(4.0);
    for line in &report.lines {
        flow.line(line, BODY, Align::Left, false);
    }
    for s in &report.sections {
        flow.gap(10.0);
        flow.keep(BODY * 4.0);
        flow.line(&s.heading, BODY + 1.5, Align::Left, true);
        flow.gap(2.0);
        if s.rows.is_empty() && s.totals.is_empty() {
            flow.line(&s.empty, BODY, Align::Left, false);
            continue;
        }
        let (size, widths) = fit(&flow, s);
        let columns: Vec<Column<'_>> = s
            .columns
            .iter()
            .zip(widths)
            .map(|(c, width)| Column {
                title: &c.title,
                width: Some(width),
                align: if c.numeric { Align::Right } else { Align::Left },
            })
            .collect();
        table(&mut flow, &columns, &s.rows, &s.totals, size);
    }
    let bottom = flow.bottom;
    let total = flow.page_count();
    let mut pages = flow.into_pages();
    for (n, ops) in pages.iter_mut().enumerate() {
        let text = |x: f32, baseline: f32, text: String| Op::Text {
            x,
            baseline,
            size: SMALL,
            text,
            bold: false,
            colour: Colour::BLACK,
        };
        if n > 0 {
            ops.push(text(LEFT, TOP - 22.0, report.title.clone()));
        }
        let footer = format!("第 {} 页 共 {} 页", n + 1, total);
        ops.push(text((width - metrics.width(&footer, SMALL)) / 2.0, bottom + 30.0, footer));
    }
    let info = Info { title: report.title.clone(), subject: report.lines.join("；") };
    render_sized(&pages, font, info, width, height)
}

/// The cell size and column widths of a section: the cells get smaller (down to 5 points)
/// until the columns that do not wrap take at most three quarters of the line and the short
/// texts fit beside them.
fn fit(flow: &Flow<'_>, s: &Section) -> (f32, Vec<f32>) {
    let all = flow.right - LEFT;
    let mut size = CELL;
    loop {
        let (w, least) = widths(flow, s, size);
        let fixed: f32 = w.iter().zip(&s.columns).filter(|(_, c)| c.nowrap).map(|(w, _)| w).sum();
        if (fixed <= 0.75 * all && least <= all) || size <= 5.0 {
            return (size, w);
        }
        size = (size - 0.5).max(5.0);
    }
}

/// Column widths, and the least they need: a column that does not wrap as wide as its widest
/// cell (and half its title, which may wrap once); text columns share what is left by weight,
/// each as wide as its widest cell up to six characters. Too wide, the long texts give way
/// first, then the short ones (down to two characters), then everything in proportion.
fn widths(flow: &Flow<'_>, s: &Section, size: f32) -> (Vec<f32>, f32) {
    let all = flow.right - LEFT;
    let natural = |i: usize| {
        let cells = s.rows.iter().chain(&s.totals).map(|r| flow.width(&r[i], size)).fold(0.0, f32::max);
        cells.max(flow.width(&s.columns[i].title, size) / 2.0) + PAD + 1.0
    };
    let two = 2.0 * size + PAD;
    let mut out: Vec<f32> = (0..s.columns.len()).map(|i| if s.columns[i].nowrap { natural(i) } else { 0.0 }).collect();
    let fixed: f32 = out.iter().sum();
    let weights: f32 = s.columns.iter().filter(|c| !c.nowrap).map(|c| c.weight.max(0.1)).sum();
    let rest = (all - fixed).max(0.0);
    let mut least = fixed;
    let mut shorts = vec![0.0; s.columns.len()];
    for (i, (w, c)) in out.iter_mut().zip(&s.columns).enumerate().filter(|(_, (_, c))| !c.nowrap) {
        shorts[i] = natural(i).min(6.0 * size + PAD + 1.0).max(two);
        least += shorts[i];
        *w = (rest * c.weight.max(0.1) / weights.max(0.1)).max(shorts[i]);
    }
    // Too wide: long texts give way down to six characters, then every text down to two.
    for floor in [shorts.clone(), vec![two; s.columns.len()]] {
        let excess = out.iter().sum::<f32>() - all;
        let text = |i: usize| !s.columns[i].nowrap;
        let give: f32 = (0..out.len()).filter(|&i| text(i)).map(|i| (out[i] - floor[i]).max(0.0)).sum();
        if excess <= 0.0 || give <= 0.0 {
            continue;
        }
        for i in (0..out.len()).filter(|&i| text(i)) {
            out[i] -= excess.min(give) * (out[i] - floor[i]).max(0.0) / give;
        }
    }
    let total: f32 = out.iter().sum();
    if total > all {
        out.iter_mut().for_each(|w| *w *= all / total);
    }
    (out, least)
}
