//! 交换推送: the outbox pushed to the registration platform when `[exchange] push_url` is set.
//! Messages go in id order, one `POST` each — the whole message as `application/xml`, its
//! idempotency key in `Idempotency-Key` — and the next waits until the receiver answers 2xx.
//! A failure is retried after `backoff_ms`, doubled after each failure up to
//! `max_backoff_secs`; the cursor and the retry time live in `exchange_push`, so a restart
//! resumes where it stopped and two servers never push the same message at once (the row is
//! locked while one does). A receiver may still see a message twice (it was delivered but the
//! answer was lost): the idempotency key tells it so.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use onemap_api::registration::ExchangeStatus;
use sqlx::PgPool;

use super::exchange::envelope;
use crate::base::{ApiError, AppState};
use crate::config::ExchangeConfig;

/// What one round did.
enum Round {
    /// Nothing to push (or another server is pushing).
    Idle,
    /// A message was delivered: look for the next at once.
    Delivered,
    /// The receiver failed; the next try is due after this long.
    Retry(Duration),
}

/// Pushes for as long as the server runs (when a push URL is configured).
pub async fn run(pool: PgPool, config: ExchangeConfig) {
    let Some(url) = config.push_url.clone() else { return };
    let client = match reqwest::Client::builder().timeout(Duration::from_secs(config.timeout_secs)).build() {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "exchange push: no HTTP client");
            return;
        }
    };
    let poll = Duration::from_millis(config.poll_ms);
    tracing::info!(%url, "exchange push: started");
    loop {
        let wait = match round(&pool, &client, &config, &url).await {
            Ok(Round::Delivered) => continue,
            Ok(Round::Idle) => poll,
            Ok(Round::Retry(after)) => after.min(poll.max(Duration::from_secs(1)) * 4).max(poll),
            Err(e) => {
                tracing::warn!(error = %e, "exchange push: database unavailable");
                poll * 4
            }
        };
        tokio::time::sleep(wait).await;
    }
}

/// The delay before try `attempts + 1` after `attempts` failures in a row.
fn backoff(config: &ExchangeConfig, attempts: i32) -> Duration {
    let doubled = config.backoff_ms.saturating_mul(1 << attempts.clamp(1, 20).saturating_sub(1));
    Duration::from_millis(doubled).min(Duration::from_secs(config.max_backoff_secs))
}

/// Pushes the next message if one is due.
async fn round(pool: &PgPool, client: &reqwest::Client, config: &ExchangeConfig, url: &str) -> sqlx::Result<Round> {
    sqlx::query("INSERT INTO exchange_push (target) VALUES ($1) ON CONFLICT DO NOTHING")
        .bind(url)
        .execute(pool)
        .await?;
    let mut tx = pool.begin().await?;
    let cursor: Option<(i64, i32, Option<DateTime<Utc>>)> = sqlx::query_as(
        "SELECT delivered_id, attempts, next_attempt_at FROM exchange_push WHERE target = $1 FOR UPDATE SKIP LOCKED",
    )
    .bind(url)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((delivered, attempts, next)) = cursor else { return Ok(Round::Idle) };
    let now = Utc::now();
    if let Some(next) = next.filter(|n| *n > now) {
        return Ok(Round::Retry((next - now).to_std().unwrap_or_default()));
    }
    let message: Option<(i64, String, uuid::Uuid, DateTime<Utc>, String)> = sqlx::query_as(
        "SELECT id, kind, idempotency_key, created_at, body FROM exchange_messages WHERE id > $1 ORDER BY id LIMIT 1",
    )
    .bind(delivered)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((id, kind, key, created, body)) = message else { return Ok(Round::Idle) };
    let key = key.to_string();
    let mut request = client
        .post(url)
        .header("content-type", "application/xml; charset=utf-8")
        .header("idempotency-key", &key)
        .header("x-onemap-message-id", id.to_string())
        .body(envelope(id, &key, &kind, created, &body));
    if let Some(token) = &config.push_token {
        request = request.bearer_auth(token);
    }
    let failure = match request.send().await {
        Ok(r) if r.status().is_success() => None,
        Ok(r) => Some(format!("message {id}: the receiver answered {}", r.status())),
        Err(e) => Some(format!("message {id}: {e}")),
    };
    let outcome = match failure {
        None => {
            sqlx::query(
                "UPDATE exchange_push SET delivered_id = $2, delivered_at = now(), attempts = 0, last_error = NULL,
                        last_attempt_at = now(), next_attempt_at = NULL
                 WHERE target = $1",
            )
            .bind(url)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            Round::Delivered
        }
        Some(error) => {
            let wait = backoff(config, attempts + 1);
            tracing::warn!(%error, attempts = attempts + 1, retry_in = ?wait, "exchange push failed");
            sqlx::query(
                "UPDATE exchange_push SET attempts = attempts + 1, last_error = $2, last_attempt_at = now(),
                        next_attempt_at = now() + make_interval(secs => $3)
                 WHERE target = $1",
            )
            .bind(url)
            .bind(&error)
            .bind(wait.as_secs_f64())
            .execute(&mut *tx)
            .await?;
            Round::Retry(wait)
        }
    };
    tx.commit().await?;
    Ok(outcome)
}

type StatusRow =
    (i64, i64, i64, Option<DateTime<Utc>>, Option<DateTime<Utc>>, i32, Option<String>, Option<DateTime<Utc>>);

/// How far the outbox is, and how far its push.
#[utoipa::path(get, path = "/api/exchange/status", tag = "电子证照 certificates",
    responses((status = 200, body = ExchangeStatus)))]
pub async fn status(State(state): State<AppState>) -> Result<Json<ExchangeStatus>, ApiError> {
    let url = state.config.exchange.push_url.clone();
    let (latest, delivered, pending, oldest, delivered_at, attempts, last_error, next): StatusRow = sqlx::query_as(
        "WITH p AS (SELECT * FROM exchange_push WHERE target = $1)
         SELECT coalesce((SELECT max(id) FROM exchange_messages), 0),
                coalesce((SELECT delivered_id FROM p), 0),
                (SELECT count(*) FROM exchange_messages WHERE $1::text IS NOT NULL AND id > coalesce((SELECT delivered_id FROM p), 0)),
                (SELECT min(created_at) FROM exchange_messages WHERE $1::text IS NOT NULL AND id > coalesce((SELECT delivered_id FROM p), 0)),
                (SELECT delivered_at FROM p), coalesce((SELECT attempts FROM p), 0),
                (SELECT last_error FROM p), (SELECT next_attempt_at FROM p)",
    )
    .bind(&url)
    .fetch_one(&state.pool)
    .await?;
    Ok(Json(ExchangeStatus {
        latest_id: latest,
        push_url: url,
        delivered_id: delivered,
        pending,
        oldest_pending_at: oldest.map(|t| t.fixed_offset()),
        delivered_at: delivered_at.map(|t| t.fixed_offset()),
        attempts,
        last_error,
        next_attempt_at: next.map(|t| t.fixed_offset()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_doubles_up_to_the_cap() {
        let config = ExchangeConfig { backoff_ms: 1000, max_backoff_secs: 10, ..ExchangeConfig::default() };
        let delays: Vec<u64> = (1..=6).map(|a| backoff(&config, a).as_millis() as u64).collect();
        assert_eq!(delays, [1000, 2000, 4000, 8000, 10_000, 10_000]);
        assert_eq!(backoff(&config, i32::MAX), Duration::from_secs(10));
    }
}
