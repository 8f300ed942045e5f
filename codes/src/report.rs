//! Validation reports and explanations for any input: what kind of code it is, each segment's
//! meaning in Chinese and English, every rule it breaks, and warnings for codes that are valid
//! but unusual (local conventions, counties missing from the division list).

use serde::Serialize;

use crate::unit_code::{BUILDING_NUMBER_LEN, PARCEL_CODE_LEN, UNIT_CODE_LEN, UnitCodeError};
use crate::{BuildingNumber, ParcelCode, UnitCode};

/// The county-level division list shipped in `data/reference/county-codes.csv`.
const COUNTY_CSV: &str = include_str!("../../data/reference/county-codes.csv");

/// Name of a county-level division by its 6-digit code, if the list has it.
pub fn county_name(code: &str) -> Option<&'static str> {
    static COUNTIES: std::sync::OnceLock<std::collections::HashMap<&'static str, &'static str>> =
        std::sync::OnceLock::new();
    COUNTIES
        .get_or_init(|| {
            COUNTY_CSV
                .lines()
                .skip(1)
                .filter_map(|l| {
                    let mut f = l.split(',');
                    Some((f.next()?, f.next()?.trim_matches('"')))
                })
                .collect()
        })
        .get(code)
        .copied()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// 不动产单元代码 (28)
    Unit,
    /// 宗地代码 (19)
    Parcel,
    /// 自然幢号 (24)
    Building,
}

/// A broken rule or a warning: a stable rule name and a readable message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    pub rule: &'static str,
    pub message: String,
}

/// One segment of a code and what it means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// Machine name, e.g. `county`, `cadastral_district`.
    pub name: &'static str,
    pub name_zh: &'static str,
    /// 1-based start and end positions in the code.
    pub start: usize,
    pub end: usize,
    pub value: String,
    pub meaning_zh: String,
    pub meaning_en: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub code: String,
    pub valid: bool,
    /// By length: 28 unit, 24 building, 19 parcel; None for other lengths.
    pub kind: Option<Kind>,
    pub segments: Vec<Segment>,
    pub errors: Vec<Issue>,
    pub warnings: Vec<Issue>,
}

fn ownership(c: char) -> (&'static str, &'static str) {
    match c {
        'G' => ("国家土地（海域）所有权", "state-owned land or sea"),
        'J' => ("集体土地所有权", "collectively owned land"),
        'Z' => ("土地（海域）所有权未确定或有争议", "ownership undetermined or disputed"),
        _ => ("未知", "unknown"),
    }
}

fn use_right(c: char) -> (&'static str, &'static str) {
    match c {
        'A' => ("集体土地所有权宗地", "collective land ownership parcel"),
        'B' => ("建设用地使用权宗地（地表）", "construction-land use right, surface"),
        'S' => ("建设用地使用权宗地（地上）", "construction-land use right, above ground"),
        'X' => ("建设用地使用权宗地（地下）", "construction-land use right, underground"),
        'C' => ("宅基地使用权宗地", "homestead use right"),
        'D' => ("土地承包经营权宗地（耕地）", "contracted farmland"),
        'E' => ("土地承包经营权宗地（林地）", "contracted forest land"),
        'F' => ("土地承包经营权宗地（草地）", "contracted grassland"),
        'L' => ("林地使用权宗地（承包经营以外的）", "forest-land use right other than contracting"),
        'N' => ("农用地使用权宗地（承包经营以外的、非林地）", "other agricultural-land use right"),
        'H' => ("海域使用权宗海", "sea-area use right"),
        'G' => ("无居民海岛使用权海岛", "uninhabited-island use right"),
        'W' => ("使用权未确定或有争议的土地", "use right undetermined or disputed"),
        'Y' => ("其他土地使用权宗地", "other land use right"),
        _ => ("未知", "unknown"),
    }
}

fn fixture(c: char) -> (&'static str, &'static str) {
    match c {
        'F' => ("房屋（建筑物、构筑物）", "house, building or structure"),
        'L' => ("森林或林木", "forest or trees"),
        'Q' => ("其他类型定着物", "other fixture"),
        'W' => ("无定着物", "no fixture"),
        _ => ("未知", "unknown"),
    }
}

