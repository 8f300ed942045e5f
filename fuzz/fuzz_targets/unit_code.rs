//! Fuzzes every entry point that takes an untrusted code string: the report (`validate`)
//! and the three typed parsers. Besides "never panics", it checks the invariants the API
//! promises: a report is valid exactly when it has no errors; every segment lies inside the
//! input; a string a typed parser accepts gets a valid report of the matching kind and
//! prints back unchanged.
#![no_main]

use std::str::FromStr;

use libfuzzer_sys::fuzz_target;
use onemap_codes::report::{Kind, validate};
use onemap_codes::{BuildingNumber, ParcelCode, UnitCode};

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let report = validate(&input);
    assert_eq!(report.valid, report.errors.is_empty(), "{input:?}");
    let chars = input.chars().count();
    for s in &report.segments {
        assert!(s.start >= 1 && s.start <= s.end && s.end <= chars, "{input:?}: segment {s:?}");
    }
    if let Ok(code) = UnitCode::from_str(&input) {
        assert_eq!(code.as_str(), input);
        assert_eq!(report.kind, Some(Kind::Unit), "{input:?}");
        assert!(report.valid, "{input:?} parses as a unit code but its report has errors");
        assert_eq!(code.parcel().as_str(), &input[..19]);
    }
    if let Ok(code) = ParcelCode::from_str(&input) {
        assert_eq!(code.as_str(), input);
        assert!(report.valid && report.kind == Some(Kind::Parcel), "{input:?}");
    }
    if let Ok(code) = BuildingNumber::from_str(&input) {
        assert_eq!(code.as_str(), input);
        assert!(report.valid && report.kind == Some(Kind::Building), "{input:?}");
        assert_eq!(code.parcel().as_str(), &input[..19]);
    }
});
