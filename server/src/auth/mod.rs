//! Who is calling and what they may do: users and roles (domain.md §6), API keys, login
//! sessions (bearer token or HTTP-only cookie with CSRF protection), the authorization policy
//! of every route (`policy`), and masking of personal data by role (`mask`).

pub mod admin;
pub mod mask;
mod middleware;
pub mod password;
pub mod policy;
pub mod routing;
mod throttle;

use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::Utc;
use onemap_api::Problem;
use onemap_api::auth::{DemoUser, DemoUsers, LoginRequest, LoginResponse, Me};
use rand::RngCore;
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
        let message = e.to_string();
        let (status, code) = match e {
            // The database's failure as the database's (503 while it is away, 500 otherwise).
            AuthError::Db(db) => return ApiError::from(db),
            AuthError::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthenticated"),
            AuthError::MalformedToken => (StatusCode::UNAUTHORIZED, "malformed_token"),
            AuthError::UnknownToken => (StatusCode::UNAUTHORIZED, "invalid_token"),
            AuthError::ExpiredToken => (StatusCode::UNAUTHORIZED, "token_expired"),
            AuthError::InvalidCredentials => (StatusCode::UNAUTHORIZED, "invalid_credentials"),
            AuthError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            AuthError::OutOfScope(_) => (StatusCode::FORBIDDEN, "project_out_of_scope"),
            AuthError::Csrf => (StatusCode::FORBIDDEN, "csrf_failed"),
        };
        ApiError::new(status, code, message)
    }
}

pub const SESSION_COOKIE: &str = "onemap_session";
/// Longest username a login takes (longer ones are refused before any lookup).
pub const MAX_USERNAME: usize = 64;
/// Login attempts per minute for one username, and from one client address.
pub const LOGINS_PER_USER_PER_MINUTE: u32 = 10;
pub const LOGINS_PER_ADDRESS_PER_MINUTE: u32 = 60;
/// Longest password a login takes, in bytes (argon2 would hash any length).
pub const MAX_PASSWORD: usize = 1024;
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

/// OpenAPI of this module's routes.
#[derive(utoipa::OpenApi)]
#[openapi(paths(login, logout, me, demo_users))]
pub struct Api;

#[derive(sqlx::FromRow)]
struct DemoUserRow {
    username: String,
    display_name: String,
    role: String,
}

/// `GET /api/auth/demo-users`: in demo mode (the demo county loaded) the demo users whose
/// password is still the demo one, for the login page; an empty list otherwise.
#[utoipa::path(get, path = "/api/auth/demo-users", tag = "登录 auth", responses((status = 200, body = DemoUsers)))]
async fn demo_users(State(state): State<AppState>) -> Result<Json<DemoUsers>, ApiError> {
    let names: Vec<&str> = admin::DEMO_USERS.iter().map(|(u, _, _)| *u).collect();
    let rows: Vec<DemoUserRow> =
        sqlx::query_as(include_str!("sql/demo_users.sql")).bind(&names).fetch_all(&state.pool).await?;
    let users: Vec<DemoUser> = rows
        .into_iter()
        .filter_map(|r| {
            let role = Role::parse(&r.role)?;
            Some(DemoUser { username: r.username, display_name: r.display_name, role })
        })
        .collect();
    let password = (!users.is_empty()).then(|| admin::DEMO_PASSWORD.to_owned());
    Ok(Json(DemoUsers { password, users }))
}

#[derive(sqlx::FromRow)]
struct LoginRow {
    id: i64,
    display_name: String,
    password_hash: String,
    disabled: bool,
    /// Past the account's end date (`access_until`).
    ended: bool,
    locked: bool,
}

/// `POST /api/auth/login`. Known and unknown usernames take the same path: the password is
/// always verified against a hash (a dummy one for unknown names).
#[utoipa::path(post, path = "/api/auth/login", tag = "登录 auth", request_body = LoginRequest,
    responses((status = 200, description = "a session; also sets the HTTP-only session cookie", body = LoginResponse),
        (status = 401, description = "wrong username or password, or the account is locked or disabled", body = Problem, content_type = "application/problem+json")))]
