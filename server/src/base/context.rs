//! Who is calling, and the request they are in: the [`Principal`] established by
//! authentication, its [`Role`], and the per-request context that masking and the audit log
//! read (a task-local set around each handler by `auth::authenticate`).

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::atomic::AtomicUsize;

/// 角色: the roles of domain.md §6, shared with the web UI through `onemap-api`.
pub use onemap_api::Role;

/// Roles that work with relocation data (征迁业务): projects, compensation units, their photos
/// and amounts, each within the caller's project scope.
pub const RELOCATION_READERS: &[Role] = &[Role::Admin, Role::Officer, Role::Director, Role::Appraiser, Role::Auditor];

/// The caller of a request, as established by `auth::authenticate`.
#[derive(Debug, Clone)]
pub struct Principal {
    /// `user:<name>`, `apikey:<name>` or `anonymous` (borrowed: no allocation per anonymous
    /// request)
    pub actor: Cow<'static, str>,
    pub role: Role,
    pub user_id: Option<i64>,
    pub session_id: Option<i64>,
    pub appraisal_firm_id: Option<i64>,
    /// Projects the caller may see; None: every project.
    pub projects: Option<HashSet<i64>>,
    /// Set when the caller authenticated with the session cookie (CSRF applies).
    pub via_cookie: bool,
}

impl Principal {
    pub fn anonymous() -> Self {
        Self {
            actor: Cow::Borrowed("anonymous"),
            role: Role::Public,
            user_id: None,
            session_id: None,
            appraisal_firm_id: None,
            projects: Some(HashSet::new()),
            via_cookie: false,
        }
    }

    pub fn can_see_project(&self, project_id: i64) -> bool {
        self.projects.as_ref().is_none_or(|p| p.contains(&project_id))
    }

    /// Whether the caller's role works with relocation data (征迁): projects, compensation
    /// units, their photos and amounts — within [`relocation_scope`](Self::relocation_scope).
    pub fn sees_relocation(&self) -> bool {
        RELOCATION_READERS.contains(&self.role)
    }

    /// The projects whose relocation data the caller may see, sorted; None: all of them.
    /// Empty for roles that do not work with relocation data.
    pub fn relocation_scope(&self) -> Option<Vec<i64>> {
        if !self.sees_relocation() {
            return Some(Vec::new());
        }
        self.projects.as_ref().map(|s| {
            let mut v: Vec<i64> = s.iter().copied().collect();
            v.sort_unstable();
            v
        })
    }
}

/// The client's address, for the audit log.
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

/// What the masking layer and the audit log need to know about the current request.
pub struct RequestContext {
    pub principal: Principal,
    pub request_id: Option<String>,
    pub client_addr: Option<String>,
    /// Personal data fields served unmasked / masked in this response.
    pub personal_unmasked: AtomicUsize,
    pub personal_masked: AtomicUsize,
}

impl RequestContext {
    pub fn new(principal: Principal, request_id: Option<String>, client_addr: Option<String>) -> Self {
        Self {
            principal,
            request_id,
            client_addr,
            personal_unmasked: AtomicUsize::new(0),
            personal_masked: AtomicUsize::new(0),
        }
    }
}

tokio::task_local! {
    /// The current request's context, set around the handler by `auth::authenticate`.
    pub static CONTEXT: RequestContext;
}

/// Runs `f` with the current request's context, if there is one.
pub fn with_context<R>(f: impl FnOnce(&RequestContext) -> R) -> Option<R> {
    CONTEXT.try_with(f).ok()
}

/// Request id and client address of the current request, for audit events.
pub fn request_ids() -> Option<(Option<String>, Option<String>)> {
    with_context(|c| (c.request_id.clone(), c.client_addr.clone()))
}
