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

/// Shortest password accepted.
pub const MIN_LENGTH: usize = 10;

/// The password rules: at least [`MIN_LENGTH`] characters from at least three of lower case,
/// upper case, digits and other; not containing the username; not the demo password; and hard
/// to guess by zxcvbn's estimate (score 3 of 4: its 30,000 common passwords, names, words,
/// keyboard walks, dates and l33t spellings — `Password1!`, `Abcdefg1` and the like fail).
pub fn check_rules(password: &str, username: &str) -> Result<(), &'static str> {
    if password.chars().count() < MIN_LENGTH {
        return Err("the password must have at least 10 characters");
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
    let lower = password.to_lowercase();
    if username.chars().count() >= 3 && lower.contains(&username.to_lowercase()) {
        return Err("the password must not contain the username");
    }
    if lower.contains(&super::admin::DEMO_PASSWORD.to_lowercase()) {
        return Err("the demo password is for the demo users of the demo county only");
    }
    let score = u8::from(zxcvbn::zxcvbn(password, &[username, "onemap", "demo"]).score());
    if score < 3 {
        return Err("the password is too easy to guess (a common password, word, name, date or keyboard pattern)");
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
        // The weak ones that passed before (issue 13), and short or one-class ones.
        for (pw, user) in [
            ("Password1", "wangwu"),
            ("Password1!", "wangwu"),
            ("Demo#2026", "wangwu"),
            ("Demo#2026xyz", "wangwu"),
            ("Abcdefg1", "wangwu"),
            ("Qwerty123!", "wangwu"),
            ("Ab1!", "wangwu"),
            ("abcdefghijk1", "wangwu"),
            ("Wangwu#2026!", "wangwu"),
        ] {
            assert!(check_rules(pw, user).is_err(), "{pw} passed");
        }
        for (pw, user) in [("Zhang#San2026", "zhangsan"), ("Qiu-Yue#Lan7319", "clerk"), ("tq8#Vr2m-Lx4p", "admin")] {
            assert_eq!(check_rules(pw, user), Ok(()), "{pw}");
        }
    }
}
