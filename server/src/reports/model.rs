//! 报表: what a report is — a title, the lines saying what it covers, and tables of typed cells
//! — and its renderings: JSON, an XLSX workbook (one sheet per table, real number and date
//! cells, frozen Chinese headings, the totals as values) and a PDF (onemap-print's ruled tables).

use chrono::NaiveDate;
use onemap_api::reports::{ReportColumn, ReportData, ReportTable};
use rust_xlsxwriter::Format;

use crate::base::ApiError;
use crate::base::sheet::{Book, broken};

/// The type of a column's cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// A count.
    Count,
    /// Yuan or square metres, two decimals.
    Amount,
    Date,
    /// A share, 0–1, printed as a percentage.
    Percent,
}

/// A column: heading and type (width follows from both).
#[derive(Debug, Clone, Copy)]
pub struct Col {
    pub title: &'static str,
    pub kind: Kind,
    /// Width in characters in the workbook (relative width in print).
    pub width: f64,
}

pub const fn col(title: &'static str, kind: Kind, width: f64) -> Col {
    Col { title, kind, width }
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Text(String),
    Count(i64),
    Amount(f64),
    Date(NaiveDate),
    Percent(f64),
}

impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Self {
        v.map_or(Value::Null, Value::Text)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}

impl From<Option<NaiveDate>> for Value {
    fn from(v: Option<NaiveDate>) -> Self {
        v.map_or(Value::Null, Value::Date)
    }
}

impl Value {
    /// The cell as printed.
    pub fn printed(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Text(s) => s.clone(),
            Value::Count(n) => n.to_string(),
            Value::Amount(x) => grouped(*x),
            Value::Date(d) => d.format("%Y-%m-%d").to_string(),
            Value::Percent(x) => format!("{:.1}%", x * 100.0),
        }
    }
}

/// `1234567.891` → `1,234,567.89`.
fn grouped(x: f64) -> String {
    let s = format!("{:.2}", x.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
    let mut out = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    format!("{}{out}.{frac}", if x < 0.0 && s != "0.00" { "-" } else { "" })
}

/// One table of a report.
#[derive(Debug, Clone)]
pub struct Table {
    /// The sheet's name (≤ 31 characters).
    pub sheet: &'static str,
    pub heading: String,
    pub columns: &'static [Col],
    pub rows: Vec<Vec<Value>>,
    /// The 合计 row, if the table has one.
    pub totals: Option<Vec<Value>>,
}

impl Table {
    pub fn new(sheet: &'static str, heading: impl Into<String>, columns: &'static [Col]) -> Self {
        Self { sheet, heading: heading.into(), columns, rows: Vec::new(), totals: None }
    }

    /// The sum of column `i` over the rows (counts and amounts).
    pub fn sum(&self, i: usize) -> Value {
        match self.columns[i].kind {
            Kind::Count => Value::Count(self.rows.iter().map(|r| if let Value::Count(n) = r[i] { n } else { 0 }).sum()),
            Kind::Amount => {
                Value::Amount(self.rows.iter().map(|r| if let Value::Amount(x) = r[i] { x } else { 0.0 }).sum())
            }
            _ => Value::Null,
        }
    }

    /// A 合计 row: the label in the first column, the sums of `summed` columns, blanks elsewhere.
    pub fn total_row(&mut self, summed: &[usize]) {
        let mut row: Vec<Value> =
            (0..self.columns.len()).map(|i| if summed.contains(&i) { self.sum(i) } else { Value::Null }).collect();
        row[0] = Value::Text("合计".into());
        self.totals = Some(row);
    }
}

/// A report, ready to render.
#[derive(Debug, Clone)]
pub struct Report {
    pub title: String,
    /// What it covers (project, township, period) and when it was made.
    pub lines: Vec<String>,
    pub tables: Vec<Table>,
}

/// The workbook: a sheet 说明 with the title and lines, then one sheet per table.
pub fn xlsx(report: &Report) -> Result<Vec<u8>, ApiError> {
    let mut book = Book::default();
    let bold = Format::new().set_bold();
    {
        let about = book.sheet("说明", &[(report.title.as_str(), 60.0)])?;
        for (row, line) in (1u32..).zip(&report.lines) {
            about.write_string(row, 0, line).map_err(broken)?;
        }
    }
    let (date, amount) = (book.date.clone(), book.amount.clone());
    let percent = Format::new().set_num_format("0.0%");
    for t in &report.tables {
        let headings: Vec<(&str, f64)> = t.columns.iter().map(|c| (c.title, c.width)).collect();
        let sheet = book.sheet(t.sheet, &headings)?;
        let all = t.rows.iter().map(|r| (r, false)).chain(t.totals.iter().map(|r| (r, true)));
        for (n, (row, strong)) in (1u32..).zip(all) {
            for (c, v) in (0u16..).zip(row) {
                let result = match v {
                    Value::Null => Ok(&mut *sheet),
                    Value::Text(s) if strong => sheet.write_string_with_format(n, c, s, &bold),
                    Value::Text(s) => sheet.write_string(n, c, s),
                    Value::Count(x) if strong => sheet.write_number_with_format(n, c, *x as f64, &bold),
                    Value::Count(x) => sheet.write_number(n, c, *x as f64),
                    Value::Amount(x) => sheet.write_number_with_format(n, c, *x, &amount),
                    Value::Date(d) => sheet.write_date_with_format(n, c, *d, &date),
                    Value::Percent(x) => sheet.write_number_with_format(n, c, *x, &percent),
                };
                result.map_err(broken)?;
            }
        }
    }
    book.finish()
}

impl Value {
    /// The cell in JSON: numbers as numbers, dates as `YYYY-MM-DD`.
    fn json(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Text(s) => s.clone().into(),
            Value::Count(n) => (*n).into(),
            Value::Amount(x) | Value::Percent(x) => (*x).into(),
            Value::Date(d) => d.format("%Y-%m-%d").to_string().into(),
        }
    }
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Count => "count",
            Kind::Amount => "amount",
            Kind::Date => "date",
            Kind::Percent => "percent",
        }
    }
}

