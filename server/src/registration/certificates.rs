//! 电子证照: a certificate read from the register (`certificate.sql`), its canonical content,
//! and its signing — the PDF face printed with the QR code, its SM3 digest added to the
//! content, the content signed with the active SM2 key, the face stored under a generated name
//! and moved into place after the commit. A certificate is signed once, when it is first
//! needed (or by `onemap certificates sign --all`).

use chrono::{DateTime, NaiveDate, Utc};
use onemap_seal::{AreaM2, CertificateContent, DigestAlgorithm, Holder, PdfDigest};
use serde::Deserialize;
use sqlx::PgConnection;
use sqlx::types::Json;

use super::{names, plan};
use crate::archives::store::Staged;
use crate::base::{ApiError, AuditEvent, journal};
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
    Ok(sqlx::query_as(include_str!("sql/certificate.sql")).bind(key.trim()).fetch_optional(conn).await?)
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

/// What signing produced, to record.
pub struct Signed {
    pub staged: Staged,
    pub event: AuditEvent,
}

/// Signs certificate `row` if it is not signed yet, inside the caller's transaction (the row
/// is locked first, so two requests never sign one certificate twice). Returns the staged PDF
/// to move into place after the commit, or None when it was signed already.
pub async fn sign(
    conn: &mut PgConnection,
    config: &Config,
    actor: &str,
    role: &str,
    row: &CertRow,
) -> Result<Option<Signed>, ApiError> {
    let locked: Option<String> = sqlx::query_scalar(
        "SELECT s.key_id FROM certificates c LEFT JOIN certificate_signatures s ON s.certificate_id = c.id
         WHERE c.id = $1 FOR UPDATE OF c",
    )
    .bind(row.id)
    .fetch_one(&mut *conn)
    .await?;
    if locked.is_some() {
        return Ok(None);
    }
    let store = super::keys::store(config)?;
    let key = store.active().map_err(super::keys::broken)?;
    let unsigned = row.content(None).to_bytes();
    let check = onemap_seal::check_value(&unsigned);
    let url = onemap_seal::verify_url(&config.public_url, &row.identifier, &check);
    let signed_at = Utc::now();
    let face = plan::face(row, &url, key.id(), signed_at)?;
    let font = crate::base::print_font()?;
    let pdf = tokio::task::spawn_blocking(move || onemap_print::certificate_pdf(&face, font))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?
        .map_err(|e| ApiError::internal(format!("printing certificate {}: {e}", row.number)))?;
    let pdf_sm3 = onemap_seal::digest_sm3(&pdf);
    let signed_data = row.content(Some(&pdf_sm3)).to_bytes();
    let signature = onemap_seal::sign(&key, &signed_data).map_err(super::keys::broken)?;
    let staged = Staged::bytes(&config.files_dir(), "certificates", "pdf", &pdf).await?;
    sqlx::query(
        "INSERT INTO certificate_signatures
             (certificate_id, key_id, algorithm, signed_data, signature, check_value, pdf_path, pdf_sm3, signed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(row.id)
    .bind(key.id())
    .bind(onemap_seal::ALGORITHM)
    .bind(&signed_data)
    .bind(&signature)
    .bind(&check)
    .bind(&staged.rel)
    .bind(&pdf_sm3)
    .bind(signed_at)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE certificates SET signer = $2, signed_at = $3, seal_name = coalesce(seal_name, $4), qr_content = $5,
                updated_at = now(), version = version + 1
         WHERE id = $1",
    )
    .bind(row.id)
    .bind(key.id())
    .bind(signed_at)
    .bind(seal_name(row))
    .bind(&url)
    .execute(&mut *conn)
    .await?;
    let event = AuditEvent::new(actor, role, "certificate_sign", &row.number, "success").details(serde_json::json!({
        "identifier": row.identifier, "key_id": key.id(), "pdf_sm3": pdf_sm3,
    }));
    Ok(Some(Signed { staged, event }))
}

/// 印章名称: the issuer's registration centre.
pub fn seal_name(row: &CertRow) -> String {
    row.seal_name.clone().unwrap_or_else(|| format!("{}不动产登记专用章", row.issuer_name))
}

/// Signs `row` in a transaction of its own if needed, and returns it as it now stands.
pub async fn ensure_signed(
    pool: &sqlx::PgPool,
    config: &Config,
    actor: &str,
    role: &str,
    row: CertRow,
) -> Result<CertRow, ApiError> {
    if row.key_id.is_some() {
        return Ok(row);
    }
    let mut tx = pool.begin().await?;
    let signed = sign(&mut tx, config, actor, role, &row).await?;
    if let Some(s) = &signed {
        journal::append(&mut tx, std::slice::from_ref(&s.event)).await?;
    }
    tx.commit().await?;
    if let Some(s) = signed {
        s.staged.put_in_place().await?;
    }
    let mut conn = pool.acquire().await?;
    get(&mut conn, &row.number).await
}
