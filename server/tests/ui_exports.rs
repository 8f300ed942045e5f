//! 导出 in Debian's headless Chromium (tests/ui/exports.mjs): the clerk exports filtered
//! parcels as a GeoPackage from the panel, sees the progress bar finish and downloads the file;
//! the job's row and GDAL's reading of the file agree with the OGC API's count.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::{Demo, get_json, token};
use serde_json::Value;

#[tokio::test]
async fn clerk_exports_parcels_in_chromium() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dist = root.join("frontend/dist");
    assert!(dist.join("index.html").exists(), "the UI is not built: run scripts/build-frontend.sh (make test does)");
    let d = Demo::start_with(&[("ONEMAP_STATIC_DIR", dist.to_str().unwrap())]).await;
    let clerk = token(&d.client, &d.base, "clerk").await;
    let filter = "registered_area_m2 > 400";
    let url = format!(
        "{}/ogc/collections/parcels/items?limit=1&f=json&filter={}",
        d.base,
        form_urlencoded::byte_serialize(filter.as_bytes()).collect::<String>()
    );
    let (_, items) = get_json(&d.client, url, Some(&clerk)).await;
    let matched = items["numberMatched"].as_i64().unwrap();

    let shots = root.join("tests/artifacts");
    std::fs::create_dir_all(&shots).unwrap();
    let out = Command::new("node")
        .arg(root.join("tests/ui/exports.mjs"))
        .args([d.base.as_str(), filter, shots.to_str().unwrap()])
        .output()
        .expect("node (make test installs the UI test tools)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let r: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    println!("ui exports: {r}");
    assert!(r.get("failure").is_none(), "{r}");
    assert_eq!(r["httpErrors"], serde_json::json!([]), "{r}");
    assert_eq!(r["consoleErrors"], serde_json::json!([]), "{r}");
    assert_eq!((r["status"].as_str(), r["progress"].as_str()), (Some("done"), Some("100")), "{r}");
    assert_eq!(r["counts"], format!("{matched} / {matched}"), "{r}");
    assert!(r["crs"].as_str().unwrap().starts_with("EPSG:45"), "the county's Gauss-Krüger zone: {r}");
    let download = &r["download"];
    assert_eq!((download["status"].as_i64(), download["magic"].as_str()), (Some(200), Some("SQLite format 3")), "{r}");

    // The job as recorded, and the file as GDAL reads it.
    let (path, rows, crs, naming): (String, i64, String, String) = sqlx::query_as(
        "SELECT file_path, progress_done, crs, naming FROM exports WHERE requested_by = 'user:clerk' AND status = 'done'",
    )
    .fetch_one(&d.pool)
    .await
    .unwrap();
    assert_eq!((rows, crs.as_str(), naming.as_str()), (matched, r["crs"].as_str().unwrap(), "standard"));
    let file = d.env.data_dir().join("files").join(path);
    assert_eq!(std::fs::metadata(&file).unwrap().len() as i64, download["length"].as_i64().unwrap());
    let info = Command::new("ogrinfo").args(["-ro", "-so", "-al"]).arg(&file).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains(&format!("Feature Count: {matched}")) && info.contains("ZDDM:"), "{info}");
}
