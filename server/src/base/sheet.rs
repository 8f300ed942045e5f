//! Downloads for the desks: XLSX workbooks (rust_xlsxwriter) with bold Chinese headings, the
//! heading row frozen and real number and date cells, and the attachment response that carries
//! them (and any other generated file) under a Chinese file name.

use axum::body::Body;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::Response;
use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};

use super::ApiError;

/// The media type of an XLSX workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A workbook being written.
pub struct Book {
    workbook: Workbook,
    heading: Format,
    /// `yyyy-mm-dd` for date cells.
    pub date: Format,
    /// Two decimals with thousands separators, for areas and amounts.
    pub amount: Format,
}

impl Default for Book {
    fn default() -> Self {
        Self {
            workbook: Workbook::new(),
            heading: Format::new().set_bold().set_align(FormatAlign::Center).set_background_color(0xE8EEF7),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            amount: Format::new().set_num_format("#,##0.00"),
        }
    }
}

impl Book {
    /// A new sheet called `name` whose first row holds `headings` (text, column width in
    /// characters), frozen so it stays in view. Rows of data start at row 1.
    pub fn sheet(&mut self, name: &str, headings: &[(&str, f64)]) -> Result<&mut Worksheet, ApiError> {
        let heading = self.heading.clone();
        let sheet = self.workbook.add_worksheet();
        sheet.set_name(name).map_err(broken)?;
        for (col, (text, width)) in (0u16..).zip(headings) {
            sheet.write_string_with_format(0, col, *text, &heading).map_err(broken)?;
            sheet.set_column_width(col, *width).map_err(broken)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(broken)?;
        Ok(sheet)
    }

    /// The workbook's bytes.
    pub fn finish(mut self) -> Result<Vec<u8>, ApiError> {
        self.workbook.save_to_buffer().map_err(broken)
    }
}

/// A failure inside the writer: our bug (a name too long, a cell out of range), not the
/// caller's.
pub fn broken(e: XlsxError) -> ApiError {
    ApiError::internal(format!("writing the workbook: {e}"))
}

/// `Content-Disposition` of a download called `name` (RFC 6266: an ASCII fallback and the
/// UTF-8 name).
pub fn disposition(name: &str) -> String {
    let ascii: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' }).collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// `bytes` as a download called `name`.
pub fn attachment(bytes: Vec<u8>, mime: &str, name: &str) -> Result<Response, ApiError> {
    Response::builder()
        .header(CONTENT_TYPE, mime)
        .header(CONTENT_DISPOSITION, disposition(name))
        .header(CACHE_CONTROL, "no-store")
        .body(Body::from(bytes))
        .map_err(|e| ApiError::internal(e.to_string()))
}
