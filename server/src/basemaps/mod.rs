//! 底图: the background layers of onemap.toml's `[[basemaps]]` (none by default).
//! `GET /api/basemaps` lists them with their tile URLs — 天地图's Web Mercator WMTS with its
//! annotation layer, XYZ/WMTS templates as configured, onemap's own URL for a local MBTiles
//! file — and `GET /basemaps/{id}/{z}/{x}/{y}` serves the tiles of an MBTiles file, for
//! offices without internet. The layer panel switches them.

mod mbtiles;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use onemap_api::basemaps::Basemap;

use crate::auth::Routes;
use crate::auth::policy::Access;
use crate::base::{ApiError, AppState};
use crate::config::BasemapConfig;

pub fn routes() -> Routes {
    Routes::new().route(Method::GET, "/api/basemaps", Access::Public, list).route(
        Method::GET,
        "/basemaps/{id}/{z}/{x}/{y}",
        Access::Public,
        tile,
    )
}

/// OpenAPI of this module's routes.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list))]
pub struct Api;

/// 天地图's hosts t0 … t7.
const TIANDITU_HOSTS: u8 = 8;

/// The tile URLs of 天地图 layer `layer` (vec, img, cva, cia) in Web Mercator.
fn tianditu(layer: &str, key: &str) -> Vec<String> {
    (0..TIANDITU_HOSTS)
        .map(|n| {
            format!(
                "https://t{n}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={layer}\
                 &STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}"
            )
        })
        .collect()
}

fn shown(b: &BasemapConfig, origin: &str) -> Basemap {
    let layers = match b.kind.as_str() {
        "tianditu" => {
            let (map, notes) = if b.layer.as_deref() == Some("img") { ("img", "cia") } else { ("vec", "cva") };
            let key = b.key.as_deref().unwrap_or_default();
            vec![tianditu(map, key), tianditu(notes, key)]
        }
        "mbtiles" => vec![vec![format!("{origin}/basemaps/{}/{{z}}/{{x}}/{{y}}", b.id)]],
        _ => vec![vec![b.url.clone().unwrap_or_default()]],
    };
    Basemap {
        id: b.id.clone(),
        name: b.name.clone(),
        kind: b.kind.clone(),
        layers,
        tile_size: 256,
        max_zoom: b.max_zoom.unwrap_or(18),
        attribution: b
            .attribution
            .clone()
            .or_else(|| (b.kind == "tianditu").then(|| "© 天地图 国家地理信息公共服务平台".to_owned())),
    }
}

/// The origins the map's page must be allowed to fetch tiles from (its Content-Security-Policy).
pub fn origins(list: &[BasemapConfig]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for b in list {
        let origin = match b.kind.as_str() {
            "tianditu" => Some("https://*.tianditu.gov.cn".to_owned()),
            "xyz" | "wmts" => b.url.as_deref().and_then(|u| {
                let (scheme, rest) = u.split_once("://")?;
                let host = rest.split(['/', '?']).next()?;
                (!host.is_empty() && !host.contains(['{', ' ', ';', '\''])).then(|| format!("{scheme}://{host}"))
            }),
            _ => None,
        };
        if let Some(o) = origin
            && !out.contains(&o)
        {
            out.push(o);
        }
    }
    out
}

/// The configured basemaps, for the layer panel (none by default).
#[utoipa::path(get, path = "/api/basemaps", tag = "地图 map", responses((status = 200, body = Vec<Basemap>)))]
async fn list(State(state): State<AppState>, headers: HeaderMap) -> Json<Vec<Basemap>> {
    let origin = crate::tiles::origin(&headers);
    Json(state.config.basemaps.iter().map(|b| shown(b, &origin)).collect())
}

fn bad(message: String) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "invalid_tile", message)
}

/// A tile of a local MBTiles basemap (XYZ numbering); 204 where the file has none.
async fn tile(
    State(state): State<AppState>,
    Path((id, z, x, y)): Path<(String, String, String, String)>,
) -> Result<Response, ApiError> {
    let b = state
        .config
        .basemaps
        .iter()
        .find(|b| b.id == id && b.kind == "mbtiles")
        .ok_or_else(|| ApiError::not_found(format!("no local basemap {id:?}")))?;
    let number = |s: &str| s.parse::<u32>().map_err(|_| bad(format!("{z}/{x}/{y} is not a tile (numbers)")));
    let (z, x, y) = (number(&z)?, number(&x)?, number(&y)?);
    if z > 24 || x >= 1 << z || y >= 1 << z {
        return Err(bad(format!("{z}/{x}/{y} is outside the tile grid")));
    }
    let path = b.path.clone().ok_or_else(|| ApiError::internal("a checked mbtiles basemap has a path"))?;
    let found = tokio::task::spawn_blocking(move || mbtiles::read(&path, z, x, y))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?
        .map_err(|e| ApiError::internal(format!("basemap {id}: {e}")))?;
    Ok(match found {
        Some((bytes, mime)) => {
            ([(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, "public, max-age=86400")], bytes).into_response()
        }
        None => StatusCode::NO_CONTENT.into_response(),
    })
}
