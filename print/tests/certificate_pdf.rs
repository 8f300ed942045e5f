//! Renders the face of a certificate and reads it back with poppler: `pdftotext` for the text,
//! `pdfinfo` for the page, `pdftoppm` for the pixels (poppler-utils, installed by
//! `scripts/install-deps.sh test`).

use std::path::Path;
use std::process::Command;

use onemap_print::{CertificateFace, CjkFont, Plan, PrintError, QrCode, certificate_pdf};

fn font() -> CjkFont {
    CjkFont::load().expect("the tests need fonts-noto-cjk (scripts/install-deps.sh test)")
}

/// A 25 × 25 matrix shaped like a version 2 QR code: the three finder patterns with their
/// separators, the timing patterns, the alignment pattern, and pseudo-random data.
fn qr() -> QrCode {
    let size = 25;
    let mut modules = vec![false; size * size];
    let mut seed: u32 = 20_241_128;
    for (i, m) in modules.iter_mut().enumerate() {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        *m = (seed >> 16) & 1 == 1 || i % 7 == 0;
    }
    let mut set = |r: usize, c: usize, dark: bool| modules[r * size + c] = dark;
    for (r0, c0) in [(0, 0), (0, size - 7), (size - 7, 0)] {
        // The separator: a light ring one module wide around the finder.
        for r in r0.saturating_sub(1)..(r0 + 8).min(size) {
            for c in c0.saturating_sub(1)..(c0 + 8).min(size) {
                set(r, c, false);
            }
        }
        for r in 0..7 {
            for c in 0..7 {
                let ring = r == 0 || r == 6 || c == 0 || c == 6;
                let core = (2..=4).contains(&r) && (2..=4).contains(&c);
                set(r0 + r, c0 + c, ring || core);
            }
        }
    }
    for i in 8..size - 8 {
        set(6, i, i % 2 == 0);
        set(i, 6, i % 2 == 0);
    }
    for r in 16..21 {
        for c in 16..21 {
            set(r, c, r == 16 || r == 20 || c == 16 || c == 20 || (r == 18 && c == 18));
        }
    }
    QrCode { size, modules }
}

fn sample() -> CertificateFace {
    let (x, y) = (38_512_300.0, 3_870_400.0);
    CertificateFace {
        title: "不动产权证书".to_owned(),
        number: "豫(2024)温县不动产权第0001234号".to_owned(),
        identifier: "1.2.156.3005.2.11100000000013338W.410825.0001234.001.K".to_owned(),
        issuer_name: "温县自然资源局".to_owned(),
        issuer_code: "11410825MB1234567X".to_owned(),
        issued_on: "2024-03-05".to_owned(),
        holders: "李建国、王秀英".to_owned(),
        id_numbers: "410825196512120315、410825196803150526".to_owned(),
        co_ownership: "共同共有".to_owned(),
        location: "温县温泉街道子夏大街188号锦绣花园5幢2单元602室".to_owned(),
        unit_code: "410825001002GB00345F00050026".to_owned(),
        right_type: "国有建设用地使用权/房屋所有权".to_owned(),
        right_nature: "出让/市场化商品房".to_owned(),
        usage: "城镇住宅用地/住宅".to_owned(),
        area: "共有宗地面积 215.30 m²  房屋建筑面积 96.20 m²".to_owned(),
        term: "国有建设用地使用权 2010年06月01日起 2080年05月31日止".to_owned(),
        notes: "房屋结构：钢筋混凝土结构；专有建筑面积 82.15 m²，分摊建筑面积 14.05 m²；\
                房屋总层数 18，所在层 6。"
            .to_owned(),
        plan: Some(Plan {
            caption: "宗地图".to_owned(),
            polygons: vec![vec![vec![(x, y), (x + 20.0, y), (x + 20.0, y + 20.0), (x, y + 20.0)]]],
            highlight: 0,
            crs_note: "2000国家大地坐标系 3°带 第38带".to_owned(),
        }),
        qr: qr(),
        verify_url: "https://bdc.example.gov.cn/verify/1.2.156.3005.2.11100000000013338W.410825.0001234".to_owned(),
        seal_name: "温县不动产登记中心".to_owned(),
        signed_at: "2024-03-05 10:21:33".to_owned(),
        signature_note: "SM2 签名 密钥 sm2-20261128-ab12cd34".to_owned(),
    }
}

