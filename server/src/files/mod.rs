//! Photo and archive-document downloads (`/files/...`): only files the database knows, only
//! within the caller's project scope, with their recorded content type.

use axum::Extension;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::Method;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG};
use axum::response::Response;

use crate::auth::{AuthError, Principal};
use crate::error::ApiError;
use crate::http::{AppState, Routes};

pub fn routes() -> Routes {
    Routes::new().route(Method::GET, "/files/{*path}", download)
}

async fn download(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(path): Path<String>,
) -> Result<Response, ApiError> {
    let known: Option<(i64, String, String, String)> =
        sqlx::query_as(include_str!("lookup.sql")).bind(&path).fetch_optional(&state.pool).await?;
    let (project_id, project_code, mime, sha) = known.ok_or_else(|| ApiError::not_found(format!("no file {path}")))?;
    if !p.can_see_project(project_id) {
        return Err(AuthError::OutOfScope(project_code).into());
    }
    let bytes = tokio::fs::read(state.config.files_dir().join(&path))
        .await
        .map_err(|_| ApiError::not_found(format!("file {path} is recorded but missing on disk")))?;
    Response::builder()
        .header(CONTENT_TYPE, mime)
        .header(ETAG, format!("\"{sha}\""))
        .header(CACHE_CONTROL, "private, max-age=3600")
        .body(Body::from(bytes))
        .map_err(|e| ApiError::new(axum::http::StatusCode::INTERNAL_SERVER_ERROR, "internal_error", e.to_string()))
}
