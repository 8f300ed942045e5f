//! 导出: `POST /api/exports` and its job — a collection written with GDAL in the format desks
//! use, with the filter, bbox and CRS the OGC API takes, masked by the caller's role.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// The formats an export is written in.
pub const FORMATS: &[&str] = &["gpkg", "shp", "geojson", "csv", "xlsx", "dxf", "kml"];

/// `POST /api/exports`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ExportRequest {
    /// An OGC API collection: parcels, buildings, house_units, compensation_units, photos,
    /// relocation_projects.
    pub collection: String,
    /// gpkg, shp (zipped with .prj and .cpg), geojson, csv, xlsx (attributes only), dxf, kml.
    pub format: String,
    /// Output CRS as the OGC API takes it (`EPSG:4549`, a CRS URI, `CRS84`) [default: CRS84].
    pub crs: Option<String>,
    /// A CQL2 filter, as the OGC API takes it.
    pub filter: Option<String>,
    /// `cql2-text` [default] or `cql2-json`.
    #[serde(rename = "filter-lang")]
    pub filter_lang: Option<String>,
    /// minx, miny, maxx, maxy in CRS84.
    pub bbox: Option<Vec<f64>>,
    /// `english` (onemap's names) [default] or `standard` (the registration database
    /// standard's: ZDDM, BDCDYH, ZL, ZDMJ …).
    pub naming: Option<String>,
    /// Shapefile text encoding: `UTF-8` [default] or `GBK`.
    pub encoding: Option<String>,
}

/// An export job: `GET /api/exports/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportJob {
    pub id: String,
    pub collection: String,
    pub format: String,
    pub crs: String,
    pub filter: Option<String>,
    pub bbox: Option<Vec<f64>>,
    pub naming: String,
    pub encoding: String,
    /// `queued`, `running`, `done` or `failed`.
    pub status: String,
    /// Features written so far, of `progress_total` (the matching rows).
    pub progress_done: i64,
    pub progress_total: i64,
    /// The file's name and size once done; `GET /api/exports/{id}/file` downloads it.
    pub file_name: Option<String>,
    pub size_bytes: Option<i64>,
    pub error: Option<String>,
    pub requested_by: String,
    pub created_at: DateTime<FixedOffset>,
    pub finished_at: Option<DateTime<FixedOffset>>,
}
