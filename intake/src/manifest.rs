//! The manifest (清单, `manifest.csv`) of a bulk archive upload: one row per file in the zip,
//! saying which compensation unit or agreement it belongs to, its category, title and date.
//!
//! Excel in a Chinese locale saves CSV as GBK, “CSV UTF-8” adds a BOM, “Unicode text” is
//! tab-separated UTF-16: all are read. Header names may be English or Chinese. Problems in a row
//! are collected on the row (so the whole list can be shown to the user at once); only a
//! manifest that cannot be read as a table at all is an error.

use chrono::NaiveDate;
use serde::Serialize;

use crate::category::{Category, category};

/// The most rows a manifest may hold.
pub const MAX_ROWS: usize = 100_000;

/// A parsed manifest.
#[derive(Debug, Serialize)]
pub struct Manifest {
    /// 编码: the encoding the bytes were read as: `UTF-8`, `GBK`, `UTF-16LE` or `UTF-16BE`.
    pub encoding: &'static str,
    /// 清单行: the data rows (blank rows skipped).
    pub rows: Vec<ManifestRow>,
    /// Header names that were not recognised (their columns are ignored).
    pub ignored_columns: Vec<String>,
}

/// 清单行: one file of the upload.
#[derive(Debug, Serialize)]
pub struct ManifestRow {
    /// 行号: the 1-based line in the file where the row starts (the header is line 1).
    pub line: usize,
    /// 文件名: the file's path inside the zip, trimmed, `\` turned into `/`.
    pub file: String,
    /// 补偿单元编号或协议编号: a compensation unit code or an agreement number, as written.
    pub unit_or_agreement: Option<String>,
    /// 档案类别: `None` when the cell is empty or unknown (unknown is also a problem).
    pub category: Option<&'static Category>,
    /// 题名, trimmed.
    pub title: String,
    /// 文件日期.
    pub date: Option<NaiveDate>,
    /// 问题: what is wrong with the row; empty when the row is fine.
    pub problems: Vec<RowProblem>,
}

/// 行问题: one problem of a row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    /// Stable code: `missing_file`, `unsafe_path`, `duplicate_file`, `unknown_category`,
    /// `bad_date`, `empty_title`.
    pub code: &'static str,
    /// 中文说明.
    pub message_zh: String,
    /// English message.
    pub message_en: String,
}

/// Why a manifest could not be read at all.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ManifestError {
    /// 清单为空: no header or no data rows.
    #[error("the manifest is empty")]
    Empty,
    /// 缺少必填列: `file` or `title`.
    #[error("the manifest has no {0} column")]
    MissingColumn(&'static str),
    /// 列重复: two headers naming the same column.
    #[error("the manifest has the {0} column twice")]
    DuplicateColumn(&'static str),
    /// 编码错误: neither UTF-8 nor GBK.
    #[error("the manifest is neither UTF-8 nor GBK text")]
    Encoding,
    /// 行数过多: more than [`MAX_ROWS`] rows.
    #[error("the manifest has more than {MAX_ROWS} rows")]
    TooManyRows,
    /// The CSV structure itself is broken.
    #[error("malformed CSV: {0}")]
    Csv(String),
}

impl ManifestError {
    /// A stable, machine-readable code for API responses.
    pub fn code(&self) -> &'static str {
        match self {
            ManifestError::Empty => "empty_manifest",
            ManifestError::MissingColumn(_) => "missing_column",
            ManifestError::DuplicateColumn(_) => "duplicate_column",
            ManifestError::Encoding => "bad_encoding",
            ManifestError::TooManyRows => "too_many_rows",
            ManifestError::Csv(_) => "malformed_csv",
        }
    }
}

/// The columns a manifest may have.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Column {
    File,
    Unit,
    Category,
    Title,
    Date,
}

