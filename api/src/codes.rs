//! 不动产单元代码 (GB/T 37346): `GET /api/codes/{code}` explains any input,
//! `POST /api/codes/allocate` hands out the next code under a parent.

use serde::{Deserialize, Serialize};

/// 代码类别, by length: 28 unit, 24 building, 19 parcel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CodeKind {
    /// 不动产单元代码 (28)
    Unit,
    /// 宗地代码 (19)
    Parcel,
    /// 自然幢号 (24)
    Building,
}

/// 代码校验报告 (`GET /api/codes/{code}`, always 200): whether the code is valid, what kind
/// it is, what each segment means, which rules it breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeReport {
    pub code: String,
    pub valid: bool,
    /// None for lengths other than 28, 24 and 19.
    pub kind: Option<CodeKind>,
    pub segments: Vec<CodeSegment>,
    pub errors: Vec<CodeIssue>,
    pub warnings: Vec<CodeIssue>,
}

/// 代码段: one segment of a code and what it means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeSegment {
    /// Machine name, e.g. `county`, `cadastral_district`.
    pub name: String,
    /// e.g. 县级行政区划代码
    pub name_zh: String,
    /// 1-based start position in the code.
    pub start: usize,
    /// 1-based end position (inclusive).
    pub end: usize,
    pub value: String,
    pub meaning_zh: String,
    pub meaning_en: String,
}

/// 校验问题: a broken rule or a warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeIssue {
    /// Stable rule name.
    pub rule: String,
    pub message: String,
}

/// 赋码类别: what to allocate under the parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AllocationKind {
    /// next 宗地顺序号 in a 地籍子区 (parent: 12-character sub-district code)
    Parcel,
    /// next 幢号 on a parcel (parent: 19-character parcel code)
    Building,
    /// next 户号 in a building (parent: 24-character building number)
    Unit,
}

/// 赋码申请 (`POST /api/codes/allocate` body).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AllocationRequest {
    pub kind: AllocationKind,
    /// 12-digit sub-district code, 19-character parcel code or 24-character building number.
    pub parent: String,
    /// 宗地特征码 for a new parcel, e.g. `GB`, `JC`.
    pub feature: Option<String>,
}

/// 新赋代码: the reserved code and its number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Allocation {
    pub kind: AllocationKind,
    pub code: String,
    pub number: i32,
}
