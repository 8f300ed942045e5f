//! 不动产单元代码 over HTTP: `GET /api/codes/{code}` validates and explains any input
//! (GB/T 37346) with no database access; `POST /api/codes/allocate` hands out the next parcel
//! sequence number in a sub-district, building number in a parcel or unit number in a
//! building, safely under concurrency.

use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::{Extension, Json};
use onemap_api::Problem;
use onemap_api::codes::{Allocation, AllocationKind, AllocationRequest, CodeIssue, CodeKind, CodeReport, CodeSegment};
use onemap_codes::report::{self, Report};
use onemap_codes::{BuildingNumber, ParcelCode, UnitCodeError};
use sqlx::Acquire;

use crate::auth::Principal;
use crate::auth::Routes;
use crate::auth::policy::{Access, SURVEYORS};
use crate::base::AppState;
use crate::base::journal::{self as audit, AuditEvent};
use crate::base::{ApiError, ApiJson};

pub fn routes() -> Routes {
    Routes::new().route(Method::GET, "/api/codes/{code}", Access::Public, explain).route(
        Method::POST,
        "/api/codes/allocate",
        Access::Roles(SURVEYORS),
        allocate,
    )
}

/// OpenAPI of this module's routes.
#[derive(utoipa::OpenApi)]
#[openapi(paths(explain, allocate))]
pub struct Api;

fn invalid(e: UnitCodeError) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "invalid_code", format!("{} ({})", e, e.rule()))
}

/// `POST /api/codes/allocate`: reserves and returns the next code under a parent.
#[utoipa::path(post, path = "/api/codes/allocate", tag = "单元代码 codes", request_body = AllocationRequest,
    responses((status = 200, description = "the reserved code", body = Allocation),
        (status = 404, description = "no such parent", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "no number left under the parent", body = Problem, content_type = "application/problem+json")))]
async fn allocate(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    ApiJson(req): ApiJson<AllocationRequest>,
) -> Result<Json<Allocation>, ApiError> {
    let parent = req.parent.trim().to_owned();
    // The parent must be well formed; a parcel needs a feature code.
    let (kind_name, limit) = match req.kind {
        AllocationKind::Parcel => {
            if parent.len() != 12 || !parent.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_code",
                    "parent must be a 12-digit cadastral sub-district code",
                ));
            }
            let feature = req.feature.as_deref().unwrap_or_default();
            ParcelCode::new(
                &parent[..6],
                parent[6..9].parse().unwrap_or(0),
                parent[9..12].parse().unwrap_or(0),
                feature,
                1,
            )
            .map_err(invalid)?;
            ("parcel", 99_999)
        }
        AllocationKind::Building => {
            parent.parse::<ParcelCode>().map_err(invalid)?;
            ("building", 9_999)
        }
        AllocationKind::Unit => {
            parent.parse::<BuildingNumber>().map_err(invalid)?;
            ("unit", 9_999)
        }
    };
    let mut conn = state.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let (exists, existing_max): (bool, i32) =
        sqlx::query_as(include_str!("existing_max.sql")).bind(kind_name).bind(&parent).fetch_one(&mut *tx).await?;
    if !exists {
        return Err(ApiError::not_found(format!(
            "no {} {parent}",
            match req.kind {
                AllocationKind::Parcel => "cadastral sub-district",
                AllocationKind::Building => "parcel",
                AllocationKind::Unit => "building",
            }
        )));
    }
    let number: i32 =
        sqlx::query_scalar(include_str!("allocate.sql")).bind(&parent).bind(existing_max).fetch_one(&mut *tx).await?;
    if number > limit {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "sequence_exhausted",
            format!("no {kind_name} number left under {parent}"),
        ));
    }
    let code = match req.kind {
        AllocationKind::Parcel => format!("{parent}{}{number:05}", req.feature.as_deref().unwrap_or_default()),
        AllocationKind::Building => format!("{parent}F{number:04}"),
        AllocationKind::Unit => format!("{parent}{number:04}"),
    };
    let event = AuditEvent::new(&p.actor, p.role.as_str(), "code_allocate", &code, "success")
        .change(None, Some(serde_json::json!({ "kind": kind_name, "parent": parent, "number": number })));
    audit::append(&mut tx, &[event]).await?;
    tx.commit().await?;
    Ok(Json(Allocation { kind: req.kind, code, number }))
}

/// Always 200: the report says whether the code is valid, what kind it is, what each segment
/// means, and which rules it breaks.
#[utoipa::path(get, path = "/api/codes/{code}", tag = "单元代码 codes",
    params(("code" = String, Path, description = "a unit code (28), building number (24) or parcel code (19)")),
    responses((status = 200, body = CodeReport)))]
async fn explain(Path(code): Path<String>) -> Json<CodeReport> {
    Json(wire(report::validate(code.trim())))
}

/// The report as the API sends it.
fn wire(r: Report) -> CodeReport {
    let issue = |i: report::Issue| CodeIssue { rule: i.rule.to_owned(), message: i.message };
    CodeReport {
        code: r.code,
        valid: r.valid,
        kind: r.kind.map(|k| match k {
            report::Kind::Unit => CodeKind::Unit,
            report::Kind::Parcel => CodeKind::Parcel,
            report::Kind::Building => CodeKind::Building,
        }),
        segments: r
            .segments
            .into_iter()
            .map(|s| CodeSegment {
                name: s.name.to_owned(),
                name_zh: s.name_zh.to_owned(),
                start: s.start,
                end: s.end,
                value: s.value,
                meaning_zh: s.meaning_zh,
                meaning_en: s.meaning_en,
            })
            .collect(),
        errors: r.errors.into_iter().map(issue).collect(),
        warnings: r.warnings.into_iter().map(issue).collect(),
    }
}

/// Reserves `count` consecutive numbers under `parent` (a sub-district for parcels, a parcel
/// code for buildings, a building number for house units) inside the caller's transaction.
/// Returns the number before the first one reserved (the block is `base + 1 ..= base + count`),
/// or None when the block would pass `limit`.
pub async fn reserve(
    conn: &mut sqlx::PgConnection,
    kind: &str,
    parent: &str,
    count: i32,
    limit: i32,
) -> Result<Option<i32>, sqlx::Error> {
    let (_, existing_max): (bool, i32) =
        sqlx::query_as(include_str!("existing_max.sql")).bind(kind).bind(parent).fetch_one(&mut *conn).await?;
    let last: i32 = sqlx::query_scalar(include_str!("reserve.sql"))
        .bind(parent)
        .bind(existing_max)
        .bind(count)
        .fetch_one(&mut *conn)
        .await?;
    Ok((last <= limit).then_some(last - count))
}
