//! The HTTP server: routes of every domain module, middleware (request ids, tracing, body
//! limit), static UI files, graceful shutdown.

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::http::{HeaderName, Method, Request, StatusCode};
use sqlx::PgPool;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

use crate::audit::AuditLog;
use crate::config::Config;
use crate::error::ApiError;

/// State every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub config: Arc<Config>,
    pub started: Instant,
    pub audit: AuditLog,
    pub tiles: crate::tiles::TileCache,
    /// numberMatched of recent OGC items queries
    pub counts: crate::ogc::Counts,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}{}", if source.kind() == std::io::ErrorKind::AddrInUse { " (the port is in use: set PORT to a free one)" } else { "" })]
    Bind { addr: std::net::SocketAddr, source: std::io::Error },
    #[error("server error: {0}")]
    Io(#[from] std::io::Error),
}

/// Routes of a domain module, recorded as (method, path) so that every route can be checked
/// against the authorization policy.
pub struct Routes {
    router: Router<AppState>,
    list: Vec<(Method, &'static str)>,
}

impl Routes {
    pub fn new() -> Self {
        Self { router: Router::new(), list: Vec::new() }
    }

    pub fn route<H, T>(mut self, method: Method, path: &'static str, handler: H) -> Self
    where
        H: axum::handler::Handler<T, AppState>,
        T: 'static,
    {
        let filter = axum::routing::MethodFilter::try_from(method.clone()).expect("a standard method");
        self.router = self.router.route(path, axum::routing::on(filter, handler));
        self.list.push((method, path));
        self
    }

    pub fn merge(mut self, other: Routes) -> Self {
        self.router = self.router.merge(other.router);
        self.list.extend(other.list);
        self
    }
}

/// Every route of the application, each domain module's in turn.
pub fn all_routes() -> Routes {
    let mut routes = Routes::new()
        .merge(crate::health::routes())
        .merge(crate::unit_codes::routes())
        .merge(crate::units::routes())
        .merge(crate::identify::routes())
        .merge(crate::search::routes())
        .merge(crate::auth::routes())
        .merge(crate::relocation::routes())
        .merge(crate::audit::routes())
        .merge(crate::files::routes())
        .merge(crate::ogc::routes())
        .merge(crate::tiles::routes())
        .merge(crate::styles::routes());
    // Unknown API paths answer a 404 problem body.
    for m in [Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
        routes = routes.route(m, "/api/{*rest}", api_not_found);
    }
    routes
}

/// (method, path) of every route.
pub fn route_list() -> Vec<(Method, &'static str)> {
    all_routes().list
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// Largest request body accepted by the JSON extractor (uploads will raise it per route).
const BODY_LIMIT: usize = 1024 * 1024;

/// Every route of the application. Each domain module owns its routes.
pub fn router(state: AppState) -> Router {
    let static_dir = state.config.static_dir.clone();
    let ui = if static_dir.join("index.html").exists() {
        Router::new()
            .fallback_service(ServeDir::new(&static_dir).fallback(ServeFile::new(static_dir.join("index.html"))))
    } else {
        Router::new().route("/", axum::routing::get(crate::http::placeholder_index))
    };
    // Every domain module's routes; `auth::authenticate` decides access for each of them.
    let api = all_routes()
        .router
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), crate::auth::authenticate))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state);
    api.merge(ui).layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
            .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                let id = req.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                tracing::info_span!("request", method = %req.method(), uri = %req.uri(), request_id = %id)
            }))
            .layer(PropagateRequestIdLayer::new(REQUEST_ID))
            .layer(axum::middleware::from_fn(refuse_oversized))
            .layer(CatchPanicLayer::custom(|_| {
                axum::response::IntoResponse::into_response(ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal_error",
                    "the server hit an internal error; it has been logged",
                ))
            })),
    )
}

/// Refuses a body whose announced length exceeds the limit before reading it (bodies without
/// a length are cut by the extractors at the same limit).
async fn refuse_oversized(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let announced = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if announced.is_some_and(|n| n > BODY_LIMIT) {
        return axum::response::IntoResponse::into_response(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the request body is larger than {BODY_LIMIT} bytes"),
        ));
    }
    next.run(req).await
}

async fn api_not_found() -> ApiError {
    ApiError::not_found("no such API endpoint")
}

/// Shown at `/` until the web UI has been built into the static directory.
async fn placeholder_index() -> axum::response::Html<&'static str> {
    axum::response::Html(include_str!("placeholder.html"))
}

/// Binds, serves until SIGTERM or Ctrl-C, then drains in-flight requests.
pub async fn serve(state: AppState, audit_writer: tokio::task::JoinHandle<()>) -> Result<(), ServeError> {
    let addr = state.config.listen;
    let listener = TcpListener::bind(addr).await.map_err(|source| ServeError::Bind { addr, source })?;
    tracing::info!(%addr, "onemap is serving on http://{addr}");
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await?;
    // The router (and with it every sender) is gone: the audit writer drains and stops.
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), audit_writer).await;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_has_an_authorization_rule_and_every_rule_a_route() {
        let routes = route_list();
        for (m, p) in &routes {
            assert!(crate::auth::policy::rule(m, p).is_some(), "route {m} {p} has no rule in auth::policy::RULES");
        }
        for (m, p, _) in crate::auth::policy::RULES {
            assert!(routes.iter().any(|(rm, rp)| rm == m && rp == p), "rule for {m} {p} names no route");
        }
    }
}
