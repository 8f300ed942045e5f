//! The edge of every request, in one middleware: the request id (a client's if short and
//! well formed, ours otherwise, echoed on the response), refusals before any routing (a NUL
//! character or an over-long target, an announced body over the limit), and problem bodies for
//! the routing layer's bare 404 and 405 answers.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::Request;
use axum::http::header::{ALLOW, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::BODY_LIMIT;
use crate::base::ApiError;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// Longest request id taken from a client; a longer or odd one is replaced by ours.
const MAX_CLIENT_REQUEST_ID: usize = 64;
/// Longest request target (path and query) accepted.
const MAX_URI: usize = 64 * 1024;

pub async fn edge(mut req: Request, next: Next) -> Response {
    let id = match req.headers().get(&REQUEST_ID) {
        Some(v) if fit(v) => v.clone(),
        _ => {
            let v = new_request_id();
            req.headers_mut().insert(REQUEST_ID, v.clone());
            v
        }
    };
    let mut response = match refusal(&req) {
        Some(problem) => problem.into_response(),
        None => {
            let method = req.method().clone();
            with_problem_body(&method, next.run(req).await)
        }
    };
    let headers = response.headers_mut();
    headers.insert(REQUEST_ID, id);
    secure(headers);
    response
}

/// Headers every answer carries: no MIME sniffing, no referrer to other sites, no framing; HTML
/// gets the Content-Security-Policy (unless its handler set a stricter one of its own).
fn secure(headers: &mut axum::http::HeaderMap) {
    use axum::http::header::{
        CONTENT_SECURITY_POLICY as CSP, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
    };
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    let html = headers.get(CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if html && !headers.contains_key(CSP) {
        headers.insert(CSP, crate::base::page_policy());
    }
}

/// A client's request id is kept when made of `A–Z a–z 0–9 - _ . :` and at most 64 long (it
/// goes into the logs and the audit log).
fn fit(v: &HeaderValue) -> bool {
    let b = v.as_bytes();
    !b.is_empty()
        && b.len() <= MAX_CLIENT_REQUEST_ID
        && b.iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b':'))
}

/// Ours: a random prefix per process and a counter — unique, cheap (no random numbers per
/// request) and in order within a run.
fn new_request_id() -> HeaderValue {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    static PREFIX: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let prefix = PREFIX.get_or_init(|| format!("{:08x}", rand::random::<u32>()));
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    HeaderValue::try_from(format!("{prefix}-{n}")).expect("hex and digits")
}

/// What is refused before routing: a NUL character (`%00`; PostgreSQL stores no NUL in
/// text) or more than [`MAX_URI`] characters in the target, a body announced over the limit
/// (bodies without a length are cut by the extractors at the same limit).
fn refusal(req: &Request) -> Option<ApiError> {
    let target = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("");
    if target.len() > MAX_URI {
        return Some(ApiError::new(
            StatusCode::BAD_REQUEST,
            "uri_too_long",
            format!("the request path and query may have at most {MAX_URI} characters"),
        ));
    }
    if target.as_bytes().windows(3).any(|w| w == b"%00") {
        return Some(crate::base::error::nul_refused());
    }
    let announced =
        req.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    // An upload streams its body and enforces its own limit.
    let path = req.uri().path();
    let upload = req.method() == axum::http::Method::POST
        && (path == crate::survey::UPLOAD_PATH || crate::archives::UPLOAD_PATHS.contains(&path));
    if !upload && announced.is_some_and(|n| n > BODY_LIMIT) {
        return Some(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the request body is larger than {BODY_LIMIT} bytes"),
        ));
    }
    None
}

pub async fn no_such_path() -> ApiError {
    ApiError::not_found("no such path")
}

/// The routing layer's bare answers as problem bodies: 405 for a method a path does not have
/// (keeping its `Allow` header), 404 from the static files.
fn with_problem_body(method: &Method, response: Response) -> Response {
    if response.headers().contains_key(CONTENT_TYPE) {
        return response;
    }
    match response.status() {
        StatusCode::METHOD_NOT_ALLOWED => {
            let allow = response.headers().get(ALLOW).cloned();
            let allowed = allow.as_ref().and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
            let mut problem = ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                format!("{method} is not allowed here; allowed: {allowed}"),
            )
            .into_response();
            if let Some(v) = allow {
                problem.headers_mut().insert(ALLOW, v);
            }
            problem
        }
        StatusCode::NOT_FOUND => ApiError::not_found("no such path").into_response(),
        _ => response,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids() {
        assert!(fit(&HeaderValue::from_static("abc-123_x.y:z")));
        assert!(!fit(&HeaderValue::from_static("has space")));
        assert!(!fit(&HeaderValue::try_from("x".repeat(65)).unwrap()));
        let (a, b) = (new_request_id(), new_request_id());
        assert_ne!(a, b);
        assert!(fit(&a));
    }
}
