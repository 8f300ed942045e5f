//! Numbering schemes (编号规则) for archive numbers (档案号) and photo numbers (照片编号).
//!
//! A scheme is a template such as `{project}-{category}-{seq:04}`: literal parts (ASCII letters,
//! digits, `_` and `-`) and placeholders `{project}` (项目编号), `{category}` (类别代码, e.g.
//! `XY`), `{unit}` (补偿单元编号), `{year}` (年度, four digits) and exactly one `{seq}` /
//! `{seq:N}` (流水号, zero-padded to N digits, 1 ≤ N ≤ 9).
//!
//! [`Scheme::key`] renders everything but the sequence number, which it leaves as the marker
//! `{seq}`: that text keys a database counter, so numbers under different projects, categories,
//! units or years count separately. The marker does not depend on the width, so widening
//! `{seq:04}` to `{seq:05}` keeps counting where it was.

use std::fmt;

/// The marker standing for the sequence number in a [`Scheme::key`].
pub const SEQ_MARKER: &str = "{seq}";

/// The longest template accepted, in characters.
pub const MAX_TEMPLATE_LEN: usize = 100;

/// The longest value (project, category, unit) accepted, in characters.
pub const MAX_VALUE_LEN: usize = 64;

/// One piece of a template.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Literal(String),
    Project,
    Category,
    Unit,
    Year,
    /// Zero-padded to this many digits (1 = no padding).
    Seq(usize),
}

/// 编号规则: a parsed numbering template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scheme {
    template: String,
    parts: Vec<Part>,
}

/// What a number is made of, apart from its sequence number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Values<'a> {
    /// 项目编号, e.g. `WX2025`.
    pub project: &'a str,
    /// 类别代码, the two-letter [`crate::Category::code`], e.g. `XY`.
    pub category: &'a str,
    /// 补偿单元编号, needed only by schemes with `{unit}`.
    pub unit: Option<&'a str>,
    /// 年度, 1..=9999.
    pub year: i32,
}

/// Why a template or a rendering was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SchemeError {
    /// 空规则.
    #[error("the template is empty")]
    Empty,
    /// The template is longer than [`MAX_TEMPLATE_LEN`].
    #[error("the template is longer than {MAX_TEMPLATE_LEN} characters")]
    TooLong,
    /// A placeholder other than project, category, unit, year, seq.
    #[error("unknown placeholder {{{0}}}")]
    UnknownPlaceholder(String),
    /// A `{` without its `}`, a `}` without its `{`, or a `{` inside a placeholder.
    #[error("unbalanced brace at character {0}")]
    UnbalancedBrace(usize),
    /// No `{seq}`.
    #[error("the template has no {{seq}}")]
    MissingSeq,
    /// More than one `{seq}`.
    #[error("the template has more than one {{seq}}")]
    DuplicateSeq,
    /// `{seq:N}` with N not in 1..=9.
    #[error("bad sequence width in {{{0}}} (1 to 9 digits)")]
    BadSeqWidth(String),
    /// A literal character other than ASCII letters, digits, `_`, `-`.
    #[error("character {0:?} is not allowed (letters, digits, _ and - only)")]
    BadCharacter(char),
    /// The scheme has `{unit}` but no unit was given.
    #[error("the scheme needs a compensation unit")]
    MissingUnit,
    /// A value that is empty, too long, or holds whitespace, braces, slashes or control
    /// characters; or a year outside 1..=9999.
    #[error("bad value for {0}")]
    BadValue(&'static str),
}

impl SchemeError {
    /// A stable, machine-readable code for API responses.
    pub fn code(&self) -> &'static str {
        match self {
            SchemeError::Empty => "empty_template",
            SchemeError::TooLong => "template_too_long",
            SchemeError::UnknownPlaceholder(_) => "unknown_placeholder",
            SchemeError::UnbalancedBrace(_) => "unbalanced_brace",
            SchemeError::MissingSeq => "missing_seq",
            SchemeError::DuplicateSeq => "duplicate_seq",
            SchemeError::BadSeqWidth(_) => "bad_seq_width",
            SchemeError::BadCharacter(_) => "bad_character",
            SchemeError::MissingUnit => "missing_unit",
            SchemeError::BadValue(_) => "bad_value",
        }
    }
}