impl Column {
    fn name(self) -> &'static str {
        match self {
            Column::File => "file",
            Column::Unit => "unit",
            Column::Category => "category",
            Column::Title => "title",
            Column::Date => "date",
        }
    }

    /// Recognises a header (English any case, or Chinese; spaces ignored).
    fn of_header(header: &str) -> Option<Column> {
        let h: String = header.chars().filter(|c| !c.is_whitespace() && *c != '\u{feff}').collect();
        let h = h.to_lowercase();
        Some(match h.as_str() {
            "file" | "filename" | "file_name" | "path" | "文件" | "文件名" | "文件名称" | "文件路径" => {
                Column::File
            }
            "unit" | "unit_code" | "agreement" | "agreement_no" | "unit_or_agreement" | "单元" | "单元编号"
            | "补偿单元" | "补偿单元编号" | "协议编号" | "协议号" => Column::Unit,
            "category" | "类别" | "档案类别" | "分类" => Column::Category,
            "title" | "标题" | "题名" => Column::Title,
            "date" | "日期" | "文件日期" | "成文日期" => Column::Date,
            _ => return None,
        })
    }
}

/// Reads a manifest (see the module documentation).
pub fn parse_manifest(bytes: &[u8]) -> Result<Manifest, ManifestError> {
    let (text, encoding) = decode(bytes)?;
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if first_line.contains('\t') && !first_line.contains(',') { b'\t' } else { b',' };
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).has_headers(false).from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(h) => h.map_err(|e| ManifestError::Csv(e.to_string()))?,
        None => return Err(ManifestError::Empty),
    };
    let mut columns: Vec<Option<Column>> = Vec::with_capacity(header.len());
    let mut ignored_columns = Vec::new();
    for name in &header {
        let column = Column::of_header(name);
        if let Some(c) = column
            && columns.contains(&Some(c))
        {
            return Err(ManifestError::DuplicateColumn(c.name()));
        }
        if column.is_none() && !name.trim().is_empty() {
            ignored_columns.push(name.trim().to_owned());
        }
        columns.push(column);
    }
    for required in [Column::File, Column::Title] {
        if !columns.contains(&Some(required)) {
            return Err(ManifestError::MissingColumn(required.name()));
        }
    }
    let mut rows: Vec<ManifestRow> = Vec::new();
    let mut lines = LineCounter { text: text.as_bytes(), offset: 0, line: 1 };
    for record in records {
        let record = record.map_err(|e| ManifestError::Csv(e.to_string()))?;
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if rows.len() == MAX_ROWS {
            return Err(ManifestError::TooManyRows);
        }
        let line = lines.line_at(record.position().map_or(0, |p| p.byte() as usize));
        let cell = |column: Column| {
            columns
                .iter()
                .position(|c| *c == Some(column))
                .and_then(|i| record.get(i))
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let mut row = ManifestRow {
            line,
            file: cell(Column::File).unwrap_or("").replace('\\', "/"),
            unit_or_agreement: cell(Column::Unit).map(str::to_owned),
            category: None,
            title: cell(Column::Title).unwrap_or("").to_owned(),
            date: None,
            problems: Vec::new(),
        };
        check_file(&mut row, &rows);
        if let Some(name) = cell(Column::Category) {
            row.category = category(name);
            if row.category.is_none() {
                row.problem(
                    "unknown_category",
                    format!("未知的档案类别“{name}”"),
                    format!("unknown archive category \"{name}\""),
                );
            }
        }
        if row.title.is_empty() {
            row.problem("empty_title", "题名为空".into(), "the title is empty".into());
        }
        if let Some(text) = cell(Column::Date) {
            row.date = parse_date(text);
            if row.date.is_none() {
                row.problem(
                    "bad_date",
                    format!("日期“{text}”无法识别（应为 YYYY-MM-DD、YYYY/MM/DD 或 YYYYMMDD）"),
                    format!("date \"{text}\" not understood (use YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD)"),
                );
            }
        }
        rows.push(row);
    }
    if rows.is_empty() {
        return Err(ManifestError::Empty);
    }
    Ok(Manifest { encoding, rows, ignored_columns })
}

