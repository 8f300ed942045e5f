//! 现场照片上传: JPEG and PNG photos (many at once, or a zip of them) read for their EXIF —
//! position, direction, shooting time with its offset, orientation — hashed (the same content
//! is stored once), numbered, thumbnailed upright and linked to the compensation unit whose
//! outline holds the position, else the nearest within the configured distance. One
//! transaction for the whole upload; files move into place after it commits.

use std::collections::HashMap;
use std::path::PathBuf;

use axum::Extension;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use onemap_api::archives::{PhotoResult, PhotoUpload};
use onemap_intake::{Kind, PhotoMeta, Scheme, Values};
use serde_json::json;
use sqlx::PgConnection;

use super::numbers::{Numbered, allocate};
use super::store::{Incoming, Staged, place_all, sha256};
use super::{Project, begin, project};
use crate::auth::Principal;
use crate::base::error::Issue;
use crate::base::unzip::{Limits, extract};
use crate::base::upload::receive_files;
use crate::base::{ApiError, ApiQuery, AppState, AuditEvent};

/// Longest side of a thumbnail, pixels (as `/files/…?thumbnail` makes them).
pub const THUMBNAIL_SIZE: usize = 96;

/// A photo read and judged, before it is recorded.
struct Prepared {
    file: String,
    /// The received file, moved into place when the photo is stored.
    path: PathBuf,
    size: u64,
    kind: Kind,
    meta: PhotoMeta,
    sha: String,
    thumbnail: Option<Vec<u8>>,
}

/// What one file came to before the database: a photo, or a refusal.
enum Read {
    PhotoRecord(Box<Prepared>),
    Refused(Box<PhotoResult>),
}

fn refused(file: String, code: &str, why: String) -> Read {
    Read::Refused(Box::new(PhotoResult {
        file,
        photo_no: None,
        sha256: None,
        unit: None,
        method: None,
        distance_m: None,
        taken_at: None,
        duplicate_of: None,
        warnings: vec![why],
        error: Some(code.to_owned()),
    }))
}

/// Reads one file (blocking: decoding and hashing).
fn read(file: String, path: PathBuf, max_bytes: u64) -> Read {
    match std::fs::metadata(&path) {
        Ok(m) if m.len() > max_bytes => {
            return refused(file, "file_too_large", format!("larger than {} MiB", max_bytes >> 20));
        }
        Ok(m) if m.len() == 0 => return refused(file, "empty_file", "the file is empty".into()),
        Ok(_) => {}
        Err(e) => return refused(file, "unreadable_file", e.to_string()),
    }
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => return refused(file, "unreadable_file", e.to_string()),
    };
    let kind = match onemap_intake::sniff_bytes(&bytes) {
        Ok(s) if matches!(s.kind, Kind::Jpeg | Kind::Png) => s.kind,
        Ok(s) => return refused(file, "not_a_photo", format!("{} is not a JPEG or PNG photo", s.kind.mime())),
        Err(e) => return refused(file, e.code(), e.to_string()),
    };
    let meta = match onemap_intake::read_photo(&bytes) {
        Ok(m) => m,
        Err(e) => return refused(file, e.code(), format!("not a readable image: {e}")),
    };
    // A photo that cannot be decoded is refused; one that decodes gets its thumbnail now.
    let thumbnail = match onemap_intake::thumbnail_jpeg(&bytes, meta.orientation, THUMBNAIL_SIZE) {
        Ok(t) => Some(t),
        Err(e) => return refused(file, "corrupt_image", format!("the image cannot be decoded: {e}")),
    };
    let sha = sha256(&bytes);
    let size = bytes.len() as u64;
    Read::PhotoRecord(Box::new(Prepared { file, path, size, kind, meta, sha, thumbnail }))
}

/// `POST /api/photos?project=CODE`: one or many photos (multipart `file`/`files`, a raw body,
/// or a zip of them).
#[utoipa::path(post, path = "/api/photos", tag = "照片与档案 archives", params(PhotoUpload),
    request_body(content = Vec<u8>, description = "multipart files (`file`, repeated) or a zip", content_type = "multipart/form-data"),
    responses((status = 201, body = Vec<PhotoResult>, description = "one result per file (some may be duplicates or refused)"),
        (status = 200, body = Vec<PhotoResult>, description = "nothing new: every photo was stored before"),
        (status = 413, description = "too large", body = onemap_api::Problem, content_type = "application/problem+json"),
        (status = 422, description = "no file was a readable photo", body = onemap_api::Problem, content_type = "application/problem+json")))]
