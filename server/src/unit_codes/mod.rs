//! 不动产单元代码 over HTTP: `GET /api/codes/{code}` validates and explains any input
//! (GB/T 37346), with no database access.

use axum::Json;
use axum::extract::Path;
use axum::http::Method;
use onemap_codes::report::{self, Report};

use crate::http::Routes;

pub fn routes() -> Routes {
    Routes::new().route(Method::GET, "/api/codes/{code}", explain)
}

/// Always 200: the report says whether the code is valid, what kind it is, what each segment
/// means, and which rules it breaks.
async fn explain(Path(code): Path<String>) -> Json<Report> {
    Json(report::validate(code.trim()))
}
