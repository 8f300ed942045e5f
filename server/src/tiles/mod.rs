//! Vector tiles (Mapbox Vector Tile 2.1) from PostGIS: `GET /tiles/{layers}/{z}/{x}/{y}.mvt`
//! (or `.pbf`), one or several comma-separated layers in one tile, and
//! `GET /tiles/{layers}` (TileJSON 3.0). Content follows the caller's role and project
//! scope; tiles are cached in memory per audience and dropped when their data changes.

mod cache;
mod layers;

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};

use cache::{Audience, Tile, TileKey};
pub use cache::{TileCache, listen};
pub use layers::{Layer, tile_query};
use onemap_tiles::tilejson::LayerInfo;

use crate::auth::policy::Access;
use crate::auth::{Principal, Role, Routes};
use crate::base::{ApiError, AppState};

/// What the tile handlers share: the application state and the tile cache (one pointer,
/// cloned per request).
#[derive(Clone)]
pub struct TilesState(Arc<TilesShared>);

pub struct TilesShared {
    pub app: AppState,
    pub cache: TileCache,
}

impl TilesState {
    pub fn new(app: AppState, cache: TileCache) -> Self {
        Self(Arc::new(TilesShared { app, cache }))
    }

    pub fn app(&self) -> &AppState {
        &self.0.app
    }

    pub fn cache(&self) -> &TileCache {
        &self.0.cache
    }
}

impl std::ops::Deref for TilesState {
    type Target = AppState;
    fn deref(&self) -> &AppState {
        &self.0.app
    }
}

/// Tiles are public; their content follows the role (relocation layers only in scope).
pub fn routes() -> Routes<TilesState> {
    Routes::new().route(Method::GET, "/tiles/{layers}", Access::Public, tilejson).route(
        Method::GET,
        "/tiles/{layers}/{z}/{x}/{tile}",
        Access::Public,
        tile,
    )
}

pub use onemap_tiles::MAX_ZOOM;

fn bad_tile(message: String) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "invalid_tile", message)
}

/// `parcels,buildings` → the layers, in order; unknown names are 404, repeats 400.
pub fn parse_layers(list: &str) -> Result<Arc<[Layer]>, ApiError> {
    let mut layers = Vec::new();
    for name in list.split(',') {
        let layer = Layer::parse(name.trim()).ok_or_else(|| {
            let known: Vec<&str> = Layer::ALL.iter().map(|l| l.name()).collect();
            ApiError::new(
                StatusCode::NOT_FOUND,
                "unknown_layer",
                format!("no tile layer {name:?}; layers: {}", known.join(", ")),
            )
        })?;
        if layers.contains(&layer) {
            return Err(bad_tile(format!("layer {name} is listed twice")));
        }
        layers.push(layer);
    }
    Ok(layers.into())
}

/// z, x and `{y}.mvt` / `{y}.pbf` of a tile path, checked against the zoom's range.
fn parse_tile(z: &str, x: &str, file: &str) -> Result<(u8, u32, u32), ApiError> {
    let y = file.strip_suffix(".mvt").or_else(|| file.strip_suffix(".pbf")).ok_or_else(|| {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("tiles end in .mvt or .pbf, not {file:?}"))
    })?;
    let num = |s: &str, what: &str| -> Result<u32, ApiError> {
        if s.is_empty() || s.len() > 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad_tile(format!("{what} must be a non-negative integer, not {s:?}")));
        }
        s.parse().map_err(|_| bad_tile(format!("{what} {s:?} is out of range")))
    };
    let z = num(z, "z")?;
    if z > u32::from(MAX_ZOOM) {
        return Err(bad_tile(format!("z is {z}: zoom levels go from 0 to {MAX_ZOOM}")));
    }
    let (x, y) = (num(x, "x")?, num(y, "y")?);
    let n = 1u32 << z;
    if x >= n || y >= n {
        return Err(bad_tile(format!("at zoom {z}, x and y go from 0 to {}; got x={x}, y={y}", n - 1)));
    }
    Ok((z as u8, x, y))
}