pub async fn upload(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    ApiQuery(q): ApiQuery<PhotoUpload>,
    req: Request,
) -> Result<Response, ApiError> {
    let kind = q.kind.as_deref().unwrap_or("survey");
    if !matches!(kind, "survey" | "demolition" | "other") {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "invalid_kind", "kind is survey, demolition or other"));
    }
    let project = project(&state.pool, &p, &q.project).await?;
    let cfg = &state.config.archives;
    let files_dir = state.config.files_dir();
    let incoming = Incoming::new(&files_dir).await?;
    let got = receive_files(req, incoming.path(), state.config.max_upload_bytes, cfg.max_files).await?;
    // Zips are opened; every other file is a candidate photo.
    let mut candidates = Vec::new();
    for (i, f) in got.files.into_iter().enumerate() {
        let name = f.file_name.unwrap_or_else(|| format!("file-{}", i + 1));
        // A zip of photos is opened (judged by content, as everything else).
        let zipped = matches!(onemap_intake::sniff(&f.path), Ok(x) if x.kind == Kind::Zip);
        if zipped {
            let dir = incoming.path().join(format!("zip-{i}"));
            let limits =
                Limits { total: state.config.max_upload_bytes.saturating_mul(2), ratio: 100, entries: cfg.max_files };
            let path = f.path.clone();
            let entries = tokio::task::spawn_blocking(move || extract(&path, &dir, limits))
                .await
                .map_err(|e| ApiError::internal(e.to_string()))??;
            for e in entries {
                let entry = e.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                candidates.push((format!("{name}/{entry}"), e));
            }
        } else {
            candidates.push((name, f.path));
        }
    }
    if candidates.len() > cfg.max_files {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "too_many_files",
            format!("at most {} photos per upload", cfg.max_files),
        ));
    }
    let max_bytes = u64::from(cfg.max_file_mb) << 20;
    // Decoding is the slow part: both cores, in file order.
    let mut reads = Vec::with_capacity(candidates.len());
    let mut pending = candidates.into_iter();
    let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).min(4);
    loop {
        let batch: Vec<_> = pending.by_ref().take(workers).collect();
        if batch.is_empty() {
            break;
        }
        let handles: Vec<_> = batch
            .into_iter()
            .map(|(file, path)| tokio::task::spawn_blocking(move || read(file, path, max_bytes)))
            .collect();
        for h in handles {
            reads.push(h.await.map_err(|e| ApiError::internal(e.to_string()))?);
        }
    }
    if reads.iter().all(|r| matches!(r, Read::Refused(_))) {
        let issues = reads
            .iter()
            .filter_map(|r| match r {
                Read::Refused(x) => Some(Issue {
                    code: "photo_refused",
                    message: format!("{}：{}", x.file, x.warnings.join("；")),
                    message_en: format!("{}: {} ({})", x.file, x.warnings.join("; "), x.error.as_deref().unwrap_or("")),
                }),
                Read::PhotoRecord(_) => None,
            })
            .collect();
        return Err(ApiError::rules(StatusCode::UNPROCESSABLE_ENTITY, "no_photos", issues));
    }
    let scheme = Scheme::parse(&cfg.photo_number_scheme).map_err(|e| ApiError::internal(e.to_string()))?;
    let mut tx = begin(&state, &p).await?;
    let mut staged = Vec::new();
    let mut events = Vec::new();
    let mut results = Vec::with_capacity(reads.len());
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut stored = 0;
    for r in reads {
        let photo = match r {
            Read::Refused(x) => {
                results.push(*x);
                continue;
            }
            Read::PhotoRecord(photo) => photo,
        };
        let dup = match seen.get(&photo.sha) {
            Some(no) => Some(no.clone()),
            None => {
                sqlx::query_scalar("SELECT photo_no FROM photos WHERE sha256 = $1 ORDER BY id LIMIT 1")
                    .bind(&photo.sha)
                    .fetch_optional(&mut *tx)
                    .await?
            }
        };
        if let Some(no) = dup {
            results.push(PhotoResult {
                file: photo.file,
                photo_no: Some(no.clone()),
                sha256: Some(photo.sha),
                unit: None,
                method: None,
                distance_m: None,
                taken_at: photo.meta.taken_at,
                duplicate_of: Some(no),
                warnings: vec!["同一照片已存储（重复上传） / the same photo is already stored".into()],
                error: None,
            });
            continue;
        }
        let (result, files, event) = record(&mut tx, &state, &p, &project, &scheme, kind, *photo).await?;
        seen.insert(result.sha256.clone().unwrap_or_default(), result.photo_no.clone().unwrap_or_default());
        staged.extend(files);
        events.push(event);
        results.push(result);
        stored += 1;
    }
    crate::base::journal::append(&mut tx, &events).await?;
    tx.commit().await?;
    place_all(staged).await?;
    drop(incoming);
    let status = if stored > 0 { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, axum::Json(results)).into_response())
}

