//! Photo and archive-document downloads (`/files/...`): only files the database knows, only
//! within the caller's project scope, with their recorded content type (images and PDFs inline,
//! anything else as an attachment). `?thumbnail` gives a photo's thumbnail, upright, made once
//! and kept (uploads make theirs at once).

pub mod recover;

use axum::Extension;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::Method;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, ETAG};
use axum::response::Response;

use crate::auth::Routes;
use crate::auth::policy::{Access, RELOCATION_READERS};
use crate::auth::{AuthError, Principal};
use crate::base::AppState;
use crate::base::AuditEvent;
use crate::base::{ApiError, ApiQuery};

/// Photos and archive documents belong to relocation projects: the roles that read relocation
/// data may download them, within their projects (clerks, who see no compensation data, do
/// not); every download is audited (they show people and their homes and agreements).
pub fn routes() -> Routes {
    Routes::new().route(Method::GET, "/files/{*path}", Access::Roles(RELOCATION_READERS), download)
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileQuery {
    /// Present: the photo's thumbnail instead of the photo.
    thumbnail: Option<String>,
}

async fn download(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(path): Path<String>,
    ApiQuery(q): ApiQuery<FileQuery>,
) -> Result<Response, ApiError> {
    let known: Option<(i64, String, String, String)> =
        sqlx::query_as(include_str!("lookup.sql")).bind(&path).fetch_optional(&state.pool).await?;
    let (project_id, project_code, mime, sha) = known.ok_or_else(|| ApiError::not_found(format!("no file {path}")))?;
    if !p.sees_relocation() || !p.can_see_project(project_id) {
        return Err(AuthError::OutOfScope(project_code).into());
    }
    let what = if q.thumbnail.is_some() { "thumbnail" } else { "file" };
    let event = AuditEvent::new(&p.actor, p.role.as_str(), "file_download", &path, "success")
        .details(serde_json::json!({ "project": project_code, "kind": what }));
    state.audit.record(event).await;
    if q.thumbnail.is_some() {
        return thumbnail_of(&state, &p, &path).await;
    }
    let bytes = tokio::fs::read(state.config.files_dir().join(&path))
        .await
        .map_err(|_| ApiError::not_found(format!("file {path} is recorded but missing on disk")))?;
    // Images and PDFs open in the browser; anything else (office documents, OFD, TIFF scans)
    // downloads, under a name of ours (the content type was checked on upload; nosniff is set
    // on every answer).
    let inline = mime.starts_with("image/jpeg") || mime.starts_with("image/png") || mime == "application/pdf";
    let name = path.rsplit('/').next().unwrap_or("file");
    let disposition =
        if inline { format!("inline; filename=\"{name}\"") } else { format!("attachment; filename=\"{name}\"") };
    Response::builder()
        .header(CONTENT_TYPE, mime)
        .header(CONTENT_DISPOSITION, disposition)
        .header(ETAG, format!("\"{sha}\""))
        .header(CACHE_CONTROL, "private, max-age=3600")
        .body(Body::from(bytes))
        .map_err(|e| ApiError::new(axum::http::StatusCode::INTERNAL_SERVER_ERROR, "internal_error", e.to_string()))
}

/// The thumbnail of a photo: the kept file, or a new one made, written and recorded now.
async fn thumbnail_of(state: &AppState, p: &Principal, path: &str) -> Result<Response, ApiError> {
    let kept: Option<(Option<String>, i16)> =
        sqlx::query_as("SELECT thumbnail_path, orientation FROM photos WHERE file_path = $1")
            .bind(path)
            .fetch_optional(&state.pool)
            .await?;
    let Some((kept, orientation)) = kept else {
        return Err(ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "not_a_photo",
            format!("{path} is not a photo"),
        ));
    };
    let files = state.config.files_dir();
    let thumb_path = kept.unwrap_or_else(|| format!("thumbnails/{path}"));
    let bytes = match tokio::fs::read(files.join(&thumb_path)).await {
        Ok(b) => b,
        Err(_) => {
            let original = tokio::fs::read(files.join(path))
                .await
                .map_err(|_| ApiError::not_found(format!("file {path} is recorded but missing on disk")))?;
            let small = tokio::task::spawn_blocking(move || {
                onemap_intake::thumbnail_jpeg(&original, orientation as u16, crate::archives::photos::THUMBNAIL_SIZE)
            })
            .await
            .map_err(|e| ApiError::new(axum::http::StatusCode::INTERNAL_SERVER_ERROR, "internal_error", e.to_string()))?
            .map_err(|e| ApiError::new(axum::http::StatusCode::UNPROCESSABLE_ENTITY, "unreadable_image", e))?;
            let target = files.join(&thumb_path);
            if let Some(dir) = target.parent() {
                tokio::fs::create_dir_all(dir).await.map_err(|e| {
                    ApiError::new(axum::http::StatusCode::INTERNAL_SERVER_ERROR, "storage_error", e.to_string())
                })?;
            }
            tokio::fs::write(&target, &small).await.map_err(|e| {
                ApiError::new(axum::http::StatusCode::INTERNAL_SERVER_ERROR, "storage_error", e.to_string())
            })?;
            let mut tx = state.pool.begin().await?;
            sqlx::query("UPDATE photos SET thumbnail_path = $2 WHERE file_path = $1")
                .bind(path)
                .bind(&thumb_path)
                .execute(&mut *tx)
                .await?;
            let event = AuditEvent::new(&p.actor, p.role.as_str(), "thumbnail_create", path, "success")
                .change(None, Some(serde_json::json!({ "thumbnail_path": thumb_path })));
            crate::base::journal::append(&mut tx, &[event]).await?;
            tx.commit().await?;
            small
        }
    };
    Response::builder()
        .header(CONTENT_TYPE, "image/jpeg")
        .header(CACHE_CONTROL, "private, max-age=3600")
        .body(Body::from(bytes))
        .map_err(|e| ApiError::new(axum::http::StatusCode::INTERNAL_SERVER_ERROR, "internal_error", e.to_string()))
}
