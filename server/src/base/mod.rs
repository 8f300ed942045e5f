//! The ground floor every other module stands on: the state handlers share, who is calling
//! ([`context`]), errors as HTTP problem bodies ([`error`]), the audit log's writer
//! ([`journal`]) and where reads go, the primary or a replica ([`replica`]). Nothing here
//! imports a module above it.

pub mod context;
pub mod error;
pub mod head;
pub mod journal;
pub mod lease;
pub mod metrics;
pub mod refusals;
pub mod replica;
pub mod sheet;
pub mod unzip;
pub mod upload;
pub mod versions;

use std::sync::Arc;
use std::time::Instant;

use sqlx::{PgPool, Postgres, Transaction};

pub use context::{ClientAddr, Principal, Role};
pub use error::{ApiError, ApiJson, ApiPath, ApiQuery};
pub use journal::{AuditEvent, AuditLog};
pub use refusals::Refusals;

/// Text as HTML content or attribute value.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The CJK font of printed documents (agreements, certificates), loaded on first use.
pub fn print_font() -> Result<&'static onemap_print::CjkFont, ApiError> {
    static FONT: std::sync::OnceLock<Result<onemap_print::CjkFont, String>> = std::sync::OnceLock::new();
    FONT.get_or_init(|| onemap_print::CjkFont::load().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| ApiError::internal(format!("no Chinese font for printed documents: {e}")))
}

use crate::config::Config;

/// The policy of every HTML page: scripts, styles, images and connections from this origin
/// only (WebAssembly compiled by the page, inline styles for MapLibre and Leptos, `blob:` for
/// MapLibre's workers and images), never inside a frame of another site.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; worker-src 'self' blob:; \
    connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'none'; \
    form-action 'self'; frame-ancestors 'none'";

static PAGE_POLICY: std::sync::OnceLock<axum::http::HeaderValue> = std::sync::OnceLock::new();

/// Lets the pages load images and data from `origins` too (the hosts of configured basemaps);
/// called once, when the server starts.
pub fn allow_origins(origins: &[String]) {
    if origins.is_empty() {
        return;
    }
    let extra = origins.join(" ");
    let policy = CONTENT_SECURITY_POLICY
        .replace("img-src 'self' data: blob:", &format!("img-src 'self' data: blob: {extra}"))
        .replace("connect-src 'self'", &format!("connect-src 'self' {extra}"));
    if let Ok(v) = axum::http::HeaderValue::from_str(&policy) {
        let _ = PAGE_POLICY.set(v);
    }
}

/// The Content-Security-Policy of HTML pages: [`CONTENT_SECURITY_POLICY`] with the origins of
/// [`allow_origins`].
pub fn page_policy() -> axum::http::HeaderValue {
    PAGE_POLICY.get().cloned().unwrap_or(axum::http::HeaderValue::from_static(CONTENT_SECURITY_POLICY))
}

/// State every handler can reach (one pointer: handlers and middleware clone it per request).
/// A domain module that needs more (a cache) keeps it in a state of its own that wraps this
/// one.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// What [`AppState`] points to.
pub struct Shared {
    /// Connections for the JSON API (statement timeout `ONEMAP_STATEMENT_TIMEOUT_SECS`).
    pub pool: PgPool,
    /// Connections for tiles and OGC API pages: bulk reads with a longer statement timeout
    /// (`ONEMAP_BULK_STATEMENT_TIMEOUT_SECS`).
    pub bulk: PgPool,
    /// Where tiles, OGC API items, identify and search read: a replica (`DATABASE_READ_URL`)
    /// behind the fence of what this server knows was written, else the pools above.
    pub reads: replica::Reads,
    pub config: Arc<Config>,
    pub started: Instant,
    pub audit: AuditLog,
    /// Refused requests, aggregated per client address and reason before the audit log.
    pub refusals: Refusals,
    /// Requests by route and status, and their latency (`GET /metrics`).
    pub http_metrics: metrics::HttpMetrics,
    /// The background jobs this server runs (one server per job).
    pub leases: lease::Leases,
}

impl AppState {
    /// The state of a running server (spawns the refusal aggregator's task).
    pub fn new(pool: PgPool, bulk: PgPool, reads: replica::Reads, config: Config, audit: AuditLog) -> Self {
        let window = std::time::Duration::from_secs(u64::from(config.refusal_window_secs));
        let refusals = Refusals::start(audit.clone(), window);
        let leases = lease::Leases::new(pool.clone());
        Self(Arc::new(Shared {
            pool,
            bulk,
            reads,
            config: Arc::new(config),
            started: Instant::now(),
            audit,
            refusals,
            http_metrics: metrics::HttpMetrics::default(),
            leases,
        }))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// A transaction that names the caller for the history triggers.
pub async fn begin<'a>(state: &'a AppState, p: &Principal) -> Result<Transaction<'a, Postgres>, ApiError> {
    let mut tx = state.pool.begin().await?;
    let request_id = context::request_ids().and_then(|(r, _)| r);
    sqlx::query("SELECT set_config('onemap.actor', $1, true), set_config('onemap.request_id', $2, true)")
        .bind(p.actor.as_ref())
        .bind(request_id.unwrap_or_default())
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}
