//! Authentication of every routed request, in one middleware: resolve the caller, check CSRF
//! for cookie sessions, then run the route (whose own layer applies its rule, see
//! [`super::routing`]) inside a request context that the masking layer and the audit log read.
//! Refusals by a route's rule and reads of personal data are audited here.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use sqlx::PgPool;

use super::{AuthError, CSRF_HEADER, Principal, Role, SESSION_COOKIE, secret_hash};
use crate::base::context::{CONTEXT, ClientAddr, RequestContext, with_context};
use crate::base::error::Refusal;
use crate::base::{ApiError, AppState, AuditEvent};

pub async fn authenticate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    // The parts are read across awaits; the body (not `Sync`) stays aside until the handler.
    let (mut parts, body) = req.into_parts();
    let client = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into());
    let request_id = parts.headers.get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let method = parts.method.clone();

    let outcome = async {
        let headers = &parts.headers;
        let (principal, csrf) = resolve(&state, headers).await?;
        let unsafe_method = !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS);
        if principal.via_cookie && unsafe_method {
            let sent = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            if sent.is_none() || sent != csrf.as_deref() {
                return Err(AuthError::Csrf);
            }
        }
        Ok::<_, AuthError>(principal)
    }
    .await;
    let principal = match outcome {
        Ok(p) => p,
        Err(e) => {
            // A bad token or CSRF header: the caller is not known (or not believed).
            let role = if matches!(e, AuthError::Csrf) { "session" } else { "anonymous" };
            let response = ApiError::from(e).into_response();
            let refusal = refusal_of(&response);
            audit_refusal(&state, refusal, "unknown", role, &method, parts.uri.path(), &client, request_id.as_deref())
                .await;
            return response;
        }
    };
    parts.extensions.insert(principal.clone());
    parts.extensions.insert(ClientAddr(client.clone()));
    let context = RequestContext::new(principal.clone(), request_id.clone(), Some(client.clone()));
    let uri = parts.uri.clone();
    let req = Request::from_parts(parts, body);
    let (response, unmasked, masked) = CONTEXT
        .scope(context, async move {
            let response = next.run(req).await;
            let counts = with_context(|c| {
                (c.personal_unmasked.load(Ordering::Relaxed), c.personal_masked.load(Ordering::Relaxed))
            });
            let (u, m) = counts.unwrap_or((0, 0));
            (response, u, m)
        })
        .await;
    let role = principal.role.as_str();
    let refusal = refusal_of(&response);
    audit_refusal(&state, refusal, &principal.actor, role, &method, uri.path(), &client, request_id.as_deref()).await;
    // Every read that served personal data is audited (the masking layer counted the fields).
    if unmasked + masked > 0 {
        state
            .audit
            .record(
                AuditEvent::new(
                    &principal.actor,
                    principal.role.as_str(),
                    "read_personal_data",
                    &uri.to_string(),
                    "success",
                )
                .client(&client)
                .request_id(request_id.as_deref())
                .details(serde_json::json!({ "unmasked_fields": unmasked, "masked_fields": masked })),
            )
            .await;
    }
    response
}

/// The refusal a response carries: a 401 or 403 problem other than a failed login (which has
/// its own `login` row).
fn refusal_of(response: &Response) -> Option<Refusal> {
    if !matches!(response.status().as_u16(), 401 | 403) {
        return None;
    }
    response.extensions().get::<Refusal>().filter(|r| r.code != "invalid_credentials").cloned()
}

/// Every 401 and 403 is audited with the caller, its role and the reason (failed logins have
/// their own `login` rows), through the aggregator that keeps floods out of the log.
#[allow(clippy::too_many_arguments)]
async fn audit_refusal(
    state: &AppState,
    refusal: Option<Refusal>,
    actor: &str,
    role: &str,
    method: &Method,
    path: &str,
    client: &str,
    request_id: Option<&str>,
) {
    let Some(refusal) = refusal else { return };
    let target: String = format!("{method} {path}").chars().take(512).collect();
    let event = AuditEvent::new(actor, role, "access_denied", &target, "failure")
        .client(client)
        .request_id(request_id)
        .details(serde_json::json!({ "reason": refusal.code, "message": refusal.message }));
    state.refusals.record(client, refusal.code, event).await;
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    id: i64,
    user_id: i64,
    csrf_token: String,
    expires_at: DateTime<Utc>,
    revoked: bool,
    username: String,
    role: String,
    appraisal_firm_id: Option<i64>,
    disabled: bool,
    firm_projects: Option<Vec<i64>>,
    granted: Vec<i64>,
    narrowed: bool,
}

