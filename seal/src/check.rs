//! The short check value printed in the QR code (校验码) and the verification URL (核验地址).
//!
//! `check_value(sig)` = the first 8 characters of base32 (RFC 4648 alphabet `A–Z2–7`,
//! upper case, no padding) of SM3(DER signature) — i.e. the top 40 bits of the digest.
//! It ties a printed certificate to one signature without putting the whole signature in
//! the QR code; it is a lookup aid, not a signature.

use sm3::Digest as _;

/// Length of the check value in characters (40 bits).
pub const CHECK_LEN: usize = 8;

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// The check value of a DER signature (校验码), e.g. `K7Q2MZ4A`.
pub fn check_value(signature_der: &[u8]) -> String {
    let digest = sm3::Sm3::digest(signature_der);
    // 8 base32 characters = 40 bits = the first 5 bytes.
    let bits = digest.iter().take(5).fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    (0..CHECK_LEN).map(|i| char::from(BASE32[((bits >> (35 - 5 * i)) & 0x1f) as usize])).collect()
}

/// The verification URL put in the QR code (核验地址): `{base}/verify/{identifier}?c={check}`.
///
/// A trailing `/` of `base` is dropped; `identifier` and `check` are percent-encoded
/// (everything but RFC 3986 unreserved characters), so any identifier yields one path segment.
pub fn verify_url(base: &str, identifier: &str, check: &str) -> String {
    format!("{}/verify/{}?c={}", base.trim_end_matches('/'), percent_encode(identifier), percent_encode(check))
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_value_is_base32_of_sm3() {
        // SM3("abc") = 66c7f0f462…: 0x66 0xc7 0xf0 0xf4 0x62 → base32 "M3D7B5DC".
        assert_eq!(check_value(b"abc"), "M3D7B5DC");
        let c = check_value(&[0x30, 0x44, 0x02, 0x20]);
        assert_eq!(c.len(), CHECK_LEN);
        assert!(c.bytes().all(|b| BASE32.contains(&b)), "{c}");
        assert_ne!(check_value(b"abd"), check_value(b"abc"));
    }

    #[test]
    fn urls_are_built_and_escaped() {
        assert_eq!(
            verify_url("https://bdc.example.cn/", "1101052024000123", "M3D7B5DC"),
            "https://bdc.example.cn/verify/1101052024000123?c=M3D7B5DC"
        );
        assert_eq!(verify_url("https://x", "a/b?c 证", "Z"), "https://x/verify/a%2Fb%3Fc%20%E8%AF%81?c=Z");
    }
}
