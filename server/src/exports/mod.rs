//! 导出: `POST /api/exports` — a collection of the OGC API written with GDAL in the formats
//! desks use (GeoPackage, zipped Shapefile, GeoJSON, CSV, XLSX, DXF, KML), with the CRS, CQL2
//! filter and bbox the OGC API takes, field names onemap's or the registration database
//! standard's, personal data masked by the caller's role — as a job ([`job`]) with progress
//! (`GET /api/exports/{id}`), then the file (`…/file`). Every export is audited with its
//! filter and row count.

pub mod job;
pub mod naming;
pub mod write;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::{DateTime, Utc};
use onemap_api::Problem;
use onemap_api::exports::{ExportJob, ExportRequest, FORMATS};
use uuid::Uuid;

use crate::auth::policy::Access::Roles;
use crate::auth::{Principal, Role, Routes};
use crate::base::{ApiError, ApiJson, AppState, AuditEvent, journal};
use crate::ogc::export::ExportQuery;
use write::Format;

/// Who exports: every signed-in role; each sees its own exports, auditors and admins all.
const EXPORTERS: &[Role] =
    &[Role::Admin, Role::Officer, Role::Director, Role::Appraiser, Role::Surveyor, Role::Clerk, Role::Auditor];
const OVERSEERS: &[Role] = &[Role::Admin, Role::Auditor];

pub fn routes() -> Routes {
    Routes::new()
        .route(Method::POST, "/api/exports", Roles(EXPORTERS), create)
        .route(Method::GET, "/api/exports", Roles(EXPORTERS), list)
        .route(Method::GET, "/api/exports/{id}", Roles(EXPORTERS), get)
        .route(Method::GET, "/api/exports/{id}/file", Roles(EXPORTERS), file)
}

/// OpenAPI of this module's routes.
#[derive(utoipa::OpenApi)]
#[openapi(paths(create, list, get, file))]
pub struct Api;

fn bad(code: &'static str, message: String) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, code, message)
}

/// A job's row as the API shows it.
#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    collection: String,
    format: String,
    crs: String,
    filter: Option<String>,
    bbox: Option<Vec<f64>>,
    naming: String,
    encoding: String,
    status: String,
    progress_done: i64,
    progress_total: i64,
    file_name: Option<String>,
    /// Under the files directory, once done (not shown).
    file_path: Option<String>,
    size_bytes: Option<i64>,
    error: Option<String>,
    requested_by: String,
    created_at: DateTime<Utc>,
    finished_at: Option<DateTime<Utc>>,
}

impl From<Row> for ExportJob {
    fn from(r: Row) -> Self {
        ExportJob {
            id: r.id.to_string(),
            collection: r.collection,
            format: r.format,
            crs: r.crs,
            filter: r.filter,
            bbox: r.bbox,
            naming: r.naming,
            encoding: r.encoding,
            status: r.status,
            progress_done: r.progress_done,
            progress_total: r.progress_total,
            file_name: r.file_name,
            size_bytes: r.size_bytes,
            error: r.error,
            requested_by: r.requested_by,
            created_at: r.created_at.fixed_offset(),
            finished_at: r.finished_at.map(|t| t.fixed_offset()),
        }
    }
}

const COLUMNS: &str = "id, collection, format, crs, filter, bbox, naming, encoding, status, progress_done, \
                       progress_total, file_name, file_path, size_bytes, error, requested_by, created_at, finished_at";

