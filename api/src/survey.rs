//! 成果导入 (survey imports): an uploaded file of parcels, buildings or house units, validated
//! in the background, previewed, then committed to the register in one transaction; and the
//! history of every unit (`GET /api/units/{code}/history`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// 导入对象: what an import holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    /// 宗地
    Parcels,
    /// 自然幢
    Buildings,
    /// 户
    HouseUnits,
}

impl ImportKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Parcels => "parcels",
            ImportKind::Buildings => "buildings",
            ImportKind::HouseUnits => "house_units",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "parcels" => Some(ImportKind::Parcels),
            "buildings" => Some(ImportKind::Buildings),
            "house_units" => Some(ImportKind::HouseUnits),
            _ => None,
        }
    }

    /// Chinese name, for the UI.
    pub fn name_zh(self) -> &'static str {
        match self {
            ImportKind::Parcels => "宗地",
            ImportKind::Buildings => "自然幢",
            ImportKind::HouseUnits => "户",
        }
    }
}

/// 导入状态.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    /// 校验中: being read and validated in the background
    Validating,
    /// 待提交: validated; may be committed when `counts.errors` is 0
    Ready,
    /// 失败: the file could not be read (see `error`)
    Failed,
    /// 已入库
    Committed,
    /// 已放弃
    Discarded,
}

/// Query of `POST /api/imports` (the file is the body, or the multipart field `file`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[serde(default)]
pub struct ImportOptions {
    /// parcels | buildings | house_units
    pub kind: String,
    /// Declared CRS: `EPSG:4526`, `4526`, an OGC CRS URI or `CRS84`. Required for DXF;
    /// otherwise it overrides the file's.
    pub crs: Option<String>,
    /// Character set of a Shapefile's DBF or a DXF: `UTF-8`, `GBK` (= CP936), `GB18030`.
    pub encoding: Option<String>,
    /// Layer name, for files with several.
    pub layer: Option<String>,
    /// Attribute mapping override as JSON, `{"onemap name": "field in the file"}`, e.g.
    /// `{"address":"ZL"}`; an empty field name drops a detected mapping.
    pub mapping: Option<String>,
}

/// 进度.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Progress {
    pub done: i64,
    pub total: i64,
}

/// 统计: features by diff status, and issues by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportCounts {
    pub features: i64,
    pub new: i64,
    pub changed: i64,
    pub unchanged: i64,
    pub conflicts: i64,
    /// Features with at least one error.
    pub errors: i64,
    /// Features with at least one warning.
    pub warnings: i64,
}

/// 校验问题: one rule one feature breaks (`feature` 0: the whole file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportIssue {
    /// Position of the feature in the file, from 1.
    pub feature: i32,
    /// Stable rule code, e.g. `overlap_existing` (the README lists them).
    pub code: String,
    /// The rule's title in Chinese, e.g. 与现有宗地重叠.
    pub rule: String,
    /// error | warning
    pub severity: String,
    /// 中文说明.
    pub message: String,
    /// English message.
    pub message_en: String,
    /// Where, `[lon, lat]` in EPSG:4490, when the rule can say.
    pub location: Option<[f64; 2]>,
}

/// 一次导入 (`GET /api/imports/{id}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Import {
    pub id: String,
    pub kind: ImportKind,
    pub status: ImportStatus,
    pub owner: String,
    pub file_name: Option<String>,
    pub file_size: Option<i64>,
    /// shapefile | gpkg | geojson | kml | csv | dxf
    pub format: Option<String>,
    pub layer: Option<String>,
    /// The CRS the coordinates were read in, e.g. `EPSG:4526`.
    pub crs: Option<String>,
    /// The character set attributes were decoded with, and how it was chosen.
    pub encoding: Option<String>,
    /// onemap attribute → the file's field.
    pub mapping: BTreeMap<String, String>,
    /// The file's fields, for choosing a mapping.
    pub fields: Vec<String>,
    /// What was assumed or detected (guessed CRS, swapped axes …), in Chinese and English.
    pub notes: Vec<String>,
    pub progress: Progress,
    pub counts: ImportCounts,
    /// Issues, errors first (at most 1,000; `counts` has the totals).
    pub issues: Vec<ImportIssue>,
    /// Why a failed import failed.
    pub error: Option<crate::problem::Problem>,
    pub created_at: String,
    pub validated_at: Option<String>,
    pub committed_at: Option<String>,
}

/// One row of `GET /api/imports`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportSummary {
    pub id: String,
    pub kind: ImportKind,
    pub status: ImportStatus,
    pub owner: String,
    pub file_name: Option<String>,
    pub format: Option<String>,
    pub progress: Progress,
    pub counts: ImportCounts,
    pub created_at: String,
}

/// Result of `POST /api/imports/{id}/commit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommitResult {
    pub id: String,
    pub inserted: i64,
    pub updated: i64,
    pub unchanged: i64,
    /// The codes allocated to new features, in file order (at most 1,000).
    pub allocated: Vec<String>,
}

/// 历史版本: one version of a parcel, building or house unit (`GET /api/units/{code}/history`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitVersion {
    /// parcel | building | house_unit
    pub kind: String,
    pub code: String,
    pub version: i32,
    /// insert | update: how this version came to be
    pub op: String,
    pub valid_from: String,
    /// None: the current version (unless `ended_op` is `delete`)
    pub valid_to: Option<String>,
    pub actor: String,
    pub request_id: Option<String>,
    pub import_id: Option<String>,
    /// update | delete: how this version ended
    pub ended_op: Option<String>,
    pub ended_by: Option<String>,
    /// Attributes of this version.
    pub properties: serde_json::Value,
    /// Field → `[before, after]` against the previous version (empty for the first).
    pub changes: BTreeMap<String, [serde_json::Value; 2]>,
    /// GeoJSON geometry (EPSG:4490, lon/lat).
    pub geometry: serde_json::Value,
}

/// `GET /api/units/{code}/history`: the versions of the parcel, building or house unit the
/// code names, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitHistory {
    pub code: String,
    pub versions: Vec<UnitVersion>,
}