async fn login(
    State(state): State<AppState>,
    Extension(client): Extension<ClientAddr>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    // Throttling per username and per address comes first: past it nothing is looked up.
    static THROTTLE: std::sync::LazyLock<throttle::Throttle> = std::sync::LazyLock::new(throttle::Throttle::new);
    let name_key = format!("user:{}", req.username.chars().take(MAX_USERNAME).collect::<String>().to_lowercase());
    let throttled = THROTTLE
        .attempt(name_key, LOGINS_PER_USER_PER_MINUTE)
        .and_then(|()| THROTTLE.attempt(format!("addr:{}", client.0), LOGINS_PER_ADDRESS_PER_MINUTE));
    if let Err(wait) = throttled {
        let shown: String = req.username.chars().take(MAX_USERNAME).collect();
        let event = AuditEvent::new(&format!("user:{shown}"), "public", "login", &shown, "failure")
            .client(&client.0)
            .details(serde_json::json!({ "reason": "throttled" }));
        state.audit.record(event).await;
        let mut response = ApiError::new(
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            "too_many_logins",
            format!("too many login attempts for this user or from this address: try again in {wait} s"),
        )
        .into_response();
        if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
        }
        return Ok(response);
    }
    if req.username.chars().count() > MAX_USERNAME || req.password.len() > MAX_PASSWORD || req.username.is_empty() {
        let shown: String = req.username.chars().take(MAX_USERNAME).collect();
        let event = AuditEvent::new(&format!("user:{shown}"), "public", "login", &shown, "failure")
            .client(&client.0)
            .details(serde_json::json!({ "reason": "invalid_input" }));
        crate::base::journal::append_now(&state.pool, &[event]).await?;
        return Err(ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "invalid_input",
            format!("a username has 1 to {MAX_USERNAME} characters, a password at most {MAX_PASSWORD} bytes"),
        ));
    }
    let row: Option<LoginRow> = sqlx::query_as(include_str!("sql/login_attempt.sql"))
        .bind(&req.username)
        .bind(state.config.lockout_failures)
        .bind(state.config.lockout_minutes)
        .fetch_optional(&state.pool)
        .await?;
    // The password is verified in every case, against a dummy hash for unknown names, so that
    // the answer takes as long whoever asks.
    let stored = row.as_ref().map(|r| r.password_hash.clone()).unwrap_or_else(|| password::dummy_hash().to_owned());
    let pw = req.password.clone();
    let matches = tokio::task::spawn_blocking(move || password::verify(&pw, &stored)).await.unwrap_or(false);
    let actor = format!("user:{}", req.username);
    let refusal = match &row {
        None => Some("unknown_user"),
        Some(r) if r.disabled => Some("disabled"),
        Some(r) if r.ended => Some("access_ended"),
        Some(r) if r.locked => Some("locked"),
        Some(_) if !matches => Some("wrong_password"),
        Some(_) => None,
    };
    let token = new_secret("om");
    let csrf = new_secret("csrf");
    let expires_at = Utc::now() + chrono::Duration::minutes(i64::from(state.config.session_minutes));
    let session: Option<(String, Option<i64>, i64)> = match (&row, refusal) {
        (Some(user), None) => {
            sqlx::query_as(include_str!("sql/login_succeeded.sql"))
                .bind(user.id)
                .bind(secret_hash(&token))
                .bind(&csrf)
                .bind(&client.0)
                .bind(expires_at)
                .fetch_optional(&state.pool)
                .await?
        }
        _ => None,
    };
    let user_id = row.as_ref().map(|r| r.id);
    let (Some(user), Some((role, firm, session_id))) = (row, session) else {
        // Only the audit log learns why (the caller gets the same answer in every case).
        let reason = refusal.unwrap_or("locked");
        if let (Some(id), "wrong_password") = (user_id, reason) {
            sqlx::query(include_str!("sql/login_failed.sql"))
                .bind(id)
                .bind(state.config.lockout_failures)
                .bind(state.config.lockout_minutes)
                .execute(&state.pool)
                .await?;
        }
        let event = AuditEvent::new(&actor, "public", "login", &req.username, "failure")
            .client(&client.0)
            .details(serde_json::json!({ "reason": reason }));
        crate::base::journal::append_now(&state.pool, &[event]).await?;
        return Err(AuthError::InvalidCredentials.into());
    };
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
#[utoipa::path(post, path = "/api/auth/logout", tag = "登录 auth", responses((status = 204, description = "logged out")))]
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
#[utoipa::path(get, path = "/api/auth/me", tag = "登录 auth", responses((status = 200, body = Me)))]
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
        actor: p.actor.to_string(),
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
