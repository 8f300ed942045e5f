//! The exchange outbox pushed to a receiver (issue 17): a real HTTP receiver in the test
//! process that refuses the first attempts; onemap retries with a growing delay and the same
//! idempotency key until it is accepted, in order, and `GET /api/exchange/status` says where
//! the push stands.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode};
use common::{Demo, Server, approve_cancellation, demolish, get_json, token};
use serde_json::Value;

/// What the receiver saw: (idempotency key, message id header, body, the answer it gave, when).
type Seen = Arc<Mutex<Vec<(String, String, String, u16, Instant)>>>;

/// A receiver that answers 503 to its first `refuse` requests, then 200 (or 503 for as long
/// as `closed` is set).
async fn receiver(refuse: usize, closed: Arc<AtomicBool>) -> (String, Seen) {
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let app = axum::Router::new().route(
        "/receive",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let (log, closed) = (log.clone(), closed.clone());
            async move {
                let mut log = log.lock().unwrap();
                let status = if log.len() < refuse || closed.load(Ordering::SeqCst) {
                    StatusCode::SERVICE_UNAVAILABLE
                } else {
                    StatusCode::OK
                };
                let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
                log.push((
                    header("idempotency-key"),
                    header("x-onemap-message-id"),
                    body,
                    status.as_u16(),
                    Instant::now(),
                ));
                status
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/receive", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

/// Open, paid, vacated compensation units whose houses carry current rights: (unit, house unit).
async fn houses(d: &Demo, n: i64) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT c.code, h.unit_code::text FROM compensation_units c JOIN house_units h ON h.id = c.house_unit_id
         WHERE c.status = 'paid' AND c.moved_out_on IS NOT NULL AND c.demolished_on IS NULL
           AND EXISTS (SELECT FROM rights r WHERE r.unit_code = h.unit_code AND r.status = 'current')
         ORDER BY c.code LIMIT $1",
    )
    .bind(n)
    .fetch_all(&d.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn messages_are_pushed_in_order_retried_with_backoff_under_one_key() {
    let (url, seen) = receiver(2, Arc::default()).await;
    let d = Demo::start_with(&[("ONEMAP_EXCHANGE_PUSH_URL", url.as_str())]).await;
    let (officer, clerk, admin) = (
        token(&d.client, &d.base, "officer").await,
        token(&d.client, &d.base, "clerk").await,
        token(&d.client, &d.base, "admin").await,
    );
    let targets = houses(&d, 2).await;
    assert_eq!(targets.len(), 2, "the demo has two houses to demolish");
    for (unit, house) in &targets {
        demolish(&d, &officer, unit).await;
        approve_cancellation(&d, &clerk, house).await;
    }
    let (_, page) = get_json(&d.client, format!("{}/api/exchange/messages", d.base), Some(&clerk)).await;
    let messages = page["messages"].as_array().unwrap().clone();
    assert_eq!(messages.len(), 2, "{page}");

    // Both accepted within the retry delays (1 s, then 2 s).
    let started = Instant::now();
    while seen.lock().unwrap().iter().filter(|s| s.3 == 200).count() < 2 {
        assert!(started.elapsed() < Duration::from_secs(20), "not delivered: {:?}", seen.lock().unwrap());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let seen = seen.lock().unwrap().clone();
    let keys: Vec<&str> = seen.iter().map(|s| s.0.as_str()).collect();
    let first = messages[0]["idempotency_key"].as_str().unwrap();
    let second = messages[1]["idempotency_key"].as_str().unwrap();
    // The first message three times under one key (two refusals, then accepted), then the
    // second: nothing overtakes a message that has not been accepted.
    assert_eq!(keys, [first, first, first, second], "{seen:?}");
    assert_eq!(seen.iter().map(|s| s.3).collect::<Vec<_>>(), [503, 503, 200, 200]);
    assert_eq!(seen[0].1, messages[0]["id"].to_string());
    assert!(seen.iter().take(3).all(|s| s.2 == messages[0]["xml"].as_str().unwrap()), "the same message each time");
    assert_eq!(seen[3].2, messages[1]["xml"].as_str().unwrap());
    // The delay grows: at least 1 s before the second try, at least 2 s before the third.
    let gaps: Vec<Duration> = seen.windows(2).take(2).map(|w| w[1].4 - w[0].4).collect();
    assert!(gaps[0] >= Duration::from_millis(900) && gaps[1] >= Duration::from_millis(1900), "{gaps:?}");

    // Where the push stands.
    let (status, s) = get_json(&d.client, format!("{}/api/exchange/status", d.base), Some(&admin)).await;
    assert_eq!(status, 200, "{s}");
    assert_eq!((s["push_url"].as_str(), s["pending"].as_i64()), (Some(url.as_str()), Some(0)), "{s}");
    assert_eq!(s["delivered_id"], s["latest_id"], "{s}");
    assert_eq!((s["attempts"].as_i64(), &s["last_error"]), (Some(0), &Value::Null), "{s}");
}

#[tokio::test]
async fn a_failing_receiver_is_reported_and_a_restart_resumes() {
    // A receiver that refuses everything for now.
    let closed = Arc::new(AtomicBool::new(true));
    let (url, seen) = receiver(0, closed.clone()).await;
    let push = [("ONEMAP_EXCHANGE_PUSH_URL", url.as_str())];
    let mut d = Demo::start_with(&push).await;
    let (officer, clerk) = (token(&d.client, &d.base, "officer").await, token(&d.client, &d.base, "clerk").await);
    let (unit, house) = houses(&d, 1).await.pop().unwrap();
    demolish(&d, &officer, &unit).await;
    approve_cancellation(&d, &clerk, &house).await;
    let started = Instant::now();
    let status = loop {
        let (_, s) = get_json(&d.client, format!("{}/api/exchange/status", d.base), Some(&clerk)).await;
        if s["attempts"].as_i64() >= Some(2) {
            break s;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "{s}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!((status["pending"].as_i64(), status["delivered_id"].as_i64()), (Some(1), Some(0)), "{status}");
    assert!(status["last_error"].as_str().unwrap().contains("503"), "{status}");
    assert!(status["next_attempt_at"].is_string() && status["oldest_pending_at"].is_string(), "{status}");

    // The server stops; the receiver comes back; a new server carries on from the database's
    // cursor and delivers the message once, under the key it had.
    d.server.child.kill().unwrap();
    d.server.child.wait().unwrap();
    closed.store(false, Ordering::SeqCst);
    let tried = seen.lock().unwrap().len();
    d.server = Server::start_with(&d.env, &push).await;
    d.base = d.server.base.clone();
    let started = Instant::now();
    while !seen.lock().unwrap().iter().any(|s| s.3 == 200) {
        assert!(started.elapsed() < Duration::from_secs(20), "not delivered after the restart");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), tried + 1, "delivered once: {seen:?}");
    assert!(seen.iter().all(|s| s.0 == seen[0].0), "one key throughout: {seen:?}");
    let (_, s) = get_json(&d.client, format!("{}/api/exchange/status", d.base), Some(&clerk)).await;
    assert_eq!((s["pending"].as_i64(), s["attempts"].as_i64()), (Some(0), Some(0)), "{s}");
}
