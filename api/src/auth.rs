//! 登录与角色: `POST /api/auth/login`, `POST /api/auth/logout` (204, no body),
//! `GET /api/auth/me`, `GET /api/auth/demo-users`, and the roles of domain.md §6.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// 角色: what a caller is allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 系统管理员: users, API keys
    Admin,
    /// 征收中心 / 征迁公司: projects, units, agreements, payments, archives
    Officer,
    /// 征收中心负责人: approves stage transitions and payments, never their own requests
    Director,
    /// 评估公司: only the projects their firm is appointed to
    Appraiser,
    /// 测绘 / 权籍调查: geometries and unit codes
    Surveyor,
    /// 登记中心: registration records and certificates
    Clerk,
    /// 审计 / 监督: reads everything, the audit log
    Auditor,
    /// 公众 / 窗口: anonymous, masked
    Public,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 8] = [
        Role::Admin,
        Role::Officer,
        Role::Director,
        Role::Appraiser,
        Role::Surveyor,
        Role::Clerk,
        Role::Auditor,
        Role::Public,
    ];

    /// The name on the wire and in the database, e.g. `officer`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Officer => "officer",
            Self::Director => "director",
            Self::Appraiser => "appraiser",
            Self::Surveyor => "surveyor",
            Self::Clerk => "clerk",
            Self::Auditor => "auditor",
            Self::Public => "public",
        }
    }

    /// A role by its name, ignoring ASCII case.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str().eq_ignore_ascii_case(s))
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// 登录 request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// 登录 answer; the server also sets the HTTP-only session cookie.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    /// Bearer token (`om_…`).
    pub token: String,
    /// Send as `x-csrf-token` with cookie-authenticated writes.
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
    pub user: Me,
}

/// 当前用户 (`GET /api/auth/me`): the caller as the server sees them, anonymous callers too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    /// `user:<name>`, `apikey:<name>` or `anonymous`
    pub actor: String,
    pub username: Option<String>,
    pub display_name: Option<String>,
    pub role: Role,
    /// 评估机构 of an appraiser
    pub appraisal_firm_id: Option<i64>,
    /// Ids of the projects the caller may see, sorted; null: every project.
    pub projects: Option<Vec<i64>>,
    /// The session's CSRF token (cookie sessions).
    pub csrf_token: Option<String>,
}

/// 演示账号 (`GET /api/auth/demo-users`): while the demo county is loaded, the demo users whose
/// password is still the demo one; an empty list and a null password otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DemoUsers {
    /// The demo password, when any demo user still has it.
    pub password: Option<String>,
    pub users: Vec<DemoUser>,
}

/// 演示账号: one demo user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DemoUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
}