/// Line numbers of record starts. (The csv reader's own line numbers point before the previous
/// record's line ending and before skipped blank lines, so they are off for CRLF files.)
struct LineCounter<'t> {
    text: &'t [u8],
    offset: usize,
    line: usize,
}

impl LineCounter<'_> {
    /// The 1-based line of the record the reader says starts at byte `start` (which may still
    /// point at line endings in front of it). Records come in order, so counting goes on from
    /// the previous one.
    fn line_at(&mut self, start: usize) -> usize {
        let skipped = self.text.get(start..).unwrap_or_default().iter().take_while(|b| matches!(b, b'\r' | b'\n'));
        let start = start + skipped.count();
        if start > self.offset {
            self.line += self.text[self.offset..start].iter().filter(|&&b| b == b'\n').count();
            self.offset = start;
        }
        self.line
    }
}

impl ManifestRow {
    fn problem(&mut self, code: &'static str, message_zh: String, message_en: String) {
        self.problems.push(RowProblem { code, message_zh, message_en });
    }
}

/// File name checks: present, relative, no `..`, not listed twice.
fn check_file(row: &mut ManifestRow, earlier: &[ManifestRow]) {
    let file = row.file.clone();
    if file.is_empty() {
        row.problem("missing_file", "缺少文件名".into(), "the file name is missing".into());
        return;
    }
    let bytes = file.as_bytes();
    let absolute = file.starts_with('/') || (bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':');
    if absolute || file.split('/').any(|part| part == "..") || file.chars().any(char::is_control) {
        row.problem(
            "unsafe_path",
            format!("文件名“{file}”不能是绝对路径或含“..”"),
            format!("file name \"{file}\" must be a relative path without \"..\""),
        );
    } else if let Some(first) = earlier.iter().find(|r| r.file == file) {
        row.problem(
            "duplicate_file",
            format!("文件“{file}”已在第 {} 行列出", first.line),
            format!("file \"{file}\" is already listed on line {}", first.line),
        );
    }
}

/// Decodes the manifest bytes: a BOM decides; else valid UTF-8 is UTF-8, anything else GBK.
fn decode(bytes: &[u8]) -> Result<(String, &'static str), ManifestError> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return std::str::from_utf8(rest).map(|s| (s.to_owned(), "UTF-8")).map_err(|_| ManifestError::Encoding);
    }
    let (encoding, name) = if bytes.starts_with(&[0xFF, 0xFE]) {
        (encoding_rs::UTF_16LE, "UTF-16LE")
    } else if bytes.starts_with(&[0xFE, 0xFF]) {
        (encoding_rs::UTF_16BE, "UTF-16BE")
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_owned(), "UTF-8"));
    } else {
        (encoding_rs::GBK, "GBK")
    };
    let (text, _, had_errors) = encoding.decode(bytes);
    if had_errors {
        return Err(ManifestError::Encoding);
    }
    Ok((text.trim_start_matches('\u{feff}').to_owned(), name))
}

/// Parses `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY.MM.DD` (month and day may be one digit, as Excel
/// writes them), `YYYYMMDD` and `YYYY年M月D日`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let numbers: Vec<&str> = if text.len() == 8 && text.bytes().all(|b| b.is_ascii_digit()) {
        vec![&text[..4], &text[4..6], &text[6..]]
    } else if let Some(rest) = text.strip_suffix('日') {
        rest.split(['年', '月']).collect()
    } else {
        let sep = text.chars().find(|c| matches!(c, '-' | '/' | '.'))?;
        text.split(sep).collect()
    };
    let [y, m, d] = numbers.as_slice() else { return None };
    let ok =
        |s: &str, len: std::ops::RangeInclusive<usize>| len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if !(ok(y, 4..=4) && ok(m, 1..=2) && ok(d, 1..=2)) {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

#[cfg(test)]
mod tests;
