//! Identification codes used in Chinese real-estate registration, with no database dependency.
//!
//! - [`unit_code`]: 不动产单元代码 (GB/T 37346-2019) — the 28-character unit code, the
//!   19-character parcel code (宗地代码) and the 24-character natural building number (自然幢号).
//! - [`check`]: check characters of the identifiers that travel with a registration record:
//!   resident ID numbers (GB 11643), unified social credit codes (GB 32100) and the ISO 7064
//!   MOD 37,36 character that ends an electronic-certificate identifier (GB/T 36903).
//! - [`certificate`]: electronic certificate identifiers (电子证照标识, GB/T 36901–36906) and
//!   certificate numbers (不动产权证书号).

pub mod certificate;
pub mod check;
pub mod report;
pub mod unit_code;

pub use unit_code::{BuildingNumber, FixtureKind, ParcelCode, UnitCode, UnitCodeError};
