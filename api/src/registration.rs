//! 不动产登记 — electronic certificates (电子证照): the certificate as the register and its face
//! state it, its SM2 signature, the published signing keys and the public verification.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

/// 电子证照: `GET /api/certificates/{number-or-identifier}` (personal data masked by role).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CertificateRecord {
    /// 证照标识 (GB/T 36901)
    pub identifier: String,
    /// 证书号 (BDCQZH)
    pub number: String,
    /// `title_certificate` (不动产权证书) or `registration_proof` (不动产登记证明).
    pub kind: String,
    pub issuer_name: String,
    /// 发证机关统一社会信用代码
    pub issuer_code: String,
    pub issued_on: NaiveDate,
    /// `valid` or `cancelled`.
    pub status: String,
    pub cancelled_on: Option<NaiveDate>,
    pub holders: Vec<CertificateHolder>,
    /// 共有情况, e.g. 单独所有.
    pub co_ownership: String,
    /// 不动产单元号
    pub unit_code: String,
    /// 坐落
    pub location: String,
    /// 权利类型, e.g. 国有建设用地使用权/房屋所有权.
    pub right_type: String,
    /// 权利性质
    pub right_nature: String,
    /// 用途
    pub usage: String,
    /// 面积, m².
    pub area_m2: f64,
    /// 使用期限
    pub term: String,
    /// The signature, once signed (certificates are signed when first needed).
    pub signed_at: Option<DateTime<FixedOffset>>,
    pub key_id: Option<String>,
    /// `/api/certificates/{number}/pdf`, `/verify/{identifier}?c=…`.
    pub pdf_url: String,
    pub verify_url: Option<String>,
}

/// 权利人 as a certificate names them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CertificateHolder {
    pub name: String,
    /// 证件种类: `resident_id`, `passport`, `hk_macao_pass`, `credit_code`, `other`.
    pub id_type: String,
    pub id_number: String,
}

/// `GET /api/certificates/{number-or-identifier}/signature`: what was signed and the signature,
/// for an independent check (`openssl pkeyutl -verify -rawin -digest sm3 -pkeyopt
/// distid:1234567812345678` with the key published at `/api/signing-keys`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CertificateSignature {
    /// `SM2-with-SM3` (GM/T 0009, user ID 1234567812345678).
    pub algorithm: String,
    pub key_id: String,
    /// The canonical content signed, base64: `key=value` lines (see onemap_seal::canonical),
    /// ending with the SM3 digest of the certificate's PDF face.
    pub signed_data: String,
    /// DER-encoded SM2 signature, base64.
    pub signature: String,
    /// SM3 of the PDF face served at `…/pdf`, hex.
    pub pdf_sm3: String,
    pub signed_at: DateTime<FixedOffset>,
}

/// 签名密钥: a published public key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SigningKey {
    pub id: String,
    pub algorithm: String,
    pub created_at: DateTime<FixedOffset>,
    /// The key new certificates are signed with; older keys stay for verification.
    pub active: bool,
    /// SubjectPublicKeyInfo PEM with the SM2 OID (1.2.156.10197.1.301).
    pub public_key_pem: String,
}

/// `GET /verify/{identifier}` as JSON: what anyone holding the certificate (or its QR code) can
/// learn about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Verification {
    pub identifier: String,
    /// `valid` or `cancelled` (an unknown or malformed identifier gets a problem body instead).
    pub state: String,
    pub number: Option<String>,
    /// The holders' names masked as for the public (张*三).
    pub holders: Vec<String>,
    pub location: Option<String>,
    pub issuer_name: Option<String>,
    pub issued_on: Option<NaiveDate>,
    pub cancelled_on: Option<NaiveDate>,
    /// The signature over the signed content verifies with the published key.
    pub signature_valid: Option<bool>,
    /// The register still says what was signed; when not, `changed` names what differs.
    pub register_matches: Option<bool>,
    pub changed: Vec<String>,
    /// The QR code's check value (`?c=`) belongs to this certificate; null when none was given.
    pub check_matches: Option<bool>,
    pub key_id: Option<String>,
    pub signed_at: Option<DateTime<FixedOffset>>,
    /// One sentence for the reader, in Chinese.
    pub message: String,
}

/// `GET /verify/{identifier}` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct VerifyQuery {
    /// The check value printed in the QR code.
    pub c: Option<String>,
}

/// 登记业务: a registration case — for now a cancellation (注销登记) opened when a
/// compensation unit is demolished.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegistrationCase {
    pub id: i64,
    /// 业务号, e.g. ZX-2026-000001.
    pub business_no: String,
    /// `cancellation`.
    pub kind: String,
    /// `open`, `approved` or `rejected`.
    pub status: String,
    /// The house unit whose rights are cancelled (不动产单元号).
    pub unit_code: String,
    /// The compensation unit whose demolition opened the case, and its project.
    pub compensation_unit: Option<String>,
    pub project: Option<String>,
    pub reason: String,
    pub demolished_on: NaiveDate,
    pub opened_by: String,
    pub opened_at: DateTime<FixedOffset>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<FixedOffset>>,
    pub decision_note: Option<String>,
    /// The rights the case concerns (业务号 of each), and their certificates.
    pub rights: Vec<String>,
    pub certificates: Vec<String>,
    pub version: i32,
}

/// `GET /api/registration/cases` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct CaseQuery {
    /// `open` (the default), `approved`, `rejected` or `all`.
    pub status: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// A page of cases, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CasePage {
    pub total: i64,
    pub cases: Vec<RegistrationCase>,
}

/// `POST /api/registration/cases/{id}/decision` (If-Match: the case's ETag).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CaseDecision {
    /// `approve` (the rights and certificates are cancelled) or `reject`.
    pub decision: String,
    pub note: Option<String>,
}

/// `GET /api/exchange/messages` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct ExchangeQuery {
    /// Messages after this id (the `next_after` of the previous page); none: from the start.
    pub after: Option<i64>,
    /// At most this many (default 100, at most 1,000).
    pub limit: Option<i64>,
}

/// 交换报文: one registration change for the registration platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExchangeMessage {
    pub id: i64,
    /// `cancellation` (注销登记).
    pub kind: String,
    /// The case's business number.
    pub subject: String,
    /// Unique per message: a receiver drops a key it has seen.
    pub idempotency_key: String,
    pub created_at: DateTime<FixedOffset>,
    /// The message (docs/exchange/onemap-exchange-1.xsd).
    pub xml: String,
}

/// A page of the outbox, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExchangePage {
    pub messages: Vec<ExchangeMessage>,
    /// Ask again with `after` set to this.
    pub next_after: Option<i64>,
}

/// `GET /api/exchange/status`: how far the outbox is, and how far its push.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExchangeStatus {
    /// The newest message's id (0 when there is none).
    pub latest_id: i64,
    /// Where messages are pushed; none when receivers only poll.
    pub push_url: Option<String>,
    /// The last message the receiver accepted.
    pub delivered_id: i64,
    /// Messages not accepted yet.
    pub pending: i64,
    /// When the oldest of them was written: the push's lag.
    pub oldest_pending_at: Option<DateTime<FixedOffset>>,
    pub delivered_at: Option<DateTime<FixedOffset>>,
    /// Failures in a row of the next message, the last one's reason, and when it is tried again.
    pub attempts: i32,
    pub last_error: Option<String>,
    pub next_attempt_at: Option<DateTime<FixedOffset>>,
}
