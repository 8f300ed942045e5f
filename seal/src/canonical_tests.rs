use super::*;

pub(crate) fn sample() -> CertificateContent {
    CertificateContent {
        identifier: "1101052024000123".into(),
        number: "京(2024)朝阳区不动产权第0001234号".into(),
        kind: "不动产权证书".into(),
        issuer_name: "北京市朝阳区不动产登记中心".into(),
        issuer_code: "11110105MB0000000X".into(),
        issued_on: NaiveDate::from_ymd_opt(2024, 3, 1).expect("date"),
        holders: vec![
            Holder { name: "张三".into(), id_type: "居民身份证".into(), id_number: "110105198001010011".into() },
            Holder { name: "李四".into(), id_type: "居民身份证".into(), id_number: "110105198202020022".into() },
        ],
        co_ownership: "共同共有".into(),
        unit_code: "110105001001GB00001F00010001".into(),
        location: "朝阳区某路1号1幢101".into(),
        right_type: "国有建设用地使用权/房屋所有权".into(),
        right_nature: "出让/市场化商品房".into(),
        usage: "城镇住宅用地/住宅".into(),
        area_m2: Some("86.5".parse().expect("area")),
        term: "2004年03月01日起2074年02月28日止".into(),
        pdf_digest: Some(PdfDigest::sm3(b"%PDF-1.7")),
    }
}

#[test]
fn bytes_follow_the_documented_form() {
    let text = String::from_utf8(sample().to_bytes()).expect("utf-8");
    let expected = format!(
        "format=onemap-cert/1\n\
         identifier=1101052024000123\n\
         number=京(2024)朝阳区不动产权第0001234号\n\
         kind=不动产权证书\n\
         issuer_name=北京市朝阳区不动产登记中心\n\
         issuer_code=11110105MB0000000X\n\
         issued_on=2024-03-01\n\
         holder.count=2\n\
         holder.1.name=张三\n\
         holder.1.id_type=居民身份证\n\
         holder.1.id_number=110105198001010011\n\
         holder.2.name=李四\n\
         holder.2.id_type=居民身份证\n\
         holder.2.id_number=110105198202020022\n\
         co_ownership=共同共有\n\
         unit_code=110105001001GB00001F00010001\n\
         location=朝阳区某路1号1幢101\n\
         right_type=国有建设用地使用权/房屋所有权\n\
         right_nature=出让/市场化商品房\n\
         usage=城镇住宅用地/住宅\n\
         area_m2=86.50\n\
         term=2004年03月01日起2074年02月28日止\n\
         pdf_digest.algorithm=SM3\n\
         pdf_digest.hex={}\n",
        digest_sm3(b"%PDF-1.7")
    );
    assert_eq!(text, expected);
    assert_eq!(sample().to_bytes(), sample().to_bytes(), "deterministic");
    // A JSON round trip (how the server stores it) gives the same bytes.
    let json = serde_json::to_string(&sample()).expect("json");
    assert!(json.contains("\"area_m2\":\"86.50\"") && json.contains("\"algorithm\":\"SM3\""), "{json}");
    let back: CertificateContent = serde_json::from_str(&json).expect("from json");
    assert_eq!(back.to_bytes(), sample().to_bytes());
}

#[test]
fn escaping_keeps_fields_apart() {
    let mut content = sample();
    content.location = "a=b\nholder.count=9\\".into();
    let text = String::from_utf8(content.to_bytes()).expect("utf-8");
    assert!(text.contains("\nlocation=a\\=b\\nholder.count\\=9\\\\\n"), "{text}");
    assert_eq!(text.matches("holder.count=").count(), 1, "an injected line must not appear: {text}");
    assert_eq!(escape("x\r\ny"), "x\\r\\ny");

    // Moving text between adjacent fields changes the bytes.
    let mut a = sample();
    a.holders[0].name = "张三\nholder.1.id_type=X".into();
    let mut b = sample();
    b.holders[0].id_type = "X".into();
    assert_ne!(a.to_bytes(), b.to_bytes());
}

