//! Single edits through OGC API Features Part 4, history, and commits under pressure: two
//! commits on the same parcel, a server killed during a commit, a validation resumed after a
//! restart.

mod common;

use std::time::Duration;

use common::survey::*;
use common::{Demo, Server, token};
use serde_json::{Value, json};

async fn send(req: reqwest::RequestBuilder) -> (u16, reqwest::header::HeaderMap, Value) {
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    (status, headers, r.json().await.unwrap_or(Value::Null))
}

fn etag(h: &reqwest::header::HeaderMap) -> String {
    h.get("etag").expect("an ETag").to_str().unwrap().to_owned()
}

#[tokio::test]
async fn part4_create_replace_patch_delete() {
    let d = Demo::start().await;
    let t = token(&d.client, &d.base, "surveyor").await;
    let items = format!("{}/ogc/collections/parcels/items", d.base);
    let conformance: Value =
        d.client.get(format!("{}/ogc/conformance", d.base)).send().await.unwrap().json().await.unwrap();
    for c in ["create-replace-delete", "update", "optimistic-locking-etags"] {
        assert!(conformance.to_string().contains(&format!("ogcapi-features-4/1.0/conf/{c}")), "{c}");
    }
    // OPTIONS says what the caller may do.
    let allow = |h: &reqwest::header::HeaderMap| h.get("allow").unwrap().to_str().unwrap().to_owned();
    let (_, h, _) = send(d.client.request(reqwest::Method::OPTIONS, &items).bearer_auth(&t)).await;
    assert!(allow(&h).contains("POST"));
    let (_, h, _) = send(d.client.request(reqwest::Method::OPTIONS, &items)).await;
    assert!(!allow(&h).contains("POST"));

    // An existing parcel: GET gives a strong ETag.
    let (fid, code): (String, String) =
        sqlx::query_as("SELECT unit_code::text, parcel_code::text FROM parcels ORDER BY id LIMIT 1 OFFSET 10")
            .fetch_one(&d.pool)
            .await
            .unwrap();
    let (s, h, feature) = send(d.client.get(format!("{items}/{fid}"))).await;
    assert_eq!(s, 200);
    let tag = etag(&h);
    assert!(tag.starts_with('"') && !tag.starts_with("W/"), "{tag}");

    // PATCH without If-Match → 428; with it → 204 and a new ETag; again with the old → 412.
    let patch = json!({"properties": {"address": "温县编辑路1号"}});
    let (s, _, v) = send(d.client.patch(format!("{items}/{fid}")).bearer_auth(&t).json(&patch)).await;
    assert_eq!((s, v["code"].as_str()), (428, Some("if_match_required")));
    let (s, h, _) =
        send(d.client.patch(format!("{items}/{fid}")).bearer_auth(&t).header("if-match", &tag).json(&patch)).await;
    assert_eq!(s, 204);
    let tag2 = etag(&h);
    assert_ne!(tag, tag2);
    let (s, _, v) =
        send(d.client.patch(format!("{items}/{fid}")).bearer_auth(&t).header("if-match", &tag).json(&patch)).await;
    assert_eq!((s, v["code"].as_str()), (412, Some("stale_etag")), "{v}");
    let address: String = sqlx::query_scalar("SELECT address FROM parcels WHERE parcel_code = $1")
        .bind(&code)
        .fetch_one(&d.pool)
        .await
        .unwrap();
    assert_eq!(address, "温县编辑路1号");
    // A patch that only changes attributes keeps the geometry exactly.
    let same: bool = sqlx::query_scalar(
        "SELECT ST_Equals(p.geom, h.geom) FROM parcels p JOIN parcels_history h ON h.id = p.id AND h.valid_to IS NOT NULL
         WHERE p.parcel_code = $1 ORDER BY h.valid_to DESC LIMIT 1",
    )
    .bind(&code)
    .fetch_one(&d.pool)
    .await
    .unwrap();
    assert!(same);

    // The rules answer 422 naming themselves: a self-intersecting geometry, an unknown land use.
    let bowtie = json!({"type": "Polygon", "coordinates": [[[113.0, 34.9], [113.001, 34.901], [113.001, 34.9], [113.0, 34.901], [113.0, 34.9]]]});
    let (s, _, v) = send(
        d.client
            .patch(format!("{items}/{fid}"))
            .bearer_auth(&t)
            .header("if-match", &tag2)
            .json(&json!({"geometry": bowtie})),
    )
    .await;
    assert_eq!((s, v["code"].as_str()), (422, Some("validation_failed")), "{v}");
    assert_eq!(v["issues"][0]["code"], "geometry_invalid");
    assert!(v["issues"][0]["message"].as_str().unwrap().contains("图形无效"));
    let (s, _, v) = send(
        d.client
            .patch(format!("{items}/{fid}"))
            .bearer_auth(&t)
            .header("if-match", &tag2)
            .json(&json!({"properties": {"land_use": "9999"}})),
    )
    .await;
    assert_eq!((s, v["issues"][0]["code"].as_str()), (422, Some("attribute_invalid")), "{v}");

    // PUT replaces the whole feature (moved by ~1 m: overlaps its neighbours → 422 unless
    // the geometry stays); here the same geometry with new attributes.
    let mut replacement = feature.clone();
    replacement["properties"] = json!({"address": "温县替换路2号", "land_use": "0501", "right_type": "state_construction_land_use", "right_nature": "granted"});
    let (s, h, v) =
        send(d.client.put(format!("{items}/{fid}")).bearer_auth(&t).header("if-match", &tag2).json(&replacement)).await;
    assert_eq!(s, 204, "{v}");
    let tag3 = etag(&h);
    let row: (String, String, i32) =
        sqlx::query_as("SELECT address, land_use::text, version FROM parcels WHERE parcel_code = $1")
            .bind(&code)
            .fetch_one(&d.pool)
            .await
            .unwrap();
    assert_eq!((row.0.as_str(), row.1.as_str()), ("温县替换路2号", "0501"));
    assert_eq!(tag3, format!("\"v{}\"", row.2));

    // POST a new parcel in an empty place: its code is allocated in the sub-district.
    let (sub, x, y): (String, f64, f64) = sqlx::query_as(
        "SELECT s.code::text, ST_X(c), ST_Y(c) FROM (SELECT code, ST_PointOnSurface(geom) c FROM cadastral_subdistricts) s
         WHERE NOT EXISTS (SELECT FROM parcels p WHERE ST_DWithin(p.geom, s.c, 0.003)) ORDER BY code LIMIT 1",
    )
    .fetch_one(&d.pool)
    .await
    .unwrap();
    let square = json!({"type": "Polygon", "coordinates": [[[x, y], [x + 0.0002, y], [x + 0.0002, y + 0.0002], [x, y + 0.0002], [x, y]]]});
    let new = json!({"type": "Feature", "geometry": square, "properties": {"address": "温县新建路3号", "land_use": "0701", "right_type": "state_construction_land_use", "right_nature": "granted"}});
    let (s, h, v) =
        send(d.client.post(&items).bearer_auth(&t).header("content-type", "application/geo+json").json(&new)).await;
    assert_eq!(s, 201, "{v}");
    let location = h.get("location").unwrap().to_str().unwrap().to_owned();
    let new_fid = v["id"].as_str().unwrap().to_owned();
    assert!(location.ends_with(&new_fid) && new_fid.starts_with(&format!("{sub}GB")), "{location} {new_fid}");
    let (s, h, got) = send(d.client.get(&location)).await;
    assert_eq!(s, 200);
    assert_eq!(got["properties"]["address"], "温县新建路3号");
    // Others may not write; the public may not either.
    let clerk = token(&d.client, &d.base, "clerk").await;
    assert_eq!(send(d.client.post(&items).bearer_auth(&clerk).json(&new)).await.0, 403);
    assert_eq!(send(d.client.post(&items).json(&new)).await.0, 401);
    // Read-only collections refuse writes.
    let (s, _, v) =
        send(d.client.post(format!("{}/ogc/collections/photos/items", d.base)).bearer_auth(&t).json(&new)).await;
    assert_eq!((s, v["code"].as_str()), (405, Some("read_only_collection")), "{v}");

    // DELETE: refused for a parcel with registered rights; done for the new one.
    let (s, _, v) = send(d.client.delete(format!("{items}/{fid}")).bearer_auth(&t).header("if-match", &tag3)).await;
    assert_eq!(s, 409, "{v}");
    assert!(matches!(v["code"].as_str(), Some("has_rights" | "has_dependents")), "{v}");
    let (s, _, _) = send(d.client.delete(&location).bearer_auth(&t).header("if-match", etag(&h))).await;
    assert_eq!(s, 204);
    assert_eq!(send(d.client.get(&location)).await.0, 404);

    // History: every version with who and how; the deleted parcel's too.
    let (s, _, hist) = send(d.client.get(format!("{}/api/units/{code}/history", d.base)).bearer_auth(&t)).await;
    assert_eq!(s, 200);
    let versions = hist["versions"].as_array().unwrap();
    assert!(versions.len() >= 3, "{hist}");
    assert_eq!(versions[0]["actor"], "user:surveyor");
    assert_eq!(versions[0]["changes"]["land_use"][1], "0501", "{}", versions[0]);
    assert!(versions[0]["request_id"].is_string(), "{}", versions[0]);
    let deleted_code = &new_fid[..19];
    let (_, _, hist) = send(d.client.get(format!("{}/api/units/{deleted_code}/history", d.base)).bearer_auth(&t)).await;
    assert_eq!(hist["versions"][0]["ended_op"], "delete", "{hist}");
    // Every write audited.
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action IN ('feature_create', 'feature_patch', 'feature_replace', 'feature_delete')",
    )
    .fetch_one(&d.pool)
    .await
    .unwrap();
    assert_eq!(audited, 4);
    // Plain SQL is history too, named as such.
    sqlx::query("UPDATE parcels SET address = address || '。' WHERE parcel_code = $1")
        .bind(&code)
        .execute(&d.pool)
        .await
        .unwrap();
    let (_, _, hist) = send(d.client.get(format!("{}/api/units/{code}/history", d.base)).bearer_auth(&t)).await;
    assert!(hist["versions"][0]["actor"].as_str().unwrap().starts_with("sql:"), "{}", hist["versions"][0]);
}

