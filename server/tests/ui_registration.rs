//! 注销登记 in Debian's headless Chromium (tests/ui/registration.mjs): a demolition recorded
//! through the API opens a case; the clerk approves it in the queue; the database then holds
//! the cancelled rights and certificates, and the certificate's verification page says so.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::{Demo, demolish, registered_house_to_demolish, token};
use serde_json::Value;

#[tokio::test]
async fn clerk_approves_a_cancellation_in_chromium() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dist = root.join("frontend/dist");
    assert!(dist.join("index.html").exists(), "the UI is not built: run scripts/build-frontend.sh (make test does)");
    let d = Demo::start_with(&[("ONEMAP_STATIC_DIR", dist.to_str().unwrap())]).await;
    let officer = token(&d.client, &d.base, "officer").await;
    let (unit, unit_code) = registered_house_to_demolish(&d).await;
    demolish(&d, &officer, &unit).await;

    let shots = root.join("tests/artifacts");
    std::fs::create_dir_all(&shots).unwrap();
    let out = Command::new("node")
        .arg(root.join("tests/ui/registration.mjs"))
        .args([d.base.as_str(), unit_code.as_str(), shots.to_str().unwrap()])
        .output()
        .expect("node (make test installs the UI test tools)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let r: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    println!("ui registration: {r}");
    assert!(r.get("failure").is_none(), "{r}");
    assert_eq!(r["httpErrors"], serde_json::json!([]), "{r}");
    assert_eq!(r["consoleErrors"], serde_json::json!([]), "{r}");

    assert!(r["caseText"].as_str().unwrap().contains(&unit), "the case names the compensation unit: {r}");
    assert!(!r["caseCertificates"].as_str().unwrap().is_empty(), "{r}");
    assert_eq!(r["notice"], "已准予注销：权利与证书已注销", "{r}");
    assert_eq!(r["countAfter"].as_i64(), r["countBefore"].as_i64().map(|n| n - 1), "{r}");
    assert_eq!(r["stillListed"], 0, "{r}");
    assert_eq!((r["verifyState"].as_str(), r["deskFaces"].as_i64()), (Some("cancelled"), Some(0)), "{r}");
    assert!(r["verifyText"].as_str().unwrap().contains("已注销"), "{r}");

    let (status, note, decided_by): (String, Option<String>, Option<String>) =
        sqlx::query_as("SELECT status, decision_note, decided_by FROM registration_cases WHERE unit_code = $1")
            .bind(&unit_code)
            .fetch_one(&d.pool)
            .await
            .unwrap();
    assert_eq!(
        (status.as_str(), note.as_deref(), decided_by.as_deref()),
        ("approved", Some("现场核实已拆除"), Some("user:clerk"))
    );
    let left: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM certificates ce JOIN rights r ON r.id = ce.right_id WHERE r.unit_code = $1 AND ce.status = 'valid'",
    )
    .bind(&unit_code)
    .fetch_one(&d.pool)
    .await
    .unwrap();
    assert_eq!(left, 0);
}
