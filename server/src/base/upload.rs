//! 上传: the request body (raw, or the multipart fields `file`) streamed to files under
//! generated names, never held in memory, cut at the configured limit. Survey imports and
//! photo and archive uploads share it.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};
use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;

use crate::base::ApiError;

/// What arrived.
pub struct Received {
    pub path: PathBuf,
    pub size: u64,
    /// The name the client gave, for display only (never used as a path).
    pub file_name: Option<String>,
    /// Text fields of a multipart upload (`kind`, `crs`, `encoding`, `layer`, `mapping`).
    pub fields: Vec<(String, String)>,
}

fn too_large(limit: u64) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "upload_too_large",
        format!("the file is larger than the upload limit of {} MiB (--max-upload-mb)", limit / (1024 * 1024)),
    )
}

fn broken(e: impl std::fmt::Display) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "upload_interrupted", format!("the upload could not be read: {e}"))
}

/// A display name: the last path segment, control characters dropped, at most 200 characters.
fn display_name(s: &str) -> Option<String> {
    let last = s.rsplit(['/', '\\']).next().unwrap_or(s);
    let clean: String = last.chars().filter(|c| !c.is_control()).take(200).collect();
    (!clean.trim().is_empty()).then_some(clean)
}

/// Streams chunks into `path`, failing past `limit` bytes.
async fn write_stream<S, E>(mut stream: S, path: &Path, limit: u64) -> Result<u64, ApiError>
where
    S: futures_util::Stream<Item = Result<bytes::Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let mut file = tokio::fs::File::create(path).await.map_err(io_error)?;
    let mut size = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(broken)?;
        size += chunk.len() as u64;
        if size > limit {
            return Err(too_large(limit));
        }
        file.write_all(&chunk).await.map_err(io_error)?;
    }
    file.flush().await.map_err(io_error)?;
    file.sync_all().await.map_err(io_error)?;
    Ok(size)
}

/// One file of an upload.
pub struct ReceivedFile {
    pub path: PathBuf,
    pub size: u64,
    /// The name the client gave, for display only (never used as a path).
    pub file_name: Option<String>,
}

/// Everything an upload of one or more files brought.
pub struct Upload {
    pub files: Vec<ReceivedFile>,
    /// Text fields of a multipart upload.
    pub fields: Vec<(String, String)>,
}

impl Upload {
    /// The text field `name`, if sent.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Receives the upload into `dir/upload`. On error nothing is left behind but `dir`, which
/// the caller removes.
pub async fn receive(req: Request, dir: &Path, limit: u64) -> Result<Received, ApiError> {
    let mut got = receive_files(req, dir, limit, 1).await?;
    let file = got.files.pop().expect("receive_files gives at least one file");
    Ok(Received { path: file.path, size: file.size, file_name: file.file_name, fields: got.fields })
}

/// Receives up to `max_files` files (the raw body, or the multipart fields `file` / `files`,
/// repeated) into `dir/upload-<n>`, together at most `limit` bytes. On error nothing is left
/// behind but `dir`, which the caller removes.
pub async fn receive_files(req: Request, dir: &Path, limit: u64, max_files: usize) -> Result<Upload, ApiError> {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    if !multipart {
        let path = dir.join("upload-0");
        let file_name = req
            .headers()
            .get(header::CONTENT_DISPOSITION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split("filename=").nth(1))
            .and_then(|v| display_name(v.trim_matches('"')));
        let stream = Body::into_data_stream(req.into_body());
        let size = write_stream(stream, &path, limit).await?;
        return Ok(Upload { files: vec![ReceivedFile { path, size, file_name }], fields: Vec::new() });
    }
    let mut form = Multipart::from_request(req, &()).await.map_err(|e| {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_multipart", format!("the multipart body is malformed: {e}"))
    })?;
    let mut files = Vec::new();
    let mut fields = Vec::new();
    let mut used = 0u64;
    while let Some(field) = form.next_field().await.map_err(broken)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" || name == "files" {
            if files.len() == max_files {
                let message = if max_files == 1 {
                    "send one file per upload".to_owned()
                } else {
                    format!("send at most {max_files} files per upload (or a zip)")
                };
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    if max_files == 1 { "one_file" } else { "too_many_files" },
                    message,
                ));
            }
            let file_name = field.file_name().and_then(display_name);
            let path = dir.join(format!("upload-{}", files.len()));
            let size = write_stream(field, &path, limit - used)
                .await
                .map_err(|e| if e.code == "upload_too_large" { too_large(limit) } else { e })?;
            used += size;
            files.push(ReceivedFile { path, size, file_name });
        } else if fields.len() < 16 {
            let value = field.text().await.map_err(broken)?;
            if value.len() > 64 * 1024 {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "field_too_long",
                    format!("field {name} is too long"),
                ));
            }
            fields.push((name, value));
        }
    }
    if files.is_empty() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "file_missing",
            "the multipart body has no field named file",
        ));
    }
    Ok(Upload { files, fields })
}

/// A file-system failure while receiving or storing: 507 when the disk (or the quota) is full,
/// 500 otherwise.
pub fn io_error(e: std::io::Error) -> ApiError {
    // ENOSPC, EDQUOT
    if matches!(e.raw_os_error(), Some(28 | 122)) {
        return ApiError::new(
            axum::http::StatusCode::INSUFFICIENT_STORAGE,
            "disk_full",
            "the server's disk is full: nothing was stored (服务器磁盘已满，未保存任何内容)",
        );
    }
    ApiError::internal(format!("file system: {e}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn display_names_lose_their_paths() {
        assert_eq!(super::display_name("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(super::display_name("C:\\测绘\\宗地.zip").as_deref(), Some("宗地.zip"));
        assert_eq!(super::display_name("dir/"), None);
    }
}
