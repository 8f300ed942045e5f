//! SM2 key pairs: the signing key (签名密钥) and the verifying key (验签公钥), their PEM forms
//! and the key id (密钥标识).
//!
//! Private keys are PKCS#8 (`-----BEGIN PRIVATE KEY-----`), public keys SubjectPublicKeyInfo
//! (`-----BEGIN PUBLIC KEY-----`); both name the algorithm `id-ecPublicKey` with the curve
//! parameter `1.2.156.10197.1.301` (SM2), the form OpenSSL 3 writes and reads.

use crate::canonical::digest_sm3;
use crate::error::SealError;
use crate::sign::DIST_ID;
use chrono::{DateTime, Utc};
use rand_core::OsRng;
use sm2::elliptic_curve::zeroize::Zeroizing;
use sm2::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, LineEnding};
use sm2::{PublicKey, SecretKey};

/// A signing key with its id and creation time (签名密钥).
///
/// The distinguishing identifier is always [`DIST_ID`] (GM/T 0009 default).
#[derive(Clone)]
pub struct SigningKey {
    id: String,
    created_at: DateTime<Utc>,
    inner: sm2::dsa::SigningKey,
}

/// A public key used to verify signatures (验签公钥).
#[derive(Clone, Debug)]
pub struct VerifyingKey {
    inner: sm2::dsa::VerifyingKey,
}

// sm2 0.13's VerifyingKey has no PartialEq: compare the public points.
impl PartialEq for VerifyingKey {
    fn eq(&self, other: &Self) -> bool {
        self.inner.as_affine() == other.inner.as_affine()
    }
}

impl Eq for VerifyingKey {}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print key material.
        f.debug_struct("SigningKey").field("id", &self.id).field("created_at", &self.created_at).finish()
    }
}

impl SigningKey {
    /// Generates a fresh key pair from the operating system's random source (生成密钥).
    pub fn generate(created_at: DateTime<Utc>) -> Result<Self, SealError> {
        let secret = SecretKey::random(&mut OsRng);
        let inner = sm2::dsa::SigningKey::new(DIST_ID, &secret).map_err(|e| SealError::InvalidKey(e.to_string()))?;
        let verifying = VerifyingKey { inner: inner.verifying_key().clone() };
        let id = key_id(created_at, &verifying)?;
        Ok(SigningKey { id, created_at, inner })
    }

    /// Reads a PKCS#8 PEM private key (e.g. one written by `openssl genpkey -algorithm SM2`).
    ///
    /// `id` and `created_at` are taken as given; [`crate::KeyStore`] checks the id itself.
    pub fn from_pkcs8_pem(id: &str, created_at: DateTime<Utc>, pem: &str) -> Result<Self, SealError> {
        let secret = SecretKey::from_pkcs8_pem(pem).map_err(|e| SealError::InvalidKey(format!("PKCS#8 PEM: {e}")))?;
        let inner = sm2::dsa::SigningKey::new(DIST_ID, &secret).map_err(|e| SealError::InvalidKey(e.to_string()))?;
        Ok(SigningKey { id: id.to_owned(), created_at, inner })
    }

    /// The PKCS#8 PEM form of the private key, wiped from memory when dropped. Handle with
    /// care: this is the secret.
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>, SealError> {
        let secret = SecretKey::from(self.inner.as_nonzero_scalar());
        secret.to_pkcs8_pem(LineEnding::LF).map_err(|e| SealError::InvalidKey(format!("PKCS#8: {e}")))
    }

    /// The key id, `sm2-YYYYMMDD-xxxxxxxx` (密钥标识).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// When the key was created (UTC).
    pub fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }

    /// The matching public key.
    pub fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey { inner: self.inner.verifying_key().clone() }
    }

    pub(crate) fn inner(&self) -> &sm2::dsa::SigningKey {
        &self.inner
    }
}

impl VerifyingKey {
    /// Reads a SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`), e.g. from
    /// `openssl pkey -pubout`.
    pub fn from_public_pem(pem: &str) -> Result<Self, SealError> {
        let public =
            PublicKey::from_public_key_pem(pem).map_err(|e| SealError::InvalidKey(format!("public key PEM: {e}")))?;
        Self::from_public_key(public)
    }

    /// Reads a DER SubjectPublicKeyInfo.
    pub fn from_public_der(der: &[u8]) -> Result<Self, SealError> {
        let public =
            PublicKey::from_public_key_der(der).map_err(|e| SealError::InvalidKey(format!("public key DER: {e}")))?;
        Self::from_public_key(public)
    }

