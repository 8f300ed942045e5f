//! SM2 signatures with SM3 (SM2 签名, GM/T 0003 / GM/T 0009).
//!
//! The signed message is `Z_A || data` hashed with SM3, where `Z_A` is derived from the
//! distinguishing identifier [`DIST_ID`] and the public key — the same computation as
//! `openssl pkeyutl -sign -rawin -digest sm3 -pkeyopt distid:1234567812345678`.
//! Signatures are DER `SEQUENCE { r INTEGER, s INTEGER }` (GM/T 0009 §7 / RFC 5480 form),
//! typically 70–72 bytes.

use crate::error::SealError;
use crate::keypair::{SigningKey, VerifyingKey};
use rand_core::OsRng;
use sm2::FieldBytes;
use sm2::dsa::Signature;
use sm2::dsa::signature::{RandomizedSigner, Verifier};
use sm2::pkcs8::der::asn1::{SequenceOf, UintRef};
use sm2::pkcs8::der::{Decode, Encode};

/// The signature algorithm's name as recorded next to signatures (签名算法).
pub const ALGORITHM: &str = "SM2-with-SM3";

/// The distinguishing identifier (用户标识 ID), the GM/T 0009 default `1234567812345678`.
pub const DIST_ID: &str = "1234567812345678";

/// Signs `data` and returns the DER signature (签名).
///
/// The nonce is hedged: RFC 6979 mixed with fresh randomness, so two signatures of the same
/// data differ.
pub fn sign(key: &SigningKey, data: &[u8]) -> Result<Vec<u8>, SealError> {
    let signature: Signature =
        key.inner().try_sign_with_rng(&mut OsRng, data).map_err(|e| SealError::Signing(e.to_string()))?;
    signature_to_der(&signature)
}

/// Checks a DER signature of `data` (验签). Malformed or non-canonical DER is simply `false`.
pub fn verify(public: &VerifyingKey, data: &[u8], der_sig: &[u8]) -> bool {
    match signature_from_der(der_sig) {
        Some(signature) => public.inner().verify(data, &signature).is_ok(),
        None => false,
    }
}

fn signature_to_der(signature: &Signature) -> Result<Vec<u8>, SealError> {
    let (r, s) = (signature.r_bytes(), signature.s_bytes());
    let der = |e: sm2::pkcs8::der::Error| SealError::Signing(format!("DER encoding: {e}"));
    let mut seq = SequenceOf::<UintRef<'_>, 2>::new();
    seq.add(UintRef::new(&r).map_err(der)?).map_err(der)?;
    seq.add(UintRef::new(&s).map_err(der)?).map_err(der)?;
    seq.to_der().map_err(der)
}

/// Strict DER: exactly two minimal non-negative INTEGERs, nothing trailing.
fn signature_from_der(der: &[u8]) -> Option<Signature> {
    let seq = SequenceOf::<UintRef<'_>, 2>::from_der(der).ok()?;
    if seq.len() != 2 {
        return None;
    }
    let r = field_bytes(seq.get(0)?.as_bytes())?;
    let s = field_bytes(seq.get(1)?.as_bytes())?;
    Signature::from_scalars(r, s).ok()
}

/// Left-pads a big-endian integer to 32 bytes.
fn field_bytes(bytes: &[u8]) -> Option<FieldBytes> {
    let len = FieldBytes::default().len();
    if bytes.len() > len {
        return None;
    }
    let mut out = FieldBytes::default();
    out[len - bytes.len()..].copy_from_slice(bytes);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn key() -> SigningKey {
        SigningKey::generate(Utc::now()).expect("generate")
    }

    #[test]
    fn round_trip_and_one_changed_byte() {
        let key = key();
        let data = "不动产权证书 京(2024)朝阳区不动产权第0001234号".as_bytes().to_vec();
        let sig = sign(&key, &data).expect("sign");
        assert_eq!(sig[0], 0x30, "DER SEQUENCE");
        assert!((8..=72).contains(&sig.len()), "{} bytes", sig.len());
        assert!(verify(&key.verifying_key(), &data, &sig));

        for i in [0, data.len() / 2, data.len() - 1] {
            let mut tampered = data.clone();
            tampered[i] ^= 0x01;
            assert!(!verify(&key.verifying_key(), &tampered, &sig), "byte {i} changed yet verified");
        }
        assert!(!verify(&key.verifying_key(), &data[..data.len() - 1], &sig), "truncated data verified");
    }

    #[test]
    fn wrong_key_and_damaged_signatures_fail() {
        let (key, other) = (key(), key());
        let data = b"certificate";
        let sig = sign(&key, data).expect("sign");
        assert!(!verify(&other.verifying_key(), data, &sig));

        let mut flipped = sig.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 0x80;
        assert!(!verify(&key.verifying_key(), data, &flipped));
        let mut trailing = sig.clone();
        trailing.push(0);
        assert!(!verify(&key.verifying_key(), data, &trailing), "trailing byte accepted");
        assert!(!verify(&key.verifying_key(), data, &[]));
        assert!(!verify(&key.verifying_key(), data, &sig[..sig.len() - 1]));
    }

    #[test]
    fn signatures_are_randomised_and_der_round_trips() {
        let key = key();
        let (a, b) = (sign(&key, b"x").expect("sign"), sign(&key, b"x").expect("sign"));
        assert_ne!(a, b, "hedged nonces give different signatures");
        let parsed = signature_from_der(&a).expect("parse");
        assert_eq!(signature_to_der(&parsed).expect("encode"), a);
    }
}
