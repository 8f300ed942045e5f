//! 成果导入 (survey imports): files from the field into the register. An upload is streamed
//! to disk and identified ([`upload`], [`unpack`]), read with GDAL and validated in the
//! background ([`jobs`], [`read`], [`dxf`], [`crs`], [`mapping`], [`validate`]), previewed,
//! then committed in one transaction ([`commit`]). Single edits of OGC API Features Part 4 use
//! the same staging, rules and commit ([`edit`]).

pub mod commit;
pub mod crs;
pub mod dxf;
pub mod edit;
pub mod jobs;
pub mod mapping;
pub mod read;
pub mod rules;
pub mod unpack;

pub mod validate;

use std::collections::BTreeMap;

use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::{DateTime, SecondsFormat, Utc};
use onemap_api::Problem;
use onemap_api::survey::{
    CommitResult, Import, ImportCounts, ImportIssue, ImportKind, ImportOptions, ImportStatus, ImportSummary, Progress,
};
use serde::Deserialize;
use serde_json::{Value, json};
use sqlx::{Acquire, Row};
use uuid::Uuid;

use crate::auth::policy::{Access, SURVEYORS};
use crate::auth::{Principal, Role, Routes};
use crate::base::journal::{self as audit, AuditEvent};
use crate::base::upload;
use crate::base::{ApiError, ApiQuery, AppState};

/// The upload route (its body may exceed the JSON limit; the handler enforces its own).
pub const UPLOAD_PATH: &str = "/api/imports";

pub fn routes() -> Routes {
    Routes::new()
        .upload(Method::POST, UPLOAD_PATH, Access::Roles(SURVEYORS), create)
        .route(Method::GET, "/api/imports", Access::Roles(SURVEYORS), list)
        .route(Method::GET, "/api/imports/{id}", Access::Roles(SURVEYORS), show)
        .route(Method::DELETE, "/api/imports/{id}", Access::Roles(SURVEYORS), discard)
        .route(Method::GET, "/api/imports/{id}/features", Access::Roles(SURVEYORS), features)
        .route(Method::GET, "/api/imports/{id}/tiles/{z}/{x}/{y}", Access::Roles(SURVEYORS), tile)
        .route(Method::POST, "/api/imports/{id}/commit", Access::Roles(SURVEYORS), commit_import)
}

/// OpenAPI of this module's routes.
#[derive(utoipa::OpenApi)]
#[openapi(paths(create, list, show, discard, features, tile, commit_import))]
pub struct Api;

fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, code, message)
}

