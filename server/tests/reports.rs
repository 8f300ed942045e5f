//! Reports (issue 18): each report as XLSX read back by openpyxl, its totals equal to what the
//! API (or the register) says; as PDF read back by pdftotext, with its title and totals; bad
//! parameters refused with problem bodies; each report only for its roles.

mod common;

use std::process::Command;

use common::{Demo, get_json, read_xlsx, token};
use serde_json::Value;

const P1: &str = "WX-ZS-2023-01";

/// `GET /api/reports/{name}?{query}` as `who`: status, content type, bytes.
async fn report(d: &Demo, who: &str, name: &str, query: &str) -> (u16, String, Vec<u8>) {
    let r = d.client.get(format!("{}/api/reports/{name}?{query}", d.base)).bearer_auth(who).send().await.unwrap();
    let status = r.status().as_u16();
    let kind = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (status, kind, r.bytes().await.unwrap().to_vec())
}

/// The workbook of a report that must succeed.
async fn book(d: &Demo, who: &str, name: &str, query: &str) -> Value {
    let (status, kind, bytes) = report(d, who, name, query).await;
    assert_eq!(status, 200, "{name}?{query}: {}", String::from_utf8_lossy(&bytes));
    assert!(kind.starts_with("application/vnd.openxmlformats"), "{kind}");
    read_xlsx(&bytes)
}

/// The text of a report's PDF, by pdftotext.
async fn pdf_text(d: &Demo, who: &str, name: &str, query: &str) -> String {
    let (status, kind, bytes) = report(d, who, name, &format!("{query}&format=pdf")).await;
    assert_eq!((status, kind.as_str()), (200, "application/pdf"), "{}", String::from_utf8_lossy(&bytes));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, &bytes).unwrap();
    let out = Command::new("pdftotext").arg("-layout").arg(&path).arg("-").output().expect("pdftotext (poppler-utils)");
    assert!(out.status.success(), "pdftotext: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// A sheet's rows (the heading first).
fn rows<'a>(book: &'a Value, sheet: &str) -> &'a Vec<Value> {
    book[sheet]["rows"].as_array().unwrap_or_else(|| panic!("no sheet {sheet} in {book}"))
}

/// The 合计 row of a sheet.
fn total<'a>(book: &'a Value, sheet: &str) -> &'a Vec<Value> {
    let last = rows(book, sheet).last().unwrap().as_array().unwrap();
    assert_eq!(last[0], "合计", "{sheet}: {last:?}");
    last
}

fn column(book: &Value, sheet: &str, heading: &str) -> usize {
    let head = rows(book, sheet)[0].as_array().unwrap();
    head.iter().position(|h| h == heading).unwrap_or_else(|| panic!("no column {heading} in {head:?}"))
}

fn amount(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.005
}

/// `1234567.5` as the PDF prints it: `1,234,567.50`.
fn printed(x: f64) -> String {
    let s = format!("{x:.2}");
    let (int, frac) = s.split_once('.').unwrap();
    let mut out = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    format!("{out}.{frac}")
}

