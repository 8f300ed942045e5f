//! Amounts of money (金额) as printed: `¥1,234,567.89` and in Chinese capital numerals (大写).
//!
//! Amounts are integer cents (分) everywhere in onemap; nothing here goes through floating point.

/// An amount in cents as yuan with thousands separators and two decimals: `¥1,234,567.89`;
/// negative amounts get a leading minus: `-¥0.05`.
pub fn yuan(cents: i64) -> String {
    let abs = cents.unsigned_abs();
    let (whole, frac) = (abs / 100, abs % 100);
    let digits = whole.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(d);
    }
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}¥{grouped}.{frac:02}")
}

const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];

/// An amount in cents in Chinese capital numerals (大写金额), written the way the People's Bank of
/// China's rules for filling in bills and settlement vouchers (《正确填写票据和结算凭证的基本规定》)
/// show it, without the leading 人民币:
///
/// - whole yuan end in 整: 100,005.00 → 壹拾万零伍元整;
/// - jiao (角) and fen (分) follow: 1,234,567.89 → 壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分, 1,409.50 →
///   壹仟肆佰零玖元伍角 (no 整 after 角 or 分);
/// - a zero jiao before a fen is written 零: 16,409.02 → 壹万陆仟肆佰零玖元零贰分;
/// - no yuan: 0.50 → 伍角, 0.05 → 伍分, 0.00 → 零元整;
/// - tens are written with 壹: 10.00 → 壹拾元整;
/// - negative amounts start with 负.
pub fn capital(cents: i64) -> String {
    let abs = cents.unsigned_abs();
    let (whole, jiao, fen) = (abs / 100, (abs / 10 % 10) as usize, (abs % 10) as usize);
    let mut out = String::new();
    if cents < 0 {
        out.push('负');
    }
    if whole > 0 {
        out.push_str(&integer(whole));
        out.push('元');
    }
    match (jiao, fen) {
        (0, 0) => {
            if whole == 0 {
                out.push_str("零元");
            }
            out.push('整');
        }
        (j, 0) => {
            out.push(DIGITS[j]);
            out.push('角');
        }
        (0, f) => {
            if whole > 0 {
                out.push('零');
            }
            out.push(DIGITS[f]);
            out.push('分');
        }
        (j, f) => {
            out.push(DIGITS[j]);
            out.push('角');
            out.push(DIGITS[f]);
            out.push('分');
        }
    }
    out
}

/// A positive whole number in capitals: groups of four digits joined by 万 and 亿 (亿亿 beyond).
fn integer(n: u64) -> String {
    const YI: u64 = 100_000_000;
    if n >= YI {
        let (hi, lo) = (n / YI, n % YI);
        let mut s = integer(hi);
        s.push('亿');
        if lo > 0 {
            if lo < YI / 10 {
                s.push('零');
            }
            s.push_str(&below_yi(lo));
        }
        s
    } else {
        below_yi(n)
    }
}

/// 1 ≤ n < 10⁸.
fn below_yi(n: u64) -> String {
    let (hi, lo) = (n / 10_000, n % 10_000);
    let mut s = String::new();
    if hi > 0 {
        s.push_str(&below_wan(hi));
        s.push('万');
        if lo > 0 && lo < 1000 {
            s.push('零');
        }
    }
    if lo > 0 {
        s.push_str(&below_wan(lo));
    }
    s
}

/// 1 ≤ n < 10⁴: one 零 for any run of zeros between two digits, none at the end.
fn below_wan(n: u64) -> String {
    const UNITS: [&str; 4] = ["仟", "佰", "拾", ""];
    let digits = [n / 1000, n / 100 % 10, n / 10 % 10, n % 10];
    let mut s = String::new();
    let mut zero_pending = false;
    for (d, unit) in digits.into_iter().zip(UNITS) {
        if d == 0 {
            zero_pending = !s.is_empty();
            continue;
        }
        if zero_pending {
            s.push('零');
            zero_pending = false;
        }
        s.push(DIGITS[d as usize]);
        s.push_str(unit);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_formats_with_separators_and_two_decimals() {
        assert_eq!(yuan(0), "¥0.00");
        assert_eq!(yuan(5), "¥0.05");
        assert_eq!(yuan(-5), "-¥0.05");
        assert_eq!(yuan(100), "¥1.00");
        assert_eq!(yuan(99_999), "¥999.99");
        assert_eq!(yuan(100_000), "¥1,000.00");
        assert_eq!(yuan(123_456_789), "¥1,234,567.89");
        assert_eq!(yuan(-123_456_789), "-¥1,234,567.89");
        assert_eq!(yuan(10_000_000_000), "¥100,000,000.00");
        assert_eq!(yuan(i64::MAX), "¥92,233,720,368,547,758.07");
        assert_eq!(yuan(i64::MIN), "-¥92,233,720,368,547,758.08");
    }

    #[test]
    fn capital_known_values() {
        let cases: &[(i64, &str)] = &[
            (123_456_789, "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
            (10_000_500, "壹拾万零伍元整"),
            (0, "零元整"),
            (1, "壹分"),
            (5, "伍分"),
            (50, "伍角"),
            (55, "伍角伍分"),
            (100, "壹元整"),
            (1_000, "壹拾元整"),
            (1_100, "壹拾壹元整"),
            (10_100, "壹佰零壹元整"),
            (101_000, "壹仟零壹拾元整"),
            (100_100, "壹仟零壹元整"),
            (140_950, "壹仟肆佰零玖元伍角"),
            (600_714, "陆仟零柒元壹角肆分"),
            (168_032, "壹仟陆佰捌拾元叁角贰分"),
            (1_640_902, "壹万陆仟肆佰零玖元零贰分"),
            (32_504, "叁佰贰拾伍元零肆分"),
            (10_700_053, "壹拾万柒仟元伍角叁分"),
            (10_100_000, "壹拾万壹仟元整"),
            (100_000_000, "壹佰万元整"),
            (1_000_000_000, "壹仟万元整"),
            (10_001_000_000, "壹亿零壹万元整"),
            (100_000_000_100, "壹拾亿零壹元整"),
            (12_000_000_000, "壹亿贰仟万元整"),
            (11_010_010_000, "壹亿壹仟零壹拾万零壹佰元整"),
            (-10_000_500, "负壹拾万零伍元整"),
            (-1, "负壹分"),
        ];
        for &(cents, want) in cases {
            assert_eq!(capital(cents), want, "{cents} cents");
        }
    }

    #[test]
    fn capital_beyond_yi_yi_and_extremes() {
        // 1 万亿 yuan = 10¹² yuan.
        assert_eq!(capital(100_000_000_000_000), "壹万亿元整");
        assert_eq!(capital(i64::MAX), "玖亿贰仟贰佰叁拾叁万柒仟贰佰零叁亿陆仟捌佰伍拾肆万柒仟柒佰伍拾捌元零柒分");
        assert!(capital(i64::MIN).starts_with("负玖亿"));
    }

    #[test]
    fn capital_never_has_double_or_trailing_zero() {
        for cents in (0..2_000_000i64).step_by(997).chain([1_000_000_001, 100_000_000_100, 100_010_001]) {
            let s = capital(cents);
            assert!(!s.contains("零零"), "{cents}: {s}");
            assert!(!s.contains("零元") || cents < 100, "{cents}: {s}");
            assert!(!s.contains("零万") && !s.contains("零亿"), "{cents}: {s}");
        }
    }
}
