//! The restore drill: the demo county, writes through the API (a document uploaded, a
//! certificate signed), a backup, the data directory destroyed, the backup verified and
//! restored — then the same rows in every table, an intact audit chain, every file with its
//! hash, and the server serving the same unit. Also: restoring over data is refused, a damaged
//! backup fails verification, and a second backup stores only what changed.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{Demo, Server, docx, get_json, token};
use sha2::Digest;

const PROJECT: &str = "WX-ZS-2025-02";

/// Every file under `dir` (dot-directories left out) with its SHA-256.
fn hashes(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().map(Result::unwrap) {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.insert(rel, hex::encode(sha2::Sha256::digest(std::fs::read(e.path()).unwrap())));
            }
        }
    }
    out
}

async fn counts(pool: &sqlx::PgPool) -> BTreeMap<String, i64> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut out = BTreeMap::new();
    for t in tables {
        // Table names from the catalog, quoted.
        let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM public.\"{t}\"")).fetch_one(pool).await.unwrap();
        out.insert(t, n);
    }
    out
}

fn backup_id(stdout: &str) -> String {
    stdout.split_whitespace().nth(1).expect("`backup <id> in …`").to_owned()
}

#[tokio::test]
async fn restore_drill() {
    let mut d = Demo::start().await;
    let officer = token(&d.client, &d.base, "officer").await;
    let clerk = token(&d.client, &d.base, "clerk").await;

    // Writes through the API: a document (a row and a file), a certificate signed on first
    // need (rows and its printed face).
    let form = reqwest::multipart::Form::new()
        .text("project", PROJECT)
        .text("category", "评估报告")
        .text("title", "分户评估报告（备份演练）")
        .part("file", reqwest::multipart::Part::bytes(docx("备份演练：评估报告。")).file_name("drill.docx"));
    let r =
        d.client.post(format!("{}/api/archives", d.base)).bearer_auth(&officer).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let identifier: String =
        sqlx::query_scalar("SELECT identifier FROM certificates ORDER BY id LIMIT 1").fetch_one(&d.pool).await.unwrap();
    let pdf =
        d.client.get(format!("{}/api/certificates/{identifier}/pdf", d.base)).bearer_auth(&clerk).send().await.unwrap();
    assert_eq!(pdf.status(), 200);
    let unit: String =
        sqlx::query_scalar("SELECT unit_code FROM parcels ORDER BY id LIMIT 1").fetch_one(&d.pool).await.unwrap();
    let (status, before_unit) = get_json(&d.client, format!("{}/api/units/{unit}", d.base), Some(&clerk)).await;
    assert_eq!(status, 200);
    d.server.terminate();

    // The backup, outside the data directory.
    let backups = d.env.path().join("backups");
    let out = d.env.ok(&["backup", "create", "--to", backups.to_str().unwrap()]);
    let id = backup_id(&out);
    let listed = d.env.ok(&["backup", "list", "--from", backups.to_str().unwrap()]);
    assert!(listed.starts_with(&id), "{listed}");
    let rows_before = counts(&d.pool).await;
    let files_before = hashes(&d.env.data_dir().join("files"));
    assert!(files_before.keys().any(|p| p.starts_with("certificates/")), "the signed face is a file");
    assert!(files_before.len() > 10, "the demo's photos and documents: {}", files_before.len());
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(backups.join(&id).join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["files"].as_array().unwrap().len(), files_before.len());
    assert_eq!(manifest["tables"]["parcels"], rows_before["parcels"]);
    assert!(manifest["files"].as_array().unwrap().iter().all(|f| !f["path"].as_str().unwrap().starts_with("keys/")));

    // A second backup with nothing changed adds no file to the store.
    let second = d.env.ok(&["backup", "create", "--to", backups.to_str().unwrap()]);
    assert!(second.contains("(0 B new"), "{second}");

    // Verified in a scratch cluster.
    let verified = d.env.ok(&["backup", "verify", &id, "--from", backups.to_str().unwrap()]);
    assert!(verified.contains("audit chain intact"), "{verified}");

    // Restoring over a data directory that holds data is refused.
    let refused = d.env.run(&["backup", "restore", &id, "--from", backups.to_str().unwrap()]);
    common::assert_one_error_line(&refused, "not empty");

    // The data directory destroyed (the signing keys kept aside: not in this backup).
    d.pool.close().await;
    d.env.ok(&["db", "stop"]);
    let keys = d.env.path().join("keys-kept");
    std::fs::rename(d.env.data_dir().join("keys"), &keys).unwrap();
    std::fs::remove_dir_all(d.env.data_dir()).unwrap();
    std::fs::create_dir_all(d.env.data_dir()).unwrap();
    std::fs::rename(&keys, d.env.data_dir().join("keys")).unwrap();

    let restored = d.env.ok(&["backup", "restore", &id, "--from", backups.to_str().unwrap()]);
    assert!(restored.contains("restored"), "{restored}");
    let verdict = d.env.ok(&["audit", "verify"]);
    assert!(verdict.contains("audit log intact"), "{verdict}");
    let pool = d.env.pool().await;
    assert_eq!(counts(&pool).await, rows_before, "every table has its rows");
    assert_eq!(hashes(&d.env.data_dir().join("files")), files_before, "every file with its hash");

    // The server on the restored data serves the same unit and the document's file.
    let server = Server::start(&d.env).await;
    let clerk = token(&d.client, &server.base, "clerk").await;
    let (_, after_unit) = get_json(&d.client, format!("{}/api/units/{unit}", server.base), Some(&clerk)).await;
    assert_eq!(after_unit, before_unit);
    let verify = d.client.get(format!("{}/verify/{identifier}", server.base)).send().await.unwrap();
    assert_eq!(verify.status(), 200, "the signed certificate still verifies");

    // A damaged backup fails verification: one stored file changed.
    let entry = &manifest["files"][0];
    let sha = entry["sha256"].as_str().unwrap();
    let object = backups.join("objects").join(&sha[..2]).join(&sha[2..]);
    let mut bytes = std::fs::read(&object).unwrap();
    bytes[0] ^= 1;
    std::fs::write(&object, bytes).unwrap();
    let damaged = d.env.run(&["backup", "verify", &id, "--from", backups.to_str().unwrap()]);
    common::assert_one_error_line(&damaged, "backup damaged");
}
