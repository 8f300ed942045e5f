//! OGC API Tiles: our vector tiles as tilesets of the whole dataset (`/ogc/tiles`) and of each
//! collection, in two tile matrix sets: WebMercatorQuad, and CGCS2000Quad — the EPSG:4490
//! longitude/latitude quad grid of the national map service 天地图 (TILEMATRIXSET=c), whose
//! level 1 is two tiles of 180° and whose levels match Web Mercator zooms in scale.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Method};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::support::{OgcError, base, link, readable};
use super::{OgcState, query};
use crate::auth::policy::Access;
use crate::auth::{Principal, Routes};
use crate::base::ApiError;
use crate::tiles::{self as mvt, Layer};
use onemap_tiles::TileMatrixSet;

pub fn routes() -> Routes<OgcState> {
    Routes::new()
        .route(Method::GET, "/ogc/tileMatrixSets", Access::Public, matrix_sets)
        .route(Method::GET, "/ogc/tileMatrixSets/{tms}", Access::Public, matrix_set)
        .route(Method::GET, "/ogc/tiles", Access::Public, dataset_tilesets)
        .route(Method::GET, "/ogc/tiles/{tms}", Access::Public, dataset_tileset)
        .route(Method::GET, "/ogc/tiles/{tms}/{level}/{row}/{col}", Access::Public, dataset_tile)
        .route(Method::GET, "/ogc/collections/{collection}/tiles", Access::Public, collection_tilesets)
        .route(Method::GET, "/ogc/collections/{collection}/tiles/{tms}", Access::Public, collection_tileset)
        .route(
            Method::GET,
            "/ogc/collections/{collection}/tiles/{tms}/{level}/{row}/{col}",
            Access::Public,
            collection_tile,
        )
}

fn matrix_set_of(s: &str) -> Result<TileMatrixSet, OgcError> {
    TileMatrixSet::parse(s)
        .ok_or_else(|| OgcError::NoCollection(format!("tile matrix set {s} (offered: WebMercatorQuad, CGCS2000Quad)")))
}

fn only_f(raw: Option<&str>) -> Result<(), OgcError> {
    let pairs = query::pairs(raw);
    query::check_known(&pairs, &["f"], None)?;
    match query::get(&pairs, "f") {
        None | Some("json" | "mvt") => Ok(()),
        Some(other) => Err(OgcError::Format(other.to_owned())),
    }
}

async fn matrix_sets(headers: HeaderMap, RawQuery(raw): RawQuery) -> Result<Response, OgcError> {
    only_f(raw.as_deref())?;
    let b = base(&headers);
    let sets: Vec<Value> = TileMatrixSet::ALL
        .iter()
        .map(|t| {
            json!({ "id": t.id(), "title": t.title(), "crs": t.crs(),
                    "links": [link(format!("{b}/tileMatrixSets/{}", t.id()), "self", "application/json", t.title())] })
        })
        .collect();
    Ok(axum::Json(json!({ "tileMatrixSets": sets })).into_response())
}

async fn matrix_set(Path(id): Path<String>, RawQuery(raw): RawQuery) -> Result<Response, OgcError> {
    only_f(raw.as_deref())?;
    Ok(axum::Json(matrix_set_of(&id)?.definition()).into_response())
}

/// The tileset list at `href` (a collection's or the dataset's tiles path).
fn tilesets(b: &str, href: &str, title: &str) -> Value {
    let list: Vec<Value> = TileMatrixSet::ALL
        .iter()
        .map(|t| {
            let mut v = json!({ "title": format!("{title} — {}", t.id()), "dataType": "vector", "crs": t.crs(),
                "links": [
                    link(format!("{href}/{}", t.id()), "self", "application/json", t.title()),
                    link(format!("{b}/tileMatrixSets/{}", t.id()), "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme",
                         "application/json", t.title()),
                ] });
            if let Some(uri) = t.uri() {
                v["tileMatrixSetURI"] = Value::from(uri);
            }
            v
        })
        .collect();
    json!({ "tilesets": list, "links": [link(href.to_owned(), "self", "application/json", title)] })
}

fn tileset(b: &str, href: &str, title: &str, t: TileMatrixSet, layers: &[Layer]) -> Value {
    let levels = t.levels();
    // Zoom ranges of the layers, as tile matrix ids of this set (Web Mercator zooms and 天地图
    // levels coincide in scale).
    let layer_list: Vec<Value> = layers
        .iter()
        .map(|l| {
            let (min, max) = l.zooms();
            let min = min.max(*levels.start());
            let max = max.min(*levels.end());
            let fields: serde_json::Map<String, Value> =
                l.fields().iter().map(|(k, v)| ((*k).to_owned(), json!({ "type": v.to_lowercase() }))).collect();
            json!({ "id": l.name(), "title": l.description(), "dataType": "vector", "geometryDimension": 2,
                    "minTileMatrix": min.to_string(), "maxTileMatrix": max.to_string(),
                    "propertiesSchema": { "type": "object", "properties": fields } })
        })
        .collect();
    let mut v = json!({
        "title": format!("{title} — {}", t.id()),
        "dataType": "vector",
        "crs": t.crs(),
        "layers": layer_list,
        "links": [
            link(format!("{href}/{}", t.id()), "self", "application/json", t.title()),
            link(format!("{b}/tileMatrixSets/{}", t.id()), "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme", "application/json", t.title()),
            json!({ "href": format!("{href}/{}/{{tileMatrix}}/{{tileRow}}/{{tileCol}}", t.id()), "rel": "item",
                    "type": "application/vnd.mapbox-vector-tile", "templated": true, "title": "矢量切片 (MVT)" }),
        ],
    });
    if let Some(uri) = t.uri() {
        v["tileMatrixSetURI"] = Value::from(uri);
    }
    v
}