/// Relocation layers (projects, compensation units, photos) follow the caller's relocation
/// scope; the role is in the key as well.
fn audience(p: &Principal) -> Audience {
    Audience { role: p.role.as_str(), projects: p.relocation_scope() }
}

/// The request's `If-None-Match`, alone (taking the whole `HeaderMap` would copy every header
/// of every tile request).
pub struct IfNoneMatch(pub Option<HeaderValue>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for IfNoneMatch {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(parts.headers.get(header::IF_NONE_MATCH).cloned()))
    }
}

async fn tile(
    State(state): State<TilesState>,
    Extension(p): Extension<Principal>,
    IfNoneMatch(if_none_match): IfNoneMatch,
    Path((layers, z, x, file)): Path<(String, String, String, String)>,
) -> Result<Response, ApiError> {
    let layers = parse_layers(&layers)?;
    let (z, x, y) = parse_tile(&z, &x, &file)?;
    respond(&state, &p, if_none_match.as_ref(), layers, z, x, y).await
}

/// The Web Mercator tile z/x/y of `layers` for the caller (cached), honouring If-None-Match.
pub async fn respond(
    state: &TilesState,
    p: &Principal,
    if_none_match: Option<&HeaderValue>,
    layers: Arc<[Layer]>,
    z: u8,
    x: u32,
    y: u32,
) -> Result<Response, ApiError> {
    let key = TileKey { layers, z, x, y, audience: audience(p) };
    // Only a miss builds the query and copies the scope.
    let wanted = key.layers.clone();
    let projects = key.audience.projects.clone();
    let keep = state.config.tile_cache_bytes > 0;
    let (tile, hit) = state
        .cache()
        .get_or_make(key, keep, || async move {
            // After the cache's generation was taken: the fence holds every change before it.
            let sql = layers::tile_query(&wanted, z);
            let mut read = state.reads.pick(&state.bulk).await;
            loop {
                let data = sqlx::query_scalar::<_, Vec<u8>>(&sql)
                    .bind(i32::from(z))
                    .bind(x as i32)
                    .bind(y as i32)
                    .bind(p.sees_relocation())
                    .bind(projects.as_deref())
                    .fetch_one(read.pool())
                    .await;
                match data {
                    Err(e) if read.fall_back(&e) => continue,
                    data => break Ok::<_, sqlx::Error>(Tile::new(data?)),
                }
            }
        })
        .await?;
    Ok(tile_response(p, if_none_match, tile, Some(hit)))
}

/// A tile in the CGCS2000 geographic grid: `bounds` (west, south, east, north) in EPSG:4490,
/// `level` the equivalent Web Mercator zoom for the layers' zoom ranges. Not cached.
pub async fn respond_geographic(
    state: &AppState,
    p: &Principal,
    headers: &HeaderMap,
    layers: &[Layer],
    level: u8,
    bounds: [f64; 4],
) -> Result<Response, ApiError> {
    let sql = layers::geographic_tile_query(layers, level);
    let scope = p.relocation_scope();
    let mut read = state.reads.pick(&state.bulk).await;
    let data = loop {
        let data = sqlx::query_scalar::<_, Vec<u8>>(&sql)
            .bind(i32::from(level))
            .bind(bounds[0])
            .bind(bounds[1])
            .bind(p.sees_relocation())
            .bind(scope.as_deref())
            .bind(bounds[2])
            .bind(bounds[3])
            .fetch_one(read.pool())
            .await;
        match data {
            Err(e) if read.fall_back(&e) => continue,
            data => break data?,
        }
    };
    Ok(tile_response(p, headers.get(header::IF_NONE_MATCH), Tile::new(data), None))
}