/// The options of an upload, checked: what the job stores in `imports.options`.
fn checked_options(q: &ImportOptions) -> Result<(ImportKind, Value), ApiError> {
    let kind = ImportKind::parse(q.kind.trim())
        .ok_or_else(|| bad_request("invalid_kind", "kind must be parcels, buildings or house_units"))?;
    let mut options = serde_json::Map::new();
    if let Some(c) = q.crs.as_deref().filter(|c| !c.trim().is_empty()) {
        let srid = crs::parse(c).ok_or_else(|| bad_request("invalid_crs", format!("crs {c:?} is not an EPSG code")))?;
        if !crs::supported(srid) {
            return Err(bad_request(
                "unsupported_crs",
                format!("EPSG:{srid} is not accepted: use EPSG:4490, 4326 or a CGCS2000 Gauss-Krüger zone (4491–4554)"),
            ));
        }
        options.insert("srid".into(), json!(srid));
    }
    if let Some(e) = q.encoding.as_deref().filter(|e| !e.trim().is_empty()) {
        read::gdal_encoding(e).ok_or_else(|| {
            bad_request("unknown_encoding", format!("encoding {e:?} is not known: use UTF-8, GBK or GB18030"))
        })?;
        options.insert("encoding".into(), json!(e));
    }
    if let Some(l) = q.layer.as_deref().filter(|l| !l.trim().is_empty()) {
        options.insert("layer".into(), json!(l));
    }
    if let Some(m) = q.mapping.as_deref().filter(|m| !m.trim().is_empty()) {
        let m: BTreeMap<String, String> = serde_json::from_str(m).map_err(|e| {
            bad_request("invalid_mapping", format!("mapping must be a JSON object of attribute → field names: {e}"))
        })?;
        options.insert("mapping".into(), json!(m));
    }
    Ok((kind, Value::Object(options)))
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn status_of(s: &str) -> ImportStatus {
    serde_json::from_value(json!(s)).unwrap_or(ImportStatus::Failed)
}

fn counts_of(v: Option<Value>) -> ImportCounts {
    v.and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default()
}

/// Imports are seen by their owner and by admins; to anyone else they do not exist (404).
fn may_see(owner: &str, p: &Principal) -> bool {
    owner == p.actor || p.role == Role::Admin
}

/// Loads an import the caller may see (its owner, or an admin); others get 404.
async fn load(state: &AppState, p: &Principal, id: &str) -> Result<Import, ApiError> {
    let id = Uuid::parse_str(id).map_err(|_| ApiError::not_found("no such import"))?;
    let row = sqlx::query(include_str!("import.sql")).bind(id).fetch_optional(&state.pool).await?;
    let row = row.ok_or_else(|| ApiError::not_found("no such import"))?;
    let owner: String = row.try_get("owner")?;
    if !may_see(&owner, p) {
        return Err(ApiError::not_found("no such import"));
    }
    let issues = sqlx::query(include_str!("issues.sql"))
        .bind(id)
        .fetch_all(&state.pool)
        .await?
        .into_iter()
        .map(|r| {
            let code: String = r.get("code");
            let location = match (r.get::<Option<f64>, _>("lon"), r.get::<Option<f64>, _>("lat")) {
                (Some(x), Some(y)) => Some([x, y]),
                _ => None,
            };
            ImportIssue {
                feature: r.get("n"),
                rule: rules::RULES.iter().find(|x| x.code == code).map_or("", |x| x.title_zh).to_owned(),
                code,
                severity: r.get("severity"),
                message: r.get("message_zh"),
                message_en: r.get("message_en"),
                location,
            }
        })
        .collect();
    let kind: String = row.try_get("kind")?;
    Ok(Import {
        id: id.to_string(),
        kind: ImportKind::parse(&kind).unwrap_or(ImportKind::Parcels),
        status: status_of(row.try_get("status")?),
        owner,
        file_name: row.try_get("file_name")?,
        file_size: row.try_get("file_size")?,
        format: row.try_get("format")?,
        layer: row.try_get("layer")?,
        crs: row.try_get("crs")?,
        encoding: row.try_get("encoding")?,
        mapping: serde_json::from_value(row.try_get("mapping")?).unwrap_or_default(),
        fields: serde_json::from_value(row.try_get("fields")?).unwrap_or_default(),
        notes: serde_json::from_value(row.try_get("notes")?).unwrap_or_default(),
        progress: Progress { done: row.try_get("progress_done")?, total: row.try_get("progress_total")? },
        counts: counts_of(row.try_get("counts")?),
        issues,
        error: row.try_get::<Option<Value>, _>("error")?.and_then(|v| serde_json::from_value::<Problem>(v).ok()),
        created_at: ts(row.try_get("created_at")?),
        validated_at: row.try_get::<Option<DateTime<Utc>>, _>("validated_at")?.map(ts),
        committed_at: row.try_get::<Option<DateTime<Utc>>, _>("committed_at")?.map(ts),
    })
}

/// `POST /api/imports`: receives a file and starts its validation.
#[utoipa::path(post, path = "/api/imports", tag = "成果导入 imports", params(ImportOptions),
    request_body(content = Vec<u8>, description = "the file (zipped Shapefile, GeoPackage, GeoJSON, KML, DXF, CSV), raw or as the multipart field `file`", content_type = "application/octet-stream"),
    responses((status = 201, description = "accepted; validation runs in the background", body = Import),
        (status = 400, description = "bad options", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "over the upload limit", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "not a supported format", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "unsafe or incomplete archive", body = Problem, content_type = "application/problem+json")))]
async fn create(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    ApiQuery(mut q): ApiQuery<ImportOptions>,
    req: Request,
) -> Result<Response, ApiError> {
    let id = Uuid::new_v4();
    let dir = jobs::dir(&state, id);
    tokio::fs::create_dir_all(&dir).await.map_err(|e| ApiError::internal(format!("imports directory: {e}")))?;
    let result = receive(&state, &p, &mut q, req, id, &dir).await;
    if result.is_err() {
        let _ = tokio::fs::remove_dir_all(&dir).await;
    }
    let import = result?;
    jobs::spawn(state.clone(), id);
    let location = HeaderValue::try_from(format!("/api/imports/{id}")).expect("a uuid path");
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(import)).into_response())
}

