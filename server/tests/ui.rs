//! The web UI in Debian's headless Chromium, driven by playwright-core (tests/ui/smoke.mjs):
//! no console errors, the map paints, clicking a known parcel shows its unit code, searching a
//! unit code flies to it and opens its panel, the deep link `/#unit=` restores a unit on a
//! phone-sized screen, the English switch. `make test` builds the UI first
//! (scripts/build-frontend.sh); screenshots are kept in tests/artifacts/.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::Demo;
use serde_json::Value;

#[tokio::test]
async fn map_identify_search_and_deep_link_in_chromium() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dist = root.join("frontend/dist");
    assert!(dist.join("index.html").exists(), "the UI is not built: run scripts/build-frontend.sh (make test does)");
    let d = Demo::start_with(&[("ONEMAP_STATIC_DIR", dist.to_str().unwrap())]).await;

    // A point inside the first building of the first parcel, and that parcel's unit code.
    let (lon, lat, parcel): (f64, f64, String) = sqlx::query_as(
        "SELECT ST_X(pt), ST_Y(pt), p.unit_code::text FROM parcels p
         CROSS JOIN LATERAL (SELECT ST_PointOnSurface(b.geom) AS pt FROM buildings b WHERE b.parcel_id = p.id ORDER BY b.id LIMIT 1) b
         ORDER BY p.id LIMIT 1",
    )
    .fetch_one(&d.pool)
    .await
    .unwrap();
    // A house unit in a relocation project, with registered holders.
    let (relocated, status): (String, String) = sqlx::query_as(
        "SELECT h.unit_code::text, c.status FROM compensation_units c JOIN house_units h ON h.id = c.house_unit_id
         WHERE EXISTS (SELECT 1 FROM rights r JOIN right_parties rp ON rp.right_id = r.id WHERE r.house_unit_id = h.id)
         ORDER BY c.id LIMIT 1",
    )
    .fetch_one(&d.pool)
    .await
    .unwrap();
    // Demo users for the login form: all eight with the demo password; one whose password was
    // changed (or who is disabled) is no longer listed.
    let demo: Value =
        d.client.get(format!("{}/api/auth/demo-users", d.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!((demo["users"].as_array().unwrap().len(), demo["password"].as_str()), (8, Some(common::DEMO_PASSWORD)));
    sqlx::query(
        "UPDATE users SET password_changed_at = password_changed_at + interval '1 day' WHERE username = 'surveyor'",
    )
    .execute(&d.pool)
    .await
    .unwrap();
    let demo: Value =
        d.client.get(format!("{}/api/auth/demo-users", d.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(demo["users"].as_array().unwrap().len(), 7);
    assert!(demo["users"].as_array().unwrap().iter().all(|u| u["username"] != "surveyor"));
    let shots = root.join("tests/artifacts");
    std::fs::create_dir_all(&shots).unwrap();
    let out = Command::new("node")
        .arg(root.join("tests/ui/smoke.mjs"))
        .args([&d.base, &lon.to_string(), &lat.to_string(), &parcel, shots.to_str().unwrap(), &relocated])
        .output()
        .expect("node (make test installs the UI test tools)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let r: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    println!("ui: {r}");

    assert_eq!(r["consoleErrors"], serde_json::json!([]), "{r}");
    let clicked = r["clickedCode"].as_str().unwrap();
    assert!(clicked.starts_with(&parcel[..19]) && clicked.len() == 28, "{r}");
    assert_eq!(r["panelShowsParcel"], true, "{r}");
    assert_eq!(r["searchedCode"].as_str(), Some(clicked), "{r}");
    assert_eq!(r["hash"].as_str(), Some(format!("#unit={clicked}").as_str()));
    assert!(r["zoomAfterSearch"].as_f64().unwrap() > 15.0, "{r}");
    assert_eq!(r["deepLinkCode"].as_str(), Some(parcel.as_str()));
    assert_eq!(r["englishTitle"], "Parcel");
    assert!(r["firstMapIdleMs"].as_f64().unwrap() < 15_000.0, "{r}");
    // Cursor read-out: the county's Gauss-Krüger zone (EPSG:4526, X northing, Y easting), as PROJ
    // computes it for the shown longitude/latitude.
    let cursor = r["cursorText"].as_str().unwrap();
    let nums: Vec<f64> =
        cursor.split(|c: char| !(c.is_ascii_digit() || c == '.')).filter_map(|t| t.parse().ok()).collect();
    let (shown_lon, shown_lat, x, y) = (nums[0], nums[1], nums[2], nums[3]);
    assert!(cursor.contains("EPSG:4526"), "{cursor}");
    let (px, py): (f64, f64) = sqlx::query_as(
        "SELECT ST_Y(t), ST_X(t) FROM (SELECT ST_Transform(ST_SetSRID(ST_Point($1, $2), 4490), 4526) AS t) q",
    )
    .bind(shown_lon)
    .bind(shown_lat)
    .fetch_one(&d.pool)
    .await
    .unwrap();
    assert!((x - px).abs() < 0.2 && (y - py).abs() < 0.2, "{cursor} vs PROJ X {px} Y {py}");
    assert!((shown_lon - lon).abs() < 1e-4 && (shown_lat - lat).abs() < 1e-4, "{cursor}");

    // Measuring in metres, in the projected CRS: as PostGIS measures the same points in EPSG:4526.
    let pts: Vec<(f64, f64)> = r["measureLonLat"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap()))
        .collect();
    let wkt = |ps: &[(f64, f64)]| ps.iter().map(|(a, b)| format!("{a} {b}")).collect::<Vec<_>>().join(",");
    let (dist, area): (f64, f64) = sqlx::query_as(&format!(
        "SELECT ST_Length(ST_Transform(ST_GeomFromText('LINESTRING({})', 4490), 4526)),
                ST_Area(ST_Transform(ST_GeomFromText('POLYGON(({},{} {}))', 4490), 4526))",
        wkt(&pts[..2]),
        wkt(&pts),
        pts[0].0,
        pts[0].1
    ))
    .fetch_one(&d.pool)
    .await
    .unwrap();
    let first_number =
        |s: &str| -> f64 { s.split(|c: char| !(c.is_ascii_digit() || c == '.')).find_map(|t| t.parse().ok()).unwrap() };
    let shown_dist = first_number(r["distanceText"].as_str().unwrap());
    let shown_area = first_number(r["areaText"].as_str().unwrap());
    assert!(r["distanceText"].as_str().unwrap().ends_with(" m") && (shown_dist - dist).abs() < 0.02, "{r} vs {dist}");
    assert!((shown_area - area).abs() < 0.05, "{r} vs {area}");
    assert!(dist > 10.0 && area > 100.0, "{dist} {area}");
    assert_eq!(r["panelAfterMeasure"], 0, "measuring clicks do not identify: {r}");
    let vis = r["parcelsVisibility"].as_array().unwrap();
    assert!(!vis.is_empty() && vis.iter().all(|v| v == "none"), "{r}");

    assert_eq!(r["demoUsers"], 7, "{r}");
    // The public: names masked (张*三), no relocation tabs; the officer: full names, 征迁 tab.
    let public = r["publicHolders"].as_str().unwrap();
    assert!(public.contains('*'), "{r}");
    assert_eq!(r["publicTabs"].as_array().unwrap().len(), 2, "{r}");
    let officer = r["officerHolders"].as_str().unwrap();
    assert!(
        !officer.is_empty() && !officer.split('；').next().unwrap().split(' ').next().unwrap().contains('*'),
        "{r}"
    );
    assert_eq!(r["officerTabs"][2], "征迁", "{r}");
    // Certificates: the public verifies but sees no face; the officer opens the signed PDF and
    // the verification page (valid).
    assert_eq!(r["publicCertificates"]["faces"], 0, "{r}");
    assert!(r["publicCertificates"]["verify"].as_i64().unwrap() > 0, "{r}");
    let c = &r["certificate"];
    assert_eq!(
        (c["status"].as_i64(), c["type"].as_str(), c["pdf"].as_str()),
        (Some(200), Some("application/pdf"), Some("%PDF-")),
        "{r}"
    );
    assert_eq!((c["label"].as_str(), c["verifyTitle"].as_str()), (Some("证书"), Some("不动产电子证照核验")), "{r}");
    assert!(matches!(c["verifyState"].as_str(), Some("valid" | "cancelled")), "{r}");
    // The status by its Chinese name (已签约, not signed).
    let status_zh = onemap_api::relocation::status(&status).map_or(status.as_str(), |s| s.name_zh);
    assert!(r["relocationText"].as_str().unwrap().contains(status_zh), "{r}");
    assert!(r["photos"].as_i64().unwrap() > 0 && r["photoCaption"].as_str().unwrap().starts_with("20"), "{r}");
    assert!(r["documents"].as_i64().unwrap() > 0 && r["documentStatus"] == 200, "{r}");
    assert!(r["lightboxCaption"].as_str().unwrap().starts_with(r["photoCaption"].as_str().unwrap()), "{r}");
    // The project view: counts by status and the table equal the database's; sorting by total
    // (descending) puts the largest first.
    let project = r["project"].as_str().unwrap();
    let by_status: Vec<(String, i64)> = sqlx::query_as(
        "SELECT c.status, count(*) FROM compensation_units c JOIN relocation_projects p ON p.id = c.project_id
         WHERE p.code = $1 GROUP BY 1",
    )
    .bind(project)
    .fetch_all(&d.pool)
    .await
    .unwrap();
    let total: i64 = by_status.iter().map(|(_, n)| n).sum();
    assert_eq!(r["projectUnits"].as_i64(), Some(total), "{r}");
    assert_eq!(r["tableRows"].as_i64(), Some(total), "{r}");
    for (status, n) in &by_status {
        assert_eq!(r["projectCounts"][status].as_i64(), Some(*n), "{status}: {r}");
    }
    let largest: f64 = sqlx::query_scalar(
        "SELECT max(total_amount)::float8 FROM compensation_units c JOIN relocation_projects p ON p.id = c.project_id WHERE p.code = $1",
    )
    .bind(project)
    .fetch_one(&d.pool)
    .await
    .unwrap();
    assert!((r["topTotal"].as_f64().unwrap() - largest).abs() < 0.01, "{r}");
    assert!(r["topTotalText"].as_str().unwrap().starts_with('¥'), "{r}");
    for shot in [
        "ui-identify.png",
        "ui-measure.png",
        "ui-phone-deeplink.png",
        "ui-officer-relocation.png",
        "ui-project-view.png",
    ] {
        assert!(std::fs::metadata(shots.join(shot)).unwrap().len() > 10_000, "{shot}");
    }
}