#[derive(sqlx::FromRow)]
struct KeyRow {
    name: String,
    role: String,
    appraisal_firm_id: Option<i64>,
    project_ids: Vec<i64>,
    expired: bool,
    revoked: bool,
}

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers.get_all(COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|kv| {
        let (k, v) = kv.trim().split_once('=')?;
        (k == SESSION_COOKIE && !v.is_empty()).then(|| v.to_owned())
    })
}

fn well_formed(token: &str, prefix: &str) -> bool {
    token.strip_prefix(prefix).is_some_and(|rest| rest.len() == 64 && rest.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The caller and, for sessions, the CSRF token.
async fn resolve(state: &AppState, headers: &HeaderMap) -> Result<(Principal, Option<String>), AuthError> {
    let (token, via_cookie) = match headers.get(AUTHORIZATION) {
        Some(v) => {
            let v = v.to_str().map_err(|_| AuthError::MalformedToken)?;
            let token = v.strip_prefix("Bearer ").ok_or(AuthError::MalformedToken)?.trim().to_owned();
            (token, false)
        }
        None => match cookie_token(headers) {
            Some(t) => (t, true),
            None => return Ok((Principal::anonymous(), None)),
        },
    };
    if well_formed(&token, "om_") {
        let row: Option<SessionRow> = sqlx::query_as(include_str!("sql/session.sql"))
            .bind(secret_hash(&token))
            .fetch_optional(&state.pool)
            .await?;
        let s = row.ok_or(AuthError::UnknownToken)?;
        if s.revoked || s.disabled {
            return Err(AuthError::UnknownToken);
        }
        if s.expires_at <= Utc::now() {
            return Err(AuthError::ExpiredToken);
        }
        let role = Role::parse(&s.role).unwrap_or(Role::Public);
        let projects = scope(role, s.firm_projects, s.granted, s.narrowed, &[]);
        let principal = Principal {
            actor: format!("user:{}", s.username).into(),
            role,
            user_id: Some(s.user_id),
            session_id: Some(s.id),
            appraisal_firm_id: s.appraisal_firm_id,
            projects,
            via_cookie,
        };
        Ok((principal, Some(s.csrf_token)))
    } else if well_formed(&token, "ok_") && !via_cookie {
        let hash = secret_hash(&token);
        let row: Option<KeyRow> =
            sqlx::query_as(include_str!("sql/api_key_lookup.sql")).bind(&hash).fetch_optional(&state.pool).await?;
        let k = row.ok_or(AuthError::UnknownToken)?;
        if k.revoked {
            return Err(AuthError::UnknownToken);
        }
        if k.expired {
            return Err(AuthError::ExpiredToken);
        }
        sqlx::query(include_str!("sql/api_key.sql")).bind(&hash).execute(&state.pool).await?;
        let role = Role::parse(&k.role).unwrap_or(Role::Public);
        let projects = project_scope(&state.pool, role, k.appraisal_firm_id, None, &k.project_ids).await?;
        let principal = Principal {
            actor: format!("apikey:{}", k.name).into(),
            role,
            user_id: None,
            session_id: None,
            appraisal_firm_id: k.appraisal_firm_id,
            projects,
            via_cookie: false,
        };
        Ok((principal, None))
    } else if !via_cookie && metrics_token(state, &token) {
        // The scraper: no role, only the routes whose rule is Access::Monitoring.
        Ok((Principal { actor: METRICS_ACTOR.into(), ..Principal::anonymous() }, None))
    } else {
        Err(AuthError::MalformedToken)
    }
}

/// The actor of a request that sent the `[metrics] token`.
pub const METRICS_ACTOR: &str = "system:metrics";

/// Whether `token` is the configured metrics token (compared by their hashes: no timing
/// difference by how many leading characters match).
fn metrics_token(state: &AppState, token: &str) -> bool {
    state.config.metrics.token.as_deref().is_some_and(|t| !t.is_empty() && secret_hash(t) == secret_hash(token))
}

/// Projects a caller may see. None: all of them.
pub async fn project_scope(
    pool: &PgPool,
    role: Role,
    firm: Option<i64>,
    user_id: Option<i64>,
    key_projects: &[i64],
) -> Result<Option<HashSet<i64>>, AuthError> {
    if role == Role::Public {
        return Ok(Some(HashSet::new()));
    }
    let (firm_projects, granted, narrowed): (Option<Vec<i64>>, Vec<i64>, bool) =
        sqlx::query_as(include_str!("sql/scope.sql"))
            .bind(role == Role::Appraiser)
            .bind(firm.unwrap_or(-1))
            .bind(user_id.unwrap_or(-1))
            .fetch_one(pool)
            .await?;
    Ok(scope(role, firm_projects, granted, narrowed, key_projects))
}

/// The projects a caller may see from what scope.sql (or session.sql) returned: an
/// appraiser's firm's projects, narrowed by explicit grants (a user's or an API key's). A
/// user whose grants have all ended (`narrowed`, none in force) sees no project, not all.
fn scope(
    role: Role,
    firm_projects: Option<Vec<i64>>,
    granted: Vec<i64>,
    narrowed: bool,
    key_projects: &[i64],
) -> Option<HashSet<i64>> {
    if role == Role::Public {
        return Some(HashSet::new());
    }
    let narrowed = narrowed || !key_projects.is_empty();
    let explicit: HashSet<i64> = granted.into_iter().chain(key_projects.iter().copied()).collect();
    match (firm_projects, narrowed) {
        (Some(firm), false) => Some(firm.into_iter().collect()),
        (Some(firm), true) => Some(firm.into_iter().filter(|p| explicit.contains(p)).collect()),
        (None, false) => None,
        (None, true) => Some(explicit),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::mask::{Amount, IdNumber, PersonName};

    fn context(role: Role, projects: Option<HashSet<i64>>) -> RequestContext {
        let mut principal = Principal::anonymous();
        principal.role = role;
        principal.projects = projects;
        RequestContext::new(principal, None, None)
    }

    async fn render(role: Role, projects: Option<HashSet<i64>>) -> (String, usize, usize) {
        CONTEXT
            .scope(context(role, projects), async {
                let v = serde_json::json!([
                    PersonName("张小三".into()),
                    IdNumber("410825199001011234".into()),
                    Amount { project_id: 1, yuan: 1.5 },
                ]);
                let counts = with_context(|c| {
                    (c.personal_unmasked.load(Ordering::Relaxed), c.personal_masked.load(Ordering::Relaxed))
                });
                let (u, m) = counts.unwrap_or_default();
                (v.to_string(), u, m)
            })
            .await
    }

    #[tokio::test]
    async fn masking_follows_the_callers_role() {
        assert_eq!(
            render(Role::Public, Some(HashSet::new())).await,
            (r#"["张*三","410825********1234",null]"#.into(), 0, 2)
        );
        assert_eq!(render(Role::Officer, None).await, (r#"["张小三","410825199001011234",1.5]"#.into(), 2, 0));
        assert_eq!(render(Role::Clerk, None).await.0, r#"["张小三","410825199001011234",1.5]"#);
        assert_eq!(render(Role::Auditor, None).await.0, r#"["张小三","410825199001011234",1.5]"#);
        assert_eq!(render(Role::Surveyor, None).await.0, r#"["张小三","410825********1234",1.5]"#);
        // Appraisers: amounts only of their firm's projects.
        assert_eq!(render(Role::Appraiser, Some([1].into())).await.0, r#"["张小三","410825********1234",1.5]"#);
        assert_eq!(render(Role::Appraiser, Some([2].into())).await.0, r#"["张小三","410825********1234",null]"#);
    }
}
