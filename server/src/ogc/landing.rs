//! The OGC metadata pages: landing page, conformance, collections and queryables.

use axum::Extension;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use serde_json::{Value, json};

use super::OgcState;
use super::collections::{COLLECTIONS, Collection};
use super::crs::{self, CGCS2000, Crs};
use super::support::{Format, OgcError, base, json_or_html, link, only_format, readable};
use crate::auth::Principal;

pub async fn landing(headers: HeaderMap, RawQuery(raw): RawQuery) -> Result<Response, OgcError> {
    let f = only_format(raw.as_deref(), &headers)?;
    let b = base(&headers);
    let body = json!({
        "title": "onemap 不动产登记与房屋征收一张图 OGC API",
        "description": "宗地、自然幢、户、征收项目、补偿单元、现场照片与行政区的 OGC API Features (Parts 1–3) 与 OGC API Tiles",
        "links": [
            link(format!("{b}?f=json"), "self", "application/json", "本页 (JSON)"),
            link(format!("{b}?f=html"), "alternate", "text/html", "本页 (HTML)"),
            link(format!("{b}/api"), "service-desc", "application/vnd.oai.openapi+json;version=3.0", "OpenAPI 3.0 定义"),
            link(format!("{b}/api?f=html"), "service-doc", "text/html", "接口文档 (交互式)"),
            link(format!("{b}/conformance"), "conformance", "application/json", "符合性声明"),
            link(format!("{b}/collections"), "data", "application/json", "要素集合"),
            link(format!("{b}/tileMatrixSets"), "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes", "application/json", "切片矩阵集"),
            link(format!("{b}/tiles"), "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector", "application/json", "矢量切片集"),
        ]
    });
    Ok(json_or_html(f, "onemap OGC API", body))
}

/// Conformance classes declared at /ogc/conformance.
pub const CONFORMANCE: &[&str] = &[
    "http://www.opengis.net/spec/ogcapi-common-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-common-2/1.0/conf/collections",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
    "http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/property-property",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/dataset-tilesets",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/tms/2.0/conf/tilematrixset",
    "http://www.opengis.net/spec/tms/2.0/conf/json-tilematrixset",
    // Part 4 (see write.rs).
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/optimistic-locking-etags",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/features",
];

pub async fn conformance(headers: HeaderMap, RawQuery(raw): RawQuery) -> Result<Response, OgcError> {
    let f = only_format(raw.as_deref(), &headers)?;
    Ok(json_or_html(f, "符合性声明 Conformance", json!({ "conformsTo": CONFORMANCE })))
}

/// Bounds of the data (CRS84): the county's, which holds every feature served.
pub async fn extent(state: &OgcState) -> Result<[f64; 4], OgcError> {
    let mut read = state.reads.pick(&state.bulk).await;
    let b: Option<(f64, f64, f64, f64)> = loop {
        match sqlx::query_as(include_str!("sql/extent.sql")).fetch_optional(read.pool()).await {
            Err(e) if read.fall_back(&e) => continue,
            got => break got?,
        }
    };
    Ok(b.map(|(w, s, e, n)| [w, s, e, n]).unwrap_or([73.0, 3.0, 136.0, 54.0]))
}

fn collection_json(c: &Collection, b: &str, bbox: [f64; 4]) -> Value {
    let crs: Vec<String> = Crs::all().map(Crs::uri).collect();
    let href = format!("{b}/collections/{}", c.id);
    json!({
        "id": c.id,
        "title": c.title,
        "description": c.description,
        "itemType": "feature",
        "crs": crs,
        "storageCrs": CGCS2000.uri(),
        "extent": {
            "spatial": { "bbox": [bbox], "crs": crs::CRS84.uri() },
            "temporal": { "interval": [[null, null]], "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian" }
        },
        "links": [
            link(format!("{href}?f=json"), "self", "application/json", c.title),
            link(format!("{href}?f=html"), "alternate", "text/html", c.title),
            link(format!("{href}/items?f=json"), "items", "application/geo+json", "要素 (GeoJSON)"),
            link(format!("{href}/items?f=html"), "items", "text/html", "要素 (HTML)"),
            link(format!("{href}/queryables"), "http://www.opengis.net/def/rel/ogc/1.0/queryables", "application/schema+json", "可查询属性"),
            link(format!("{href}/tiles"), "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector", "application/json", "矢量切片集"),
        ]
    })
}

pub async fn collections(
    State(state): State<OgcState>,
    Extension(p): Extension<Principal>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, OgcError> {
    let f = only_format(raw.as_deref(), &headers)?;
    let b = base(&headers);
    let bbox = extent(&state).await?;
    let list: Vec<Value> =
        COLLECTIONS.iter().filter(|c| readable(c.id, &p).is_ok()).map(|c| collection_json(c, &b, bbox)).collect();
    let body = json!({
        "links": [
            link(format!("{b}/collections?f=json"), "self", "application/json", "要素集合"),
            link(format!("{b}/collections?f=html"), "alternate", "text/html", "要素集合"),
        ],
        "collections": list,
        "crs": Crs::all().map(Crs::uri).collect::<Vec<_>>(),
    });
    Ok(json_or_html(f, "要素集合 Collections", body))
}

pub async fn collection(
    State(state): State<OgcState>,
    Extension(p): Extension<Principal>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, OgcError> {
    let c = readable(&id, &p)?;
    let f = only_format(raw.as_deref(), &headers)?;
    let body = collection_json(c, &base(&headers), extent(&state).await?);
    Ok(json_or_html(f, c.title, body))
}

pub async fn queryables(
    Extension(p): Extension<Principal>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, OgcError> {
    let c = readable(&id, &p)?;
    let f = only_format(raw.as_deref(), &headers)?;
    let mut properties = serde_json::Map::new();
    properties.insert(
        "geometry".into(),
        json!({ "title": "几何", "format": format!("geometry-{}", c.geometry.to_lowercase()),
                "x-ogc-role": "primary-geometry" }),
    );
    for q in c.queryables {
        let mut s = q.kind.schema();
        s["title"] = Value::from(q.title);
        if q.name == c.temporal {
            s["x-ogc-role"] = Value::from("primary-instant");
        }
        properties.insert(q.name.into(), s);
    }
    let body = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": format!("{}/collections/{}/queryables", base(&headers), c.id),
        "type": "object",
        "title": c.title,
        "properties": properties,
        "additionalProperties": false,
    });
    let mut r = json_or_html(f, &format!("{} 可查询属性", c.title), body);
    if f == Format::Json {
        r.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/schema+json"));
    }
    Ok(r)
}
