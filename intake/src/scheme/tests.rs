use super::*;
use crate::category::category;

fn values<'a>(project: &'a str, category: &'a str) -> Values<'a> {
    Values { project, category, unit: None, year: 2025 }
}

#[test]
fn default_archive_numbers() {
    let scheme = Scheme::parse(Scheme::DEFAULT_ARCHIVE).unwrap();
    let xy = category("补偿协议").unwrap().code;
    let v = values("WX2025", xy);
    assert_eq!(scheme.render(&v, 3).unwrap(), "WX2025-XY-0003");
    assert_eq!(scheme.render(&v, 12345).unwrap(), "WX2025-XY-12345");
    assert_eq!(scheme.key(&v).unwrap(), "WX2025-XY-{seq}");
    assert!(!scheme.needs_unit());
    assert_eq!(scheme.to_string(), Scheme::DEFAULT_ARCHIVE);
}

#[test]
fn default_photo_numbers() {
    let scheme = Scheme::parse(Scheme::DEFAULT_PHOTO).unwrap();
    let v = values("WX2025", "ZP");
    assert_eq!(scheme.render(&v, 42).unwrap(), "WX2025-ZP-00042");
    assert_eq!(scheme.key(&v).unwrap(), "WX2025-ZP-{seq}");
}

#[test]
fn keys_separate_counters() {
    let scheme = Scheme::parse("{project}-{category}-{year}{seq:03}").unwrap();
    let a = scheme.key(&values("P1", "XY")).unwrap();
    let b = scheme.key(&values("P1", "PG")).unwrap();
    let c = scheme.key(&values("P2", "XY")).unwrap();
    let d = scheme.key(&Values { year: 2026, ..values("P1", "XY") }).unwrap();
    assert_eq!(a, "P1-XY-2025{seq}");
    let all = [&a, &b, &c, &d];
    for (i, x) in all.iter().enumerate() {
        assert!(all[i + 1..].iter().all(|y| x != y), "{x} repeats");
    }
    assert_eq!(scheme.render(&values("P1", "XY"), 7).unwrap(), "P1-XY-2025007");
    // The key ignores the width: widening the number keeps the counter.
    let wider = Scheme::parse("{project}-{category}-{year}{seq:06}").unwrap();
    assert_eq!(wider.key(&values("P1", "XY")).unwrap(), a);
}

#[test]
fn unit_placeholder_needs_a_unit() {
    let scheme = Scheme::parse("{unit}_{seq}").unwrap();
    assert!(scheme.needs_unit());
    assert_eq!(scheme.render(&values("P", "XY"), 1).unwrap_err(), SchemeError::MissingUnit);
    assert_eq!(scheme.key(&values("P", "XY")).unwrap_err().code(), "missing_unit");
    let v = Values { unit: Some("WX-001-0007"), ..values("P", "XY") };
    assert_eq!(scheme.render(&v, 9).unwrap(), "WX-001-0007_9");
    assert_eq!(scheme.key(&v).unwrap(), "WX-001-0007_{seq}");
}

#[test]
fn bad_values_are_refused() {
    let scheme = Scheme::parse("{project}-{year}-{seq:02}").unwrap();
    for bad in ["", "a b", "a/b", "a{seq}", "x\\y", "tab\t"] {
        assert_eq!(scheme.render(&values(bad, "XY"), 1).unwrap_err(), SchemeError::BadValue("project"), "{bad:?}");
    }
    let long = "p".repeat(MAX_VALUE_LEN + 1);
    assert_eq!(scheme.render(&values(&long, "XY"), 1).unwrap_err().code(), "bad_value");
    let year = Values { year: 10_000, ..values("P", "XY") };
    assert_eq!(scheme.render(&year, 1).unwrap_err(), SchemeError::BadValue("year"));
    // Chinese project codes are fine.
    assert_eq!(scheme.render(&values("温县二期", "XY"), 5).unwrap(), "温县二期-2025-05");
}

#[test]
fn bad_templates_are_refused() {
    let err = |t: &str| Scheme::parse(t).unwrap_err();
    assert_eq!(err(""), SchemeError::Empty);
    assert_eq!(err("{project}-{cat}-{seq}"), SchemeError::UnknownPlaceholder("cat".into()));
    assert_eq!(err("{Project}-{seq}").code(), "unknown_placeholder");
    assert_eq!(err("{project-{seq}"), SchemeError::UnbalancedBrace(0));
    assert_eq!(err("{project}}-{seq}"), SchemeError::UnbalancedBrace(9));
    assert_eq!(err("{project}-{seq"), SchemeError::UnbalancedBrace(10));
    assert_eq!(err("{project}-{category}"), SchemeError::MissingSeq);
    assert_eq!(err("{seq}-{seq:03}"), SchemeError::DuplicateSeq);
    assert_eq!(err("{seq:0}"), SchemeError::BadSeqWidth("seq:0".into()));
    assert_eq!(err("{seq:10}").code(), "bad_seq_width");
    assert_eq!(err("{seq:+4}").code(), "bad_seq_width");
    assert_eq!(err("{seq:}").code(), "bad_seq_width");
    assert_eq!(err("{project} {seq}"), SchemeError::BadCharacter(' '));
    assert_eq!(err("{project}/{seq}"), SchemeError::BadCharacter('/'));
    assert_eq!(err("档案{seq}"), SchemeError::BadCharacter('档'));
    assert_eq!(err(&format!("{}{{seq}}", "A".repeat(MAX_TEMPLATE_LEN))), SchemeError::TooLong);
}

#[test]
fn literal_only_around_seq() {
    let scheme = Scheme::parse("ZP_{seq:9}").unwrap();
    assert_eq!(scheme.render(&values("P", "ZP"), 1).unwrap(), "ZP_000000001");
    assert_eq!(scheme.key(&values("P", "ZP")).unwrap(), "ZP_{seq}");
    assert_eq!(scheme.template(), "ZP_{seq:9}");
}
