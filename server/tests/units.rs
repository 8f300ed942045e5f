//! `GET /api/units/{code}`: the whole chain of a unit, masked and scoped by role.

mod common;

use common::{Demo, get_json as get, token};
use serde_json::Value;

#[tokio::test]
async fn a_unit_with_its_whole_chain_masked_and_scoped_by_role() {
    let Demo { env, server: _server, client, base, pool } = Demo::start().await;
    // A paid household of the first project, and what the database says about it.
    let (code, payable, photos): (String, f64, i64) = sqlx::query_as(
        "SELECT c.unit_code::text, (c.total_amount - c.resettlement_value)::float8,
                (SELECT count(*) FROM photos p WHERE p.compensation_unit_id = c.id)
         FROM compensation_units c JOIN relocation_projects r ON r.id = c.project_id
         WHERE r.code = 'WX-ZS-2023-01' AND c.status = 'paid' ORDER BY c.id LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let url = format!("{base}/api/units/{code}");

    // The public desk: registration with personal data masked, no relocation data.
    let (status, public) = get(&client, url.clone(), None).await;
    assert_eq!(status, 200, "{public}");
    assert_eq!(public["kind"], "unit");
    assert_eq!(public["house_unit"]["unit_code"], code.as_str());
    assert_eq!(public["building"]["building_no"], &code[..24]);
    assert_eq!(public["parcel"]["parcel_code"], &code[..19]);
    assert_eq!(public["parcel"]["geometry"]["type"], "MultiPolygon");
    let ownership = public["rights"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "house_ownership")
        .expect("an ownership right");
    let holder = &ownership["parties"][0];
    assert!(holder["name"].as_str().unwrap().contains('*'), "{holder}");
    assert!(holder["id_number"].as_str().unwrap().contains("********"), "{holder}");
    assert!(ownership["certificates"][0]["number"].as_str().unwrap().contains("不动产权第"));
    assert!(public["compensation"].is_null(), "the public sees no relocation data");

    // The officer: the whole chain, full values, amounts that match the database.
    let officer = token(&client, &base, "officer").await;
    let (_, full) = get(&client, url.clone(), Some(&officer)).await;
    let c = &full["compensation"];
    assert_eq!(c["project"]["code"], "WX-ZS-2023-01");
    assert_eq!(c["status"], "paid");
    assert!(!full["rights"][0]["parties"][0]["id_number"].as_str().unwrap().contains('*'));
    let paid: f64 = c["payments"].as_array().unwrap().iter().map(|p| p["amount"].as_f64().unwrap()).sum();
    assert!((paid - payable).abs() < 0.005, "payments {paid} vs payable {payable}");
    let steps: Vec<&str> = c["timeline"].as_array().unwrap().iter().map(|s| s["status"].as_str().unwrap()).collect();
    assert_eq!(&steps[..4], ["surveyed", "appraised", "signed", "paid"]);
    assert_eq!(c["photos"].as_array().unwrap().len() as i64, photos);
    assert!(!c["documents"].as_array().unwrap().is_empty());
    let photo_url = format!("{base}{}", c["photos"][0]["url"].as_str().unwrap());
    let r = client.get(&photo_url).bearer_auth(&officer).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    // Thumbnails: made on first request, then kept (file and record).
    let thumb_url = format!("{base}{}", c["photos"][0]["thumbnail_url"].as_str().unwrap());
    let first = client.get(&thumb_url).bearer_auth(&officer).send().await.unwrap();
    assert_eq!(first.headers()["content-type"], "image/jpeg");
    let first = first.bytes().await.unwrap();
    assert!(first.starts_with(&[0xff, 0xd8]) && first.len() < 4000, "{} bytes", first.len());
    let photo_path = c["photos"][0]["url"].as_str().unwrap().trim_start_matches("/files/").to_owned();
    let kept: Option<String> = sqlx::query_scalar("SELECT thumbnail_path FROM photos WHERE file_path = $1")
        .bind(&photo_path)
        .fetch_one(&pool)
        .await
        .unwrap();
    let kept = kept.expect("thumbnail recorded");
    let on_disk = std::fs::metadata(env.data_dir().join("files").join(&kept)).unwrap().modified().unwrap();
    let again = client.get(&thumb_url).bearer_auth(&officer).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(first, again);
    assert_eq!(
        std::fs::metadata(env.data_dir().join("files").join(&kept)).unwrap().modified().unwrap(),
        on_disk,
        "made once"
    );
    let doc_url = format!("{base}{}", c["documents"][0]["url"].as_str().unwrap());
    let r = client.get(&doc_url).bearer_auth(&officer).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "application/pdf");

    // Appraisers: their own project with masked IDs but amounts; another firm's not at all.
    let a1 = token(&client, &base, "appraiser1").await;
    let (_, mine) = get(&client, url.clone(), Some(&a1)).await;
    assert!(mine["compensation"]["amounts"]["total_amount"].as_f64().unwrap() > 0.0);
    assert!(mine["compensation"]["owner_id_number"].as_str().unwrap().contains('*'));
    let a2 = token(&client, &base, "appraiser2").await;
    assert!(get(&client, url.clone(), Some(&a2)).await.1["compensation"].is_null());

    // Geometry in another CRS: Gauss-Krüger zone 38 in metres, easting with the zone prefix.
    let (_, gk) = get(&client, format!("{url}?crs=4526"), None).await;
    let x = gk["house_unit"]["geometry"]["coordinates"][0][0][0][0].as_f64().unwrap();
    assert!((38_300_000.0..38_700_000.0).contains(&x), "{x}");

    // A parcel code shows the land unit's rights.
    let farm: String = sqlx::query_scalar("SELECT parcel_code::text FROM parcels WHERE land_use = '0103' LIMIT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    let (status, land) = get(&client, format!("{base}/api/units/{farm}"), None).await;
    assert_eq!((status, land["kind"].as_str()), (200, Some("parcel")));
    assert_eq!(land["rights"][0]["kind"], "land_contract");

    // Browsing the hierarchy down to this unit, with child counts that match the next level.
    let mut prefix = String::new();
    for (len, level) in
        [(6, "county"), (9, "district"), (12, "subdistrict"), (19, "parcel"), (24, "building"), (28, "unit")]
    {
        let (status, page) = get(&client, format!("{base}/api/units?prefix={prefix}&limit=1000"), None).await;
        assert_eq!((status, page["level"].as_str()), (200, Some(level)), "{prefix}: {page}");
        let items = page["items"].as_array().unwrap();
        let entry = items
            .iter()
            .find(|i| code.starts_with(i["code"].as_str().unwrap()))
            .unwrap_or_else(|| panic!("{prefix}: no entry on the way to {code}"));
        assert_eq!(entry["code"].as_str().unwrap().len(), len);
        if len < 28 {
            let next: Value =
                get(&client, format!("{base}/api/units?prefix={}&limit=1000", entry["code"].as_str().unwrap()), None)
                    .await
                    .1;
            assert_eq!(
                next["items"].as_array().unwrap().len() as i64,
                entry["children"].as_i64().unwrap(),
                "children of {}",
                entry["code"]
            );
        }
        prefix = entry["code"].as_str().unwrap().to_owned();
    }
    let sub = &code[..12];
    let (_, first) = get(&client, format!("{base}/api/units?prefix={sub}&limit=2"), None).await;
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let (_, second) = get(&client, format!("{base}/api/units?prefix={sub}&limit=2&cursor={cursor}"), None).await;
    assert!(second["items"][0]["code"].as_str().unwrap() > cursor.as_str(), "keyset pages move forward");

    // Identify: a click inside the building finds its parcel, building, all its house units,
    // and for the officer the compensation units and the project.
    let (lon, lat): (f64, f64) = sqlx::query_as(
        "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p FROM buildings WHERE building_no = $1) s",
    )
    .bind(&code[..24])
    .fetch_one(&pool)
    .await
    .unwrap();
    let units_in_building: i64 = sqlx::query_scalar("SELECT count(*) FROM house_units WHERE building_no = $1")
        .bind(&code[..24])
        .fetch_one(&pool)
        .await
        .unwrap();
    let click = format!("{base}/api/identify?lon={lon}&lat={lat}&zoom=19");
    let (status, hit) = get(&client, click.clone(), Some(&officer)).await;
    assert_eq!(status, 200, "{hit}");
    assert_eq!(hit["parcel"]["parcel_code"], &code[..19]);
    assert_eq!(hit["building"]["building_no"], &code[..24]);
    assert_eq!(hit["building"]["url"], format!("/api/units/{}", &code[..24]));
    assert_eq!(hit["house_units"].as_array().unwrap().len() as i64, units_in_building);
    assert!(
        hit["house_units"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["unit_code"] == code.as_str() && u["url"] == format!("/api/units/{code}"))
    );
    assert_eq!(hit["project"]["code"], "WX-ZS-2023-01");
    assert!(!hit["compensation_units"].as_array().unwrap().is_empty());
    let (_, anon) = get(&client, click, None).await;
    assert_eq!(anon["building"]["building_no"], &code[..24]);
    assert!(anon["project"].is_null() && anon["compensation_units"].as_array().unwrap().is_empty(), "{anon}");
    let (_, far) = get(&client, format!("{base}/api/identify?lon={}&lat={lat}&zoom=19", lon + 0.01), None).await;
    assert!(far["building"]["building_no"] != code[..24], "a click 900 m away does not hit the building");
    let low = get(&client, format!("{base}/api/identify?lon={lon}&lat={lat}&zoom=10"), None).await.1;
    assert!(low["tolerance_m"].as_f64().unwrap() > hit["tolerance_m"].as_f64().unwrap() * 100.0);

    // Search: by code prefix, certificate number, address — and by owner name only for the
    // roles that may look people up.
    let (_, hits) = get(&client, format!("{base}/api/search?q={}", &code[..26]), None).await;
    assert_eq!(hits["hits"][0]["kind"], "unit");
    assert!(hits["hits"].as_array().unwrap().iter().any(|h| h["unit_code"] == code.as_str()));
    let (number, owner): (String, String) = sqlx::query_as(
        "SELECT c.number, h.name FROM certificates c JOIN rights r ON r.id = c.right_id JOIN right_holders h ON h.id = c.holder_id
         WHERE r.unit_code = $1 AND r.kind = 'house_ownership'",
    )
    .bind(&code)
    .fetch_one(&pool)
    .await
    .unwrap();
    let (_, by_number) = get(&client, format!("{base}/api/search?q={number}"), None).await;
    assert_eq!(
        (by_number["hits"][0]["kind"].as_str(), by_number["hits"][0]["unit_code"].as_str()),
        (Some("certificate"), Some(code.as_str()))
    );
    // The serial alone (第0001234号 → 1234 or 0001234) finds it too, by its index.
    let serial = number.split('第').nth(1).unwrap().trim_end_matches('号').to_owned();
    for q in [serial.clone(), serial.trim_start_matches('0').to_owned()] {
        let (_, by_serial) = get(&client, format!("{base}/api/search?q={q}&limit=100"), None).await;
        assert!(
            by_serial["hits"]
                .as_array()
                .unwrap()
                .iter()
                .any(|h| h["kind"] == "certificate" && h["title"] == number.as_str()),
            "{q}: {by_serial}"
        );
    }
    let clerk = token(&client, &base, "clerk").await;
    let (_, by_name) = get(&client, format!("{base}/api/search?q={owner}&limit=100"), Some(&clerk)).await;
    assert!(
        by_name["hits"].as_array().unwrap().iter().any(|h| h["kind"] == "holder" && h["unit_code"] == code.as_str()),
        "{by_name}"
    );
    let (_, anon_name) = get(&client, format!("{base}/api/search?q={owner}"), None).await;
    assert!(
        anon_name["hits"].as_array().unwrap().iter().all(|h| h["kind"] != "holder"),
        "the public cannot search people"
    );
    let street: String = sqlx::query_scalar("SELECT address FROM parcels WHERE parcel_code = $1")
        .bind(&code[..19])
        .fetch_one(&pool)
        .await
        .unwrap();
    let (_, by_address) = get(&client, format!("{base}/api/search?q={street}&limit=100"), None).await;
    assert!(
        by_address["hits"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["kind"] == "address" && h["unit_code"] == format!("{}W00000000", &code[..19]))
    );

    // Bad input.
    let cases = [
        (format!("{base}/api/search?q=x"), 400, "invalid_query"),
        (format!("{base}/api/identify?lon=200&lat=34"), 400, "invalid_point"),
        (format!("{base}/api/identify?lat=34"), 400, "invalid_query"),
        (format!("{base}/api/units?prefix=4108a5"), 400, "invalid_prefix"),
        (format!("{base}/api/units/410825001003GC00042F00071203"), 400, "invalid_code"),
        (format!("{base}/api/units/41082500"), 400, "invalid_code"),
        (format!("{base}/api/units/410825999999GB00001F00010001"), 404, "not_found"),
        (format!("{url}?crs=99999"), 400, "invalid_crs"),
        (format!("{url}?srs=4326"), 400, "invalid_query"),
    ];
    for (u, status, code) in cases {
        let (s, v) = get(&client, u.clone(), None).await;
        assert_eq!((s, v["code"].as_str()), (status, Some(code)), "{u}: {v}");
    }
    let (_, v) = get(&client, format!("{base}/api/units/410825001003GC00042F00071203"), None).await;
    assert!(v["detail"].as_str().unwrap().contains("feature_pair"), "{v}");
}
