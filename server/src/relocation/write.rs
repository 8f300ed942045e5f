//! What every relocation write shares: one transaction per action that names its actor (for
//! the history triggers) and commits with its audit row, optimistic locking by strong ETag,
//! and amounts checked and turned into cents.

use chrono::NaiveDate;
use serde_json::Value;
use sqlx::PgConnection;

use super::rules::{self, invalid};
use crate::auth::Principal;
use crate::base::ApiError;
use crate::base::journal::{self as audit, AuditEvent};

pub use crate::base::versions::{etag, if_match, precondition};

pub use crate::base::begin;

/// Appends the action's audit row in its transaction.
pub async fn record(
    tx: &mut PgConnection,
    p: &Principal,
    action: &str,
    target: &str,
    before: Option<Value>,
    after: Option<Value>,
) -> Result<(), ApiError> {
    let event = AuditEvent::new(&p.actor, p.role.as_str(), action, target, "success").change(before, after);
    audit::append(tx, &[event]).await?;
    Ok(())
}

/// Yuan with at most two decimals, not negative, as cents (422 otherwise).
pub fn cents(field: &str, yuan: f64) -> Result<i64, ApiError> {
    if !yuan.is_finite() || yuan.abs() > 1e13 {
        return Err(invalid(rules::issue(
            "invalid_amount",
            format!("{field} 金额无效"),
            format!("{field} is not a usable amount"),
        )));
    }
    if yuan < 0.0 {
        return Err(invalid(rules::issue(
            "negative_amount",
            format!("{field} 不能为负数"),
            format!("{field} may not be negative ({yuan})"),
        )));
    }
    let c = yuan * 100.0;
    if (c - c.round()).abs() > 1e-6 * c.abs().max(1.0) {
        return Err(invalid(rules::issue(
            "too_many_decimals",
            format!("{field} 最多两位小数"),
            format!("{field} has more than two decimals ({yuan})"),
        )));
    }
    Ok(c.round() as i64)
}

/// Cents as yuan for a response.
pub fn yuan(cents: i64) -> f64 {
    cents as f64 / 100.0
}

/// A required text: trimmed, not empty (422 `required`).
pub fn required(field: &str, v: &str) -> Result<String, ApiError> {
    let v = v.trim();
    if v.is_empty() {
        return Err(invalid(rules::issue("required", format!("{field} 必填"), format!("{field} is required"))));
    }
    if v.contains('\0') {
        return Err(crate::base::error::nul_refused());
    }
    Ok(v.to_owned())
}

/// A date that has happened (422 `date_in_future`).
pub fn not_future(field: &str, on: NaiveDate, today: NaiveDate) -> Result<NaiveDate, ApiError> {
    if on > today {
        return Err(invalid(rules::issue(
            "date_in_future",
            format!("{field} 不能晚于今天"),
            format!("{field} ({on}) is after today ({today})"),
        )));
    }
    Ok(on)
}

/// One of the allowed values (422 `invalid_value`).
pub fn one_of<'a>(field: &str, v: &str, allowed: &[&'a str]) -> Result<&'a str, ApiError> {
    allowed.iter().find(|a| **a == v).copied().ok_or_else(|| {
        invalid(rules::issue(
            "invalid_value",
            format!("{field} 取值无效：{v}"),
            format!("{field} {v:?} is not one of {}", allowed.join(", ")),
        ))
    })
}

/// The database's date (the workflow's "today").
pub async fn today(conn: &mut PgConnection) -> Result<NaiveDate, ApiError> {
    Ok(sqlx::query_scalar("SELECT current_date").fetch_one(conn).await?)
}
