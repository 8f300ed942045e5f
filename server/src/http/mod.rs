//! The HTTP server: routes of every domain module, middleware (request ids, tracing, body
//! limit), static UI files, graceful shutdown.

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::http::{HeaderName, Request, StatusCode};
use sqlx::PgPool;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::error::ApiError;

/// State every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub config: Arc<Config>,
    pub started: Instant,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}{}", if source.kind() == std::io::ErrorKind::AddrInUse { " (the port is in use: set PORT to a free one)" } else { "" })]
    Bind { addr: std::net::SocketAddr, source: std::io::Error },
    #[error("server error: {0}")]
    Io(#[from] std::io::Error),
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// Largest request body accepted (uploads will raise it per route).
const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// Every route of the application. Each domain module owns its routes.
pub fn router(state: AppState) -> Router {
    let static_dir = state.config.static_dir.clone();
    let ui = if static_dir.join("index.html").exists() {
        Router::new()
            .fallback_service(ServeDir::new(&static_dir).fallback(ServeFile::new(static_dir.join("index.html"))))
    } else {
        Router::new().route("/", axum::routing::get(crate::http::placeholder_index))
    };
    let api = Router::new()
        .merge(crate::health::routes())
        .route("/api/{*rest}", axum::routing::any(api_not_found))
        .with_state(state);
    api.merge(ui).layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
            .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                let id = req.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                tracing::info_span!("request", method = %req.method(), uri = %req.uri(), request_id = %id)
            }))
            .layer(PropagateRequestIdLayer::new(REQUEST_ID))
            .layer(CatchPanicLayer::custom(|_| {
                axum::response::IntoResponse::into_response(ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal_error",
                    "the server hit an internal error; it has been logged",
                ))
            }))
            .layer(RequestBodyLimitLayer::new(BODY_LIMIT)),
    )
}

async fn api_not_found() -> ApiError {
    ApiError::not_found("no such API endpoint")
}

/// Shown at `/` until the web UI has been built into the static directory.
async fn placeholder_index() -> axum::response::Html<&'static str> {
    axum::response::Html(include_str!("placeholder.html"))
}

/// Binds, serves until SIGTERM or Ctrl-C, then drains in-flight requests.
pub async fn serve(state: AppState) -> Result<(), ServeError> {
    let addr = state.config.listen;
    let listener = TcpListener::bind(addr).await.map_err(|source| ServeError::Bind { addr, source })?;
    tracing::info!(%addr, "onemap is serving on http://{addr}");
    axum::serve(listener, router(state)).with_graceful_shutdown(shutdown_signal()).await?;
    tracing::info!("shut down cleanly");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutdown signal received, finishing in-flight requests");
}