#[tokio::test]
async fn relocation_reports_add_up_to_what_the_api_says() {
    let d = Demo::start().await;
    let officer = token(&d.client, &d.base, "officer").await;

    // The list names what the caller may run.
    let (status, list) = get_json(&d.client, format!("{}/api/reports", d.base), Some(&officer)).await;
    assert_eq!(status, 200);
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["project-progress", "fund-statement", "household-compensation"]);

    // 项目进度: one row per project with the counts of GET /api/projects, and their sum.
    let (_, projects) = get_json(&d.client, format!("{}/api/projects", d.base), Some(&officer)).await;
    let projects = projects.as_array().unwrap();
    let b = book(&d, &officer, "project-progress", "").await;
    assert_eq!(b["进度"]["frozen"], "A2");
    let data = &rows(&b, "进度")[1..rows(&b, "进度").len() - 1];
    assert_eq!(data.len(), projects.len());
    let units_col = column(&b, "进度", "补偿单元");
    for (row, p) in data.iter().zip(projects) {
        assert_eq!(row[0], p["code"]);
        assert_eq!(row[units_col].as_f64(), p["counts"]["units"].as_f64(), "{row}");
        for (heading, status) in [("已签约", "signed"), ("已支付", "paid"), ("已拆除", "demolished")] {
            assert_eq!(row[column(&b, "进度", heading)].as_f64(), p["counts"][status].as_f64(), "{heading}: {row}");
        }
    }
    let all_units: i64 = projects.iter().map(|p| p["counts"]["units"].as_i64().unwrap()).sum();
    assert_eq!(total(&b, "进度")[units_col].as_f64(), Some(all_units as f64));
    assert!(rows(&b, "阶段日期").len() > 1, "stage dates: {b}");
    let text = pdf_text(&d, &officer, "project-progress", "").await;
    assert!(text.contains("征收项目进度报表") && text.contains("合计"), "{text}");
    assert!(text.contains(&all_units.to_string()), "{text}");

    // 资金对账单: deposits, payments and the closing balance of GET /api/projects/{code}/funds.
    let (_, funds) = get_json(&d.client, format!("{}/api/projects/{P1}/funds", d.base), Some(&officer)).await;
    let b = book(&d, &officer, "fund-statement", &format!("project={P1}")).await;
    let t = total(&b, "对账单");
    let (deposited, paid) = (amount(&funds["deposited"]), amount(&funds["paid"]));
    assert!(close(amount(&t[column(&b, "对账单", "拨入（元）")]), deposited), "{t:?} vs {funds}");
    assert!(close(amount(&t[column(&b, "对账单", "支付（元）")]), paid), "{t:?} vs {funds}");
    assert!(close(amount(&t[column(&b, "对账单", "余额（元）")]), amount(&funds["balance"])), "{t:?}");
    // A period: opening + in − out = closing, each row's balance following from the last.
    let entries = &rows(&b, "对账单")[2..rows(&b, "对账单").len() - 1];
    let middle = entries[entries.len() / 2][0].as_str().unwrap()[..10].to_owned();
    let b = book(&d, &officer, "fund-statement", &format!("project={P1}&from={middle}")).await;
    let r = rows(&b, "对账单");
    let (bal, din, dout) =
        (column(&b, "对账单", "余额（元）"), column(&b, "对账单", "拨入（元）"), column(&b, "对账单", "支付（元）"));
    assert_eq!(r[1][column(&b, "对账单", "摘要")], "期初余额");
    let mut balance = amount(&r[1][bal]);
    for row in &r[2..r.len() - 1] {
        balance += row[din].as_f64().unwrap_or(0.0) - row[dout].as_f64().unwrap_or(0.0);
        assert!(close(balance, amount(&row[bal])), "{row}");
    }
    assert!(close(balance, amount(&funds["balance"])));
    let text = pdf_text(&d, &officer, "fund-statement", &format!("project={P1}")).await;
    assert!(text.contains("征收补偿专户资金对账单") && text.contains(&printed(paid)), "{text}");

    // 分户补偿明细: a row per unit of the project; what was paid adds up to the ledger's payments.
    let p1 = projects.iter().find(|p| p["code"] == P1).unwrap();
    let b = book(&d, &officer, "household-compensation", &format!("project={P1}")).await;
    assert_eq!(rows(&b, "分户明细").len() as i64 - 2, p1["counts"]["units"].as_i64().unwrap());
    let t = total(&b, "分户明细");
    assert!(close(amount(&t[column(&b, "分户明细", "已支付")]), paid), "{t:?} vs {funds}");
    let text = pdf_text(&d, &officer, "household-compensation", &format!("project={P1}")).await;
    assert!(text.contains("分户补偿明细表") && text.contains(&printed(paid)), "{text}");

    // Bad parameters.
    for (name, query, status, code) in [
        ("fund-statement", "", 400, "project_required"),
        ("fund-statement", "project=NO-SUCH", 404, "not_found"),
        ("project-progress", "format=docx", 400, "unsupported_format"),
        ("project-progress", "township=410825001", 400, "unused_parameter"),
        ("project-progress", "from=2026-02-30", 400, "invalid_query"),
        ("project-progress", "from=2026-03-01&to=2026-02-01", 422, "period_reversed"),
        ("project-progress", "colour=red", 400, "invalid_query"),
        ("no-such-report", "", 404, "not_found"),
    ] {
        let (got, kind, bytes) = report(&d, &officer, name, query).await;
        let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        assert_eq!((got, body["code"].as_str()), (status, Some(code)), "{name}?{query}: {kind} {body}");
    }
    // Only relocation roles: a clerk is refused, an appraiser too.
    let clerk = token(&d.client, &d.base, "clerk").await;
    let (got, _, _) = report(&d, &clerk, "household-compensation", &format!("project={P1}")).await;
    assert_eq!(got, 403);
}