fn tile_response(p: &Principal, if_none_match: Option<&HeaderValue>, tile: Tile, hit: Option<bool>) -> Response {
    let private = p.role != Role::Public;
    let mut response = if if_none_match.is_some_and(|v| etag_matches(v, tile.etag.as_bytes())) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, "application/vnd.mapbox-vector-tile")], tile.data).into_response()
    };
    let h = response.headers_mut();
    h.insert(header::ETAG, tile.etag);
    // Cached by clients but revalidated each time: the server knows when a tile changes.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if private { "private, no-cache" } else { "public, no-cache" }),
    );
    h.insert(header::VARY, HeaderValue::from_static("Authorization, Cookie"));
    if let Some(hit) = hit {
        h.insert("x-cache", HeaderValue::from_static(if hit { "HIT" } else { "MISS" }));
    }
    response
}

fn etag_matches(header: &HeaderValue, etag: &[u8]) -> bool {
    header
        .to_str()
        .is_ok_and(|v| v.split(',').any(|t| t.trim() == "*" || t.trim().trim_start_matches("W/").as_bytes() == etag))
}

/// Scheme and host the client used, for the absolute URLs of TileJSON and the style.
pub fn origin(headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
    let proto = headers.get("x-forwarded-proto").and_then(|h| h.to_str().ok()).unwrap_or("http");
    format!("{proto}://{host}")
}

/// `GET /tiles/{layers}`: TileJSON 3.0 for a layer list.
async fn tilejson(
    State(state): State<TilesState>,
    headers: HeaderMap,
    Path(list): Path<String>,
) -> Result<Json<onemap_tiles::tilejson::TileJSON>, ApiError> {
    let layers = parse_layers(&list)?;
    let names: Vec<&str> = layers.iter().map(|l| l.name()).collect();
    let bounds: Option<(f64, f64, f64, f64)> =
        sqlx::query_as(include_str!("county_bounds.sql")).fetch_optional(&state.bulk).await?;
    let (w, s, e, n) = bounds.unwrap_or((73.0, 3.0, 136.0, 54.0));
    let info: Vec<LayerInfo> = layers
        .iter()
        .map(|l| LayerInfo {
            id: l.name(),
            description: l.description(),
            minzoom: l.zooms().0,
            maxzoom: l.zooms().1,
            fields: l.fields(),
        })
        .collect();
    let joined = names.join(",");
    let url = format!("{}/tiles/{joined}/{{z}}/{{x}}/{{y}}.mvt", origin(&headers));
    Ok(Json(onemap_tiles::tilejson::document(format!("onemap {joined}"), url, &info, [w, s, e, n])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_paths_are_checked() {
        assert_eq!(parse_tile("14", "13338", "6492.mvt").unwrap(), (14, 13338, 6492));
        assert_eq!(parse_tile("0", "0", "0.pbf").unwrap(), (0, 0, 0));
        for (z, x, y, status) in [
            ("23", "0", "0.mvt", 400),
            ("2", "4", "0.mvt", 400),
            ("2", "0", "4.mvt", 400),
            ("-1", "0", "0.mvt", 400),
            ("a", "0", "0.mvt", 400),
            ("99999999999", "0", "0.mvt", 400),
            ("2", "0", "0.png", 404),
            ("2", "0", ".mvt", 400),
        ] {
            assert_eq!(parse_tile(z, x, y).unwrap_err().status.as_u16(), status, "{z}/{x}/{y}");
        }
        assert_eq!(parse_layers("parcels,buildings").unwrap().len(), 2);
        assert_eq!(parse_layers("parcels,nope").unwrap_err().status, StatusCode::NOT_FOUND);
        assert_eq!(parse_layers("parcels,parcels").unwrap_err().status, StatusCode::BAD_REQUEST);
        assert_eq!(parse_layers("").unwrap_err().status, StatusCode::NOT_FOUND);
    }

    #[test]
    fn if_none_match_forms() {
        let tag = b"\"abc\"";
        assert!(etag_matches(&HeaderValue::from_static("\"abc\""), tag));
        assert!(etag_matches(&HeaderValue::from_static("W/\"abc\", \"x\""), tag));
        assert!(etag_matches(&HeaderValue::from_static("*"), tag));
        assert!(!etag_matches(&HeaderValue::from_static("\"abd\""), tag));
    }
}
