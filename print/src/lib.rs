//! onemap-print: documents of onemap printed as PDF with Chinese text:
//!
//! - the compensation agreement (房屋征收补偿协议) of a compensation unit, [`agreement_pdf`];
//! - the face of an electronic real-estate certificate (不动产权证书 or 不动产登记证明, 电子证照),
//!   [`certificate_pdf`]: one A4 page with the registered rights in a ruled table, the plan of
//!   the unit (宗地图/分户图) at a round scale with a north arrow and a scale bar, the QR code to
//!   verify it by, and the registry's red seal;
//! - statistical reports (统计报表), [`report_pdf`]: titled tables over as many pages as they need.
//!
//! The text is set in a CJK font (Noto Sans CJK SC from Debian's `fonts-noto-cjk` by default,
//! see [`CjkFont::load`]) of which only the glyphs used are embedded (a subset, a few tens of
//! kilobytes), with a ToUnicode map so that the text can be searched and copied.
//!
//! ```no_run
//! fn print(agreement: &onemap_print::Agreement) -> Result<Vec<u8>, onemap_print::PrintError> {
//!     let font = onemap_print::CjkFont::load()?; // once, at start-up
//!     onemap_print::agreement_pdf(agreement, &font)
//! }
//! ```
//!
//! The QR code comes as a matrix of modules (this crate does not encode QR codes), the plan as
//! polygons in metres of a projected coordinate system:
//!
//! ```no_run
//! # use onemap_print::{CertificateFace, CjkFont, PrintError, certificate_pdf};
//! fn print(face: &CertificateFace, font: &CjkFont) -> Result<Vec<u8>, PrintError> {
//!     certificate_pdf(face, font) // one A4 page
//! }
//! ```

mod agreement;
mod certificate;
mod error;
mod font;
mod layout;
mod money;
mod plan;
mod render;
mod report;
mod shapes;
mod table;

pub use agreement::{Agreement, Resettlement, agreement_pdf};
pub use certificate::{CertificateFace, Plan, QrCode, certificate_pdf};
pub use error::PrintError;
pub use font::{CjkFont, DEBIAN_FONTS, FONT_ENV};
pub use money::{capital, yuan};
pub use report::{Report, ReportColumn, Section, report_pdf};
