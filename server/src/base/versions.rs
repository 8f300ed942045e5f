//! Optimistic locking (乐观锁) of editable rows: the row's `version` as a strong ETag, and the
//! `If-Match` check every update makes (428 without it, 412 when stale).

use axum::http::{HeaderMap, StatusCode};

use super::ApiError;

/// The strong entity tag of a row version.
pub fn etag(version: i32) -> String {
    format!("\"v{version}\"")
}

/// The `If-Match` header, if sent.
pub fn if_match(headers: &HeaderMap) -> Option<String> {
    headers.get(axum::http::header::IF_MATCH).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// 428 without `If-Match`, 412 when it names another version than `current`.
pub fn precondition(if_match: Option<&str>, current: i32, what: &str) -> Result<(), ApiError> {
    let Some(m) = if_match else {
        return Err(ApiError::new(
            StatusCode::PRECONDITION_REQUIRED,
            "if_match_required",
            format!("send If-Match with the ETag of {what} (now {}) to change it", etag(current)),
        ));
    };
    if m.trim() == "*" || m.split(',').any(|t| t.trim() == etag(current)) {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::PRECONDITION_FAILED,
            "stale_etag",
            format!(
                "{what} changed since you read it (now {}): read it again (数据已被他人修改，请刷新)",
                etag(current)
            ),
        ))
    }
}
