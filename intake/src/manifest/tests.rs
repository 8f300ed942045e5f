use super::*;

fn codes(row: &ManifestRow) -> Vec<&'static str> {
    row.problems.iter().map(|p| p.code).collect()
}

const CHINESE: &str = "文件名,补偿单元编号,档案类别,题名,文件日期\r\n\
    协议/XY-0003.pdf,WX-001-0007,补偿协议,张三丰房屋补偿协议,2025-03-05\r\n\
    评估/张三丰.pdf,WX-001-0007,评估报告,张三丰房屋评估报告,2025/3/4\r\n\
    照片\\现场1.jpg,XY-2025-0003,现场照片,现场照片一,20250301\r\n";

#[test]
fn gbk_manifest_with_chinese_headers() {
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(CHINESE);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&gbk).is_err(), "the test bytes must really be GBK");
    let m = parse_manifest(&gbk).unwrap();
    assert_eq!(m.encoding, "GBK");
    assert_eq!(m.rows.len(), 3);
    let r = &m.rows[0];
    assert_eq!((r.line, r.file.as_str(), r.unit_or_agreement.as_deref()), (2, "协议/XY-0003.pdf", Some("WX-001-0007")));
    assert_eq!(r.category.unwrap().id, "agreement");
    assert_eq!(r.title, "张三丰房屋补偿协议");
    assert_eq!(r.date, NaiveDate::from_ymd_opt(2025, 3, 5));
    assert!(r.problems.is_empty());
    assert_eq!(m.rows[1].date, NaiveDate::from_ymd_opt(2025, 3, 4));
    assert_eq!(m.rows[1].category.unwrap().code, "PG");
    assert_eq!(m.rows[2].file, "照片/现场1.jpg");
    assert_eq!(m.rows[2].unit_or_agreement.as_deref(), Some("XY-2025-0003"));
    assert_eq!(m.rows[2].date, NaiveDate::from_ymd_opt(2025, 3, 1));
    assert_eq!(m.rows[2].line, 4);
    assert!(m.ignored_columns.is_empty());
}

#[test]
fn utf8_bom_manifest_with_english_headers() {
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(
        "File, Unit ,Category,Title,Date,Remarks\n\
         a.pdf,WX-001-0001,agreement,\"Agreement, signed\",2025-01-02,x\n\
         \n\
         b.pdf,,SP,\"Two\nlines\",,\n\
         c.pdf,,审批文件,Third,,\n"
            .as_bytes(),
    );
    let m = parse_manifest(&bytes).unwrap();
    assert_eq!(m.encoding, "UTF-8");
    assert_eq!(m.ignored_columns, vec!["Remarks".to_owned()]);
    assert_eq!(m.rows.len(), 3);
    assert_eq!(m.rows[0].title, "Agreement, signed");
    assert_eq!(m.rows[0].category.unwrap().code, "XY");
    // The blank line 3 is skipped; the quoted field spans lines 4–5.
    let b = &m.rows[1];
    assert_eq!((b.line, b.title.as_str(), b.unit_or_agreement.as_deref(), b.date), (4, "Two\nlines", None, None));
    assert_eq!(b.category.unwrap().id, "approval");
    assert_eq!(m.rows[2].line, 6);
    assert!(m.rows.iter().all(|r| r.problems.is_empty()));
}

#[test]
fn plain_utf8_and_utf16_tab_separated() {
    let m = parse_manifest("文件,题名\nx.pdf,上级文件一\n".as_bytes()).unwrap();
    assert_eq!((m.encoding, m.rows[0].title.as_str(), m.rows[0].category), ("UTF-8", "上级文件一", None));
    let text = "文件名\t题名\t类别\r\nx.pdf\t甲\t其他\r\n";
    let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    let m = parse_manifest(&utf16).unwrap();
    assert_eq!(m.encoding, "UTF-16LE");
    assert_eq!((m.rows[0].file.as_str(), m.rows[0].title.as_str()), ("x.pdf", "甲"));
    assert_eq!(m.rows[0].category.unwrap().code, "QT");
}

#[test]
fn row_problems_are_collected() {
    let text = "file,title,category,date\n\
        ,no file,,\n\
        ../etc/passwd,up,,\n\
        /abs/a.pdf,abs,,\n\
        C:\\x\\a.pdf,drive,,\n\
        ok.pdf,,合同,2025-02-30\n\
        ok.pdf,again,XY,2025-13-01\n\
        fine.pdf,Fine,xy,2025.12.31\n";
    let m = parse_manifest(text.as_bytes()).unwrap();
    let got: Vec<(usize, Vec<&str>)> = m.rows.iter().map(|r| (r.line, codes(r))).collect();
    assert_eq!(
        got,
        vec![
            (2, vec!["missing_file"]),
            (3, vec!["unsafe_path"]),
            (4, vec!["unsafe_path"]),
            (5, vec!["unsafe_path"]),
            (6, vec!["unknown_category", "empty_title", "bad_date"]),
            (7, vec!["duplicate_file", "bad_date"]),
            (8, vec![]),
        ]
    );
    assert_eq!(m.rows[4].problems[0].message_zh, "未知的档案类别“合同”");
    assert!(m.rows[5].problems[0].message_en.contains("line 6"));
    assert_eq!(m.rows[6].date, NaiveDate::from_ymd_opt(2025, 12, 31));
}

#[test]
fn fatal_errors() {
    assert_eq!(parse_manifest(b"").unwrap_err(), ManifestError::Empty);
    assert_eq!(parse_manifest(b"file,title\n\n,\n").unwrap_err().code(), "empty_manifest");
    assert_eq!(
        parse_manifest("文件名,类别\na.pdf,XY\n".as_bytes()).unwrap_err(),
        ManifestError::MissingColumn("title")
    );
    assert_eq!(parse_manifest(b"title,date\nx,2025-01-01\n").unwrap_err(), ManifestError::MissingColumn("file"));
    assert_eq!(parse_manifest("file,文件名,title\na,b,c\n".as_bytes()).unwrap_err().code(), "duplicate_column");
    // 0xFF is neither GBK nor UTF-8.
    assert_eq!(parse_manifest(b"file,title\n\xFF.pdf,x\n").unwrap_err(), ManifestError::Encoding);
}

#[test]
fn dates() {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
    assert_eq!(parse_date("2025-03-05"), d(2025, 3, 5));
    assert_eq!(parse_date("2025/3/5"), d(2025, 3, 5));
    assert_eq!(parse_date("20250305"), d(2025, 3, 5));
    assert_eq!(parse_date("2025年3月5日"), d(2025, 3, 5));
    assert_eq!(parse_date(" 2025.03.05 "), d(2025, 3, 5));
    for bad in ["2025-3", "25-03-05", "2025-02-30", "2025/03/05/01", "2025-0a-01", "2025305", "昨天", "+2025-01-01"] {
        assert_eq!(parse_date(bad), None, "{bad}");
    }
}
