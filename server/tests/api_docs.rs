//! The `/api` OpenAPI 3.1 document and its docs page, and schemathesis over the document:
//! requests generated from it, anonymous and as the demo officer; no 5xx, and every answer
//! (status, content type, body) must match what the document says — so the document and the
//! server's JSON (the `onemap-api` types) cannot drift apart.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::{Demo, token};
use serde_json::Value;

fn schemathesis() -> PathBuf {
    common::venv_bin("schemathesis")
}

#[tokio::test]
async fn openapi_document_docs_page_and_schemathesis() {
    let dist = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../frontend/dist");
    let d = Demo::start_with(&[("ONEMAP_STATIC_DIR", dist.to_str().unwrap())]).await;

    let officer = token(&d.client, &d.base, "officer").await;
    for bearer in [None, Some(officer.as_str())] {
        let mut cmd = Command::new(schemathesis());
        cmd.args(["run", &format!("{}/api/openapi.json", d.base)])
            .args([
                "--checks",
                "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
            ])
            // Logging out would end the officer's session half-way through the run.
            .args(["--exclude-path", "/api/auth/logout"])
            .args(["--max-examples", "25", "--seed", "20261128", "--workers", "1", "--no-color"]);
        if let Some(t) = bearer {
            cmd.args(["-H", &format!("Authorization: Bearer {t}")]);
        }
        let out = cmd.output().expect("run schemathesis");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let cases = stdout.lines().find(|l| l.contains(" generated, ")).unwrap_or_default().trim().to_owned();
        assert!(
            out.status.success() && cases.contains(" passed") && !cases.contains("failed"),
            "schemathesis ({}):\n{stdout}\n{}",
            if bearer.is_some() { "officer" } else { "anonymous" },
            String::from_utf8_lossy(&out.stderr)
        );
        println!("schemathesis /api ({}): {cases}", if bearer.is_some() { "officer" } else { "anonymous" });
    }

    let r = d.client.get(format!("{}/api/openapi.json", d.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let doc: Value = r.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/units/{code}", "get"),
        ("/api/identify", "get"),
        ("/api/search", "get"),
        ("/api/projects/{code}/units", "get"),
        ("/api/auth/login", "post"),
        ("/api/codes/allocate", "post"),
        ("/api/audit", "get"),
    ] {
        assert!(paths.get(path).is_some_and(|p| p[method].is_object()), "{method} {path} missing from the document");
    }
    // Access rules come from the routes: the audit log needs a login, the search does not.
    assert!(paths["/api/audit"]["get"]["security"].is_array());
    assert!(paths["/api/search"]["get"]["security"].is_null());
    assert!(paths["/api/audit"]["get"]["description"].as_str().unwrap().contains("auditor,admin"));

    // The interactive page: Swagger UI from the vendored copy, no inline script, no CDN.
    let page = d.client.get(format!("{}/api/docs", d.base)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("/vendor/swagger-ui/swagger-ui-bundle.js"), "{page}");
    assert!(!page.contains("<script>") && !page.contains("http"), "{page}");
    for file in ["swagger-ui-bundle.js", "swagger-ui.css", "onemap-docs.js"] {
        let r = d.client.get(format!("{}/vendor/swagger-ui/{file}", d.base)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{file} (scripts/build-frontend.sh vendors it; make test builds the UI first)");
    }

    // Swagger UI really runs, under the page's Content-Security-Policy: headless Chromium
    // renders the operations from the document (make test installs Debian's chromium).
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new("chromium")
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(["--virtual-time-budget=10000", "--dump-dom", &format!("{}/api/docs", d.base)])
        .output()
        .expect("run chromium");
    let dom = String::from_utf8_lossy(&out.stdout);
    for path in ["/api/units/{code}", "/api/audit", "/api/auth/login"] {
        assert!(dom.contains(&format!("data-path=\"{path}\"")), "Swagger UI did not render {path}:\n{dom:.2000}");
    }
}
