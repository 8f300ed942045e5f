//! 单要素编辑: creating, replacing, patching (JSON Merge Patch) and deleting one parcel,
//! building or house unit — what OGC API Features Part 4 asks of `ogc`. Each edit is a
//! one-feature import (`source = 'edit'`) staged, validated by the same rules and committed by
//! the same code, all in one transaction with its audit row; the row is locked and its version
//! compared with `If-Match` first.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use geozero::{CoordDimensions, ToWkb};
use onemap_api::survey::ImportKind;
use serde_json::{Map, Value, json};
use sqlx::{Acquire, PgConnection};
use uuid::Uuid;

use super::commit::{self, Committer};
use super::read::RawFeature;
use super::validate::{self, Reading};
use crate::auth::Principal;
use crate::base::journal::{self as audit, AuditEvent};
use crate::base::{ApiError, AppState};

/// What an edit does.
pub enum Edit {
    /// POST …/items: a GeoJSON feature; its code is allocated when it has none.
    Create(Value),
    /// PUT …/items/{id}: the whole feature.
    Replace(String, Value),
    /// PATCH …/items/{id}: a JSON Merge Patch (RFC 7396) of the feature.
    Patch(String, Value),
    /// DELETE …/items/{id}.
    Delete(String),
}

/// The outcome: the feature's code and its new version (None after a delete).
pub struct Outcome {
    pub code: String,
    pub version: Option<i32>,
    pub created: bool,
}

/// Why an edit failed: a plain problem, or the rules it breaks (422 with the issues).
pub enum EditError {
    Api(ApiError),
    Rules(Vec<Value>),
}

impl From<ApiError> for EditError {
    fn from(e: ApiError) -> Self {
        EditError::Api(e)
    }
}

impl From<sqlx::Error> for EditError {
    fn from(e: sqlx::Error) -> Self {
        EditError::Api(e.into())
    }
}

impl IntoResponse for EditError {
    fn into_response(self) -> Response {
        match self {
            EditError::Api(e) => e.into_response(),
            EditError::Rules(issues) => {
                let detail = issues
                    .iter()
                    .map(|i| {
                        format!("{}: {}", i["code"].as_str().unwrap_or(""), i["message_en"].as_str().unwrap_or(""))
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                let body = json!({
                    "type": "https://onemap.dev/problems/validation_failed", "title": "Unprocessable Entity",
                    "status": 422, "code": "validation_failed", "detail": detail, "issues": issues,
                });
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    [(axum::http::header::CONTENT_TYPE, "application/problem+json")],
                    body.to_string(),
                )
                    .into_response()
            }
        }
    }
}

/// The register's code for a feature id: parcels are served by their land unit code.
pub fn code_of(kind: ImportKind, fid: &str) -> String {
    let fid = fid.trim().to_ascii_uppercase();
    match kind {
        ImportKind::Parcels if fid.len() == 28 && fid.ends_with("W00000000") => fid[..19].to_owned(),
        _ => fid,
    }
}

/// The feature id of a code.
pub fn fid_of(kind: ImportKind, code: &str) -> String {
    match kind {
        ImportKind::Parcels => format!("{code}W00000000"),
        _ => code.to_owned(),
    }
}

pub use crate::base::versions::etag;

/// The current version of a feature, for its ETag (None: no such feature).
pub async fn version(pool: &sqlx::PgPool, kind: ImportKind, fid: &str) -> Result<Option<i32>, sqlx::Error> {
    sqlx::query_scalar(include_str!("edit/version.sql"))
        .bind(kind.as_str())
        .bind(code_of(kind, fid))
        .fetch_optional(pool)
        .await
}

fn precondition(if_match: Option<&str>, current: i32) -> Result<(), ApiError> {
    crate::base::versions::precondition(if_match, current, "the feature")
}

fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let t = target.as_object_mut().expect("an object");
    for (k, v) in p {
        if v.is_null() {
            t.remove(k);
        } else {
            merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
        }
    }
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "invalid_feature", message)
}

