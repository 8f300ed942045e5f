//! 照片管理: the photos of a project, a unit, or the unmatched queue
//! (`GET /api/photos`), one photo with its ETag, and `PATCH /api/photos/{photo_no}` (If-Match)
//! to assign or move it to a unit, or set its caption, direction and kind — audited with the
//! values before and after.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, StatusCode, header};
use axum::{Extension, Json};
use chrono::{DateTime, FixedOffset, Utc};
use onemap_api::archives::{PhotoPage, PhotoPatch, PhotoQuery, PhotoRecord};
use serde_json::{Value, json};

use super::{begin, page, scope, unit_of};
use crate::auth::{AuthError, Principal};
use crate::base::error::Issue;
use crate::base::versions::{etag, if_match, precondition};
use crate::base::{ApiError, ApiJson, ApiQuery, AppState, AuditEvent};

#[derive(sqlx::FromRow)]
struct Row {
    photo_no: String,
    version: i32,
    project: Option<String>,
    unit: Option<String>,
    link_method: Option<String>,
    distance_m: Option<f64>,
    unmatched_reason: Option<String>,
    kind: String,
    taken_at: Option<DateTime<Utc>>,
    lon: Option<f64>,
    lat: Option<f64>,
    direction_deg: Option<f64>,
    caption: Option<String>,
    sha256: String,
    width: Option<i32>,
    height: Option<i32>,
    file_path: String,
    warnings: Value,
    total: i64,
}

fn photo(r: Row) -> PhotoRecord {
    let beijing = FixedOffset::east_opt(8 * 3600).expect("+08:00");
    PhotoRecord {
        photo_no: r.photo_no,
        version: r.version,
        project: r.project,
        unit: r.unit,
        method: r.link_method,
        distance_m: r.distance_m,
        unmatched_reason: r.unmatched_reason,
        kind: r.kind,
        taken_at: r.taken_at.map(|t| t.with_timezone(&beijing)),
        position: r.lon.zip(r.lat).map(|(x, y)| [x, y]),
        direction_deg: r.direction_deg,
        caption: r.caption,
        sha256: r.sha256,
        width: r.width,
        height: r.height,
        url: format!("/files/{}", r.file_path),
        warnings: serde_json::from_value(r.warnings).unwrap_or_default(),
    }
}

async fn rows(
    state: &AppState,
    p: &Principal,
    q: &PhotoQuery,
    one: Option<&str>,
) -> Result<(i64, Vec<PhotoRecord>), ApiError> {
    let (limit, offset) = page(q.limit, q.offset)?;
    let rows: Vec<Row> = sqlx::query_as(include_str!("sql/photos.sql"))
        .bind(q.project.as_deref())
        .bind(q.unit.as_deref())
        .bind(q.unmatched.unwrap_or(false))
        .bind(scope(p))
        .bind(limit)
        .bind(offset)
        .bind(one)
        .fetch_all(&state.pool)
        .await?;
    let total = rows.first().map(|r| r.total).unwrap_or(0);
    Ok((total, rows.into_iter().map(photo).collect()))
}

/// Photos, newest first, within the caller's projects.
#[utoipa::path(get, path = "/api/photos", tag = "照片与档案 archives", params(PhotoQuery),
    responses((status = 200, body = PhotoPage)))]
pub async fn list(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    ApiQuery(q): ApiQuery<PhotoQuery>,
) -> Result<Json<PhotoPage>, ApiError> {
    let (total, photos) = rows(&state, &p, &q, None).await?;
    Ok(Json(PhotoPage { total, photos }))
}

async fn one(state: &AppState, p: &Principal, no: &str) -> Result<PhotoRecord, ApiError> {
    let q = PhotoQuery { limit: Some(1), ..PhotoQuery::default() };
    let (_, mut found) = rows(state, p, &q, Some(no)).await?;
    found.pop().ok_or_else(|| ApiError::not_found(format!("no photo {no} in the caller's projects")))
}

/// One photo, with its ETag.
#[utoipa::path(get, path = "/api/photos/{photo_no}", tag = "照片与档案 archives",
    params(("photo_no" = String, Path, description = "照片编号")), responses((status = 200, body = PhotoRecord)))]
pub async fn get(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(no): Path<String>,
) -> Result<([(HeaderName, String); 1], Json<PhotoRecord>), ApiError> {
    let photo = one(&state, &p, &no).await?;
    Ok(([(header::ETAG, etag(photo.version))], Json(photo)))
}

fn invalid(code: &'static str, zh: &str, en: String) -> ApiError {
    ApiError::rules(StatusCode::UNPROCESSABLE_ENTITY, code, vec![Issue { code, message: zh.into(), message_en: en }])
}

