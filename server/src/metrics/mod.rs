//! 监控指标: `GET /metrics` in the Prometheus/OpenMetrics text format — requests by route
//! template and status with latency histograms (kept by [`crate::base::metrics`]), database
//! pools, where reads went (the replica or the primary) and the replica's lag, the tile cache,
//! background jobs by state, the exchange outbox's lag, the last backup.
//! Administrators, or a scraper with `[metrics] token`.

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use crate::auth::Routes;
use crate::auth::policy::Access;
use crate::base::ApiError;
use crate::tiles::TilesState;

pub fn routes() -> Routes<TilesState> {
    Routes::new().route(Method::GET, "/metrics", Access::Monitoring, metrics)
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    pool: &'static str,
    state: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabels {
    kind: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TargetLabels {
    target: String,
}

/// A gauge family with one value per label set.
fn gauges<L, I>(values: I) -> Family<L, Gauge<f64, std::sync::atomic::AtomicU64>>
where
    L: Clone + std::hash::Hash + Eq + EncodeLabelSet + std::fmt::Debug + Send + Sync + 'static,
    I: IntoIterator<Item = (L, f64)>,
{
    let f = Family::<L, Gauge<f64, std::sync::atomic::AtomicU64>>::default();
    for (l, v) in values {
        f.get_or_create(&l).set(v);
    }
    f
}

fn gauge(v: f64) -> Gauge<f64, std::sync::atomic::AtomicU64> {
    let g = Gauge::<f64, std::sync::atomic::AtomicU64>::default();
    g.set(v);
    g
}

fn counter(v: u64) -> Counter {
    let c = Counter::default();
    c.inc_by(v);
    c
}

/// OpenAPI of this module's route.
#[derive(utoipa::OpenApi)]
#[openapi(paths(metrics))]
pub struct Api;

/// The server's metrics for Prometheus (OpenMetrics text).
#[utoipa::path(get, path = "/metrics", tag = "运行状态 health",
    responses((status = 200, description = "OpenMetrics text", content_type = "application/openmetrics-text")))]
async fn metrics(State(state): State<TilesState>) -> Result<Response, ApiError> {
    let app = state.app();
    let mut reg = Registry::default();
    let http = &app.http_metrics;
    reg.register("onemap_http_requests", "HTTP requests by route template and status", http.requests.clone());
    reg.register("onemap_http_request_duration_seconds", "Time to the response's head", http.duration.clone());

    let replica = app.reads.replica_pool().map(|p| ("read", p));
    let pools = [("api", &app.pool), ("bulk", &app.bulk)].into_iter().chain(replica).flat_map(|(pool, p)| {
        let idle = p.num_idle() as f64;
        [(PoolLabels { pool, state: "in_use" }, f64::from(p.size()) - idle), (PoolLabels { pool, state: "idle" }, idle)]
    });
    reg.register("onemap_db_pool_connections", "Database connections of the server's pools", gauges(pools));

    // Where reads went, and how far the replica is behind what this server knows was written.
    app.reads.refresh().await;
    let r = app.reads.stats();
    let reads = Family::<TargetLabels, Counter>::default();
    reads.get_or_create(&TargetLabels { target: "replica".into() }).inc_by(r.on_replica);
    reads.get_or_create(&TargetLabels { target: "primary".into() }).inc_by(r.on_primary);
    reg.register(
        "onemap_read_queries",
        "Reads of tiles, OGC API items, identify and search by the database they went to",
        reads,
    );
    if let Some((lag, up)) = r.replica {
        reg.register(
            "onemap_replica_lag_bytes",
            "WAL the read replica has yet to replay to reach the fence (what this server knows was written)",
            gauge(lag as f64),
        );
        reg.register("onemap_replica_up", "1 while the read replica answers", gauge(if up { 1.0 } else { 0.0 }));
    }

    let c = state.cache().stats();
    reg.register("onemap_tile_cache_hits", "Tile requests answered from the cache", counter(c.hits));
    reg.register("onemap_tile_cache_misses", "Tile requests that made their tile", counter(c.misses));
    reg.register("onemap_tile_cache_bytes", "Bytes of cached tiles", gauge(c.bytes as f64));
    reg.register("onemap_tile_cache_entries", "Cached tiles", gauge(c.entries as f64));

    let jobs: Vec<(String, String, i64)> = sqlx::query_as(include_str!("sql/jobs.sql")).fetch_all(&app.pool).await?;
    let jobs = jobs.into_iter().map(|(kind, status, n)| (JobLabels { kind, status }, n as f64));
    reg.register("onemap_jobs", "Background jobs (imports, exports) by state", gauges(jobs));

    let outbox: Vec<(String, i64, f64)> = sqlx::query_as(include_str!("sql/exchange.sql")).fetch_all(&app.pool).await?;
    let undelivered = outbox.iter().map(|(t, n, _)| (TargetLabels { target: t.clone() }, *n as f64));
    let lag = outbox.iter().map(|(t, _, s)| (TargetLabels { target: t.clone() }, *s));
    reg.register("onemap_exchange_undelivered_messages", "Exchange messages not yet accepted", gauges(undelivered));
    reg.register("onemap_exchange_lag_seconds", "Age of the oldest message not yet accepted", gauges(lag));

    let root = app.config.backup_dir().to_path_buf();
    let last = tokio::task::spawn_blocking(move || crate::backup::latest(&root)).await.ok().flatten();
    if let Some((at, bytes)) = last {
        reg.register(
            "onemap_backup_last_timestamp_seconds",
            "When the newest backup was made",
            gauge(at.timestamp() as f64),
        );
        reg.register("onemap_backup_last_size_bytes", "What the newest backup added on disk", gauge(bytes as f64));
    }
    reg.register(
        "onemap_uptime_seconds",
        "Seconds since the server started",
        gauge(app.started.elapsed().as_secs_f64()),
    );

    let mut body = String::new();
    prometheus_client::encoding::text::encode(&mut body, &reg)
        .map_err(|e| ApiError::internal(format!("metrics could not be written: {e}")))?;
    let mut r = body.into_response();
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"));
    Ok(r)
}
