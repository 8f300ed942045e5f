//! 综合查询: `GET /api/search?q=&limit=` — unit codes (by prefix), certificate numbers,
//! right-holder names (only roles that may search people) and addresses.

use serde::{Deserialize, Serialize};

/// 查询 query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    /// 2 to 64 characters
    pub q: String,
    /// 1–100 [default: 20]
    pub limit: Option<i64>,
}

/// 查询结果, best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchResults {
    /// The query as used (trimmed).
    pub q: String,
    pub hits: Vec<SearchHit>,
}

/// 命中: one hit with its unit code and the URL of its `/api/units` record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchHit {
    /// `unit`, `building`, `parcel`, `certificate`, `holder` or `address`.
    pub kind: String,
    /// The code, certificate number, holder name (masked like any name) or address.
    pub title: String,
    pub subtitle: String,
    pub unit_code: String,
    /// `/api/units/<unit code>`
    pub url: String,
    /// 0…1, 3 decimals
    pub score: f64,
}