/// Starts an export.
#[utoipa::path(post, path = "/api/exports", tag = "导出 exports", request_body = ExportRequest,
    responses((status = 202, body = ExportJob, description = "queued; poll `Location`"),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    ApiJson(req): ApiJson<ExportRequest>,
) -> Result<Response, ApiError> {
    Format::parse(&req.format).ok_or_else(|| {
        bad(
            "unsupported_format",
            format!("导出格式 {:?} 不支持 / format must be one of {}", req.format, FORMATS.join(", ")),
        )
    })?;
    let naming = req.naming.clone().unwrap_or_else(|| "english".into());
    if !matches!(naming.as_str(), "english" | "standard") {
        return Err(bad("invalid_naming", format!("字段命名 {naming:?} 不支持 / naming is english or standard")));
    }
    let encoding = match req.encoding.as_deref().map(str::to_ascii_uppercase).as_deref() {
        None | Some("UTF-8" | "UTF8") => "UTF-8",
        Some("GBK" | "CP936") => "GBK",
        Some(other) => {
            return Err(bad("invalid_encoding", format!("编码 {other:?} 不支持 / encoding is UTF-8 or GBK")));
        }
    };
    let crs = req.crs.clone().unwrap_or_else(|| "CRS84".into());
    let pairs = job::pairs(&crs, req.filter.as_deref(), req.filter_lang.as_deref(), req.bbox.as_deref());
    let q = ExportQuery::parse(&req.collection, &pairs, &p)?;
    let matched: i64 = q.count()?.build_query_scalar().fetch_one(&state.bulk).await?;
    let limit = state.config.exports.max_rows(p.role);
    if matched > limit {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "export_too_large",
            format!(
                "{matched} features match: more than the {limit} a {} may export at once; narrow the filter or the bbox \
                 (匹配 {matched} 个要素，超过该角色单次导出上限 {limit})",
                p.role.as_str()
            ),
        ));
    }
    let mut tx = state.pool.begin().await?;
    let row: Row = sqlx::query_as(&format!(
        "INSERT INTO exports (requested_by, user_id, role, projects, collection, format, crs, filter, filter_lang, bbox,
                              naming, encoding, progress_total)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING {COLUMNS}"
    ))
    .bind(p.actor.as_ref())
    .bind(p.user_id)
    .bind(p.role.as_str())
    .bind(p.relocation_scope().filter(|_| p.projects.is_some()))
    .bind(q.collection())
    .bind(&req.format)
    .bind(&crs)
    .bind(&req.filter)
    .bind(&req.filter_lang)
    .bind(&req.bbox)
    .bind(&naming)
    .bind(encoding)
    .bind(matched)
    .fetch_one(&mut *tx)
    .await?;
    let event = AuditEvent::new(&p.actor, p.role.as_str(), "export_request", &row.id.to_string(), "success").details(
        serde_json::json!({"collection": q.collection(), "format": req.format, "crs": crs, "filter": req.filter,
                           "bbox": req.bbox, "naming": naming, "matched": matched}),
    );
    journal::append(&mut tx, &[event]).await?;
    tx.commit().await?;
    let id = row.id;
    job::spawn(state.clone(), id);
    let mut headers = HeaderMap::new();
    headers.insert(LOCATION, HeaderValue::from_str(&format!("/api/exports/{id}")).expect("ascii"));
    Ok((StatusCode::ACCEPTED, headers, Json(ExportJob::from(row))).into_response())
}

/// The job, if the caller may see it.
async fn find(state: &AppState, p: &Principal, id: &str) -> Result<Row, ApiError> {
    let missing = || ApiError::not_found(format!("no export {id}"));
    let id: Uuid = id.parse().map_err(|_| missing())?;
    let row: Row = sqlx::query_as(&format!("SELECT {COLUMNS} FROM exports WHERE id = $1"))
        .bind(id)
        .fetch_optional(&state.pool)
        .await?
        .ok_or_else(missing)?;
    if row.requested_by != p.actor.as_ref() && !OVERSEERS.contains(&p.role) {
        return Err(missing());
    }
    Ok(row)
}

/// The caller's exports, newest first (auditors and admins: everyone's).
#[utoipa::path(get, path = "/api/exports", tag = "导出 exports", responses((status = 200, body = Vec<ExportJob>)))]
async fn list(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
) -> Result<Json<Vec<ExportJob>>, ApiError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM exports WHERE $2 OR requested_by = $1 ORDER BY created_at DESC LIMIT 50"
    ))
    .bind(p.actor.as_ref())
    .bind(OVERSEERS.contains(&p.role))
    .fetch_all(&state.pool)
    .await?;
    Ok(Json(rows.into_iter().map(ExportJob::from).collect()))
}

/// An export's status and progress.
#[utoipa::path(get, path = "/api/exports/{id}", tag = "导出 exports", params(("id" = String, Path)),
    responses((status = 200, body = ExportJob), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<ExportJob>, ApiError> {
    Ok(Json(find(&state, &p, &id).await?.into()))
}

/// The exported file, once done.
#[utoipa::path(get, path = "/api/exports/{id}/file", tag = "导出 exports", params(("id" = String, Path)),
    responses((status = 200, description = "the file"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn file(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let row = find(&state, &p, &id).await?;
    let (Some(path), Some(name), "done") = (row.file_path.clone(), row.file_name.clone(), row.status.as_str()) else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "export_not_ready",
            format!("导出尚未完成（{}）/ the export is {}", row.status, row.status),
        ));
    };
    let format = Format::parse(&row.format).ok_or_else(|| ApiError::internal("unknown export format"))?;
    let f = tokio::fs::File::open(state.config.files_dir().join(&path))
        .await
        .map_err(|e| ApiError::internal(format!("export file: {e}")))?;
    let len = f.metadata().await.map_err(|e| ApiError::internal(e.to_string()))?.len();
    Response::builder()
        .header(CONTENT_TYPE, format.media_type())
        .header(CONTENT_LENGTH, len)
        .header(CONTENT_DISPOSITION, crate::base::sheet::disposition(&name))
        .body(Body::from_stream(tokio_util::io::ReaderStream::new(f)))
        .map_err(|e| ApiError::internal(e.to_string()))
}