fn run(program: &str, args: &[&str]) -> Vec<u8> {
    let out = Command::new(program).args(args).output().unwrap_or_else(|e| {
        panic!("{program} cannot be run ({e}): install poppler-utils (scripts/install-deps.sh test)")
    });
    assert!(out.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

fn text(program: &str, args: &[&str]) -> String {
    String::from_utf8(run(program, args)).expect("poppler prints UTF-8")
}

fn write(dir: &Path, name: &str, pdf: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, pdf).unwrap();
    path.to_str().unwrap().to_owned()
}

/// pdftotext's text without the spaces and line breaks that layout mode puts in.
fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The text within a rectangle of the page, corners in millimetres from the top left.
fn text_in(file: &str, (x0, y0): (f64, f64), (x1, y1): (f64, f64)) -> String {
    let pt = |mm: f64| format!("{:.0}", mm * 72.0 / 25.4);
    text("pdftotext", &["-layout", "-x", &pt(x0), "-y", &pt(y0), "-W", &pt(x1 - x0), "-H", &pt(y1 - y0), file, "-"])
}

fn pages(pdfinfo: &str) -> usize {
    pdfinfo.lines().find_map(|l| l.strip_prefix("Pages:")).and_then(|n| n.trim().parse().ok()).unwrap()
}

/// A binary PPM (P6) as width, height and RGB bytes.
fn ppm(bytes: &[u8]) -> (usize, usize, &[u8]) {
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(std::str::from_utf8(&bytes[start..at]).unwrap().to_owned());
    }
    assert_eq!((fields[0].as_str(), fields[3].as_str()), ("P6", "255"));
    let (w, h) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    (w, h, &bytes[at + 1..])
}

#[test]
fn the_face_reads_back_with_its_text_and_scale() {
    let font = font();
    let c = sample();
    let pdf = certificate_pdf(&c, &font).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "certificate.pdf", &pdf);
    // ONEMAP_PRINT_CERTIFICATE=/some/file.pdf keeps the sample for a person to look at.
    if let Some(keep) = std::env::var_os("ONEMAP_PRINT_CERTIFICATE") {
        std::fs::write(keep, &pdf).unwrap();
    }
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.len() < 300_000, "{} bytes", pdf.len());

    let out = text("pdftotext", &["-layout", &file, "-"]);
    for want in [
        "不动产权证书",
        "证书号：豫(2024)温县不动产权第0001234号",
        "李建国、王秀英",
        "410825001002GB00345F00050026",
        "温县温泉街道子夏大街188号锦绣花园5幢2单元602室",
        "国有建设用地使用权/房屋所有权",
        "宗地图",
        "登记日期：2024年3月5日",
        "温县不动产登记中心",
        "签章时间：2024-03-05 10:21:33",
        "SM2 签名 密钥 sm2-20261128-ab12cd34",
        "2000国家大地坐标系",
    ] {
        assert!(out.contains(want), "pdftotext has no {want:?}:\n{out}");
    }
    let flat = squeeze(&out);
    for want in ["证照标识：1.2.156.3005.2.11100000000013338W.410825.0001234.001.K", "房屋总层数18，所在层6。"]
    {
        assert!(flat.contains(want), "pdftotext has no {want:?}:\n{out}");
    }
    // The address under the QR code, in the bottom right corner.
    let corner = squeeze(&text_in(&file, (150.0, 200.0), (200.0, 290.0)));
    assert!(corner.contains(&c.verify_url), "{corner}");
    // The ratio is round, and the 20 m square drawn at it fits the 60 mm box without being lost
    // in it.
    let n: u64 = out
        .split("比例尺 1:")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no 比例尺 1:N in\n{out}"));
    let drawn_mm = 20.0 * 1000.0 / n as f64;
    assert!((20.0..=60.0).contains(&drawn_mm), "1:{n} draws 20 m as {drawn_mm} mm");
    let mantissa = n as f64 / 10f64.powi(n.ilog10() as i32);
    assert!([1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0].contains(&mantissa), "1:{n}");
    assert!(out.contains("北"), "the north arrow is labelled:\n{out}");

    let info = text("pdfinfo", &[&file]);
    assert_eq!(pages(&info), 1, "{info}");
    assert!(info.contains("(A4)"), "{info}");
    assert!(info.contains("不动产权证书 豫(2024)温县不动产权第0001234号"), "title:\n{info}");

    if Command::new("pdftoppm").arg("-v").output().is_err() {
        eprintln!("no pdftoppm: the pixels are not checked");
        return;
    }
    let raster = run("pdftoppm", &["-r", "72", "-singlefile", &file]);
    let (w, h, rgb) = ppm(&raster);
    assert!((594..=596).contains(&w) && (841..=843).contains(&h), "{w} × {h} pixels at 72 dpi is not A4");
    let px = |x: usize, y: usize| {
        let at = 3 * (y * w + x);
        (rgb[at], rgb[at + 1], rgb[at + 2])
    };
    let mm = |v: f64| (v * 72.0 / 25.4) as usize;
    let dark = |(r, g, b): (u8, u8, u8)| r < 100 && g < 100 && b < 100;
    let red = |(r, g, b): (u8, u8, u8)| r > 170 && g < 110 && b < 110;
    // The QR code: its symbol is 28 mm square at the bottom right, under the table (which ends above 200 mm).
    let region =
        |x0: f64, x1: f64, y0: f64, y1: f64| (mm(y0)..mm(y1)).flat_map(move |y| (mm(x0)..mm(x1)).map(move |x| (x, y)));
    let qr_dark: Vec<(usize, usize)> = region(156.0, 192.0, 205.0, 280.0).filter(|&(x, y)| dark(px(x, y))).collect();
    assert!(qr_dark.len() > 1500, "only {} dark pixels where the QR code is", qr_dark.len());
    // The finder pattern at its top left: a dark run of 7 modules (22 px) along its top edge.
    let (x0, y0) = *qr_dark.first().unwrap();
    let run_len = (x0..w).take_while(|&x| dark(px(x, y0 + 1))).count();
    assert!((19..=25).contains(&run_len), "finder edge of {run_len} px at {x0},{y0}");
    // The seal is red, between the plan and the QR code.
    let seal_red = region(85.0, 150.0, 205.0, 280.0).filter(|&(x, y)| red(px(x, y))).count();
    assert!(seal_red > 200, "only {seal_red} red pixels where the seal is");
    // And nothing else is.
    let elsewhere = region(10.0, 85.0, 10.0, 287.0).filter(|&(x, y)| red(px(x, y))).count();
    assert_eq!(elsewhere, 0);
}

