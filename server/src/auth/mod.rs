//! Who is calling and what they may do: users and roles (domain.md §6), API keys, login
//! sessions (bearer token or HTTP-only cookie with CSRF protection), the authorization policy
//! of every route (`policy`), and masking of personal data by role (`mask`).

pub mod admin;
pub mod mask;
mod middleware;
pub mod password;
pub mod policy;
pub mod routing;

use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::{DateTime, Utc};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::base::{ApiError, ApiJson, AppState, AuditEvent};
pub use crate::base::{ClientAddr, Principal, Role};
pub use middleware::authenticate;
use policy::Access;
pub use routing::Routes;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("this endpoint needs a login: send `Authorization: Bearer <token>` or the session cookie")]
    Unauthenticated,
    #[error("the token is malformed")]
    MalformedToken,
    #[error("the token is not known (revoked or forged)")]
    UnknownToken,
    #[error("the token has expired: log in again")]
    ExpiredToken,
    #[error("wrong username or password, or the account is locked or disabled")]
    InvalidCredentials,
    #[error("role {0} may not do this")]
    Forbidden(&'static str),
    #[error("project {0} is outside the caller's scope")]
    OutOfScope(String),
    #[error("missing or wrong x-csrf-token header for a cookie-authenticated request")]
    Csrf,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        let (status, code) = match &e {
            AuthError::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthenticated"),
            AuthError::MalformedToken => (StatusCode::UNAUTHORIZED, "malformed_token"),
            AuthError::UnknownToken => (StatusCode::UNAUTHORIZED, "invalid_token"),
            AuthError::ExpiredToken => (StatusCode::UNAUTHORIZED, "token_expired"),
            AuthError::InvalidCredentials => (StatusCode::UNAUTHORIZED, "invalid_credentials"),
            AuthError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            AuthError::OutOfScope(_) => (StatusCode::FORBIDDEN, "project_out_of_scope"),
            AuthError::Csrf => (StatusCode::FORBIDDEN, "csrf_failed"),
            AuthError::Db(e) => return ApiError::from(sqlx::Error::Protocol(e.to_string())),
        };
        ApiError::new(status, code, e.to_string())
    }
}

pub const SESSION_COOKIE: &str = "onemap_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A fresh random secret (256 bits), hex encoded, with a prefix telling what it is.
pub fn new_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}_{}", hex::encode(bytes))
}

