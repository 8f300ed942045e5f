//! User and API-key management for the CLI (`onemap user …`, `onemap apikey …`) and the demo
//! users. Every change is written with its audit record in the same transaction.

use sqlx::{Acquire, PgConnection, PgPool};

use super::{Role, new_secret, password, secret_hash};
use crate::base::journal::{self as audit, AuditEvent};

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("no user named {0}")]
    NoSuchUser(String),
    #[error("no appraisal firm {0} (give its name or id)")]
    NoSuchFirm(String),
    #[error("no relocation project {0}")]
    NoSuchProject(String),
    #[error("a user or key named {0} exists already")]
    Exists(String),
    #[error("{0}")]
    Invalid(String),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
}

/// Who performs CLI changes, for the audit log.
fn cli_actor() -> String {
    format!("cli:{}", std::env::var("USER").unwrap_or_else(|_| "unknown".into()))
}

async fn firm_id(conn: &mut PgConnection, firm: Option<&str>, role: Role) -> Result<Option<i64>, AdminError> {
    match (role, firm) {
        (Role::Appraiser, None) => Err(AdminError::Invalid("an appraiser needs --firm".into())),
        (Role::Appraiser, Some(f)) => {
            let id: Option<i64> = sqlx::query_scalar("SELECT id FROM appraisal_firms WHERE name = $1 OR id::text = $1")
                .bind(f)
                .fetch_optional(&mut *conn)
                .await?;
            id.map(Some).ok_or_else(|| AdminError::NoSuchFirm(f.into()))
        }
        (_, Some(_)) => Err(AdminError::Invalid("--firm applies to appraisers only".into())),
        (_, None) => Ok(None),
    }
}

async fn project_ids(conn: &mut PgConnection, codes: &[String]) -> Result<Vec<i64>, AdminError> {
    let mut ids = Vec::new();
    for c in codes {
        let id: Option<i64> = sqlx::query_scalar("SELECT id FROM relocation_projects WHERE code = $1")
            .bind(c)
            .fetch_optional(&mut *conn)
            .await?;
        ids.push(id.ok_or_else(|| AdminError::NoSuchProject(c.clone()))?);
    }
    Ok(ids)
}

fn user_role(role: Role) -> Result<Role, AdminError> {
    if role == Role::Public {
        return Err(AdminError::Invalid("public is the role of anonymous callers, not of a user".into()));
    }
    Ok(role)
}

async fn snapshot(conn: &mut PgConnection, username: &str) -> Result<Option<serde_json::Value>, AdminError> {
    Ok(user_snapshot(conn, username).await?)
}

/// A user's state as the audit log keeps it (before/after a change of their access).
pub async fn user_snapshot(conn: &mut PgConnection, username: &str) -> Result<Option<serde_json::Value>, sqlx::Error> {
    sqlx::query_scalar(include_str!("sql/user_snapshot.sql")).bind(username).fetch_optional(&mut *conn).await
}

/// Creates a user in the caller's transaction.
pub async fn add_user_in(
    conn: &mut PgConnection,
    actor: &str,
    username: &str,
    display_name: &str,
    role: Role,
    firm: Option<&str>,
    pw: &str,
) -> Result<(), AdminError> {
    let role = user_role(role)?;
    // The demo users keep the demo password; everyone else follows the rules.
    if actor != "demo" {
        password::check_rules(pw, username).map_err(|e| AdminError::Invalid(e.into()))?;
    }
    let firm = firm_id(conn, firm, role).await?;
    let hash = password::hash(pw);
    let inserted = sqlx::query(
        "INSERT INTO users (username, display_name, role, appraisal_firm_id, password_hash) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (username) DO NOTHING",
    )
    .bind(username)
    .bind(display_name)
    .bind(role.as_str())
    .bind(firm)
    .bind(hash)
    .execute(&mut *conn)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(AdminError::Exists(username.into()));
    }
    let after = snapshot(conn, username).await?;
    audit::append(conn, &[AuditEvent::new(actor, "admin", "user_add", username, "success").change(None, after)])
        .await?;
    Ok(())
}

pub async fn add_user(
    pool: &PgPool,
    username: &str,
    display_name: &str,
    role: Role,
    firm: Option<&str>,
    pw: &str,
) -> Result<(), AdminError> {
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin().await?;
    add_user_in(&mut tx, &cli_actor(), username, display_name, role, firm, pw).await?;
    tx.commit().await?;
    Ok(())
}

