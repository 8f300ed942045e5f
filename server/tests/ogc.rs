//! OGC API end to end against the real server and PostGIS: the documents, paging, CRSs and
//! axis order, property filters and CQL2 (compared with the same condition in SQL), access and
//! masking, the tiles in both grids, and bad input.

mod common;

use common::{Demo, token};
use geozero::mvt::{Message, Tile};
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

struct Got {
    status: u16,
    headers: HeaderMap,
    body: Value,
}

async fn get(d: &Demo, path: &str, query: &[(&str, &str)], bearer: Option<&str>) -> Got {
    let mut req = d.client.get(format!("{}{path}", d.base)).query(query);
    if let Some(t) = bearer {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.unwrap();
    let (status, headers) = (r.status().as_u16(), r.headers().clone());
    let body = r.json().await.unwrap_or(Value::Null);
    Got { status, headers, body }
}

async fn matched(d: &Demo, coll: &str, query: &[(&str, &str)]) -> i64 {
    let g = get(d, &format!("/ogc/collections/{coll}/items"), query, None).await;
    assert_eq!(g.status, 200, "{coll} {query:?}: {}", g.body);
    g.body["numberMatched"].as_i64().unwrap()
}

async fn sql_count(d: &Demo, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&d.pool).await.unwrap()
}

fn first_position(feature: &Value) -> (f64, f64) {
    let mut c = &feature["geometry"]["coordinates"];
    while c[0].is_array() {
        c = &c[0];
    }
    (c[0].as_f64().unwrap(), c[1].as_f64().unwrap())
}

fn link<'a>(body: &'a Value, rel: &str) -> Option<&'a str> {
    body["links"].as_array()?.iter().find(|l| l["rel"] == rel).and_then(|l| l["href"].as_str())
}