async fn receive(
    state: &AppState,
    p: &Principal,
    q: &mut ImportOptions,
    req: Request,
    id: Uuid,
    dir: &std::path::Path,
) -> Result<Import, ApiError> {
    if !q.kind.is_empty() {
        checked_options(q)?;
    }
    let got = upload::receive(req, dir, state.config.max_upload_bytes).await?;
    for (name, value) in &got.fields {
        match name.as_str() {
            "kind" => q.kind = value.clone(),
            "crs" => q.crs = Some(value.clone()),
            "encoding" => q.encoding = Some(value.clone()),
            "layer" => q.layer = Some(value.clone()),
            "mapping" => q.mapping = Some(value.clone()),
            _ => {}
        }
    }
    let (kind, options) = checked_options(q)?;
    let limits = unpack::Limits { total: state.config.max_upload_bytes.saturating_mul(4), ratio: 500, entries: 1_000 };
    let (path, files) = (got.path.clone(), dir.join("files"));
    let unpacked = tokio::task::spawn_blocking(move || unpack::unpack(&path, &files, limits))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))??;
    let relative = unpacked.path.strip_prefix(dir).map(|r| r.to_string_lossy().into_owned()).unwrap_or_default();
    let mut conn = state.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    sqlx::query(
        "INSERT INTO imports (id, kind, status, owner, owner_role, file_name, file_size, dataset_path, options, format) \
         VALUES ($1, $2, 'validating', $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id)
    .bind(kind.as_str())
    .bind(p.actor.as_ref())
    .bind(p.role.as_str())
    .bind(&got.file_name)
    .bind(got.size as i64)
    .bind(relative)
    .bind(&options)
    .bind(unpacked.format.as_str())
    .execute(&mut *tx)
    .await?;
    let event = AuditEvent::new(&p.actor, p.role.as_str(), "import_upload", &id.to_string(), "success").details(json!({
        "kind": kind.as_str(), "file_name": got.file_name, "size": got.size, "format": unpacked.format.as_str(), "options": options,
    }));
    audit::append(&mut tx, &[event]).await?;
    tx.commit().await?;
    load(state, p, &id.to_string()).await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
struct Page {
    limit: Option<i64>,
    offset: Option<i64>,
    /// new | changed | unchanged | conflict | error
    status: Option<String>,
}

/// `GET /api/imports`: the caller's imports (an admin's: everyone's), newest first.
#[utoipa::path(get, path = "/api/imports", tag = "成果导入 imports", params(Page),
    responses((status = 200, body = Vec<ImportSummary>)))]
async fn list(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    ApiQuery(page): ApiQuery<Page>,
) -> Result<Json<Vec<ImportSummary>>, ApiError> {
    let owner = (p.role != Role::Admin).then(|| p.actor.to_string());
    let rows = sqlx::query(include_str!("list.sql"))
        .bind(owner)
        .bind(page.limit.unwrap_or(50).clamp(1, 500))
        .bind(page.offset.unwrap_or(0).max(0))
        .fetch_all(&state.pool)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let kind: String = r.try_get("kind")?;
        out.push(ImportSummary {
            id: r.try_get::<Uuid, _>("id")?.to_string(),
            kind: ImportKind::parse(&kind).unwrap_or(ImportKind::Parcels),
            status: status_of(r.try_get("status")?),
            owner: r.try_get("owner")?,
            file_name: r.try_get("file_name")?,
            format: r.try_get("format")?,
            progress: Progress { done: r.try_get("progress_done")?, total: r.try_get("progress_total")? },
            counts: counts_of(r.try_get("counts")?),
            created_at: ts(r.try_get("created_at")?),
        });
    }
    Ok(Json(out))
}

