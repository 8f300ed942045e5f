//! Vector tiles end to end: bad paths, layer content, role-aware content, ETag/304, and the
//! cache dropping exactly the touched tiles when data changes through plain SQL.

mod common;

use std::time::{Duration, Instant};

use common::{Demo, token};
use geozero::mvt::{Message, Tile};
use reqwest::{Client, StatusCode};
use serde_json::Value;

/// The z/x/y of the tile containing (lon, lat).
fn tile_of(lon: f64, lat: f64, z: u8) -> (u8, u32, u32) {
    let n = f64::from(1u32 << z);
    let x = ((lon + 180.0) / 360.0 * n).floor() as u32;
    let r = lat.to_radians();
    let y = ((1.0 - (r.tan() + 1.0 / r.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor() as u32;
    (z, x, y)
}

struct Got {
    status: StatusCode,
    etag: String,
    cache: String,
    tile: Tile,
}

async fn get(client: &Client, url: &str, bearer: Option<&str>, if_none_match: Option<&str>) -> Got {
    let mut req = client.get(url);
    if let Some(t) = bearer {
        req = req.bearer_auth(t);
    }
    if let Some(e) = if_none_match {
        req = req.header("if-none-match", e);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    let header = |n: &str| resp.headers().get(n).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    let (etag, cache) = (header("etag"), header("x-cache"));
    if status == StatusCode::OK {
        assert_eq!(header("content-type"), "application/vnd.mapbox-vector-tile");
        assert!(header("cache-control").contains("no-cache"));
    }
    let body = resp.bytes().await.unwrap();
    let tile = if status == StatusCode::OK { Tile::decode(body).unwrap() } else { Tile::default() };
    Got { status, etag, cache, tile }
}

/// Features of a layer: (id, properties as JSON).
fn features(tile: &Tile, layer: &str) -> Vec<(u64, serde_json::Map<String, Value>)> {
    let Some(l) = tile.layers.iter().find(|l| l.name == layer) else { return Vec::new() };
    l.features
        .iter()
        .map(|f| {
            let props = f
                .tags
                .chunks(2)
                .map(|kv| {
                    let v = &l.values[kv[1] as usize];
                    let v = if let Some(s) = &v.string_value {
                        Value::from(s.clone())
                    } else if let Some(d) = v.double_value {
                        Value::from(d)
                    } else if let Some(i) = v.int_value.or(v.sint_value) {
                        Value::from(i)
                    } else if let Some(u) = v.uint_value {
                        Value::from(u)
                    } else {
                        Value::from(v.bool_value)
                    };
                    (l.keys[kv[0] as usize].clone(), v)
                })
                .collect();
            (f.id.expect("integer feature id"), props)
        })
        .collect()
}

#[tokio::test]
async fn tiles_content_roles_cache_and_invalidation() {
    let Demo { env: _env, server: _server, client, base, pool } = Demo::start().await;

    // Bad paths: problem bodies, never a 500.
    for (path, status, code) in [
        ("/tiles/parcels/23/0/0.mvt", 400, "invalid_tile"),
        ("/tiles/parcels/3/8/0.mvt", 400, "invalid_tile"),
        ("/tiles/parcels/3/0/9.pbf", 400, "invalid_tile"),
        ("/tiles/parcels/x/0/0.mvt", 400, "invalid_tile"),
        ("/tiles/parcels/3/0/0.png", 404, "not_found"),
        ("/tiles/parcels,roads/3/0/0.mvt", 404, "unknown_layer"),
        ("/tiles/parcels,parcels/3/0/0.mvt", 400, "invalid_tile"),
        ("/tiles/nope", 404, "unknown_layer"),
    ] {
        let resp = client.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(resp.status().as_u16(), status, "{path}");
        assert_eq!(resp.headers()["content-type"], "application/problem+json", "{path}");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["code"], code, "{path}: {body}");
    }

    // TileJSON.
    let tj: Value = client.get(format!("{base}/tiles/parcels,buildings")).send().await.unwrap().json().await.unwrap();
    assert_eq!(tj["tilejson"], "3.0.0");
    assert!(tj["tiles"][0].as_str().unwrap().ends_with("/tiles/parcels,buildings/{z}/{x}/{y}.mvt"), "{tj}");
    assert_eq!(tj["vector_layers"][0]["id"], "parcels");
    assert_eq!(tj["vector_layers"][0]["fields"]["unit_code"], "String");
    assert!(tj["bounds"][0].as_f64().unwrap() > 112.0 && tj["bounds"][2].as_f64().unwrap() < 114.0, "{tj}");

    // The style: our own sources only, absolute URLs for this host; its label glyphs.
    let style: Value = client.get(format!("{base}/styles/onemap.json")).send().await.unwrap().json().await.unwrap();
    let source = style["sources"]["onemap"]["url"].as_str().unwrap().to_owned();
    assert!(source.starts_with(&format!("{base}/tiles/")), "{source}");
    let tj: Value = client.get(&source).send().await.unwrap().json().await.unwrap();
    assert_eq!(tj["vector_layers"].as_array().unwrap().len(), 9);
    let glyphs =
        style["glyphs"].as_str().unwrap().replace("{fontstack}", "DejaVu Sans Bold").replace("{range}", "0-255");
    let resp = client.get(&glyphs).send().await.unwrap();
    assert_eq!(resp.status(), 200, "{glyphs}");
    let pbf = resp.bytes().await.unwrap();
    assert!(pbf.len() > 10_000 && pbf.windows(16).any(|w| w == b"DejaVu Sans Bold"), "{} bytes", pbf.len());
    for (path, status) in [("/fonts/Arial/0-255.pbf", 404), ("/fonts/DejaVu%20Sans/0-100.pbf", 400)] {
        assert_eq!(client.get(format!("{base}{path}")).send().await.unwrap().status().as_u16(), status, "{path}");
    }

    // A house unit of the first project, and where it is.
    let (unit_code, cu_code, lon, lat): (String, String, f64, f64) = sqlx::query_as(
        "SELECT h.unit_code, c.code, ST_X(ST_PointOnSurface(h.geom)), ST_Y(ST_PointOnSurface(h.geom))
         FROM compensation_units c JOIN relocation_projects r ON r.id = c.project_id
         JOIN house_units h ON h.id = c.house_unit_id WHERE r.code = 'WX-ZS-2023-01' ORDER BY c.id LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let parcel_code = &unit_code[..19];
    let (z, x, y) = tile_of(lon, lat, 16);
    let all = "county,towns,districts,parcels,buildings,house_units,projects,compensation_units,photos";
    let url = format!("{base}/tiles/{all}/{z}/{x}/{y}.mvt");

    // The public: parcels, buildings and house units with codes; no relocation layers at all.
    let public = get(&client, &url, None, None).await;
    assert_eq!(public.status, 200);
    assert!(features(&public.tile, "parcels").iter().any(|(_, p)| p["parcel_code"] == parcel_code));
    assert!(features(&public.tile, "house_units").iter().any(|(_, p)| p["unit_code"] == unit_code.as_str()));
    assert!(!features(&public.tile, "buildings").is_empty());
    for layer in ["projects", "compensation_units", "photos"] {
        assert!(features(&public.tile, layer).is_empty(), "public sees {layer}");
    }
    // The officer: the compensation unit, its owner and amount; photos.
    let officer_token = token(&client, &base, "officer").await;
    let officer = get(&client, &url, Some(&officer_token), None).await;
    let cu = features(&officer.tile, "compensation_units");
    let (_, props) = cu.iter().find(|(_, p)| p["code"] == cu_code.as_str()).expect("officer sees the unit");
    assert!(props["owner"].is_string() && props["total_amount"].as_f64().unwrap() > 0.0, "{props:?}");
    assert!(!features(&officer.tile, "projects").is_empty());
    assert_ne!(officer.etag, public.etag);
    // appraiser2's firm is appointed to the other project only.
    let other = token(&client, &base, "appraiser2").await;
    let appraiser2 = get(&client, &url, Some(&other), None).await;
    let seen = features(&appraiser2.tile, "compensation_units");
    assert!(seen.iter().all(|(_, p)| p["project_code"] == "WX-ZS-2025-02"), "{seen:?}");
    let appraiser1 = get(&client, &url, Some(&token(&client, &base, "appraiser1").await), None).await;
    assert!(!features(&appraiser1.tile, "compensation_units").is_empty());
    // The cache keeps callers apart: the public, asked again, still gets its own tile.
    let again = get(&client, &url, None, None).await;
    assert_eq!((again.cache.as_str(), again.etag.as_str()), ("HIT", public.etag.as_str()));
    assert!(features(&again.tile, "compensation_units").is_empty());

    // ETag → 304.
    let not_modified = get(&client, &url, None, Some(&public.etag)).await;
    assert_eq!(not_modified.status, StatusCode::NOT_MODIFIED);
    assert_eq!(not_modified.etag, public.etag);

    // Exact invalidation. Cache the unit's tile at three zooms and a tile far away.
    let parcels_at = |z| {
        let (z, x, y) = tile_of(lon, lat, z);
        format!("{base}/tiles/parcels,house_units/{z}/{x}/{y}.mvt")
    };
    let far = {
        let (z, x, y) = tile_of(lon + 0.05, lat + 0.05, 16);
        format!("{base}/tiles/parcels,house_units/{z}/{x}/{y}.mvt")
    };
    let urls = [parcels_at(16), parcels_at(17), parcels_at(10), far.clone()];
    for u in &urls {
        get(&client, u, None, None).await;
        assert_eq!(get(&client, u, None, None).await.cache, "HIT", "{u}");
    }
    // A change by plain SQL, not through the server.
    sqlx::query("UPDATE house_units SET room_label = 'changed-by-sql' WHERE unit_code = $1")
        .bind(&unit_code)
        .execute(&pool)
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    let fresh = loop {
        let g = get(&client, &urls[0], None, None).await;
        if g.cache == "MISS" || Instant::now() > deadline {
            break g;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(fresh.cache, "MISS", "the changed unit's tile was not dropped");
    assert!(
        features(&fresh.tile, "house_units").iter().any(|(_, p)| p["room_label"] == "changed-by-sql"),
        "the new tile shows the change"
    );
    assert_eq!(get(&client, &urls[1], None, None).await.cache, "MISS", "z17 tile kept");
    // z10 has no house units: its parcels,house_units tile does not depend on them.
    assert_eq!(get(&client, &urls[2], None, None).await.cache, "HIT", "z10 tile dropped");
    assert_eq!(get(&client, &far, None, None).await.cache, "HIT", "a far tile was dropped");

    // A new parcel inserted by SQL shows up; its sub-district's count (z10 aggregate) too.
    let before = get(&client, &urls[2], None, None).await;
    let agg = |t: &Tile| {
        features(t, "parcels")
            .iter()
            .find(|(_, p)| p["parcel_code"] == parcel_code[..12])
            .map(|(_, p)| p["parcels"].as_i64().unwrap())
            .expect("aggregate of the unit's sub-district")
    };
    let count_before = agg(&before.tile);
    let new_code: String = sqlx::query_scalar(
        "INSERT INTO parcels (parcel_code, address, land_use, right_type, right_nature, registered_area_m2, geom)
         SELECT left(parcel_code, 12) || 'GB99999', '测试新增宗地', land_use, right_type, right_nature, 10,
                ST_Multi(ST_Buffer(ST_SetSRID(ST_MakePoint($1, $2), 4490), 0.00002))
         FROM parcels WHERE parcel_code = $3 RETURNING parcel_code",
    )
    .bind(lon + 0.0003)
    .bind(lat + 0.0003)
    .bind(parcel_code)
    .fetch_one(&pool)
    .await
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let g = get(&client, &urls[2], None, None).await;
        if g.cache == "MISS" {
            assert_eq!(agg(&g.tile), count_before + 1);
            break;
        }
        assert!(Instant::now() < deadline, "the aggregate tile was not dropped after an insert");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (z, x, y) = tile_of(lon + 0.0003, lat + 0.0003, 15);
    let z15 = get(&client, &format!("{base}/tiles/parcels/{z}/{x}/{y}.mvt"), None, None).await;
    assert!(features(&z15.tile, "parcels").iter().any(|(_, p)| p["parcel_code"] == new_code.as_str()));
    // At z14 parcels come without their codes (size), from z15 with them.
    let (z, x, y) = tile_of(lon + 0.0003, lat + 0.0003, 14);
    let z14 = get(&client, &format!("{base}/tiles/parcels/{z}/{x}/{y}.mvt"), None, None).await;
    let at14 = features(&z14.tile, "parcels");
    assert!(!at14.is_empty() && at14.iter().all(|(_, p)| !p.contains_key("parcel_code")));

    // Deleted by SQL: gone from the next tile.
    let z15_url = {
        let (z, x, y) = tile_of(lon + 0.0003, lat + 0.0003, 15);
        format!("{base}/tiles/parcels/{z}/{x}/{y}.mvt")
    };
    assert_eq!(get(&client, &z15_url, None, None).await.cache, "HIT");
    sqlx::query("DELETE FROM parcels WHERE parcel_code = $1").bind(&new_code).execute(&pool).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let g = get(&client, &z15_url, None, None).await;
        if g.cache == "MISS" {
            assert!(features(&g.tile, "parcels").iter().all(|(_, p)| p["parcel_code"] != new_code.as_str()));
            break;
        }
        assert!(Instant::now() < deadline, "the tile was not dropped after a delete");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
