//! 房屋征收: relocation projects and their compensation units — read as the caller may see
//! them ([`read`]) and worked through the regulation's order ([`workflow`], [`approvals`],
//! [`units`], [`terms`], [`payments`], [`funds`], [`publish`]). Every route names its access
//! rule here.

mod approvals;
mod archive;
mod firms;
pub mod funds;
mod payments;
mod publish;
mod read;
pub mod rules;
mod terms;
mod units;
mod workflow;
mod write;

use axum::http::Method;

use crate::auth::Routes;
use crate::auth::policy::{Access, RELOCATION_READERS};
use crate::base::Role;

/// 征收中心: officers do the work, the director approves (and may do the work too).
const OFFICERS: &[Role] = &[Role::Officer, Role::Director];
/// 征收中心负责人: decides approvals.
const DIRECTORS: &[Role] = &[Role::Director];
/// 评估公司: appraises (only its firm's projects; checked in the handler).
const APPRAISERS: &[Role] = &[Role::Appraiser];
/// Who reads the dedicated account and its alerts (not the appraisal firms).
const FUND_READERS: &[Role] = &[Role::Admin, Role::Officer, Role::Director, Role::Auditor];
/// Who sees approvals: the centre and its supervisors.
const APPROVAL_READERS: &[Role] = &[Role::Admin, Role::Officer, Role::Director, Role::Auditor];

pub fn routes() -> Routes {
    use Access::{Public, Roles};
    Routes::new()
        .route(Method::GET, "/api/projects", Access::Authenticated, read::list)
        .route(Method::POST, "/api/projects", Roles(OFFICERS), workflow::create)
        .route(Method::GET, "/api/projects/{code}", Roles(RELOCATION_READERS), read::detail)
        .route(Method::PATCH, "/api/projects/{code}", Roles(OFFICERS), workflow::patch)
        .route(Method::GET, "/api/projects/{code}/units", Roles(RELOCATION_READERS), read::units)
        .route(Method::POST, "/api/projects/{code}/units", Roles(OFFICERS), units::create)
        .route(Method::GET, "/api/projects/{code}/workflow", Roles(RELOCATION_READERS), workflow::workflow)
        .route(Method::POST, "/api/projects/{code}/transitions", Roles(OFFICERS), workflow::request)
        .route(Method::POST, "/api/projects/{code}/appraisal-firm", Roles(OFFICERS), firms::choose)
        .route(Method::GET, "/api/appraisal-firms", Roles(RELOCATION_READERS), firms::list)
        .route(Method::GET, "/api/approvals", Roles(APPROVAL_READERS), approvals::list)
        .route(Method::POST, "/api/approvals/{id}/decision", Roles(DIRECTORS), approvals::decide)
        .route(Method::GET, "/api/compensation-units/{code}", Roles(RELOCATION_READERS), units::get)
        .route(Method::PUT, "/api/compensation-units/{code}/appraisal", Roles(APPRAISERS), units::appraise)
        .route(Method::POST, "/api/compensation-units/{code}/agreement", Roles(OFFICERS), terms::agreement)
        .route(Method::POST, "/api/compensation-units/{code}/decision", Roles(OFFICERS), terms::decision)
        .route(Method::POST, "/api/compensation-units/{code}/payments", Roles(OFFICERS), payments::request)
        .route(Method::POST, "/api/compensation-units/{code}/move-out", Roles(OFFICERS), payments::move_out)
        .route(Method::POST, "/api/compensation-units/{code}/demolition", Roles(OFFICERS), payments::demolition)
        .route(Method::GET, "/api/projects/{code}/funds", Roles(FUND_READERS), funds::funds)
        .route(Method::POST, "/api/projects/{code}/funds/deposits", Roles(OFFICERS), funds::deposit)
        .route(Method::GET, "/api/projects/{code}/alerts", Roles(FUND_READERS), funds::alerts)
        .route(Method::POST, "/api/projects/{code}/publications", Roles(OFFICERS), publish::publish)
        .route(Method::GET, "/public/projects/{code}", Public, publish::page)
}

/// OpenAPI of this module's routes.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    read::list,
    read::detail,
    read::units,
    workflow::create,
    workflow::patch,
    workflow::workflow,
    workflow::request,
    firms::choose,
    firms::list,
    approvals::list,
    approvals::decide,
    units::get,
    units::create,
    units::appraise,
    terms::agreement,
    terms::decision,
    payments::request,
    payments::move_out,
    payments::demolition,
    funds::funds,
    funds::deposit,
    funds::alerts,
    publish::publish,
    publish::page
))]
pub struct Api;
