//! 不动产登记 — electronic certificates (电子证照, GB/T 36901–36906): each certificate's
//! canonical content signed with SM2-with-SM3 ([`certificates`]), its face printed as a PDF with
//! the plan and the QR code ([`plan`]), the signing keys and their publication ([`keys`]), and
//! the public verification the QR code opens ([`verify`]); cancellation registration when a
//! house is demolished ([`cases`]) and its message to the registration platform ([`exchange`]).

pub mod cases;
pub mod certificates;
pub mod exchange;
pub mod keys;
pub mod names;
pub mod plan;
pub mod push;
pub mod signing;
pub mod verify;

pub use signing::sign_all;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::Method;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, ETAG};
use axum::response::Response;
use axum::{Extension, Json};
use base64::Engine;
use onemap_api::Problem;
use onemap_api::registration::{CertificateHolder, CertificateRecord, CertificateSignature};

use crate::auth::mask::{IdNumber, PersonName};
use crate::auth::policy::Access::{Public, Roles};
use crate::auth::{Principal, Role, Routes};
use crate::base::{ApiError, AppState};

/// Who may see the registration cases, and who decides them (登记中心).
const CASE_READERS: &[Role] = &[Role::Clerk, Role::Director, Role::Auditor];
const CLERKS: &[Role] = &[Role::Clerk];
/// Who reads the exchange outbox: the registration platform's API key (role clerk), auditors.
const EXCHANGE_READERS: &[Role] = &[Role::Clerk, Role::Auditor];
/// Who watches the push: the readers and the administrators who configured it.
const EXCHANGE_WATCHERS: &[Role] = &[Role::Clerk, Role::Auditor, Role::Admin];

/// Who may read a certificate's face and signed content in full (names and ID numbers
/// unmasked): the roles that see personal data.
const REGISTRY_READERS: &[Role] = &[Role::Clerk, Role::Officer, Role::Director, Role::Auditor];

pub fn routes() -> Routes {
    Routes::new()
        // The record is public at the desk, masked by role; the face and the signed content
        // carry names and ID numbers in full.
        .route(Method::GET, "/api/certificates/{key}", Public, record)
        .route(Method::GET, "/api/certificates/{key}/pdf", Roles(REGISTRY_READERS), pdf)
        .route(Method::GET, "/api/certificates/{key}/signature", Roles(REGISTRY_READERS), signature)
        .route(Method::GET, "/api/signing-keys", Public, keys::list)
        // What the QR code opens: anyone, masked as for the public.
        .route(Method::GET, "/verify/{identifier}", Public, verify::verify)
        // 注销登记: opened by the relocation workflow, decided by a clerk (four eyes).
        .route(Method::GET, "/api/registration/cases", Roles(CASE_READERS), cases::list)
        .route(Method::POST, "/api/registration/cases/{id}/decision", Roles(CLERKS), cases::decide)
        .route(Method::GET, "/api/exchange/messages", Roles(EXCHANGE_READERS), exchange::messages)
        .route(Method::GET, "/api/exchange/status", Roles(EXCHANGE_WATCHERS), push::status)
}

/// OpenAPI of this module's routes.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    record,
    pdf,
    signature,
    keys::list,
    verify::verify,
    cases::list,
    cases::decide,
    exchange::messages,
    push::status
))]
pub struct Api;

/// The certificate `key` (number or identifier), signed on first need by the caller's action.
async fn signed(state: &AppState, p: &Principal, key: &str) -> Result<certificates::CertRow, ApiError> {
    let mut conn = state.pool.acquire().await?;
    let row = certificates::get(&mut conn, key).await?;
    drop(conn);
    signing::ensure_signed(&state.pool, &state.config, &p.actor, p.role.as_str(), row).await
}