#[test]
fn without_a_plan_and_with_long_entries_the_face_still_fits_one_page() {
    let font = font();
    let mut c = sample();
    c.plan = None;
    c.notes = "该房屋已办理抵押登记，抵押权人为中国建设银行股份有限公司温县支行。".repeat(8);
    c.holders = (1..=12).map(|i| format!("共有人{i}")).collect::<Vec<_>>().join("、");
    let pdf = certificate_pdf(&c, &font).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "long.pdf", &pdf);
    assert_eq!(pages(&text("pdfinfo", &[&file])), 1);
    let out = text("pdftotext", &["-layout", &file, "-"]);
    let flat = squeeze(&out.replace("权利其他状况", ""));
    assert!(flat.contains(&c.notes), "the notes wrap without loss:\n{out}");
    assert!(flat.contains("共有人12"), "{out}");
    assert!(out.contains("（无）") && !out.contains("比例尺"), "{out}");

    c.notes = c.notes.repeat(10);
    let err = certificate_pdf(&c, &font).unwrap_err();
    assert!(matches!(err, PrintError::Invalid(_)) && err.to_string().contains("one page"), "{err}");
}

#[test]
fn the_same_face_gives_the_same_bytes() {
    let font = font();
    assert_eq!(certificate_pdf(&sample(), &font).unwrap(), certificate_pdf(&sample(), &font.clone()).unwrap());
}

#[test]
fn a_bad_date_or_qr_code_or_point_is_refused() {
    let font = font();
    let mut c = sample();
    c.issued_on = "2024年3月5日".to_owned();
    assert!(matches!(certificate_pdf(&c, &font), Err(PrintError::Invalid(_))));
    let mut c = sample();
    c.qr.modules.pop();
    let err = certificate_pdf(&c, &font).unwrap_err();
    assert!(err.to_string().contains("624 modules"), "{err}");
    let mut c = sample();
    c.plan.as_mut().unwrap().polygons[0][0][1].0 = f64::NAN;
    assert!(matches!(certificate_pdf(&c, &font), Err(PrintError::Invalid(_))));
    let mut c = sample();
    c.seal_name = "温县\u{10FFFD}".to_owned();
    assert!(matches!(certificate_pdf(&c, &font), Err(PrintError::MissingGlyph { ch: '\u{10FFFD}', .. })));
}
