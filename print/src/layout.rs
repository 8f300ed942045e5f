//! Page layout: a display list of positioned text and rules, line breaking of Chinese and mixed
//! text measured with the font's advances, and a flow that starts new pages when one is full.
//!
//! Coordinates are PDF points (1/72 inch) from the top-left corner of the page, y downwards.

use crate::font::Metrics;

/// A4 portrait, in points.
pub(crate) const PAGE_WIDTH: f32 = 595.276;
pub(crate) const PAGE_HEIGHT: f32 = 841.89;
/// 25 mm left and right, 25 mm top, 22 mm bottom (the footer sits in the bottom margin).
pub(crate) const LEFT: f32 = 70.87;
pub(crate) const RIGHT: f32 = PAGE_WIDTH - 70.87;
pub(crate) const TOP: f32 = 70.87;
pub(crate) const BOTTOM: f32 = PAGE_HEIGHT - 62.36;
/// Line height as a multiple of the font size.
pub(crate) const LEADING: f32 = 1.65;

/// Millimetres in points.
pub(crate) const MM: f32 = 72.0 / 25.4;

/// An sRGB colour; greys (the three the same) are written as grey levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Colour(pub u8, pub u8, pub u8);

impl Colour {
    pub const BLACK: Colour = Colour(0, 0, 0);
    /// The red of seals (印章).
    pub const SEAL: Colour = Colour(220, 20, 30);
}

/// How an outline is drawn: its colour and width in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Pen {
    pub colour: Colour,
    pub width: f32,
}

/// One thing drawn on a page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Op {
    /// Text on one line, `x` the left end of the baseline.
    Text { x: f32, baseline: f32, size: f32, text: String, bold: bool, colour: Colour },
    /// A straight black rule.
    Rule { x1: f32, y1: f32, x2: f32, y2: f32, width: f32 },
    /// A filled rectangle, `x` and `y` its top-left corner.
    Rect { x: f32, y: f32, w: f32, h: f32, fill: Colour },
    /// Closed polygons — each ring a list of points, closed back to its first — filled (by the
    /// even-odd rule, so that inner rings are holes) and/or outlined.
    Shape { rings: Vec<Vec<(f32, f32)>>, fill: Option<Colour>, stroke: Option<Pen> },
}

/// Horizontal alignment within a box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Centre,
    Right,
}

/// Characters that never start a line (closing punctuation, 避头).
fn no_line_start(c: char) -> bool {
    "，。、；：？！）》」』】〕”’％‰·…—～,.;:?!)]}%".contains(c)
}

/// Characters that never end a line (opening punctuation and currency signs, 避尾).
fn no_line_end(c: char) -> bool {
    "（《「『【〔“‘￥¥([{".contains(c)
}

