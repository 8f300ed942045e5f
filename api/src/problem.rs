//! 错误响应: every error of the API, an RFC 9457 problem body.

use serde::{Deserialize, Serialize};

/// 错误 (problem details, RFC 9457), sent as `application/problem+json` with the HTTP status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// `https://onemap.dev/problems/<code>`
    #[serde(rename = "type")]
    pub kind: String,
    /// The status's reason phrase, e.g. `Not Found`.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// Stable machine-readable code, e.g. `not_found`, `invalid_code`, `database_unavailable`.
    pub code: String,
    /// Readable message.
    pub detail: String,
    /// Every rule broken, for refusals of the rules (409, 422): e.g. all the unmet
    /// preconditions of a stage transition. Left out when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub issues: Vec<ProblemIssue>,
}

/// One broken rule of a refusal, in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProblemIssue {
    /// Stable rule code, e.g. `funds_insufficient`.
    pub code: String,
    pub message: String,
    pub message_en: String,
}

impl Problem {
    /// The `type` URI of a problem code.
    pub fn type_uri(code: &str) -> String {
        format!("https://onemap.dev/problems/{code}")
    }
}
