//! Password hashing (argon2id) and the password rules.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;

/// argon2id with the OWASP-recommended parameters (19 MiB, 2 passes, 1 lane).
fn hasher() -> Argon2<'static> {
    Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters"),
    )
}

pub fn hash(password: &str) -> String {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).expect("16 bytes make a valid salt");
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashing cannot fail with valid parameters")
        .to_string()
}

/// Verifies `password` against a PHC string; a malformed stored hash verifies as false.
pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).map(|h| hasher().verify_password(password.as_bytes(), &h).is_ok()).unwrap_or(false)
}

/// A hash of a password nobody has: unknown usernames are verified against it, so that they
/// take the same code path and time as known ones.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash("no user has this password 7f3a"))
}

/// At least 8 characters from at least three of: lower case, upper case, digits, other.
pub fn check_rules(password: &str) -> Result<(), &'static str> {
    if password.chars().count() < 8 {
        return Err("the password must have at least 8 characters");
    }
    let classes = [
        password.chars().any(|c| c.is_lowercase()),
        password.chars().any(|c| c.is_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_alphanumeric()),
    ];
    if classes.iter().filter(|&&c| c).count() < 3 {
        return Err("the password must mix at least three of: lower case, upper case, digits, symbols");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_are_salted() {
        let a = hash("Demo#2026");
        let b = hash("Demo#2026");
        assert_ne!(a, b);
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("Demo#2026", &a));
        assert!(!verify("demo#2026", &a));
        assert!(!verify("Demo#2026", "not a hash"));
    }

    #[test]
    fn rules() {
        assert!(check_rules("Demo#2026").is_ok());
        assert!(check_rules("Ab1!").is_err());
        assert!(check_rules("abcdefgh1").is_err());
        assert!(check_rules("abcdEFGH1").is_ok());
    }
}
