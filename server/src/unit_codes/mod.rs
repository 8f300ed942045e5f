//! 不动产单元代码 over HTTP: `GET /api/codes/{code}` validates and explains any input
//! (GB/T 37346) with no database access; `POST /api/codes/allocate` hands out the next parcel
//! sequence number in a sub-district, building number in a parcel or unit number in a
//! building, safely under concurrency.

use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::{Extension, Json};
use onemap_codes::report::{self, Report};
use onemap_codes::{BuildingNumber, ParcelCode, UnitCodeError};
use serde::{Deserialize, Serialize};
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
enum AllocationKind {
    /// next 宗地顺序号 in a 地籍子区 (parent: 12-character sub-district code)
    Parcel,
    /// next 幢号 on a parcel (parent: 19-character parcel code)
    Building,
    /// next 户号 in a building (parent: 24-character building number)
    Unit,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AllocationRequest {
    kind: AllocationKind,
    parent: String,
    /// 宗地特征码 for a new parcel, e.g. `GB`, `JC`.
    feature: Option<String>,
}

#[derive(Serialize)]
struct Allocation {
    kind: AllocationKind,
    code: String,
    number: i32,
}

fn invalid(e: UnitCodeError) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "invalid_code", format!("{} ({})", e, e.rule()))
}

/// `POST /api/codes/allocate`: reserves and returns the next code under a parent.
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
async fn explain(Path(code): Path<String>) -> Json<Report> {
    Json(report::validate(code.trim()))
}
