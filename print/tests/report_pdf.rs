//! Renders reports and reads them back with poppler (`pdftotext`, `pdfinfo`): the title, every
//! row across pages with the header repeated, the totals, landscape pages for wide tables, and
//! rows that do not match their columns refused.

use std::process::Command;

use onemap_print::{CjkFont, PrintError, Report, ReportColumn, Section, report_pdf};

fn font() -> CjkFont {
    CjkFont::load().expect("the tests need fonts-noto-cjk (scripts/install-deps.sh test)")
}

fn column(title: &str, numeric: bool) -> ReportColumn {
    ReportColumn { title: title.to_owned(), weight: if numeric { 1.0 } else { 3.0 }, numeric, nowrap: numeric }
}

/// A report of `rows` rows over `columns` columns (the first text, the rest numbers).
fn report(rows: usize, columns: usize) -> Report {
    let mut cols = vec![column("坐落", false)];
    cols.extend((1..columns).map(|i| column(&format!("金额{i}"), true)));
    let row = |n: usize| {
        let mut r = vec![format!("温泉街道老城社区第{n}号")];
        r.extend((1..columns).map(|i| format!("{},{:03}.{:02}", n, i, n % 100)));
        r
    };
    let mut total = vec!["合计".to_owned()];
    total.extend((1..columns).map(|i| format!("T{i}")));
    Report {
        title: "分户补偿明细表".into(),
        lines: vec!["征收项目：WX-ZS-2023-01".into()],
        sections: vec![Section {
            heading: "分户补偿明细".into(),
            columns: cols,
            rows: (1..=rows).map(row).collect(),
            totals: vec![total],
            empty: "（无记录）".into(),
        }],
    }
}

fn poppler(tool: &str, pdf: &[u8], args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out =
        Command::new(tool).args(args).arg(&path).args(if tool == "pdftotext" { &["-"][..] } else { &[][..] }).output();
    let out = out.unwrap_or_else(|e| panic!("{tool} (poppler-utils): {e}"));
    assert!(out.status.success(), "{tool}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_row_and_the_totals_print_over_pages_with_the_header_repeated() {
    let pdf = report_pdf(&report(120, 5), &font()).unwrap();
    let text = poppler("pdftotext", &pdf, &["-layout"]);
    assert!(text.contains("分户补偿明细表") && text.contains("T4"), "{text}");
    for n in [1, 60, 120] {
        assert!(text.contains(&format!("{n},004.{:02}", n % 100)), "row {n} in {text}");
    }
    let info = poppler("pdfinfo", &pdf, &[]);
    let pages: usize = info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap();
    assert!(pages >= 3, "{info}");
    assert_eq!(text.matches("金额4").count(), pages, "the header on every page");
    assert!(
        text.contains(&format!("第 {pages} 页 共 {pages} 页")) || text.contains(&format!("第{pages}页共{pages}页"))
    );
    assert!(info.contains("595.276 x 841.89"), "five columns: portrait A4: {info}");
}

#[test]
fn wide_tables_print_landscape_and_bad_rows_are_refused() {
    let pdf = report_pdf(&report(10, 14), &font()).unwrap();
    let info = poppler("pdfinfo", &pdf, &[]);
    assert!(info.contains("841.89 x 595.276"), "fourteen columns: landscape A4: {info}");
    let text = poppler("pdftotext", &pdf, &["-layout"]);
    // Numbers never wrap: each whole on its line.
    assert!(text.contains("10,013.10"), "{text}");

    let mut bad = report(3, 4);
    bad.sections[0].rows[1].pop();
    match report_pdf(&bad, &font()) {
        Err(PrintError::Invalid(m)) => assert!(m.contains("3 cells for 4 columns"), "{m}"),
        other => panic!("{:?}", other.map(|b| b.len())),
    }
}
