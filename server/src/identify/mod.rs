//! `GET /api/identify?lon=&lat=&zoom=`: everything under a click on the map — the parcel, the
//! building and all its house units, the compensation units and the project (these two only
//! within the caller's scope) — each with the URL of its `/api/units` record.

use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::{Extension, Json};
use onemap_api::Problem;
use onemap_api::identify::{
    Identified, IdentifiedBuilding, IdentifiedCompensationUnit, IdentifiedHouseUnit, IdentifiedParcel,
    IdentifiedProject, IdentifyQuery,
};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::auth::Principal;
use crate::auth::Routes;
use crate::auth::policy::Access;
use crate::base::AppState;
use crate::base::{ApiError, ApiQuery};

pub fn routes() -> Routes {
    Routes::new().route(Method::GET, "/api/identify", Access::Public, identify)
}

/// OpenAPI of this module's routes.
#[derive(utoipa::OpenApi)]
#[openapi(paths(identify))]
pub struct Api;

/// Metres covered by `pixels` screen pixels at `zoom` and latitude `lat` (256-pixel tiles).
pub fn tolerance_m(zoom: f64, lat: f64, pixels: f64) -> f64 {
    let metres_per_pixel = 156_543.033_928 * lat.to_radians().cos() / 2f64.powf(zoom);
    (metres_per_pixel * pixels).clamp(0.5, 250.0)
}

/// The `/api/units` record of a code.
fn url(code: &str) -> String {
    format!("/api/units/{}", code.trim())
}

/// JSON built by identify.sql into its type; a mismatch is a bug between the two.
fn decode<T: DeserializeOwned>(v: Value) -> Result<T, ApiError> {
    serde_json::from_value(v).map_err(|e| ApiError::internal(format!("identify.sql row does not match its type: {e}")))
}

#[derive(Deserialize)]
struct ParcelRow {
    address: String,
    unit_code: String,
    parcel_code: String,
}

#[derive(Deserialize)]
struct BuildingRow {
    floors: i16,
    building_no: String,
    planned_use: String,
}

#[derive(Deserialize)]
struct HouseUnitRow {
    floor: i16,
    unit_code: String,
    room_label: Option<String>,
    floor_area_m2: f64,
    demolished_on: Option<chrono::NaiveDate>,
}

#[derive(Deserialize)]
struct CompensationUnitRow {
    code: String,
    status: String,
    unit_code: Option<String>,
    project_code: String,
}

/// Everything under a click on the map: the nearest parcel and building, the building's house
/// units by floor, and the compensation units and the project there (for roles that see
/// relocation data, within their projects); each with the URL of its `/api/units` record.
#[utoipa::path(get, path = "/api/identify", tag = "识别 identify", params(IdentifyQuery),
    responses((status = 200, body = Identified),
        (status = 400, description = "point or zoom out of range", body = Problem, content_type = "application/problem+json")))]
async fn identify(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    ApiQuery(c): ApiQuery<IdentifyQuery>,
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
    ) = {
        let mut read = state.reads.pick(&state.pool).await;
        loop {
            let got = sqlx::query_as(include_str!("identify.sql"))
                .bind(c.lon)
                .bind(c.lat)
                .bind(tol)
                .bind(scope.as_deref())
                .fetch_one(read.pool())
                .await;
            match got {
                Err(e) if read.fall_back(&e) => continue,
                got => break got?,
            }
        }
    };
    let parcel = parcel.map(decode::<ParcelRow>).transpose()?.map(|r| IdentifiedParcel {
        url: url(&r.parcel_code),
        address: r.address,
        unit_code: r.unit_code,
        parcel_code: r.parcel_code,
    });
    let building = building.map(decode::<BuildingRow>).transpose()?.map(|r| IdentifiedBuilding {
        url: url(&r.building_no),
        floors: r.floors,
        building_no: r.building_no,
        planned_use: r.planned_use,
    });
    let house_units = decode::<Vec<HouseUnitRow>>(house_units)?
        .into_iter()
        .map(|r| IdentifiedHouseUnit {
            url: url(&r.unit_code),
            floor: r.floor,
            unit_code: r.unit_code,
            room_label: r.room_label,
            floor_area_m2: r.floor_area_m2,
            demolished_on: r.demolished_on,
        })
        .collect();
    let compensation_units = decode::<Vec<CompensationUnitRow>>(compensation_units)?
        .into_iter()
        .map(|r| IdentifiedCompensationUnit {
            url: r.unit_code.as_deref().map(url),
            code: r.code,
            status: r.status,
            unit_code: r.unit_code,
            project_code: r.project_code,
        })
        .collect();
    let project: Option<IdentifiedProject> = project.map(decode).transpose()?;
    Ok(Json(Identified {
        lon: c.lon,
        lat: c.lat,
        zoom,
        tolerance_m: (tol * 100.0).round() / 100.0,
        parcel,
        building,
        house_units,
        compensation_units,
        project,
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