/// A GeoJSON feature as the importer reads one: WKB and properties.
fn raw_feature(feature: &Value) -> Result<RawFeature, ApiError> {
    if feature.get("type").and_then(Value::as_str) != Some("Feature") {
        return Err(bad("the body must be a GeoJSON Feature"));
    }
    let geometry =
        feature.get("geometry").filter(|g| !g.is_null()).ok_or_else(|| bad("the feature has no geometry"))?;
    let wkb = geozero::geojson::GeoJson(&geometry.to_string())
        .to_wkb(CoordDimensions::xy())
        .map_err(|e| bad(format!("the geometry is not GeoJSON: {e}")))?;
    let props = match feature.get("properties") {
        Some(Value::Object(m)) => m.clone(),
        None | Some(Value::Null) => Map::new(),
        Some(_) => return Err(bad("properties must be an object")),
    };
    Ok(RawFeature { n: 1, wkb: Some(wkb), props })
}

/// Applies one edit for `p` in one transaction. `if_match` is required for all but creation.
pub async fn apply(
    state: &AppState,
    p: &Principal,
    kind: ImportKind,
    edit: Edit,
    if_match: Option<&str>,
) -> Result<Outcome, EditError> {
    let request_id = crate::base::context::request_ids().and_then(|(r, _)| r);
    let mut conn = state.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let (action, fid, feature, before) = match edit {
        Edit::Create(f) => ("feature_create", None, f, None),
        Edit::Replace(fid, f) => ("feature_replace", Some(fid), f, None),
        Edit::Patch(fid, patch) => ("feature_patch", Some(fid), Value::Null, Some(patch)),
        Edit::Delete(fid) => {
            let out = delete(&mut tx, p, kind, &fid, if_match, request_id.as_deref()).await?;
            tx.commit().await?;
            return Ok(out);
        }
    };
    let mut feature = feature;
    let mut old = None;
    let code = fid.as_deref().map(|f| code_of(kind, f));
    if let Some(code) = &code {
        let current: Option<i32> = sqlx::query_scalar(include_str!("edit/lock.sql"))
            .bind(kind.as_str())
            .bind(code)
            .fetch_optional(&mut *tx)
            .await?;
        let current = current.ok_or_else(|| ApiError::not_found(format!("no feature {code}")))?;
        precondition(if_match, current)?;
        let (_, _, props, geometry): (i64, i32, Value, Value) =
            sqlx::query_as(include_str!("edit/current.sql")).bind(kind.as_str()).bind(code).fetch_one(&mut *tx).await?;
        let now = json!({"type": "Feature", "geometry": geometry, "properties": props});
        if let Some(patch) = before {
            feature = now.clone();
            merge_patch(&mut feature, &patch);
        }
        old = Some(now);
    }
    let mut raw = raw_feature(&feature)?;
    // The code of an existing feature is its id; a new one may bring its own.
    let code_field = match kind {
        ImportKind::Parcels => "parcel_code",
        ImportKind::Buildings => "building_no",
        ImportKind::HouseUnits => "unit_code",
    };
    if let Some(code) = &code {
        match raw.props.get(code_field).and_then(Value::as_str) {
            Some(c) if !c.eq_ignore_ascii_case(code) => {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "code_immutable",
                    format!("{code_field} of {code} cannot change"),
                )
                .into());
            }
            _ => {
                raw.props.insert(code_field.into(), Value::from(code.clone()));
            }
        }
    }
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO imports (id, kind, source, status, owner, owner_role, format, crs, srid, progress_total) \
         VALUES ($1, $2, 'edit', 'validating', $3, $4, 'geojson', 'EPSG:4490', 4490, 1)",
    )
    .bind(id)
    .bind(kind.as_str())
    .bind(p.actor.as_ref())
    .bind(p.role.as_str())
    .execute(&mut *tx)
    .await?;
    let fields: Vec<String> = super::mapping::attributes(kind).into_iter().map(str::to_owned).collect();
    let mapping = super::mapping::detect(kind, &fields, &Default::default()).map_err(bad)?;
    validate::stage(&mut tx, id, kind, &mapping, Reading { srid: 4490, swapped: false }, vec![raw]).await?;
    let counts = validate::validate(&mut tx, id, kind, ("", "")).await?;
    if counts.errors > 0 || counts.conflicts > 0 {
        let issues: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT code, severity, message_zh, message_en FROM import_issues WHERE import_id = $1 ORDER BY severity, code",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        return Err(EditError::Rules(
            issues
                .into_iter()
                .map(|(code, severity, zh, en)| json!({"code": code, "severity": severity, "message": zh, "message_en": en}))
                .collect(),
        ));
    }
    sqlx::query("UPDATE imports SET status = 'ready', counts = $2, validated_at = now() WHERE id = $1")
        .bind(id)
        .bind(json!(counts))
        .execute(&mut *tx)
        .await?;
    let result = commit::commit(&mut tx, id, &Committer { actor: &p.actor, request_id: request_id.as_deref() }).await?;
    let final_code = code
        .or_else(|| result.allocated.first().cloned())
        .or_else(|| feature["properties"][code_field].as_str().map(|c| c.to_ascii_uppercase()));
    let final_code = final_code.ok_or_else(|| ApiError::internal("an edit without a code"))?;
    let version: i32 = sqlx::query_scalar(include_str!("edit/lock.sql"))
        .bind(kind.as_str())
        .bind(&final_code)
        .fetch_one(&mut *tx)
        .await?;
    let event = AuditEvent::new(&p.actor, p.role.as_str(), action, &final_code, "success")
        .change(old, Some(feature))
        .details(json!({"kind": kind.as_str(), "import": id.to_string(), "version": version}));
    audit::append(&mut tx, &[event]).await?;
    sqlx::query("DELETE FROM import_features WHERE import_id = $1").bind(id).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(Outcome { code: final_code, version: Some(version), created: action == "feature_create" })
}

