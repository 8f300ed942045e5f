//! OGC API Features Part 4 (draft 20-002) on `parcels`, `buildings` and `house_units`:
//! `POST …/items`, `PUT`, `PATCH` (JSON Merge Patch) and `DELETE …/items/{featureId}`, with
//! optimistic locking by strong ETag (`If-Match`; 412 when stale, 428 when missing) and
//! `OPTIONS` listing what the caller may do. The work is `survey::edit`'s: the import rules
//! (422 naming them), code allocation, history and audit.

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use onemap_api::survey::ImportKind;
use serde_json::{Value, json};

use super::OgcState;
use crate::auth::Principal;
use crate::auth::policy::SURVEYORS;
use crate::base::ApiError;
use crate::base::versions::if_match;
use crate::survey::edit::{self, Edit, EditError};

/// The kind of an editable collection; other collections are read-only (405).
fn editable(collection: &str) -> Result<ImportKind, ApiError> {
    match ImportKind::parse(collection) {
        Some(k) => Ok(k),
        None if super::collections::COLLECTIONS.iter().any(|c| c.id == collection) => Err(ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "read_only_collection",
            format!("{collection} is read-only here; parcels, buildings and house_units can be edited"),
        )),
        None => Err(ApiError::not_found(format!("no collection {collection:?}; see /ogc/collections"))),
    }
}

fn body_json(body: &Bytes) -> Result<Value, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_json", format!("the body is not JSON: {e}")))
}

/// Only CGCS2000 / WGS 84 longitude-latitude bodies (CRS84, EPSG:4490, EPSG:4326).
fn content_crs(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(v) = headers.get("content-crs").and_then(|v| v.to_str().ok()) else { return Ok(()) };
    match crate::survey::crs::parse(v.trim().trim_start_matches('<').trim_end_matches('>')) {
        Some(4326 | 4490) => Ok(()),
        _ => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_content_crs",
            format!("Content-Crs {v} is not accepted: send CRS84 or EPSG:4490 coordinates (longitude, latitude)"),
        )),
    }
}

fn with_etag(mut r: Response, version: Option<i32>) -> Response {
    if let Some(v) = version {
        r.headers_mut().insert(header::ETAG, HeaderValue::try_from(edit::etag(v)).expect("ascii"));
    }
    r
}

fn done(
    outcome: Result<edit::Outcome, EditError>,
    headers: &HeaderMap,
    collection: &str,
    kind: ImportKind,
) -> Response {
    match outcome {
        Err(e) => e.into_response(),
        Ok(o) if o.created => {
            let fid = edit::fid_of(kind, &o.code);
            let location = format!("{}/collections/{collection}/items/{fid}", super::support::base(headers));
            let r = (
                StatusCode::CREATED,
                [(header::LOCATION, HeaderValue::try_from(location).expect("a code in a path"))],
                axum::Json(json!({ "id": fid, "version": o.version })),
            )
                .into_response();
            with_etag(r, o.version)
        }
        Ok(o) => with_etag(StatusCode::NO_CONTENT.into_response(), o.version),
    }
}

/// `POST /ogc/collections/{collection}/items`: a new feature (a GeoJSON Feature).
pub async fn create(
    State(state): State<OgcState>,
    Extension(p): Extension<Principal>,
    headers: HeaderMap,
    Path(collection): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let kind = editable(&collection)?;
    content_crs(&headers)?;
    let feature = body_json(&body)?;
    let outcome = edit::apply(&state, &p, kind, Edit::Create(feature), None).await;
    Ok(done(outcome, &headers, &collection, kind))
}

/// `PUT /ogc/collections/{collection}/items/{feature}`: replaces a feature.
pub async fn replace(
    State(state): State<OgcState>,
    Extension(p): Extension<Principal>,
    headers: HeaderMap,
    Path((collection, fid)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    change(&state, &p, &headers, &collection, fid, &body, Edit::Replace).await
}

/// `PATCH /ogc/collections/{collection}/items/{feature}`: JSON Merge Patch of a feature.
pub async fn patch(
    State(state): State<OgcState>,
    Extension(p): Extension<Principal>,
    headers: HeaderMap,
    Path((collection, fid)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    change(&state, &p, &headers, &collection, fid, &body, Edit::Patch).await
}

/// A replace or a patch: the body as JSON, the feature's If-Match.
async fn change(
    state: &OgcState,
    p: &Principal,
    headers: &HeaderMap,
    collection: &str,
    fid: String,
    body: &Bytes,
    edit: fn(String, Value) -> Edit,
) -> Result<Response, ApiError> {
    let kind = editable(collection)?;
    content_crs(headers)?;
    let json = body_json(body)?;
    let outcome = edit::apply(state, p, kind, edit(fid, json), if_match(headers).as_deref()).await;
    Ok(done(outcome, headers, collection, kind))
}

/// `DELETE /ogc/collections/{collection}/items/{feature}`.
pub async fn delete(
    State(state): State<OgcState>,
    Extension(p): Extension<Principal>,
    headers: HeaderMap,
    Path((collection, fid)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let kind = editable(&collection)?;
    let outcome = edit::apply(&state, &p, kind, Edit::Delete(fid), if_match(&headers).as_deref()).await;
    Ok(done(outcome, &headers, &collection, kind))
}

/// `OPTIONS …/items`: GET, and POST for those who may edit.
pub async fn options_items(
    Extension(p): Extension<Principal>,
    Path(collection): Path<String>,
) -> Result<Response, ApiError> {
    options(&p, &collection, "GET, HEAD, POST, OPTIONS")
}

/// `OPTIONS …/items/{feature}`: GET, and PUT, PATCH, DELETE for those who may edit.
pub async fn options_item(
    Extension(p): Extension<Principal>,
    Path((collection, _fid)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    options(&p, &collection, "GET, HEAD, PUT, PATCH, DELETE, OPTIONS")
}

/// The methods of a collection's path for the caller: `writable` for surveyors and admins on an
/// editable collection, reading otherwise.
fn options(p: &Principal, collection: &str, writable: &str) -> Result<Response, ApiError> {
    if !super::collections::COLLECTIONS.iter().any(|c| c.id == collection) {
        return Err(ApiError::not_found(format!("no collection {collection:?}")));
    }
    let may_write = ImportKind::parse(collection).is_some() && SURVEYORS.contains(&p.role);
    Ok((StatusCode::NO_CONTENT, [(header::ALLOW, if may_write { writable } else { "GET, HEAD, OPTIONS" })])
        .into_response())
}
