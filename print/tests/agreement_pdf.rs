//! Renders compensation agreements and reads them back with poppler (`pdftotext`, `pdffonts`,
//! `pdfinfo` from poppler-utils, installed by `scripts/install-deps.sh test`).

use std::path::Path;
use std::process::Command;

use chrono::NaiveDate;
use onemap_print::{Agreement, CjkFont, PrintError, Resettlement, agreement_pdf, capital, yuan};

fn font() -> CjkFont {
    CjkFont::load().expect("the tests need fonts-noto-cjk (scripts/install-deps.sh test)")
}

fn sample() -> Agreement {
    let items = vec![
        ("被征收房屋价值".to_owned(), 98_765_432),
        ("装饰装修补偿".to_owned(), 6_543_210),
        ("搬迁费".to_owned(), 350_000),
        ("临时安置费（过渡期 12 个月）".to_owned(), 2_160_000),
        ("停产停业损失补偿".to_owned(), 0),
        ("按期签约搬迁奖励".to_owned(), 15_638_147),
    ];
    let total_cents = items.iter().map(|(_, c)| c).sum();
    Agreement {
        agreement_no: "WX-ZS-2023-01-XY-0007".to_owned(),
        project_name: "锡山区东亭街道友谊北路地块旧城区改建项目".to_owned(),
        project_code: "WX-ZS-2023-01".to_owned(),
        implementing_agency: "无锡市锡山区房屋征收安置服务中心".to_owned(),
        decision_no: Some("锡山政征决〔2023〕1号".to_owned()),
        unit_code: "WX-ZS-2023-01-0007".to_owned(),
        real_estate_unit_code: Some("320205003004GB00012F00030002".to_owned()),
        address: "无锡市锡山区东亭街道友谊北路128号3幢2单元502室".to_owned(),
        owner_name: "张三丰".to_owned(),
        owner_id_number: Some("32020519800101123X".to_owned()),
        surveyed_area_m2: 87.46,
        legality: "合法".to_owned(),
        mode: "产权调换".to_owned(),
        resettlement: Some(Resettlement {
            flat: Some("锦园小区 3 幢 2 单元 1402 室".to_owned()),
            area_m2: 90.12,
            unit_price_cents: 1_250_000,
            value_cents: 112_650_000,
            difference_cents: -10_806_789,
        }),
        items,
        total_cents,
        move_out_deadline: NaiveDate::from_ymd_opt(2023, 9, 30),
        signed_on: NaiveDate::from_ymd_opt(2023, 6, 18).unwrap(),
    }
}

fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program).args(args).output().unwrap_or_else(|e| {
        panic!("{program} cannot be run ({e}): install poppler-utils (scripts/install-deps.sh test)")
    });
    assert!(out.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("poppler prints UTF-8")
}

fn write(dir: &Path, name: &str, pdf: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, pdf).unwrap();
    path.to_str().unwrap().to_owned()
}

/// The right end of the first word `word` in `pdftotext -bbox` output.
fn word_x_max(bbox_html: &str, word: &str) -> Option<f64> {
    let line = bbox_html.lines().find(|l| l.trim_end().ends_with(&format!(">{word}</word>")))?;
    let at = line.find("xMax=\"")? + 6;
    line[at..].split('"').next()?.parse().ok()
}

/// pdftotext's text without the spaces and line breaks that layout mode puts in.
fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn the_agreement_reads_back_with_its_chinese_text() {
    let font = font();
    let a = sample();
    let pdf = agreement_pdf(&a, &font).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "agreement.pdf", &pdf);
    // ONEMAP_PRINT_SAMPLE=/some/file.pdf keeps the sample for a person to look at.
    if let Some(keep) = std::env::var_os("ONEMAP_PRINT_SAMPLE") {
        std::fs::write(keep, &pdf).unwrap();
    }

    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.len() < 1_000_000, "{} bytes: the font is not subsetted", pdf.len());
    eprintln!("test agreement: {} bytes, font {} face {}", pdf.len(), font.family(), font.index());

    let text = run("pdftotext", &["-layout", &file, "-"]);
    let total = a.total_cents;
    assert_eq!(total, 123_456_789);
    // On one line each.
    for want in [
        "房屋征收补偿协议",
        "协议编号：WX-ZS-2023-01-XY-0007",
        "张三丰",
        "无锡市锡山区房屋征收安置服务中心",
        "32020519800101123X",
        "320205003004GB00012F00030002",
        "被征收房屋价值",
        "¥987,654.32",
        "按期签约搬迁奖励",
        "¥1,234,567.89",
        "人民币壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分",
        "¥12,500.00/平方米",
        "¥108,067.89，由甲方支付给乙方",
        "甲方（盖章）",
        "乙方（签字、捺印）",
        "签订日期：2023年6月18日",
    ] {
        assert!(text.contains(want), "pdftotext has no {want:?}:\n{text}");
    }
    // Possibly wrapped over lines.
    let flat = squeeze(&text);
    for want in [
        "根据《国有土地上房屋征收与补偿条例》（国务院令第590号）和房屋征收决定（锡山政征决〔2023〕1号）等规定",
        "乙方位于无锡市锡山区东亭街道友谊北路128号3幢2单元502室的房屋被依法纳入征收范围",
        "建筑面积：87.46平方米",
        "合法性认定：合法",
        "乙方选择产权调换方式",
        "安置房屋：锦园小区3幢2单元1402室",
        "乙方应于2023年9月30日前完成搬迁",
        "实施房屋征收应当先补偿、后搬迁",
        "第1页共2页",
        "第2页共2页",
    ] {
        assert!(flat.contains(want), "pdftotext has no {want:?}:\n{text}");
    }
    assert_eq!(yuan(total), "¥1,234,567.89");
    assert_eq!(capital(total), "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分");
    // The amounts are right-aligned: the words of the item amounts and the total end at the
    // same x (pdftotext -bbox gives each word's box in points).
    let boxes = run("pdftotext", &["-bbox", &file, "-"]);
    let right_edges: Vec<f64> = a
        .items
        .iter()
        .map(|(_, c)| *c)
        .chain([total])
        .map(|cents| {
            let word = yuan(cents);
            let x = word_x_max(&boxes, &word).unwrap_or_else(|| panic!("no word {word}:\n{boxes}"));
            (x * 10.0).round() / 10.0
        })
        .collect();
    assert!(right_edges.iter().all(|&x| (x - right_edges[0]).abs() < 0.2), "not right-aligned: {right_edges:?}");
    assert!(right_edges[0] < 595.0 - 60.0, "inside the right margin: {right_edges:?}");

    let fonts = run("pdffonts", &[&file]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert_eq!(rows.len(), 1, "one font, embedded once:\n{fonts}");
    let cols: Vec<&str> = rows[0].split_whitespace().collect();
    assert!(rows[0].contains("NotoSansCJK") || rows[0].contains("Noto"), "{fonts}");
    // name type encoding emb sub uni object ID: emb, sub and uni are "yes".
    let flags = &cols[cols.len() - 5..cols.len() - 2];
    assert_eq!(flags, ["yes", "yes", "yes"], "emb sub uni:\n{fonts}");

    let info = run("pdfinfo", &[&file]);
    assert!(info.contains("595.276 x 841.89 pts (A4)") || info.contains("(A4)"), "{info}");
    assert!(info.contains("房屋征收补偿协议 WX-ZS-2023-01-XY-0007"), "title:\n{info}");
}

