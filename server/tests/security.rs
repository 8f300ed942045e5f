//! Security fixes (issue 13), each with the attack that showed the defect.

mod common;

use std::io::Write;
use std::process::Stdio;

use common::{Demo, login};

/// 60 logins at once for one user, 59 wrong and the right one last: the attempts are counted
/// before any password is checked, so once the threshold is reached none succeeds — not even
/// the right password — and the account ends locked.
#[tokio::test]
async fn parallel_guesses_cannot_outrun_the_lockout() {
    let d = Demo::start().await;
    // An unknown user first (before the burst uses up this address's attempts).
    assert_eq!(login(&d.client, &d.base, "nobody-here", "x").await.status(), 401);
    let mut tasks = Vec::new();
    for i in 0..59 {
        let (client, base) = (d.client.clone(), d.base.clone());
        tasks.push(tokio::spawn(async move {
            let r = login(&client, &base, "clerk", &format!("wrong-{i}")).await;
            (r.status().as_u16(), r.headers().get("retry-after").is_some())
        }));
    }
    // The right one last, while the wrong ones are still being checked.
    tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    let (client, base) = (d.client.clone(), d.base.clone());
    tasks.push(tokio::spawn(async move {
        let r = login(&client, &base, "clerk", "Demo#2026").await;
        (r.status().as_u16(), r.headers().get("retry-after").is_some())
    }));
    let (mut ok, mut throttled) = (0, 0);
    for t in tasks {
        let (status, retry_after) = t.await.unwrap();
        assert!(matches!(status, 200 | 401 | 429), "{status}");
        ok += usize::from(status == 200);
        if status == 429 {
            assert!(retry_after, "429 without Retry-After");
            throttled += 1;
        }
    }
    assert_eq!(ok, 0, "a login succeeded during the burst");
    assert!(throttled >= 50, "at most 10 attempts a minute per username, {throttled} throttled of 60");
    let locked: bool = sqlx::query_scalar("SELECT locked_until > now() FROM users WHERE username = 'clerk'")
        .fetch_one(&d.pool)
        .await
        .unwrap();
    assert!(locked, "the burst must leave the account locked");
    assert_ne!(login(&d.client, &d.base, "clerk", "Demo#2026").await.status(), 200, "locked: the right password too");

    // The audit log says why each attempt failed (the caller is told nothing); throttled
    // attempts go through the batching writer: wait for it.
    let mut reasons: Vec<(String, i64)> = Vec::new();
    for _ in 0..50 {
        reasons = sqlx::query_as(
            "SELECT details->>'reason', count(*) FROM audit_log WHERE action = 'login' AND target = 'clerk' \
             AND outcome = 'failure' GROUP BY 1 ORDER BY 1",
        )
        .fetch_all(&d.pool)
        .await
        .unwrap();
        if reasons.iter().map(|r| r.1).sum::<i64>() >= 61 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(reasons.iter().map(|r| r.1).sum::<i64>(), 61, "{reasons:?}");
    for reason in ["throttled", "wrong_password"] {
        assert!(reasons.iter().any(|(r, _)| r == reason), "no {reason}: {reasons:?}");
    }
    let unknown: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'login' AND target = 'nobody-here' AND details->>'reason' = 'unknown_user'",
    )
    .fetch_one(&d.pool)
    .await
    .unwrap();
    assert_eq!(unknown, 1);
}

