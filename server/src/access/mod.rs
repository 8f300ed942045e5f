//! 权限治理: users apply for a role or a relocation project ([`requests`]); an administrator
//! decides roles, the director (征收中心负责人) or an administrator decides projects, never
//! their own request; the grant, its history and its audit row commit together. End dates
//! revoke at once (the session lookup reads them on every request, see auth/sql/session.sql).
//! [`review`] lists who holds what, since when and until when. Every route names its access
//! rule here.

mod requests;
mod review;

use axum::http::Method;

use crate::auth::Routes;
use crate::auth::policy::Access;
use crate::base::Role;

/// Who decides requests: administrators (roles and projects) and the director (projects).
const DECIDERS: &[Role] = &[Role::Admin, Role::Director];
/// Who reads the access review: administrators and auditors.
const REVIEWERS: &[Role] = &[Role::Admin, Role::Auditor];

pub fn routes() -> Routes {
    use Access::{Authenticated, Roles};
    Routes::new()
        .route(Method::POST, "/api/access-requests", Authenticated, requests::create)
        .route(Method::GET, "/api/access-requests", Authenticated, requests::list)
        .route(Method::GET, "/api/access-requests/{id}", Authenticated, requests::get)
        .route(Method::POST, "/api/access-requests/{id}/decision", Roles(DECIDERS), requests::decide)
        .route(Method::POST, "/api/access-requests/{id}/withdrawal", Authenticated, requests::withdraw)
        .route(Method::GET, "/api/access-review", Roles(REVIEWERS), review::review)
}

/// OpenAPI of this module's routes.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    requests::create,
    requests::list,
    requests::get,
    requests::decide,
    requests::withdraw,
    review::review
))]
pub struct Api;
