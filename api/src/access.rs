//! 权限申请与复核: a user applies for a role or a relocation project
//! (`POST /api/access-requests`), an administrator (roles) or the director (projects) decides
//! (`POST /api/access-requests/{id}/decision`), and `GET /api/access-review` lists who holds
//! what, since when, granted by whom and until when.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::Role;

/// `POST /api/access-requests`: what a user asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAccessRequest {
    /// `role` (another role) or `project` (one more relocation project).
    pub kind: String,
    /// The role asked for (kind `role`).
    pub role: Option<Role>,
    /// The project's code (kind `project`), e.g. `WX-ZS-2025-01`.
    pub project: Option<String>,
    /// 申请理由 (required, at most 500 characters).
    pub reason: String,
    /// The last day the access is needed (inclusive); none: until revoked.
    pub until: Option<NaiveDate>,
}

/// 权限申请: a request and, once decided, its decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccessRequest {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    /// The applicant's role when the request was made.
    pub current_role: Role,
    /// `role` or `project`.
    pub kind: String,
    pub role: Option<Role>,
    pub project: Option<String>,
    pub project_name: Option<String>,
    pub reason: String,
    pub until: Option<NaiveDate>,
    /// `pending`, `approved`, `rejected` or `withdrawn`.
    pub status: String,
    pub requested_at: DateTime<Utc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub comment: Option<String>,
    /// The row version (its ETag is `"v<version>"`).
    pub version: i32,
    /// Whether the caller may decide it.
    pub may_decide: bool,
}

/// `GET /api/access-requests` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct AccessRequestsQuery {
    /// `pending` (default), `approved`, `rejected`, `withdrawn` or `all`.
    pub status: Option<String>,
    /// Only the caller's own requests (what everyone but deciders and auditors sees anyway).
    pub mine: Option<bool>,
    /// 1–500 [default: 100].
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// A page of requests, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccessRequestPage {
    pub items: Vec<AccessRequest>,
    /// All requests matching the filter.
    pub total: i64,
}

/// `POST /api/access-requests/{id}/decision` (with `If-Match`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AccessDecision {
    pub approve: bool,
    /// 审批意见 (required when rejecting).
    pub comment: Option<String>,
}

/// `GET /api/access-review` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct AccessReviewQuery {
    /// Only holders of this role.
    pub role: Option<Role>,
    /// Include disabled accounts and ended access [default: false].
    pub all: Option<bool>,
}

/// 权限复核: every account and API key, what it holds and since when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccessReview {
    pub generated_at: DateTime<Utc>,
    pub holders: Vec<AccessHolder>,
}

/// One account or API key in the review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccessHolder {
    /// `user` or `api_key`.
    pub kind: String,
    /// The username or the key's name.
    pub name: String,
    pub display_name: Option<String>,
    pub role: Role,
    /// 评估机构 of an appraiser.
    pub firm: Option<String>,
    /// Since when the role is held.
    pub role_since: DateTime<Utc>,
    /// Who granted it (`cli:…`, `user:…`); null when it dates from the account's creation.
    pub role_granted_by: Option<String>,
    /// The end of the access (the account's or the key's); null: until revoked.
    pub until: Option<DateTime<Utc>>,
    /// `active`, `disabled`, `ended` (past its end) or `revoked` (keys).
    pub state: String,
    pub last_seen_at: Option<DateTime<Utc>>,
    /// Projects the holder is narrowed to; empty: every project the role may see.
    pub projects: Vec<ProjectGrant>,
}

/// A project grant of the review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectGrant {
    pub code: String,
    pub name: String,
    pub since: DateTime<Utc>,
    pub granted_by: Option<String>,
    /// The grant's end; null: until revoked.
    pub until: Option<DateTime<Utc>>,
    /// Whether it has ended.
    pub ended: bool,
}
