//! 历史: every version of a parcel, building or house unit (`GET /api/units/{code}/history`),
//! and the time a `?at=` query names.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat, Utc};
use onemap_api::Problem;
use onemap_api::survey::{UnitHistory, UnitVersion};
use serde_json::Value;
use sqlx::Row;
use uuid::Uuid;

use crate::base::{ApiError, AppState};

/// Parses `?at=`: an RFC 3339 time, or a date meaning the end of that day in China Standard
/// Time (UTC+8).
pub fn parse_at(s: &str) -> Result<DateTime<Utc>, ApiError> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    let cst = FixedOffset::east_opt(8 * 3600).expect("UTC+8");
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_micro_opt(23, 59, 59, 999_999))
        .and_then(|t| t.and_local_timezone(cst).single())
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_time",
                format!("at={s:?} is neither an RFC 3339 time (2026-11-28T10:00:00+08:00) nor a date (2026-11-28)"),
            )
        })
}

/// Which history a code names.
fn table_of(code: &str) -> Option<(&'static str, &'static str)> {
    match code.len() {
        19 => Some(("parcels", "parcel")),
        24 => Some(("buildings", "building")),
        28 if code.as_bytes()[19] == b'W' => Some(("parcels", "parcel")),
        28 => Some(("house_units", "house_unit")),
        _ => None,
    }
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// `GET /api/units/{code}/history`: newest version first, each with what changed against the
/// one before and who changed it (an import, a request, plain SQL).
#[utoipa::path(get, path = "/api/units/{code}/history", tag = "不动产单元 units",
    params(("code" = String, Path, description = "a unit code (28), building number (24) or parcel code (19)")),
    responses((status = 200, body = UnitHistory),
        (status = 404, description = "no such unit, now or ever", body = Problem, content_type = "application/problem+json")))]
pub async fn history(State(state): State<AppState>, Path(code): Path<String>) -> Result<Json<UnitHistory>, ApiError> {
    let code = code.trim().to_ascii_uppercase();
    let (table, kind) = table_of(&code).ok_or_else(|| ApiError::not_found(format!("no unit {code}")))?;
    let key = if table == "parcels" { &code[..19] } else { code.as_str() };
    let rows = sqlx::query(include_str!("history.sql")).bind(table).bind(key).fetch_all(&state.pool).await?;
    if rows.is_empty() {
        return Err(ApiError::not_found(format!("no unit {code}, now or in its history")));
    }
    let mut versions: Vec<UnitVersion> = Vec::with_capacity(rows.len());
    let mut previous: Option<(Value, Value)> = None;
    for r in rows {
        let properties: Value = r.try_get("properties")?;
        let geometry: Value = r.try_get("geometry")?;
        let mut changes = std::collections::BTreeMap::new();
        if let Some((before, before_geom)) = &previous {
            if let (Some(b), Some(a)) = (before.as_object(), properties.as_object()) {
                for (k, v) in a {
                    let old = b.get(k).cloned().unwrap_or(Value::Null);
                    if &old != v {
                        changes.insert(k.clone(), [old, v.clone()]);
                    }
                }
            }
            if before_geom != &geometry {
                changes.insert("geometry".into(), [Value::from("…"), Value::from("…")]);
            }
        }
        previous = Some((properties.clone(), geometry.clone()));
        versions.push(UnitVersion {
            kind: kind.into(),
            code: key.to_owned(),
            version: r.try_get("version")?,
            op: r.try_get("op")?,
            valid_from: ts(r.try_get("valid_from")?),
            valid_to: r.try_get::<Option<DateTime<Utc>>, _>("valid_to")?.map(ts),
            actor: r.try_get("actor")?,
            request_id: r.try_get("request_id")?,
            import_id: r.try_get::<Option<Uuid>, _>("import_id")?.map(|u| u.to_string()),
            ended_op: r.try_get("ended_op")?,
            ended_by: r.try_get("ended_by")?,
            properties,
            changes,
            geometry,
        });
    }
    versions.reverse();
    Ok(Json(UnitHistory { code: key.to_owned(), versions }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_and_dates() {
        assert_eq!(super::parse_at("2026-11-28T10:00:00+08:00").unwrap().to_rfc3339(), "2026-11-28T02:00:00+00:00");
        assert_eq!(super::parse_at("2026-11-28").unwrap().to_rfc3339(), "2026-11-28T15:59:59.999999+00:00");
        assert!(super::parse_at("yesterday").is_err());
    }
}
