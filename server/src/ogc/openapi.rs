//! `/ogc/api`: the OpenAPI 3.0 document of the OGC endpoints, one path per collection with its
//! queryables as parameters; `f=html` gives the interactive page (docs.html) that reads it.

use axum::extract::RawQuery;
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::collections::COLLECTIONS;
use super::crs::Crs;
use super::query::{DEFAULT_LIMIT, MAX_LIMIT};
use super::support::{Format, OgcError, base, only_format};
use onemap_tiles::TileMatrixSet;

fn param(name: &str, description: &str, schema: Value) -> Value {
    json!({ "name": name, "in": "query", "required": false, "description": description, "schema": schema,
            "style": "form", "explode": false })
}

fn path_param(name: &str, description: &str, schema: Value) -> Value {
    json!({ "name": name, "in": "path", "required": true, "description": description, "schema": schema })
}

fn r(name: &str) -> Value {
    json!({ "$ref": format!("#/components/parameters/{name}") })
}

fn ok(description: &str, kinds: &[&str]) -> Value {
    let mut content = Map::new();
    for k in kinds {
        content
            .insert((*k).into(), json!({ "schema": { "type": if k.contains("html") { "string" } else { "object" } } }));
    }
    json!({
        "200": { "description": description, "content": content },
        "400": { "$ref": "#/components/responses/BadRequest" },
        "404": { "$ref": "#/components/responses/NotFound" }
    })
}

fn get(tag: &str, id: String, summary: String, parameters: Vec<Value>, responses: Value) -> Value {
    json!({ "get": { "tags": [tag], "operationId": id, "summary": summary, "parameters": parameters, "responses": responses } })
}

/// Part 4 operations of an editable collection (surveyors and admins; bearer token).
fn add_writes(paths: &mut Map<String, Value>, id: &str, title: &str) {
    let feature =
        json!({ "required": true, "content": { "application/geo+json": { "schema": { "type": "object" } } } });
    let patch =
        json!({ "required": true, "content": { "application/merge-patch+json": { "schema": { "type": "object" } } } });
    let if_match = json!({ "name": "If-Match", "in": "header", "required": true, "schema": { "type": "string" },
        "description": "the item's ETag (412 when stale, 428 when missing)" });
    let fid = path_param("featureId", "要素编号 (the natural code)", json!({"type": "string"}));
    let problems = json!({
        "401": { "description": "not logged in" }, "403": { "description": "not a surveyor or admin" },
        "409": { "description": "a state rule (rights registered, rows hanging on it)" },
        "412": { "description": "stale If-Match" }, "422": { "description": "validation_failed: the import rules, with issues" },
        "428": { "description": "If-Match missing" }
    });
    let with = |extra: Value| {
        let mut r = problems.clone();
        r.as_object_mut().expect("object").extend(extra.as_object().expect("object").clone());
        r
    };
    let security = json!([{ "bearer": [] }]);
    if let Some(Value::Object(o)) = paths.get_mut(&format!("/collections/{id}/items")) {
        o.insert(
            "post".into(),
            json!({ "tags": [id], "operationId": format!("create_{id}"), "summary": format!("新建{title}"),
            "security": security, "requestBody": feature,
            "responses": with(json!({ "201": { "description": "created; Location names it" } })) }),
        );
    }
    if let Some(Value::Object(o)) = paths.get_mut(&format!("/collections/{id}/items/{{featureId}}")) {
        let ok = with(json!({ "204": { "description": "done; ETag is the new version" } }));
        o.insert(
            "put".into(),
            json!({ "tags": [id], "operationId": format!("replace_{id}"), "summary": format!("替换{title}"),
            "security": security, "parameters": [fid, if_match], "requestBody": feature, "responses": ok }),
        );
        o.insert(
            "patch".into(),
            json!({ "tags": [id], "operationId": format!("update_{id}"), "summary": format!("修改{title}"),
            "security": security, "parameters": [fid, if_match], "requestBody": patch, "responses": ok }),
        );
        o.insert(
            "delete".into(),
            json!({ "tags": [id], "operationId": format!("delete_{id}"), "summary": format!("删除{title}"),
            "security": security, "parameters": [fid, if_match], "responses": ok }),
        );
    }
}

