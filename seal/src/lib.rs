//! onemap — electronic certificate seals (电子证照签章).
//!
//! - [`keys`]: the SM2 signing-key store with rotation (签名密钥库)
//! - [`mod@sign`]: SM2-with-SM3 signatures, DER encoded (签名/验签)
//! - [`canonical`]: the canonical bytes of certificate content (证照内容规范化)
//! - [`check`]: the QR check value and verification URL (校验码, 核验地址)
//! - [`qr`]: the QR module matrix and PNG (二维码)
//!
//! Typical use: `let key = store.active()?; let sig = sign(&key, &content.to_bytes())?;`
//! then store `key.id()` and `sig` with the certificate, and print
//! `qr_matrix(&verify_url(base, &content.identifier, &check_value(&sig)))`.

pub mod canonical;
pub mod check;
pub mod error;
pub mod keypair;
pub mod keys;
pub mod qr;
pub mod sign;

pub use canonical::{
    AreaM2, CANONICAL_FORMAT, CertificateContent, DigestAlgorithm, Holder, PdfDigest, digest_sha256, digest_sm3,
};
pub use check::{CHECK_LEN, check_value, verify_url};
pub use error::SealError;
pub use keypair::{SigningKey, VerifyingKey};
pub use keys::{KeyInfo, KeyStore};
pub use qr::{QUIET_ZONE, QrMatrix, qr_matrix, qr_png};
pub use sign::{ALGORITHM, DIST_ID, sign, verify};
