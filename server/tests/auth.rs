//! Users, roles, sessions, API keys, the route × role matrix, project scope, masking and the
//! audit log — against the real server and database.

mod common;

use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::process::Stdio;

use common::{Demo, Env, Server, assert_one_error_line, login, token, token_of};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

const P1: &str = "WX-ZS-2023-01";
const P2: &str = "WX-ZS-2025-02";
use common::DEMO_PASSWORD as PASSWORD;
/// The demo users standing for each role; "public" is anonymous.
const CALLERS: &[(&str, &str)] = &[
    ("public", ""),
    ("admin", "admin"),
    ("officer", "officer"),
    ("director", "director"),
    ("appraiser", "appraiser1"),
    ("surveyor", "surveyor"),
    ("clerk", "clerk"),
    ("auditor", "auditor"),
];

async fn call(client: &Client, base: &str, method: Method, path: &str, bearer: Option<&str>) -> (StatusCode, Value) {
    let mut req = client.request(method.clone(), format!("{base}{path}"));
    if let Some(t) = bearer {
        req = req.bearer_auth(t);
    }
    if method == Method::POST && path == "/api/auth/login" {
        req = req.json(&json!({ "username": "nobody", "password": "x" }));
    }
    let r = req.send().await.unwrap();
    let status = r.status();
    let body = r.text().await.unwrap_or_default();
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

fn with_stdin(env: &Env, args: &[&str], input: &str) -> std::process::Output {
    let mut child =
        env.cmd().args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

/// The expected matrix: every route and the roles allowed to call it.
const MATRIX: &[(&str, &str, &[&str])] = &[
    ("GET", "/health", &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"]),
    ("GET", "/api/version", &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"]),
    ("GET", "/api/stats", &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"]),
    (
        "GET",
        "/api/codes/{code}",
        &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"],
    ),
    ("POST", "/api/codes/allocate", &["admin", "surveyor"]),
    ("GET", "/api/search", &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"]),
    ("GET", "/api/identify", &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"]),
    ("GET", "/api/units", &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"]),
    (
        "GET",
        "/api/units/{code}",
        &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"],
    ),
    (
        "POST",
        "/api/auth/login",
        &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"],
    ),
    ("GET", "/api/auth/me", &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"]),
    (
        "GET",
        "/api/auth/demo-users",
        &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"],
    ),
    ("GET", "/api/projects", &["admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"]),
    ("GET", "/api/projects/{code}", &["admin", "officer", "director", "appraiser", "auditor"]),
    ("GET", "/api/projects/{code}/units", &["admin", "officer", "director", "appraiser", "auditor"]),
    ("GET", "/api/audit", &["admin", "auditor"]),
    ("GET", "/files/{*path}", &["admin", "officer", "director", "appraiser", "auditor"]),
    (
        "GET",
        "/tiles/{layers}",
        &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"],
    ),
    (
        "GET",
        "/styles/onemap.json",
        &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"],
    ),
    (
        "GET",
        "/fonts/{fontstack}/{range}",
        &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"],
    ),
    (
        "GET",
        "/tiles/{layers}/{z}/{x}/{tile}",
        &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"],
    ),
    // OGC API: {collection} is compensation_units, readable by the relocation roles only.
    ("GET", "/ogc", &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"]),
    ("GET", "/ogc/", &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"]),
    (
        "GET",
        "/ogc/conformance",
        &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"],
    ),
    ("GET", "/ogc/api", &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"]),
    (
        "GET",
        "/ogc/collections",
        &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"],
    ),
    ("GET", "/ogc/collections/{collection}", &["admin", "officer", "director", "appraiser", "auditor"]),
    ("GET", "/ogc/collections/{collection}/queryables", &["admin", "officer", "director", "appraiser", "auditor"]),
    ("GET", "/ogc/collections/{collection}/items", &["admin", "officer", "director", "appraiser", "auditor"]),
    ("GET", "/ogc/collections/{collection}/items/{feature}", &["admin", "officer", "director", "appraiser", "auditor"]),
    ("GET", "/ogc/collections/{collection}/tiles", &["admin", "officer", "director", "appraiser", "auditor"]),
    ("GET", "/ogc/collections/{collection}/tiles/{tms}", &["admin", "officer", "director", "appraiser", "auditor"]),
    (
        "GET",
        "/ogc/collections/{collection}/tiles/{tms}/{level}/{row}/{col}",
        &["admin", "officer", "director", "appraiser", "auditor"],
    ),
    (
        "GET",
        "/ogc/tileMatrixSets",
        &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"],
    ),
    (
        "GET",
        "/ogc/tileMatrixSets/{tms}",
        &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"],
    ),
    ("GET", "/ogc/tiles", &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"]),
    (
        "GET",
        "/ogc/tiles/{tms}",
        &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"],
    ),
    (
        "GET",
        "/ogc/tiles/{tms}/{level}/{row}/{col}",
        &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"],
    ),
    (
        "GET",
        "/api/openapi.json",
        &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"],
    ),
    ("GET", "/api/docs", &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"]),
    ("GET", "/api/{*rest}", &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"]),
    ("POST", "/api/{*rest}", &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"]),
    ("PUT", "/api/{*rest}", &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"]),
    ("PATCH", "/api/{*rest}", &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"]),
    (
        "DELETE",
        "/api/{*rest}",
        &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"],
    ),
    (
        "GET",
        "/api/units/{code}/history",
        &["admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"],
    ),
    // Survey imports: surveyors and admins ({id} stays unparsable: 404 for those let in).
    ("POST", "/api/imports", &["admin", "surveyor"]),
    ("GET", "/api/imports", &["admin", "surveyor"]),
    ("GET", "/api/imports/{id}", &["admin", "surveyor"]),
    ("DELETE", "/api/imports/{id}", &["admin", "surveyor"]),
    ("GET", "/api/imports/{id}/features", &["admin", "surveyor"]),
    ("GET", "/api/imports/{id}/tiles/{z}/{x}/{y}", &["admin", "surveyor"]),
    ("POST", "/api/imports/{id}/commit", &["admin", "surveyor"]),
    // OGC API Features Part 4 (compensation_units is read-only: 405 for those let in).
    ("POST", "/ogc/collections/{collection}/items", &["admin", "surveyor"]),
    ("PUT", "/ogc/collections/{collection}/items/{feature}", &["admin", "surveyor"]),
    ("PATCH", "/ogc/collections/{collection}/items/{feature}", &["admin", "surveyor"]),
    ("DELETE", "/ogc/collections/{collection}/items/{feature}", &["admin", "surveyor"]),
    (
        "OPTIONS",
        "/ogc/collections/{collection}/items",
        &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"],
    ),
    (
        "OPTIONS",
        "/ogc/collections/{collection}/items/{feature}",
        &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"],
    ),
    // The relocation workflow: officers (and the director) work, the director decides, the
    // appointed firm's appraisers appraise, supervisors read the funds.
    ("POST", "/api/projects", &["officer", "director"]),
    ("PATCH", "/api/projects/{code}", &["officer", "director"]),
    ("POST", "/api/projects/{code}/units", &["officer", "director"]),
    ("GET", "/api/projects/{code}/workflow", &["admin", "officer", "director", "appraiser", "auditor"]),
    ("POST", "/api/projects/{code}/transitions", &["officer", "director"]),
    ("POST", "/api/projects/{code}/appraisal-firm", &["officer", "director"]),
    ("GET", "/api/appraisal-firms", &["admin", "officer", "director", "appraiser", "auditor"]),
    ("GET", "/api/approvals", &["admin", "officer", "director", "auditor"]),
    ("POST", "/api/approvals/{id}/decision", &["director"]),
    ("POST", "/api/access-requests", &["admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"]),
    ("GET", "/api/access-requests", &["admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"]),
    (
        "GET",
        "/api/access-requests/{id}",
        &["admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"],
    ),
    ("POST", "/api/access-requests/{id}/decision", &["admin", "director"]),
    (
        "POST",
        "/api/access-requests/{id}/withdrawal",
        &["admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"],
    ),
    ("GET", "/api/access-review", &["admin", "auditor"]),
    ("GET", "/api/compensation-units/{code}", &["admin", "officer", "director", "appraiser", "auditor"]),
    ("PUT", "/api/compensation-units/{code}/appraisal", &["appraiser"]),
    ("POST", "/api/compensation-units/{code}/agreement", &["officer", "director"]),
    ("POST", "/api/compensation-units/{code}/decision", &["officer", "director"]),
    ("POST", "/api/compensation-units/{code}/payments", &["officer", "director"]),
    ("POST", "/api/compensation-units/{code}/move-out", &["officer", "director"]),
    ("POST", "/api/compensation-units/{code}/demolition", &["officer", "director"]),
    ("GET", "/api/projects/{code}/funds", &["admin", "officer", "director", "auditor"]),
    ("POST", "/api/projects/{code}/funds/deposits", &["officer", "director"]),
    ("GET", "/api/projects/{code}/alerts", &["admin", "officer", "director", "auditor"]),
    ("POST", "/api/projects/{code}/publications", &["officer", "director"]),
    ("POST", "/api/photos", &["officer", "director", "appraiser", "surveyor"]),
    ("GET", "/api/photos", &["admin", "officer", "director", "appraiser", "auditor"]),
    ("GET", "/api/photos/{photo_no}", &["admin", "officer", "director", "appraiser", "auditor"]),
    ("PATCH", "/api/photos/{photo_no}", &["officer", "director"]),
    ("POST", "/api/archives", &["officer", "director"]),
    ("GET", "/api/archives", &["admin", "officer", "director", "appraiser", "auditor"]),
    ("POST", "/api/archives/batch", &["officer", "director"]),
    ("GET", "/api/projects/{code}/archive-check", &["admin", "officer", "director", "appraiser", "auditor"]),
    (
        "GET",
        "/public/projects/{code}",
        &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"],
    ),
    (
        "GET",
        "/api/units/{code}/register",
        &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"],
    ),
    (
        "GET",
        "/api/certificates/{key}",
        &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"],
    ),
    ("GET", "/api/certificates/{key}/pdf", &["officer", "director", "clerk", "auditor"]),
    ("GET", "/api/certificates/{key}/signature", &["officer", "director", "clerk", "auditor"]),
    (
        "GET",
        "/api/signing-keys",
        &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"],
    ),
    (
        "GET",
        "/verify/{identifier}",
        &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"],
    ),
    ("GET", "/api/registration/cases", &["director", "clerk", "auditor"]),
    ("POST", "/api/registration/cases/{id}/decision", &["clerk"]),
    ("GET", "/api/exchange/messages", &["clerk", "auditor"]),
    ("GET", "/api/exchange/status", &["clerk", "auditor", "admin"]),
    ("POST", "/api/exports", &["admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"]),
    ("GET", "/api/exports", &["admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"]),
    ("GET", "/api/exports/{id}", &["admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"]),
    ("GET", "/api/exports/{id}/file", &["admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"]),
    ("GET", "/api/reports", &["admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"]),
    ("GET", "/api/reports/project-progress", &["admin", "officer", "director", "auditor"]),
    ("GET", "/api/reports/fund-statement", &["admin", "officer", "director", "auditor"]),
    ("GET", "/api/reports/household-compensation", &["admin", "officer", "director", "auditor"]),
    ("GET", "/api/reports/registration-stats", &["admin", "clerk", "director", "auditor"]),
    ("GET", "/api/reports/audit-extract", &["admin", "auditor"]),
    ("GET", "/api/basemaps", &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"]),
    (
        "GET",
        "/basemaps/{id}/{z}/{x}/{y}",
        &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"],
    ),
    ("GET", "/ready", &["public", "admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"]),
    // Administrators, or a scraper with the [metrics] token (tests/operations.rs).
    ("GET", "/metrics", &["admin"]),
    // Last: logging out ends the session used for the rows above.
    ("POST", "/api/auth/logout", &["admin", "officer", "director", "appraiser", "surveyor", "clerk", "auditor"]),
];

#[tokio::test]
async fn route_role_matrix_scope_and_masking() {
    let env = Env::new();
    env.ok(&["demo", "load", "--parcels", "2000", "--no-sign"]);
    let server = Server::start(&env).await;
    let (client, base) = (Client::new(), server.base.clone());

    // The matrix covers exactly the server's routes: a new route fails this test until it has
    // a rule and an expectation here.
    let served: BTreeSet<(String, String)> = env
        .ok(&["routes"])
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_ne!(f[2], "NO RULE", "route without a rule: {l}");
            (f[0].to_owned(), f[1].to_owned())
        })
        .collect();
    let expected: BTreeSet<(String, String)> =
        MATRIX.iter().map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned())).collect();
    assert_eq!(served, expected, "routes and the expected matrix differ");

    let pool = env.pool().await;
    let photo: String = sqlx::query_scalar(
        "SELECT p.file_path FROM photos p JOIN relocation_projects r ON r.id = p.project_id WHERE r.code = $1 LIMIT 1",
    )
    .bind(P1)
    .fetch_one(&pool)
    .await
    .unwrap();
    let mut tokens: HashMap<&str, String> = HashMap::new();
    for (role, user) in CALLERS.iter().filter(|(r, _)| *r != "public") {
        tokens.insert(role, token(&client, &base, user).await);
    }
    let mut cells = 0;
    for (method, pattern, allowed) in MATRIX {
        let path = pattern
            .replace("/api/codes/{code}", "/api/codes/410825001003GB00042F00071203")
            .replace("{code}", P1)
            .replace("{*path}", &photo)
            .replace("{*rest}", "no-such-thing")
            .replace("{layers}/{z}/{x}/{tile}", "parcels,compensation_units/14/13338/6492.mvt")
            .replace("{layers}", "parcels,compensation_units")
            .replace("{fontstack}/{range}", "DejaVu Sans/0-255.pbf")
            .replace("{collection}", "compensation_units")
            .replace("{feature}", "WX-ZS-2023-01-0001")
            .replace("{tms}/{level}/{row}/{col}", "WebMercatorQuad/14/6492/13338")
            .replace("{tms}", "WebMercatorQuad")
            .replace("/api/approvals/{id}", "/api/approvals/1")
            .replace("/api/access-requests/{id}", "/api/access-requests/1");
        for (role, _) in CALLERS {
            let (status, body) =
                call(&client, &base, method.parse().unwrap(), &path, tokens.get(role).map(String::as_str)).await;
            let denied = matches!(body["code"].as_str(), Some("unauthenticated" | "forbidden"));
            let want_allowed = allowed.contains(role);
            assert_eq!(!denied, want_allowed, "{method} {path} as {role}: {status} {body}");
            if denied {
                let want = if *role == "public" { StatusCode::UNAUTHORIZED } else { StatusCode::FORBIDDEN };
                assert_eq!(status, want, "{method} {path} as {role}");
            } else {
                assert!(status.as_u16() < 500, "{method} {path} as {role}: {status} {body}");
            }
            cells += 1;
        }
    }
    println!("route × role matrix: {} routes × {} roles = {cells} cells", MATRIX.len(), CALLERS.len());

    // Project scope: each appraiser sees only the project of their firm.
    let officer = token(&client, &base, "officer").await;
    let a1 = token(&client, &base, "appraiser1").await;
    let a2 = token(&client, &base, "appraiser2").await;
    let codes =
        |v: &Value| v.as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    assert_eq!(codes(&call(&client, &base, Method::GET, "/api/projects", Some(&officer)).await.1), [P1, P2]);
    assert_eq!(codes(&call(&client, &base, Method::GET, "/api/projects", Some(&a1)).await.1), [P1]);
    assert_eq!(codes(&call(&client, &base, Method::GET, "/api/projects", Some(&a2)).await.1), [P2]);
    let (status, body) = call(&client, &base, Method::GET, &format!("/api/projects/{P2}/units"), Some(&a1)).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("project_out_of_scope")));
    let (status, _) = call(&client, &base, Method::GET, &format!("/files/{photo}"), Some(&a2)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "appraiser2 may not download project 1's photos");
    let r = client.get(format!("{base}/files/{photo}")).bearer_auth(&a1).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    assert!(r.bytes().await.unwrap().starts_with(&[0xff, 0xd8]));

    // Masking by role: the officer sees full values, the appraiser masked ones.
    let units = |t: String| {
        let (client, base) = (client.clone(), base.clone());
        async move {
            call(&client, &base, Method::GET, &format!("/api/projects/{P1}/units?status=paid&limit=5"), Some(&t))
                .await
                .1
        }
    };
    let full = units(officer.clone()).await;
    let masked = units(a1.clone()).await;
    let (f, m) = (&full["units"][0], &masked["units"][0]);
    assert_eq!(f["code"], m["code"]);
    let id = f["owner_id_number"].as_str().unwrap();
    assert!(id.len() == 18 && !id.contains('*'), "{id}");
    assert_eq!(m["owner_id_number"].as_str().unwrap(), format!("{}********{}", &id[..6], &id[14..]));
    let phone = f["owner_phone"].as_str().unwrap();
    assert_eq!(m["owner_phone"].as_str().unwrap(), format!("{}****{}", &phone[..3], &phone[7..]));
    let account = f["payee_account"].as_str().unwrap();
    assert!(!account.contains('*'));
    assert_eq!(m["payee_account"].as_str().unwrap(), format!("{}***********{}", &account[..4], &account[15..]));
    assert_eq!(f["owner_name"], m["owner_name"], "names are shown in full to appraisers");
    assert!(m["total_amount"].as_f64().unwrap() > 0.0, "an appraiser sees the amounts of their own project");
    let db_total: f64 = sqlx::query_scalar("SELECT total_amount::float8 FROM compensation_units WHERE code = $1")
        .bind(f["code"].as_str().unwrap())
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(f["total_amount"].as_f64().unwrap(), db_total);

    // Reads of personal data are audited, with the request id.
    let r = client
        .get(format!("{base}/api/projects/{P1}/units?limit=1"))
        .bearer_auth(&officer)
        .header("x-request-id", "pii-read-1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let mut logged = false;
    for _ in 0..50 {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'read_personal_data' AND actor = 'user:officer' AND request_id = 'pii-read-1'")
            .fetch_one(&pool)
            .await
            .unwrap();
        if n == 1 {
            logged = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(logged, "the personal-data read was not audited");

    // The auditor's view of the log, filtered.
    let auditor = token(&client, &base, "auditor").await;
    let (status, page) =
        call(&client, &base, Method::GET, "/api/audit?action=login&outcome=success&limit=3", Some(&auditor)).await;
    assert_eq!(status, 200);
    let entries = page["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    assert!(entries.iter().all(|e| e["action"] == "login" && e["outcome"] == "success"));
    assert!(page["next_cursor"].as_i64().is_some());
    let (status, body) = call(&client, &base, Method::GET, "/api/audit?bogus=1", Some(&auditor)).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_query")));
}

#[tokio::test]
async fn logins_tokens_cookies_and_api_keys() {
    let Demo { env, server: _server, client, base, pool } = Demo::start().await;

    // Wrong password and unknown user: the same answer, and the known user's failure counted.
    let wrong = login(&client, &base, "clerk", "Wrong#2026").await;
    assert_eq!(wrong.status(), 401);
    let wrong: Value = wrong.json().await.unwrap();
    let unknown: Value = login(&client, &base, "no-such-user", "Wrong#2026").await.json().await.unwrap();
    assert_eq!(wrong, unknown);
    assert_eq!(wrong["code"], "invalid_credentials");
    let failures: i32 =
        sqlx::query_scalar("SELECT failed_logins FROM users WHERE username = 'clerk'").fetch_one(&pool).await.unwrap();
    assert_eq!(failures, 1);

    // Lockout after five failures: even the right password is refused, until reset.
    for _ in 0..4 {
        assert_eq!(login(&client, &base, "clerk", "Wrong#2026").await.status(), 401);
    }
    assert_eq!(login(&client, &base, "clerk", PASSWORD).await.status(), 401, "locked account");
    let minutes: f64 = sqlx::query_scalar(
        "SELECT (extract(epoch FROM locked_until - now()) / 60)::float8 FROM users WHERE username = 'clerk'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!((14.0..=15.1).contains(&minutes), "locked for 15 minutes, got {minutes}");
    assert_one_error_line(&with_stdin(&env, &["user", "passwd", "clerk"], "short\n"), "at least 10 characters");
    let out = with_stdin(&env, &["user", "passwd", "clerk"], "Qiu-Yue#Lan7319\n");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(login(&client, &base, "clerk", "Qiu-Yue#Lan7319").await.status(), 200);

    // Malformed, forged and expired tokens.
    let r = client.get(format!("{base}/api/projects")).header("authorization", "Bearer nonsense").send().await.unwrap();
    assert_eq!(
        (r.status(), r.json::<Value>().await.unwrap()["code"].clone()),
        (StatusCode::UNAUTHORIZED, json!("malformed_token"))
    );
    let forged = format!("om_{}", "ab".repeat(32));
    let r = client.get(format!("{base}/api/projects")).bearer_auth(&forged).send().await.unwrap();
    assert_eq!(
        (r.status(), r.json::<Value>().await.unwrap()["code"].clone()),
        (StatusCode::UNAUTHORIZED, json!("invalid_token"))
    );
    let t = token(&client, &base, "officer").await;
    sqlx::query(
        "UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE id = (SELECT max(id) FROM sessions)",
    )
    .execute(&pool)
    .await
    .unwrap();
    let r = client.get(format!("{base}/api/projects")).bearer_auth(&t).send().await.unwrap();
    assert_eq!(
        (r.status(), r.json::<Value>().await.unwrap()["code"].clone()),
        (StatusCode::UNAUTHORIZED, json!("token_expired"))
    );

    // Oversized bodies: 413 as a problem body.
    // (A raw request: the server answers on Content-Length without reading the 5 MB.)
    let addr = base.trim_start_matches("http://").to_owned();
    let raw = tokio::task::spawn_blocking(move || {
        use std::io::Read;
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        let head = "POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000000\r\nConnection: close\r\n\r\n";
        s.write_all(head.as_bytes()).unwrap();
        let _ = s.write_all(&vec![b' '; 64 * 1024]);
        let _ = s.shutdown(std::net::Shutdown::Write);
        s.set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
        let mut answer = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = s.read(&mut buf) {
            if n == 0 {
                break;
            }
            answer.extend_from_slice(&buf[..n]);
        }
        String::from_utf8_lossy(&answer).into_owned()
    })
    .await
    .unwrap();
    assert!(raw.starts_with("HTTP/1.1 413"), "{raw}");
    assert!(raw.contains("application/problem+json") && raw.contains("payload_too_large"), "{raw}");
    let r = client
        .post(format!("{base}/api/auth/login"))
        .body("{not json")
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    // The UI's session: an HTTP-only cookie, and CSRF protection on unsafe requests.
    let r = login(&client, &base, "officer", PASSWORD).await;
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    let session = cookie.split(';').next().unwrap().to_owned();
    let csrf = r.json::<Value>().await.unwrap()["csrf_token"].as_str().unwrap().to_owned();
    let me: Value = client
        .get(format!("{base}/api/auth/me"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "officer");
    assert_eq!(me["csrf_token"], csrf.as_str());
    let r = client.post(format!("{base}/api/auth/logout")).header("cookie", &session).send().await.unwrap();
    assert_eq!(
        (r.status(), r.json::<Value>().await.unwrap()["code"].clone()),
        (StatusCode::FORBIDDEN, json!("csrf_failed"))
    );
    let r = client
        .post(format!("{base}/api/auth/logout"))
        .header("cookie", &session)
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let r = client.get(format!("{base}/api/projects")).header("cookie", &session).send().await.unwrap();
    assert_eq!(r.status(), 401, "the session is revoked after logout");

    // API keys: a role and a project scope; revocable.
    let key = env.ok(&["apikey", "add", "gis-desktop", "--role", "officer", "--project", P1]).trim().to_owned();
    assert!(key.starts_with("ok_"));
    let (status, body) = call(&client, &base, Method::GET, "/api/projects", Some(&key)).await;
    assert_eq!(status, 200);
    assert_eq!(body.as_array().unwrap().len(), 1);
    let (status, _) = call(&client, &base, Method::GET, &format!("/api/projects/{P2}"), Some(&key)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    env.ok(&["apikey", "revoke", "gis-desktop"]);
    assert_eq!(call(&client, &base, Method::GET, "/api/projects", Some(&key)).await.0, StatusCode::UNAUTHORIZED);

    // CLI: add, grant, disable.
    let out = with_stdin(&env, &["user", "add", "zhangsan", "--role", "officer", "--name", "张三"], "Zhang#San2026\n");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_one_error_line(
        &with_stdin(&env, &["user", "add", "zhangsan", "--role", "officer"], "Zhang#San2026\n"),
        "exists already",
    );
    assert_one_error_line(
        &with_stdin(&env, &["user", "add", "lisi", "--role", "appraiser"], "Li#Si-Wen7345\n"),
        "needs --firm",
    );
    env.ok(&["user", "grant", "zhangsan", "--role", "officer", "--project", P2]);
    let t = token_of(&client, &base, "zhangsan", "Zhang#San2026").await;
    let (_, body) = call(&client, &base, Method::GET, "/api/projects", Some(&t)).await;
    assert_eq!(body.as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect::<Vec<_>>(), [P2]);
    env.ok(&["user", "disable", "zhangsan"]);
    assert_eq!(call(&client, &base, Method::GET, "/api/projects", Some(&t)).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(login(&client, &base, "zhangsan", "Zhang#San2026").await.status(), 401);
    assert!(env.ok(&["user", "list"]).contains("zhangsan"));

    // Every one of those writes and logins is in the audit log.
    for action in
        ["login", "logout", "user_passwd", "user_add", "user_grant", "user_disable", "apikey_add", "apikey_revoke"]
    {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = $1")
            .bind(action)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert!(n > 0, "no audit row for {action}");
    }
    let failures: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'login' AND outcome = 'failure'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(failures >= 7, "failed logins are audited: {failures}");
}

#[tokio::test]
async fn audit_log_is_append_only_and_verifiable() {
    let env = Env::new();
    env.ok(&["demo", "load", "--parcels", "2000", "--no-sign"]);
    let server = Server::start(&env).await;
    let client = Client::new();
    let mut server = server;
    for user in ["officer", "clerk", "auditor", "admin"] {
        token(&client, &server.base, user).await;
    }
    assert!(server.terminate().success());
    let pool = env.pool().await;
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log").fetch_one(&pool).await.unwrap();
    assert!(rows >= 12, "{rows}");
    let out = env.ok(&["audit", "verify"]);
    assert!(out.contains(&format!("audit log intact: {rows} rows verified")), "{out}");

    // The server's database role may not change the log; nobody may, through the trigger.
    let app_password = std::fs::read_to_string(env.data_dir().join("pg.app-password")).unwrap();
    let app_url = format!("postgres://onemap_app:{}@127.0.0.1:{}/onemap", app_password.trim(), env.pg_port);
    let app = sqlx::PgPool::connect(&app_url).await.unwrap();
    let denied =
        sqlx::query("UPDATE audit_log SET target = 'x' WHERE id = 3").execute(&app).await.unwrap_err().to_string();
    assert!(denied.contains("permission denied"), "{denied}");
    let denied = sqlx::query("DELETE FROM audit_log WHERE id = 3").execute(&app).await.unwrap_err().to_string();
    assert!(denied.contains("permission denied"), "{denied}");
    let refused =
        sqlx::query("UPDATE audit_log SET target = 'x' WHERE id = 3").execute(&pool).await.unwrap_err().to_string();
    assert!(refused.contains("append-only"), "{refused}");
    assert!(sqlx::query("TRUNCATE audit_log").execute(&pool).await.is_err());

    // Pruning keeps the chain verifiable: age the first rows past the retention (which
    // breaks their hashes, as any edit would), prune them, and the rest verifies from the
    // checkpoint.
    assert_one_error_line(
        &env.cmd().env("ONEMAP_AUDIT_RETENTION_DAYS", "30").args(["audit", "prune"]).output().unwrap(),
        "at least 183 days",
    );
    sqlx::raw_sql(
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
         UPDATE audit_log SET at = at - interval '200 days' WHERE id <= 5;
         ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;",
    )
    .execute(&pool)
    .await
    .unwrap();
    assert_one_error_line(&env.run(&["audit", "verify"]), "row 1 was altered");
    let out = env.ok(&["audit", "prune"]);
    assert!(out.contains("pruned 5 audit rows"), "{out}");
    let out = env.ok(&["audit", "verify"]);
    assert!(out.contains("from the checkpoint after row 5"), "{out}");

    // A hand-edited row is caught, and named; so is a removed one.
    let edit = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::raw_sql(sql).execute(&pool).await.unwrap();
        }
    };
    edit(
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
          UPDATE audit_log SET target = target || ' (edited)' WHERE id = 9;
          ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;",
    )
    .await;
    assert_one_error_line(&env.run(&["audit", "verify"]), "row 9 was altered");
    edit(
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
          UPDATE audit_log SET target = left(target, length(target) - 9) WHERE id = 9;
          ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;",
    )
    .await;
    assert!(env.ok(&["audit", "verify"]).contains("intact"));
    edit(
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
          DELETE FROM audit_log WHERE id = 11;
          ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;",
    )
    .await;
    assert_one_error_line(&env.run(&["audit", "verify"]), "rows 11–11 are missing (removed) before row 12");
}