/// Assigns, moves or unlinks the photo, or sets caption, direction and kind.
#[utoipa::path(patch, path = "/api/photos/{photo_no}", tag = "照片与档案 archives", request_body = PhotoPatch,
    params(("photo_no" = String, Path, description = "照片编号")),
    responses((status = 200, body = PhotoRecord),
        (status = 412, description = "stale If-Match", body = onemap_api::Problem, content_type = "application/problem+json"),
        (status = 422, description = "unknown unit, bad direction or kind", body = onemap_api::Problem, content_type = "application/problem+json")))]
pub async fn patch(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(no): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<PhotoPatch>,
) -> Result<([(HeaderName, String); 1], Json<PhotoRecord>), ApiError> {
    let mut tx = begin(&state, &p).await?;
    #[allow(clippy::type_complexity)]
    let found: Option<(i64, Option<i64>, i32, Option<String>, Option<String>, Option<f64>, String)> = sqlx::query_as(
        "SELECT ph.project_id, ph.compensation_unit_id, ph.version, c.code, ph.caption, ph.direction_deg::float8, ph.kind
         FROM photos ph LEFT JOIN compensation_units c ON c.id = ph.compensation_unit_id WHERE ph.photo_no = $1 FOR UPDATE OF ph",
    )
    .bind(&no)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((project_id, _, version, unit_before, caption_before, direction_before, kind_before)) = found else {
        return Err(ApiError::not_found(format!("no photo {no}")));
    };
    if !p.can_see_project(project_id) {
        return Err(AuthError::OutOfScope(no).into());
    }
    precondition(if_match(&headers).as_deref(), version, &format!("photo {no}"))?;
    if let Some(d) = body.direction_deg
        && !(d.is_finite() && (0.0..360.0).contains(&d))
    {
        return Err(invalid(
            "invalid_direction",
            "拍摄方向应在 0–360 度之间",
            format!("direction_deg {d} is not in [0, 360)"),
        ));
    }
    if let Some(k) = &body.kind
        && !matches!(k.as_str(), "survey" | "demolition" | "other")
    {
        return Err(invalid(
            "invalid_kind",
            "照片类型应为 survey、demolition 或 other",
            format!("kind {k:?} is not survey, demolition or other"),
        ));
    }
    let unit = match &body.unit {
        Some(Some(code)) => Some(Some(unit_of(&mut tx, project_id, code).await?.ok_or_else(|| {
            invalid(
                "unknown_unit",
                "该项目中没有此补偿单元",
                format!("no compensation unit {code} in the photo's project"),
            )
        })?)),
        Some(None) => Some(None),
        None => None,
    };
    sqlx::query(
        "UPDATE photos SET
            compensation_unit_id = CASE WHEN $2 THEN $3 ELSE compensation_unit_id END,
            link_method = CASE WHEN $2 AND $3 IS NOT NULL THEN 'manual' WHEN $2 THEN NULL ELSE link_method END,
            distance_m = CASE WHEN $2 THEN NULL ELSE distance_m END,
            unmatched_reason = CASE WHEN $2 AND $3 IS NULL THEN '人工取消关联 / unlinked by hand' WHEN $2 THEN NULL ELSE unmatched_reason END,
            caption = coalesce($4, caption), direction_deg = coalesce($5, direction_deg), kind = coalesce($6, kind)
         WHERE photo_no = $1",
    )
    .bind(&no)
    .bind(unit.is_some())
    .bind(unit.as_ref().and_then(|u| u.as_ref().map(|x| x.0)))
    .bind(body.caption.as_deref().map(str::trim))
    .bind(body.direction_deg.map(|d| d as f32))
    .bind(body.kind.as_deref())
    .execute(&mut *tx)
    .await?;
    let before =
        json!({"unit": unit_before, "caption": caption_before, "direction_deg": direction_before, "kind": kind_before});
    let after = json!({
        "unit": match &unit { Some(u) => u.as_ref().map(|x| x.1.clone()), None => unit_before },
        "caption": body.caption.or(caption_before), "direction_deg": body.direction_deg.or(direction_before),
        "kind": body.kind.unwrap_or(kind_before),
    });
    let event =
        AuditEvent::new(&p.actor, p.role.as_str(), "photo_update", &no, "success").change(Some(before), Some(after));
    crate::base::journal::append(&mut tx, &[event]).await?;
    tx.commit().await?;
    let photo = one(&state, &p, &no).await?;
    Ok(([(header::ETAG, etag(photo.version))], Json(photo)))
}
