//! onemap-print: documents of onemap printed as PDF with Chinese text — for now the
//! compensation agreement (房屋征收补偿协议) of a compensation unit.
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

mod agreement;
mod error;
mod font;
mod layout;
mod money;
mod render;
mod table;

pub use agreement::{Agreement, Resettlement, agreement_pdf};
pub use error::PrintError;
pub use font::{CjkFont, DEBIAN_FONTS, FONT_ENV};
pub use money::{capital, yuan};