impl Scheme {
    /// 默认档案号规则.
    pub const DEFAULT_ARCHIVE: &'static str = "{project}-{category}-{seq:04}";
    /// 默认照片编号规则.
    pub const DEFAULT_PHOTO: &'static str = "{project}-ZP-{seq:05}";

    /// Parses a template (see the module documentation).
    pub fn parse(template: &str) -> Result<Scheme, SchemeError> {
        if template.is_empty() {
            return Err(SchemeError::Empty);
        }
        if template.chars().count() > MAX_TEMPLATE_LEN {
            return Err(SchemeError::TooLong);
        }
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut chars = template.chars().enumerate();
        while let Some((at, c)) = chars.next() {
            match c {
                '{' => {
                    let mut name = String::new();
                    loop {
                        match chars.next() {
                            Some((_, '}')) => break,
                            Some((_, '{')) | None => return Err(SchemeError::UnbalancedBrace(at)),
                            Some((_, c)) => name.push(c),
                        }
                    }
                    if !literal.is_empty() {
                        parts.push(Part::Literal(std::mem::take(&mut literal)));
                    }
                    parts.push(placeholder(&name)?);
                }
                '}' => return Err(SchemeError::UnbalancedBrace(at)),
                c if c.is_ascii_alphanumeric() || c == '_' || c == '-' => literal.push(c),
                c => return Err(SchemeError::BadCharacter(c)),
            }
        }
        if !literal.is_empty() {
            parts.push(Part::Literal(literal));
        }
        match parts.iter().filter(|p| matches!(p, Part::Seq(_))).count() {
            0 => Err(SchemeError::MissingSeq),
            1 => Ok(Scheme { template: template.to_owned(), parts }),
            _ => Err(SchemeError::DuplicateSeq),
        }
    }

    /// The template text.
    pub fn template(&self) -> &str {
        &self.template
    }

    /// Whether rendering needs [`Values::unit`].
    pub fn needs_unit(&self) -> bool {
        self.parts.contains(&Part::Unit)
    }

    /// The counter key: the number with the sequence part left as [`SEQ_MARKER`].
    pub fn key(&self, values: &Values) -> Result<String, SchemeError> {
        self.fill(values, |_| SEQ_MARKER.to_owned())
    }

    /// The number for sequence number `seq`.
    pub fn render(&self, values: &Values, seq: u64) -> Result<String, SchemeError> {
        self.fill(values, |width| format!("{seq:0width$}"))
    }

    fn fill(&self, values: &Values, seq: impl Fn(usize) -> String) -> Result<String, SchemeError> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(text) => out.push_str(text),
                Part::Project => out.push_str(checked("project", values.project)?),
                Part::Category => out.push_str(checked("category", values.category)?),
                Part::Unit => out.push_str(checked("unit", values.unit.ok_or(SchemeError::MissingUnit)?)?),
                Part::Year if (1..=9999).contains(&values.year) => out.push_str(&format!("{:04}", values.year)),
                Part::Year => return Err(SchemeError::BadValue("year")),
                Part::Seq(width) => out.push_str(&seq(*width)),
            }
        }
        Ok(out)
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.template)
    }
}

fn placeholder(name: &str) -> Result<Part, SchemeError> {
    Ok(match name {
        "project" => Part::Project,
        "category" => Part::Category,
        "unit" => Part::Unit,
        "year" => Part::Year,
        "seq" => Part::Seq(1),
        _ => match name.strip_prefix("seq:") {
            Some(width) => match width.parse::<usize>() {
                Ok(n @ 1..=9) if width.bytes().all(|b| b.is_ascii_digit()) => Part::Seq(n),
                _ => return Err(SchemeError::BadSeqWidth(name.to_owned())),
            },
            None => return Err(SchemeError::UnknownPlaceholder(name.to_owned())),
        },
    })
}

/// A value fit to appear in a number (and in a file name, and a counter key).
fn checked<'v>(field: &'static str, value: &'v str) -> Result<&'v str, SchemeError> {
    let bad = |c: char| c.is_whitespace() || c.is_control() || matches!(c, '{' | '}' | '/' | '\\');
    if value.is_empty() || value.chars().count() > MAX_VALUE_LEN || value.chars().any(bad) {
        return Err(SchemeError::BadValue(field));
    }
    Ok(value)
}

#[cfg(test)]
mod tests;
