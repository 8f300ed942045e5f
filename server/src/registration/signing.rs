//! 签章: a certificate's face printed with its QR code, the SM3 of the face added to the
//! canonical content, the content signed with the active SM2 key, the face stored under a
//! generated name and moved into place after the commit. Certificates are signed in batches —
//! one transaction, one multi-row insert and one audit append per batch — by
//! `onemap certificates sign --all` and at demo load; a certificate still unsigned is signed
//! when it is first needed.

use chrono::{DateTime, Utc};
use futures_util::{StreamExt, TryStreamExt};
use onemap_print::CjkFont;
use onemap_seal::SigningKey;
use sqlx::{PgConnection, PgPool};

use super::certificates::{self, CertRow};
use super::{keys, plan};
use crate::archives::store::{Staged, place_all};
use crate::base::{ApiError, AuditEvent, journal};
use crate::config::Config;

/// Certificates signed in one transaction by [`sign_all`].
const BATCH: usize = 100;

/// A certificate's face printed and its content signed, not yet recorded.
struct Sealed {
    id: i64,
    number: String,
    identifier: String,
    seal_name: String,
    signed_data: Vec<u8>,
    signature: Vec<u8>,
    check: String,
    url: String,
    pdf: Vec<u8>,
    pdf_sm3: String,
    signed_at: DateTime<Utc>,
}

/// Prints `row`'s face and signs its content with `key`: CPU work only.
fn seal(row: &CertRow, key: &SigningKey, public_url: &str, font: &CjkFont) -> Result<Sealed, ApiError> {
    let check = onemap_seal::check_value(&row.content(None).to_bytes());
    let url = onemap_seal::verify_url(public_url, &row.identifier, &check);
    let signed_at = Utc::now();
    let face = plan::face(row, &url, key.id(), signed_at)?;
    let pdf = onemap_print::certificate_pdf(&face, font)
        .map_err(|e| ApiError::internal(format!("printing certificate {}: {e}", row.number)))?;
    let pdf_sm3 = onemap_seal::digest_sm3(&pdf);
    let signed_data = row.content(Some(&pdf_sm3)).to_bytes();
    let signature = onemap_seal::sign(key, &signed_data).map_err(keys::broken)?;
    Ok(Sealed {
        id: row.id,
        number: row.number.clone(),
        identifier: row.identifier.clone(),
        seal_name: row.seal(),
        signed_data,
        signature,
        check,
        url,
        pdf,
        pdf_sm3,
        signed_at,
    })
}

/// Stages the faces of `sealed` and records their signatures, with one audit row each, in the
/// caller's transaction. Returns the faces to put in place after the commit.
async fn record(
    conn: &mut PgConnection,
    config: &Config,
    key_id: &str,
    (actor, role): (&str, &str),
    sealed: &[Sealed],
) -> Result<Vec<Staged>, ApiError> {
    let mut staged = Vec::with_capacity(sealed.len());
    for s in sealed {
        staged.push(Staged::bytes(&config.files_dir(), "certificates", "pdf", &s.pdf).await?);
    }
    let column = |f: fn(&Sealed) -> String| sealed.iter().map(f).collect::<Vec<_>>();
    let ids: Vec<i64> = sealed.iter().map(|s| s.id).collect();
    let times: Vec<DateTime<Utc>> = sealed.iter().map(|s| s.signed_at).collect();
    let data: Vec<&[u8]> = sealed.iter().map(|s| s.signed_data.as_slice()).collect();
    let signatures: Vec<&[u8]> = sealed.iter().map(|s| s.signature.as_slice()).collect();
    let paths: Vec<&str> = staged.iter().map(|s| s.rel.as_str()).collect();
    sqlx::query(include_str!("sql/signatures_insert.sql"))
        .bind(&ids)
        .bind(key_id)
        .bind(onemap_seal::ALGORITHM)
        .bind(&data)
        .bind(&signatures)
        .bind(column(|s| s.check.clone()))
        .bind(&paths)
        .bind(column(|s| s.pdf_sm3.clone()))
        .bind(&times)
        .bind(column(|s| s.seal_name.clone()))
        .bind(column(|s| s.url.clone()))
        .execute(&mut *conn)
        .await?;
    let events: Vec<AuditEvent> = sealed
        .iter()
        .map(|s| {
            AuditEvent::new(actor, role, "certificate_sign", &s.number, "success").details(serde_json::json!({
                "identifier": s.identifier, "key_id": key_id, "pdf_sm3": s.pdf_sm3,
            }))
        })
        .collect();
    journal::append(conn, &events).await?;
    Ok(staged)
}