#[test]
fn every_key_is_present_even_when_empty() {
    let mut content = sample();
    content.holders.clear();
    content.co_ownership.clear();
    content.term.clear();
    content.area_m2 = None;
    content.pdf_digest = None;
    let text = String::from_utf8(content.to_bytes()).expect("utf-8");
    let keys: Vec<&str> = text.lines().map(|l| l.split_once('=').expect("key=value").0).collect();
    let expected = [
        "format",
        "identifier",
        "number",
        "kind",
        "issuer_name",
        "issuer_code",
        "issued_on",
        "holder.count",
        "co_ownership",
        "unit_code",
        "location",
        "right_type",
        "right_nature",
        "usage",
        "area_m2",
        "term",
        "pdf_digest.algorithm",
        "pdf_digest.hex",
    ];
    assert_eq!(keys, expected);
    for empty in ["co_ownership", "area_m2", "term", "pdf_digest.algorithm", "pdf_digest.hex"] {
        assert!(text.contains(&format!("\n{empty}=\n")), "{empty} not empty in {text}");
    }
    assert!(text.contains("\nholder.count=0\n"));

    // No PDF digest and a digest with an empty hex are different contents.
    let mut empty_hex = content.clone();
    empty_hex.pdf_digest = Some(PdfDigest { algorithm: DigestAlgorithm::Sm3, hex: String::new() });
    assert_ne!(content.to_bytes(), empty_hex.to_bytes());
}

#[test]
fn areas_are_exact_decimals() {
    let ok = [("86.5", "86.50"), ("0", "0.00"), ("120.05", "120.05"), ("007.1", "7.10")];
    for (input, shown) in ok {
        assert_eq!(input.parse::<AreaM2>().expect(input).to_string(), shown);
    }
    for bad in ["", ".5", "5.", "1.234", "-1", "+1", "1e3", "1,5", " 1", "99999999999999999999"] {
        assert!(matches!(bad.parse::<AreaM2>(), Err(SealError::InvalidArea(_))), "{bad:?} accepted");
    }
    assert_eq!(AreaM2::from_hundredths(8650).to_string(), "86.50");
    assert_eq!(AreaM2::from_f64(86.5).expect("f64").to_string(), "86.50");
    assert_eq!(AreaM2::from_f64(120.004_999).expect("f64").to_string(), "120.00");
    assert_eq!(AreaM2::from_f64(0.0).expect("zero").hundredths(), 0);
    for bad in [-0.01, f64::NAN, f64::INFINITY] {
        assert!(matches!(AreaM2::from_f64(bad), Err(SealError::InvalidArea(_))), "{bad} accepted");
    }
    assert!(serde_json::from_str::<AreaM2>("\"1.234\"").is_err());
}

#[test]
fn digests_match_known_vectors() {
    // GM/T 0004 example 1 and FIPS 180-2 for "abc".
    assert_eq!(digest_sm3(b"abc"), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
    assert_eq!(digest_sha256(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_eq!(PdfDigest::sha256(b"abc").algorithm.as_str(), "SHA-256");
}

/// The example in the module documentation is what `to_bytes` writes.
#[test]
fn documented_example_is_accurate() {
    let source = include_str!("canonical.rs");
    let start = source.find("//! ```text\n").expect("example start") + "//! ```text\n".len();
    let end = start + source[start..].find("//! ```\n").expect("example end");
    let documented: String =
        source[start..end].lines().map(|l| format!("{}\n", l.trim_start_matches("//! "))).collect();

    let content = CertificateContent {
        identifier: "1101052024000123".into(),
        number: "京(2024)朝阳区不动产权第0001234号".into(),
        kind: "不动产权证书".into(),
        issuer_name: "北京市朝阳区不动产登记中心".into(),
        issuer_code: "11110105MB0000000X".into(),
        issued_on: NaiveDate::from_ymd_opt(2024, 3, 1).expect("date"),
        holders: vec![Holder {
            name: "张三".into(),
            id_type: "居民身份证".into(),
            id_number: "110105198001010011".into(),
        }],
        co_ownership: "单独所有".into(),
        unit_code: "110105001001GB00001F00010001".into(),
        location: "朝阳区某路1号1幢101".into(),
        right_type: "国有建设用地使用权/房屋所有权".into(),
        right_nature: "出让/市场化商品房".into(),
        usage: "住宅".into(),
        area_m2: Some(AreaM2::from_hundredths(8650)),
        term: "2004年03月01日起2074年02月28日止".into(),
        pdf_digest: Some(PdfDigest::sm3(b"%PDF-1.7")),
    };
    assert_eq!(String::from_utf8(content.to_bytes()).expect("utf-8"), documented);
}
