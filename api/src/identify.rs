//! 点选查询: `GET /api/identify?lon=&lat=&zoom=` — everything under a click on the map, each
//! with the URL of its `/api/units` record.

use serde::{Deserialize, Serialize};

/// 点选 query: a point in EPSG:4490 and the map zoom.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct IdentifyQuery {
    /// Longitude, −180…180
    pub lon: f64,
    /// Latitude, −90…90
    pub lat: f64,
    /// Map zoom (Web Mercator levels, 0…24); the tolerance is about 5 screen pixels [default: 18]
    pub zoom: Option<f64>,
}

/// 点选结果: the parcel and building nearest the point, all house units of that building, the
/// compensation units and the project there (these two only within the caller's scope).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Identified {
    pub lon: f64,
    pub lat: f64,
    pub zoom: f64,
    /// Search radius in metres, 2 decimals.
    pub tolerance_m: f64,
    pub parcel: Option<IdentifiedParcel>,
    pub building: Option<IdentifiedBuilding>,
    pub house_units: Vec<IdentifiedHouseUnit>,
    pub compensation_units: Vec<IdentifiedCompensationUnit>,
    pub project: Option<IdentifiedProject>,
}

/// 宗地 under the click (fields in jsonb order, then `url`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IdentifiedParcel {
    /// 坐落
    pub address: String,
    /// 不动产单元代码 of the land-only unit
    pub unit_code: String,
    /// 宗地代码
    pub parcel_code: String,
    /// `/api/units/<parcel code>`
    pub url: String,
}

/// 自然幢 under the click (fields in jsonb order, then `url`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IdentifiedBuilding {
    pub floors: i16,
    /// 自然幢号
    pub building_no: String,
    pub planned_use: String,
    /// `/api/units/<building number>`
    pub url: String,
}

/// 户 of the building under the click, by floor (fields in jsonb order, then `url`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IdentifiedHouseUnit {
    pub floor: i16,
    /// 不动产单元代码
    pub unit_code: String,
    pub room_label: Option<String>,
    pub floor_area_m2: f64,
    /// 房屋灭失: the day the house was demolished (its rights cancelled), if it was.
    #[serde(default)]
    pub demolished_on: Option<chrono::NaiveDate>,
    /// `/api/units/<unit code>`
    pub url: String,
}

/// 补偿单元 under the click (fields in jsonb order, then `url`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IdentifiedCompensationUnit {
    /// 补偿单元编号
    pub code: String,
    pub status: String,
    pub unit_code: Option<String>,
    pub project_code: String,
    /// `/api/units/<unit code>`; left out (not null) when the unit has no unit code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// 征收项目 under the click.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IdentifiedProject {
    pub code: String,
    pub name: String,
    pub stage: String,
}