/// `GET /api/imports/{id}`: status, progress, what was detected, counts and issues.
#[utoipa::path(get, path = "/api/imports/{id}", tag = "成果导入 imports", params(("id" = String, Path)),
    responses((status = 200, body = Import), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn show(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<Import>, ApiError> {
    Ok(Json(load(&state, &p, &id).await?))
}

/// `DELETE /api/imports/{id}`: discards an import that is not committed.
#[utoipa::path(delete, path = "/api/imports/{id}", tag = "成果导入 imports", params(("id" = String, Path)),
    responses((status = 204), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn discard(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let import = load(&state, &p, &id).await?;
    if matches!(import.status, ImportStatus::Committed | ImportStatus::Discarded) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "import_closed",
            format!("the import is already {:?}", import.status).to_lowercase(),
        ));
    }
    let uuid = Uuid::parse_str(&id).expect("loaded");
    let mut conn = state.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let n = sqlx::query(
        "UPDATE imports SET status = 'discarded' WHERE id = $1 AND status NOT IN ('committed', 'discarded')",
    )
    .bind(uuid)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "import_closed",
            "the import was committed or discarded meanwhile",
        ));
    }
    sqlx::query("DELETE FROM import_features WHERE import_id = $1").bind(uuid).execute(&mut *tx).await?;
    let event = AuditEvent::new(&p.actor, p.role.as_str(), "import_discard", &id, "success");
    audit::append(&mut tx, &[event]).await?;
    tx.commit().await?;
    let _ = tokio::fs::remove_dir_all(jobs::dir(&state, uuid)).await;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/imports/{id}/features`: the staged features as GeoJSON with their status and issues.
#[utoipa::path(get, path = "/api/imports/{id}/features", tag = "成果导入 imports", params(("id" = String, Path), Page),
    responses((status = 200, description = "GeoJSON FeatureCollection (EPSG:4490)", content_type = "application/geo+json")))]
async fn features(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(id): Path<String>,
    ApiQuery(page): ApiQuery<Page>,
) -> Result<Response, ApiError> {
    load_owned(&state, &p, &id).await?;
    let body: Value = sqlx::query_scalar(include_str!("features.sql"))
        .bind(Uuid::parse_str(&id).expect("loaded"))
        .bind(page.status)
        .bind(page.limit.unwrap_or(1_000).clamp(1, 10_000))
        .bind(page.offset.unwrap_or(0).max(0))
        .fetch_one(&state.pool)
        .await?;
    Ok(([(header::CONTENT_TYPE, "application/geo+json")], body.to_string()).into_response())
}

/// Checks the caller may see import `id` (without loading its issues).
async fn load_owned(state: &AppState, p: &Principal, id: &str) -> Result<Uuid, ApiError> {
    let uuid = Uuid::parse_str(id).map_err(|_| ApiError::not_found("no such import"))?;
    let owner: Option<String> =
        sqlx::query_scalar("SELECT owner FROM imports WHERE id = $1").bind(uuid).fetch_optional(&state.pool).await?;
    match owner {
        Some(o) if may_see(&o, p) => Ok(uuid),
        _ => Err(ApiError::not_found("no such import")),
    }
}

/// `GET /api/imports/{id}/tiles/{z}/{x}/{y}`: the staged features as a vector tile (layer
/// `staged`), only for their uploader and admins.
#[utoipa::path(get, path = "/api/imports/{id}/tiles/{z}/{x}/{y}", tag = "成果导入 imports",
    params(("id" = String, Path), ("z" = i32, Path), ("x" = i32, Path), ("y" = i32, Path)),
    responses((status = 200, description = "Mapbox Vector Tile", content_type = "application/vnd.mapbox-vector-tile")))]
async fn tile(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path((id, z, x, y)): Path<(String, i32, i32, String)>,
) -> Result<Response, ApiError> {
    let uuid = load_owned(&state, &p, &id).await?;
    let y: i32 =
        y.trim_end_matches(".pbf").trim_end_matches(".mvt").parse().map_err(|_| ApiError::not_found("no such tile"))?;
    if !(0..=24).contains(&z) || x < 0 || y < 0 || x >= (1 << z) || y >= (1 << z) {
        return Err(ApiError::not_found("no such tile"));
    }
    let bytes: Vec<u8> =
        sqlx::query_scalar(include_str!("tile.sql")).bind(uuid).bind(z).bind(x).bind(y).fetch_one(&state.pool).await?;
    Ok(([(header::CONTENT_TYPE, "application/vnd.mapbox-vector-tile"), (header::CACHE_CONTROL, "no-store")], bytes)
        .into_response())
}

/// `POST /api/imports/{id}/commit`: writes a validated import to the register in one
/// transaction (409 while errors remain or when a touched feature changed since validation).
#[utoipa::path(post, path = "/api/imports/{id}/commit", tag = "成果导入 imports", params(("id" = String, Path)),
    responses((status = 200, body = CommitResult), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn commit_import(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<CommitResult>, ApiError> {
    let uuid = load_owned(&state, &p, &id).await?;
    let request_id = crate::base::context::request_ids().and_then(|(r, _)| r);
    let mut conn = state.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let who = commit::Committer { actor: &p.actor, request_id: request_id.as_deref() };
    let result = commit::commit(&mut tx, uuid, &who).await?;
    let event = AuditEvent::new(&p.actor, p.role.as_str(), "import_commit", &id, "success").details(json!({
        "inserted": result.inserted, "updated": result.updated, "unchanged": result.unchanged,
        "allocated": result.allocated.len(),
    }));
    audit::append(&mut tx, &[event]).await?;
    tx.commit().await?;
    // The staged copies are no longer needed; the uploaded file stays as the history's source.
    let _ = sqlx::query("DELETE FROM import_features WHERE import_id = $1").bind(uuid).execute(&state.pool).await;
    let _ = tokio::fs::remove_dir_all(jobs::dir(&state, uuid).join("files")).await;
    Ok(Json(result))
}