    fn from_public_key(public: PublicKey) -> Result<Self, SealError> {
        let inner = sm2::dsa::VerifyingKey::new(DIST_ID, public).map_err(|e| SealError::InvalidKey(e.to_string()))?;
        Ok(VerifyingKey { inner })
    }

    /// The SubjectPublicKeyInfo PEM form.
    pub fn to_public_pem(&self) -> Result<String, SealError> {
        PublicKey::from(&self.inner)
            .to_public_key_pem(LineEnding::LF)
            .map_err(|e| SealError::InvalidKey(format!("public key PEM: {e}")))
    }

    /// The SubjectPublicKeyInfo DER form.
    pub fn to_public_der(&self) -> Result<Vec<u8>, SealError> {
        let doc = PublicKey::from(&self.inner)
            .to_public_key_der()
            .map_err(|e| SealError::InvalidKey(format!("public key DER: {e}")))?;
        Ok(doc.as_bytes().to_vec())
    }

    /// Lower-case hex SM3 of the DER SubjectPublicKeyInfo (公钥指纹).
    pub fn fingerprint(&self) -> Result<String, SealError> {
        Ok(digest_sm3(&self.to_public_der()?))
    }

    pub(crate) fn inner(&self) -> &sm2::dsa::VerifyingKey {
        &self.inner
    }
}

/// The key id for a public key created at `created_at`:
/// `sm2-<UTC date YYYYMMDD>-<first 8 hex digits of the SM3 fingerprint>`.
pub fn key_id(created_at: DateTime<Utc>, key: &VerifyingKey) -> Result<String, SealError> {
    let fingerprint = key.fingerprint()?;
    Ok(format!("sm2-{}-{}", created_at.format("%Y%m%d"), &fingerprint[..8]))
}

/// Checks that `id` has the form `sm2-YYYYMMDD-xxxxxxxx` (lower-case hex). Ids reach file
/// names, so nothing else is allowed.
pub fn validate_key_id(id: &str) -> Result<(), SealError> {
    let bad = || SealError::InvalidKeyId(id.to_owned());
    let rest = id.strip_prefix("sm2-").ok_or_else(bad)?;
    let (date, hash) = rest.split_once('-').ok_or_else(bad)?;
    let date_ok = date.len() == 8 && date.bytes().all(|b| b.is_ascii_digit());
    let hash_ok = hash.len() == 8 && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if date_ok && hash_ok { Ok(()) } else { Err(bad()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_round_trip_keeps_the_key() {
        let key = SigningKey::generate(Utc::now()).expect("generate");
        let pem = key.to_pkcs8_pem().expect("pkcs8");
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        let back = SigningKey::from_pkcs8_pem(key.id(), key.created_at(), &pem).expect("read back");
        assert_eq!(back.verifying_key(), key.verifying_key());

        let public = key.verifying_key().to_public_pem().expect("spki");
        assert!(public.starts_with("-----BEGIN PUBLIC KEY-----\n"));
        assert_eq!(VerifyingKey::from_public_pem(&public).expect("read spki"), key.verifying_key());
        let debug = format!("{key:?}");
        assert!(debug.contains(key.id()) && !debug.contains("scalar"), "{debug}");
    }

    #[test]
    fn spki_names_the_sm2_curve() {
        let key = SigningKey::generate(Utc::now()).expect("generate");
        let der = key.verifying_key().to_public_der().expect("der");
        // OID 1.2.156.10197.1.301 in DER: 06 08 2A 81 1C CF 55 01 82 2D
        let sm2_oid = [0x06, 0x08, 0x2A, 0x81, 0x1C, 0xCF, 0x55, 0x01, 0x82, 0x2D];
        assert!(der.windows(sm2_oid.len()).any(|w| w == sm2_oid), "{der:02x?}");
    }

    #[test]
    fn key_ids_are_checked() {
        let key = SigningKey::generate(Utc::now()).expect("generate");
        validate_key_id(key.id()).expect("generated id is valid");
        assert!(key.id().starts_with(&format!("sm2-{}-", key.created_at().format("%Y%m%d"))));
        for bad in
            ["", "sm2-2024010-abcdef01", "sm2-20240101-ABCDEF01", "sm2-20240101-../../x", "rsa-20240101-abcdef01"]
        {
            assert!(matches!(validate_key_id(bad), Err(SealError::InvalidKeyId(_))), "{bad}");
        }
    }
}