/// An import changing the address of `n` parcels from `offset`, as GeoJSON.
async fn readdress(d: &Demo, offset: i64, n: i64, suffix: &str) -> Vec<u8> {
    let fc: Value = sqlx::query_scalar(
        "SELECT json_build_object('type', 'FeatureCollection', 'features', json_agg(json_build_object('type', 'Feature',
            'geometry', ST_AsGeoJSON(geom, 12)::json,
            'properties', json_build_object('ZDDM', parcel_code, 'ZL', address || $3, 'YT', land_use, 'QLLX', right_type,
                                            'QLXZ', right_nature)) ORDER BY id))
         FROM (SELECT * FROM parcels ORDER BY id LIMIT $2 OFFSET $1) p",
    )
    .bind(offset)
    .bind(n)
    .bind(suffix)
    .fetch_one(&d.pool)
    .await
    .unwrap();
    fc.to_string().into_bytes()
}

#[tokio::test]
async fn concurrent_commits_crash_and_restart() {
    let mut d = Demo::start().await;
    let t = token(&d.client, &d.base, "surveyor").await;

    // Two imports touching the same parcels: the first commit wins, the second gets 409.
    let a = import(&d.client, &d.base, &t, "kind=parcels", readdress(&d, 0, 5, "甲").await).await;
    let b = import(&d.client, &d.base, &t, "kind=parcels", readdress(&d, 3, 5, "乙").await).await;
    assert_eq!((a["counts"]["changed"].as_i64(), b["counts"]["changed"].as_i64()), (Some(5), Some(5)), "{a}\n{b}");
    let (ra, rb) = tokio::join!(
        commit(&d.client, &d.base, &t, a["id"].as_str().unwrap()),
        commit(&d.client, &d.base, &t, b["id"].as_str().unwrap())
    );
    let mut statuses = [ra.0, rb.0];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{ra:?} {rb:?}");
    let loser = if ra.0 == 409 { &ra.1 } else { &rb.1 };
    assert_eq!(loser["code"], "import_stale", "{loser}");
    let changed: i64 =
        sqlx::query_scalar("SELECT count(*) FROM parcels WHERE address LIKE '%甲' OR address LIKE '%乙'")
            .fetch_one(&d.pool)
            .await
            .unwrap();
    assert_eq!(changed, 5, "only the winner's five");

    // A commit of every parcel, the server killed (SIGKILL) while it runs: afterwards the
    // register is either wholly before or wholly after, never half.
    let all = import(&d.client, &d.base, &t, "kind=parcels", readdress(&d, 0, 2000, "丙").await).await;
    assert_eq!(all["counts"]["changed"], 2000, "{}", all["counts"]);
    let url = format!("{}/api/imports/{}/commit", d.base, all["id"].as_str().unwrap());
    let client = d.client.clone();
    let tok = t.clone();
    let pending = tokio::spawn(async move { client.post(url).bearer_auth(tok).send().await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    d.server.child.kill().unwrap();
    d.server.child.wait().unwrap();
    let _ = pending.await;
    let n: i64 =
        sqlx::query_scalar("SELECT count(*) FROM parcels WHERE address LIKE '%丙'").fetch_one(&d.pool).await.unwrap();
    let status: String = sqlx::query_scalar("SELECT status FROM imports WHERE id = $1::uuid")
        .bind(all["id"].as_str().unwrap())
        .fetch_one(&d.pool)
        .await
        .unwrap();
    assert!(
        (n == 0 && status == "ready") || (n == 2000 && status == "committed"),
        "half a commit: {n} rows, import {status}"
    );

    // A validation interrupted by a restart is picked up again.
    let mut server = Server::start(&d.env).await;
    let base = server.base.clone();
    let t = token(&d.client, &base, "surveyor").await;
    let (s, v) = upload(&d.client, &base, &t, "kind=parcels", readdress(&d, 100, 2000, "丁").await).await;
    assert_eq!(s, 201, "{v}");
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    let server = Server::start(&d.env).await;
    let v = settled(&d.client, &server.base, &t, v["id"].as_str().unwrap()).await;
    assert_eq!(v["status"], "ready", "{v}");
    assert_eq!(v["counts"]["features"], 1900, "{}", v["counts"]);
}