async fn get(d: &Demo, path: &str, bearer: Option<&str>) -> (u16, reqwest::header::HeaderMap, String) {
    let mut req = d.client.get(format!("{}{path}", d.base));
    if let Some(t) = bearer {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.unwrap();
    let (status, headers) = (r.status().as_u16(), r.headers().clone());
    (status, headers, r.text().await.unwrap())
}

/// NUL characters anywhere → 400 at the edge, and no response ever carries PostgreSQL's words;
/// over-long inputs → 400 (a 3 KB username was a 500 from the audit log's index, unaudited);
/// a client's request id is kept only when short and well formed.
#[tokio::test]
async fn nul_bytes_long_inputs_and_request_ids() {
    let d = Demo::start().await;
    let auditor = common::token(&d.client, &d.base, "auditor").await;
    for path in [
        "/api/search?q=ab%00",
        "/files/photos/%00",
        "/ogc/collections/parcels/items/abc%00",
        "/ogc/collections/parcels/items?address=%00x",
        "/api/projects/WX%00",
        "/api/audit?actor=%00",
        "/ogc/collections/parcels/items?filter=address%3D%27%00%27",
        "/api/units/41082500100%00",
    ] {
        let (status, _, body) = get(&d, path, Some(&auditor)).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert!(body.contains("\"invalid_text\""), "{path}: {body}");
    }
    let r = d
        .client
        .post(format!("{}/api/auth/login", d.base))
        .header("content-type", "application/json")
        .body(r#"{"username":"clerk\u0000","password":"x"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("\"invalid_text\""));

    // A 3 KB username: 400, audited (truncated), no 500.
    let long = "u".repeat(3000);
    let r = login(&d.client, &d.base, &long, "x").await;
    assert_eq!(r.status(), 400);
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'login' AND details->>'reason' = 'invalid_input'",
    )
    .fetch_one(&d.pool)
    .await
    .unwrap();
    assert_eq!(audited, 1);
    let (status, _, body) = get(&d, &format!("/api/audit?actor={}", "a".repeat(300)), Some(&auditor)).await;
    assert_eq!(status, 400, "{body}");
    let (status, _, _) = get(&d, &format!("/api/search?q={}", "x".repeat(2_000)), None).await;
    assert_eq!(status, 400);

    // Request ids: a short well-formed one is kept, a 16 KB one replaced by ours.
    let r = d.client.get(format!("{}/api/version", d.base)).header("x-request-id", "abc-123").send().await.unwrap();
    assert_eq!(r.headers()["x-request-id"], "abc-123");
    let r = d
        .client
        .get(format!("{}/api/version", d.base))
        .header("x-request-id", "x".repeat(16_384))
        .send()
        .await
        .unwrap();
    let id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(id.len() <= 64 && id != "x".repeat(16_384), "{id}");
}

/// Surveyors and clerks see no relocation money in the project list; the public sees no
/// mortgage amount; search wildcards are matched as typed.
#[tokio::test]
async fn money_stays_with_relocation_roles_and_wildcards_are_literal() {
    let d = Demo::start().await;
    for user in ["surveyor", "clerk"] {
        let t = common::token(&d.client, &d.base, user).await;
        let (status, _, body) = get(&d, "/api/projects", Some(&t)).await;
        assert_eq!(status, 200);
        assert_eq!(body, "[]", "{user} sees projects: {body:.300}");
    }
    let officer = common::token(&d.client, &d.base, "officer").await;
    let (_, _, body) = get(&d, "/api/projects", Some(&officer)).await;
    assert!(body.contains("\"budget\""), "{body:.300}");

    let unit: String = sqlx::query_scalar(
        "SELECT unit_code::text FROM rights WHERE secured_amount IS NOT NULL AND status = 'current' ORDER BY id LIMIT 1",
    )
    .fetch_one(&d.pool)
    .await
    .unwrap();
    let amounts = |body: &str| -> Vec<serde_json::Value> {
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        v["rights"].as_array().unwrap().iter().map(|r| r["secured_amount"].clone()).collect()
    };
    let (_, _, public) = get(&d, &format!("/api/units/{unit}"), None).await;
    assert!(amounts(&public).iter().all(|a| a.is_null()), "{public:.500}");
    let clerk = common::token(&d.client, &d.base, "clerk").await;
    let (_, _, seen) = get(&d, &format!("/api/units/{unit}"), Some(&clerk)).await;
    assert!(amounts(&seen).iter().any(|a| a.is_number()), "{seen:.500}");

    let (status, _, body) = get(&d, "/api/search?q=%25_%25", None).await;
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["hits"].as_array().unwrap().len(), 0, "q=%_% matched as wildcards: {body:.300}");
}

