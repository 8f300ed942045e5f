//! The canonical byte form of certificate content (证照内容规范化字节), the bytes that get signed.
//!
//! # Format `onemap-cert/1`
//!
//! UTF-8 text, one field per line, each line `key=value` followed by a single LF (`\n`,
//! also after the last line). No BOM, no CR, no Unicode normalisation: values are taken
//! exactly as stored (leading/trailing spaces included). The lines come in this fixed order:
//!
//! | key | field |
//! |---|---|
//! | `format` | the constant `onemap-cert/1` |
//! | `identifier` | 证照标识 |
//! | `number` | 证书号 / 证明号 |
//! | `kind` | 证照类型 |
//! | `issuer_name` | 发证机关 |
//! | `issuer_code` | 发证机关代码 |
//! | `issued_on` | 发证日期, `YYYY-MM-DD` |
//! | `holder.count` | number of holders (权利人), decimal |
//! | `holder.N.name`, `holder.N.id_type`, `holder.N.id_number` | 权利人名称, 证件种类, 证件号 — three lines per holder, N = 1, 2, … in list order |
//! | `co_ownership` | 共有情况 |
//! | `unit_code` | 不动产单元号 |
//! | `location` | 坐落 |
//! | `right_type` | 权利类型 |
//! | `right_nature` | 权利性质 |
//! | `usage` | 用途 |
//! | `area_m2` | 面积 (m²): digits, `.`, exactly two digits, e.g. `86.50`; empty if unknown |
//! | `term` | 使用期限 |
//! | `pdf_digest.algorithm` | `SM3` or `SHA-256`; empty if there is no PDF digest |
//! | `pdf_digest.hex` | lower-case hex digest of the PDF; empty if there is no PDF digest |
//!
//! Every key appears exactly once (the holder keys once per holder), even when its value is
//! empty. Within values, four characters are escaped: `\` → `\\`, LF → `\n`, CR → `\r`,
//! `=` → `\=`. Nothing else is escaped. Keys never need escaping. A checker rebuilds the
//! bytes by writing these lines in this order and compares them byte for byte.
//!
//! Example:
//!
//! ```text
//! format=onemap-cert/1
//! identifier=1101052024000123
//! number=京(2024)朝阳区不动产权第0001234号
//! kind=不动产权证书
//! issuer_name=北京市朝阳区不动产登记中心
//! issuer_code=11110105MB0000000X
//! issued_on=2024-03-01
//! holder.count=1
//! holder.1.name=张三
//! holder.1.id_type=居民身份证
//! holder.1.id_number=110105198001010011
//! co_ownership=单独所有
//! unit_code=110105001001GB00001F00010001
//! location=朝阳区某路1号1幢101
//! right_type=国有建设用地使用权/房屋所有权
//! right_nature=出让/市场化商品房
//! usage=住宅
//! area_m2=86.50
//! term=2004年03月01日起2074年02月28日止
//! pdf_digest.algorithm=SM3
//! pdf_digest.hex=42ee52d2c6c1bfcfc7a9623707ce31efce8313bebeaba8bb14946920b48ebbc6
//! ```

use crate::error::SealError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::Digest as _;
use std::fmt::Write as _;

/// Version tag written as the first line.
pub const CANONICAL_FORMAT: &str = "onemap-cert/1";

/// The certificate content that is signed (证照内容).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateContent {
    /// 证照标识
    pub identifier: String,
    /// 证书号 / 证明号
    pub number: String,
    /// 证照类型, e.g. 不动产权证书, 不动产登记证明
    pub kind: String,
    /// 发证机关
    pub issuer_name: String,
    /// 发证机关代码 (统一社会信用代码)
    pub issuer_code: String,
    /// 发证日期
    pub issued_on: NaiveDate,
    /// 权利人
    pub holders: Vec<Holder>,
    /// 共有情况 (may be empty)
    pub co_ownership: String,
    /// 不动产单元号
    pub unit_code: String,
    /// 坐落
    pub location: String,
    /// 权利类型
    pub right_type: String,
    /// 权利性质 (may be empty)
    pub right_nature: String,
    /// 用途 (土地用途 or 房屋用途; may be empty)
    pub usage: String,
    /// 面积 (m²), None if unknown
    pub area_m2: Option<AreaM2>,
    /// 使用期限 (may be empty)
    pub term: String,
    /// Digest of the issued PDF (版式文件摘要), None before the PDF exists
    pub pdf_digest: Option<PdfDigest>,
}

/// A right holder (权利人).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    /// 权利人名称
    pub name: String,
    /// 证件种类
    pub id_type: String,
    /// 证件号
    pub id_number: String,
}

/// A digest of the PDF (版式文件摘要).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PdfDigest {
    /// The hash algorithm.
    pub algorithm: DigestAlgorithm,
    /// Lower-case hex digest.
    pub hex: String,
}

/// Hash algorithm of a [`PdfDigest`] (摘要算法).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DigestAlgorithm {
    /// SM3 (GM/T 0004)
    #[serde(rename = "SM3")]
    Sm3,
    /// SHA-256
    #[serde(rename = "SHA-256")]
    Sha256,
}

impl DigestAlgorithm {
    /// `SM3` or `SHA-256`.
    pub fn as_str(self) -> &'static str {
        match self {
            DigestAlgorithm::Sm3 => "SM3",
            DigestAlgorithm::Sha256 => "SHA-256",
        }
    }
}

