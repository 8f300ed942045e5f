//! The `/api` OpenAPI 3.1 document, put together from every module's `Api` (utoipa derives
//! from the `onemap-api` types) and from the routes' access rules: a route that needs a login
//! says so (`bearer` security, 401/403 answers), and every operation documents the problem
//! body of its errors. Served at `/api/openapi.json`; `/api/docs` is Swagger UI (vendored from
//! npm into the UI's files, no CDN).

use axum::Json;
use axum::http::Method;
use axum::response::Html;
use utoipa::OpenApi;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{Content, OpenApi as Document, Ref, ResponseBuilder};

use crate::auth::Routes;
use crate::auth::policy::Access;
use crate::auth::routing::RouteInfo;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "onemap API",
        description = "不动产登记与房屋征收“一张图”的 JSON 接口 — the JSON API of onemap. \
            Log in with `POST /api/auth/login` and send `Authorization: Bearer <token>`. \
            Errors are `application/problem+json` bodies with a stable `code`. \
            OGC API Features and Tiles are described separately at `/ogc/api`.",
        license(name = "MIT OR Apache-2.0")
    ),
    components(schemas(onemap_api::Problem))
)]
struct Base;

/// The document: every module's paths, then the access rules of `routes` applied to them.
pub fn document(routes: &[RouteInfo]) -> Document {
    let mut doc = Base::openapi();
    for part in [
        crate::health::Api::openapi(),
        crate::metrics::Api::openapi(),
        crate::unit_codes::Api::openapi(),
        crate::search::Api::openapi(),
        crate::units::Api::openapi(),
        crate::survey::Api::openapi(),
        crate::identify::Api::openapi(),
        crate::archives::Api::openapi(),
        crate::registration::Api::openapi(),
        crate::exports::Api::openapi(),
        crate::reports::Api::openapi(),
        crate::basemaps::Api::openapi(),
        crate::relocation::Api::openapi(),
        crate::auth::Api::openapi(),
        crate::access::Api::openapi(),
        crate::audit::Api::openapi(),
    ] {
        doc.merge(part);
    }
    if let Some(c) = doc.components.as_mut() {
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("om_…").build()),
        );
    }
    let problem = || {
        ResponseBuilder::new()
            .description("a problem body (RFC 9457) with a stable `code`")
            .content("application/problem+json", Content::new(Some(Ref::from_schema_name("Problem"))))
            .build()
    };
    for r in routes {
        let Some(item) = doc.paths.paths.get_mut(r.path) else { continue };
        let op: Option<&mut Operation> = match r.method {
            Method::GET => item.get.as_mut(),
            Method::POST => item.post.as_mut(),
            Method::PUT => item.put.as_mut(),
            Method::PATCH => item.patch.as_mut(),
            Method::DELETE => item.delete.as_mut(),
            _ => None,
        };
        let Some(op) = op else { continue };
        let note = match r.access {
            Access::Public => "Access: everyone (anonymous callers too).".to_owned(),
            Access::Authenticated => "Access: any logged-in user or API key.".to_owned(),
            Access::Roles(_) => format!("Access: roles {}.", r.access.describe()),
            Access::Monitoring => "Access: administrators, or a scraper with the `[metrics] token`.".to_owned(),
        };
        op.description = Some(match op.description.take() {
            Some(d) => format!("{d}\n\n{note}"),
            None => note,
        });
        if r.access != Access::Public {
            op.security = Some(vec![SecurityRequirement::new("bearer", Vec::<String>::new())]);
            op.responses.responses.entry("401".into()).or_insert_with(|| problem().into());
            op.responses.responses.entry("403".into()).or_insert_with(|| problem().into());
        }
        op.responses.responses.entry("default".into()).or_insert_with(|| problem().into());
    }
    doc
}

/// `GET /api/openapi.json` and `GET /api/docs`.
pub fn routes(list: Vec<RouteInfo>) -> Routes {
    let doc = document(&list);
    let json = serde_json::to_value(&doc).expect("the OpenAPI document serializes");
    Routes::new()
        .route(Method::GET, "/api/openapi.json", Access::Public, move || {
            let json = json.clone();
            async move { Json(json) }
        })
        .route(Method::GET, "/api/docs", Access::Public, docs)
}

/// Swagger UI from the UI's vendored copy; its start script is a file too (no inline script).
async fn docs() -> Html<&'static str> {
    Html(include_str!("docs.html"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_api_route_is_documented_with_its_rule() {
        let routes = super::super::route_list();
        let doc = serde_json::to_value(document(&routes)).unwrap();
        assert_eq!(doc["openapi"], "3.1.0");
        let mut documented = 0;
        for r in routes.iter().filter(|r| r.path.starts_with("/api/") && !r.path.contains("{*rest}")) {
            if matches!(r.path, "/api/openapi.json" | "/api/docs") {
                continue;
            }
            let method = r.method.as_str().to_lowercase();
            let op = &doc["paths"][r.path][&method];
            assert!(op.is_object(), "{} {} is not in the OpenAPI document", r.method, r.path);
            assert_eq!(op["security"].is_array(), r.access != Access::Public, "{} {}", r.method, r.path);
            assert!(op["responses"]["default"].is_object(), "{} {}", r.method, r.path);
            documented += 1;
        }
        assert!(documented >= 16, "{documented}");
    }
}
