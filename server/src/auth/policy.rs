//! The authorization policy: one rule for every route, decided in one place
//! (`middleware::authenticate`). A route without a rule is refused.

use axum::http::Method;

use super::{AuthError, Principal, Role};

/// Who may call a route. Project scope and masking apply on top.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, including anonymous callers (the public role).
    Public,
    /// Any logged-in user or API key.
    Authenticated,
    /// Only these roles.
    Roles(&'static [Role]),
}

use Role::*;

/// Reading relocation projects and their units (征迁业务).
pub(crate) const RELOCATION_READERS: &[Role] = &[Admin, Officer, Appraiser, Auditor];
/// Downloading photos and archive documents.
const FILE_READERS: &[Role] = &[Admin, Officer, Appraiser, Auditor, Clerk];
/// Reading the audit log.
const AUDITORS: &[Role] = &[Auditor, Admin];

/// Every route of the server and who may call it.
pub const RULES: &[(Method, &str, Access)] = &[
    (Method::GET, "/health", Access::Public),
    (Method::GET, "/api/version", Access::Public),
    (Method::GET, "/api/stats", Access::Public),
    (Method::GET, "/api/codes/{code}", Access::Public),
    (Method::POST, "/api/codes/allocate", Access::Roles(&[Admin, Surveyor])),
    // Registration records are public at the desk, masked; relocation data only in scope.
    (Method::GET, "/api/units", Access::Public),
    (Method::GET, "/api/identify", Access::Public),
    // Everyone may search codes, certificates and addresses; names only the roles that may.
    (Method::GET, "/api/search", Access::Public),
    (Method::GET, "/api/units/{code}", Access::Public),
    (Method::POST, "/api/auth/login", Access::Public),
    (Method::POST, "/api/auth/logout", Access::Authenticated),
    (Method::GET, "/api/auth/me", Access::Public),
    // The login page lists the demo users while the demo county is loaded.
    (Method::GET, "/api/auth/demo-users", Access::Public),
    (Method::GET, "/api/projects", Access::Authenticated),
    (Method::GET, "/api/projects/{code}", Access::Roles(RELOCATION_READERS)),
    (Method::GET, "/api/projects/{code}/units", Access::Roles(RELOCATION_READERS)),
    (Method::GET, "/api/audit", Access::Roles(AUDITORS)),
    (Method::GET, "/files/{*path}", Access::Roles(FILE_READERS)),
    // Tiles are public; their content follows the role (relocation layers only in scope).
    (Method::GET, "/tiles/{layers}", Access::Public),
    (Method::GET, "/tiles/{layers}/{z}/{x}/{tile}", Access::Public),
    (Method::GET, "/styles/onemap.json", Access::Public),
    (Method::GET, "/fonts/{fontstack}/{range}", Access::Public),
    // OGC API: public; relocation collections answer 401/403 to roles without relocation access
    // and are filtered to the caller's projects; personal data are masked by role.
    (Method::GET, "/ogc", Access::Public),
    (Method::GET, "/ogc/", Access::Public),
    (Method::GET, "/ogc/conformance", Access::Public),
    (Method::GET, "/ogc/api", Access::Public),
    (Method::GET, "/ogc/collections", Access::Public),
    (Method::GET, "/ogc/collections/{collection}", Access::Public),
    (Method::GET, "/ogc/collections/{collection}/queryables", Access::Public),
    (Method::GET, "/ogc/collections/{collection}/items", Access::Public),
    (Method::GET, "/ogc/collections/{collection}/items/{feature}", Access::Public),
    (Method::GET, "/ogc/collections/{collection}/tiles", Access::Public),
    (Method::GET, "/ogc/collections/{collection}/tiles/{tms}", Access::Public),
    (Method::GET, "/ogc/collections/{collection}/tiles/{tms}/{level}/{row}/{col}", Access::Public),
    (Method::GET, "/ogc/tileMatrixSets", Access::Public),
    (Method::GET, "/ogc/tileMatrixSets/{tms}", Access::Public),
    (Method::GET, "/ogc/tiles", Access::Public),
    (Method::GET, "/ogc/tiles/{tms}", Access::Public),
    (Method::GET, "/ogc/tiles/{tms}/{level}/{row}/{col}", Access::Public),
    // Unknown API paths answer 404 to everyone.
    (Method::GET, "/api/{*rest}", Access::Public),
    (Method::POST, "/api/{*rest}", Access::Public),
    (Method::PUT, "/api/{*rest}", Access::Public),
    (Method::PATCH, "/api/{*rest}", Access::Public),
    (Method::DELETE, "/api/{*rest}", Access::Public),
];

pub fn rule(method: &Method, path: &str) -> Option<Access> {
    let method = if method == Method::HEAD { &Method::GET } else { method };
    RULES.iter().find(|(m, p, _)| m == method && *p == path).map(|(_, _, a)| *a)
}

/// Decides whether `principal` may call the route `path` (the route's pattern).
pub fn decide(method: &Method, path: &str, principal: &Principal) -> Result<(), AuthError> {
    let anonymous = principal.role == Role::Public;
    match rule(method, path) {
        None => {
            tracing::error!(%method, path, "route without an authorization rule refused");
            Err(AuthError::Forbidden("(no rule for this route)"))
        }
        Some(Access::Public) => Ok(()),
        Some(Access::Authenticated | Access::Roles(_)) if anonymous => Err(AuthError::Unauthenticated),
        Some(Access::Authenticated) => Ok(()),
        Some(Access::Roles(roles)) if roles.contains(&principal.role) => Ok(()),
        Some(Access::Roles(_)) => Err(AuthError::Forbidden(principal.role.as_str())),
    }
}
