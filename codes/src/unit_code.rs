//! 不动产单元代码 (GB/T 37346-2019): 28 characters, `6 + 6 + 7 + 9`.
//!
//! | pos   | segment                                     |
//! |-------|---------------------------------------------|
//! | 1–6   | county-level division code (县级行政区划代码) |
//! | 7–9   | cadastral district (地籍区)                  |
//! | 10–12 | cadastral sub-district (地籍子区)            |
//! | 13–14 | parcel feature code (宗地特征码)             |
//! | 15–19 | parcel sequence number (宗地顺序号)          |
//! | 20    | fixture feature code (定着物特征码)          |
//! | 21–28 | fixture unit number (定着物单元编号)         |

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

/// Length of a parcel code (宗地代码).
pub const PARCEL_CODE_LEN: usize = 19;
/// Length of a natural building number (自然幢号).
pub const BUILDING_NUMBER_LEN: usize = 24;
/// Length of a real-estate unit code (不动产单元代码).
pub const UNIT_CODE_LEN: usize = 28;

/// Why a string is not a well-formed code. One variant per rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnitCodeError {
    #[error("length is {found}, expected {expected} characters")]
    Length { expected: usize, found: usize },
    #[error("character {ch:?} at position {pos} is not allowed{}", hint.map(|h| format!(" ({h})")).unwrap_or_default())]
    Character { pos: usize, ch: char, hint: Option<&'static str> },
    #[error("division code starts with {0}: no province, autonomous region or municipality has that GB/T 2260 code")]
    Province(String),
    #[error("ownership letter {0:?} is not one of G, J, Z")]
    OwnershipLetter(char),
    #[error("use-right letter {0:?} is not in the GB/T 37346 list")]
    UseRightLetter(char),
    #[error("feature code {0} is not allowed: A and C need collective ownership J")]
    FeaturePair(String),
    #[error("parcel sequence number is 00000")]
    ZeroSequence,
    #[error("fixture letter {0:?} is not one of F, L, Q, W")]
    FixtureLetter(char),
    #[error("fixture letter W (no fixture) needs the suffix 00000000, found {0}")]
    NonZeroLandSuffix(String),
    #[error("building number is 0000")]
    ZeroBuilding,
    #[error("unit number is 0000")]
    ZeroUnit,
}

impl UnitCodeError {
    /// A stable machine name for the rule, used in API responses.
    pub fn rule(&self) -> &'static str {
        match self {
            Self::Length { .. } => "length",
            Self::Character { .. } => "character_set",
            Self::Province(_) => "province",
            Self::OwnershipLetter(_) => "ownership_letter",
            Self::UseRightLetter(_) => "use_right_letter",
            Self::FeaturePair(_) => "feature_pair",
            Self::ZeroSequence => "zero_sequence",
            Self::FixtureLetter(_) => "fixture_letter",
            Self::NonZeroLandSuffix(_) => "land_suffix",
            Self::ZeroBuilding => "zero_building",
            Self::ZeroUnit => "zero_unit",
        }
    }
}

/// 定着物特征码: what stands on the parcel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FixtureKind {
    /// F — 房屋(建筑物、构筑物)
    Building,
    /// L — 森林、林木
    Trees,
    /// Q — 其他
    Other,
    /// W — 无定着物
    None,
}

impl FixtureKind {
    pub fn letter(self) -> char {
        match self {
            Self::Building => 'F',
            Self::Trees => 'L',
            Self::Other => 'Q',
            Self::None => 'W',
        }
    }

    pub fn from_letter(c: char) -> Option<Self> {
        Some(match c {
            'F' => Self::Building,
            'L' => Self::Trees,
            'Q' => Self::Other,
            'W' => Self::None,
            _ => return None,
        })
    }
}

const OWNERSHIP: &str = "GJZ";
const USE_RIGHT: &str = "ABSXCDEFLNHGWY";

fn check_chars(s: &str, digits_at: impl Fn(usize) -> bool) -> Result<(), UnitCodeError> {
    for (i, ch) in s.chars().enumerate() {
        let pos = i + 1;
        let want_digit = digits_at(pos);
        let ok = if want_digit { ch.is_ascii_digit() } else { ch.is_ascii_uppercase() };
        if !ok {
            let hint = if ('０'..='９').contains(&ch) {
                Some("full-width digit; use ASCII 0-9")
            } else if ch.is_ascii_lowercase() {
                Some("lower case; codes are upper case")
            } else if ('Ａ'..='Ｚ').contains(&ch) {
                Some("full-width letter; use ASCII A-Z")
            } else if want_digit {
                Some("a digit is expected here")
            } else {
                Some("an upper-case letter is expected here")
            };
            return Err(UnitCodeError::Character { pos, ch, hint });
        }
    }
    Ok(())
}