/// The warning for a time outside the project's window, if it is.
fn time_warning(taken: Option<DateTime<FixedOffset>>, window: (NaiveDate, NaiveDate)) -> Option<String> {
    let day = taken?.date_naive();
    (day < window.0 || day > window.1).then(|| {
        format!(
            "拍摄日期 {day} 不在项目调查至拆除期间（{} 至 {}） / taken on {day}, outside the project's survey-to-demolition window",
            window.0, window.1
        )
    })
}

/// Links, numbers and records one new photo; its staged files and audit event.
async fn record(
    conn: &mut PgConnection,
    state: &AppState,
    p: &Principal,
    project: &Project,
    scheme: &Scheme,
    kind: &str,
    photo: Prepared,
) -> Result<(PhotoResult, Vec<Staged>, AuditEvent), ApiError> {
    let metres = state.config.archives.photo_link_metres;
    let mut warnings = Vec::new();
    let (mut unit, mut method, mut distance, mut reason) = (None, None, None, None);
    match photo.meta.position {
        Some((lon, lat)) => {
            let hit: Option<(i64, String, bool, f64)> = sqlx::query_as(include_str!("sql/link.sql"))
                .bind(lon)
                .bind(lat)
                .bind(project.id)
                .bind(metres)
                .fetch_optional(&mut *conn)
                .await?;
            match hit {
                Some((id, code, inside, d)) => {
                    unit = Some((id, code));
                    method = Some(if inside { "inside" } else { "nearest" });
                    distance = (!inside).then_some((d * 10.0).round() / 10.0);
                }
                None => {
                    reason = Some(format!(
                        "拍摄位置 {metres} 米内没有补偿单元 / no compensation unit within {metres} m of where it was taken"
                    ))
                }
            }
        }
        None => reason = Some("照片无GPS位置（EXIF） / the photo has no GPS position in its EXIF".into()),
    }
    if let Some(r) = &reason {
        warnings.push(r.clone());
    }
    match photo.meta.taken_at {
        None => warnings.push("照片无拍摄时间（EXIF） / no shooting time in the EXIF".into()),
        Some(_) => warnings.extend(time_warning(photo.meta.taken_at, project.window)),
    }
    let year = photo.meta.taken_at.map(|t| t.year()).unwrap_or_else(|| chrono::Utc::now().year());
    let values = Values { project: &project.code, category: "ZP", unit: unit.as_ref().map(|u| u.1.as_str()), year };
    let photo_no = allocate(conn, Numbered::PhotoRecord, scheme, &values).await?;
    let files = state.config.files_dir();
    let dir = format!("photos/{}", project.code);
    let original = Staged::moved(&files, &dir, photo.kind.extension(), &photo.path).await?;
    let thumb = match &photo.thumbnail {
        Some(t) => Some(Staged::bytes(&files, &format!("thumbnails/{dir}"), "jpg", t).await?),
        None => None,
    };
    let taken_utc = photo.meta.taken_at.map(|t| t.with_timezone(&chrono::Utc));
    let (lon, lat) = photo.meta.position.unzip();
    sqlx::query(include_str!("sql/insert_photo.sql"))
        .bind(unit.as_ref().map(|u| u.0))
        .bind(project.id)
        .bind(&photo_no)
        .bind(taken_utc)
        .bind(lon)
        .bind(lat)
        .bind(photo.meta.direction_deg.map(|d| d as f32))
        .bind(p.actor.as_ref())
        .bind(&original.rel)
        .bind(&photo.sha)
        .bind(photo.size as i64)
        .bind(photo.kind.mime())
        .bind(photo.meta.width as i32)
        .bind(photo.meta.height as i32)
        .bind(thumb.as_ref().map(|t| t.rel.clone()))
        .bind(method)
        .bind(distance.map(|d| d as f32))
        .bind(&reason)
        .bind(kind)
        .bind(photo.meta.orientation as i16)
        .bind(&photo.file)
        .bind(json!(warnings))
        .execute(&mut *conn)
        .await?;
    let unit_code = unit.map(|u| u.1);
    let event = AuditEvent::new(&p.actor, p.role.as_str(), "photo_upload", &photo_no, "success").change(
        None,
        Some(json!({
            "project": project.code, "unit": unit_code, "method": method, "distance_m": distance,
            "sha256": photo.sha, "file_path": original.rel, "file": photo.file,
        })),
    );
    let result = PhotoResult {
        file: photo.file,
        photo_no: Some(photo_no),
        sha256: Some(photo.sha),
        unit: unit_code,
        method: method.map(str::to_owned),
        distance_m: distance,
        taken_at: photo.meta.taken_at,
        duplicate_of: None,
        warnings,
        error: None,
    };
    let mut staged = vec![original];
    staged.extend(thumb);
    Ok((result, staged, event))
}