/// Runs `change` on an existing user and audits the before/after state.
async fn change_user(
    pool: &PgPool,
    username: &str,
    action: &str,
    sql: &str,
    arg: Option<String>,
) -> Result<(), AdminError> {
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let before = snapshot(&mut tx, username).await?.ok_or_else(|| AdminError::NoSuchUser(username.into()))?;
    let query = sqlx::query(sql).bind(username);
    let query = match arg {
        Some(a) => query.bind(a),
        None => query,
    };
    query.execute(&mut *tx).await?;
    let after = snapshot(&mut tx, username).await?;
    audit::append(
        &mut tx,
        &[AuditEvent::new(&cli_actor(), "admin", action, username, "success").change(Some(before), after)],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn set_password(pool: &PgPool, username: &str, pw: &str) -> Result<(), AdminError> {
    password::check_rules(pw, username).map_err(|e| AdminError::Invalid(e.into()))?;
    change_user(pool, username, "user_passwd", include_str!("sql/user_passwd.sql"), Some(password::hash(pw))).await
}

/// Disables a user and revokes their sessions.
pub async fn disable(pool: &PgPool, username: &str) -> Result<(), AdminError> {
    change_user(pool, username, "user_disable", include_str!("sql/user_disable.sql"), None).await
}

/// Sets a user's role (and firm), narrows them to some projects when given, and ends their
/// access after `until` (inclusive, Beijing time) when given.
pub async fn grant(
    pool: &PgPool,
    username: &str,
    role: Role,
    firm: Option<&str>,
    projects: &[String],
    until: Option<chrono::NaiveDate>,
) -> Result<(), AdminError> {
    let role = user_role(role)?;
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let before = snapshot(&mut tx, username).await?.ok_or_else(|| AdminError::NoSuchUser(username.into()))?;
    let firm = firm_id(&mut tx, firm, role).await?;
    let ids = project_ids(&mut tx, projects).await?;
    sqlx::query(include_str!("sql/user_grant.sql"))
        .bind(username)
        .bind(role.as_str())
        .bind(firm)
        .bind(&ids)
        .bind(cli_actor())
        .bind(until)
        .execute(&mut *tx)
        .await?;
    let after = snapshot(&mut tx, username).await?;
    audit::append(
        &mut tx,
        &[AuditEvent::new(&cli_actor(), "admin", "user_grant", username, "success").change(Some(before), after)],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Creates an API key; returns the key, shown once.
pub async fn add_api_key(
    pool: &PgPool,
    name: &str,
    role: Role,
    firm: Option<&str>,
    projects: &[String],
    days: Option<u32>,
) -> Result<String, AdminError> {
    let role = user_role(role)?;
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let firm = firm_id(&mut tx, firm, role).await?;
    let ids = project_ids(&mut tx, projects).await?;
    let key = new_secret("ok");
    let inserted = sqlx::query(include_str!("sql/api_key_add.sql"))
        .bind(name)
        .bind(&key[..11])
        .bind(secret_hash(&key))
        .bind(role.as_str())
        .bind(firm)
        .bind(&ids)
        .bind(days.map(|d| d as i32))
        .execute(&mut *tx)
        .await?;
    if inserted.rows_affected() == 0 {
        return Err(AdminError::Exists(name.into()));
    }
    let after = serde_json::json!({ "name": name, "role": role.as_str(), "appraisal_firm_id": firm, "project_ids": ids, "key_prefix": &key[..11] });
    audit::append(
        &mut tx,
        &[AuditEvent::new(&cli_actor(), "admin", "apikey_add", name, "success").change(None, Some(after))],
    )
    .await?;
    tx.commit().await?;
    Ok(key)
}

pub async fn revoke_api_key(pool: &PgPool, name: &str) -> Result<(), AdminError> {
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let n = sqlx::query("UPDATE api_keys SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL")
        .bind(name)
        .execute(&mut *tx)
        .await?;
    if n.rows_affected() == 0 {
        return Err(AdminError::Invalid(format!("no active API key named {name}")));
    }
    audit::append(&mut tx, &[AuditEvent::new(&cli_actor(), "admin", "apikey_revoke", name, "success")]).await?;
    tx.commit().await?;
    Ok(())
}

/// `onemap user list`: one line per user.
pub async fn list(pool: &PgPool) -> Result<Vec<String>, AdminError> {
    Ok(sqlx::query_scalar(include_str!("sql/user_list.sql")).fetch_all(pool).await?)
}

/// The demo's users, one per role, all with the demo password (see the README).
pub const DEMO_PASSWORD: &str = "Demo#2026";
pub const DEMO_USERS: &[(&str, &str, Role)] = &[
    ("admin", "系统管理员", Role::Admin),
    ("officer", "征收中心经办人", Role::Officer),
    ("director", "征收中心负责人", Role::Director),
    ("appraiser1", "评估师（一期项目）", Role::Appraiser),
    ("appraiser2", "评估师（二期项目）", Role::Appraiser),
    ("surveyor", "测绘员", Role::Surveyor),
    ("clerk", "登记窗口", Role::Clerk),
    ("auditor", "审计员", Role::Auditor),
];

/// Creates the demo users; appraiser1/appraiser2 belong to the firms of the first/second
/// project (ids as given).
pub async fn add_demo_users(
    conn: &mut PgConnection,
    firm_of_first: i64,
    firm_of_second: i64,
) -> Result<(), AdminError> {
    for (username, name, role) in DEMO_USERS {
        let firm = match *username {
            "appraiser1" => Some(firm_of_first.to_string()),
            "appraiser2" => Some(firm_of_second.to_string()),
            _ => None,
        };
        add_user_in(conn, "demo", username, name, *role, firm.as_deref(), DEMO_PASSWORD).await?;
    }
    Ok(())
}
