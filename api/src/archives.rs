//! 照片与档案: field photos linked to their compensation unit by position, archive documents
//! with their numbers (档案号), bulk import, full-text search and the completeness check of a
//! project's archive (档案完整性).

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

/// `POST /api/photos?project=CODE` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct PhotoUpload {
    /// The project code.
    pub project: String,
    /// `survey` (default), `demolition` or `other`.
    pub kind: Option<String>,
}

/// What became of one uploaded photo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhotoResult {
    /// The name the client gave (display only).
    pub file: String,
    /// 照片编号 (null when refused).
    pub photo_no: Option<String>,
    pub sha256: Option<String>,
    /// The compensation unit it was linked to.
    pub unit: Option<String>,
    /// `inside`, `nearest`, or null (unmatched).
    pub method: Option<String>,
    /// Distance to the unit's outline, metres (`nearest`).
    pub distance_m: Option<f64>,
    /// When it was taken, with its UTC offset (+08:00 when the camera gave none).
    pub taken_at: Option<DateTime<FixedOffset>>,
    /// Already stored: the number of the stored photo with the same content.
    pub duplicate_of: Option<String>,
    /// Why it is unmatched, the time outside the project's window, …
    pub warnings: Vec<String>,
    /// Refused (not a JPEG or PNG, corrupt …): the problem code; nothing was stored.
    pub error: Option<String>,
}

/// `GET /api/photos` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct PhotoQuery {
    pub project: Option<String>,
    /// A compensation unit code.
    pub unit: Option<String>,
    /// Only photos linked to no unit.
    pub unmatched: Option<bool>,
    /// Page size (default 100, at most 1000) and offset.
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// A field photo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhotoRecord {
    pub photo_no: String,
    pub version: i32,
    pub project: Option<String>,
    pub unit: Option<String>,
    pub method: Option<String>,
    pub distance_m: Option<f64>,
    pub unmatched_reason: Option<String>,
    pub kind: String,
    pub taken_at: Option<DateTime<FixedOffset>>,
    /// [lon, lat] in EPSG:4490.
    pub position: Option<[f64; 2]>,
    pub direction_deg: Option<f64>,
    pub caption: Option<String>,
    pub sha256: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    /// `/files/…` of the photo; add `?thumbnail` for its thumbnail.
    pub url: String,
    pub warnings: Vec<String>,
}

/// A page of photos.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhotoPage {
    pub total: i64,
    pub photos: Vec<PhotoRecord>,
}

/// `PATCH /api/photos/{photo_no}` (If-Match): only the fields sent change; `unit: null`
/// unlinks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PhotoPatch {
    /// A compensation unit code of the photo's project, or null.
    #[serde(default, with = "double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub unit: Option<Option<String>>,
    pub caption: Option<String>,
    pub direction_deg: Option<f64>,
    /// `survey`, `demolition` or `other`.
    pub kind: Option<String>,
}

/// Absent, null and a value told apart.
mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer, T: Serialize>(v: &Option<Option<T>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            None => s.serialize_none(),
            Some(inner) => inner.serialize(s),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}

/// An archive document (档案).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FiledDocument {
    /// 档案号
    pub archive_no: String,
    pub version: i32,
    pub project: String,
    pub unit: Option<String>,
    /// `higher_level`, `approval`, `agreement`, `appraisal_report`, `decision`, `payment`,
    /// `photo`, `other`.
    pub category: String,
    pub title: String,
    pub document_date: Option<NaiveDate>,
    pub mime_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    /// `/files/…`
    pub url: String,
    /// Search only: relevance, and a passage of the text around the first hit.
    pub rank: Option<f32>,
    pub excerpt: Option<String>,
}

/// `GET /api/archives` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct ArchiveQuery {
    /// Words to find in the title and text (Chinese included), or an archive number.
    pub q: Option<String>,
    pub project: Option<String>,
    pub unit: Option<String>,
    pub category: Option<String>,
    /// Document dates from and to (inclusive).
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// A page of archive documents, best match first when searching.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArchivePage {
    pub total: i64,
    pub documents: Vec<FiledDocument>,
}

/// `POST /api/archives/batch` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct BatchQuery {
    pub project: String,
    /// Check everything and store nothing.
    pub dry_run: Option<bool>,
}

/// One line of a batch's manifest and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchRow {
    /// Line number in manifest.csv (the header is line 1).
    pub line: usize,
    pub file: String,
    pub archive_no: Option<String>,
    pub unit: Option<String>,
    /// Problems of the line (code: message); any problem in any line stores nothing.
    pub errors: Vec<String>,
}

/// The answer to a batch: stored (or, in a dry run or when a line failed, not).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchResult {
    pub stored: bool,
    pub dry_run: bool,
    /// The manifest's encoding (UTF-8 or GBK).
    pub encoding: String,
    pub rows: Vec<BatchRow>,
}

/// 档案必备项: an item a compensation unit's archive needs once the unit reaches a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequiredItem {
    /// The value in [`UnitCheck::missing`], e.g. `appraisal_report`.
    pub id: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
}

/// The required items in the order of the process (surveyed → demolished).
pub const REQUIRED_ITEMS: &[RequiredItem] = &[
    RequiredItem { id: "survey_photo", name_zh: "调查照片", name_en: "survey photo" },
    RequiredItem { id: "appraisal_report", name_zh: "评估报告", name_en: "appraisal report" },
    RequiredItem { id: "agreement", name_zh: "补偿协议或决定", name_en: "agreement or decision" },
    RequiredItem { id: "payment_voucher", name_zh: "支付凭证", name_en: "payment voucher" },
    RequiredItem { id: "demolition_photo", name_zh: "拆除照片", name_en: "demolition photo" },
];

/// The required item called `id`.
pub fn required_item(id: &str) -> Option<&'static RequiredItem> {
    REQUIRED_ITEMS.iter().find(|i| i.id == id)
}

/// `GET /api/projects/{code}/archive-check`: what each unit's archive lacks for its state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArchiveCheck {
    pub project: String,
    pub units: usize,
    pub complete: usize,
    /// Units with something missing, by code.
    pub incomplete: Vec<UnitCheck>,
    /// Photos linked to no unit.
    pub unlinked_photos: Vec<String>,
    /// Documents of the project linked to no unit (project documents included).
    pub unlinked_documents: Vec<String>,
}

/// `GET /api/projects/{code}/archive-check` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct CheckQuery {
    /// `json` (the default) or `xlsx`: the same report as a workbook for the archive room.
    pub format: Option<CheckFormat>,
}

/// The form of the completeness report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum CheckFormat {
    #[default]
    Json,
    Xlsx,
}

/// A unit whose archive lacks items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitCheck {
    pub unit: String,
    pub status: String,
    /// `survey_photo`, `appraisal_report`, `agreement`, `payment_voucher`, `demolition_photo`.
    pub missing: Vec<String>,
}
