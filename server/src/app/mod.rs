//! The top floor: assembles the routes of every domain module, the middleware (request ids, tracing, body
//! limit), static UI files, graceful shutdown.

use axum::Router;
use axum::http::{HeaderName, Method, Request, StatusCode};
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;

use crate::auth::Routes;
use crate::auth::policy::Access;
use crate::auth::routing::RouteInfo;
use crate::base::{ApiError, AppState};
use crate::ogc::{Counts, OgcState};
use crate::tiles::{TileCache, TilesState};

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}{}", if source.kind() == std::io::ErrorKind::AddrInUse { " (the port is in use: set PORT to a free one)" } else { "" })]
    Bind { addr: std::net::SocketAddr, source: std::io::Error },
    #[error("server error: {0}")]
    Io(#[from] std::io::Error),
}

/// The routes of every domain module, each with the state its handlers take.
struct Modules {
    core: Routes,
    tiles: Routes<TilesState>,
    ogc: Routes<OgcState>,
}

fn modules() -> Modules {
    let mut core = Routes::new()
        .merge(crate::health::routes())
        .merge(crate::unit_codes::routes())
        .merge(crate::units::routes())
        .merge(crate::identify::routes())
        .merge(crate::search::routes())
        .merge(crate::auth::routes())
        .merge(crate::relocation::routes())
        .merge(crate::audit::routes())
        .merge(crate::files::routes())
        .merge(crate::styles::routes());
    // Unknown API paths answer a 404 problem body.
    for m in [Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
        core = core.route(m, "/api/{*rest}", Access::Public, api_not_found);
    }
    Modules { core, tiles: crate::tiles::routes(), ogc: crate::ogc::routes() }
}

/// Every route with its access rule, for `onemap routes` and the route × role matrix.
pub fn route_list() -> Vec<RouteInfo> {
    let m = modules();
    [m.core.list(), m.tiles.list(), m.ogc.list()].concat()
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// Largest request body accepted by the JSON extractor (uploads will raise it per route).
const BODY_LIMIT: usize = 1024 * 1024;

/// Every route of the application with the middleware stack. Each domain module owns its
/// routes; `tiles` and `ogc` get their caches here.
pub fn router(state: AppState, tiles: TileCache, counts: Counts) -> Router {
    // The web UI: its files, `/` its page (the UI keeps its state in the fragment, `/#unit=…`).
    // Any other path is a 404 problem body, not the UI's page.
    let static_dir = state.config.static_dir.clone();
    let not_found = axum::handler::HandlerWithoutStateExt::into_service(no_such_path);
    let ui = if static_dir.join("index.html").exists() {
        Router::new().fallback_service(ServeDir::new(&static_dir).not_found_service(not_found))
    } else {
        Router::new().route("/", axum::routing::get(placeholder_index)).fallback_service(not_found)
    };
    // Every domain module's routes; `auth::authenticate` decides access for each of them.
    let m = modules();
    let tiles = TilesState { app: state.clone(), cache: tiles };
    let ogc = OgcState { tiles: tiles.clone(), counts };
    let (routes, _) = m
        .core
        .with_state::<()>(state.clone())
        .merge(m.tiles.with_state(tiles))
        .merge(m.ogc.with_state(ogc))
        .into_parts();
    let api = routes
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), crate::auth::authenticate))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT));
    api.merge(ui).layer(
        ServiceBuilder::new()
            .layer(axum::middleware::from_fn(drop_unfit_request_id))
            .layer(SetRequestIdLayer::new(REQUEST_ID, SequentialIds))
            .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                let id = req.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                tracing::info_span!("request", method = %req.method(), uri = %req.uri(), request_id = %id)
            }))
            .layer(PropagateRequestIdLayer::new(REQUEST_ID))
            .layer(axum::middleware::from_fn(refuse_oversized))
            .layer(axum::middleware::from_fn(problem_for_bare_errors))
            .layer(CatchPanicLayer::custom(|_| {
                axum::response::IntoResponse::into_response(ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal_error",
                    "the server hit an internal error; it has been logged",
                ))
            })),
    )
}

/// Request ids made here: a random prefix per process and a counter — unique, cheap (no
/// random numbers per request) and sortable within a run.
#[derive(Clone, Copy)]
struct SequentialIds;

static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl MakeRequestId for SequentialIds {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        static PREFIX: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let prefix = PREFIX.get_or_init(|| format!("{:08x}", rand::random::<u32>()));
        let n = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        axum::http::HeaderValue::try_from(format!("{prefix}-{n}")).ok().map(RequestId::new)
    }
}

/// Longest request id taken from a client; a longer or odd one is replaced by ours.
const MAX_CLIENT_REQUEST_ID: usize = 64;

/// Keeps a client's `x-request-id` only when it is short and made of `A–Z a–z 0–9 - _ . :`
/// (it goes into the logs and the audit log).
async fn drop_unfit_request_id(
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let fit = |v: &axum::http::HeaderValue| {
        let b = v.as_bytes();
        !b.is_empty()
            && b.len() <= MAX_CLIENT_REQUEST_ID
            && b.iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b':'))
    };
    if req.headers().get(&REQUEST_ID).is_some_and(|v| !fit(v)) {
        req.headers_mut().remove(&REQUEST_ID);
    }
    next.run(req).await
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

async fn no_such_path() -> ApiError {
    ApiError::not_found("no such path")
}

/// Gives the bare answers of the routing layer a problem body: 405 for a method a path does
/// not have (keeping its `Allow` header), 404 from the static files.
async fn problem_for_bare_errors(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let method = req.method().clone();
    let response = next.run(req).await;
    let bare = !response.headers().contains_key(axum::http::header::CONTENT_TYPE);
    match response.status() {
        StatusCode::METHOD_NOT_ALLOWED if bare => {
            let allow = response.headers().get(axum::http::header::ALLOW).cloned();
            let allowed = allow.as_ref().and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
            let mut problem = axum::response::IntoResponse::into_response(ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                format!("{method} is not allowed here; allowed: {allowed}"),
            ));
            if let Some(v) = allow {
                problem.headers_mut().insert(axum::http::header::ALLOW, v);
            }
            problem
        }
        StatusCode::NOT_FOUND if bare => axum::response::IntoResponse::into_response(no_such_path().await),
        _ => response,
    }
}

async fn api_not_found() -> ApiError {
    ApiError::not_found("no such API endpoint")
}

/// Shown at `/` until the web UI has been built into the static directory.
async fn placeholder_index() -> axum::response::Html<&'static str> {
    axum::response::Html(include_str!("placeholder.html"))
}

/// Binds, serves until SIGTERM or Ctrl-C, then drains in-flight requests.
pub async fn serve(
    state: AppState,
    tiles: TileCache,
    audit_writer: tokio::task::JoinHandle<()>,
) -> Result<(), ServeError> {
    let addr = state.config.listen;
    let listener = TcpListener::bind(addr).await.map_err(|source| ServeError::Bind { addr, source })?;
    tracing::info!(%addr, "onemap is serving on http://{addr}");
    let app = router(state, tiles, Counts::default()).into_make_service_with_connect_info::<std::net::SocketAddr>();
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