/// Signs those of certificates `ids` not signed yet, in one transaction: the rows are locked
/// first (in id order), so two callers never sign one certificate twice. Returns how many
/// this call signed.
async fn sign_ids(
    pool: &PgPool,
    config: &Config,
    key: &SigningKey,
    who: (&str, &str),
    ids: &[i64],
) -> Result<usize, ApiError> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT id FROM certificates WHERE id = ANY($1) ORDER BY id FOR UPDATE")
        .bind(ids)
        .execute(&mut *tx)
        .await?;
    let signed: Vec<i64> =
        sqlx::query_scalar("SELECT certificate_id FROM certificate_signatures WHERE certificate_id = ANY($1)")
            .bind(ids)
            .fetch_all(&mut *tx)
            .await?;
    let todo: Vec<i64> = ids.iter().copied().filter(|id| !signed.contains(id)).collect();
    if todo.is_empty() {
        return Ok(0);
    }
    let rows = certificates::rows(&mut tx, &todo).await?;
    let font = crate::base::print_font()?;
    let (signer, url) = (key.clone(), config.public_url.clone());
    let sealed = tokio::task::spawn_blocking(move || {
        rows.iter().map(|r| seal(r, &signer, &url, font)).collect::<Result<Vec<_>, _>>()
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))??;
    let staged = record(&mut tx, config, key.id(), who, &sealed).await?;
    tx.commit().await?;
    place_all(staged).await?;
    Ok(sealed.len())
}

/// The active signing key, created when there is none yet.
fn active_key(config: &Config) -> Result<SigningKey, ApiError> {
    keys::store(config)?.init().map_err(keys::broken)
}

/// Signs `row` in a transaction of its own if needed, and returns it as it now stands.
pub async fn ensure_signed(
    pool: &PgPool,
    config: &Config,
    actor: &str,
    role: &str,
    row: CertRow,
) -> Result<CertRow, ApiError> {
    if row.key_id.is_some() {
        return Ok(row);
    }
    sign_ids(pool, config, &active_key(config)?, (actor, role), &[row.id]).await?;
    let mut conn = pool.acquire().await?;
    certificates::get(&mut conn, &row.number).await
}

/// `onemap certificates sign` and the demo load: signs unsigned certificates (the first
/// `limit`, or all) in batches, as many batches at once as there are cores; `progress` hears
/// (signed so far, total). Returns how many were signed.
pub async fn sign_all(
    pool: &PgPool,
    config: &Config,
    limit: Option<i64>,
    progress: impl Fn(usize, usize),
) -> Result<usize, ApiError> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT c.id FROM certificates c WHERE NOT EXISTS
             (SELECT FROM certificate_signatures s WHERE s.certificate_id = c.id)
         ORDER BY c.id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let total = ids.len();
    let key = active_key(config)?;
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut done = 0;
    let mut batches = futures_util::stream::iter(ids.chunks(BATCH))
        .map(|chunk| sign_ids(pool, config, &key, ("cli:certificates", "admin"), chunk))
        .buffer_unordered(workers);
    while let Some(n) = batches.try_next().await? {
        done += n;
        progress(done, total);
    }
    Ok(done)
}
