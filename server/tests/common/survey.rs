//! Helpers of the survey import tests: files written by GDAL from the demo database, zips,
//! uploads and waiting for validation.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

/// Runs ogr2ogr with `args`, reading from the demo database with `sql` (PostGIS SQL).
pub fn ogr2ogr(url: &str, out: &Path, format: &str, sql: &str, extra: &[&str]) {
    let pg = format!("PG:{}", url.replace("postgres://", "postgresql://"));
    let status = Command::new("ogr2ogr")
        .args(["-f", format])
        .arg(out)
        .arg(pg)
        .args(["-sql", sql])
        .args(extra)
        .output()
        .expect("ogr2ogr runs");
    assert!(status.status.success(), "ogr2ogr {format}: {}", String::from_utf8_lossy(&status.stderr));
}

/// A zip of `files` (name, bytes).
pub fn zip(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in files {
            z.start_file(*name, opts).unwrap();
            z.write_all(bytes).unwrap();
        }
        z.finish().unwrap();
    }
    out.into_inner()
}

/// Every file in `dir` whose name starts with `stem`, for zipping a Shapefile.
pub fn shapefile_parts(dir: &Path, stem: &str) -> Vec<(String, Vec<u8>)> {
    let mut parts: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_stem().is_some_and(|s| s == stem))
        .map(|p: PathBuf| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    parts.sort();
    parts
}

pub fn zip_parts(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let refs: Vec<(&str, Vec<u8>)> = parts.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    zip(&refs)
}

/// POST /api/imports: status and JSON body.
pub async fn upload(client: &reqwest::Client, base: &str, token: &str, query: &str, body: Vec<u8>) -> (u16, Value) {
    let r = client
        .post(format!("{base}/api/imports?{query}"))
        .bearer_auth(token)
        .header("content-type", "application/octet-stream")
        .body(body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

/// Waits until the import leaves `validating`; returns it.
pub async fn settled(client: &reqwest::Client, base: &str, token: &str, id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let v: Value = client
            .get(format!("{base}/api/imports/{id}"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if v["status"] != "validating" {
            return v;
        }
        assert!(Instant::now() < deadline, "import {id} still validating: {v}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Uploads and waits: the settled import.
pub async fn import(client: &reqwest::Client, base: &str, token: &str, query: &str, body: Vec<u8>) -> Value {
    let (status, v) = upload(client, base, token, query, body).await;
    assert_eq!(status, 201, "upload {query}: {v}");
    settled(client, base, token, v["id"].as_str().unwrap()).await
}

pub async fn commit(client: &reqwest::Client, base: &str, token: &str, id: &str) -> (u16, Value) {
    let r = client.post(format!("{base}/api/imports/{id}/commit")).bearer_auth(token).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

/// The rule codes of an import's issues.
pub fn codes(import: &Value) -> Vec<String> {
    let mut c: Vec<String> =
        import["issues"].as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap().to_owned()).collect();
    c.sort();
    c.dedup();
    c
}