pub fn spec(b: &str) -> Value {
    let crs: Vec<String> = Crs::all().map(Crs::uri).collect();
    let mut paths = Map::new();
    let json_html = ["application/json", "text/html"];
    paths.insert(
        "/".into(),
        get(
            "Capabilities",
            "getLandingPage".into(),
            "首页 landing page".into(),
            vec![r("f")],
            ok("landing page", &json_html),
        ),
    );
    paths.insert(
        "/conformance".into(),
        get(
            "Capabilities",
            "getConformance".into(),
            "符合性声明".into(),
            vec![r("f")],
            ok("conformance classes", &json_html),
        ),
    );
    paths.insert(
        "/api".into(),
        get(
            "Capabilities",
            "getApi".into(),
            "本 OpenAPI 文档".into(),
            vec![r("f")],
            ok("the API definition", &["application/vnd.oai.openapi+json;version=3.0", "text/html"]),
        ),
    );
    paths.insert(
        "/collections".into(),
        get(
            "Capabilities",
            "getCollections".into(),
            "要素集合列表".into(),
            vec![r("f")],
            ok("collections", &json_html),
        ),
    );
    for c in COLLECTIONS {
        let id = c.id;
        let mut items_params = vec![
            r("f"),
            r("limit"),
            r("offset"),
            r("bbox"),
            r("bbox-crs"),
            r("datetime"),
            r("crs"),
            r("filter"),
            r("filter-lang"),
            r("filter-crs"),
        ];
        for q in c.queryables {
            let mut s = q.kind.schema();
            s["title"] = Value::from(q.title);
            items_params.push(param(
                q.name,
                &format!("{}: 等于此值的要素 (features whose {} equals this value)", q.title, q.name),
                s,
            ));
        }
        paths.insert(
            format!("/collections/{id}"),
            get(
                id,
                format!("describe_{id}"),
                format!("{} 集合说明", c.title),
                vec![r("f")],
                ok("collection", &json_html),
            ),
        );
        paths.insert(
            format!("/collections/{id}/queryables"),
            get(
                id,
                format!("queryables_{id}"),
                format!("{} 可查询属性", c.title),
                vec![r("f")],
                ok("queryables", &["application/schema+json", "text/html"]),
            ),
        );
        paths.insert(
            format!("/collections/{id}/items"),
            get(
                id,
                format!("items_{id}"),
                format!("{} 要素", c.title),
                items_params,
                ok("features", &["application/geo+json", "text/html"]),
            ),
        );
        paths.insert(
            format!("/collections/{id}/items/{{featureId}}"),
            get(
                id,
                format!("item_{id}"),
                format!("{} 单个要素", c.title),
                vec![
                    path_param("featureId", "要素编号 (the natural code)", json!({"type": "string"})),
                    r("f"),
                    r("crs"),
                ],
                ok("feature", &["application/geo+json", "text/html"]),
            ),
        );
        if onemap_api::survey::ImportKind::parse(id).is_some() {
            add_writes(&mut paths, id, c.title);
        }
        paths.insert(
            format!("/collections/{id}/tiles"),
            get(
                "Tiles",
                format!("tilesets_{id}"),
                format!("{} 矢量切片集", c.title),
                vec![r("f")],
                ok("tilesets", &["application/json"]),
            ),
        );
        paths.insert(
            format!("/collections/{id}/tiles/{{tileMatrixSetId}}"),
            get(
                "Tiles",
                format!("tileset_{id}"),
                format!("{} 切片集", c.title),
                vec![r("tileMatrixSetId"), r("f")],
                ok("tileset", &["application/json"]),
            ),
        );
        paths.insert(
            format!("/collections/{id}/tiles/{{tileMatrixSetId}}/{{tileMatrix}}/{{tileRow}}/{{tileCol}}"),
            get(
                "Tiles",
                format!("tile_{id}"),
                format!("{} 矢量切片", c.title),
                vec![r("tileMatrixSetId"), r("tileMatrix"), r("tileRow"), r("tileCol"), r("f")],
                ok("a Mapbox Vector Tile", &["application/vnd.mapbox-vector-tile"]),
            ),
        );
    }
    paths.insert(
        "/tiles".into(),
        get(
            "Tiles",
            "getDatasetTilesets".into(),
            "全部图层矢量切片集".into(),
            vec![r("f")],
            ok("tilesets", &["application/json"]),
        ),
    );
    paths.insert(
        "/tiles/{tileMatrixSetId}".into(),
        get(
            "Tiles",
            "getDatasetTileset".into(),
            "全部图层切片集".into(),
            vec![r("tileMatrixSetId"), r("f")],
            ok("tileset", &["application/json"]),
        ),
    );
    paths.insert(
        "/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}".into(),
        get(
            "Tiles",
            "getDatasetTile".into(),
            "全部图层矢量切片".into(),
            vec![r("tileMatrixSetId"), r("tileMatrix"), r("tileRow"), r("tileCol"), r("f")],
            ok("a Mapbox Vector Tile", &["application/vnd.mapbox-vector-tile"]),
        ),
    );
    paths.insert(
        "/tileMatrixSets".into(),
        get(
            "Tiles",
            "getTileMatrixSets".into(),
            "切片矩阵集".into(),
            vec![r("f")],
            ok("tile matrix sets", &["application/json"]),
        ),
    );
    paths.insert(
        "/tileMatrixSets/{tileMatrixSetId}".into(),
        get(
            "Tiles",
            "getTileMatrixSet".into(),
            "切片矩阵集定义".into(),
            vec![r("tileMatrixSetId"), r("f")],
            ok("a tile matrix set", &["application/json"]),
        ),
    );

    let tms: Vec<&str> = TileMatrixSet::ALL.iter().map(|t| t.id()).collect();
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "onemap OGC API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "不动产登记与房屋征收一张图: OGC API Features Parts 1–3 and OGC API Tiles. Relocation collections need a login (Authorization: Bearer <token>).",
            "license": { "name": "MIT OR Apache-2.0" }
        },
        "servers": [{ "url": b }],
        "paths": paths,
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "parameters": {
                "f": param("f", "表示形式 representation", json!({ "type": "string", "enum": ["json", "html"] })),
                "limit": param("limit", &format!("每页要素数 (default {DEFAULT_LIMIT}; larger values are clamped to {MAX_LIMIT})"), json!({ "type": "integer", "minimum": 1, "default": DEFAULT_LIMIT })),
                "offset": param("offset", "跳过的要素数 (paging; follow the next links)", json!({ "type": "integer", "minimum": 0, "default": 0 })),
                "after": param("after", "键集分页: only features whose id comes after this one (the next links carry it; offset then only labels the page)", json!({ "type": "string" })),
                "bbox": { "name": "bbox", "in": "query", "required": false, "style": "form", "explode": false,
                          "description": "范围 minx,miny,maxx,maxy in bbox-crs axis order",
                          "schema": { "type": "array", "minItems": 4, "maxItems": 6, "items": { "type": "number" } } },
                "bbox-crs": param("bbox-crs", "CRS of bbox (default CRS84)", json!({ "type": "string", "format": "uri", "enum": crs })),
                "crs": param("crs", "CRS of the response geometries (default CRS84)", json!({ "type": "string", "format": "uri", "enum": crs })),
                "datetime": param("datetime", "时间 or interval (RFC 3339, `..` open) on the collection's time field", json!({ "type": "string" })),
                "filter": param("filter", "CQL2 filter", json!({ "type": "string" })),
                "filter-lang": param("filter-lang", "filter language", json!({ "type": "string", "enum": ["cql2-text", "cql2-json"], "default": "cql2-text" })),
                "filter-crs": param("filter-crs", "CRS of filter geometries (default CRS84)", json!({ "type": "string", "format": "uri", "enum": crs })),
                "tileMatrixSetId": path_param("tileMatrixSetId", "切片矩阵集", json!({ "type": "string", "enum": tms })),
                "tileMatrix": path_param("tileMatrix", "zoom level", json!({ "type": "string" })),
                "tileRow": path_param("tileRow", "row (from the top)", json!({ "type": "integer", "minimum": 0 })),
                "tileCol": path_param("tileCol", "column (from the left)", json!({ "type": "integer", "minimum": 0 }))
            },
            "responses": {
                "BadRequest": { "description": "invalid request: a problem body names the reason",
                                "content": { "application/problem+json": { "schema": { "type": "object" } } } },
                "NotFound": { "description": "no such collection, feature or tile",
                              "content": { "application/problem+json": { "schema": { "type": "object" } } } }
            }
        }
    })
}

