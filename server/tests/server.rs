//! `onemap serve`: health, version, stats, problem bodies, request ids, graceful shutdown.

mod common;

use std::net::TcpListener;

use common::{Env, Server, assert_one_error_line, get_json};

#[tokio::test]
async fn serves_health_version_and_stats_then_stops_on_sigterm() {
    let env = Env::new();
    env.ok(&["demo", "load", "--parcels", "2000"]);
    let mut server = Server::start(&env).await;
    let client = reqwest::Client::new();

    let health =
        client.get(format!("{}/health", server.base)).header("x-request-id", "test-req-1").send().await.unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(health.headers()["x-request-id"], "test-req-1", "request ids are propagated");
    let h: serde_json::Value = health.json().await.unwrap();
    assert_eq!(h["status"], "ok");
    assert_eq!(h["database"], "reachable");
    assert!(h["postgis_version"].as_str().unwrap().starts_with('3'), "{h}");
    assert!(h["postgres_version"].as_str().unwrap().starts_with("15"), "{h}");
    assert!(h["schema_version"].as_i64().unwrap() >= 20261122000001, "{h}");

    let generated = client.get(format!("{}/api/version", server.base)).send().await.unwrap();
    assert!(generated.headers().contains_key("x-request-id"), "a request id is generated when absent");
    let v: serde_json::Value = generated.json().await.unwrap();
    assert_eq!(v["name"], "onemap");
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(v["schema_version"], h["schema_version"]);

    let s: serde_json::Value =
        client.get(format!("{}/api/stats", server.base)).send().await.unwrap().json().await.unwrap();
    let pool = env.pool().await;
    for (key, table) in [
        ("parcels", "parcels"),
        ("buildings", "buildings"),
        ("house_units", "house_units"),
        ("compensation_units", "compensation_units"),
        ("photos", "photos"),
        ("projects", "relocation_projects"),
    ] {
        let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}")).fetch_one(&pool).await.unwrap();
        assert_eq!(s[key].as_i64(), Some(n), "{key}");
        assert!(n > 0, "{key}");
    }
    assert_eq!(s["parcels"], 2000);

    // Unit codes: any input gets a report.
    let (_, code) = get_json(&client, format!("{}/api/codes/410825001003GB00042F00071203", server.base), None).await;
    assert_eq!(code["valid"], true);
    assert_eq!(code["kind"], "unit");
    assert_eq!(code["segments"][0]["meaning_zh"], "温县");
    let (_, bad) = get_json(&client, format!("{}/api/codes/410825001003GC00042F00071203", server.base), None).await;
    assert_eq!(bad["valid"], false);
    assert_eq!(bad["errors"][0]["rule"], "feature_pair");
    let r = client.get(format!("{}/api/codes/%EF%BC%94%E5%8E%BF", server.base)).send().await.unwrap();
    assert_eq!(r.status(), 200, "non-ASCII input gets a report too");
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["errors"][0]["rule"], "length");

    let missing = client.get(format!("{}/api/no-such-thing", server.base)).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.headers()["content-type"], "application/problem+json");
    let p: serde_json::Value = missing.json().await.unwrap();
    assert_eq!(p["code"], "not_found");
    assert_eq!(p["status"], 404);
    assert!(p["detail"].as_str().is_some());

    let index = client.get(format!("{}/", server.base)).send().await.unwrap();
    assert_eq!(index.status(), 200);
    assert!(index.text().await.unwrap().contains("onemap"));

    let status = server.terminate();
    assert!(status.success(), "graceful shutdown exits 0, got {status}");
    let stderr = server.log();
    assert!(stderr.contains("shut down cleanly"), "{stderr}");
}

#[tokio::test]
async fn health_reports_an_unreachable_database_as_503() {
    let env = Env::new();
    let mut server = Server::start(&env).await;
    env.ok(&["db", "stop"]);
    let r = reqwest::get(format!("{}/health", server.base)).await.unwrap();
    assert_eq!(r.status(), 503);
    let p: serde_json::Value = r.json().await.unwrap();
    assert_eq!(p["code"], "database_unavailable");
    assert!(server.terminate().success());
}

#[test]
fn http_port_in_use_is_one_clear_line() {
    let env = Env::new();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let out = env.cmd().env("PORT", port.to_string()).arg("serve").output().unwrap();
    assert_one_error_line(&out, &format!("cannot listen on 127.0.0.1:{port}"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the port is in use"));
}

#[test]
fn help_documents_every_option() {
    let env = Env::new();
    let help = env.ok(&["--help"]);
    for opt in [
        "--database-url",
        "--data-dir",
        "--pg-port",
        "--pg-bin",
        "--pg-fsync",
        "--port",
        "--bind",
        "--static-dir",
        "--db-pool",
        "--log",
        "--log-format",
        "--config",
    ] {
        assert!(help.contains(opt), "--help lacks {opt}");
    }
    for var in ["DATABASE_URL", "PORT", "ONEMAP_DATA_DIR", "ONEMAP_PG_PORT", "ONEMAP_CONFIG"] {
        assert!(help.contains(var), "--help lacks {var}");
    }
    let demo = env.ok(&["demo", "load", "--help"]);
    assert!(demo.contains("--parcels") && demo.contains("--seed"));
}

#[test]
fn config_file_is_read_and_checked() {
    let env = Env::new();
    std::fs::write(env.path().join("onemap.toml"), "port = 1\nunknown_key = 2\n").unwrap();
    let out = env.run(&["db", "status"]);
    assert_one_error_line(&out, "unknown field `unknown_key`");
}
