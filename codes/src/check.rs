//! Check characters of identifiers that accompany registration records.

/// 公民身份号码校验码 (GB 11643-1999): ISO 7064 MOD 11-2 over the first 17 digits.
///
/// Returns `None` when `first17` is not 17 ASCII digits.
pub fn resident_id_check(first17: &str) -> Option<char> {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const MAP: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in first17.chars().zip(WEIGHTS) {
        sum += c.to_digit(10)? * w;
    }
    Some(MAP[(sum % 11) as usize])
}

/// True when `id` is an 18-character resident ID number with a correct check character.
pub fn is_valid_resident_id(id: &str) -> bool {
    id.len() == 18
        && id.is_ascii()
        && resident_id_check(&id[..17]) == id[17..].chars().next().map(|c| c.to_ascii_uppercase())
}

/// 组织机构代码校验码 (GB 11714-1997) over the 8-character body.
pub fn organization_code_check(body8: &str) -> Option<char> {
    const WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    if body8.len() != 8 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in body8.chars().zip(WEIGHTS) {
        sum += c.to_digit(36)? * w;
    }
    Some(match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        d => char::from_digit(d, 10)?,
    })
}

/// Characters of the unified social credit code (no I, O, S, V, Z).
const CREDIT_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// 统一社会信用代码校验码 (GB 32100-2015) over the 17-character body.
pub fn credit_code_check(body17: &str) -> Option<char> {
    const WEIGHTS: [usize; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    if body17.chars().count() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in body17.chars().zip(WEIGHTS) {
        sum += CREDIT_CHARS.find(c)? * w;
    }
    CREDIT_CHARS.chars().nth((31 - sum % 31) % 31)
}

/// True when `code` is an 18-character unified social credit code with a correct check character.
pub fn is_valid_credit_code(code: &str) -> bool {
    code.len() == 18 && code.is_ascii() && credit_code_check(&code[..17]) == code[17..].chars().next()
}

/// ISO 7064 MOD 37,36 hybrid system: the check character for `data` (digits and upper-case
/// letters; other characters such as the dots of an identifier are skipped).
pub fn mod37_36_check(data: &str) -> Option<char> {
    const M: u32 = 36;
    let mut p = M;
    for c in data.chars().filter(|c| c.is_ascii_alphanumeric()) {
        let v = c.to_ascii_uppercase().to_digit(36)?;
        let mut s = (p + v) % M;
        if s == 0 {
            s = M;
        }
        p = (s * 2) % (M + 1);
    }
    char::from_digit((M + 1 - p) % M, 36).map(|c| c.to_ascii_uppercase())
}

/// True when the last alphanumeric character of `data` is the MOD 37,36 check of the rest.
pub fn is_valid_mod37_36(data: &str) -> bool {
    let Some(pos) = data.rfind(|c: char| c.is_ascii_alphanumeric()) else {
        return false;
    };
    mod37_36_check(&data[..pos]) == data[pos..].chars().next().map(|c| c.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resident_id_reference_example() {
        // The worked example of GB 11643-1999, appendix.
        assert_eq!(resident_id_check("11010519491231002"), Some('X'));
        assert!(is_valid_resident_id("11010519491231002X"));
        assert!(!is_valid_resident_id("110105194912310021"));
    }

    #[test]
    fn organization_code_reference_example() {
        // D2143569-X is the example used in GB 11714 commentary.
        assert_eq!(organization_code_check("D2143569"), Some('X'));
    }

    #[test]
    fn credit_code_round_trip_and_alphabet() {
        let body = "91110000710931234";
        let check = credit_code_check(body).unwrap();
        assert!(is_valid_credit_code(&format!("{body}{check}")));
        assert!(credit_code_check("9111000071093I234").is_none(), "I is not a credit-code character");
    }

    #[test]
    fn mod37_36_detects_single_substitution_and_transposition() {
        let data = "1.2.156.3005.2.11100000MB03271699001.12410825MB1234567X.20240000123.001";
        let check = mod37_36_check(data).unwrap();
        let full = format!("{data}.{check}");
        assert!(is_valid_mod37_36(&full));
        let swapped = full.replacen("20240000123", "20240000132", 1);
        assert!(!is_valid_mod37_36(&swapped));
        let substituted = full.replacen("20240000123", "20240000124", 1);
        assert!(!is_valid_mod37_36(&substituted));
    }
}