#[test]
fn a_long_agreement_runs_over_pages_without_losing_items() {
    let font = font();
    let mut a = sample();
    a.items = (1..=60)
        .map(|i| (format!("第{i}项 附属物补偿（围墙、水井、树木等，按评估报告第{i}页）"), i * 10_001))
        .collect();
    a.total_cents = a.items.iter().map(|(_, c)| c).sum();
    a.address = "无锡市锡山区东亭街道友谊北路".repeat(8) + "128号";
    a.resettlement = None;
    a.mode = "货币补偿".to_owned();
    a.decision_no = None;
    a.move_out_deadline = None;
    let pdf = agreement_pdf(&a, &font).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "long.pdf", &pdf);
    let text = run("pdftotext", &["-layout", &file, "-"]);
    let pages: usize = run("pdfinfo", &[&file])
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap();
    assert!(pages >= 3, "{pages} pages");
    assert!(squeeze(&text).contains(&format!("第{pages}页共{pages}页")), "{text}");
    assert_eq!(text.matches("协议编号：WX-ZS-2023-01-XY-0007").count(), pages);
    for i in 1..=60 {
        assert!(text.contains(&format!("第{i}项 附属物补偿")), "item {i} is missing");
    }
    assert!(text.contains(&yuan(a.total_cents)) && text.contains(&capital(a.total_cents)), "{text}");
    assert!(!text.contains("产权调换差价"), "no property swap block without a resettlement");
    assert!(text.contains("货币补偿"));
    assert!(squeeze(&text).contains(&squeeze(&a.address)), "the long address wraps without loss");
    // The header row is repeated on the pages the table continues on.
    assert!(text.matches("补偿项目").count() >= 2, "{text}");
}

#[test]
fn the_same_agreement_gives_the_same_bytes() {
    let font = font();
    assert_eq!(agreement_pdf(&sample(), &font).unwrap(), agreement_pdf(&sample(), &font.clone()).unwrap());
}

#[test]
fn items_that_do_not_add_up_are_refused() {
    let mut a = sample();
    a.total_cents += 1;
    let err = agreement_pdf(&a, &font()).unwrap_err();
    assert!(matches!(err, PrintError::Invalid(_)), "{err}");
    assert!(err.to_string().contains("¥1,234,567.89"), "{err}");
}

#[test]
fn a_character_the_font_lacks_is_an_error_not_a_blank() {
    let mut a = sample();
    a.owner_name = "张\u{10FFFD}丰".to_owned();
    let err = agreement_pdf(&a, &font()).unwrap_err();
    match err {
        PrintError::MissingGlyph { ch, ref text, .. } => {
            assert_eq!(ch, '\u{10FFFD}');
            assert!(text.contains('张'), "{err}");
        }
        other => panic!("{other}"),
    }
}

#[test]
fn the_debian_collection_gives_the_simplified_chinese_face() {
    let font = font();
    assert_eq!(font.family(), "Noto Sans CJK SC");
    assert!(font.covers("房屋征收补偿协议 ¥1,234.56 《》（）"));
    assert!(!font.covers("\u{10FFFD}"));
    // An explicit index picks that face.
    let jp = CjkFont::from_path(font.path(), Some(0)).unwrap();
    assert_eq!(jp.family(), "Noto Sans CJK JP");
    let err = CjkFont::from_path(font.path(), Some(99)).unwrap_err();
    assert!(matches!(err, PrintError::FontInvalid { .. }), "{err}");
}
