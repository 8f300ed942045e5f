//! 批量导入: a zip of scanned files with `manifest.csv` (file, unit code or agreement number,
//! category, title, date; UTF-8 or GBK) filed in one transaction — every line checked first,
//! one result row per line; any problem on any line (or `dry_run=true`) stores nothing.

use std::collections::HashMap;
use std::path::PathBuf;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use onemap_api::archives::{BatchQuery, BatchResult, BatchRow};
use onemap_intake::{Kind, Scheme};

use super::documents::{NewDocument, accepted, file};
use super::store::Incoming;
use super::{begin, project, unit_of};
use crate::auth::Principal;
use crate::base::error::Issue;
use crate::base::unzip::{Limits, extract};
use crate::base::upload::receive_files;
use crate::base::{ApiError, ApiQuery, AppState};

fn bad(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
}

/// A line of the manifest with its file, checked.
struct Line {
    row: BatchRow,
    path: Option<PathBuf>,
    kind: Option<Kind>,
    unit: Option<(i64, String)>,
}

/// Files the documents of a zipped batch.
#[utoipa::path(post, path = "/api/archives/batch", tag = "照片与档案 archives", params(BatchQuery),
    request_body(content = Vec<u8>, description = "a zip with manifest.csv (raw body, any content type, or multipart `file`)", content_type = "application/octet-stream"),
    responses((status = 201, body = BatchResult, description = "every line filed"),
        (status = 200, body = BatchResult, description = "dry run: every line would be filed"),
        (status = 422, description = "a line (or the manifest) has problems: nothing stored; `issues` name the lines", body = onemap_api::Problem, content_type = "application/problem+json")))]
