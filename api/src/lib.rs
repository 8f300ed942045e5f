//! onemap's `/api` on the wire: the request and response types of every route, shared by the
//! server (which fills them, personal data already masked for the caller) and the web UI
//! (which reads them). Builds for native targets and for `wasm32-unknown-unknown`.
//!
//! The JSON is exactly what the server sends: field names, nesting, `null` for absent
//! optional values (a field is left out only where the server leaves it out, noted on the
//! field). Objects the server builds in PostgreSQL (`jsonb`) keep jsonb's key order (shorter
//! keys first) by declaring their fields in that order.
//!
//! Features: `openapi` derives `utoipa::ToSchema` on every type and `utoipa::IntoParams` on
//! the query-parameter types; `clap` makes [`Role`] a command-line value.
//!
//! | route | request | response |
//! |---|---|---|
//! | `GET /health` | | [`health::Health`] |
//! | `GET /api/version` | | [`health::Version`] |
//! | `GET /api/stats` | | [`health::Stats`] |
//! | `GET /api/codes/{code}` | | [`codes::CodeReport`] |
//! | `POST /api/codes/allocate` | [`codes::AllocationRequest`] | [`codes::Allocation`] |
//! | `GET /api/search` | [`search::SearchQuery`] | [`search::SearchResults`] |
//! | `GET /api/identify` | [`identify::IdentifyQuery`] | [`identify::Identified`] |
//! | `GET /api/units` | [`units::BrowseQuery`] | [`units::BrowsePage`] |
//! | `GET /api/units/{code}` | [`units::UnitQuery`] | [`units::UnitRecord`] |
//! | `POST /api/auth/login` | [`auth::LoginRequest`] | [`auth::LoginResponse`] |
//! | `POST /api/auth/logout` | | 204, no body |
//! | `GET /api/auth/me` | | [`auth::Me`] |
//! | `GET /api/auth/demo-users` | | [`auth::DemoUsers`] |
//! | `GET /api/projects` | | `Vec<`[`relocation::Project`]`>` |
//! | `GET /api/projects/{code}` | | [`relocation::ProjectDetail`] |
//! | `GET /api/projects/{code}/units` | [`relocation::ProjectUnitsQuery`] | [`relocation::ProjectUnitPage`] |
//! | `GET /api/audit` | [`audit::AuditQuery`] | [`audit::AuditPage`] |
//! | `POST /api/imports` | [`survey::ImportOptions`] + the file | [`survey::Import`] (201) |
//! | `GET /api/imports` | | `Vec<`[`survey::ImportSummary`]`>` |
//! | `GET /api/imports/{id}` | | [`survey::Import`] |
//! | `POST /api/imports/{id}/commit` | | [`survey::CommitResult`] |
//! | `GET /api/units/{code}/history` | | [`survey::UnitHistory`] |
//! | `POST /api/projects` | [`workflow::NewProject`] | [`relocation::Project`] (201) |
//! | `PATCH /api/projects/{code}` | [`workflow::ProjectFacts`] (If-Match) | [`workflow::Workflow`] |
//! | `GET /api/projects/{code}/workflow` | | [`workflow::Workflow`] |
//! | `POST /api/projects/{code}/transitions` | [`workflow::TransitionRequest`] | [`workflow::Approval`] (202) |
//! | `GET /api/approvals` | [`workflow::ApprovalsQuery`] | `Vec<`[`workflow::Approval`]`>` |
//! | `POST /api/approvals/{id}/decision` | [`workflow::DecisionRequest`] | [`workflow::Approval`] |
//! | `GET /api/appraisal-firms` | | `Vec<`[`workflow::Firm`]`>` |
//! | `POST /api/projects/{code}/appraisal-firm` | [`workflow::FirmChoice`] | [`workflow::Firm`] (201) |
//! | `POST /api/projects/{code}/units` | [`workflow::NewCompensationUnit`] | [`workflow::WorkUnit`] (201) |
//! | `GET /api/compensation-units/{code}` | | [`workflow::WorkUnit`] (ETag) |
//! | `PUT /api/compensation-units/{code}/appraisal` | [`workflow::AppraisalRequest`] (If-Match) | [`workflow::WorkUnit`] |
//! | `POST /api/compensation-units/{code}/agreement` | [`workflow::CompensationTerms`] (If-Match) | [`workflow::WorkUnit`] |
//! | `POST /api/compensation-units/{code}/decision` | [`workflow::CompensationTerms`] (If-Match) | [`workflow::WorkUnit`] |
//! | `POST /api/compensation-units/{code}/payments` | [`workflow::PaymentRequest`] | [`workflow::Approval`] (202) |
//! | `POST /api/compensation-units/{code}/move-out` | [`workflow::DoneOn`] (If-Match) | [`workflow::WorkUnit`] |
//! | `POST /api/compensation-units/{code}/demolition` | [`workflow::DoneOn`] (If-Match) | [`workflow::WorkUnit`] |
//! | `POST /api/projects/{code}/funds/deposits` | [`workflow::DepositRequest`] | [`workflow::Funds`] (201) |
//! | `GET /api/projects/{code}/funds` | | [`workflow::Funds`] |
//! | `GET /api/projects/{code}/alerts` | | `Vec<`[`workflow::Alert`]`>` |
//! | `POST /api/projects/{code}/publications` | [`workflow::PublicationRequest`] | [`workflow::Publication`] (201) |
//! | `GET /public/projects/{code}` | | [`workflow::PublicProject`] (or HTML) |
//! | `POST /api/access-requests` | [`access::NewAccessRequest`] | [`access::AccessRequest`] (201) |
//! | `GET /api/access-requests` | [`access::AccessRequestsQuery`] | [`access::AccessRequestPage`] |
//! | `GET /api/access-requests/{id}` | | [`access::AccessRequest`] (ETag) |
//! | `POST /api/access-requests/{id}/decision` | [`access::AccessDecision`] (If-Match) | [`access::AccessRequest`] |
//! | `POST /api/access-requests/{id}/withdrawal` | (If-Match) | [`access::AccessRequest`] |
//! | `GET /api/access-review` | [`access::AccessReviewQuery`] | [`access::AccessReview`] |
//! | any error | | [`problem::Problem`] (`application/problem+json`) |

pub mod access;
pub mod archives;
pub mod audit;
pub mod auth;
pub mod basemaps;
pub mod codes;
pub mod exports;
pub mod health;
pub mod identify;
pub mod layers;
pub mod money;
pub mod problem;
pub mod registration;
pub mod relocation;
pub mod reports;
pub mod search;
pub mod survey;
pub mod units;
pub mod workflow;

pub use auth::Role;
pub use layers::{LAYERS, MapLayer};
pub use problem::Problem;
pub use relocation::{STATUSES, UnitStatus};

#[cfg(test)]
mod tests;
