//! Exports (issue 18): every format written with GDAL and read back by GDAL's own `ogrinfo`,
//! its feature count equal to the OGC API's `numberMatched` for the same filter; standard field
//! names; a GBK Shapefile read back; personal data masked by role as in the API; bad requests
//! refused; every export audited; a failed export marked failed, audited, and leaving no file.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Demo, get_json, token};
use serde_json::{Value, json};

/// `POST /api/exports` as `who`: (status, body).
async fn start(d: &Demo, who: &str, body: Value) -> (u16, Value) {
    let r = d.client.post(format!("{}/api/exports", d.base)).bearer_auth(who).json(&body).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

/// Waits for export `id` to finish and downloads its file into the test directory.
async fn finish(d: &Demo, who: &str, job: &Value) -> (Value, PathBuf) {
    let id = job["id"].as_str().unwrap();
    let started = Instant::now();
    let done = loop {
        let (status, j) = get_json(&d.client, format!("{}/api/exports/{id}", d.base), Some(who)).await;
        assert_eq!(status, 200, "{j}");
        match j["status"].as_str() {
            Some("done") => break j,
            Some("failed") => panic!("export failed: {j}"),
            _ => {}
        }
        assert!(started.elapsed() < Duration::from_secs(120), "export not done: {j}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let r = d.client.get(format!("{}/api/exports/{id}/file", d.base)).bearer_auth(who).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let disposition = r.headers()["content-disposition"].to_str().unwrap().to_owned();
    let name = done["file_name"].as_str().unwrap();
    assert!(disposition.contains("attachment") && disposition.contains(name), "{disposition}");
    let path = d.env.path().join(name);
    std::fs::write(&path, r.bytes().await.unwrap()).unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().len() as i64, done["size_bytes"].as_i64().unwrap());
    (done, path)
}

fn ogrinfo(args: &[&str]) -> String {
    let out = Command::new("ogrinfo").args(args).output().expect("ogrinfo (GDAL, installed by make test)");
    assert!(out.status.success(), "ogrinfo {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// What GDAL opens: the file, or the Shapefile inside the zip.
fn source(path: &Path) -> String {
    let p = path.to_str().unwrap();
    if p.ends_with(".zip") { format!("/vsizip/{p}") } else { p.to_owned() }
}

/// The feature count GDAL reads.
fn count(path: &Path) -> i64 {
    let out = ogrinfo(&["-ro", "-so", "-al", &source(path)]);
    out.lines().filter_map(|l| l.strip_prefix("Feature Count: ")).map(|n| n.trim().parse::<i64>().unwrap()).sum()
}

/// `numberMatched` of the OGC API for the same collection and filter, as `who`.
async fn matched(d: &Demo, who: &str, collection: &str, filter: &str) -> i64 {
    let url = format!(
        "{}/ogc/collections/{collection}/items?limit=1&f=json&filter={}",
        d.base,
        form_urlencoded::byte_serialize(filter.as_bytes()).collect::<String>()
    );
    let (status, v) = get_json(&d.client, url, Some(who)).await;
    assert_eq!(status, 200, "{v}");
    v["numberMatched"].as_i64().unwrap()
}

#[tokio::test]
async fn every_format_reads_back_with_gdal_and_counts_match_the_ogc_api() {
    let d = Demo::start_with(&[("ONEMAP_EXPORT_MAX_ROWS", "1500")]).await;
    let clerk = token(&d.client, &d.base, "clerk").await;
    let filter = "registered_area_m2 > 300";
    let expected = matched(&d, &clerk, "parcels", filter).await;
    assert!(expected > 10 && expected < 1500, "{expected} parcels match");
    for format in ["gpkg", "shp", "geojson", "csv", "xlsx", "dxf", "kml"] {
        let (status, job) = start(
            &d,
            &clerk,
            json!({"collection": "parcels", "format": format, "filter": filter, "crs": "EPSG:4547", "naming": "standard"}),
        )
        .await;
        assert_eq!(status, 202, "{format}: {job}");
        assert_eq!((job["status"].as_str(), job["progress_total"].as_i64()), (Some("queued"), Some(expected)), "{job}");
        let (done, path) = finish(&d, &clerk, &job).await;
        assert_eq!(done["progress_done"].as_i64(), Some(expected), "{format}: {done}");
        assert_eq!(count(&path), expected, "{format}: the features GDAL reads");
        if format == "gpkg" || format == "shp" {
            let info = ogrinfo(&["-ro", "-so", "-al", &source(&path)]);
            // Standard names, and the Gauss-Krüger zone asked for.
            assert!(info.contains("ZDDM:") && info.contains("ZL:") && info.contains("ZDMJ:"), "{info}");
            assert!(info.contains("CGCS2000 / 3-degree Gauss-Kruger CM 114E") || info.contains("4547"), "{info}");
        }
    }

    // Over the limit: a problem body, no job.
    let (status, v) = start(&d, &clerk, json!({"collection": "parcels", "format": "gpkg"})).await;
    assert_eq!((status, v["code"].as_str()), (422, Some("export_too_large")), "{v}");

    // Audited: the request and the finished export with its filter and row count.
    let rows: Vec<Value> = sqlx::query_scalar("SELECT details FROM audit_log WHERE action = 'export' ORDER BY id")
        .fetch_all(&d.pool)
        .await
        .unwrap();
    assert_eq!(rows.len(), 7);
    assert!(rows.iter().all(|r| r["rows"] == expected && r["filter"] == filter), "{rows:?}");
    // Nothing left half-written.
    let incoming = d.env.data_dir().join("files/.incoming");
    assert_eq!(std::fs::read_dir(&incoming).map(|r| r.count()).unwrap_or(0), 0, "staging left behind");
}

#[tokio::test]
async fn a_gbk_shapefile_reads_back_and_personal_data_are_masked_by_role() {
    let d = Demo::start().await;
    let (clerk, officer) = (token(&d.client, &d.base, "clerk").await, token(&d.client, &d.base, "officer").await);
    let appraiser = token(&d.client, &d.base, "appraiser1").await;

    // GBK: the .cpg says so, the .dbf holds GBK bytes, GDAL decodes them back.
    let (code, address): (String, String) =
        sqlx::query_as("SELECT parcel_code, address FROM parcels WHERE address ~ '[^\\x01-\\x7f]' ORDER BY id LIMIT 1")
            .fetch_one(&d.pool)
            .await
            .unwrap();
    let filter = format!("parcel_code = '{code}'");
    let (status, job) = start(
        &d,
        &clerk,
        json!({"collection": "parcels", "format": "shp", "filter": filter, "encoding": "GBK", "naming": "standard"}),
    )
    .await;
    assert_eq!(status, 202, "{job}");
    let (_, path) = finish(&d, &clerk, &job).await;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    let names: Vec<String> = zip.file_names().map(str::to_owned).collect();
    for ext in [".shp", ".shx", ".dbf", ".prj", ".cpg"] {
        assert!(names.iter().any(|n| n.ends_with(ext)), "{ext} in {names:?}");
    }
    let read = |zip: &mut zip::ZipArchive<std::fs::File>, ext: &str| {
        use std::io::Read;
        let name = names.iter().find(|n| n.ends_with(ext)).unwrap().clone();
        let mut bytes = Vec::new();
        zip.by_name(&name).unwrap().read_to_end(&mut bytes).unwrap();
        bytes
    };
    let cpg = String::from_utf8(read(&mut zip, ".cpg")).unwrap();
    assert!(cpg.contains("936"), "{cpg}");
    let (gbk, _, _) = encoding_rs::GBK.encode(&address);
    let dbf = read(&mut zip, ".dbf");
    assert!(dbf.windows(gbk.len()).any(|w| w == &gbk[..]), "the .dbf holds the address in GBK");
    let info = ogrinfo(&["-ro", "-al", "-q", &source(&path)]);
    assert!(info.contains(&format!("ZL (String) = {address}")), "{info}");

    // Masking as in the API: an appraiser sees ID numbers with their middle hidden where an
    // officer sees them whole (names are hidden from the public only), and only the projects
    // of their firm; each export's first feature equals the OGC API's for the same caller.
    let mut ids = Vec::new();
    for who in [&officer, &appraiser] {
        let (status, job) = start(&d, who, json!({"collection": "compensation_units", "format": "geojson"})).await;
        assert_eq!(status, 202, "{job}");
        let (_, path) = finish(&d, who, &job).await;
        let v: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let features = v["features"].as_array().unwrap().clone();
        assert_eq!(features.len() as i64, count(&path));
        assert_eq!(features.len() as i64, matched(&d, who, "compensation_units", "1 = 1").await);
        let first = &features[0]["properties"];
        let url = format!("{}/ogc/collections/compensation_units/items?limit=1&f=json", d.base);
        let (_, api) = get_json(&d.client, url, Some(who)).await;
        let api = &api["features"][0]["properties"];
        for key in ["code", "owner_name", "owner_id_number"] {
            assert_eq!(first[key], api[key], "{key}: export {first} vs API {api}");
        }
        ids.push(
            features
                .iter()
                .filter_map(|f| f["properties"]["owner_id_number"].as_str().map(str::to_owned))
                .collect::<Vec<_>>(),
        );
    }
    assert!(!ids[0].is_empty() && ids[0].iter().all(|n| !n.contains('*')), "{:?}", &ids[0][..3]);
    assert!(!ids[1].is_empty() && ids[1].iter().all(|n| n.contains('*')), "{:?}", &ids[1][..3]);
    assert!(ids[1].len() < ids[0].len(), "the appraiser exports only the projects of their firm");

    // Bad requests: problem bodies; no token, no export; someone else's export is not found.
    for (body, status, code) in [
        (json!({"collection": "nothing", "format": "gpkg"}), 404, "not_found"),
        (json!({"collection": "parcels", "format": "dwg"}), 400, "unsupported_format"),
        (json!({"collection": "parcels", "format": "gpkg", "filter": "area_m2 >"}), 400, "invalid_filter"),
        (json!({"collection": "parcels", "format": "gpkg", "crs": "EPSG:2000"}), 400, "invalid_parameter"),
        (json!({"collection": "parcels", "format": "shp", "encoding": "BIG5"}), 400, "invalid_encoding"),
        (json!({"collection": "parcels", "format": "gpkg", "naming": "pinyin"}), 400, "invalid_naming"),
    ] {
        let (s, v) = start(&d, &clerk, body.clone()).await;
        assert_eq!((s, v["code"].as_str()), (status, Some(code)), "{body}: {v}");
    }
    let r = d.client.post(format!("{}/api/exports", d.base)).json(&json!({"collection": "parcels", "format": "gpkg"}));
    assert_eq!(r.send().await.unwrap().status(), 401);
    let theirs = job["id"].as_str().unwrap();
    let (s, _) = get_json(&d.client, format!("{}/api/exports/{theirs}", d.base), Some(&officer)).await;
    assert_eq!(s, 404, "the clerk's export is not the officer's");
    let (s, list) = get_json(&d.client, format!("{}/api/exports", d.base), Some(&clerk)).await;
    assert_eq!((s, list.as_array().map(Vec::len)), (200, Some(1)), "{list}");

    // A job that fails (here its staging directory cannot be made: `.incoming` is a file) is
    // marked failed with its reason and audited, leaves no file, and its download is refused.
    let exports_dir = d.env.data_dir().join("files/exports");
    let files_before = std::fs::read_dir(&exports_dir).map(|r| r.count()).unwrap_or(0);
    let incoming = d.env.data_dir().join("files/.incoming");
    let _ = std::fs::remove_dir_all(&incoming);
    std::fs::write(&incoming, b"not a directory").unwrap();
    let (status, job) = start(&d, &clerk, json!({"collection": "parcels", "format": "gpkg"})).await;
    assert_eq!(status, 202, "{job}");
    let id = job["id"].as_str().unwrap();
    let started = Instant::now();
    let failed = loop {
        let (_, j) = get_json(&d.client, format!("{}/api/exports/{id}", d.base), Some(&clerk)).await;
        if j["status"] == "failed" {
            break j;
        }
        assert_ne!(j["status"], "done", "{j}");
        assert!(started.elapsed() < Duration::from_secs(60), "export not failed: {j}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(failed["error"].as_str().is_some_and(|e| !e.is_empty()) && failed["file_name"].is_null(), "{failed}");
    let (s, v) = get_json(&d.client, format!("{}/api/exports/{id}/file", d.base), Some(&clerk)).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("export_not_ready")), "{v}");
    let outcome: String = sqlx::query_scalar("SELECT outcome FROM audit_log WHERE action = 'export' AND target = $1")
        .bind(id)
        .fetch_one(&d.pool)
        .await
        .unwrap();
    assert_eq!(outcome, "failure");
    assert_eq!(std::fs::read_dir(&exports_dir).map(|r| r.count()).unwrap_or(0), files_before, "no file was placed");
    std::fs::remove_file(&incoming).unwrap();
}
