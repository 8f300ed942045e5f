//! What answers a path nobody routes, a method a path does not have, and the four defects
//! found when the server was first tried as a new user would (issue 12): only UI paths get the
//! UI's page; 405 with `Allow`; `geometry IS NOT NULL` in CQL2; impossible province codes.

mod common;

use common::Demo;
use serde_json::Value;

async fn call(d: &Demo, method: reqwest::Method, path: &str) -> (u16, reqwest::header::HeaderMap, String) {
    let r = d.client.request(method, format!("{}{path}", d.base)).send().await.unwrap();
    let (status, headers) = (r.status().as_u16(), r.headers().clone());
    (status, headers, r.text().await.unwrap())
}

fn problem(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not a problem body ({e}): {body:.200}"))
}

#[tokio::test]
async fn unknown_paths_methods_and_the_four_defects() {
    let d = Demo::start().await;

    // The UI's page only at `/`; every other unknown path is a 404 problem body.
    let (status, headers, body) = call(&d, reqwest::Method::GET, "/").await;
    assert_eq!(status, 200);
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"), "{body:.100}");
    for path in ["/ogc/nonexistent", "/ogc/processes", "/tiles/foo/bar", "/readyz", "/no/such/file.js", "/api/nope"] {
        let (status, headers, body) = call(&d, reqwest::Method::GET, path).await;
        assert_eq!(status, 404, "{path}: {body:.200}");
        assert_eq!(headers["content-type"], "application/problem+json", "{path}");
        assert_eq!(problem(&body)["code"], "not_found", "{path}");
    }

    // A method the path does not have: 405 naming the allowed ones.
    for (method, path, allowed) in [
        (reqwest::Method::DELETE, "/api/projects", "GET"),
        (reqwest::Method::DELETE, "/api/units/410825001003GB00042F00071203", "GET"),
        (reqwest::Method::PUT, "/ogc/collections", "GET"),
        (reqwest::Method::GET, "/api/auth/login", "POST"),
    ] {
        let (status, headers, body) = call(&d, method.clone(), path).await;
        assert_eq!(status, 405, "{method} {path}: {body:.200}");
        let allow = headers.get("allow").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        assert!(allow.contains(allowed), "{method} {path}: Allow {allow:?}");
        assert_eq!(problem(&body)["code"], "method_not_allowed", "{method} {path}");
    }

    // CQL2's isNullPredicate takes the geometry too.
    let all: i64 = sqlx::query_scalar("SELECT count(*) FROM parcels").fetch_one(&d.pool).await.unwrap();
    for (filter, want) in [("geometry IS NOT NULL", all), ("geometry IS NULL", 0)] {
        let (status, _, body) =
            call(&d, reqwest::Method::GET, &format!("/ogc/collections/parcels/items?limit=1&filter={filter}")).await;
        assert_eq!(status, 200, "{filter}: {body:.300}");
        assert_eq!(problem(&body)["numberMatched"], want, "{filter}");
    }

    // An impossible province prefix is an error; an unknown county of a real province a warning.
    let (status, _, body) = call(&d, reqwest::Method::GET, "/api/codes/000000001001GB00001F00010001").await;
    let report = problem(&body);
    assert_eq!((status, &report["valid"]), (200, &Value::Bool(false)), "{body}");
    assert_eq!(report["errors"][0]["rule"], "province", "{body}");
    let (_, _, body) = call(&d, reqwest::Method::GET, "/api/codes/419999001001GB00001F00010001").await;
    let report = problem(&body);
    assert_eq!(report["valid"], true, "{body}");
    assert_eq!(report["warnings"][0]["rule"], "unknown_county", "{body}");
}
