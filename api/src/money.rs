//! 金额显示: money as people read it, `¥127,820,000.00` — yuan sign, thousands separators,
//! always two decimals, a leading minus for negative amounts. The web UI shows every amount
//! through [`format_yuan`].

/// What stands for an amount that cannot be written (not finite). The server never sends one
/// (JSON has no NaN or infinity); absent or masked amounts are the caller's placeholder.
pub const NOT_AN_AMOUNT: &str = "—";

/// An amount in yuan as `¥1,234,567.89`, rounded to cents half away from zero on its decimal
/// value (the shortest decimal that reads back as the same `f64`, so `1.005` gives `¥1.01`
/// although its binary value lies just below); negative as `-¥1,234.50`, and an amount that
/// rounds to zero as `¥0.00` (never `-¥0.00`).
pub fn format_yuan(yuan: f64) -> String {
    if !yuan.is_finite() {
        return NOT_AN_AMOUNT.to_owned();
    }
    // Rust writes an f64 in plain decimal notation (never with an exponent), shortest first.
    let plain = format!("{}", yuan.abs());
    let (int_part, frac_part) = plain.split_once('.').unwrap_or((&plain, ""));
    // The amount in cents as decimal digits: the integer part and two fraction digits.
    let mut cents: Vec<u8> = int_part.bytes().map(|b| b - b'0').collect();
    let mut frac = frac_part.bytes().map(|b| b - b'0');
    cents.push(frac.next().unwrap_or(0));
    cents.push(frac.next().unwrap_or(0));
    if frac.next().is_some_and(|d| d >= 5) {
        // Round up: carry from the last digit.
        let mut i = cents.len();
        loop {
            if i == 0 {
                cents.insert(0, 1);
                break;
            }
            i -= 1;
            if cents[i] == 9 {
                cents[i] = 0;
            } else {
                cents[i] += 1;
                break;
            }
        }
    }
    // The integer part has no leading zeros: Rust writes none, and a carry adds a digit.
    let (int_digits, frac_digits) = cents.split_at(cents.len() - 2);
    let zero = int_digits == [0] && frac_digits == [0, 0];
    let mut out = String::with_capacity(int_digits.len() * 4 / 3 + 6);
    if yuan < 0.0 && !zero {
        out.push('-');
    }
    out.push('¥');
    for (i, d) in int_digits.iter().enumerate() {
        if i > 0 && (int_digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(char::from(b'0' + d));
    }
    out.push('.');
    out.extend(frac_digits.iter().map(|d| char::from(b'0' + d)));
    out
}

#[cfg(test)]
mod tests {
    use super::format_yuan;

    #[test]
    fn thousands_and_two_decimals() {
        assert_eq!(format_yuan(127_820_000.0), "¥127,820,000.00");
        assert_eq!(format_yuan(439_345.9), "¥439,345.90");
        assert_eq!(format_yuan(1_234_567.89), "¥1,234,567.89");
        assert_eq!(format_yuan(0.0), "¥0.00");
        assert_eq!(format_yuan(5.0), "¥5.00");
        assert_eq!(format_yuan(999.0), "¥999.00");
        assert_eq!(format_yuan(1000.0), "¥1,000.00");
        assert_eq!(format_yuan(100_000.0), "¥100,000.00");
        assert_eq!(format_yuan(0.07), "¥0.07");
    }

    #[test]
    fn rounds_to_cents_half_away_from_zero() {
        assert_eq!(format_yuan(1.005), "¥1.01");
        assert_eq!(format_yuan(1.004_999), "¥1.00");
        assert_eq!(format_yuan(0.125), "¥0.13");
        assert_eq!(format_yuan(2.675), "¥2.68");
        assert_eq!(format_yuan(12_345.678_9), "¥12,345.68");
        assert_eq!(format_yuan(999_999.995), "¥1,000,000.00");
        assert_eq!(format_yuan(9.999), "¥10.00");
        assert_eq!(format_yuan(0.001), "¥0.00");
        assert_eq!(format_yuan(1e-7), "¥0.00");
        // Sums of float amounts carry binary noise; it does not show.
        assert_eq!(format_yuan(0.1 + 0.2), "¥0.30");
        assert_eq!(format_yuan(439_345.899_999_999_9), "¥439,345.90");
    }

    #[test]
    fn negative_amounts_lead_with_a_minus() {
        assert_eq!(format_yuan(-1234.5), "-¥1,234.50");
        assert_eq!(format_yuan(-0.005), "-¥0.01");
        assert_eq!(format_yuan(-1_000_000.0), "-¥1,000,000.00");
        // What rounds to zero has no sign.
        assert_eq!(format_yuan(-0.004), "¥0.00");
        assert_eq!(format_yuan(-0.0), "¥0.00");
    }

    #[test]
    fn large_and_not_finite() {
        assert_eq!(format_yuan(12_345_678_901_234.0), "¥12,345,678,901,234.00");
        assert_eq!(format_yuan(1e20), "¥100,000,000,000,000,000,000.00");
        assert_eq!(format_yuan(f64::NAN), "—");
        assert_eq!(format_yuan(f64::INFINITY), "—");
        assert_eq!(format_yuan(f64::NEG_INFINITY), "—");
    }
}
