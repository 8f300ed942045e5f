//! 权限治理 through the API and the command line: a project request by an officer narrowed to
//! one project, decided by the director (never by the applicant), in force at once; a role
//! request only an administrator decides; the rules' refusals (422/409/403/412/428); the
//! decision's audit row with before and after; the access review; end dates — a project grant
//! past its end grants nothing and does not widen the user to every project, an account past
//! its end (`onemap user grant --until`) is refused at once, sessions included.

mod common;

use common::{Demo, token};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const P1: &str = "WX-ZS-2023-01";
const P2: &str = "WX-ZS-2025-02";

async fn call(
    d: &Demo,
    method: Method,
    path: &str,
    bearer: &str,
    body: Option<Value>,
    tag: Option<&str>,
) -> (StatusCode, Value, Option<String>) {
    let mut r = d.client.request(method, format!("{}{path}", d.base)).bearer_auth(bearer);
    if let Some(b) = body {
        r = r.json(&b);
    }
    if let Some(t) = tag {
        r = r.header("if-match", t);
    }
    let r = r.send().await.unwrap();
    let status = r.status();
    let etag = r.headers().get("etag").map(|v| v.to_str().unwrap().to_owned());
    let body = r.json().await.unwrap_or(Value::Null);
    (status, body, etag)
}

fn codes(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap().to_owned()).collect()
}

fn rule(v: &Value) -> &str {
    v["issues"][0]["code"].as_str().or(v["code"].as_str()).unwrap_or_default()
}

