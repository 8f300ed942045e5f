//! The map style and its label glyphs: `GET /styles/onemap.json` (the MapLibre style kept in
//! `styles/`, using only onemap's own tiles) and `GET /fonts/{fontstack}/{range}.pbf`
//! (signed-distance-field glyphs, rendered on first request from the DejaVu fonts of
//! Debian's fonts-dejavu-core and kept in memory). Chinese labels are drawn by the browser
//! (MapLibre's `localIdeographFontFamily`), so CJK ranges come back empty.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{LazyLock, Mutex};

use axum::extract::Path;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use pbf_font_tools::prost::Message;

use crate::auth::Routes;
use crate::auth::policy::Access;
use crate::base::ApiError;

pub fn routes() -> Routes {
    Routes::new().route(Method::GET, "/styles/onemap.json", Access::Public, style).route(
        Method::GET,
        "/fonts/{fontstack}/{range}",
        Access::Public,
        glyphs,
    )
}

const STYLE: &str = include_str!("../../../styles/onemap.json");

/// `GET /styles/onemap.json`, with absolute URLs for the host the client used.
async fn style(headers: HeaderMap) -> Response {
    let body = STYLE.replace("{origin}", &crate::tiles::origin(&headers));
    ([(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "public, max-age=300")], body).into_response()
}

/// Font stacks served and their files (fonts-dejavu-core).
const FONTS: &[(&str, &str)] = &[
    ("DejaVu Sans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    ("DejaVu Sans Bold", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
];

/// Rendered glyph ranges: (font file, first code point) → PBF.
static RENDERED: LazyLock<Mutex<HashMap<(&'static str, u32), Bytes>>> = LazyLock::new(Default::default);

/// `0-255.pbf` → 0: ranges are 256 code points starting at a multiple of 256.
fn parse_range(range: &str) -> Result<u32, ApiError> {
    let bad = || {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_range",
            format!("glyph ranges look like 0-255.pbf (256 code points from a multiple of 256), not {range:?}"),
        )
    };
    let (start, end) = range.strip_suffix(".pbf").and_then(|r| r.split_once('-')).ok_or_else(bad)?;
    let (start, end): (u32, u32) = (start.parse().map_err(|_| bad())?, end.parse().map_err(|_| bad())?);
    if start % 256 != 0 || end != start + 255 || end > 0xFFFF {
        return Err(bad());
    }
    Ok(start)
}

async fn glyphs(Path((fontstack, range)): Path<(String, String)>) -> Result<Response, ApiError> {
    let start = parse_range(&range)?;
    // A stack lists fonts by preference; the first one we have answers.
    let path = fontstack
        .split(',')
        .find_map(|name| FONTS.iter().find(|(n, _)| *n == name.trim()).map(|(_, p)| *p))
        .ok_or_else(|| {
            let known: Vec<&str> = FONTS.iter().map(|(n, _)| *n).collect();
            ApiError::new(
                StatusCode::NOT_FOUND,
                "unknown_font",
                format!("no font {fontstack:?}; fonts: {}", known.join(", ")),
            )
        })?;
    let cached = RENDERED.lock().expect("glyph cache").get(&(path, start)).cloned();
    let pbf = match cached {
        Some(b) => b,
        None => {
            let rendered = tokio::task::spawn_blocking(move || render(path, start))
                .await
                .map_err(|e| ApiError::internal(format!("glyph rendering panicked: {e}")))??;
            RENDERED.lock().expect("glyph cache").insert((path, start), rendered.clone());
            rendered
        }
    };
    Ok(([(header::CONTENT_TYPE, "application/x-protobuf"), (header::CACHE_CONTROL, "public, max-age=86400")], pbf)
        .into_response())
}

/// Renders one range (size 24, radius 8, cutoff 0.25: what MapLibre's glyphs use).
fn render(path: &'static str, start: u32) -> Result<Bytes, ApiError> {
    let file = PathBuf::from(path);
    if !file.exists() {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "font_missing",
            format!("{path} is missing: install Debian's fonts-dejavu-core"),
        ));
    }
    let glyphs = pbf_font_tools::glyph_range_for_font(&file, start, start + 255, 24, 8, 0.25)
        .map_err(|e| ApiError::internal(format!("cannot render glyphs {start}-{} of {path}: {e}", start + 255)))?;
    Ok(Bytes::from(glyphs.encode_to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_checked() {
        assert_eq!(parse_range("0-255.pbf").unwrap(), 0);
        assert_eq!(parse_range("19968-20223.pbf").unwrap(), 19968);
        for bad in ["0-256.pbf", "1-256.pbf", "0-255", "a-b.pbf", "65536-65791.pbf", "-1-254.pbf"] {
            assert!(parse_range(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn style_uses_only_our_sources() {
        let style: serde_json::Value = serde_json::from_str(STYLE).unwrap();
        assert_eq!(style["version"], 8);
        for (name, source) in style["sources"].as_object().unwrap() {
            assert!(source["url"].as_str().unwrap().starts_with("{origin}/tiles/"), "{name}");
        }
        assert!(style["glyphs"].as_str().unwrap().starts_with("{origin}/fonts/"));
        // Every font a layer asks for is served.
        for layer in style["layers"].as_array().unwrap() {
            for font in layer["layout"]["text-font"].as_array().into_iter().flatten() {
                assert!(FONTS.iter().any(|(n, _)| font == n), "{font}");
            }
        }
    }
}