/// Ideographs, kana, hangul and fullwidth forms: a line may break before or after each.
fn is_cjk(c: char) -> bool {
    matches!(u32::from(c),
        0x2E80..=0x9FFF | 0xA960..=0xA97F | 0xAC00..=0xD7FF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F
        | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

/// Whether a line may break between `prev` and `next`.
fn can_break(prev: char, next: char) -> bool {
    if next.is_whitespace() {
        return false; // break after the space instead
    }
    if prev.is_whitespace() {
        return true;
    }
    (is_cjk(prev) || is_cjk(next)) && !no_line_start(next) && !no_line_end(prev)
}

/// Breaks `text` into lines no wider than `max_width` at `size` points. Explicit newlines are
/// kept; lines break between Chinese characters (not before closing or after opening
/// punctuation) and at spaces, and keep Latin words and numbers whole unless one is wider than
/// a line by itself. Spaces at the ends of lines are dropped.
pub(crate) fn wrap(metrics: &Metrics<'_>, text: &str, size: f32, max_width: f32) -> Vec<String> {
    wrap_indented(metrics, text, size, max_width, max_width)
}

/// [`wrap`] with a first line of its own width (a paragraph's indented first line).
pub(crate) fn wrap_indented(metrics: &Metrics<'_>, text: &str, size: f32, first: f32, rest: f32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let max = |lines: &Vec<String>| if lines.is_empty() { first } else { rest };
    for paragraph in text.split('\n') {
        let chars: Vec<char> = paragraph.chars().filter(|&c| c != '\r').collect();
        let advance = |c: char| metrics.advance(c) * size;
        let mut start = 0;
        let mut width = 0.0;
        let mut last_break: Option<usize> = None;
        let mut i = 0;
        while i < chars.len() {
            if i > start && can_break(chars[i - 1], chars[i]) {
                last_break = Some(i);
            }
            let w = advance(chars[i]);
            if width + w > max(&lines) && i > start && !chars[i].is_whitespace() {
                let cut = last_break.filter(|&b| b > start).unwrap_or(i);
                lines.push(chars[start..cut].iter().collect::<String>().trim_end().to_owned());
                start = cut;
                while start < i && chars[start].is_whitespace() {
                    start += 1;
                }
                width = chars[start..i].iter().map(|&c| advance(c)).sum();
                last_break = (start + 1..=i).rev().find(|&j| can_break(chars[j - 1], chars[j]));
            }
            width += w;
            i += 1;
        }
        lines.push(chars[start..].iter().collect::<String>().trim_end().to_owned());
    }
    lines
}

/// Lays content out top to bottom over as many pages as it needs.
pub(crate) struct Flow<'m> {
    pub metrics: &'m Metrics<'m>,
    pages: Vec<Vec<Op>>,
    /// The top of the next line on the current page.
    pub y: f32,
    /// The colour text is set in (black unless changed).
    pub colour: Colour,
    /// The right edge of the text block and the bottom of a page's content (A4 portrait's
    /// unless the flow was made for another page).
    pub right: f32,
    pub bottom: f32,
}

impl<'m> Flow<'m> {
    pub fn new(metrics: &'m Metrics<'m>) -> Self {
        Flow { metrics, pages: vec![Vec::new()], y: TOP, colour: Colour::BLACK, right: RIGHT, bottom: BOTTOM }
    }

    /// A flow over pages `width` × `height` points (A4 landscape, say), with the same margins.
    pub fn with_page(metrics: &'m Metrics<'m>, width: f32, height: f32) -> Self {
        Flow { right: width - (PAGE_WIDTH - RIGHT), bottom: height - (PAGE_HEIGHT - BOTTOM), ..Flow::new(metrics) }
    }

    /// The pages laid out so far.
    pub fn into_pages(self) -> Vec<Vec<Op>> {
        self.pages
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// Starts a new page; the flow continues at its top.
    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Makes sure `height` points fit on the current page, starting a new one if not.
    pub fn keep(&mut self, height: f32) {
        if self.y + height > self.bottom && self.y > TOP {
            self.new_page();
        }
    }

    /// Vertical space.
    pub fn gap(&mut self, height: f32) {
        self.y += height;
    }

    pub fn push(&mut self, op: Op) {
        self.pages.last_mut().expect("a flow always has a page").push(op);
    }

    pub fn width(&self, text: &str, size: f32) -> f32 {
        self.metrics.width(text, size)
    }

    /// The baseline of a line of text at `size` whose line box starts at `top`.
    pub fn baseline(&self, top: f32, size: f32) -> f32 {
        let content = (self.metrics.ascent + self.metrics.descent) * size;
        top + (size * LEADING - content) / 2.0 + self.metrics.ascent * size
    }

    /// One line of text in the box `left..right` whose top is `top`; the flow does not move.
    #[allow(clippy::too_many_arguments)]
    pub fn text_in(&mut self, left: f32, right: f32, top: f32, size: f32, text: &str, align: Align, bold: bool) {
        let x = match align {
            Align::Left => left,
            Align::Centre => (left + right - self.width(text, size)) / 2.0,
            Align::Right => right - self.width(text, size),
        };
        let baseline = self.baseline(top, size);
        self.push(Op::Text { x, baseline, size, text: text.to_owned(), bold, colour: self.colour });
    }

    /// `text` wrapped in `left..right` from `top`, each line aligned; returns the y under it.
    /// The flow does not move.
    pub fn block(&mut self, text: &str, size: f32, left: f32, right: f32, top: f32, align: Align) -> f32 {
        let mut y = top;
        for line in wrap(self.metrics, text, size, right - left) {
            self.text_in(left, right, y, size, &line, align, false);
            y += size * LEADING;
        }
        y
    }

    /// A single line across the text block, aligned; the flow moves below it.
    pub fn line(&mut self, text: &str, size: f32, align: Align, bold: bool) {
        self.keep(size * LEADING);
        let top = self.y;
        self.text_in(LEFT, self.right, top, size, text, align, bold);
        self.y += size * LEADING;
    }

    /// A paragraph wrapped between `left` and `right`, its first line indented by `indent`;
    /// returns the number of lines.
    pub fn paragraph(&mut self, text: &str, size: f32, left: f32, right: f32, indent: f32) -> usize {
        let lh = size * LEADING;
        let lines = wrap_indented(self.metrics, text, size, right - left - indent, right - left);
        for (n, line) in lines.iter().enumerate() {
            self.keep(lh);
            let top = self.y;
            let dx = if n == 0 { indent } else { 0.0 };
            self.text_in(left + dx, right, top, size, line, Align::Left, false);
            self.y += lh;
        }
        lines.len()
    }

    /// A label and its value: the label in the left column, the value wrapped in the rest.
    pub fn field(&mut self, label: &str, value: &str, size: f32, label_width: f32) {
        let lh = size * LEADING;
        let lines = wrap(self.metrics, value, size, RIGHT - LEFT - label_width);
        self.keep(lh * lines.len().min(3) as f32);
        let top = self.y;
        self.text_in(LEFT, LEFT + label_width, top, size, label, Align::Left, false);
        for line in lines {
            self.keep(lh);
            let top = self.y;
            self.text_in(LEFT + label_width, RIGHT, top, size, &line, Align::Left, false);
            self.y += lh;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaks_between_ideographs_but_not_before_closing_punctuation() {
        assert!(can_break('征', '收'));
        assert!(!can_break('收', '，'));
        assert!(!can_break('《', '国'));
        assert!(can_break('》', '和'));
        assert!(!can_break('1', '2'));
        assert!(can_break('3', '号'));
        assert!(!can_break('a', 'b'));
        assert!(can_break(' ', 'b'));
        assert!(!can_break('a', ' '));
    }

    fn font() -> crate::CjkFont {
        crate::CjkFont::load().expect("the tests need fonts-noto-cjk (scripts/install-deps.sh test)")
    }

    #[test]
    fn wrapped_lines_fit_and_lose_nothing() {
        let font = font();
        let m = font.metrics();
        let text = "根据《国有土地上房屋征收与补偿条例》（国务院令第590号）和房屋征收决定（锡政征决〔2023〕1号）等规定，\
                    因锡山区东亭街道旧城改造项目（项目编号：WX-ZS-2023-01）建设需要，乙方位于无锡市锡山区东亭街道\
                    友谊北路128号3幢2单元502室的房屋被依法纳入征收范围。Area 87.46 m2, code 320205003004GB00012F00030002.";
        for max in [120.0, 200.0, 453.5] {
            let lines = wrap(&m, text, 11.0, max);
            assert!(lines.len() > 1, "{max}: {lines:?}");
            for line in &lines {
                assert!(m.width(line, 11.0) <= max + 0.01, "{max}: {line:?} is {} wide", m.width(line, 11.0));
                let first = line.chars().next().unwrap();
                assert!(!no_line_start(first), "{max}: line starts with {first:?}: {lines:?}");
                assert!(!no_line_end(line.chars().last().unwrap()), "{max}: {line:?}");
            }
            let strip = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            assert_eq!(strip(&lines.concat()), strip(text), "{max}");
            // Latin words and numbers stay whole when they fit.
            for word in ["590", "87.46", "Area", "WX-ZS-2023-01"] {
                assert!(lines.iter().any(|l| l.contains(word)), "{max}: {word} split in {lines:?}");
            }
        }
    }

    #[test]
    fn newlines_are_kept_and_overlong_words_are_cut() {
        let font = font();
        let m = font.metrics();
        assert_eq!(wrap(&m, "甲方\n乙方", 11.0, 400.0), vec!["甲方", "乙方"]);
        assert_eq!(wrap(&m, "", 11.0, 400.0), vec![""]);
        let long = "0123456789".repeat(10);
        let lines = wrap(&m, &long, 11.0, 60.0);
        assert!(lines.len() >= 10, "{lines:?}");
        assert_eq!(lines.concat(), long);
        assert!(lines.iter().all(|l| m.width(l, 11.0) <= 60.0));
        // Only the first line is narrower.
        let lines = wrap_indented(&m, &"征收".repeat(30), 10.0, 100.0, 200.0);
        assert_eq!(lines[0].chars().count(), 10);
        assert_eq!(lines[1].chars().count(), 20);
    }

    #[test]
    fn chinese_is_one_em_wide() {
        let font = font();
        let m = font.metrics();
        assert!((m.width("征收补偿", 10.0) - 40.0).abs() < 0.01);
        assert!(m.width("1234", 10.0) < 40.0);
        assert!(m.ascent > 0.5 && m.descent > 0.0);
    }
}