#[tokio::test]
async fn access_requests_decisions_review_and_end_dates() {
    let d = Demo::start().await;
    // The officer works on P1 only (an administrator's grant on the command line, audited).
    d.env.ok(&["user", "grant", "officer", "--role", "officer", "--project", P1]);
    let officer = token(&d.client, &d.base, "officer").await;
    let director = token(&d.client, &d.base, "director").await;
    let admin = token(&d.client, &d.base, "admin").await;
    let clerk = token(&d.client, &d.base, "clerk").await;
    let (_, projects, _) = call(&d, Method::GET, "/api/projects", &officer, None, None).await;
    assert_eq!(codes(&projects), [P1]);

    // Refusals, each with its rule.
    let cases = [
        (
            json!({"kind": "project", "project": P2, "reason": "  "}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "reason_required",
        ),
        (
            json!({"kind": "project", "project": "NO-SUCH", "reason": "x"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_project",
        ),
        (json!({"kind": "role", "reason": "x"}), StatusCode::UNPROCESSABLE_ENTITY, "invalid_kind"),
        (
            json!({"kind": "role", "role": "appraiser", "reason": "x"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "role_not_requestable",
        ),
        (json!({"kind": "role", "role": "officer", "reason": "x"}), StatusCode::CONFLICT, "access_already_held"),
        (json!({"kind": "project", "project": P1, "reason": "x"}), StatusCode::CONFLICT, "access_already_held"),
        (
            json!({"kind": "project", "project": P2, "reason": "x", "until": "2020-01-01"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "until_in_past",
        ),
        (
            json!({"kind": "project", "project": P2, "reason": "x", "until": "2099-01-01"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "until_too_far",
        ),
    ];
    for (body, status, code) in cases {
        let (s, b, _) = call(&d, Method::POST, "/api/access-requests", &officer, Some(body.clone()), None).await;
        assert_eq!((s, rule(&b)), (status, code), "{body}: {b}");
        assert!(b["detail"].as_str().is_some_and(|t| !t.is_empty()), "{b}");
    }
    // The director sees every project already; a clerk's role has no projects.
    let (s, b, _) = call(
        &d,
        Method::POST,
        "/api/access-requests",
        &director,
        Some(json!({"kind": "project", "project": P2, "reason": "x"})),
        None,
    )
    .await;
    assert_eq!((s, rule(&b)), (StatusCode::CONFLICT, "access_already_held"), "{b}");
    let (s, b, _) = call(
        &d,
        Method::POST,
        "/api/access-requests",
        &clerk,
        Some(json!({"kind": "project", "project": P2, "reason": "x"})),
        None,
    )
    .await;
    assert_eq!((s, rule(&b)), (StatusCode::CONFLICT, "role_without_projects"), "{b}");

    // The officer asks for P2 until a day next month.
    let until: String = sqlx::query_scalar("SELECT ((now() AT TIME ZONE 'Asia/Shanghai')::date + 30)::text")
        .fetch_one(&d.pool)
        .await
        .unwrap();
    let body = json!({"kind": "project", "project": P2, "reason": "协助二期项目入户调查", "until": until});
    let (s, req, tag) = call(&d, Method::POST, "/api/access-requests", &officer, Some(body.clone()), None).await;
    assert_eq!(s, StatusCode::CREATED, "{req}");
    let id = req["id"].as_i64().unwrap();
    assert_eq!(
        (req["status"].as_str(), req["username"].as_str(), req["may_decide"].as_bool()),
        (Some("pending"), Some("officer"), Some(false))
    );
    assert_eq!(tag.as_deref(), Some("\"v1\""));
    let (s, b, _) = call(&d, Method::POST, "/api/access-requests", &officer, Some(body), None).await;
    assert_eq!((s, rule(&b)), (StatusCode::CONFLICT, "request_pending"), "{b}");

    // Who sees it: the applicant and the deciders; not another user (404, as if absent).
    let (s, _, _) = call(&d, Method::GET, &format!("/api/access-requests/{id}"), &clerk, None, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, page, _) = call(&d, Method::GET, "/api/access-requests", &clerk, None, None).await;
    assert_eq!(page["total"], 0, "{page}");
    let (_, page, _) = call(&d, Method::GET, "/api/access-requests", &director, None, None).await;
    assert_eq!((page["total"].as_i64(), page["items"][0]["may_decide"].as_bool()), (Some(1), Some(true)), "{page}");
    let (s, b, _) = call(&d, Method::GET, "/api/access-requests?status=nonsense", &director, None, None).await;
    assert_eq!((s, b["code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_status")));

    // Deciding: If-Match required and checked; a rejection needs a comment; a clerk may not.
    let path = format!("/api/access-requests/{id}/decision");
    let yes = json!({"approve": true, "comment": "同意，限期一个月"});
    let (s, _, _) = call(&d, Method::POST, &path, &director, Some(yes.clone()), None).await;
    assert_eq!(s, StatusCode::PRECONDITION_REQUIRED);
    let (s, _, _) = call(&d, Method::POST, &path, &director, Some(yes.clone()), Some("\"v7\"")).await;
    assert_eq!(s, StatusCode::PRECONDITION_FAILED);
    let (s, b, _) = call(&d, Method::POST, &path, &director, Some(json!({"approve": false})), Some("\"v1\"")).await;
    assert_eq!((s, rule(&b)), (StatusCode::UNPROCESSABLE_ENTITY, "comment_required"));
    let (s, _, _) = call(&d, Method::POST, &path, &clerk, Some(yes.clone()), Some("\"v1\"")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, b, tag) = call(&d, Method::POST, &path, &director, Some(yes.clone()), Some("\"v1\"")).await;
    assert_eq!(
        (s, b["status"].as_str(), b["decided_by"].as_str()),
        (StatusCode::OK, Some("approved"), Some("user:director")),
        "{b}"
    );
    assert_eq!(tag.as_deref(), Some("\"v2\""));
    // In force at once, for the session the officer already had.
    let (_, projects, _) = call(&d, Method::GET, "/api/projects", &officer, None, None).await;
    assert_eq!(codes(&projects), [P1, P2]);
    let (s, b, _) = call(&d, Method::POST, &path, &director, Some(yes.clone()), Some("\"v2\"")).await;
    assert_eq!((s, rule(&b)), (StatusCode::CONFLICT, "already_decided"));
    // Audited with the user's grants before and after, in the decision's transaction.
    let (before, after, details): (Value, Value, Value) = sqlx::query_as(
        "SELECT before, after, details FROM audit_log WHERE action = 'access_grant' AND target = 'officer' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&d.pool)
    .await
    .unwrap();
    assert_eq!(
        (before["projects"].as_array().unwrap().len(), after["projects"].as_array().unwrap().len()),
        (1, 2),
        "{after}"
    );
    assert_eq!((details["request"].as_i64(), details["project"].as_str()), (Some(id), Some(P2)));
    assert!(after["project_ends"].as_object().is_some_and(|e| e.len() == 1), "{after}");

    // A role: the officer asks to be an auditor; the director may not decide it, nor may the
    // administrator decide their own request; an administrator approves.
    let (s, req, _) = call(
        &d,
        Method::POST,
        "/api/access-requests",
        &officer,
        Some(json!({"kind": "role", "role": "auditor", "reason": "年度审计"})),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{req}");
    let rid = req["id"].as_i64().unwrap();
    let (s, b, _) = call(
        &d,
        Method::POST,
        &format!("/api/access-requests/{rid}/decision"),
        &director,
        Some(yes.clone()),
        Some("\"v1\""),
    )
    .await;
    assert_eq!((s, b["code"].as_str()), (StatusCode::FORBIDDEN, Some("admins_decide_roles")), "{b}");
    let (s, own, _) = call(
        &d,
        Method::POST,
        "/api/access-requests",
        &admin,
        Some(json!({"kind": "role", "role": "auditor", "reason": "x"})),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let own_id = own["id"].as_i64().unwrap();
    let (s, b, _) = call(
        &d,
        Method::POST,
        &format!("/api/access-requests/{own_id}/decision"),
        &admin,
        Some(yes.clone()),
        Some("\"v1\""),
    )
    .await;
    assert_eq!((s, b["code"].as_str()), (StatusCode::FORBIDDEN, Some("four_eyes")), "{b}");
    let (s, b, _) =
        call(&d, Method::POST, &format!("/api/access-requests/{own_id}/withdrawal"), &admin, None, Some("\"v1\""))
            .await;
    assert_eq!((s, b["status"].as_str()), (StatusCode::OK, Some("withdrawn")), "{b}");
    let (s, b, _) = call(
        &d,
        Method::POST,
        &format!("/api/access-requests/{rid}/decision"),
        &admin,
        Some(yes.clone()),
        Some("\"v1\""),
    )
    .await;
    assert_eq!((s, b["status"].as_str()), (StatusCode::OK, Some("approved")), "{b}");
    let (_, me, _) = call(&d, Method::GET, "/api/auth/me", &officer, None, None).await;
    assert_eq!(me["role"], "auditor", "the same session now acts as an auditor: {me}");

    // The review: who holds what, since when, by whom.
    let (s, b, _) = call(&d, Method::GET, "/api/access-review", &officer, None, None).await;
    assert_eq!(s, StatusCode::OK, "the officer is an auditor now: {b}");
    let (s, _, _) = call(&d, Method::GET, "/api/access-review", &clerk, None, None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, review, _) = call(&d, Method::GET, "/api/access-review", &admin, None, None).await;
    let holders = review["holders"].as_array().unwrap();
    let officer_row = holders.iter().find(|h| h["name"] == "officer" && h["kind"] == "user").unwrap();
    assert_eq!(
        (officer_row["role"].as_str(), officer_row["role_granted_by"].as_str(), officer_row["state"].as_str()),
        (Some("auditor"), Some("user:admin"), Some("active")),
        "{officer_row}"
    );
    let grants = officer_row["projects"].as_array().unwrap();
    let p2 = grants.iter().find(|g| g["code"] == P2).unwrap();
    assert_eq!((p2["granted_by"].as_str(), p2["ended"].as_bool()), (Some("user:director"), Some(false)), "{p2}");
    assert!(p2["until"].as_str().is_some(), "{p2}");
    let p1 = grants.iter().find(|g| g["code"] == P1).unwrap();
    assert!(p1["granted_by"].as_str().is_some_and(|g| g.starts_with("cli:")), "{p1}");
    assert!(holders.iter().all(|h| h["state"] == "active"), "active holders only by default");
    assert_eq!(holders.iter().filter(|h| h["kind"] == "user").count(), 8, "the demo's eight users");

    // End dates. P2's grant ends (as if a month passed): P2 goes, P1 stays; the officer is not
    // widened to every project when grants end.
    sqlx::query("UPDATE user_projects SET until = now() - interval '1 second' WHERE project_id = (SELECT id FROM relocation_projects WHERE code = $1)")
        .bind(P2)
        .execute(&d.pool)
        .await
        .unwrap();
    let (_, projects, _) = call(&d, Method::GET, "/api/projects", &officer, None, None).await;
    assert_eq!(codes(&projects), [P1]);
    sqlx::query("UPDATE user_projects SET until = now() - interval '1 second'").execute(&d.pool).await.unwrap();
    let (_, projects, _) = call(&d, Method::GET, "/api/projects", &officer, None, None).await;
    assert_eq!(codes(&projects), Vec::<String>::new(), "ended grants narrow to nothing, never to everything");

    // The account's end: `onemap user grant --until` a past day refuses the live session and
    // the next login at once.
    let (s, _, _) = call(&d, Method::GET, "/api/auth/me", &clerk, None, None).await;
    assert_eq!(s, StatusCode::OK);
    let yesterday: String = sqlx::query_scalar("SELECT ((now() AT TIME ZONE 'Asia/Shanghai')::date - 1)::text")
        .fetch_one(&d.pool)
        .await
        .unwrap();
    let out = d.env.ok(&["user", "grant", "clerk", "--role", "clerk", "--until", &yesterday]);
    assert!(out.contains(&format!("until {yesterday}")), "{out}");
    let (s, b, _) = call(&d, Method::GET, "/api/auth/me", &clerk, None, None).await;
    assert_eq!((s, b["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_token")), "{b}");
    let r = common::login(&d.client, &d.base, "clerk", "Demo#2026").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let reason: Value = sqlx::query_scalar(
        "SELECT details FROM audit_log WHERE action = 'login' AND target = 'clerk' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&d.pool)
    .await
    .unwrap();
    assert_eq!(reason["reason"], "access_ended");
    let list = d.env.ok(&["user", "list"]);
    assert!(list.lines().any(|l| l.starts_with("clerk") && l.contains(&format!("until={yesterday}"))), "{list}");
    let (_, review, _) = call(&d, Method::GET, "/api/access-review?all=true", &admin, None, None).await;
    let clerk_row = review["holders"].as_array().unwrap().iter().find(|h| h["name"] == "clerk").unwrap().clone();
    assert_eq!(clerk_row["state"], "ended", "{clerk_row}");
    // Lifted again (a grant without --until has no end).
    d.env.ok(&["user", "grant", "clerk", "--role", "clerk"]);
    assert_eq!(common::login(&d.client, &d.base, "clerk", "Demo#2026").await.status(), StatusCode::OK);

    // Every change is in the audit chain, which still verifies (the review's read is written by
    // the server's batching writer, a moment later).
    let mut actions = Vec::<String>::new();
    for _ in 0..50 {
        actions = sqlx::query_scalar(
            "SELECT DISTINCT action FROM audit_log WHERE action = ANY ('{access_request,access_grant,access_reject,
             access_withdraw,access_review,user_grant}') ORDER BY 1",
        )
        .fetch_all(&d.pool)
        .await
        .unwrap();
        if actions.len() == 5 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(actions, ["access_grant", "access_request", "access_review", "access_withdraw", "user_grant"]);
    let verify = d.env.ok(&["audit", "verify"]);
    assert!(verify.contains("intact"), "{verify}");
}
