//! The top floor: assembles the routes of every domain module, the middleware (request ids, tracing, body
//! limit), static UI files, graceful shutdown.

use axum::Router;
use axum::http::{Method, Request, StatusCode};
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;

pub mod edge;
mod openapi;
mod tls;

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
    #[error("TLS: {0}")]
    Tls(String),
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
        .merge(crate::survey::routes())
        .merge(crate::identify::routes())
        .merge(crate::search::routes())
        .merge(crate::auth::routes())
        .merge(crate::access::routes())
        .merge(crate::archives::routes())
        .merge(crate::registration::routes())
        .merge(crate::exports::routes())
        .merge(crate::reports::routes())
        .merge(crate::basemaps::routes())
        .merge(crate::relocation::routes())
        .merge(crate::audit::routes())
        .merge(crate::files::routes())
        .merge(crate::styles::routes());
    // Unknown API paths answer a 404 problem body.
    for m in [Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
        core = core.route(m, "/api/{*rest}", Access::Public, api_not_found);
    }
    let (tiles, ogc) = (crate::tiles::routes().merge(crate::metrics::routes()), crate::ogc::routes());
    // The API's own description, made from the routes above (and listing itself).
    let mut list = [core.list(), tiles.list(), ogc.list()].concat();
    list.extend(openapi::routes(Vec::new()).list().iter().cloned());
    let core = core.merge(openapi::routes(list));
    Modules { core, tiles, ogc }
}

/// Every route with its access rule, for `onemap routes` and the route × role matrix.
pub fn route_list() -> Vec<RouteInfo> {
    let m = modules();
    [m.core.list(), m.tiles.list(), m.ogc.list()].concat()
}

/// Largest request body accepted by the JSON extractor (uploads will raise it per route).
pub(crate) const BODY_LIMIT: usize = 1024 * 1024;

/// Every route of the application with the middleware stack. Each domain module owns its
/// routes; `tiles` and `ogc` get their caches here.
pub fn router(state: AppState, tiles: TileCache, counts: Counts) -> Router {
    // The web UI: its files, `/` its page (the UI keeps its state in the fragment, `/#unit=…`).
    // Any other path is a 404 problem body, not the UI's page.
    let static_dir = state.config.static_dir.clone();
    let not_found = axum::handler::HandlerWithoutStateExt::into_service(edge::no_such_path);
    let ui = if static_dir.join("index.html").exists() {
        Router::new().fallback_service(ServeDir::new(&static_dir).not_found_service(not_found))
    } else {
        Router::new().route("/", axum::routing::get(placeholder_index)).fallback_service(not_found)
    };
    // Every domain module's routes; `auth::authenticate` decides access for each of them.
    let m = modules();
    let tiles = TilesState::new(state.clone(), tiles);
    let ogc = OgcState { tiles: tiles.clone(), counts };
    let (routes, _) = m
        .core
        .with_state::<()>(state.clone())
        .merge(m.tiles.with_state(tiles))
        .merge(m.ogc.with_state(ogc))
        .into_parts();
    let api = routes
        // Innermost: once a write's handler has answered, before the answer leaves.
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), crate::base::replica::fence_writes))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), crate::auth::authenticate))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), crate::base::metrics::track))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT));
    api.merge(ui).layer(
        ServiceBuilder::new()
            .layer(axum::middleware::from_fn(edge::edge))
            .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                let id = req.headers().get(&edge::REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                tracing::info_span!("request", method = %req.method(), uri = %req.uri(), request_id = %id)
            }))
            .layer(CatchPanicLayer::custom(|_| {
                axum::response::IntoResponse::into_response(ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal_error",
                    "the server hit an internal error; it has been logged",
                ))
            })),
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
pub async fn serve(
    state: AppState,
    tiles: TileCache,
    audit_writer: tokio::task::JoinHandle<()>,
) -> Result<(), ServeError> {
    let addr = state.config.listen;
    let (pool, data_dir) = (state.pool.clone(), state.config.data_dir.clone());
    // Unfinished jobs no server holds: now, and every few seconds (a job of a server that died
    // is taken over).
    let sweeper = state.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(crate::base::lease::SWEEP_EVERY);
        loop {
            tick.tick().await;
            crate::survey::jobs::resume(&sweeper).await;
            crate::exports::job::resume(&sweeper).await;
        }
    });
    crate::base::allow_origins(&crate::basemaps::origins(&state.config.basemaps));
    let tls = match state.config.tls.files() {
        Some((cert, key)) => Some(tls::config(cert, key)?),
        None => None,
    };
    let listener = TcpListener::bind(addr).await.map_err(|source| ServeError::Bind { addr, source })?;
    let app = router(state, tiles, Counts::default());
    match tls {
        Some(config) => {
            tracing::info!(%addr, "onemap is serving on https://{addr}");
            let app = app.layer(tls::hsts()).into_make_service_with_connect_info::<std::net::SocketAddr>();
            tls::serve(listener.into_std()?, config, app, shutdown_signal()).await?;
        }
        None => {
            tracing::info!(%addr, "onemap is serving on http://{addr}");
            let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
            axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await?;
        }
    }
    // The router (and with it every sender) is gone: the audit writer drains and stops.
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), audit_writer).await;
    if let Err(e) = crate::base::head::record(&pool, &data_dir).await {
        tracing::warn!(error = %e, "audit log head not recorded at shutdown");
    }
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
