//! 南方CASS DXF: parcel boundaries are closed LWPOLYLINEs on layer `JZD` with their attributes
//! in XDATA under the application `SOUTH`; a TEXT/MTEXT label inside a boundary may carry its
//! parcel code. GDAL 3.6 reads the polylines as lines (no `CLOSED_LINE_AS_POLYGON` before
//! 3.10), so they are closed into polygons here.
//!
//! XDATA is read from GDAL's `RawCodeValues` (`DXF_INCLUDE_RAW_CODE_VALUES=TRUE`): after
//! `1001 SOUTH`, the first `1000` string is CASS's feature code (`CASS_CODE`), then each
//! `1000` string is either `KEY=VALUE` (kept as `KEY`), a parcel code (kept as `ZDDM`) or
//! anything else (kept as `XDATA1`, `XDATA2` … for the mapping to pick).

use geo::{Contains, Geometry, LineString, Polygon};
use geozero::wkb::Wkb;
use geozero::{CoordDimensions, ToGeo, ToWkb};
use serde_json::{Map, Value};

use super::read::{RawFeature, ReadError};

/// The boundary layer of 南方CASS.
const BOUNDARY_LAYER: &str = "JZD";

fn text_field(f: &gdal::vector::Feature<'_>, name: &str) -> Option<String> {
    let i = f.field_index(name).ok()?;
    f.field_as_string(i).ok().flatten().filter(|s| !s.trim().is_empty())
}

fn raw_codes(f: &gdal::vector::Feature<'_>) -> Vec<String> {
    let Ok(i) = f.field_index("RawCodeValues") else { return Vec::new() };
    match f.field(i) {
        Ok(Some(gdal::vector::FieldValue::StringListValue(l))) => l,
        _ => Vec::new(),
    }
}

fn looks_like_parcel_code(s: &str) -> bool {
    s.len() == 19 && s.bytes().all(|b| b.is_ascii_alphanumeric()) && s[..12].bytes().all(|b| b.is_ascii_digit())
}

/// The SOUTH XDATA of an entity as attributes.
pub fn xdata(codes: &[String]) -> Map<String, Value> {
    let mut out = Map::new();
    let mut in_south = false;
    let mut positional = 0;
    for entry in codes {
        let (code, value) = entry.split_once(' ').unwrap_or((entry.as_str(), ""));
        let value = value.trim();
        match code.trim() {
            "1001" => in_south = value.eq_ignore_ascii_case("SOUTH"),
            "1000" if in_south => {
                if !out.contains_key("CASS_CODE") && value.bytes().all(|b| b.is_ascii_digit()) && !value.is_empty() {
                    out.insert("CASS_CODE".into(), Value::from(value));
                } else if let Some((k, v)) = value.split_once('=') {
                    out.insert(k.trim().to_owned(), Value::from(v.trim()));
                } else if looks_like_parcel_code(value) && !out.contains_key("ZDDM") {
                    out.insert("ZDDM".into(), Value::from(value.to_ascii_uppercase()));
                } else {
                    positional += 1;
                    out.insert(format!("XDATA{positional}"), Value::from(value));
                }
            }
            _ => {}
        }
    }
    out
}

/// A boundary as a polygon: a polygon as it is, a line closed (at least three distinct
/// points; fewer stays a line for validation to report).
fn polygon(g: Geometry<f64>) -> Geometry<f64> {
    match g {
        Geometry::LineString(mut l) if l.0.len() >= 3 => {
            if l.0.first() != l.0.last() {
                l.close();
            }
            Geometry::Polygon(Polygon::new(LineString(l.0), vec![]))
        }
        other => other,
    }
}

/// The parcels of a CASS DXF, in file order, with their XDATA and the code of a label inside.
pub fn features(layer: &mut gdal::vector::Layer<'_>) -> Result<Vec<RawFeature>, ReadError> {
    use gdal::vector::LayerAccess;
    let mut boundaries: Vec<(Geometry<f64>, Map<String, Value>)> = Vec::new();
    let mut others: Vec<(Geometry<f64>, Map<String, Value>)> = Vec::new();
    let mut labels: Vec<(geo::Point<f64>, String)> = Vec::new();
    for f in layer.features() {
        let Some(g) = f.geometry().and_then(|g| g.wkb().ok()).and_then(|w| Wkb(w).to_geo().ok()) else { continue };
        let layer_name = text_field(&f, "Layer").unwrap_or_default();
        if let (Geometry::Point(p), Some(t)) = (&g, text_field(&f, "Text")) {
            labels.push((*p, t.trim().to_owned()));
            continue;
        }
        if !matches!(g, Geometry::LineString(_) | Geometry::Polygon(_) | Geometry::MultiPolygon(_)) {
            continue;
        }
        let mut props = xdata(&raw_codes(&f));
        props.insert("DXF_LAYER".into(), Value::from(layer_name.clone()));
        if let Some(h) = text_field(&f, "EntityHandle") {
            props.insert("DXF_HANDLE".into(), Value::from(h));
        }
        if layer_name.eq_ignore_ascii_case(BOUNDARY_LAYER) {
            boundaries.push((polygon(g), props));
        } else if matches!(&g, Geometry::LineString(l) if l.is_closed()) || !matches!(g, Geometry::LineString(_)) {
            others.push((polygon(g), props));
        }
    }
    // The JZD layer when the drawing has one, else every closed outline.
    let chosen = if boundaries.is_empty() { others } else { boundaries };
    let mut out = Vec::with_capacity(chosen.len());
    for (i, (g, mut props)) in chosen.into_iter().enumerate() {
        if !props.contains_key("ZDDM") {
            let inside = labels.iter().find(|(p, t)| looks_like_parcel_code(t) && g.contains(p));
            if let Some((_, t)) = inside {
                props.insert("ZDDM".into(), Value::from(t.to_ascii_uppercase()));
            }
        }
        let wkb = g.to_wkb(CoordDimensions::xy()).ok();
        out.push(RawFeature { n: i as i32 + 1, wkb, props });
    }
    if out.is_empty() {
        return Err(ReadError {
            code: "empty_layer",
            message: "DXF 中没有界址线(JZD 图层的闭合多段线)/ the DXF has no parcel boundaries (closed polylines on layer JZD)".into(),
        });
    }
    Ok(out)
}

/// The attribute names found, in first-seen order.
pub fn fields(features: &[RawFeature]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for f in features {
        for k in f.props.keys() {
            if !names.contains(k) {
                names.push(k.clone());
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_south_xdata() {
        let codes: Vec<String> =
            ["1001 SOUTH", "1000 300000", "1000 410825001001GB00001", "1000 ZL=温县测试路1号", "1000 张三"]
                .iter()
                .map(|s| s.to_string())
                .collect();
        let x = super::xdata(&codes);
        assert_eq!(x["CASS_CODE"], "300000");
        assert_eq!(x["ZDDM"], "410825001001GB00001");
        assert_eq!(x["ZL"], "温县测试路1号");
        assert_eq!(x["XDATA1"], "张三");
        assert!(super::xdata(&["1001 OTHER".to_string(), "1000 1".to_string()]).is_empty());
    }
}