#[tokio::test]
async fn registration_statistics_and_the_audit_extract() {
    let d = Demo::start().await;
    let clerk = token(&d.client, &d.base, "clerk").await;
    let auditor = token(&d.client, &d.base, "auditor").await;

    // Per township: the parcels add up to the OGC API's numberMatched, the certificates to
    // the register's.
    let (_, items) =
        get_json(&d.client, format!("{}/ogc/collections/parcels/items?limit=1&f=json", d.base), Some(&clerk)).await;
    let parcels = items["numberMatched"].as_i64().unwrap();
    let b = book(&d, &clerk, "registration-stats", "").await;
    assert_eq!(total(&b, "宗地")[column(&b, "宗地", "宗地数")].as_f64(), Some(parcels as f64));
    let valid: i64 = sqlx::query_scalar("SELECT count(*) FROM certificates WHERE status = 'valid'")
        .fetch_one(&d.pool)
        .await
        .unwrap();
    assert_eq!(total(&b, "证书")[column(&b, "证书", "现有有效证书")].as_f64(), Some(valid as f64));
    let rights: i64 = sqlx::query_scalar("SELECT count(*) FROM rights").fetch_one(&d.pool).await.unwrap();
    let t = total(&b, "权利");
    let by_status: f64 = ["现势", "历史", "注销"].iter().map(|h| amount(&t[column(&b, "权利", h)])).sum();
    assert_eq!(by_status, rights as f64);

    // One township: its parcels only.
    let (town, in_town): (String, i64) =
        sqlx::query_as("SELECT left(parcel_code, 9), count(*) FROM parcels GROUP BY 1 ORDER BY 2 DESC LIMIT 1")
            .fetch_one(&d.pool)
            .await
            .unwrap();
    let b = book(&d, &clerk, "registration-stats", &format!("township={town}")).await;
    assert_eq!(total(&b, "宗地")[column(&b, "宗地", "宗地数")].as_f64(), Some(in_town as f64));
    assert!(rows(&b, "宗地")[1..].iter().rev().skip(1).all(|r| r[0] == town.as_str()));
    let text = pdf_text(&d, &clerk, "registration-stats", &format!("township={town}")).await;
    assert!(text.contains("不动产登记统计表") && text.contains(&in_town.to_string()), "{text}");
    for (query, status, code) in [
        ("township=4108", 400, "malformed_township"),
        ("township=999999999", 404, "not_found"),
        ("project=WX-ZS-2023-01", 400, "unused_parameter"),
    ] {
        let (got, _, bytes) = report(&d, &clerk, "registration-stats", query).await;
        let body: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!((got, body["code"].as_str()), (status, Some(code)), "{query}: {body}");
    }

    // The audit extract of today: the rows the log holds for the day (the logins above).
    let today = chrono::Local::now().date_naive();
    let (got, _, bytes) = report(&d, &auditor, "audit-extract", "").await;
    assert_eq!(got, 400, "{}", String::from_utf8_lossy(&bytes));
    let b = book(&d, &auditor, "audit-extract", &format!("from={today}&to={today}")).await;
    let logged: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE at >= $1::date AND at < $1::date + 1")
        .bind(today)
        .fetch_one(&d.pool)
        .await
        .unwrap();
    let extracted = rows(&b, "审计日志").len() as i64 - 1;
    assert!(extracted >= 2 && extracted <= logged, "{extracted} of {logged}");
    let actors: Vec<&str> = rows(&b, "审计日志")[1..].iter().map(|r| r[2].as_str().unwrap()).collect();
    assert!(actors.contains(&"user:clerk") && actors.contains(&"user:auditor"), "{actors:?}");
    let text = pdf_text(&d, &auditor, "audit-extract", &format!("from={today}&to={today}")).await;
    assert!(text.contains("审计日志摘录") && text.contains("user:auditor"), "{text}");
    let (got, _, _) = report(&d, &clerk, "audit-extract", &format!("from={today}&to={today}")).await;
    assert_eq!(got, 403);
}