pub async fn upload(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    ApiQuery(q): ApiQuery<BatchQuery>,
    req: Request,
) -> Result<(StatusCode, Json<BatchResult>), ApiError> {
    let dry_run = q.dry_run.unwrap_or(false);
    let project = project(&state.pool, &p, &q.project).await?;
    let incoming = Incoming::new(&state.config.files_dir()).await?;
    let got = receive_files(req, incoming.path(), state.config.max_upload_bytes, 1).await?;
    let zip = got.files[0].path.clone();
    let dir = incoming.path().join("batch");
    let cfg = &state.config.archives;
    let limits =
        Limits { total: state.config.max_upload_bytes.saturating_mul(2), ratio: 200, entries: cfg.max_files + 1 };
    let entries = tokio::task::spawn_blocking(move || extract(&zip, &dir, limits))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))??;
    let by_name: HashMap<String, PathBuf> =
        entries.into_iter().filter_map(|e| Some((e.file_name()?.to_string_lossy().to_lowercase(), e))).collect();
    let manifest_path = by_name
        .get("manifest.csv")
        .ok_or_else(|| bad("manifest_missing", "the zip has no manifest.csv (清单文件 manifest.csv 缺失)"))?;
    let bytes = tokio::fs::read(manifest_path).await.map_err(super::store::storage)?;
    let manifest = onemap_intake::parse_manifest(&bytes).map_err(|e| bad(e.code(), format!("manifest.csv: {e}")))?;
    if !manifest.ignored_columns.is_empty() {
        return Err(bad(
            "manifest_unknown_column",
            format!(
                "manifest.csv has columns onemap does not know: {} (清单含未知列；可用列：文件、补偿单元、类别、标题、日期)",
                manifest.ignored_columns.join(", ")
            ),
        ));
    }
    let max_bytes = u64::from(cfg.max_file_mb) << 20;
    let mut lines = Vec::with_capacity(manifest.rows.len());
    let mut conn = state.pool.acquire().await?;
    let mut used: HashMap<String, usize> = HashMap::new();
    for m in &manifest.rows {
        let mut errors: Vec<String> =
            m.problems.iter().map(|x| format!("{}: {} / {}", x.code, x.message_zh, x.message_en)).collect();
        let name = m.file.rsplit(['/', '\\']).next().unwrap_or(&m.file).to_lowercase();
        if let Some(first) = used.insert(name.clone(), m.line) {
            errors.push(format!("duplicate_file: 与第 {first} 行是同一文件 / the same file as line {first}"));
        }
        let path = by_name.get(&name).filter(|_| name != "manifest.csv").cloned();
        let mut kind = None;
        match &path {
            None if !m.file.is_empty() => {
                errors.push("file_missing: 压缩包中没有该文件 / the zip has no such file".into())
            }
            None => {}
            Some(path) => match std::fs::metadata(path).map(|m| m.len()) {
                Ok(n) if n > max_bytes => errors.push(format!("file_too_large: larger than {} MiB", max_bytes >> 20)),
                Ok(0) => errors.push("empty_file: 文件为空 / the file is empty".into()),
                _ => match onemap_intake::sniff(path) {
                    Ok(s) if accepted(s.kind) => kind = Some(s.kind),
                    Ok(_) => errors.push("not_a_document: 压缩包不能嵌套 / a zip inside the zip".into()),
                    Err(e) => errors.push(format!("{}: {e}", e.code())),
                },
            },
        }
        let unit = match m.unit_or_agreement.as_deref() {
            Some(u) => match unit_of(&mut conn, project.id, u).await? {
                Some(found) => Some(found),
                None => {
                    errors.push(format!("unknown_unit: 项目中没有补偿单元或协议 {u} / no compensation unit or agreement {u} in the project"));
                    None
                }
            },
            None => None,
        };
        let row = BatchRow {
            line: m.line,
            file: m.file.clone(),
            archive_no: None,
            unit: unit.as_ref().map(|u| u.1.clone()),
            errors,
        };
        lines.push(Line { row, path, kind, unit });
    }
    drop(conn);
    if lines.is_empty() {
        return Err(bad("manifest_empty", "manifest.csv lists no files"));
    }
    let failed: Vec<Issue> = lines
        .iter()
        .flat_map(|l| {
            l.row.errors.iter().map(move |e| Issue {
                code: "batch_line",
                message: format!("第 {} 行（{}）：{e}", l.row.line, l.row.file),
                message_en: format!("line {} ({}): {e}", l.row.line, l.row.file),
            })
        })
        .collect();
    if !failed.is_empty() {
        return Err(ApiError::rules(StatusCode::UNPROCESSABLE_ENTITY, "batch_rejected", failed));
    }
    let encoding = manifest.encoding.to_owned();
    if dry_run {
        let rows = lines.into_iter().map(|l| l.row).collect();
        return Ok((StatusCode::OK, Json(BatchResult { stored: false, dry_run, encoding, rows })));
    }
    let scheme = Scheme::parse(&cfg.archive_number_scheme).map_err(|e| ApiError::internal(e.to_string()))?;
    let mut tx = begin(&state, &p).await?;
    let mut staged = Vec::new();
    let mut events = Vec::new();
    let mut rows = Vec::new();
    for (l, m) in lines.into_iter().zip(&manifest.rows) {
        let (Some(path), Some(kind)) = (l.path, l.kind) else { continue };
        let bytes = tokio::fs::read(&path).await.map_err(super::store::storage)?;
        let doc = NewDocument {
            project: &project,
            unit: l.unit,
            category: m.category.unwrap_or_else(|| onemap_intake::category("other").expect("the category other")),
            title: m.title.clone(),
            date: m.date,
            kind,
            bytes,
            original_name: Some(m.file.clone()),
        };
        let (answer, file, event) = file(&mut tx, &state, &p, &scheme, doc).await?;
        staged.push(file);
        events.push(event);
        rows.push(BatchRow { archive_no: Some(answer.archive_no), ..l.row });
    }
    crate::base::journal::append(&mut tx, &events).await?;
    tx.commit().await?;
    super::store::place_all(staged).await?;
    Ok((StatusCode::CREATED, Json(BatchResult { stored: true, dry_run, encoding, rows })))
}
