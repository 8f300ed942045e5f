//! 电子证照: a certificate read from the register (`certificate.sql`) and its canonical
//! content; [`super::signing`] prints and signs it.

use chrono::{DateTime, NaiveDate, Utc};
use onemap_seal::{AreaM2, CertificateContent, DigestAlgorithm, Holder, PdfDigest};
use serde::Deserialize;
use sqlx::PgConnection;
use sqlx::types::Json;

use super::names;
use crate::base::ApiError;
use crate::config::Config;

/// A certificate as `certificate.sql` reads it.
#[derive(sqlx::FromRow)]
pub struct CertRow {
    pub id: i64,
    pub identifier: String,
    pub number: String,
    pub kind: String,
    pub issuer_name: String,
    pub issuer_code: String,
    pub issued_on: NaiveDate,
    pub status: String,
    pub cancelled_on: Option<NaiveDate>,
    pub seal_name: Option<String>,
    pub right_kind: String,
    pub right_status: String,
    pub right_nature: Option<String>,
    pub co_ownership: Option<String>,
    pub unit_code: String,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub notes: Option<String>,
    pub holders: Json<Vec<HolderRow>>,
    pub location: String,
    pub usage: String,
    pub house: bool,
    pub area_m2: Option<f64>,
    pub parcel_area_m2: Option<f64>,
    pub srid: i32,
    pub parcel_plan: Option<serde_json::Value>,
    pub unit_plan: Option<serde_json::Value>,
    pub key_id: Option<String>,
    pub signed_data: Option<Vec<u8>>,
    pub signature: Option<Vec<u8>>,
    pub check_value: Option<String>,
    pub pdf_path: Option<String>,
    pub pdf_sm3: Option<String>,
    pub signed_at: Option<DateTime<Utc>>,
}

#[derive(Deserialize, Clone)]
pub struct HolderRow {
    pub name: String,
    pub id_type: String,
    pub id_number: String,
}

/// The certificate `key` (its number or identifier), if it exists.
pub async fn find(conn: &mut PgConnection, key: &str) -> Result<Option<CertRow>, ApiError> {
    Ok(query(conn, &[], Some(key.trim())).await?.pop())
}

/// Certificates `ids`, in id order.
pub async fn rows(conn: &mut PgConnection, ids: &[i64]) -> Result<Vec<CertRow>, ApiError> {
    query(conn, ids, None).await
}

async fn query(conn: &mut PgConnection, ids: &[i64], key: Option<&str>) -> Result<Vec<CertRow>, ApiError> {
    Ok(sqlx::query_as(include_str!("sql/certificate.sql")).bind(ids).bind(key).fetch_all(conn).await?)
}

/// The certificate `key`, or 404.
pub async fn get(conn: &mut PgConnection, key: &str) -> Result<CertRow, ApiError> {
    find(conn, key).await?.ok_or_else(|| ApiError::not_found(format!("no certificate {key}")))
}

impl CertRow {
    /// 用途 as printed.
    pub fn usage_name(&self) -> String {
        if self.house { names::house_use(&self.usage).to_owned() } else { self.usage.clone() }
    }

    /// 印章名称: the issuer's registration centre.
    pub fn seal(&self) -> String {
        self.seal_name.clone().unwrap_or_else(|| format!("{}不动产登记专用章", self.issuer_name))
    }

    /// 面积 as printed: two decimals, so the signed text has no float ambiguity.
    pub fn area_text(&self) -> String {
        format!("{:.2}", self.area_m2.unwrap_or_default())
    }

    /// The content the register states today, with the face's digest `pdf` (None before the
    /// face is printed).
    pub fn content(&self, pdf: Option<&str>) -> CertificateContent {
        CertificateContent {
            identifier: self.identifier.clone(),
            number: self.number.clone(),
            kind: names::certificate_kind(&self.kind).to_owned(),
            issuer_name: self.issuer_name.clone(),
            issuer_code: self.issuer_code.clone(),
            issued_on: self.issued_on,
            holders: self
                .holders
                .iter()
                .map(|h| Holder {
                    name: h.name.clone(),
                    id_type: names::id_type(&h.id_type).to_owned(),
                    id_number: h.id_number.clone(),
                })
                .collect(),
            co_ownership: names::co_ownership(self.co_ownership.as_deref()).to_owned(),
            unit_code: self.unit_code.clone(),
            location: self.location.clone(),
            right_type: names::right_type(&self.right_kind).to_owned(),
            right_nature: names::right_nature(self.right_nature.as_deref()).to_owned(),
            usage: self.usage_name(),
            area_m2: self.area_m2.and_then(|a| AreaM2::from_f64(a).ok()),
            term: names::term(self.starts_on, self.ends_on),
            pdf_digest: pdf.map(|hex| PdfDigest { algorithm: DigestAlgorithm::Sm3, hex: hex.to_owned() }),
        }
    }

    /// `/verify/{identifier}?c=…` under the public URL, once signed.
    pub fn verify_url(&self, config: &Config) -> Option<String> {
        self.check_value.as_deref().map(|c| onemap_seal::verify_url(&config.public_url, &self.identifier, c))
    }
}