async fn dataset_tilesets(headers: HeaderMap, RawQuery(raw): RawQuery) -> Result<Response, OgcError> {
    only_f(raw.as_deref())?;
    let b = base(&headers);
    Ok(axum::Json(tilesets(&b, &format!("{b}/tiles"), "onemap 全部图层")).into_response())
}

async fn dataset_tileset(
    headers: HeaderMap,
    Path(tms): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, OgcError> {
    only_f(raw.as_deref())?;
    let t = matrix_set_of(&tms)?;
    let b = base(&headers);
    Ok(axum::Json(tileset(&b, &format!("{b}/tiles"), "onemap 全部图层", t, &Layer::ALL)).into_response())
}

async fn collection_tilesets(
    Extension(p): Extension<Principal>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, OgcError> {
    let c = readable(&id, &p)?;
    only_f(raw.as_deref())?;
    let b = base(&headers);
    Ok(axum::Json(tilesets(&b, &format!("{b}/collections/{}/tiles", c.id), c.title)).into_response())
}

async fn collection_tileset(
    Extension(p): Extension<Principal>,
    headers: HeaderMap,
    Path((id, tms)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, OgcError> {
    let c = readable(&id, &p)?;
    only_f(raw.as_deref())?;
    let t = matrix_set_of(&tms)?;
    let b = base(&headers);
    Ok(axum::Json(tileset(&b, &format!("{b}/collections/{}/tiles", c.id), c.title, t, c.layers)).into_response())
}

fn index(name: &str, s: &str) -> Result<u32, OgcError> {
    if s.is_empty() || s.len() > 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(OgcError::invalid(name, format!("must be a non-negative integer, not {s:?}")));
    }
    s.parse().map_err(|_| OgcError::invalid(name, format!("{s:?} is out of range")))
}

async fn serve(
    state: &OgcState,
    p: &Principal,
    headers: &HeaderMap,
    layers: Arc<[Layer]>,
    tms: &str,
    (level, row, col): (String, String, String),
    raw: Option<&str>,
) -> Result<Response, ApiError> {
    only_f(raw)?;
    let t = matrix_set_of(tms)?;
    let level = index("tileMatrix", &level)?;
    let (row, col) = (index("tileRow", &row)?, index("tileCol", &col)?);
    if !t.levels().contains(&u8::try_from(level).unwrap_or(u8::MAX)) {
        let (a, b) = (*t.levels().start(), *t.levels().end());
        return Err(OgcError::invalid("tileMatrix", format!("{level}: {} has tile matrices {a} to {b}", t.id())).into());
    }
    let level = level as u8;
    let (w, h) = t.size(level);
    if col >= w || row >= h {
        return Err(OgcError::invalid(
            "tile",
            format!(
                "at tile matrix {level} of {}, rows go from 0 to {} and columns from 0 to {}",
                t.id(),
                h - 1,
                w - 1
            ),
        )
        .into());
    }
    match t {
        TileMatrixSet::WebMercatorQuad => {
            let if_none_match = headers.get(axum::http::header::IF_NONE_MATCH);
            mvt::respond(&state.tiles, p, if_none_match, layers, level, col, row).await
        }
        TileMatrixSet::Cgcs2000Quad => {
            let bounds = TileMatrixSet::geographic_bounds(level, row, col);
            mvt::respond_geographic(state, p, headers, &layers, level, bounds).await
        }
    }
}

async fn dataset_tile(
    State(state): State<OgcState>,
    Extension(p): Extension<Principal>,
    headers: HeaderMap,
    Path((tms, level, row, col)): Path<(String, String, String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    // Relocation layers are empty for callers without relocation access, as in /tiles.
    let layers: Arc<[Layer]> = Layer::ALL.into();
    serve(&state, &p, &headers, layers, &tms, (level, row, col), raw.as_deref()).await
}

async fn collection_tile(
    State(state): State<OgcState>,
    Extension(p): Extension<Principal>,
    headers: HeaderMap,
    Path((id, tms, level, row, col)): Path<(String, String, String, String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let c = readable(&id, &p)?;
    serve(&state, &p, &headers, c.layers.into(), &tms, (level, row, col), raw.as_deref()).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_collection_has_tile_layers() {
        assert_eq!(super::super::collections::COLLECTIONS.iter().filter(|c| c.layers.is_empty()).count(), 0);
    }
}