fn segments(code: &str) -> Vec<Segment> {
    let chars: Vec<char> = code.chars().collect();
    let part = |a: usize, b: usize| -> String {
        chars.get(a - 1..b.min(chars.len())).map(|s| s.iter().collect()).unwrap_or_default()
    };
    let mut out = Vec::new();
    let mut push = |name, name_zh, start: usize, end: usize, zh: String, en: String| {
        if chars.len() >= end {
            out.push(Segment { name, name_zh, start, end, value: part(start, end), meaning_zh: zh, meaning_en: en });
        }
    };
    let county = part(1, 6);
    let county_label = county_name(&county).unwrap_or("（不在行政区划代码表中）");
    push("county", "县级行政区划代码", 1, 6, county_label.to_owned(), format!("county-level division {county}"));
    push(
        "cadastral_district",
        "地籍区",
        7,
        9,
        format!("第{}地籍区", part(7, 9)),
        format!("cadastral district {}", part(7, 9)),
    );
    push(
        "cadastral_subdistrict",
        "地籍子区",
        10,
        12,
        format!("第{}地籍子区", part(10, 12)),
        format!("cadastral sub-district {}", part(10, 12)),
    );
    let (o, r) = (chars.get(12).copied().unwrap_or(' '), chars.get(13).copied().unwrap_or(' '));
    push("ownership", "宗地特征码（所有权）", 13, 13, ownership(o).0.into(), ownership(o).1.into());
    push("use_right", "宗地特征码（使用权）", 14, 14, use_right(r).0.into(), use_right(r).1.into());
    push(
        "parcel_sequence",
        "宗地顺序号",
        15,
        19,
        format!("第{}宗", part(15, 19)),
        format!("parcel number {}", part(15, 19)),
    );
    let f = chars.get(19).copied().unwrap_or(' ');
    push("fixture", "定着物特征码", 20, 20, fixture(f).0.into(), fixture(f).1.into());
    if f == 'F' {
        push("building_number", "幢号", 21, 24, format!("第{}幢", part(21, 24)), format!("building {}", part(21, 24)));
        push("unit_number", "户号", 25, 28, format!("第{}户", part(25, 28)), format!("house unit {}", part(25, 28)));
    } else {
        push("fixture_unit", "定着物单元编号", 21, 28, part(21, 28), format!("fixture unit {}", part(21, 28)));
    }
    out
}

fn issue(e: &UnitCodeError) -> Issue {
    Issue { rule: e.rule(), message: e.to_string() }
}

/// Validates and explains any input.
pub fn validate(input: &str) -> Report {
    let len = input.chars().count();
    let kind = match len {
        UNIT_CODE_LEN => Some(Kind::Unit),
        BUILDING_NUMBER_LEN => Some(Kind::Building),
        PARCEL_CODE_LEN => Some(Kind::Parcel),
        _ => None,
    };
    let result = match kind {
        Some(Kind::Unit) => input.parse::<UnitCode>().map(|_| ()),
        Some(Kind::Building) => input.parse::<BuildingNumber>().map(|_| ()),
        Some(Kind::Parcel) => input.parse::<ParcelCode>().map(|_| ()),
        None => Err(UnitCodeError::Length { expected: UNIT_CODE_LEN, found: len }),
    };
    let errors: Vec<Issue> = result.err().iter().map(issue).collect();
    let mut warnings = Vec::new();
    if errors.is_empty() {
        let county = &input[..6];
        if county_name(county).is_none() {
            warnings.push(Issue {
                rule: "unknown_county",
                message: format!(
                    "county code {county} is not in the division list (it may be new, old or statistical-only)"
                ),
            });
        }
        if &input[6..12] == "000000" {
            warnings.push(Issue {
                rule: "virtual_unit",
                message: "district and sub-district 000000: a local convention for virtual units".into(),
            });
        }
        if input.len() >= 28 && &input[19..28] == "F99990001" {
            warnings.push(Issue {
                rule: "several_buildings",
                message: "F99990001: a local convention for several buildings registered as one unit".into(),
            });
        }
    }
    Report {
        code: input.to_owned(),
        valid: errors.is_empty(),
        kind,
        segments: if input.is_ascii() { segments(input) } else { Vec::new() },
        errors,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn explains_a_valid_house_unit() {
        let r = validate("410825001003GB00042F00071203");
        assert!(r.valid, "{r:?}");
        assert_eq!(r.kind, Some(Kind::Unit));
        assert!(r.warnings.is_empty());
        let names: Vec<&str> = r.segments.iter().map(|s| s.name).collect();
        assert_eq!(
            names,
            [
                "county",
                "cadastral_district",
                "cadastral_subdistrict",
                "ownership",
                "use_right",
                "parcel_sequence",
                "fixture",
                "building_number",
                "unit_number"
            ]
        );
        assert_eq!(r.segments[0].meaning_zh, "温县");
        assert_eq!(r.segments[3].meaning_zh, "国家土地（海域）所有权");
        assert_eq!(r.segments[8].value, "1203");
    }

    #[test]
    fn reports_errors_and_warnings() {
        let r = validate("410825001003gb00042F00071203");
        assert!(!r.valid);
        assert_eq!(r.errors[0].rule, "character_set");
        assert!(r.errors[0].message.contains("lower case"), "{}", r.errors[0].message);
        // A well-formed county code missing from the list is a warning …
        let r = validate("419999000000GB00001F99990001");
        assert!(r.valid);
        let rules: Vec<&str> = r.warnings.iter().map(|w| w.rule).collect();
        assert_eq!(rules, ["unknown_county", "virtual_unit", "several_buildings"]);
        // … an impossible province prefix is an error.
        for code in ["999999000000GB00001F99990001", "000000001001GB00001F00010001"] {
            let r = validate(code);
            assert!(!r.valid, "{code}");
            assert_eq!(r.errors[0].rule, "province", "{code}");
        }
        assert_eq!(validate("410825001003GB00042").kind, Some(Kind::Parcel));
        assert_eq!(validate("410825001003GB00042F0007").kind, Some(Kind::Building));
        assert_eq!(validate("abc").errors[0].rule, "length");
    }

    proptest! {
        #[test]
        fn any_input_gets_a_report(s in "\\PC{0,40}") {
            let r = validate(&s);
            prop_assert_eq!(r.valid, r.errors.is_empty());
        }
    }
}