fn check_len(s: &str, expected: usize) -> Result<(), UnitCodeError> {
    let found = s.chars().count();
    if found == expected { Ok(()) } else { Err(UnitCodeError::Length { expected, found }) }
}

/// Letter positions (1-based) in a parcel code: 13, 14; everything else is a digit.
fn parcel_digit_at(pos: usize) -> bool {
    !(pos == 13 || pos == 14)
}

/// The first two digits of every GB/T 2260 division code: the provinces, autonomous regions
/// and municipalities (11 北京 … 65 新疆, 71 台湾, 81 香港, 82 澳门).
pub const PROVINCES: &[&str] = &[
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44",
    "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
];

fn check_parcel_body(s: &str) -> Result<(), UnitCodeError> {
    // A county code missing from the shipped list is only a warning (lists age); an
    // impossible province prefix cannot be a county anywhere.
    if !PROVINCES.contains(&&s[..2]) {
        return Err(UnitCodeError::Province(s[..2].to_owned()));
    }
    let b = s.as_bytes();
    let (own, right) = (b[12] as char, b[13] as char);
    if !OWNERSHIP.contains(own) {
        return Err(UnitCodeError::OwnershipLetter(own));
    }
    if !USE_RIGHT.contains(right) {
        return Err(UnitCodeError::UseRightLetter(right));
    }
    if matches!(right, 'A' | 'C') && own != 'J' {
        return Err(UnitCodeError::FeaturePair(format!("{own}{right}")));
    }
    if &s[14..19] == "00000" {
        return Err(UnitCodeError::ZeroSequence);
    }
    Ok(())
}

/// 宗地代码: the first 19 characters of a unit code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ParcelCode(String);

impl ParcelCode {
    /// Builds a parcel code from its segments; fails on values out of range or a bad feature pair.
    pub fn new(
        county: &str,
        district: u16,
        subdistrict: u16,
        feature: &str,
        sequence: u32,
    ) -> Result<Self, UnitCodeError> {
        format!("{county}{district:03}{subdistrict:03}{feature}{sequence:05}").parse()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// 县级行政区划代码
    pub fn county(&self) -> &str {
        &self.0[0..6]
    }
    /// 地籍区
    pub fn district(&self) -> &str {
        &self.0[6..9]
    }
    /// 地籍子区
    pub fn subdistrict(&self) -> &str {
        &self.0[9..12]
    }
    /// 宗地特征码
    pub fn feature(&self) -> &str {
        &self.0[12..14]
    }
    /// 宗地顺序号
    pub fn sequence(&self) -> u32 {
        self.0[14..19].parse().unwrap_or(0)
    }
    /// The land-only unit on this parcel: parcel code + `W00000000`.
    pub fn land_unit(&self) -> UnitCode {
        UnitCode(format!("{}W00000000", self.0))
    }
    /// 自然幢号 of building `number` (1–9999) on this parcel.
    pub fn building(&self, number: u16) -> Result<BuildingNumber, UnitCodeError> {
        format!("{}F{number:04}", self.0).parse()
    }
}

impl FromStr for ParcelCode {
    type Err = UnitCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        check_len(s, PARCEL_CODE_LEN)?;
        check_chars(s, parcel_digit_at)?;
        check_parcel_body(s)?;
        Ok(Self(s.to_owned()))
    }
}

/// 自然幢号: parcel code + `F` + 4-digit building number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BuildingNumber(String);

impl BuildingNumber {
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn parcel(&self) -> ParcelCode {
        ParcelCode(self.0[..PARCEL_CODE_LEN].to_owned())
    }
    /// 幢号
    pub fn number(&self) -> u16 {
        self.0[20..24].parse().unwrap_or(0)
    }
    /// The house unit `unit` (户号, 1–9999) in this building.
    pub fn unit(&self, unit: u16) -> Result<UnitCode, UnitCodeError> {
        format!("{}{unit:04}", self.0).parse()
    }
}

impl FromStr for BuildingNumber {
    type Err = UnitCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        check_len(s, BUILDING_NUMBER_LEN)?;
        check_chars(s, |p| parcel_digit_at(p) && p != 20)?;
        check_parcel_body(s)?;
        if &s[19..20] != "F" {
            return Err(UnitCodeError::FixtureLetter(s.as_bytes()[19] as char));
        }
        if &s[20..24] == "0000" {
            return Err(UnitCodeError::ZeroBuilding);
        }
        Ok(Self(s.to_owned()))
    }
}

/// 不动产单元代码 (28 characters).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnitCode(String);

