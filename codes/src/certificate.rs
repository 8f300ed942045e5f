//! 电子证照 identifiers (GB/T 36901–36906-2018) and real-estate certificate numbers.

use crate::check::mod37_36_check;

/// 证照类型代码 of the real-estate title certificate (不动产权证书).
pub const TYPE_TITLE_CERTIFICATE: &str = "11100000MB03271699001";
/// 证照类型代码 of the registration proof (不动产登记证明).
pub const TYPE_REGISTRATION_PROOF: &str = "11100000MB03271699022";

/// Builds a certificate identifier (证照标识):
/// `1.2.156.3005.2.{type}.{issuer}.{serial}.{version:03}.{check}` where the check character is
/// ISO 7064 MOD 37,36 over every digit and letter before it.
pub fn certificate_identifier(type_code: &str, issuer_code: &str, serial: &str, version: u16) -> String {
    let body = format!("1.2.156.3005.2.{type_code}.{issuer_code}.{serial}.{version:03}");
    let check = mod37_36_check(&body).unwrap_or('0');
    format!("{body}.{check}")
}

/// Why a text is not a certificate identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentifierError {
    /// Not of the form `1.2.156.3005.2.{type}.{issuer}.{serial}.{version}.{check}`.
    Shape,
    /// The form is right but the check character is not the MOD 37,36 of the rest: a typo.
    Check,
}

/// Checks that `text` is a certificate identifier: its form, then its check character.
pub fn check_identifier(text: &str) -> Result<(), IdentifierError> {
    let parts: Vec<&str> = text.split('.').collect();
    let code = |p: &&str, max: usize| {
        !p.is_empty() && p.len() <= max && p.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
    };
    let shape = parts.len() == 10
        && parts[..5] == ["1", "2", "156", "3005", "2"]
        && parts[5..8].iter().all(|p| code(p, 40))
        && parts[8].len() == 3
        && parts[8].bytes().all(|b| b.is_ascii_digit())
        && code(&parts[9], 1);
    if !shape {
        return Err(IdentifierError::Shape);
    }
    if !crate::check::is_valid_mod37_36(text) {
        return Err(IdentifierError::Check);
    }
    Ok(())
}

/// Kind of certificate: title certificate (不动产权证书) or registration proof (不动产登记证明).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CertificateKind {
    Title,
    Proof,
}

/// Certificate number such as `豫(2024)温县不动产权第0001234号`.
///
/// `province` is the one-character abbreviation (豫), `place` the issuing county's name.
pub fn certificate_number(kind: CertificateKind, province: &str, year: i32, place: &str, seq: u32) -> String {
    let word = match kind {
        CertificateKind::Title => "不动产权",
        CertificateKind::Proof => "不动产证明",
    };
    format!("{province}({year}){place}{word}第{seq:07}号")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::is_valid_mod37_36;

    #[test]
    fn identifier_carries_a_valid_check() {
        let id = certificate_identifier(TYPE_TITLE_CERTIFICATE, "12410825MB1234567X", "20240001234", 1);
        assert!(id.starts_with("1.2.156.3005.2.11100000MB03271699001.12410825MB1234567X.20240001234.001."));
        assert!(is_valid_mod37_36(&id));
    }

    #[test]
    fn identifiers_are_checked() {
        let id = certificate_identifier(TYPE_TITLE_CERTIFICATE, "12410825MB1234567X", "20240001234", 1);
        assert_eq!(check_identifier(&id), Ok(()));
        // One character mistyped: the form holds, the check does not.
        let typo = id.replacen("0001234", "0001235", 1);
        assert_eq!(check_identifier(&typo), Err(IdentifierError::Check));
        for bad in
            ["", "garbage", "1.2.156.3005.2", &id.replace("3005", "3006"), &id.to_lowercase(), &format!("{id}.1")]
        {
            assert_eq!(check_identifier(bad), Err(IdentifierError::Shape), "{bad}");
        }
    }

    #[test]
    fn number_format() {
        assert_eq!(
            certificate_number(CertificateKind::Title, "豫", 2024, "温县", 1234),
            "豫(2024)温县不动产权第0001234号"
        );
        assert_eq!(
            certificate_number(CertificateKind::Proof, "豫", 2019, "温县", 7),
            "豫(2019)温县不动产证明第0000007号"
        );
    }
}
