//! What the OGC handlers share: the error type, the output format, links, and whether the
//! caller may read a collection.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::collections::Collection;
use super::{cql, html, query};
use crate::auth::{AuthError, Principal, Role};
use crate::base::ApiError;

/// OGC API 错误: what the OGC endpoints refuse; each becomes a problem body.
#[derive(Debug, thiserror::Error)]
pub enum OgcError {
    #[error("unknown query parameter {name:?}; parameters here: {allowed}")]
    UnknownParameter { name: String, allowed: String },
    #[error("invalid {name}: {reason}")]
    InvalidParameter { name: String, reason: String },
    #[error("invalid filter: {0}")]
    Filter(#[from] cql::FilterError),
    #[error("format {0:?} is not offered here; use f=json or f=html")]
    Format(String),
    #[error("no collection {0:?}; see /ogc/collections")]
    NoCollection(String),
    #[error("no feature {feature:?} in {collection}")]
    NoFeature { collection: &'static str, feature: String },
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl OgcError {
    pub fn invalid(name: &str, reason: impl Into<String>) -> Self {
        OgcError::InvalidParameter { name: name.to_owned(), reason: reason.into() }
    }
}

impl From<OgcError> for ApiError {
    fn from(e: OgcError) -> Self {
        let (status, code) = match &e {
            OgcError::UnknownParameter { .. } => (StatusCode::BAD_REQUEST, "unknown_parameter"),
            OgcError::InvalidParameter { .. } => (StatusCode::BAD_REQUEST, "invalid_parameter"),
            OgcError::Filter(_) => (StatusCode::BAD_REQUEST, "invalid_filter"),
            OgcError::Format(_) => (StatusCode::BAD_REQUEST, "unsupported_format"),
            OgcError::NoCollection(_) | OgcError::NoFeature { .. } => (StatusCode::NOT_FOUND, "not_found"),
            OgcError::Auth(_) | OgcError::Db(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        };
        match e {
            OgcError::Auth(a) => a.into(),
            OgcError::Db(d) => d.into(),
            e => ApiError::new(status, code, e.to_string()),
        }
    }
}

impl IntoResponse for OgcError {
    fn into_response(self) -> Response {
        ApiError::from(self).into_response()
    }
}

/// Representation asked for by `f=` or, without it, by `Accept`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Html,
}

pub fn format(pairs: &[(String, String)], headers: &HeaderMap) -> Result<Format, OgcError> {
    match query::get(pairs, "f") {
        Some("json" | "geojson" | "application/json" | "application/geo+json") => Ok(Format::Json),
        Some("html" | "text/html") => Ok(Format::Html),
        Some(other) => Err(OgcError::Format(other.to_owned())),
        None => {
            let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("");
            // Browsers list text/html first; API clients ask for JSON or */*.
            let html = accept.find("text/html");
            let json = accept.find("json");
            Ok(match (html, json) {
                (Some(h), Some(j)) if h < j => Format::Html,
                (Some(_), None) => Format::Html,
                _ => Format::Json,
            })
        }
    }
}

/// The format of a request that takes no parameter but `f`.
pub fn only_format(raw: Option<&str>, headers: &HeaderMap) -> Result<Format, OgcError> {
    let pairs = query::pairs(raw);
    query::check_known(&pairs, &["f"], None)?;
    format(&pairs, headers)
}

/// `https://host/ogc`, as the client reached us.
pub fn base(headers: &HeaderMap) -> String {
    format!("{}/ogc", crate::tiles::origin(headers))
}

pub fn link(href: String, rel: &str, kind: &str, title: &str) -> Value {
    json!({ "href": href, "rel": rel, "type": kind, "title": title })
}

/// The collection, if it exists and the caller may read it: relocation collections need a
/// role that works with relocation data (401 anonymous, 403 others).
pub fn readable(id: &str, p: &Principal) -> Result<&'static Collection, OgcError> {
    let c = Collection::find(id).ok_or_else(|| OgcError::NoCollection(id.to_owned()))?;
    if c.relocation && !p.sees_relocation() {
        return Err(if p.role == Role::Public {
            AuthError::Unauthenticated.into()
        } else {
            AuthError::Forbidden(p.role.as_str()).into()
        });
    }
    Ok(c)
}

pub fn json_or_html(format: Format, title: &str, body: Value) -> Response {
    match format {
        Format::Json => axum::Json(body).into_response(),
        Format::Html => html::page(title, &body).into_response(),
    }
}
