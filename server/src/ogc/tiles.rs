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

use super::{OgcError, base, link, query, readable};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::{AppState, Routes};
use crate::tiles::{self as mvt, Layer};

pub fn routes() -> Routes {
    Routes::new()
        .route(Method::GET, "/ogc/tileMatrixSets", matrix_sets)
        .route(Method::GET, "/ogc/tileMatrixSets/{tms}", matrix_set)
        .route(Method::GET, "/ogc/tiles", dataset_tilesets)
        .route(Method::GET, "/ogc/tiles/{tms}", dataset_tileset)
        .route(Method::GET, "/ogc/tiles/{tms}/{level}/{row}/{col}", dataset_tile)
        .route(Method::GET, "/ogc/collections/{collection}/tiles", collection_tilesets)
        .route(Method::GET, "/ogc/collections/{collection}/tiles/{tms}", collection_tileset)
        .route(Method::GET, "/ogc/collections/{collection}/tiles/{tms}/{level}/{row}/{col}", collection_tile)
}

/// 切片矩阵集.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TileMatrixSet {
    WebMercatorQuad,
    /// 天地图经纬度切片 (EPSG:4490), levels 1–20.
    Cgcs2000Quad,
}

/// Metres per degree on the CGCS2000 / WGS 84 equator, and the standard pixel (0.28 mm).
const METRES_PER_DEGREE: f64 = 6_378_137.0 * std::f64::consts::PI / 180.0;
const PIXEL: f64 = 0.000_28;
const WEB_MERCATOR_HALF: f64 = 20_037_508.342_789_244;

impl TileMatrixSet {
    pub const ALL: [TileMatrixSet; 2] = [TileMatrixSet::WebMercatorQuad, TileMatrixSet::Cgcs2000Quad];