/// Tokens and keys are stored as their SHA-256 only.
pub fn secret_hash(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

pub fn routes() -> Routes {
    Routes::new()
        .route(Method::POST, "/api/auth/login", Access::Public, login)
        .route(Method::POST, "/api/auth/logout", Access::Authenticated, logout)
        .route(Method::GET, "/api/auth/me", Access::Public, me)
        // The login page lists the demo users while the demo county is loaded.
        .route(Method::GET, "/api/auth/demo-users", Access::Public, demo_users)
}

/// 演示账号 on the login page.
#[derive(Serialize)]
struct DemoUsers {
    /// The demo password, when any demo user still has it.
    password: Option<&'static str>,
    users: Vec<DemoUser>,
}

#[derive(Serialize, sqlx::FromRow)]
struct DemoUser {
    username: String,
    display_name: String,
    role: String,
}

/// `GET /api/auth/demo-users`: in demo mode (the demo county loaded) the demo users whose
/// password is still the demo one, for the login page; an empty list otherwise.
async fn demo_users(State(state): State<AppState>) -> Result<Json<DemoUsers>, ApiError> {
    let names: Vec<&str> = admin::DEMO_USERS.iter().map(|(u, _, _)| *u).collect();
    let users: Vec<DemoUser> =
        sqlx::query_as(include_str!("sql/demo_users.sql")).bind(&names).fetch_all(&state.pool).await?;
    let password = (!users.is_empty()).then_some(admin::DEMO_PASSWORD);
    Ok(Json(DemoUsers { password, users }))
}

#[derive(Deserialize)]
struct LoginRequest {
    username: String,
    password: String,
}

#[derive(Serialize)]
struct LoginResponse {
    token: String,
    csrf_token: String,
    expires_at: DateTime<Utc>,
    user: Me,
}

#[derive(Serialize)]
pub struct Me {
    actor: String,
    username: Option<String>,
    display_name: Option<String>,
    role: Role,
    appraisal_firm_id: Option<i64>,
    /// None: every project.
    projects: Option<Vec<i64>>,
    csrf_token: Option<String>,
}

#[derive(sqlx::FromRow)]
struct LoginRow {
    id: i64,
    display_name: String,
    password_hash: String,
    disabled: bool,
    locked: bool,
}

/// `POST /api/auth/login`. Known and unknown usernames take the same path: the password is
/// always verified against a hash (a dummy one for unknown names).
async fn login(
    State(state): State<AppState>,
    Extension(client): Extension<ClientAddr>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let row: Option<LoginRow> =
        sqlx::query_as(include_str!("sql/login_user.sql")).bind(&req.username).fetch_optional(&state.pool).await?;
    let stored = row.as_ref().map(|r| r.password_hash.clone()).unwrap_or_else(|| password::dummy_hash().to_owned());
    let pw = req.password.clone();
    let matches = tokio::task::spawn_blocking(move || password::verify(&pw, &stored)).await.unwrap_or(false);
    let accepted = matches && row.as_ref().is_some_and(|r| !r.disabled && !r.locked);
    let actor = format!("user:{}", req.username);
    let Some(user) = row.filter(|_| accepted) else {
        sqlx::query(include_str!("sql/login_failed.sql"))
            .bind(&req.username)
            .bind(state.config.lockout_failures)
            .bind(state.config.lockout_minutes)
            .execute(&state.pool)
            .await?;
        let event = AuditEvent::new(&actor, "public", "login", &req.username, "failure").client(&client.0);
        crate::base::journal::append_now(&state.pool, &[event]).await?;
        return Err(AuthError::InvalidCredentials.into());
    };
    let token = new_secret("om");
    let csrf = new_secret("csrf");
    let expires_at = Utc::now() + chrono::Duration::minutes(i64::from(state.config.session_minutes));
    let (role, firm, session_id): (String, Option<i64>, i64) = sqlx::query_as(include_str!("sql/login_succeeded.sql"))
        .bind(user.id)
        .bind(secret_hash(&token))
        .bind(&csrf)
        .bind(&client.0)
        .bind(expires_at)
        .fetch_one(&state.pool)
        .await?;
    let projects =
        middleware::project_scope(&state.pool, Role::parse(&role).unwrap_or(Role::Public), firm, Some(user.id), &[])
            .await?;
    let event = AuditEvent::new(&actor, &role, "login", &req.username, "success")
        .client(&client.0)
        .details(serde_json::json!({ "session_id": session_id }));
    crate::base::journal::append_now(&state.pool, &[event]).await?;
    let me = Me {
        actor,
        username: Some(req.username),
        display_name: Some(user.display_name),
        role: Role::parse(&role).unwrap_or(Role::Public),
        appraisal_firm_id: firm,
        projects: projects.map(|p| p.into_iter().collect()),
        csrf_token: Some(csrf.clone()),
    };
    let cookie = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}",
        i64::from(state.config.session_minutes) * 60
    );
    let mut response = Json(LoginResponse { token, csrf_token: csrf, expires_at, user: me }).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(SET_COOKIE, v);
    }
    Ok(response)
}

/// `POST /api/auth/logout`: revokes the session and clears the cookie.
async fn logout(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
) -> Result<Response, ApiError> {
    if let Some(id) = principal.session_id {
        sqlx::query("UPDATE sessions SET revoked_at = now() WHERE id = $1").bind(id).execute(&state.pool).await?;
    }
    let event = AuditEvent::new(&principal.actor, principal.role.as_str(), "logout", &principal.actor, "success");
    crate::base::journal::append_now(&state.pool, &[event]).await?;
    let mut headers = HeaderMap::new();
    headers
        .insert(SET_COOKIE, HeaderValue::from_static("onemap_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"));
    Ok((StatusCode::NO_CONTENT, headers).into_response())
}

/// `GET /api/auth/me`: the caller as the server sees them (anonymous callers too).
async fn me(State(state): State<AppState>, Extension(p): Extension<Principal>) -> Result<Json<Me>, ApiError> {
    let (username, display_name, csrf): (Option<String>, Option<String>, Option<String>) = match (p.user_id, p.session_id) {
        (Some(uid), sid) => sqlx::query_as(
            "SELECT u.username, u.display_name, (SELECT csrf_token FROM sessions WHERE id = $2) FROM users u WHERE u.id = $1",
        )
        .bind(uid)
        .bind(sid)
        .fetch_one(&state.pool)
        .await?,
        _ => (None, None, None),
    };
    Ok(Json(Me {
        actor: p.actor.clone(),
        username,
        display_name,
        role: p.role,
        appraisal_firm_id: p.appraisal_firm_id,
        projects: p.projects.map(|s| {
            let mut v: Vec<i64> = s.into_iter().collect();
            v.sort_unstable();
            v
        }),
        csrf_token: csrf,
    }))
}
