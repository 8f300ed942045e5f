//! Survey imports end to end: files written by GDAL (ogr2ogr) from the demo county in every
//! accepted format, uploaded to the real server, validated, committed, and checked against
//! PostGIS; every validation rule triggered; unsafe and broken uploads refused.

mod common;

use common::survey::*;
use common::{Demo, get_json, token};
use serde_json::{Value, json};

/// The standard's field names of a parcel export.
const PARCEL_SQL: &str = "SELECT parcel_code AS \"ZDDM\", address AS \"ZL\", land_use AS \"YT\", right_type AS \"QLLX\", \
     right_nature AS \"QLXZ\", registered_area_m2 AS \"ZDMJ\", geom FROM parcels";

async fn one<T: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres> + Send + Unpin>(
    pool: &sqlx::PgPool,
    sql: &str,
) -> T {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

#[tokio::test]
async fn formats_round_trip_and_commit() {
    let d = Demo::start().await;
    let url = d.env.url();
    let t = token(&d.client, &d.base, "surveyor").await;
    let dir = d.env.path().join("files");
    std::fs::create_dir_all(&dir).unwrap();

    // 1. Shapefile in 3° zone 38 with its zone number, GBK, .cpg removed: detected as GBK,
    //    CRS from the .prj, every parcel unchanged.
    let shp = dir.join("zd.shp");
    let sql = format!("{PARCEL_SQL} ORDER BY id LIMIT 400");
    ogr2ogr(&url, &shp, "ESRI Shapefile", &sql, &["-t_srs", "EPSG:4526", "-lco", "ENCODING=GBK"]);
    std::fs::remove_file(dir.join("zd.cpg")).ok();
    let parts = shapefile_parts(&dir, "zd");
    assert!(parts.iter().all(|(n, _)| !n.ends_with(".cpg")));
    let v = import(&d.client, &d.base, &t, "kind=parcels", zip_parts(&parts)).await;
    assert_eq!(v["status"], "ready", "{v}");
    assert_eq!(v["format"], "shapefile");
    assert_eq!(v["crs"], "EPSG:4526");
    assert!(v["encoding"].as_str().unwrap().starts_with("GBK"), "{v}");
    assert_eq!(v["mapping"]["address"], "ZL");
    assert_eq!(v["counts"]["features"], 400);
    assert_eq!(v["counts"]["unchanged"], 400, "{}", v["issues"]);
    assert_eq!(v["counts"]["errors"], 0);
    // The Chinese addresses came through GBK intact.
    let features: Value =
        get_json(&d.client, format!("{}/api/imports/{}/features?limit=5", d.base, v["id"].as_str().unwrap()), Some(&t))
            .await
            .1;
    let first_code = features["features"][0]["properties"]["code"].as_str().unwrap().to_owned();
    let address: String = sqlx::query_scalar("SELECT address FROM parcels WHERE parcel_code = $1")
        .bind(&first_code)
        .fetch_one(&d.pool)
        .await
        .unwrap();
    assert_eq!(features["features"][0]["properties"]["address"], address.as_str());
    assert_eq!(features["features"][0]["properties"]["status"], "unchanged");
    let (status, c) = commit(&d.client, &d.base, &t, v["id"].as_str().unwrap()).await;
    assert_eq!(status, 200, "{c}");
    assert_eq!((c["inserted"].as_i64(), c["updated"].as_i64(), c["unchanged"].as_i64()), (Some(0), Some(0), Some(400)));

    // 2. The same Shapefile without .prj, axes swapped: the zone is read from the eastings and
    //    the swap detected and undone.
    let noprj = dir.join("swapped.shp");
    let sql = format!(
        "SELECT \"ZDDM\", \"ZL\", \"YT\", \"QLLX\", \"QLXZ\", \"ZDMJ\", ST_FlipCoordinates(ST_Transform(geom, 4526)) AS geom \
         FROM ({PARCEL_SQL} ORDER BY id LIMIT 50) p"
    );
    ogr2ogr(&url, &noprj, "ESRI Shapefile", &sql, &["-a_srs", "EPSG:4526", "-lco", "ENCODING=UTF-8"]);
    std::fs::remove_file(dir.join("swapped.prj")).unwrap();
    let v = import(&d.client, &d.base, &t, "kind=parcels", zip_parts(&shapefile_parts(&dir, "swapped"))).await;
    assert_eq!(v["crs"], "EPSG:4526", "{v}");
    let notes = v["notes"].to_string();
    assert!(notes.contains("swapped") && notes.contains("zone 38"), "{notes}");
    assert!(
        v["encoding"].as_str().unwrap().starts_with("UTF-8") || v["encoding"].as_str().unwrap().contains("cpg"),
        "{v}"
    );
    assert_eq!(v["counts"]["unchanged"], 50, "{}", v["issues"]);

    // 3. GeoPackage in the unprefixed zone (EPSG:4547): one parcel split in two halves (the
    //    original keeps its code, the new half gets the next code of its sub-district) and one
    //    address changed.
    let gpkg = dir.join("split.gpkg");
    let split = "WITH a AS (SELECT *, ST_Envelope(geom) AS env FROM parcels ORDER BY id LIMIT 1 OFFSET 500),
        b AS (SELECT * FROM parcels ORDER BY id LIMIT 1 OFFSET 501),
        halves AS (
          SELECT a.parcel_code, a.address || '(分割)' AS address, a.land_use, a.right_type, a.right_nature,
                 ST_Intersection(a.geom, ST_MakeEnvelope(ST_XMin(env), ST_YMin(env), (ST_XMin(env)+ST_XMax(env))/2, ST_YMax(env), 4490)) AS geom FROM a
          UNION ALL
          SELECT NULL, a.address || '(新宗地)', a.land_use, a.right_type, a.right_nature,
                 ST_Intersection(a.geom, ST_MakeEnvelope((ST_XMin(env)+ST_XMax(env))/2, ST_YMin(env), ST_XMax(env), ST_YMax(env), 4490)) FROM a
          UNION ALL SELECT parcel_code, address || '改', land_use, right_type, right_nature, geom FROM b)
        SELECT parcel_code AS \"宗地代码\", address AS \"坐落\", land_use AS \"土地用途\", right_type AS \"权利类型\",
               right_nature AS \"权利性质\", ST_Multi(geom) AS geom FROM halves";
    ogr2ogr(&url, &gpkg, "GPKG", split, &["-s_srs", "EPSG:4490", "-t_srs", "EPSG:4547", "-nln", "zd"]);
    // As a browser form sends it: multipart, the options as fields, the file as `file`.
    let form = reqwest::multipart::Form::new()
        .text("kind", "parcels")
        .part("file", reqwest::multipart::Part::bytes(std::fs::read(&gpkg).unwrap()).file_name("宗地分割.gpkg"));
    let r = d.client.post(format!("{}/api/imports", d.base)).bearer_auth(&t).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let created: Value = r.json().await.unwrap();
    assert_eq!(created["file_name"], "宗地分割.gpkg");
    let v = settled(&d.client, &d.base, &t, created["id"].as_str().unwrap()).await;
    assert_eq!((v["format"].as_str(), v["crs"].as_str()), (Some("gpkg"), Some("EPSG:4547")), "{v}");
    assert_eq!(v["mapping"]["address"], "坐落");
    assert_eq!((v["counts"]["new"].as_i64(), v["counts"]["changed"].as_i64()), (Some(1), Some(2)), "{}", v["issues"]);
    let id = v["id"].as_str().unwrap().to_owned();
    let (status, c) = commit(&d.client, &d.base, &t, &id).await;
    assert_eq!(status, 200, "{c}");
    let new_code = c["allocated"][0].as_str().unwrap().to_owned();
    let (sub, max_before): (String, String) = sqlx::query_as(
        "SELECT s.code::text, (SELECT max(parcel_code)::text FROM parcels q WHERE q.subdistrict_code = s.code AND q.parcel_code <> $1)
         FROM parcels p JOIN cadastral_subdistricts s ON ST_Intersects(s.geom, ST_PointOnSurface(p.geom)) WHERE p.parcel_code = $1",
    )
    .bind(&new_code)
    .fetch_one(&d.pool)
    .await
    .unwrap();
    assert!(new_code.starts_with(&sub), "{new_code} allocated outside its sub-district {sub}");
    assert!(new_code[14..] > max_before[14..], "{new_code} is not after {max_before}");
    // Stored geometry equals the file's, reprojected: the two halves cover the original.
    let areas: (f64, f64) = sqlx::query_as(
        "SELECT (SELECT area_m2 FROM parcels WHERE parcel_code = $1),
                (SELECT area_m2 FROM parcels_history WHERE parcel_code = (SELECT left(address, 0) || parcel_code FROM parcels ORDER BY id LIMIT 1 OFFSET 500) AND op = 'update' AND import_id IS NULL ORDER BY valid_from DESC LIMIT 1)",
    )
    .bind(&new_code)
    .fetch_one(&d.pool)
    .await
    .unwrap();
    assert!(areas.0 > 0.0 && areas.0 < areas.1, "{areas:?}");
    // History names the import, and ?at= before the commit answers the old address.
    let split_code: String = one(&d.pool, "SELECT parcel_code::text FROM parcels ORDER BY id LIMIT 1 OFFSET 500").await;
    let h: Value = get_json(&d.client, format!("{}/api/units/{split_code}/history", d.base), Some(&t)).await.1;
    assert_eq!(h["versions"][0]["import_id"], id.as_str(), "{h}");
    assert_eq!(h["versions"][0]["actor"], "user:surveyor");
    assert!(h["versions"][0]["changes"]["address"].is_array(), "{h}");
    let before = h["versions"][1]["valid_from"].as_str().unwrap();
    let old: Value = d
        .client
        .get(format!("{}/api/units/{split_code}?at={}", d.base, before.replace('+', "%2B")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(!old["parcel"]["address"].as_str().unwrap().contains("分割"), "{old}");
    let now: Value =
        d.client.get(format!("{}/api/units/{split_code}", d.base)).send().await.unwrap().json().await.unwrap();
    assert!(now["parcel"]["address"].as_str().unwrap().ends_with("(分割)"));

    // 4. GeoJSON, KML and CSV (WKT) of existing parcels: read, CRS right, unchanged.
    for (name, format, query, extra) in [
        ("p.geojson", "GeoJSON", "kind=parcels", vec![]),
        ("p.kml", "LIBKML", "kind=parcels", vec![]),
        ("p.csv", "CSV", "kind=parcels&crs=EPSG:4490", vec!["-lco", "GEOMETRY=AS_WKT"]),
    ] {
        let out = dir.join(name);
        let sql = format!("{PARCEL_SQL} ORDER BY id LIMIT 30 OFFSET 1000");
        ogr2ogr(&url, &out, format, &sql, &extra);
        let v = import(&d.client, &d.base, &t, query, std::fs::read(&out).unwrap()).await;
        assert_eq!(v["status"], "ready", "{name}: {v}");
        assert_eq!(v["counts"]["features"], 30, "{name}: {v}");
        assert_eq!(v["counts"]["errors"], 0, "{name}: {}", v["issues"]);
        assert_eq!(v["counts"]["unchanged"], 30, "{name}: {}", v["issues"]);
    }

    // 5. DXF written by GDAL (layer JZD, no attributes): polygons closed from the polylines,
    //    geometry equal to PostGIS's; the missing attributes are errors; no CRS → refused.
    let dxf = dir.join("jzd.dxf");
    let sql =
        "SELECT 'JZD' AS \"Layer\", ST_Transform(geom, 4526) AS geom FROM parcels ORDER BY id LIMIT 10 OFFSET 1100";
    ogr2ogr(&url, &dxf, "DXF", sql, &[]);
    let v = import(&d.client, &d.base, &t, "kind=parcels", std::fs::read(&dxf).unwrap()).await;
    assert_eq!(v["status"], "failed", "{v}");
    assert_eq!(v["error"]["code"], "crs_required");
    let v = import(&d.client, &d.base, &t, "kind=parcels&crs=EPSG:4526", std::fs::read(&dxf).unwrap()).await;
    assert_eq!(v["counts"]["features"], 10, "{v}");
    assert!(codes(&v).contains(&"attribute_missing".to_string()));
    assert!(!codes(&v).contains(&"geometry_type".to_string()), "{}", v["issues"]);
    let same: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM import_features f JOIN parcels p ON ST_HausdorffDistance(ST_Multi(f.geom), p.geom) < 1e-7
         WHERE f.import_id = $1::uuid",
    )
    .bind(v["id"].as_str().unwrap())
    .fetch_one(&d.pool)
    .await
    .unwrap();
    assert_eq!(same, 10, "every DXF polygon equals its parcel");

    // 6. A 南方CASS-like DXF (GBK, $DWGCODEPAGE ANSI_936): attributes in SOUTH XDATA, one
    //    parcel's code only as a TEXT label inside it.
    let rows: Vec<(String, String, String, String, String, String)> = sqlx::query_as(
        "SELECT parcel_code::text, address, land_use::text, right_type, right_nature,
                (SELECT string_agg(round(ST_X(pt)::numeric, 4) || ' ' || round(ST_Y(pt)::numeric, 4), ',' ORDER BY k)
                 FROM (SELECT (dp).geom AS pt, (dp).path[3] AS k FROM ST_DumpPoints(ST_Transform(ST_ExteriorRing(ST_GeometryN(geom, 1)), 4526)) dp) q)
         FROM parcels ORDER BY id LIMIT 2 OFFSET 1200",
    )
    .fetch_all(&d.pool)
    .await
    .unwrap();
    let label_points: Vec<(f64, f64)> = sqlx::query_as(
        "SELECT ST_X(pt), ST_Y(pt) FROM (SELECT ST_Transform(ST_PointOnSurface(geom), 4526) pt FROM parcels ORDER BY id LIMIT 2 OFFSET 1200) q",
    )
    .fetch_all(&d.pool)
    .await
    .unwrap();
    let cass = cass_dxf(&rows, &label_points);
    let v = import(&d.client, &d.base, &t, "kind=parcels&crs=EPSG:4526", cass).await;
    assert_eq!(v["format"], "dxf", "{v}");
    assert_eq!(v["mapping"]["address"], "ZL", "{v}");
    assert_eq!(v["counts"]["features"], 2, "{v}");
    let f: Value =
        get_json(&d.client, format!("{}/api/imports/{}/features", d.base, v["id"].as_str().unwrap()), Some(&t)).await.1;
    let got: Vec<&str> =
        f["features"].as_array().unwrap().iter().map(|x| x["properties"]["code"].as_str().unwrap()).collect();
    assert_eq!(got, vec![rows[0].0.as_str(), rows[1].0.as_str()], "code from XDATA and from the label");
    assert_eq!(f["features"][0]["properties"]["address"], rows[0].1.as_str(), "GBK text decoded");
    assert_eq!(v["counts"]["errors"], 0, "{}", v["issues"]);
}

/// A minimal 南方CASS-style DXF: boundaries as closed LWPOLYLINEs on layer JZD with SOUTH
/// XDATA; the second parcel's code only as a TEXT label (layer ZDH) inside it. GBK bytes.
fn cass_dxf(rows: &[(String, String, String, String, String, String)], labels: &[(f64, f64)]) -> Vec<u8> {
    let mut s = String::from(
        "  0\nSECTION\n  2\nHEADER\n  9\n$ACADVER\n  1\nAC1015\n  9\n$DWGCODEPAGE\n  3\nANSI_936\n  0\nENDSEC\n",
    );
    s.push_str(
        "  0\nSECTION\n  2\nTABLES\n  0\nTABLE\n  2\nAPPID\n  0\nAPPID\n  2\nSOUTH\n 70\n0\n  0\nENDTAB\n  0\nENDSEC\n",
    );
    s.push_str("  0\nSECTION\n  2\nENTITIES\n");
    for (i, (code, address, land_use, right_type, right_nature, ring)) in rows.iter().enumerate() {
        let points: Vec<&str> = ring.split(',').collect();
        // The ring's last point repeats the first: CASS writes it closed by the flag.
        let points = &points[..points.len() - 1];
        s.push_str(&format!(
            "  0\nLWPOLYLINE\n  5\n{:X}\n  8\nJZD\n100\nAcDbEntity\n100\nAcDbPolyline\n 90\n{}\n 70\n1\n",
            0x100 + i,
            points.len()
        ));
        for p in points {
            let (x, y) = p.split_once(' ').unwrap();
            s.push_str(&format!(" 10\n{x}\n 20\n{y}\n"));
        }
        s.push_str("1001\nSOUTH\n1000\n300000\n");
        if i == 0 {
            s.push_str(&format!("1000\n{code}\n"));
        }
        s.push_str(&format!(
            "1000\nZL={address}\n1000\nYT={land_use}\n1000\nQLLX={right_type}\n1000\nQLXZ={right_nature}\n"
        ));
    }
    let (x, y) = labels[1];
    s.push_str(&format!("  0\nTEXT\n  5\n200\n  8\nZDH\n 10\n{x}\n 20\n{y}\n 40\n2.0\n  1\n{}\n", rows[1].0));
    s.push_str("  0\nENDSEC\n  0\nEOF\n");
    encoding_rs::GBK.encode(&s).0.into_owned()
}

#[tokio::test]
async fn every_rule_is_triggered() {
    let d = Demo::start().await;
    let t = token(&d.client, &d.base, "surveyor").await;
    // Fixtures built by PostGIS around real places of the demo county: empty spots in two
    // sub-districts, an isolated parcel, a building.
    let spots: Vec<(String, f64, f64)> = sqlx::query_as(
        "SELECT s.code::text, ST_X(c), ST_Y(c) FROM (SELECT code, ST_PointOnSurface(geom) c FROM cadastral_subdistricts) s
         WHERE NOT EXISTS (SELECT FROM parcels p WHERE ST_DWithin(p.geom, s.c, 0.003)) ORDER BY code LIMIT 2",
    )
    .fetch_all(&d.pool)
    .await
    .unwrap();
    assert_eq!(spots.len(), 2, "two empty sub-districts");
    let square = |x: f64, y: f64, half: f64| json!({"type": "Polygon", "coordinates": [[[x - half, y - half], [x + half, y - half], [x + half, y + half], [x - half, y + half], [x - half, y - half]]]});
    let feature = |geometry: Value, props: Value| json!({"type": "Feature", "geometry": geometry, "properties": props});
    let base = |zl: &str| json!({"ZL": zl, "YT": "0701", "QLLX": "state_construction_land_use", "QLXZ": "granted"});
    let with = |mut p: Value, k: &str, v: Value| {
        p[k] = v;
        p
    };
    let (s1, x, y) = spots[0].clone();
    let (s2, _, _) = spots[1].clone();
    // Areas as PostGIS computes them in the county's zone.
    let area_of = |g: &Value| {
        let g = g.to_string();
        let pool = d.pool.clone();
        async move {
            sqlx::query_scalar::<_, f64>("SELECT county_area_m2('410825', ST_SetSRID(ST_GeomFromGeoJSON($1), 4490))")
                .bind(g)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let sq6 = square(x + 0.0010, y, 0.0001);
    let sq7 = square(x + 0.0016, y, 0.0001);
    let (a6, a7) = (area_of(&sq6).await, area_of(&sq7).await);
    let isolated: (String, String, String) = sqlx::query_as(
        "SELECT parcel_code::text,
           ST_AsGeoJSON(ST_Transform(ST_Difference(ST_Buffer(ST_Transform(geom, 4526), 3), ST_Buffer(ST_Transform(geom, 4526), 0.02)), 4490), 10),
           ST_AsGeoJSON(ST_Transform(ST_Difference(ST_Buffer(ST_Transform(geom, 4526), 3), ST_Buffer(ST_Transform(geom, 4526), -0.0005)), 4490), 10)
         FROM parcels p ORDER BY (SELECT count(*) FROM parcels q WHERE ST_DWithin(q.geom, p.geom, 0.0001)), id LIMIT 1",
    )
    .fetch_one(&d.pool)
    .await
    .unwrap();
    let existing: (String, String) = sqlx::query_as(
        "SELECT parcel_code::text, ST_AsGeoJSON(ST_Translate(geom, 0.00003, 0), 10) FROM parcels ORDER BY id LIMIT 1",
    )
    .fetch_one(&d.pool)
    .await
    .unwrap();
    let features = vec![
        // 1 geometry_invalid (a bow tie)
        feature(
            json!({"type": "Polygon", "coordinates": [[[x, y], [x + 0.0002, y + 0.0002], [x + 0.0002, y], [x, y + 0.0002], [x, y]]]}),
            base("1"),
        ),
        // 2 geometry_type
        feature(json!({"type": "Point", "coordinates": [x, y]}), base("2")),
        // 3 outside_county
        feature(square(100.0, 30.0, 0.0001), base("3")),
        // 4, 5 overlap_in_file
        feature(square(x - 0.0010, y, 0.0001), base("4")),
        feature(square(x - 0.00095, y, 0.0001), base("5")),
        // 6 area_mismatch (declared 2×), 7 area_mismatch_minor (declared +3 %)
        feature(sq6.clone(), with(base("6"), "ZDMJ", json!(a6 * 2.0))),
        feature(sq7.clone(), with(base("7"), "ZDMJ", json!(a7 * 1.03))),
        // 8 code_invalid, 9 code_subdistrict (a code of another sub-district)
        feature(square(x, y + 0.0010, 0.0001), with(base("8"), "ZDDM", json!(format!("{s1}XX00001")))),
        feature(square(x, y + 0.0016, 0.0001), with(base("9"), "ZDDM", json!(format!("{s2}GB00001")))),
        // 10, 11 code_duplicate
        feature(square(x, y - 0.0010, 0.0001), with(base("10"), "ZDDM", json!(format!("{s1}GB09001")))),
        feature(square(x, y - 0.0016, 0.0001), with(base("11"), "ZDDM", json!(format!("{s1}GB09001")))),
        // 12 attribute_missing (no ZL), 13 attribute_invalid
        feature(square(x + 0.0010, y + 0.0010, 0.0001), json!({"YT": "0701", "QLLX": "state_construction_land_use"})),
        feature(square(x + 0.0010, y - 0.0010, 0.0001), with(base("13"), "QLLX", json!("abc"))),
        // 14 overlap_existing (an existing parcel moved by ~3 m)
        feature(serde_json::from_str(&existing.1).unwrap(), base("14")),
        // 15 gap (2 cm from an isolated parcel), 16 sliver (0.5 mm into it)
        feature(serde_json::from_str(&isolated.1).unwrap(), base("15")),
        feature(serde_json::from_str(&isolated.2).unwrap(), base("16")),
        // 17 geometry_missing, 18 code_kind (a building number in a parcel file)
        json!({"type": "Feature", "geometry": null, "properties": base("17")}),
        feature(square(x - 0.0010, y + 0.0010, 0.0001), with(base("18"), "ZDDM", json!(format!("{s1}GB00001F0001")))),
    ];
    let file = json!({"type": "FeatureCollection", "features": features}).to_string().into_bytes();
    let v = import(&d.client, &d.base, &t, "kind=parcels", file).await;
    assert_eq!(v["status"], "ready", "{v}");
    let by_feature = |n: i64| -> Vec<String> {
        v["issues"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["feature"] == n)
            .map(|i| i["code"].as_str().unwrap().to_owned())
            .collect()
    };
    let expect = [
        (1, "geometry_invalid"),
        (2, "geometry_type"),
        (3, "outside_county"),
        (4, "overlap_in_file"),
        (5, "overlap_in_file"),
        (6, "area_mismatch"),
        (7, "area_mismatch_minor"),
        (8, "code_invalid"),
        (9, "code_subdistrict"),
        (11, "code_duplicate"),
        (12, "attribute_missing"),
        (13, "attribute_invalid"),
        (14, "overlap_existing"),
        (15, "gap"),
        (16, "sliver"),
        (17, "geometry_missing"),
        (18, "code_kind"),
    ];
    for (n, code) in expect {
        assert!(
            by_feature(n).contains(&code.to_string()),
            "feature {n} should break {code}: {:?}\n{}",
            by_feature(n),
            v["issues"]
        );
    }
    // Messages in both languages, a location where the rule can say.
    let invalid = v["issues"].as_array().unwrap().iter().find(|i| i["code"] == "geometry_invalid").unwrap();
    assert!(
        invalid["message"].as_str().unwrap().contains("图形无效")
            && invalid["message_en"].as_str().unwrap().contains("Self-intersection")
    );
    assert!(invalid["location"].is_array());
    let outside = v["issues"].as_array().unwrap().iter().find(|i| i["code"] == "outside_county").unwrap();
    assert!(outside["message_en"].as_str().unwrap().contains("outside the county"));
    // Features with errors block the commit; nothing is written.
    let before: i64 = one(&d.pool, "SELECT count(*) FROM parcels").await;
    let (status, c) = commit(&d.client, &d.base, &t, v["id"].as_str().unwrap()).await;
    assert_eq!((status, c["code"].as_str()), (409, Some("import_has_errors")), "{c}");
    assert_eq!(one::<i64>(&d.pool, "SELECT count(*) FROM parcels").await, before);
    // The staged features as a vector tile for their uploader only.
    let (z, tx, ty) = tile_of(x, y, 14);
    let r = d
        .client
        .get(format!("{}/api/imports/{}/tiles/{z}/{tx}/{ty}", d.base, v["id"].as_str().unwrap()))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(!r.bytes().await.unwrap().is_empty());
    let other = token(&d.client, &d.base, "clerk").await;
    let r = d
        .client
        .get(format!("{}/api/imports/{}", d.base, v["id"].as_str().unwrap()))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    // Buildings: one outside its parcel, one where no parcel is.
    let b: (String, String) = sqlx::query_as(
        "SELECT p.parcel_code::text, ST_AsGeoJSON(ST_Translate(p.geom, 0.0002, 0), 10) FROM buildings b JOIN parcels p ON p.id = b.parcel_id ORDER BY b.id LIMIT 1",
    )
    .fetch_one(&d.pool)
    .await
    .unwrap();
    let props = json!({"ZCS": 3, "FWJG": "3", "GHYT": "10"});
    let file = json!({"type": "FeatureCollection", "features": [
        feature(serde_json::from_str(&b.1).unwrap(), with(props.clone(), "ZDDM", json!(b.0))),
        feature(square(x - 0.0020, y - 0.0020, 0.00005), props.clone()),
    ]});
    let v = import(&d.client, &d.base, &t, "kind=buildings", file.to_string().into_bytes()).await;
    let issues = v["issues"].to_string();
    assert!(issues.contains("building_outside_parcel") && issues.contains("parent_missing"), "{issues}");
    // House units: one outside its building.
    let h: (String, String) = sqlx::query_as(
        "SELECT building_no::text, ST_AsGeoJSON(ST_Translate(geom, 0.001, 0), 10) FROM buildings ORDER BY id LIMIT 1",
    )
    .fetch_one(&d.pool)
    .await
    .unwrap();
    let file = json!({"type": "FeatureCollection", "features": [
        feature(serde_json::from_str(&h.1).unwrap(), json!({"ZRZH": h.0, "CH": 1, "HH": "101", "FWYT1": "住宅", "SCJZMJ": 90.5})),
    ]});
    let v = import(&d.client, &d.base, &t, "kind=house_units", file.to_string().into_bytes()).await;
    assert!(v["issues"].to_string().contains("house_unit_outside_building"), "{}", v["issues"]);

    // A wrong declared CRS (zone 39 for coordinates of zone 38): outside the county,
    // and the message says why.
    let dir = d.env.path().join("wrongcrs");
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("p.geojson");
    let sql = format!("{PARCEL_SQL} ORDER BY id LIMIT 5");
    ogr2ogr(&d.env.url(), &out, "GeoJSON", &sql, &["-t_srs", "EPSG:4526", "-lco", "RFC7946=NO"]);
    let v = import(&d.client, &d.base, &t, "kind=parcels&crs=EPSG:4527", std::fs::read(&out).unwrap()).await;
    let outside = v["issues"].as_array().unwrap().iter().find(|i| i["code"] == "outside_county").expect("outside");
    assert!(outside["message_en"].as_str().unwrap().contains("EPSG:4526"), "{outside}");
}

fn tile_of(lon: f64, lat: f64, z: u32) -> (u32, u32, u32) {
    let n = f64::from(1u32 << z);
    let x = ((lon + 180.0) / 360.0 * n) as u32;
    let lat = lat.to_radians();
    let y = ((1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * n) as u32;
    (z, x, y)
}

#[tokio::test]
async fn bad_uploads_are_refused_and_leave_nothing() {
    let d = Demo::start_with(&[("ONEMAP_MAX_UPLOAD_MB", "1")]).await;
    let t = token(&d.client, &d.base, "surveyor").await;
    fn shp(name: &str) -> (&str, Vec<u8>) {
        (name, b"not really".to_vec())
    }
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        ("kind=parcels", zip(&[("../evil.shp", b"x".to_vec())]), 422, "zip_unsafe_path"),
        ("kind=parcels", zip(&[("/etc/evil.shp", b"x".to_vec())]), 422, "zip_unsafe_path"),
        ("kind=parcels", zip(&[("inner.zip", zip(&[shp("a.shp")]))]), 422, "zip_nested"),
        ("kind=parcels", zip(&[shp("a.shp"), shp("a.dbf")]), 422, "shapefile_incomplete"),
        ("kind=parcels", zip(&[("bomb.dbf", vec![0u8; 200 * 1024 * 1024])]), 422, "zip_bomb"),
        ("kind=parcels", b"\x00\x01garbage bytes\xff".to_vec(), 415, "unsupported_format"),
        ("kind=parcels", Vec::new(), 422, "empty_file"),
        ("kind=parcels", vec![b'{'; 2 * 1024 * 1024], 413, "upload_too_large"),
        ("kind=roads", b"{}".to_vec(), 400, "invalid_kind"),
        ("kind=parcels&crs=EPSG:3857", b"{}".to_vec(), 400, "unsupported_crs"),
        ("kind=parcels&encoding=EBCDIC", b"{}".to_vec(), 400, "unknown_encoding"),
        ("kind=parcels&mapping=nope", b"{}".to_vec(), 400, "invalid_mapping"),
    ];
    for (query, body, status, code) in cases {
        let (s, v) = upload(&d.client, &d.base, &t, query, body).await;
        assert_eq!((s, v["code"].as_str()), (status, Some(code)), "{query}: {v}");
    }
    // A symbolic link inside the zip.
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut out);
        z.add_symlink("a.shp", "/etc/passwd", zip::write::SimpleFileOptions::default()).unwrap();
        z.finish().unwrap();
    }
    let (s, v) = upload(&d.client, &d.base, &t, "kind=parcels", out.into_inner()).await;
    assert_eq!((s, v["code"].as_str()), (422, Some("zip_symlink")), "{v}");
    // Nothing of them was kept: no import rows, no files.
    assert_eq!(one::<i64>(&d.pool, "SELECT count(*) FROM imports").await, 0);
    let dir = d.env.data_dir().join("imports");
    let left = std::fs::read_dir(&dir).map(|r| r.count()).unwrap_or(0);
    assert_eq!(left, 0, "files left in {dir:?}");
    // An empty layer and garbage with a right-looking start fail validation with a problem.
    let v =
        import(&d.client, &d.base, &t, "kind=parcels", br#"{"type":"FeatureCollection","features":[]}"#.to_vec()).await;
    assert_eq!((v["status"].as_str(), v["error"]["code"].as_str()), (Some("failed"), Some("empty_layer")), "{v}");
    let v = import(&d.client, &d.base, &t, "kind=parcels", b"{ this is not json".to_vec()).await;
    assert_eq!((v["status"].as_str(), v["error"]["code"].as_str()), (Some("failed"), Some("unreadable_file")), "{v}");
    // Who may upload: not a clerk, not the public.
    let clerk = token(&d.client, &d.base, "clerk").await;
    assert_eq!(upload(&d.client, &d.base, &clerk, "kind=parcels", b"{}".to_vec()).await.0, 403);
    let r = d.client.post(format!("{}/api/imports?kind=parcels", d.base)).body("{}").send().await.unwrap();
    assert_eq!(r.status(), 401);
}