impl PdfDigest {
    /// The SM3 digest of `pdf`.
    pub fn sm3(pdf: &[u8]) -> Self {
        PdfDigest { algorithm: DigestAlgorithm::Sm3, hex: digest_sm3(pdf) }
    }

    /// The SHA-256 digest of `pdf`.
    pub fn sha256(pdf: &[u8]) -> Self {
        PdfDigest { algorithm: DigestAlgorithm::Sha256, hex: digest_sha256(pdf) }
    }
}

/// An area in square metres with exactly two decimals, kept as hundredths (面积).
///
/// Parsed from and written as a decimal string (`"86.5"` reads as `86.50`; more than two
/// decimals, signs and exponents are refused), so no float rounding enters the signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AreaM2 {
    hundredths: u64,
}

impl AreaM2 {
    /// An area of `hundredths` / 100 m².
    pub fn from_hundredths(hundredths: u64) -> Self {
        AreaM2 { hundredths }
    }

    /// An area from a float, rounded exactly as `format!("{:.2}", m2)` rounds. NaN, infinite
    /// and negative values are refused.
    pub fn from_f64(m2: f64) -> Result<Self, SealError> {
        if !m2.is_finite() || m2 < 0.0 {
            return Err(SealError::InvalidArea(m2.to_string()));
        }
        format!("{m2:.2}").parse()
    }

    /// The area in hundredths of a square metre.
    pub fn hundredths(self) -> u64 {
        self.hundredths
    }
}

impl std::str::FromStr for AreaM2 {
    type Err = SealError;

    fn from_str(s: &str) -> Result<Self, SealError> {
        let bad = || SealError::InvalidArea(s.to_owned());
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
        if int.is_empty() || !digits(int) || !digits(frac) || frac.len() > 2 || (s.contains('.') && frac.is_empty()) {
            return Err(bad());
        }
        let whole: u64 = int.parse().map_err(|_| bad())?;
        let cents: u64 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
        let hundredths = whole.checked_mul(100).and_then(|h| h.checked_add(cents)).ok_or_else(bad)?;
        Ok(AreaM2 { hundredths })
    }
}

impl std::fmt::Display for AreaM2 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{:02}", self.hundredths / 100, self.hundredths % 100)
    }
}

impl TryFrom<String> for AreaM2 {
    type Error = SealError;
    fn try_from(s: String) -> Result<Self, SealError> {
        s.parse()
    }
}

impl From<AreaM2> for String {
    fn from(area: AreaM2) -> String {
        area.to_string()
    }
}

impl CertificateContent {
    /// The canonical bytes (format `onemap-cert/1`, see the module documentation).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = String::with_capacity(512);
        line(&mut out, "format", CANONICAL_FORMAT);
        line(&mut out, "identifier", &self.identifier);
        line(&mut out, "number", &self.number);
        line(&mut out, "kind", &self.kind);
        line(&mut out, "issuer_name", &self.issuer_name);
        line(&mut out, "issuer_code", &self.issuer_code);
        line(&mut out, "issued_on", &self.issued_on.format("%Y-%m-%d").to_string());
        line(&mut out, "holder.count", &self.holders.len().to_string());
        for (i, holder) in self.holders.iter().enumerate() {
            let n = i + 1;
            line(&mut out, &format!("holder.{n}.name"), &holder.name);
            line(&mut out, &format!("holder.{n}.id_type"), &holder.id_type);
            line(&mut out, &format!("holder.{n}.id_number"), &holder.id_number);
        }
        line(&mut out, "co_ownership", &self.co_ownership);
        line(&mut out, "unit_code", &self.unit_code);
        line(&mut out, "location", &self.location);
        line(&mut out, "right_type", &self.right_type);
        line(&mut out, "right_nature", &self.right_nature);
        line(&mut out, "usage", &self.usage);
        line(&mut out, "area_m2", &self.area_m2.map(|a| a.to_string()).unwrap_or_default());
        line(&mut out, "term", &self.term);
        let (algorithm, hex) = match &self.pdf_digest {
            Some(digest) => (digest.algorithm.as_str(), digest.hex.as_str()),
            None => ("", ""),
        };
        line(&mut out, "pdf_digest.algorithm", algorithm);
        line(&mut out, "pdf_digest.hex", hex);
        out.into_bytes()
    }
}

fn line(out: &mut String, key: &str, value: &str) {
    out.push_str(key);
    out.push('=');
    out.push_str(&escape(value));
    out.push('\n');
}

/// Escapes a value: `\` → `\\`, LF → `\n`, CR → `\r`, `=` → `\=`.
pub fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '=' => out.push_str("\\="),
            c => out.push(c),
        }
    }
    out
}

/// Lower-case hex SM3 digest (SM3 摘要).
pub fn digest_sm3(bytes: &[u8]) -> String {
    to_hex(&sm3::Sm3::digest(bytes))
}

/// Lower-case hex SHA-256 digest.
pub fn digest_sha256(bytes: &[u8]) -> String {
    to_hex(&sha2::Sha256::digest(bytes))
}

fn to_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

#[cfg(test)]
#[path = "canonical_tests.rs"]
mod tests;
