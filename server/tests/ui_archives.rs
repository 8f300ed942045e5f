//! Photos and archive in Debian's headless Chromium (tests/ui/archives.mjs): photos chosen in
//! the file input, linked by their EXIF position, the unmatched one dragged onto a unit; a Word
//! document filed and found by its Chinese text; the completeness report with its missing items
//! in red, a click opening the unit. What the UI did is checked in the database.

mod common;

use std::path::PathBuf;
use std::process::Command;

use chrono::{FixedOffset, TimeZone};
use common::{Demo, docx};
use serde_json::Value;

const PROJECT: &str = "WX-ZS-2025-02";

#[tokio::test]
async fn photos_and_archive_in_chromium() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dist = root.join("frontend/dist");
    assert!(dist.join("index.html").exists(), "the UI is not built: run scripts/build-frontend.sh (make test does)");
    let d = Demo::start_with(&[("ONEMAP_STATIC_DIR", dist.to_str().unwrap())]).await;
    let (unit, lon, lat): (String, f64, f64) = sqlx::query_as(
        "SELECT c.code, ST_X(ST_PointOnSurface(c.geom)), ST_Y(ST_PointOnSurface(c.geom))
         FROM compensation_units c JOIN relocation_projects r ON r.id = c.project_id
         WHERE r.code = $1 AND c.geom IS NOT NULL ORDER BY c.code LIMIT 1",
    )
    .bind(PROJECT)
    .fetch_one(&d.pool)
    .await
    .unwrap();
    // A unit whose survey photos are not on file (unlinked here): the check must list it.
    let bare: String = sqlx::query_scalar(
        "SELECT c.code FROM compensation_units c JOIN relocation_projects r ON r.id = c.project_id
         WHERE r.code = $1 ORDER BY c.code DESC LIMIT 1",
    )
    .bind(PROJECT)
    .fetch_one(&d.pool)
    .await
    .unwrap();
    sqlx::query("UPDATE photos SET compensation_unit_id = NULL WHERE compensation_unit_id = (SELECT id FROM compensation_units WHERE code = $1)")
        .bind(&bare)
        .execute(&d.pool)
        .await
        .unwrap();
    let taken = FixedOffset::east_opt(8 * 3600).unwrap().with_ymd_and_hms(2025, 6, 3, 9, 0, 0).unwrap();
    let dir = d.env.path().join("upload");
    std::fs::create_dir_all(&dir).unwrap();
    let inside = dir.join("inside.jpg");
    let far = dir.join("far.jpg");
    let report = dir.join("report.docx");
    std::fs::write(&inside, onemap_demo::media::photo_jpeg(77, lon, lat, taken, 200.0).unwrap()).unwrap();
    std::fs::write(&far, onemap_demo::media::photo_jpeg(78, lon + 0.02, lat + 0.02, taken, 20.0).unwrap()).unwrap();
    std::fs::write(&report, docx("分户评估报告：被征收人欧阳春华。")).unwrap();

    let shots = root.join("tests/artifacts");
    std::fs::create_dir_all(&shots).unwrap();
    let out = Command::new("node")
        .arg(root.join("tests/ui/archives.mjs"))
        .args([d.base.as_str(), PROJECT])
        .args([&inside, &far, &report])
        .args([unit.as_str(), shots.to_str().unwrap()])
        .output()
        .expect("node (make test installs the UI test tools)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let r: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    println!("ui archives: {r}");
    assert!(r.get("failure").is_none(), "{r}");
    assert_eq!(r["httpErrors"], serde_json::json!([]), "{r}");
    assert_eq!(r["consoleErrors"], serde_json::json!([]), "{r}");

    // The photos: one inside the unit, one unmatched, then dragged onto it.
    assert_eq!(r["progressSeen"], true, "{r}");
    assert_eq!(r["photoRows"][0], serde_json::json!(["inside.jpg", unit, "inside"]), "{r}");
    assert_eq!(r["photoRows"][1], serde_json::json!(["far.jpg", "", ""]), "{r}");
    assert_eq!(r["queueAfterDrop"].as_i64(), r["queueAfterUpload"].as_i64().map(|n| n - 1), "{r}");
    let (linked, method): (Option<String>, Option<String>) = sqlx::query_as(
        "SELECT c.code, ph.link_method FROM photos ph LEFT JOIN compensation_units c ON c.id = ph.compensation_unit_id WHERE ph.photo_no = $1",
    )
    .bind(r["farNo"].as_str().unwrap())
    .fetch_one(&d.pool)
    .await
    .unwrap();
    assert_eq!((linked.as_deref(), method.as_deref()), (Some(unit.as_str()), Some("manual")));

    // The document, found by the owner's name in its text.
    let filed = r["filed"].as_str().unwrap();
    assert!(filed.starts_with(&format!("{PROJECT}-PG-")), "{r}");
    assert_eq!(r["hits"][0][0], filed, "{r}");
    let (category, doc_unit): (String, Option<String>) = sqlx::query_as(
        "SELECT d.category, c.code FROM archive_documents d LEFT JOIN compensation_units c ON c.id = d.compensation_unit_id
         WHERE d.archive_no = $1",
    )
    .bind(filed)
    .fetch_one(&d.pool)
    .await
    .unwrap();
    assert_eq!((category.as_str(), doc_unit.as_deref()), ("appraisal_report", Some(unit.as_str())));

    // The completeness report: units with missing items, in red; a click opened the first.
    let incomplete = r["incomplete"].as_array().unwrap();
    let listed = incomplete.iter().find(|u| u[0] == bare.as_str()).unwrap_or_else(|| panic!("{bare} not listed: {r}"));
    assert!(listed[1].as_array().unwrap().iter().any(|m| m[0] == "survey_photo"), "{r}");
    for u in incomplete {
        for m in u[1].as_array().unwrap() {
            assert_eq!(m[1], "rgb(198, 40, 40)", "{r}");
        }
    }
    assert_eq!(r["opened"], incomplete[0][0], "{r}");
    assert_eq!(
        r["xlsx"],
        serde_json::json!({"status": 200, "type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "zip": true, "text": "导出 XLSX"}),
        "{r}"
    );
    for shot in ["ui-archives-photos.png", "ui-archives-check.png"] {
        assert!(std::fs::metadata(shots.join(shot)).unwrap().len() > 10_000, "{shot}");
    }
}