impl UnitCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn parcel(&self) -> ParcelCode {
        ParcelCode(self.0[..PARCEL_CODE_LEN].to_owned())
    }
    pub fn fixture(&self) -> FixtureKind {
        FixtureKind::from_letter(self.0.as_bytes()[19] as char).unwrap_or(FixtureKind::None)
    }
    /// The natural building for an `F` unit.
    pub fn building(&self) -> Option<BuildingNumber> {
        (self.fixture() == FixtureKind::Building).then(|| BuildingNumber(self.0[..BUILDING_NUMBER_LEN].to_owned()))
    }
    /// 定着物单元编号 (8 digits).
    pub fn fixture_number(&self) -> &str {
        &self.0[20..28]
    }
}

impl FromStr for UnitCode {
    type Err = UnitCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        check_len(s, UNIT_CODE_LEN)?;
        check_chars(s, |p| parcel_digit_at(p) && p != 20)?;
        check_parcel_body(s)?;
        let letter = s.as_bytes()[19] as char;
        let suffix = &s[20..28];
        match FixtureKind::from_letter(letter) {
            None => return Err(UnitCodeError::FixtureLetter(letter)),
            Some(FixtureKind::None) if suffix != "00000000" => {
                return Err(UnitCodeError::NonZeroLandSuffix(suffix.to_owned()));
            }
            Some(FixtureKind::Building) if &suffix[..4] == "0000" => return Err(UnitCodeError::ZeroBuilding),
            Some(FixtureKind::Building) if &suffix[4..] == "0000" => return Err(UnitCodeError::ZeroUnit),
            Some(FixtureKind::Trees | FixtureKind::Other) if suffix == "00000000" => {
                return Err(UnitCodeError::ZeroUnit);
            }
            _ => {}
        }
        Ok(Self(s.to_owned()))
    }
}

macro_rules! string_like {
    ($($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }
        impl AsRef<str> for $t {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    )*};
}
string_like!(ParcelCode, BuildingNumber, UnitCode);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn standard_appendix_example_parcel() {
        let p: ParcelCode = "340123002004GB00011".parse().unwrap();
        assert_eq!(
            (p.county(), p.district(), p.subdistrict(), p.feature(), p.sequence()),
            ("340123", "002", "004", "GB", 11)
        );
        assert_eq!(p.land_unit().as_str(), "340123002004GB00011W00000000");
    }

    #[test]
    fn hierarchy_builders_extend_each_other() {
        let p = ParcelCode::new("410825", 1, 3, "GB", 42).unwrap();
        let b = p.building(7).unwrap();
        let u = b.unit(1203).unwrap();
        assert_eq!(u.as_str(), "410825001003GB00042F00071203");
        assert_eq!(u.building().unwrap(), b);
        assert_eq!(b.parcel(), p);
        assert_eq!(u.parcel(), p);
    }

    #[test]
    fn each_rule_has_its_own_error() {
        let cases = [
            ("410825001003GB00042F0007120", "length"),
            ("410825001003gb00042F00071203", "character_set"),
            ("４10825001003GB00042F00071203", "character_set"),
            ("000000001001GB00001F00010001", "province"),
            ("990825001003GB00042F00071203", "province"),
            ("410825001003XB00042F00071203", "ownership_letter"),
            ("410825001003GK00042F00071203", "use_right_letter"),
            ("410825001003GC00042F00071203", "feature_pair"),
            ("410825001003ZA00042F00071203", "feature_pair"),
            ("410825001003GB00000F00071203", "zero_sequence"),
            ("410825001003GB00042K00071203", "fixture_letter"),
            ("410825001003GB00042W00000001", "land_suffix"),
            ("410825001003GB00042F00001203", "zero_building"),
            ("410825001003GB00042F00070000", "zero_unit"),
        ];
        for (code, rule) in cases {
            let err = code.parse::<UnitCode>().unwrap_err();
            assert_eq!(err.rule(), rule, "{code}: {err}");
        }
        assert!("410825001003JC00042F00071203".parse::<UnitCode>().is_ok());
        assert!("410825001003JA00042W00000000".parse::<UnitCode>().is_ok());
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = s.parse::<UnitCode>();
            let _ = s.parse::<ParcelCode>();
            let _ = s.parse::<BuildingNumber>();
        }

        #[test]
        fn round_trip(province in 0usize..PROVINCES.len(), rest in 0u32..10000, d in 0u16..1000, sd in 0u16..1000, seq in 1u32..100000, b in 1u16..10000, u in 1u16..10000) {
            let county = format!("{}{rest:04}", PROVINCES[province]);
            let p = ParcelCode::new(&county, d, sd, "GB", seq).unwrap();
            let code = p.building(b).unwrap().unit(u).unwrap();
            let again: UnitCode = code.as_str().parse().unwrap();
            prop_assert_eq!(again.parcel(), p);
            prop_assert_eq!(again, code);
        }
    }
}
