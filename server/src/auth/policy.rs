//! The authorization policy: the role sets and the decision. Each route names its [`Access`]
//! where it is registered ([`super::routing::Routes::route`]); the decision is made here for
//! every routed request, after `authenticate` has established the caller.

use super::{AuthError, Principal, Role};

pub use crate::base::context::RELOCATION_READERS;

/// Who may call a route. Project scope and masking apply on top.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, including anonymous callers (the public role).
    Public,
    /// Any logged-in user or API key.
    Authenticated,
    /// Only these roles.
    Roles(&'static [Role]),
    /// Administrators, or a scraper sending the `[metrics] token` (`GET /metrics`).
    Monitoring,
}

impl Access {
    /// How `onemap routes` prints the rule.
    pub fn describe(self) -> String {
        match self {
            Access::Public => "public".into(),
            Access::Authenticated => "authenticated".into(),
            Access::Roles(r) => r.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(","),
            Access::Monitoring => "admin,metrics-token".into(),
        }
    }
}

use Role::*;

/// Reading the audit log.
pub const AUDITORS: &[Role] = &[Auditor, Admin];
/// Allocating unit codes (测绘).
pub const SURVEYORS: &[Role] = &[Admin, Surveyor];

/// Decides whether `principal` may call a route with the rule `access`.
pub fn decide(access: Access, principal: &Principal) -> Result<(), AuthError> {
    let anonymous = principal.role == Role::Public;
    match access {
        Access::Public => Ok(()),
        Access::Monitoring if principal.role == Role::Admin => Ok(()),
        Access::Monitoring if principal.actor == super::middleware::METRICS_ACTOR => Ok(()),
        Access::Monitoring if anonymous => Err(AuthError::Unauthenticated),
        Access::Monitoring => Err(AuthError::Forbidden(principal.role.as_str())),
        Access::Authenticated | Access::Roles(_) if anonymous => Err(AuthError::Unauthenticated),
        Access::Authenticated => Ok(()),
        Access::Roles(roles) if roles.contains(&principal.role) => Ok(()),
        Access::Roles(_) => Err(AuthError::Forbidden(principal.role.as_str())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions() {
        let anonymous = Principal::anonymous();
        let mut clerk = Principal::anonymous();
        clerk.role = Clerk;
        assert!(decide(Access::Public, &anonymous).is_ok());
        assert!(matches!(decide(Access::Authenticated, &anonymous), Err(AuthError::Unauthenticated)));
        assert!(matches!(decide(Access::Roles(AUDITORS), &anonymous), Err(AuthError::Unauthenticated)));
        assert!(decide(Access::Authenticated, &clerk).is_ok());
        assert!(decide(Access::Roles(SURVEYORS), &clerk).is_err());
        assert!(matches!(decide(Access::Roles(AUDITORS), &clerk), Err(AuthError::Forbidden("clerk"))));
    }
}
