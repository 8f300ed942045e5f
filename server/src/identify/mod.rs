//! `GET /api/identify?lon=&lat=&zoom=`: everything under a click on the map — the parcel, the
//! building and all its house units, the compensation units and the project (these two only
//! within the caller's scope) — each with the URL of its `/api/units` record.

use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::auth::Principal;
use crate::auth::Routes;
use crate::auth::policy::Access;
use crate::base::AppState;
use crate::base::{ApiError, ApiQuery};

pub fn routes() -> Routes {
    Routes::new().route(Method::GET, "/api/identify", Access::Public, identify)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Click {
    lon: f64,
    lat: f64,
    /// Map zoom (Web Mercator levels); the tolerance is about 5 screen pixels [default: 18]
    zoom: Option<f64>,
}

#[derive(Serialize)]
struct Identified {
    lon: f64,
    lat: f64,
    zoom: f64,
    tolerance_m: f64,
    parcel: Value,
    building: Value,
    house_units: Value,
    compensation_units: Value,
    project: Value,
}

/// Metres covered by `pixels` screen pixels at `zoom` and latitude `lat` (256-pixel tiles).
pub fn tolerance_m(zoom: f64, lat: f64, pixels: f64) -> f64 {
    let metres_per_pixel = 156_543.033_928 * lat.to_radians().cos() / 2f64.powf(zoom);
    (metres_per_pixel * pixels).clamp(0.5, 250.0)
}

/// Adds `url` (the `/api/units` record) to an object with a code field.
fn link(mut v: Value, field: &str) -> Value {
    if let Some(code) = v.get(field).and_then(Value::as_str).map(str::to_owned) {
        v["url"] = Value::String(format!("/api/units/{}", code.trim()));
    }
    v
}

async fn identify(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    ApiQuery(c): ApiQuery<Click>,
) -> Result<Json<Identified>, ApiError> {
    let zoom = c.zoom.unwrap_or(18.0);
    if !(-180.0..=180.0).contains(&c.lon) || !(-90.0..=90.0).contains(&c.lat) || !(0.0..=24.0).contains(&zoom) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_point",
            "lon must be in −180…180, lat in −90…90, zoom in 0…24",
        ));
    }
    let tol = tolerance_m(zoom, c.lat, 5.0);
    // Relocation data only for the roles that work with it, within their projects.
    let scope = p.relocation_scope();
    let (parcel, building, house_units, compensation_units, project): (
        Option<Value>,
        Option<Value>,
        Value,
        Value,
        Option<Value>,
    ) = sqlx::query_as(include_str!("identify.sql"))
        .bind(c.lon)
        .bind(c.lat)
        .bind(tol)
        .bind(scope)
        .fetch_one(&state.pool)
        .await?;
    let list = |v: Value, field: &str| {
        Value::Array(v.as_array().cloned().unwrap_or_default().into_iter().map(|x| link(x, field)).collect())
    };
    Ok(Json(Identified {
        lon: c.lon,
        lat: c.lat,
        zoom,
        tolerance_m: (tol * 100.0).round() / 100.0,
        parcel: parcel.map(|v| link(v, "parcel_code")).unwrap_or_default(),
        building: building.map(|v| link(v, "building_no")).unwrap_or_default(),
        house_units: list(house_units, "unit_code"),
        compensation_units: list(compensation_units, "unit_code"),
        project: project.unwrap_or_default(),
    }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn tolerance_follows_the_zoom() {
        let t18 = super::tolerance_m(18.0, 35.0, 5.0);
        assert!((t18 - 2.5).abs() < 0.1, "{t18}");
        assert!((super::tolerance_m(17.0, 35.0, 5.0) / t18 - 2.0).abs() < 1e-9);
        assert_eq!(super::tolerance_m(2.0, 35.0, 5.0), 250.0);
        assert_eq!(super::tolerance_m(24.0, 35.0, 5.0), 0.5);
    }
}
