//! Ruled tables whose cells wrap, split across pages between rows with the header repeated.

use crate::layout::{Align, Flow, LEADING, LEFT, Op, wrap};

/// A column: its title, its width in points (`None`: what the fixed columns leave), alignment.
pub(crate) struct Column<'a> {
    pub title: &'a str,
    pub width: Option<f32>,
    pub align: Align,
}

/// Space between a cell's rules and its text.
const PAD_X: f32 = 5.0;
const PAD_Y: f32 = 2.0;
const RULE: f32 = 0.6;

/// Padding of a cell's text, left plus right, in points.
pub(crate) const PAD: f32 = 2.0 * PAD_X;

/// Draws a table across the text block: a bold header row, `rows`, then `footer` rows in bold
/// (e.g. the total). A row that does not fit on the page goes to the next one, under the header.
pub(crate) fn table(
    flow: &mut Flow<'_>,
    columns: &[Column<'_>],
    rows: &[Vec<String>],
    footer: &[Vec<String>],
    size: f32,
) {
    let edges = edges(columns, flow.right);
    let header: Vec<String> = columns.iter().map(|c| c.title.to_owned()).collect();
    let header_height = row_height(flow, &edges, &header, size);
    // Keep the header with at least the first row.
    let first = rows.first().or(footer.first()).map_or(0.0, |r| row_height(flow, &edges, r, size));
    flow.keep(header_height + first);
    draw_row(flow, columns, &edges, &header, size, true, true);
    let all = rows.iter().map(|r| (r, false)).chain(footer.iter().map(|r| (r, true)));
    for (row, bold) in all {
        let height = row_height(flow, &edges, row, size);
        if flow.y + height > flow.bottom {
            flow.new_page();
            draw_row(flow, columns, &edges, &header, size, true, true);
        }
        draw_row(flow, columns, &edges, row, size, bold, false);
    }
}

/// The x of each column's left edge, and the right edge of the last.
fn edges(columns: &[Column<'_>], right: f32) -> Vec<f32> {
    let fixed: f32 = columns.iter().filter_map(|c| c.width).sum();
    let flexible = columns.iter().filter(|c| c.width.is_none()).count().max(1) as f32;
    let flex = ((right - LEFT - fixed) / flexible).max(0.0);
    let mut x = LEFT;
    let mut edges = vec![x];
    for c in columns {
        x += c.width.unwrap_or(flex);
        edges.push(x);
    }
    edges
}

fn cell_lines(flow: &Flow<'_>, edges: &[f32], col: usize, text: &str, size: f32) -> Vec<String> {
    wrap(flow.metrics, text, size, edges[col + 1] - edges[col] - 2.0 * PAD_X)
}

fn row_height(flow: &Flow<'_>, edges: &[f32], row: &[String], size: f32) -> f32 {
    let lines = row.iter().enumerate().map(|(i, t)| cell_lines(flow, edges, i, t, size).len()).max().unwrap_or(1);
    lines as f32 * size * LEADING + 2.0 * PAD_Y
}

fn draw_row(
    flow: &mut Flow<'_>,
    columns: &[Column<'_>],
    edges: &[f32],
    row: &[String],
    size: f32,
    bold: bool,
    header: bool,
) {
    let height = row_height(flow, edges, row, size);
    let (top, bottom) = (flow.y, flow.y + height);
    for (i, text) in row.iter().enumerate() {
        // Header titles are centred; cells follow their column.
        let align = if header { Align::Centre } else { columns[i].align };
        for (n, line) in cell_lines(flow, edges, i, text, size).iter().enumerate() {
            let line_top = top + PAD_Y + n as f32 * size * LEADING;
            flow.text_in(edges[i] + PAD_X, edges[i + 1] - PAD_X, line_top, size, line, align, bold);
        }
    }
    let (left, right) = (edges[0], *edges.last().expect("a table has columns"));
    flow.push(Op::Rule { x1: left, y1: top, x2: right, y2: top, width: RULE });
    flow.push(Op::Rule { x1: left, y1: bottom, x2: right, y2: bottom, width: RULE });
    for &x in edges {
        flow.push(Op::Rule { x1: x, y1: top, x2: x, y2: bottom, width: RULE });
    }
    flow.y = bottom;
}
