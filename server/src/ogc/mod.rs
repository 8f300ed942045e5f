//! OGC API under `/ogc`: Features Part 1 (core, GeoJSON, HTML, OpenAPI 3.0), Part 2 (CRS),
//! Part 3 (queryables, filter in cql2-text / cql2-json) and Tiles (our vector tiles in
//! WebMercatorQuad and in a CGCS2000 geographic quad grid). Access follows the Auth rules:
//! relocation collections only for the roles that see relocation data, within their projects,
//! personal data masked by role.
//!
//! This file is the router; the handlers live in `landing` (landing page, conformance,
//! collections, queryables), `features` (items) and `tiles`; shared helpers in `support`.

mod collections;
mod counts;
mod cql;
mod crs;
pub mod export;
mod features;
mod geojson;
mod html;
mod landing;
mod openapi;
mod query;
mod support;
mod tiles;
mod write;

use axum::http::Method;

use crate::auth::Routes;
use crate::auth::policy::{Access, SURVEYORS};
use crate::base::AppState;
pub use counts::Counts;
pub use support::OgcError;

/// What the OGC handlers share: the tiles' state (the cache's generation also dates the
/// cached `numberMatched`) and the counts.
#[derive(Clone)]
pub struct OgcState {
    pub tiles: crate::tiles::TilesState,
    pub counts: Counts,
}

impl std::ops::Deref for OgcState {
    type Target = AppState;
    fn deref(&self) -> &AppState {
        self.tiles.app()
    }
}

/// OGC API: public; relocation collections answer 401/403 to roles without relocation access
/// and are filtered to the caller's projects; personal data are masked by role.
pub fn routes() -> Routes<OgcState> {
    Routes::new()
        .route(Method::GET, "/ogc", Access::Public, landing::landing)
        .route(Method::GET, "/ogc/", Access::Public, landing::landing)
        .route(Method::GET, "/ogc/conformance", Access::Public, landing::conformance)
        .route(Method::GET, "/ogc/api", Access::Public, openapi::document)
        .route(Method::GET, "/ogc/collections", Access::Public, landing::collections)
        .route(Method::GET, "/ogc/collections/{collection}", Access::Public, landing::collection)
        .route(Method::GET, "/ogc/collections/{collection}/queryables", Access::Public, landing::queryables)
        .route(Method::GET, "/ogc/collections/{collection}/items", Access::Public, features::items)
        .route(Method::GET, "/ogc/collections/{collection}/items/{feature}", Access::Public, features::item)
        // Part 4: surveyors and admins write (the access rule); OPTIONS says what the caller may do.
        .route(Method::POST, "/ogc/collections/{collection}/items", Access::Roles(SURVEYORS), write::create)
        .route(Method::PUT, "/ogc/collections/{collection}/items/{feature}", Access::Roles(SURVEYORS), write::replace)
        .route(Method::PATCH, "/ogc/collections/{collection}/items/{feature}", Access::Roles(SURVEYORS), write::patch)
        .route(Method::DELETE, "/ogc/collections/{collection}/items/{feature}", Access::Roles(SURVEYORS), write::delete)
        .route(Method::OPTIONS, "/ogc/collections/{collection}/items", Access::Public, write::options_items)
        .route(Method::OPTIONS, "/ogc/collections/{collection}/items/{feature}", Access::Public, write::options_item)
        .merge(tiles::routes())
}