/// 电子证照: the certificate as the register states it (names and ID numbers masked by role).
#[utoipa::path(get, path = "/api/certificates/{key}", tag = "电子证照 certificates",
    params(("key" = String, Path, description = "证书号 or 证照标识")),
    responses((status = 200, body = CertificateRecord),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn record(State(state): State<AppState>, Path(key): Path<String>) -> Result<Json<CertificateRecord>, ApiError> {
    let mut conn = state.pool.acquire().await?;
    let row = certificates::get(&mut conn, &key).await?;
    Ok(Json(CertificateRecord {
        identifier: row.identifier.clone(),
        number: row.number.clone(),
        kind: row.kind.clone(),
        issuer_name: row.issuer_name.clone(),
        issuer_code: row.issuer_code.clone(),
        issued_on: row.issued_on,
        status: row.status.clone(),
        cancelled_on: row.cancelled_on,
        holders: row
            .holders
            .iter()
            .map(|h| CertificateHolder {
                name: PersonName(h.name.clone()).shown(),
                id_type: h.id_type.clone(),
                id_number: IdNumber(h.id_number.clone()).shown(),
            })
            .collect(),
        co_ownership: names::co_ownership(row.co_ownership.as_deref()).to_owned(),
        unit_code: row.unit_code.clone(),
        location: row.location.clone(),
        right_type: names::right_type(&row.right_kind).to_owned(),
        right_nature: names::right_nature(row.right_nature.as_deref()).to_owned(),
        usage: row.usage_name(),
        area_m2: row.area_m2.unwrap_or_default(),
        term: names::term(row.starts_on, row.ends_on),
        signed_at: row.signed_at.map(|t| t.fixed_offset()),
        key_id: row.key_id.clone(),
        pdf_url: format!("/api/certificates/{}/pdf", row.identifier),
        verify_url: row.verify_url(&state.config),
    }))
}

/// The certificate's face as a PDF (A4): its items, the plan, the QR code, the seal.
#[utoipa::path(get, path = "/api/certificates/{key}/pdf", tag = "电子证照 certificates",
    params(("key" = String, Path, description = "证书号 or 证照标识")),
    responses((status = 200, content_type = "application/pdf", description = "the face; its SM3 is in the signed content"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn pdf(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(key): Path<String>,
) -> Result<Response, ApiError> {
    let row = signed(&state, &p, &key).await?;
    let rel = row.pdf_path.clone().unwrap_or_default();
    let bytes = tokio::fs::read(state.config.files_dir().join(&rel))
        .await
        .map_err(|_| ApiError::not_found(format!("the face of {} is recorded but missing on disk", row.number)))?;
    Response::builder()
        .header(CONTENT_TYPE, "application/pdf")
        .header(CONTENT_DISPOSITION, format!("inline; filename=\"certificate-{}.pdf\"", row.identifier))
        .header(ETAG, format!("\"{}\"", row.pdf_sm3.unwrap_or_default()))
        .header(CACHE_CONTROL, "private, max-age=3600")
        .body(Body::from(bytes))
        .map_err(|e| ApiError::internal(e.to_string()))
}

/// What was signed and the signature, for an independent check with OpenSSL.
#[utoipa::path(get, path = "/api/certificates/{key}/signature", tag = "电子证照 certificates",
    params(("key" = String, Path, description = "证书号 or 证照标识")),
    responses((status = 200, body = CertificateSignature),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn signature(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(key): Path<String>,
) -> Result<Json<CertificateSignature>, ApiError> {
    let row = signed(&state, &p, &key).await?;
    let b64 = base64::engine::general_purpose::STANDARD;
    Ok(Json(CertificateSignature {
        algorithm: onemap_seal::ALGORITHM.to_owned(),
        key_id: row.key_id.unwrap_or_default(),
        signed_data: b64.encode(row.signed_data.unwrap_or_default()),
        signature: b64.encode(row.signature.unwrap_or_default()),
        pdf_sm3: row.pdf_sm3.unwrap_or_default(),
        signed_at: row.signed_at.unwrap_or_default().fixed_offset(),
    }))
}
