//! The one place where errors become HTTP responses: an RFC 9457 problem body with a stable
//! machine code and a readable message.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// The code and message of a problem answer, kept on the response for the audit of refusals.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub code: &'static str,
    pub message: String,
}

/// An error on its way to the client.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    /// Stable machine-readable code, e.g. `database_unavailable`.
    pub code: &'static str,
    pub message: String,
    /// Every rule broken, when there are several (`issues` of the body: code, message in
    /// Chinese and English).
    pub issues: Vec<Issue>,
}

/// One broken rule of a 409 or 422 answer.
#[derive(Debug, Clone, Serialize)]
pub struct Issue {
    pub code: &'static str,
    pub message: String,
    pub message_en: String,
}

#[derive(Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: String,
    title: &'a str,
    status: u16,
    code: &'a str,
    detail: &'a str,
    #[serde(skip_serializing_if = "<[Issue]>::is_empty")]
    issues: &'a [Issue],
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), issues: Vec::new() }
    }

    /// A refusal for broken rules: the code and message of a single rule, or `code` with every
    /// rule listed; `detail` joins their messages.
    pub fn rules(status: StatusCode, code: &'static str, issues: Vec<Issue>) -> Self {
        let (code, message) = match issues.as_slice() {
            [one] => (one.code, format!("{} ({})", one.message_en, one.message)),
            many => (code, many.iter().map(|i| format!("{}: {}", i.code, i.message_en)).collect::<Vec<_>>().join("; ")),
        };
        Self { status, code, message, issues }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// A bug on our side (logged); the client gets a 500 with the code `internal`.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::error!(code = self.code, message = %self.message, "request failed");
        }
        let body = Problem {
            kind: format!("https://onemap.dev/problems/{}", self.code),
            title: self.status.canonical_reason().unwrap_or("Error"),
            status: self.status.as_u16(),
            code: self.code,
            detail: &self.message,
            issues: &self.issues,
        };
        let mut response = (self.status, Json(body)).into_response();
        response
            .headers_mut()
            .insert(axum::http::header::CONTENT_TYPE, axum::http::HeaderValue::from_static("application/problem+json"));
        // For the middleware that audits refusals: why, without reading the body back.
        response.extensions_mut().insert(Refusal { code: self.code, message: self.message });
        response
    }
}

impl From<sqlx::Error> for ApiError {
    /// The database's own words go to the log, never to the client.
    fn from(e: sqlx::Error) -> Self {
        match e {
            // Also the server shutting down or restarting under a connection (57P01–57P03) and
            // a broken connection (class 08): the database is away, not the request wrong.
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => unavailable(&e),
            sqlx::Error::Database(ref d) if d.code().is_some_and(|c| c.starts_with("57P") || c.starts_with("08")) => {
                unavailable(&e)
            }
            other => {
                tracing::error!(error = %other, "database error");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "database_error",
                    "the database could not answer this request; it has been logged",
                )
            }
        }
    }
}

fn unavailable(e: &sqlx::Error) -> ApiError {
    tracing::warn!(error = %e, "database unavailable");
    ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "database_unavailable", "the database is not reachable")
}

/// `Json` whose rejections (bad syntax, wrong content type, body too large) are problem bodies.
pub struct ApiJson<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| {
                let m = m.trim();
                m.eq_ignore_ascii_case("application/json") || m.ends_with("+json")
            });
        if !json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "expected a request with `Content-Type: application/json`",
            ));
        }
        let body = axum::body::Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "the request body is too large")
            } else {
                ApiError::new(StatusCode::BAD_REQUEST, "invalid_body", e.body_text())
            }
        })?;
        // A NUL character (escaped as \u0000; a raw one is not JSON) can be stored nowhere.
        if has_nul_escape(&body) {
            return Err(nul_refused());
        }
        serde_json::from_slice(&body)
            .map(Self)
            .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_json", format!("invalid JSON body: {e}")))
    }
}

/// Whether JSON text has the escape `\\u0000` (an odd run of backslashes before `u0000`; an
/// even run is an escaped backslash followed by the letters).
fn has_nul_escape(body: &[u8]) -> bool {
    body.windows(5)
        .enumerate()
        .any(|(i, w)| w == b"u0000" && body[..i].iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1)
}

/// The answer to text with a NUL character in it.
pub fn nul_refused() -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "invalid_text", "text may not contain NUL characters (%00, \\u0000)")
}

/// `Query` whose rejections are problem bodies naming the bad parameter.
pub struct ApiQuery<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Self(q.0))
            .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", e.body_text()))
    }
}

/// `Path` whose rejections (a segment that is not the type asked for, e.g. an id past
/// `i64`) are problem bodies rather than plain text.
pub struct ApiPath<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for ApiPath<T>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Self(p.0))
            .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_path", e.body_text()))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn nul_escapes_are_found_and_escaped_backslashes_are_not() {
        assert!(super::has_nul_escape(br#"{"username":"a\u0000b"}"#));
        assert!(super::has_nul_escape(br#"["\\\u0000"]"#));
        assert!(!super::has_nul_escape(br#"{"note":"C:\\u0000 is a path"}"#));
        assert!(!super::has_nul_escape(br#"{"a":"u0000"}"#));
    }
}