/// `onemap user passwd` ends the user's other sessions; weak passwords are refused (common
/// ones, the demo password for a real user, the username inside, short ones), while the demo
/// users keep working in the demo county.
#[tokio::test]
async fn passwords_are_strong_and_a_change_ends_sessions() {
    let d = Demo::start().await;
    let old = common::token(&d.client, &d.base, "clerk").await;
    let passwd = |pw: &str| {
        let mut child = d
            .env
            .cmd()
            .args(["user", "passwd", "clerk"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(format!("{pw}\n").as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    for weak in ["Password1", "Password1!", "Demo#2026", "Abcdefg1", "Qwerty12345!", "MyClerk#2026x"] {
        let out = passwd(weak);
        assert!(!out.status.success(), "{weak} was accepted");
        assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: "), "{weak}");
    }
    let me = |t: String| {
        let (client, base) = (d.client.clone(), d.base.clone());
        async move { client.get(format!("{base}/api/auth/me")).bearer_auth(t).send().await.unwrap().status() }
    };
    assert_eq!(me(old.clone()).await, 200, "the weak attempts changed nothing");
    let out = passwd("Qiu-Yue#Lan7319");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(me(old).await, 401, "the session from before the change still works");
    assert_eq!(login(&d.client, &d.base, "clerk", "Qiu-Yue#Lan7319").await.status(), 200);
    // The other demo users still log in with the demo password.
    assert_eq!(login(&d.client, &d.base, "officer", "Demo#2026").await.status(), 200);
}

/// Each kind of request has its statement timeout (PostgreSQL reports them through /health);
/// while the database is down, requests fail fast with 503 (2 s to get a connection, not 10)
/// and the answer carries none of PostgreSQL's words.
#[tokio::test]
async fn statement_timeouts_and_a_database_outage() {
    let d =
        Demo::start_with(&[("ONEMAP_STATEMENT_TIMEOUT_SECS", "7"), ("ONEMAP_BULK_STATEMENT_TIMEOUT_SECS", "90")]).await;
    let (status, _, body) = get(&d, "/health", None).await;
    assert_eq!(status, 200);
    let health: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(health["statement_timeouts"], serde_json::json!({ "api": "7s", "bulk": "90s" }), "{body}");
    let unit: String = sqlx::query_scalar("SELECT unit_code::text FROM house_units ORDER BY id LIMIT 1")
        .fetch_one(&d.pool)
        .await
        .unwrap();
    d.pool.close().await;
    d.env.ok(&["db", "stop"]);
    for _ in 0..3 {
        let started = std::time::Instant::now();
        let (status, _, body) = get(&d, &format!("/api/units/{unit}"), None).await;
        let took = started.elapsed();
        assert_eq!(status, 503, "{body}");
        assert!(body.contains("\"database_unavailable\""), "{body}");
        assert!(!body.to_lowercase().contains("postgres") && !body.contains("os error"), "{body}");
        assert!(took < std::time::Duration::from_secs(4), "took {took:?}");
    }
    d.env.ok(&["db", "start"]);
}

/// Security headers on the UI, the OGC HTML pages and files; files follow the relocation scope
/// (clerks: none) and every download is audited.
#[tokio::test]
async fn headers_and_file_downloads() {
    let dist = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../frontend/dist");
    let d = Demo::start_with(&[("ONEMAP_STATIC_DIR", dist.to_str().unwrap())]).await;
    let officer = common::token(&d.client, &d.base, "officer").await;
    let photo: String =
        sqlx::query_scalar("SELECT file_path FROM photos ORDER BY id LIMIT 1").fetch_one(&d.pool).await.unwrap();
    for (path, html) in [
        ("/".to_owned(), true),
        ("/ogc?f=html".to_owned(), true),
        ("/ogc/api?f=html".to_owned(), true),
        ("/api/docs".to_owned(), true),
        (format!("/files/{photo}"), false),
        ("/api/version".to_owned(), false),
    ] {
        let (status, h, _) = get(&d, &path, Some(&officer)).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        let csp = h.get("content-security-policy").map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(csp.is_some(), html, "{path}: {csp:?}");
        if let Some(csp) = csp {
            assert!(
                csp.contains("frame-ancestors 'none'") && !csp.contains("script-src 'self' 'unsafe-inline'"),
                "{csp}"
            );
        }
    }
    let clerk = common::token(&d.client, &d.base, "clerk").await;
    let (status, _, body) = get(&d, &format!("/files/{photo}"), Some(&clerk)).await;
    assert_eq!(status, 403, "{body}");
    // The audit writer batches: wait for it.
    let mut downloads = 0i64;
    for _ in 0..50 {
        downloads = sqlx::query_scalar(
            "SELECT count(*) FROM audit_log WHERE action = 'file_download' AND actor = 'user:officer' AND target = $1",
        )
        .bind(&photo)
        .fetch_one(&d.pool)
        .await
        .unwrap();
        if downloads > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(downloads, 1);
}

/// Every refusal is audited with the caller's real role and the reason — anonymous callers,
/// appraisers outside their projects, clerks on relocation collections — and a flood of them
/// (forged bearer tokens) becomes one row with a count per address, reason and window.
#[tokio::test]
async fn refusals_are_audited_and_floods_aggregated() {
    let d = Demo::start_with(&[("ONEMAP_AUDIT_REFUSAL_WINDOW_SECS", "2")]).await;
    let appraiser2 = common::token(&d.client, &d.base, "appraiser2").await;
    let clerk = common::token(&d.client, &d.base, "clerk").await;
    let cases = [
        ("/api/projects", None, 401, "anonymous", "public", "unauthenticated"),
        (
            "/api/projects/WX-ZS-2023-01",
            Some(appraiser2.as_str()),
            403,
            "user:appraiser2",
            "appraiser",
            "project_out_of_scope",
        ),
        ("/ogc/collections/compensation_units/items", Some(clerk.as_str()), 403, "user:clerk", "clerk", "forbidden"),
        ("/ogc/collections/compensation_units/items", None, 401, "anonymous", "public", "unauthenticated"),
    ];
    for (path, bearer, status, ..) in &cases {
        let (got, _, body) = get(&d, path, *bearer).await;
        assert_eq!(got, *status, "{path}: {body}");
    }
    // 300 requests with a forged (well-formed, unknown) token from one address.
    let forged = format!("om_{}", "0".repeat(64));
    for _ in 0..300 {
        let (status, _, _) = get(&d, "/api/projects", Some(&forged)).await;
        assert_eq!(status, 401);
    }
    tokio::time::sleep(std::time::Duration::from_secs(4)).await; // the window closes, the writer writes
    for (path, _, _, actor, role, reason) in &cases {
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM audit_log WHERE action LIKE 'access_denied%' AND actor = $1 AND role = $2 \
             AND details->>'reason' = $3 AND (target = 'GET ' || $4 OR details->'targets' ? ('GET ' || $4))",
        )
        .bind(actor)
        .bind(role)
        .bind(reason)
        .bind(path.split('?').next().unwrap())
        .fetch_one(&d.pool)
        .await
        .unwrap();
        assert!(n >= 1, "{path} as {actor} ({role}, {reason}) left no audit row");
    }
    let rows: Vec<(String, Option<i64>)> = sqlx::query_as(
        "SELECT action, (details->>'count')::bigint FROM audit_log WHERE details->>'reason' = 'invalid_token' ORDER BY id",
    )
    .fetch_all(&d.pool)
    .await
    .unwrap();
    assert!(rows.len() <= 6, "300 refusals made {} rows", rows.len());
    let counted: i64 = rows.iter().map(|(a, c)| if a == "access_denied" { 1 } else { c.unwrap_or(0) }).sum();
    assert_eq!(counted, 300, "{rows:?}");
}

/// Deleting the newest audit rows (with superuser rights) is found: the head recorded outside
/// the database (audit-head.json, every ONEMAP_AUDIT_HEAD_SECS) names a row that is gone.
#[tokio::test]
async fn truncating_the_audit_log_tail_is_detected() {
    let d = Demo::start_with(&[("ONEMAP_AUDIT_HEAD_SECS", "1")]).await;
    for user in ["officer", "clerk", "auditor"] {
        common::token(&d.client, &d.base, user).await;
    }
    // The server records the head within a second or two.
    let head_file = d.env.data_dir().join("audit-head.json");
    let max: i64 = sqlx::query_scalar("SELECT max(id) FROM audit_log").fetch_one(&d.pool).await.unwrap();
    let mut recorded = 0;
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        if let Ok(text) = std::fs::read_to_string(&head_file) {
            recorded = serde_json::from_str::<serde_json::Value>(&text).unwrap()["id"].as_i64().unwrap();
            if recorded >= max {
                break;
            }
        }
    }
    assert!(recorded >= max, "head file {recorded} behind the table's {max}");
    assert!(d.env.ok(&["audit", "verify"]).contains("intact"));

    // The attack of issue 13: remove the last 2 rows (then the last 20 would be the same).
    sqlx::raw_sql(
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
         DELETE FROM audit_log WHERE id > (SELECT max(id) - 2 FROM audit_log);
         ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;",
    )
    .execute(&d.pool)
    .await
    .unwrap();
    common::assert_one_error_line(&d.env.run(&["audit", "verify"]), "were removed from the end");
}
