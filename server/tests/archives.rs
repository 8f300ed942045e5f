//! Archive documents through the API on the demo county: numbered uploads judged by content,
//! full-text search in Chinese over titles, Word text and the PDF the workflow prints, the
//! batch import with a GBK manifest (dry run, all-or-nothing), refusals, downloads with their
//! disposition, and the completeness report against the database.

mod common;

use std::io::Write;

use common::{Demo, docx, outsider_appraiser, read_xlsx, set_signing_period, token};
use serde_json::{Value, json};

const PROJECT: &str = "WX-ZS-2025-02";

async fn file(d: &Demo, t: &str, bytes: Vec<u8>, name: &str, fields: &[(&str, &str)]) -> (u16, Value) {
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    form = form.part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()));
    let r = d.client.post(format!("{}/api/archives", d.base)).bearer_auth(t).multipart(form).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

async fn search(d: &Demo, t: &str, query: &str) -> Value {
    let r = d.client.get(format!("{}/api/archives?{query}", d.base)).bearer_auth(t).send().await.unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

fn numbers(page: &Value) -> Vec<String> {
    page["documents"].as_array().unwrap().iter().map(|d| d["archive_no"].as_str().unwrap().to_owned()).collect()
}

async fn batch(d: &Demo, t: &str, query: &str, zip: Vec<u8>) -> (u16, Value) {
    let r = d
        .client
        .post(format!("{}/api/archives/batch?{query}", d.base))
        .bearer_auth(t)
        .header("content-type", "application/zip")
        .body(zip)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        zip.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[tokio::test]
async fn archives_numbered_searched_and_checked() {
    let d = Demo::start().await;
    let officer = token(&d.client, &d.base, "officer").await;
    let units: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT c.code, c.agreement_no FROM compensation_units c JOIN relocation_projects r ON r.id = c.project_id
         WHERE r.code = $1 ORDER BY c.agreement_no IS NULL, c.code",
    )
    .bind(PROJECT)
    .fetch_all(&d.pool)
    .await
    .unwrap();
    let (signed, agreement) = (units[0].0.clone(), units[0].1.clone().expect("a signed unit"));

    // One document: a Word file with Chinese text, its category given in Chinese, its unit by
    // the agreement number.
    let (status, doc) = file(
        &d,
        &officer,
        docx("房屋征收分户评估报告：被征收人欧阳春华，建筑面积八十六平方米。"),
        "report.docx",
        &[
            ("project", PROJECT),
            ("unit", &agreement),
            ("category", "评估报告"),
            ("title", "分户评估报告"),
            ("document_date", "2025-05-20"),
        ],
    )
    .await;
    assert_eq!(status, 201, "{doc}");
    let number = doc["archive_no"].as_str().unwrap().to_owned();
    assert!(number.starts_with(&format!("{PROJECT}-PG-")) && number.len() == PROJECT.len() + 8, "{number}");
    assert_eq!((doc["unit"].as_str(), doc["category"].as_str()), (Some(signed.as_str()), Some("appraisal_report")));
    assert_eq!(doc["mime_type"], "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    // Ten at once: ten distinct numbers.
    let uploads = (0..10).map(|i| {
        let (d, t) = (&d, &officer);
        async move {
            let text = format!("Scan number {i}");
            file(
                d,
                t,
                b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec(),
                "scan.pdf",
                &[("project", PROJECT), ("category", "approval"), ("title", &text)],
            )
            .await
        }
    });
    let mut seen = std::collections::HashSet::new();
    for (status, doc) in futures_util::future::join_all(uploads).await {
        assert_eq!(status, 201, "{doc}");
        assert!(seen.insert(doc["archive_no"].as_str().unwrap().to_owned()));
    }

    // Search: by the text (a name, a phrase), by the title, ranked title first, by number.
    let hits = search(&d, &officer, "q=欧阳春华").await;
    assert_eq!(numbers(&hits), std::slice::from_ref(&number), "{hits}");
    assert!(hits["documents"][0]["excerpt"].as_str().unwrap().contains("欧阳春华"), "{hits}");
    assert_eq!(numbers(&search(&d, &officer, "q=评估报告&category=appraisal_report").await).first(), Some(&number));
    assert_eq!(
        numbers(&search(&d, &officer, &format!("q={number}")).await).first(),
        Some(&number),
        "the number itself first"
    );
    assert!(search(&d, &officer, "q=征收拆迁不存在的词语").await["total"] == 0);
    // A title naming the owner outranks a text that mentions her, whatever the dates.
    let (status, titled) = file(
        &d,
        &officer,
        docx("协议正文。"),
        "agreement.docx",
        &[
            ("project", PROJECT),
            ("category", "agreement"),
            ("title", "欧阳春华补偿协议"),
            ("document_date", "2020-01-02"),
        ],
    )
    .await;
    assert_eq!(status, 201, "{titled}");
    let hits = search(&d, &officer, "q=欧阳春华").await;
    assert_eq!(numbers(&hits), [titled["archive_no"].as_str().unwrap(), number.as_str()], "{hits}");
    assert_eq!((hits["documents"][0]["rank"].as_f64(), hits["documents"][1]["rank"].as_f64()), (Some(1.0), Some(0.0)));

    // The workflow's agreement PDF (Noto Sans CJK through krilla) is found by the owner's name.
    let (yesterday, in_30): (String, String) =
        sqlx::query_as("SELECT (current_date - 1)::text, (current_date + 30)::text").fetch_one(&d.pool).await.unwrap();
    set_signing_period(&d, &officer, PROJECT, &yesterday, &in_30).await;
    let (unit, owner): (String, String) = sqlx::query_as(
        "SELECT c.code, h.name FROM compensation_units c JOIN relocation_projects p ON p.id = c.project_id
         JOIN right_holders h ON h.id = c.owner_id
         WHERE p.code = $1 AND c.status = 'appraised' AND c.appraisal_review = 'accepted' AND c.legality = 'legal'
           AND c.agreement_no IS NULL AND c.decision_no IS NULL ORDER BY c.code LIMIT 1",
    )
    .bind(PROJECT)
    .fetch_one(&d.pool)
    .await
    .unwrap();
    let got =
        d.client.get(format!("{}/api/compensation-units/{unit}", d.base)).bearer_auth(&officer).send().await.unwrap();
    let tag = got.headers()["etag"].to_str().unwrap().to_owned();
    let r = d
        .client
        .post(format!("{}/api/compensation-units/{unit}/agreement", d.base))
        .bearer_auth(&officer)
        .header("if-match", tag)
        .json(&json!({"mode": "monetary", "moving_fee": 1000, "move_out_deadline": in_30}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let filed: String = sqlx::query_scalar("SELECT agreement_archive_no FROM compensation_units WHERE code = $1")
        .bind(&unit)
        .fetch_one(&d.pool)
        .await
        .unwrap();
    assert!(filed.starts_with(&format!("{PROJECT}-XY-")), "{filed}");
    let hits = search(&d, &officer, &format!("q={owner}&project={PROJECT}")).await;
    assert!(numbers(&hits).contains(&filed), "{owner}: {hits}");

    // Only in the caller's projects: an appraiser of a firm the project did not appoint.
    let outsider = outsider_appraiser(&d, PROJECT).await;
    assert_eq!(search(&d, &outsider, "q=欧阳春华").await["total"], 0);

    // Refusals by content, whatever the name; nothing stored.
    let before: i64 = sqlx::query_scalar("SELECT count(*) FROM archive_documents").fetch_one(&d.pool).await.unwrap();
    for (bytes, name, code, status) in [
        (b"<!DOCTYPE html><html><script>x()</script></html>".to_vec(), "scan.pdf", "refused_content", 415),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(), "scan.png", "refused_content", 415),
        (zip_of(&[("a.txt", b"x")]), "docs.zip", "not_a_document", 415),
    ] {
        let (s, r) = file(&d, &officer, bytes, name, &[("project", PROJECT), ("title", "x")]).await;
        assert_eq!((s, r["code"].as_str()), (status, Some(code)), "{name}: {r}");
    }
    let (s, r) =
        file(&d, &officer, docx("x"), "a.docx", &[("project", PROJECT), ("unit", "NO-SUCH"), ("title", "x")]).await;
    assert_eq!((s, r["code"].as_str()), (422, Some("unknown_unit")), "{r}");
    let after: i64 = sqlx::query_scalar("SELECT count(*) FROM archive_documents").fetch_one(&d.pool).await.unwrap();
    assert_eq!(before, after);

    // Downloads: the Word file as an attachment, the PDF inline, never sniffed.
    let r =
        d.client.get(format!("{}{}", d.base, doc["url"].as_str().unwrap())).bearer_auth(&officer).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");

    // The batch: a GBK manifest; a dry run stores nothing; a bad line rejects everything.
    let manifest = format!(
        "文件,补偿单元,类别,标题,日期\nscans/合同扫描.pdf,{agreement},补偿协议,补偿协议扫描件,2025/06/01\n凭证.jpg,{signed},支付凭证,支付凭证,20250602\n"
    );
    let (gbk, _, _) = encoding_rs::GBK.encode(&manifest);
    let jpeg = {
        let px = vec![128u8; 32 * 32 * 3];
        let mut out = Vec::new();
        jpeg_encoder::Encoder::new(&mut out, 80).encode(&px, 32, 32, jpeg_encoder::ColorType::Rgb).unwrap();
        out
    };
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    let good = zip_of(&[("manifest.csv", &gbk), ("scans/合同扫描.pdf", &pdf), ("凭证.jpg", &jpeg)]);
    let (s, r) = batch(&d, &officer, &format!("project={PROJECT}&dry_run=true"), good.clone()).await;
    assert_eq!((s, r["stored"].as_bool(), r["encoding"].as_str()), (200, Some(false), Some("GBK")), "{r}");
    assert_eq!(r["rows"].as_array().unwrap().len(), 2, "{r}");
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM archive_documents").fetch_one(&d.pool).await.unwrap()
    };
    assert_eq!(count().await, after);
    let bad_manifest = format!("{manifest}missing.pdf,NO-SUCH-UNIT,其他,不存在,2025-06-03\n");
    let (bad_gbk, _, _) = encoding_rs::GBK.encode(&bad_manifest);
    let bad = zip_of(&[("manifest.csv", &bad_gbk), ("scans/合同扫描.pdf", &pdf), ("凭证.jpg", &jpeg)]);
    let (s, r) = batch(&d, &officer, &format!("project={PROJECT}"), bad).await;
    assert_eq!((s, r["code"].as_str()), (422, Some("batch_rejected")), "{r}");
    let issues: Vec<&str> = r["issues"].as_array().unwrap().iter().map(|i| i["message"].as_str().unwrap()).collect();
    assert!(issues.iter().all(|m| m.starts_with("第 4 行")) && issues.len() == 2, "{r}");
    assert_eq!(count().await, after);
    let slip = zip_of(&[("manifest.csv", &gbk), ("../../evil.pdf", &pdf)]);
    let (s, r) = batch(&d, &officer, &format!("project={PROJECT}"), slip).await;
    assert_eq!((s, r["code"].as_str()), (422, Some("zip_unsafe_path")), "{r}");
    let (s, r) = batch(&d, &officer, &format!("project={PROJECT}"), good).await;
    assert_eq!((s, r["stored"].as_bool()), (201, Some(true)), "{r}");
    let filed: Vec<(String, Option<String>, String)> = sqlx::query_as(
        "SELECT d.category, c.code, d.mime_type FROM archive_documents d LEFT JOIN compensation_units c ON c.id = d.compensation_unit_id
         WHERE d.archive_no = ANY($1) ORDER BY d.archive_no",
    )
    .bind(r["rows"].as_array().unwrap().iter().map(|x| x["archive_no"].as_str().unwrap().to_owned()).collect::<Vec<_>>())
    .fetch_all(&d.pool)
    .await
    .unwrap();
    assert_eq!(
        filed,
        [
            ("agreement".to_owned(), Some(signed.clone()), "application/pdf".to_owned()),
            ("payment".to_owned(), Some(signed.clone()), "image/jpeg".to_owned())
        ]
    );

    // Completeness: the report against the database, unit by unit. The demo's archive is
    // complete; a second signed unit loses its agreement's file.
    let lost = sqlx::query(
        "DELETE FROM archive_documents WHERE category IN ('agreement', 'decision')
           AND compensation_unit_id = (SELECT id FROM compensation_units WHERE code = $1)",
    )
    .bind(&units[1].0)
    .execute(&d.pool)
    .await
    .unwrap();
    assert!(lost.rows_affected() > 0, "{} had its agreement on file", units[1].0);
    let report: Value = d
        .client
        .get(format!("{}/api/projects/{PROJECT}/archive-check", d.base))
        .bearer_auth(&officer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let total: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM compensation_units c JOIN relocation_projects r ON r.id = c.project_id WHERE r.code = $1",
    )
    .bind(PROJECT)
    .fetch_one(&d.pool)
    .await
    .unwrap();
    assert_eq!(report["units"].as_i64(), Some(total));
    let missing = |code: &str| -> Vec<String> {
        report["incomplete"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["unit"] == code)
            .map(|u| serde_json::from_value(u["missing"].clone()).unwrap())
            .unwrap_or_default()
    };
    // Units that are signed (or later) without an agreement or decision on file, by SQL.
    let unfiled: Vec<String> = sqlx::query_scalar(
        "SELECT c.code FROM compensation_units c JOIN relocation_projects r ON r.id = c.project_id
         WHERE r.code = $1 AND c.status IN ('signed', 'paid', 'demolished') AND c.legality <> 'illegal'
           AND NOT EXISTS (SELECT 1 FROM archive_documents d WHERE d.compensation_unit_id = c.id AND d.category IN ('agreement', 'decision'))
         ORDER BY c.code",
    )
    .bind(PROJECT)
    .fetch_all(&d.pool)
    .await
    .unwrap();
    let reported: Vec<String> = report["incomplete"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["missing"].as_array().unwrap().iter().any(|m| m == "agreement"))
        .map(|u| u["unit"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(reported, unfiled);
    assert!(unfiled.contains(&units[1].0), "{unfiled:?}");
    assert!(
        !missing(&signed).contains(&"agreement".to_owned())
            && !missing(&signed).contains(&"appraisal_report".to_owned())
    );
    let unlinked: Vec<String> = serde_json::from_value(report["unlinked_documents"].clone()).unwrap();
    assert!(unlinked.len() >= 10 && seen.iter().all(|n| unlinked.contains(n)), "{report}");

    // The same report as a workbook, read back by openpyxl: the counts, a row per incomplete
    // unit with 缺 under each missing item, the unlinked documents.
    let url = format!("{}/api/projects/{PROJECT}/archive-check?format=xlsx", d.base);
    let got = d.client.get(&url).bearer_auth(&officer).send().await.unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(got.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert!(got.headers()["content-disposition"].to_str().unwrap().contains("filename*=UTF-8''%E6%A1%A3%E6%A1%88"));
    let book = read_xlsx(&got.bytes().await.unwrap());
    let summary = &book["汇总"]["rows"];
    assert_eq!(summary[2], json!(["补偿单元", report["units"]]), "{book}");
    assert_eq!(summary[4][1].as_f64(), Some(report["incomplete"].as_array().unwrap().len() as f64));
    let rows = book["缺项单元"]["rows"].as_array().unwrap();
    assert_eq!(book["缺项单元"]["frozen"], "A2");
    assert_eq!(rows[0].as_array().unwrap()[..3], [json!("补偿单元编号"), json!("状态"), json!("调查照片")]);
    assert_eq!(rows.len() - 1, report["incomplete"].as_array().unwrap().len());
    let agreement_col = rows[0].as_array().unwrap().iter().position(|h| h == "补偿协议或决定").unwrap();
    let marked: Vec<String> =
        rows[1..].iter().filter(|r| r[agreement_col] == "缺").map(|r| r[0].as_str().unwrap().to_owned()).collect();
    assert_eq!(marked, unfiled);
    let filed: Vec<&str> =
        book["未关联档案"]["rows"].as_array().unwrap()[1..].iter().map(|r| r[0].as_str().unwrap()).collect();
    assert_eq!(filed, unlinked.iter().map(String::as_str).collect::<Vec<_>>());
    let bad = d.client.get(format!("{url}x")).bearer_auth(&officer).send().await.unwrap();
    assert_eq!(bad.status(), 400);
}