async fn delete(
    tx: &mut PgConnection,
    p: &Principal,
    kind: ImportKind,
    fid: &str,
    if_match: Option<&str>,
    request_id: Option<&str>,
) -> Result<Outcome, EditError> {
    let code = code_of(kind, fid);
    let current: Option<i32> = sqlx::query_scalar(include_str!("edit/lock.sql"))
        .bind(kind.as_str())
        .bind(&code)
        .fetch_optional(&mut *tx)
        .await?;
    let current = current.ok_or_else(|| ApiError::not_found(format!("no feature {code}")))?;
    precondition(if_match, current)?;
    let rights: i64 = sqlx::query_scalar(include_str!("edit/rights.sql")).bind(&code).fetch_one(&mut *tx).await?;
    if rights > 0 {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "has_rights",
            format!("{code} has {rights} current registered rights: cancel them (注销登记) before deleting"),
        )
        .into());
    }
    sqlx::query("SELECT set_config('onemap.actor', $1, true), set_config('onemap.request_id', $2, true)")
        .bind(p.actor.as_ref())
        .bind(request_id.unwrap_or_default())
        .execute(&mut *tx)
        .await?;
    sqlx::query("SAVEPOINT before_delete").execute(&mut *tx).await?;
    let deleted = sqlx::query_scalar::<_, i64>(include_str!("edit/delete.sql"))
        .bind(kind.as_str())
        .bind(&code)
        .fetch_one(&mut *tx)
        .await;
    match deleted {
        Ok(_) => {}
        Err(e) if e.as_database_error().and_then(|d| d.code()).is_some_and(|c| c == "23503") => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "has_dependents",
                format!("{code} still has buildings, house units or compensation units: delete or move them first"),
            )
            .into());
        }
        Err(e) => return Err(e.into()),
    }
    let event = AuditEvent::new(&p.actor, p.role.as_str(), "feature_delete", &code, "success")
        .details(json!({"kind": kind.as_str(), "version": current}));
    audit::append(&mut *tx, &[event]).await?;
    Ok(Outcome { code, version: None, created: false })
}
