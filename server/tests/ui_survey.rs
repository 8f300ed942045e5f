//! The surveyor's write flows in Debian's headless Chromium (tests/ui/survey.mjs): the upload
//! wizard from file to commit, vertex editing saved with If-Match, a stale edit's conflict, the
//! 历史 tab. The database is checked afterwards.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::Demo;
use serde_json::{Value, json};

#[tokio::test]
async fn upload_wizard_edit_and_history_in_chromium() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dist = root.join("frontend/dist");
    assert!(dist.join("index.html").exists(), "the UI is not built: run scripts/build-frontend.sh (make test does)");
    let d = Demo::start_with(&[("ONEMAP_STATIC_DIR", dist.to_str().unwrap())]).await;

    // The good file: ten parcels with a new address each (GeoJSON, the standard's names).
    let good: Value = sqlx::query_scalar(
        "SELECT json_build_object('type', 'FeatureCollection', 'features', json_agg(json_build_object('type', 'Feature',
            'geometry', ST_AsGeoJSON(geom, 12)::json,
            'properties', json_build_object('ZDDM', parcel_code, 'ZL', address || '(界面导入)', 'YT', land_use,
                                            'QLLX', right_type, 'QLXZ', right_nature)) ORDER BY id))
         FROM (SELECT * FROM parcels ORDER BY id LIMIT 10 OFFSET 20) p",
    )
    .fetch_one(&d.pool)
    .await
    .unwrap();
    // The bad file: the same plus a self-intersecting parcel.
    let mut bad = good.clone();
    let f0 = &good["features"][0]["geometry"]["coordinates"][0][0];
    let (x, y) = (f0[0][0].as_f64().unwrap(), f0[0][1].as_f64().unwrap());
    bad["features"].as_array_mut().unwrap().push(json!({"type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [[[x, y], [x + 0.0002, y + 0.0002], [x + 0.0002, y], [x, y + 0.0002], [x, y]]]},
        "properties": {"ZL": "自相交", "YT": "0701", "QLLX": "state_construction_land_use"}}));
    let dir = d.env.path().join("ui-files");
    std::fs::create_dir_all(&dir).unwrap();
    let (bad_path, good_path) = (dir.join("bad.geojson"), dir.join("good.geojson"));
    std::fs::write(&bad_path, bad.to_string()).unwrap();
    std::fs::write(&good_path, good.to_string()).unwrap();
    // A parcel to edit: the one with the fewest neighbours nearby (a small vertex move then
    // overlaps nothing).
    let (parcel, code, version, geom_before): (String, String, i32, String) = sqlx::query_as(
        "SELECT unit_code::text, parcel_code::text, version, ST_AsText(geom) FROM parcels p
         ORDER BY (SELECT count(*) FROM parcels q WHERE q.id <> p.id AND ST_DWithin(q.geom, p.geom, 0.00003)), id LIMIT 1",
    )
    .fetch_one(&d.pool)
    .await
    .unwrap();

    let shots = root.join("tests/artifacts");
    std::fs::create_dir_all(&shots).unwrap();
    let out = Command::new("node")
        .arg(root.join("tests/ui/survey.mjs"))
        .args([
            d.base.as_str(),
            bad_path.to_str().unwrap(),
            good_path.to_str().unwrap(),
            &parcel,
            shots.to_str().unwrap(),
        ])
        .output()
        .expect("node (make test installs the UI test tools)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let r: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    println!("ui survey: {r}");
    assert!(r.get("failure").is_none(), "{r}");
    // The only console error is Chromium logging the provoked 412 of the stale edit.
    let errors = r["consoleErrors"].as_array().unwrap();
    assert!(
        errors.iter().all(|e| e.as_str().unwrap().contains("412 (Precondition Failed)")) && errors.len() <= 1,
        "{r}"
    );

    // Wizard: detected, validated (progress full), issues listed, staged features shown,
    // commit blocked by the error; the issue moved the map.
    assert!(
        r["detected"].as_str().unwrap().contains("geojson") && r["detected"].as_str().unwrap().contains("EPSG"),
        "{r}"
    );
    assert_eq!(r["progress"], "100", "{r}");
    assert!(r["issueCodes"].as_array().unwrap().contains(&json!("geometry_invalid")), "{r}");
    assert_eq!(r["commitDisabled"], true, "{r}");
    assert_eq!(r["staged"], 11, "{r}");
    assert_eq!(r["issueMovedMap"], true, "{r}");
    assert!(r["goodCounts"].as_str().unwrap().contains("变更 10"), "{r}");
    assert!(r["mapping"].as_array().unwrap().contains(&json!("address")), "{r}");
    assert!(r["commitResult"].as_str().unwrap().contains("已更新 10"), "{r}");
    let imported: i64 = sqlx::query_scalar("SELECT count(*) FROM parcels WHERE address LIKE '%(界面导入)'")
        .fetch_one(&d.pool)
        .await
        .unwrap();
    assert_eq!(imported, 10);

    // Editing: saved with the new vertex; then the stale edit was refused with the conflict.
    assert_eq!(r["nudged"], true, "{r}");
    assert_eq!(r["savedEtag"], format!("\"v{}\"", version + 1), "{r}");
    assert_eq!(r["otherEditStatus"], 204, "{r}");
    assert!(r["conflictMessage"].as_str().unwrap().contains("冲突"), "{r}");
    let (address, version_now, moved): (String, i32, bool) = sqlx::query_as(
        "SELECT address, version, NOT ST_Equals(geom, ST_GeomFromText($2, 4490)) FROM parcels WHERE parcel_code = $1",
    )
    .bind(&code)
    .bind(&geom_before)
    .fetch_one(&d.pool)
    .await
    .unwrap();
    assert!(moved, "the saved edit moved a vertex");
    assert_eq!(address, "温县并发修改路8号", "the other edit stands; the stale one changed nothing");
    assert_eq!(version_now, version + 2, "two writes: the UI's save and the other edit");
    // 历史: the versions listed and an earlier one drawn.
    assert!(r["versions"].as_i64().unwrap() >= 3, "{r}");
    assert_eq!(r["pastShown"], true, "{r}");
    for shot in
        ["ui-upload-issues.png", "ui-upload-ready.png", "ui-edit-vertex.png", "ui-edit-conflict.png", "ui-history.png"]
    {
        assert!(std::fs::metadata(shots.join(shot)).unwrap().len() > 10_000, "{shot}");
    }
}