/// The report's figures as JSON (the statistics page charts them).
pub fn json(report: &Report) -> ReportData {
    let cells = |r: &Vec<Value>| r.iter().map(Value::json).collect::<Vec<_>>();
    ReportData {
        title: report.title.clone(),
        lines: report.lines.clone(),
        tables: report
            .tables
            .iter()
            .map(|t| ReportTable {
                sheet: t.sheet.to_owned(),
                heading: t.heading.clone(),
                columns: t
                    .columns
                    .iter()
                    .map(|c| ReportColumn { title: c.title.to_owned(), kind: c.kind.name().to_owned() })
                    .collect(),
                rows: t.rows.iter().map(cells).collect(),
                totals: t.totals.as_ref().map(cells),
            })
            .collect(),
    }
}

/// The printed report.
pub fn pdf(report: &Report) -> Result<Vec<u8>, ApiError> {
    let doc = onemap_print::Report {
        title: report.title.clone(),
        lines: report.lines.clone(),
        sections: report
            .tables
            .iter()
            .map(|t| onemap_print::Section {
                heading: t.heading.clone(),
                columns: t
                    .columns
                    .iter()
                    .map(|c| onemap_print::ReportColumn {
                        title: c.title.to_owned(),
                        weight: c.width as f32,
                        numeric: !matches!(c.kind, Kind::Text | Kind::Date),
                        // Codes stay whole; document numbers (协议编号, 凭证号) may wrap.
                        nowrap: c.kind != Kind::Text
                            || c.title.ends_with("单元编号")
                            || c.title == "项目编号"
                            || c.title.contains("代码"),
                    })
                    .collect(),
                rows: t.rows.iter().map(|r| r.iter().map(Value::printed).collect()).collect(),
                totals: t.totals.iter().map(|r| r.iter().map(Value::printed).collect()).collect(),
                empty: "（无记录）".into(),
            })
            .collect(),
    };
    onemap_print::report_pdf(&doc, crate::base::print_font()?)
        .map_err(|e| ApiError::internal(format!("printing the report: {e}")))
}

#[cfg(test)]
mod tests {
    use super::grouped;

    #[test]
    fn amounts_are_grouped_by_thousands() {
        assert_eq!(grouped(0.0), "0.00");
        assert_eq!(grouped(999.5), "999.50");
        assert_eq!(grouped(1234567.891), "1,234,567.89");
        assert_eq!(grouped(-1000.0), "-1,000.00");
        assert_eq!(grouped(-0.001), "0.00");
    }
}
