//! The ground floor every other module stands on: the state handlers share, who is calling
//! ([`context`]), errors as HTTP problem bodies ([`error`]) and the audit log's writer
//! ([`journal`]). Nothing here imports a module above it.

pub mod context;
pub mod error;
pub mod journal;

use std::sync::Arc;
use std::time::Instant;

use sqlx::PgPool;

pub use context::{ClientAddr, Principal, Role};
pub use error::{ApiError, ApiJson, ApiQuery};
pub use journal::{AuditEvent, AuditLog};

use crate::config::Config;

/// State every handler can reach. A domain module that needs more (a cache) keeps it in a
/// state of its own that wraps this one.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub config: Arc<Config>,
    pub started: Instant,
    pub audit: AuditLog,
}
