//! 权限 in Debian's headless Chromium (tests/ui/access.mjs): an officer narrowed to one project
//! applies for a second one on the access page (a request without a reason is refused with
//! its rule first), the director approves it in another session, the administrator's access
//! review shows the grant and who gave it, and the officer has the project at once. The
//! outcome is checked in the database.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::Demo;
use serde_json::{Value, json};

const P1: &str = "WX-ZS-2023-01";
const P2: &str = "WX-ZS-2025-02";

#[tokio::test]
async fn access_request_decided_and_reviewed_in_chromium() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dist = root.join("frontend/dist");
    assert!(dist.join("index.html").exists(), "the UI is not built: run scripts/build-frontend.sh (make test does)");
    let d = Demo::start_with(&[("ONEMAP_STATIC_DIR", dist.to_str().unwrap())]).await;
    d.env.ok(&["user", "grant", "officer", "--role", "officer", "--project", P1]);
    let until: String = sqlx::query_scalar("SELECT ((now() AT TIME ZONE 'Asia/Shanghai')::date + 30)::text")
        .fetch_one(&d.pool)
        .await
        .unwrap();

    let shots = root.join("tests/artifacts");
    std::fs::create_dir_all(&shots).unwrap();
    let out = Command::new("node")
        .arg(root.join("tests/ui/access.mjs"))
        .args([d.base.as_str(), P2, &until, shots.to_str().unwrap()])
        .output()
        .expect("node (make test installs the UI test tools)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let r: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    println!("ui access: {r}");
    assert!(r.get("failure").is_none(), "{r}");
    // The only refused request is the one without a reason (Chromium logs it once).
    assert_eq!(r["httpErrors"], json!(["422 POST /api/access-requests"]), "{r}");
    let errors = r["consoleErrors"].as_array().unwrap();
    assert!(errors.len() <= 1 && errors.iter().all(|e| e.as_str().unwrap().contains("422")), "{r}");
    assert_eq!(r["refusal"][0], "reason_required", "{r}");
    assert!(r["refusal"][1].as_str().unwrap().contains("申请理由"), "{r}");
    assert!(r["applied"].as_str().unwrap().contains("已提交"), "{r}");
    assert!(r["mine"].as_str().unwrap().contains(P2) && r["mine"].as_str().unwrap().contains(&until), "{r}");
    assert!(r["decided"].as_str().unwrap().contains("已批准"), "{r}");
    assert_eq!(r["directorSeesReview"], 0, "the review is for administrators and auditors: {r}");
    assert_eq!((r["review"]["role"].as_str(), r["review"]["state"].as_str()), (Some("officer"), Some("active")), "{r}");
    let projects = r["review"]["projects"].as_str().unwrap();
    assert!(projects.contains(P1) && projects.contains(P2) && projects.contains("user:director"), "{r}");
    assert!(r["holders"].as_i64().unwrap() >= 8, "every demo user at least: {r}");
    assert_eq!(r["approvedShown"], "已批准", "{r}");
    assert_eq!(r["projects"], json!([P1, P2]), "{r}");

    // In the database: the request approved by the director with the comment, the grant
    // with its end and its grantor.
    let (status, by, comment): (String, String, String) = sqlx::query_as(
        "SELECT status, decided_by, comment FROM access_requests r JOIN users u ON u.id = r.user_id WHERE u.username = 'officer'",
    )
    .fetch_one(&d.pool)
    .await
    .unwrap();
    assert_eq!((status.as_str(), by.as_str(), comment.as_str()), ("approved", "user:director", "同意，限期使用"));
    let (granted_by, last_day): (String, String) = sqlx::query_as(
        "SELECT g.granted_by, ((g.until AT TIME ZONE 'Asia/Shanghai')::date - 1)::text FROM user_projects g
         JOIN users u ON u.id = g.user_id JOIN relocation_projects p ON p.id = g.project_id
         WHERE u.username = 'officer' AND p.code = $1",
    )
    .bind(P2)
    .fetch_one(&d.pool)
    .await
    .unwrap();
    assert_eq!((granted_by.as_str(), last_day.as_str()), ("user:director", until.as_str()));
}
