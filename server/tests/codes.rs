//! Unit-code allocation under concurrency, and its errors.

mod common;

use std::collections::BTreeSet;

use common::{Env, Server, token};
use onemap_codes::{BuildingNumber, ParcelCode, UnitCode};
use reqwest::Client;
use serde_json::{Value, json};

async fn allocate(client: &Client, base: &str, token: &str, body: Value) -> (u16, Value) {
    let r = client.post(format!("{base}/api/codes/allocate")).bearer_auth(token).json(&body).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_parallel_allocations_get_fifty_distinct_valid_codes() {
    let env = Env::new();
    env.ok(&["demo", "load", "--parcels", "2000"]);
    let server = Server::start(&env).await;
    let (client, base) = (Client::new(), server.base.clone());
    let surveyor = token(&client, &base, "surveyor").await;
    let pool = env.pool().await;
    let (sub, used): (String, i32) = sqlx::query_as(
        "SELECT subdistrict_code::text, max(substr(parcel_code, 15, 5)::int) FROM parcels GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();

    let results =
        parallel(&client, &base, &surveyor, 50, json!({ "kind": "parcel", "parent": sub, "feature": "GB" })).await;
    let mut codes = BTreeSet::new();
    let mut numbers = BTreeSet::new();
    for (status, body) in &results {
        assert_eq!(*status, 200, "{body}");
        let code = body["code"].as_str().unwrap();
        let parsed: ParcelCode = code.parse().unwrap_or_else(|e| panic!("{code}: {e}"));
        assert_eq!(parsed.subdistrict(), &sub[9..12]);
        codes.insert(code.to_owned());
        numbers.insert(body["number"].as_i64().unwrap());
    }
    assert_eq!(codes.len(), 50, "distinct codes");
    assert_eq!(
        numbers,
        (i64::from(used) + 1..=i64::from(used) + 50).collect(),
        "no gaps, no reuse of existing numbers"
    );

    // Buildings on a parcel and units in a building, in parallel too.
    let (parcel, building): (String, String) =
        sqlx::query_as("SELECT parcel_code::text, building_no::text FROM buildings ORDER BY id LIMIT 1")
            .fetch_one(&pool)
            .await
            .unwrap();
    let b = parallel(&client, &base, &surveyor, 10, json!({ "kind": "building", "parent": parcel })).await;
    let u = parallel(&client, &base, &surveyor, 10, json!({ "kind": "unit", "parent": building })).await;
    let bs: BTreeSet<String> = b.iter().map(|(_, v)| v["code"].as_str().unwrap().to_owned()).collect();
    let us: BTreeSet<String> = u.iter().map(|(_, v)| v["code"].as_str().unwrap().to_owned()).collect();
    assert_eq!((bs.len(), us.len()), (10, 10));
    for c in &bs {
        assert_eq!(c.parse::<BuildingNumber>().unwrap().parcel().as_str(), parcel);
    }
    for c in &us {
        assert_eq!(c.parse::<UnitCode>().unwrap().building().unwrap().as_str(), building);
    }

    // Every allocation is audited.
    let audited: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'code_allocate' AND actor = 'user:surveyor'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(audited, 70);

    // Bad input: a clear 4xx naming the problem.
    let cases = [
        (json!({ "kind": "parcel", "parent": sub, "feature": "GC" }), 400, "invalid_code"),
        (json!({ "kind": "parcel", "parent": "41082500", "feature": "GB" }), 400, "invalid_code"),
        (json!({ "kind": "parcel", "parent": "410825999999", "feature": "GB" }), 404, "not_found"),
        (json!({ "kind": "building", "parent": "410825001003gb00042" }), 400, "invalid_code"),
        (json!({ "kind": "unit", "parent": format!("{parcel}F9998") }), 404, "not_found"),
        (json!({ "kind": "street", "parent": sub }), 400, "invalid_json"),
    ];
    for (body, status, code) in cases {
        let (s, v) = allocate(&client, &base, &surveyor, body.clone()).await;
        assert_eq!((s, v["code"].as_str()), (status, Some(code)), "{body} → {v}");
    }
    let (s, v) = allocate(&client, &base, &surveyor, json!({ "kind": "parcel", "parent": sub, "feature": "GC" })).await;
    assert!(v["detail"].as_str().unwrap().contains("feature_pair"), "{s} {v}");
    let officer = token(&client, &base, "officer").await;
    assert_eq!(
        allocate(&client, &base, &officer, json!({ "kind": "parcel", "parent": sub, "feature": "GB" })).await.0,
        403
    );
}

/// `n` allocation requests in flight at once.
async fn parallel(client: &Client, base: &str, token: &str, n: usize, body: Value) -> Vec<(u16, Value)> {
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let (c, b, t, body) = (client.clone(), base.to_owned(), token.to_owned(), body.clone());
            tokio::spawn(async move { allocate(&c, &b, &t, body).await })
        })
        .collect();
    let mut out = Vec::with_capacity(n);
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}