#[tokio::test]
async fn documents_paging_and_crs() {
    let d = Demo::start().await;

    let landing = get(&d, "/ogc", &[], None).await;
    assert_eq!(landing.status, 200);
    for rel in ["service-desc", "service-doc", "conformance", "data"] {
        assert!(link(&landing.body, rel).is_some(), "landing page lacks {rel}");
    }
    let conf = get(&d, "/ogc/conformance", &[], None).await.body["conformsTo"].clone();
    for class in [
        "ogcapi-features-1/1.0/conf/core",
        "ogcapi-features-2/1.0/conf/crs",
        "ogcapi-features-3/1.0/conf/filter",
        "cql2/1.0/conf/cql2-json",
        "ogcapi-tiles-1/1.0/conf/core",
    ] {
        assert!(conf.as_array().unwrap().iter().any(|c| c.as_str().unwrap().ends_with(class)), "{class}");
    }
    let api = get(&d, "/ogc/api", &[], None).await;
    assert_eq!(api.headers["content-type"], "application/vnd.oai.openapi+json;version=3.0");
    assert_eq!(api.body["openapi"], "3.0.3");
    assert!(api.body["paths"]["/collections/parcels/items"]["get"]["parameters"].as_array().unwrap().len() > 10);
    let docs = d.client.get(format!("{}/ogc/api?f=html", d.base)).send().await.unwrap();
    assert!(docs.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(docs.text().await.unwrap().contains("发送请求"));

    // Anonymous callers see the registration collections only.
    let colls = get(&d, "/ogc/collections", &[], None).await.body;
    let ids: Vec<&str> = colls["collections"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["parcels", "buildings", "house_units", "admin_areas"]);
    assert_eq!(colls["collections"][0]["storageCrs"], "http://www.opengis.net/def/crs/EPSG/0/4490");
    assert_eq!(colls["collections"][0]["crs"].as_array().unwrap().len(), 46);

    // numberMatched is the database's count.
    for (coll, table) in [
        ("parcels", "parcels"),
        ("buildings", "buildings"),
        ("house_units", "house_units"),
        ("admin_areas", "admin_areas WHERE geom IS NOT NULL"),
    ] {
        assert_eq!(
            matched(&d, coll, &[]).await,
            sql_count(&d, &format!("SELECT count(*) FROM {table}")).await,
            "{coll}"
        );
    }

    // Paging: default 10, next/prev links, stable ids in code order, no gaps or overlaps.
    let expected: Vec<String> = sqlx::query_scalar("SELECT unit_code::text FROM parcels ORDER BY unit_code LIMIT 21")
        .fetch_all(&d.pool)
        .await
        .unwrap();
    let first = get(&d, "/ogc/collections/parcels/items", &[], None).await.body;
    assert_eq!(first["numberReturned"], 10);
    assert!(link(&first, "prev").is_none());
    let mut seen = Vec::new();
    let mut url = format!("{}/ogc/collections/parcels/items?limit=7", d.base);
    for page in 0..3 {
        let body: Value = d.client.get(&url).send().await.unwrap().json().await.unwrap();
        assert_eq!(body["numberReturned"], 7);
        assert_eq!(link(&body, "prev").is_some(), page > 0);
        seen.extend(body["features"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap().to_owned()));
        url = link(&body, "next").unwrap().to_owned();
    }
    assert_eq!(seen, expected);
    // A huge limit is clamped.
    let all = get(&d, "/ogc/collections/house_units/items", &[("limit", "99999999999999999999999")], None).await;
    assert_eq!(all.status, 200);
    let units = sql_count(&d, "SELECT count(*) FROM house_units").await;
    assert_eq!(all.body["numberReturned"].as_i64(), Some(units.min(10_000)));
    assert_eq!(link(&all.body, "next").is_some(), units > 10_000);
    let clamped = get(&d, "/ogc/collections/house_units/items", &[("limit", "20000"), ("offset", "10")], None).await;
    assert_eq!(clamped.body["numberReturned"].as_i64(), Some((units - 10).min(10_000)));

    // One parcel in every CRS: axis order and values from PostGIS.
    let id = &expected[0];
    let (lon, lat, e, n, mx, my): (f64, f64, f64, f64, f64, f64) = sqlx::query_as(
        "SELECT ST_X(p), ST_Y(p), ST_X(ST_Transform(p, 4526)), ST_Y(ST_Transform(p, 4526)),
                ST_X(ST_Transform(p, 3857)), ST_Y(ST_Transform(p, 3857))
         FROM (SELECT ST_PointN(ST_ExteriorRing(ST_GeometryN(geom, 1)), 1) AS p FROM parcels WHERE unit_code = $1) x",
    )
    .bind(id)
    .fetch_one(&d.pool)
    .await
    .unwrap();
    let item = |crs: &'static str| {
        let d = &d;
        async move {
            let g = get(d, &format!("/ogc/collections/parcels/items/{id}"), &[("crs", crs)], None).await;
            assert_eq!(g.status, 200, "{crs}");
            assert_eq!(g.headers["content-crs"], format!("<{crs}>"));
            first_position(&g.body)
        }
    };
    let near = |a: (f64, f64), b: (f64, f64), tol: f64| (a.0 - b.0).abs() < tol && (a.1 - b.1).abs() < tol;
    let p = item("http://www.opengis.net/def/crs/OGC/1.3/CRS84").await;
    assert!(near(p, (lon, lat), 1e-6), "CRS84 is lon/lat: {p:?}");
    let p = item("http://www.opengis.net/def/crs/EPSG/0/4490").await;
    assert!(near(p, (lat, lon), 1e-6), "EPSG:4490 is lat/lon: {p:?}");
    let p = item("http://www.opengis.net/def/crs/EPSG/0/4326").await;
    assert!(near(p, (lat, lon), 1e-6), "EPSG:4326 is lat/lon: {p:?}");
    let p = item("http://www.opengis.net/def/crs/EPSG/0/4526").await;
    assert!(near(p, (n, e), 0.01), "EPSG:4526 is northing/easting: {p:?} vs {n},{e}");
    assert!(p.1 > 38_000_000.0, "zone 38 easting carries the zone number");
    let p = item("http://www.opengis.net/def/crs/EPSG/0/3857").await;
    assert!(near(p, (mx, my), 0.01), "EPSG:3857 is easting/northing: {p:?}");

    // The same small area as a CRS84 bbox and as a Gauss-Krüger bbox (northing first).
    let (w, s, ee, nn) = (lon - 0.002, lat - 0.002, lon + 0.002, lat + 0.002);
    let in_sql = sql_count(
        &d,
        &format!("SELECT count(*) FROM parcels WHERE ST_Intersects(geom, ST_MakeEnvelope({w}, {s}, {ee}, {nn}, 4490))"),
    )
    .await;
    assert!(in_sql > 0);
    assert_eq!(matched(&d, "parcels", &[("bbox", &format!("{w},{s},{ee},{nn}"))]).await, in_sql);
    let gk = format!("{},{},{},{}", n - 50.0, e - 50.0, n + 50.0, e + 50.0);
    let gk_hits = get(
        &d,
        "/ogc/collections/parcels/items",
        &[("bbox", &gk), ("bbox-crs", "http://www.opengis.net/def/crs/EPSG/0/4526"), ("limit", "1000")],
        None,
    )
    .await
    .body;
    assert!(gk_hits["features"].as_array().unwrap().iter().any(|f| f["id"] == id.as_str()));
    // EPSG:4490 bbox: latitude first.
    assert_eq!(
        matched(
            &d,
            "parcels",
            &[("bbox", &format!("{s},{w},{nn},{ee}")), ("bbox-crs", "http://www.opengis.net/def/crs/EPSG/0/4490")]
        )
        .await,
        in_sql
    );

    // datetime on the time field, property filters on queryables.
    assert_eq!(matched(&d, "parcels", &[("datetime", "2999-01-01T00:00:00Z/..")]).await, 0);
    assert_eq!(
        matched(&d, "parcels", &[("datetime", "../2999-01-01")]).await,
        sql_count(&d, "SELECT count(*) FROM parcels").await
    );
    assert_eq!(
        matched(&d, "parcels", &[("land_use", "0701")]).await,
        sql_count(&d, "SELECT count(*) FROM parcels WHERE land_use = '0701'").await
    );
    assert_eq!(
        matched(&d, "buildings", &[("floors", "6")]).await,
        sql_count(&d, "SELECT count(*) FROM buildings WHERE floors = 6").await
    );

    // numberMatched is cached between pages but follows data changes (PostgreSQL notifies).
    let before = matched(&d, "parcels", &[("land_use", "0701")]).await;
    sqlx::query(
        "UPDATE parcels SET land_use = '0702' WHERE id = (SELECT min(id) FROM parcels WHERE land_use = '0701')",
    )
    .execute(&d.pool)
    .await
    .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while matched(&d, "parcels", &[("land_use", "0701")]).await != before - 1 {
        assert!(std::time::Instant::now() < deadline, "the count did not follow the change");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    // HTML by f= and by Accept; queryables as JSON Schema.
    let html = d
        .client
        .get(format!("{}/ogc/collections/parcels/items", d.base))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert!(html.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(html.text().await.unwrap().contains("宗地"));
    let q = get(&d, "/ogc/collections/parcels/queryables", &[], None).await;
    assert_eq!(q.headers["content-type"], "application/schema+json");
    assert_eq!(q.body["properties"]["land_use"]["type"], "string");
    assert_eq!(q.body["properties"]["updated_at"]["format"], "date-time");
}

#[tokio::test]
async fn cql2_filters_match_sql() {
    let d = Demo::start().await;
    let (lon, lat): (f64, f64) =
        sqlx::query_as("SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_Centroid(ST_Extent(geom)) AS c FROM parcels) x")
            .fetch_one(&d.pool)
            .await
            .unwrap();
    let (w, s, e, n) = (lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01);
    let ring = format!("{w} {s},{e} {s},{e} {n},{w} {n},{w} {s}");
    let cases: Vec<(String, String)> = vec![
        ("land_use = '0701'".into(), "land_use = '0701'".into()),
        ("area_m2 > 500 AND land_use <> '0701'".into(), "area_m2 > 500 AND land_use <> '0701'".into()),
        ("address LIKE '%幸福路%'".into(), "address LIKE '%幸福路%'".into()),
        ("land_use IN ('0701', '0702', '1201')".into(), "land_use IN ('0701', '0702', '1201')".into()),
        ("area_m2 BETWEEN 100 AND 300".into(), "area_m2 BETWEEN 100 AND 300".into()),
        ("registered_area_m2 IS NULL".into(), "registered_area_m2 IS NULL".into()),
        ("registered_area_m2 IS NOT NULL".into(), "registered_area_m2 IS NOT NULL".into()),
        (
            "right_type = 'homestead_use' OR area_m2 < 150".into(),
            "right_type = 'homestead_use' OR area_m2 < 150".into(),
        ),
        ("NOT (land_use = '0701' OR land_use = '0702')".into(), "NOT (land_use = '0701' OR land_use = '0702')".into()),
        ("CASEI(right_nature) = CASEI('GRANTED')".into(), "right_nature = 'granted'".into()),
        ("updated_at > TIMESTAMP('2000-01-01T00:00:00Z')".into(), "updated_at > '2000-01-01T00:00:00Z'".into()),
        (
            format!("S_INTERSECTS(geometry, POLYGON(({ring})))"),
            format!("ST_Intersects(geom, ST_GeomFromText('POLYGON(({ring}))', 4490))"),
        ),
        (
            format!("S_WITHIN(geometry, BBOX({w}, {s}, {e}, {n})) AND land_use LIKE '07%'"),
            format!("ST_Within(geom, ST_MakeEnvelope({w}, {s}, {e}, {n}, 4490)) AND land_use LIKE '07%'"),
        ),
        (
            format!("S_INTERSECTS(geometry, POINT({lon} {lat}))"),
            format!("ST_Intersects(geom, ST_Point({lon}, {lat}, 4490))"),
        ),
    ];
    for (cql, sql) in &cases {
        let expected = sql_count(&d, &format!("SELECT count(*) FROM parcels WHERE {sql}")).await;
        let got = matched(&d, "parcels", &[("filter", cql), ("filter-lang", "cql2-text")]).await;
        assert_eq!(got, expected, "{cql}");
        // The same filter as cql2-json, by the cql2 crate's own conversion.
        let json = cql2::parse_text(cql).unwrap().to_value().unwrap().to_string();
        let got = matched(&d, "parcels", &[("filter", &json), ("filter-lang", "cql2-json")]).await;
        assert_eq!(got, expected, "{json}");
    }
    // Not every case is empty or everything.
    let total = sql_count(&d, "SELECT count(*) FROM parcels").await;
    let mut distinct = std::collections::BTreeSet::new();
    for (_, sql) in &cases {
        distinct.insert(sql_count(&d, &format!("SELECT count(*) FROM parcels WHERE {sql}")).await);
    }
    assert!(distinct.len() >= 8 && distinct.iter().any(|&c| c > 0 && c < total), "{distinct:?}");

    // filter-crs: EPSG:4490 geometries are latitude first.
    let crs84 = matched(&d, "parcels", &[("filter", &format!("S_INTERSECTS(geometry, POLYGON(({ring})))"))]).await;
    let swapped = format!("{s} {w},{s} {e},{n} {e},{n} {w},{s} {w}");
    let cgcs = matched(
        &d,
        "parcels",
        &[
            ("filter", &format!("S_INTERSECTS(geometry, POLYGON(({swapped})))")),
            ("filter-crs", "http://www.opengis.net/def/crs/EPSG/0/4490"),
        ],
    )
    .await;
    assert_eq!(crs84, cgcs);
    // Filters combine with bbox and property filters; other collections have their own queryables.
    let combined = matched(&d, "parcels", &[("filter", "area_m2 > 200"), ("land_use", "0701")]).await;
    assert_eq!(combined, sql_count(&d, "SELECT count(*) FROM parcels WHERE area_m2 > 200 AND land_use = '0701'").await);
    assert_eq!(
        matched(&d, "buildings", &[("filter", "floors >= 6 AND structure = 'reinforced_concrete'")]).await,
        sql_count(&d, "SELECT count(*) FROM buildings WHERE floors >= 6 AND structure = 'reinforced_concrete'").await
    );
}

/// A request that must fail: path, query, status, problem code.
type BadCase<'a> = (&'a str, &'a [(&'a str, &'a str)], u16, &'a str);

#[tokio::test]
async fn access_masking_tiles_and_bad_input() {
    let d = Demo::start().await;
    let officer = token(&d.client, &d.base, "officer").await;
    let appraiser = token(&d.client, &d.base, "appraiser1").await;
    let clerk = token(&d.client, &d.base, "clerk").await;

    // Relocation collections: 401 anonymous, 403 clerk, all for the officer, own projects for
    // the appraiser, ID numbers masked for the appraiser only.
    let path = "/ogc/collections/compensation_units/items";
    let anon = get(&d, path, &[], None).await;
    assert_eq!((anon.status, anon.body["code"].as_str()), (401, Some("unauthenticated")));
    assert_eq!(get(&d, path, &[], Some(&clerk)).await.status, 403);
    let all = get(&d, path, &[("limit", "10000")], Some(&officer)).await.body;
    assert_eq!(all["numberMatched"].as_i64(), Some(sql_count(&d, "SELECT count(*) FROM compensation_units").await));
    let own = get(&d, path, &[("limit", "10000")], Some(&appraiser)).await.body;
    let projects: Vec<String> = get(&d, "/api/projects", &[], Some(&appraiser))
        .await
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_owned())
        .collect();
    let own_features = own["features"].as_array().unwrap();
    assert!(!own_features.is_empty() && own_features.len() < all["features"].as_array().unwrap().len());
    for f in own_features {
        assert!(projects.contains(&f["properties"]["project_code"].as_str().unwrap().to_owned()));
    }
    let id_of = |features: &Value| {
        features["features"]
            .as_array()
            .unwrap()
            .iter()
            .find_map(|f| f["properties"]["owner_id_number"].as_str().map(str::to_owned))
            .unwrap()
    };
    assert!(!id_of(&all).contains('*') && id_of(&own).contains("********"), "{} / {}", id_of(&all), id_of(&own));
    let code = own_features[0]["id"].as_str().unwrap();
    assert_eq!(get(&d, &format!("{path}/{code}"), &[], Some(&appraiser)).await.status, 200);
    let outside = all["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| !projects.contains(&f["properties"]["project_code"].as_str().unwrap().to_owned()))
        .unwrap();
    let outside = outside["id"].as_str().unwrap();
    assert_eq!(get(&d, &format!("{path}/{outside}"), &[], Some(&appraiser)).await.status, 404);
    let photos = get(&d, "/ogc/collections/photos/items", &[("datetime", "2000-01-01/..")], Some(&officer)).await.body;
    assert_eq!(photos["numberMatched"].as_i64(), Some(sql_count(&d, "SELECT count(*) FROM photos").await));

    // Tiles: both tile matrix sets; WebMercatorQuad tiles are the /tiles tiles.
    let sets = get(&d, "/ogc/tileMatrixSets", &[], None).await.body;
    assert_eq!(sets["tileMatrixSets"].as_array().unwrap().len(), 2);
    let cgcs = get(&d, "/ogc/tileMatrixSets/CGCS2000Quad", &[], None).await.body;
    assert_eq!(cgcs["crs"], "http://www.opengis.net/def/crs/EPSG/0/4490");
    let (lon, lat): (f64, f64) = sqlx::query_as(
        "SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_PointOnSurface(geom) AS c FROM parcels ORDER BY id LIMIT 1) x",
    )
    .fetch_one(&d.pool)
    .await
    .unwrap();
    let z = 16u32;
    let nz = f64::from(1u32 << z);
    let x = ((lon + 180.0) / 360.0 * nz) as u32;
    let y = ((1.0 - lat.to_radians().tan().asinh() / std::f64::consts::PI) / 2.0 * nz) as u32;
    let bytes = |url: String| {
        let client = d.client.clone();
        async move {
            let r = client.get(url).send().await.unwrap();
            assert_eq!(r.status(), 200);
            assert_eq!(r.headers()["content-type"], "application/vnd.mapbox-vector-tile");
            r.bytes().await.unwrap()
        }
    };
    let ogc = bytes(format!("{}/ogc/collections/parcels/tiles/WebMercatorQuad/{z}/{y}/{x}", d.base)).await;
    assert_eq!(ogc, bytes(format!("{}/tiles/parcels/{z}/{x}/{y}.mvt", d.base)).await);
    // The 天地图 grid: level 16 cells are 180/2^15 degrees.
    let size = 180.0 / f64::from(1u32 << 15);
    let (row, col) = (((90.0 - lat) / size) as u32, ((lon + 180.0) / size) as u32);
    let tile =
        Tile::decode(bytes(format!("{}/ogc/collections/parcels/tiles/CGCS2000Quad/16/{row}/{col}", d.base)).await)
            .unwrap();
    assert_eq!(tile.layers.len(), 1);
    assert_eq!(tile.layers[0].name, "parcels");
    assert!(!tile.layers[0].features.is_empty());
    let size8 = 180.0 / 128.0;
    let tile = Tile::decode(
        bytes(format!(
            "{}/ogc/tiles/CGCS2000Quad/8/{}/{}",
            d.base,
            ((90.0 - lat) / size8) as u32,
            ((lon + 180.0) / size8) as u32
        ))
        .await,
    )
    .unwrap();
    let names: Vec<&str> = tile.layers.iter().map(|l| l.name.as_str()).collect();
    assert!(names.contains(&"county") && names.contains(&"parcels"), "{names:?}");
    let ts = get(&d, "/ogc/collections/parcels/tiles/CGCS2000Quad", &[], None).await.body;
    assert_eq!(ts["layers"][0]["id"], "parcels");
    assert!(ts["links"].as_array().unwrap().iter().any(|l| l["rel"] == "item" && l["templated"] == json!(true)));

    // Bad input: 400 naming the reason (or 404), never a 500.
    let items = "/ogc/collections/parcels/items";
    let cases: &[BadCase] = &[
        (items, &[("foo", "1")], 400, "unknown_parameter"),
        (items, &[("limit", "0")], 400, "invalid_parameter"),
        (items, &[("limit", "ten")], 400, "invalid_parameter"),
        (items, &[("offset", "-1")], 400, "invalid_parameter"),
        (items, &[("offset", "99999999999999999999")], 400, "invalid_parameter"),
        (items, &[("bbox", "1,2,3")], 400, "invalid_parameter"),
        (items, &[("bbox", "a,b,c,d")], 400, "invalid_parameter"),
        (items, &[("bbox", "113,35,112,34")], 400, "invalid_parameter"),
        (items, &[("bbox", "113,35,114,95")], 400, "invalid_parameter"),
        (items, &[("bbox", "1,2,3,4"), ("bbox-crs", "EPSG:9999")], 400, "invalid_parameter"),
        (items, &[("bbox-crs", "http://www.opengis.net/def/crs/EPSG/0/4490")], 400, "invalid_parameter"),
        (
            items,
            &[("bbox", "0,0,1,1"), ("bbox-crs", "http://www.opengis.net/def/crs/EPSG/0/4526")],
            400,
            "invalid_parameter",
        ),
        (items, &[("crs", "urn:nothing")], 400, "invalid_parameter"),
        (items, &[("datetime", "yesterday")], 400, "invalid_parameter"),
        (items, &[("datetime", "2020-01-02/2020-01-01")], 400, "invalid_parameter"),
        (items, &[("land_use", "1"), ("land_use", "2")], 400, "invalid_parameter"),
        (items, &[("area_m2", "big")], 400, "invalid_parameter"),
        (items, &[("filter", "land_use = ")], 400, "invalid_filter"),
        (items, &[("filter", "owner = 'x'")], 400, "invalid_filter"),
        (items, &[("filter", "area_m2 = 'x'")], 400, "invalid_filter"),
        (items, &[("filter", "land_use = NULL")], 400, "invalid_filter"),
        (items, &[("filter", "S_INTERSECTS(geometry, POLYGON((1 1, 2 2)))")], 400, "invalid_filter"),
        (items, &[("filter", "S_INTERSECTS(geometry, POINT(500 500))")], 400, "invalid_filter"),
        (items, &[("filter", "S_INTERSECTS(land_use, POINT(113 35))")], 400, "invalid_filter"),
        (items, &[("filter", "T_AFTER(updated_at, TIMESTAMP('2020-01-01T00:00:00Z'))")], 400, "invalid_filter"),
        (items, &[("filter", "{\"op\": \"=\"}"), ("filter-lang", "cql2-json")], 400, "invalid_filter"),
        (items, &[("filter", "a = 1"), ("filter-lang", "ecql")], 400, "invalid_parameter"),
        (items, &[("f", "xml")], 400, "unsupported_format"),
        ("/ogc/collections", &[("limit", "5")], 400, "unknown_parameter"),
        ("/ogc/collections/nothing/items", &[], 404, "not_found"),
        ("/ogc/collections/parcels/items/410825000000GB00000W00000000", &[], 404, "not_found"),
        ("/ogc/collections/parcels/tiles/WebMercatorQuad/23/0/0", &[], 400, "invalid_parameter"),
        ("/ogc/collections/parcels/tiles/WebMercatorQuad/2/4/0", &[], 400, "invalid_parameter"),
        ("/ogc/collections/parcels/tiles/CGCS2000Quad/0/0/0", &[], 400, "invalid_parameter"),
        ("/ogc/collections/parcels/tiles/CGCS2000Quad/1/1/0", &[], 400, "invalid_parameter"),
        ("/ogc/collections/parcels/tiles/WorldCRS84Quad/1/0/0", &[], 404, "not_found"),
        ("/ogc/tileMatrixSets/Nope", &[], 404, "not_found"),
    ];
    for (path, query, status, code) in cases {
        let g = get(&d, path, query, None).await;
        assert_eq!((g.status, g.body["code"].as_str()), (*status, Some(*code)), "{path} {query:?}: {}", g.body);
        assert!(g.body["detail"].as_str().is_some_and(|m| m.len() > 10), "{path} {query:?}");
    }
}