const DOCS_PAGE: &str = include_str!("docs.html");

/// The page's policy: the server's, with its one inline script allowed by its SHA-256.
fn docs_policy() -> &'static str {
    static POLICY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    POLICY.get_or_init(|| {
        use sha2::{Digest, Sha256};
        let script = DOCS_PAGE
            .split_once("<script>")
            .and_then(|(_, rest)| rest.split_once("</script>"))
            .map(|(s, _)| s)
            .unwrap_or_default();
        let hash = base64_std(&Sha256::digest(script.as_bytes()));
        crate::base::CONTENT_SECURITY_POLICY.replacen(
            "script-src 'self'",
            &format!("script-src 'self' 'sha256-{hash}'"),
            1,
        )
    })
}

/// Standard base64 with padding (what a CSP hash source takes).
fn base64_std(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

pub async fn document(headers: HeaderMap, RawQuery(raw): RawQuery) -> Result<Response, OgcError> {
    Ok(match only_format(raw.as_deref(), &headers)? {
        Format::Html => {
            let mut page = Html(DOCS_PAGE).into_response();
            if let Ok(v) = header::HeaderValue::from_str(docs_policy()) {
                page.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
            }
            page
        }
        Format::Json => (
            [(header::CONTENT_TYPE, "application/vnd.oai.openapi+json;version=3.0")],
            serde_json::to_vec(&spec(&base(&headers))).expect("serialises"),
        )
            .into_response(),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_docs_page_policy_allows_its_own_script_only() {
        assert_eq!(super::base64_std(b"hello"), "aGVsbG8=");
        assert_eq!(super::base64_std(b"hi"), "aGk=");
        assert_eq!(super::base64_std(b"abc"), "YWJj");
        let p = super::docs_policy();
        assert!(p.contains("script-src 'self' 'sha256-") && p.contains("frame-ancestors 'none'"), "{p}");
    }
}