    pub fn id(self) -> &'static str {
        match self {
            TileMatrixSet::WebMercatorQuad => "WebMercatorQuad",
            TileMatrixSet::Cgcs2000Quad => "CGCS2000Quad",
        }
    }

    fn parse(s: &str) -> Result<Self, OgcError> {
        Self::ALL.into_iter().find(|t| t.id() == s).ok_or_else(|| {
            OgcError::NoCollection(format!("tile matrix set {s} (offered: WebMercatorQuad, CGCS2000Quad)"))
        })
    }

    fn title(self) -> &'static str {
        match self {
            TileMatrixSet::WebMercatorQuad => "Web Mercator 四叉树切片 (EPSG:3857)",
            TileMatrixSet::Cgcs2000Quad => "CGCS2000 经纬度四叉树切片 (EPSG:4490, 天地图 c 格网)",
        }
    }

    fn crs(self) -> &'static str {
        match self {
            TileMatrixSet::WebMercatorQuad => "http://www.opengis.net/def/crs/EPSG/0/3857",
            TileMatrixSet::Cgcs2000Quad => "http://www.opengis.net/def/crs/EPSG/0/4490",
        }
    }

    fn uri(self) -> Option<&'static str> {
        match self {
            TileMatrixSet::WebMercatorQuad => Some("http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"),
            TileMatrixSet::Cgcs2000Quad => None,
        }
    }

    /// The tile matrix ids: 0–22 for Web Mercator, 1–20 for the 天地图 grid.
    fn levels(self) -> std::ops::RangeInclusive<u8> {
        match self {
            TileMatrixSet::WebMercatorQuad => 0..=mvt::MAX_ZOOM,
            TileMatrixSet::Cgcs2000Quad => 1..=20,
        }
    }

    /// Columns and rows of a level.
    fn size(self, level: u8) -> (u32, u32) {
        match self {
            TileMatrixSet::WebMercatorQuad => (1 << level, 1 << level),
            TileMatrixSet::Cgcs2000Quad => (1 << level, 1 << (level - 1)),
        }
    }

    /// Size of a cell (pixel of a 256-pixel tile) in CRS units.
    fn cell_size(self, level: u8) -> f64 {
        match self {
            TileMatrixSet::WebMercatorQuad => 2.0 * WEB_MERCATOR_HALF / 256.0 / f64::from(1u32 << level),
            TileMatrixSet::Cgcs2000Quad => 180.0 / 256.0 / f64::from(1u32 << (level - 1)),
        }
    }

    fn definition(self) -> Value {
        let matrices: Vec<Value> = self
            .levels()
            .map(|level| {
                let (w, h) = self.size(level);
                let cell = self.cell_size(level);
                let (scale, origin) = match self {
                    TileMatrixSet::WebMercatorQuad => (cell / PIXEL, json!([-WEB_MERCATOR_HALF, WEB_MERCATOR_HALF])),
                    // Latitude first, as EPSG:4490 orders its axes.
                    TileMatrixSet::Cgcs2000Quad => (cell * METRES_PER_DEGREE / PIXEL, json!([90.0, -180.0])),
                };
                json!({ "id": level.to_string(), "scaleDenominator": scale, "cellSize": cell,
                        "cornerOfOrigin": "topLeft", "pointOfOrigin": origin, "tileWidth": 256, "tileHeight": 256,
                        "matrixWidth": w, "matrixHeight": h })
            })
            .collect();
        let mut v = json!({
            "id": self.id(),
            "title": self.title(),
            "crs": self.crs(),
            "orderedAxes": match self { TileMatrixSet::WebMercatorQuad => json!(["E", "N"]), TileMatrixSet::Cgcs2000Quad => json!(["Lat", "Lon"]) },
            "tileMatrices": matrices,
        });
        if let Some(uri) = self.uri() {
            v["uri"] = Value::from(uri);
        }
        v
    }
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
    Ok(axum::Json(TileMatrixSet::parse(&id)?.definition()).into_response())
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
    let t = TileMatrixSet::parse(&tms)?;
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
    let t = TileMatrixSet::parse(&tms)?;
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
    state: &AppState,
    p: &Principal,
    headers: &HeaderMap,
    layers: Arc<[Layer]>,
    tms: &str,
    (level, row, col): (String, String, String),
    raw: Option<&str>,
) -> Result<Response, ApiError> {
    only_f(raw)?;
    let t = TileMatrixSet::parse(tms)?;
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
        TileMatrixSet::WebMercatorQuad => mvt::respond(state, p, headers, layers, level, col, row).await,
        TileMatrixSet::Cgcs2000Quad => {
            let size = 180.0 / f64::from(1u32 << (level - 1));
            let west = -180.0 + f64::from(col) * size;
            let north = 90.0 - f64::from(row) * size;
            mvt::respond_geographic(state, p, headers, &layers, level, [west, north - size, west + size, north]).await
        }
    }
}

async fn dataset_tile(
    State(state): State<AppState>,
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
    State(state): State<AppState>,
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
    use super::*;

    #[test]
    fn grids_match_the_registered_and_the_national_ones() {
        let wm = TileMatrixSet::WebMercatorQuad.definition();
        // OGC 17-083r4 Annex D: WebMercatorQuad level 0.
        assert!((wm["tileMatrices"][0]["scaleDenominator"].as_f64().unwrap() - 559_082_264.028_717_8).abs() < 1e-3);
        let c = TileMatrixSet::Cgcs2000Quad.definition();
        // 天地图 c grid level 1 = WorldCRS84Quad level 0: 2 × 1 tiles, 0.703125°/pixel.
        let l1 = &c["tileMatrices"][0];
        assert_eq!(
            (l1["id"].as_str(), l1["matrixWidth"].as_u64(), l1["matrixHeight"].as_u64()),
            (Some("1"), Some(2), Some(1))
        );
        assert!((l1["scaleDenominator"].as_f64().unwrap() - 279_541_132.014_358_76).abs() < 1e-3);
        assert_eq!(c["tileMatrices"].as_array().unwrap().len(), 20);
        assert_eq!(super::super::collections::COLLECTIONS.iter().filter(|c| c.layers.is_empty()).count(), 0);
    }
}
