//! WKB → GeoJSON geometry, written straight into the response buffer: coordinates rounded to
//! the CRS's precision and in the CRS's axis order. PostgreSQL sends `ST_AsBinary`; geozero
//! reads the WKB and drives this writer.

use std::io::Write;

use geozero::GeomProcessor;
use geozero::error::Result;

/// Writes one geometry as GeoJSON into `out`.
pub struct GeometryWriter<'a> {
    out: &'a mut Vec<u8>,
    scale: f64,
    swap: bool,
}

impl<'a> GeometryWriter<'a> {
    /// `decimals` places kept; `swap` writes y before x (northing/latitude first).
    pub fn new(out: &'a mut Vec<u8>, decimals: i32, swap: bool) -> Self {
        Self { out, scale: 10f64.powi(decimals), swap }
    }

    fn comma(&mut self, idx: usize) {
        if idx > 0 {
            self.out.push(b',');
        }
    }

    fn open(&mut self, idx: usize, kind: &str, member: &str) {
        self.comma(idx);
        let _ = write!(self.out, "{{\"type\":\"{kind}\",\"{member}\":");
    }

    fn number(&mut self, v: f64) {
        let r = (v * self.scale).round() / self.scale;
        // Integral values print without a fraction, as PostGIS writes them.
        let r = if r == 0.0 { 0.0 } else { r };
        let _ = write!(self.out, "{r}");
    }
}

/// Writes the WKB geometry `wkb` as GeoJSON (`null` for an empty input).
pub fn write(out: &mut Vec<u8>, wkb: Option<&[u8]>, decimals: i32, swap: bool) -> Result<()> {
    match wkb {
        None => {
            out.extend_from_slice(b"null");
            Ok(())
        }
        Some(mut bytes) => geozero::wkb::process_wkb_geom(&mut bytes, &mut GeometryWriter::new(out, decimals, swap)),
    }
}

impl GeomProcessor for GeometryWriter<'_> {
    fn xy(&mut self, x: f64, y: f64, idx: usize) -> Result<()> {
        self.comma(idx);
        let (a, b) = if self.swap { (y, x) } else { (x, y) };
        self.out.push(b'[');
        self.number(a);
        self.out.push(b',');
        self.number(b);
        self.out.push(b']');
        Ok(())
    }
    fn empty_point(&mut self, idx: usize) -> Result<()> {
        self.open(idx, "Point", "coordinates");
        self.out.extend_from_slice(b"[]}");
        Ok(())
    }
    fn point_begin(&mut self, idx: usize) -> Result<()> {
        self.open(idx, "Point", "coordinates");
        Ok(())
    }
    fn point_end(&mut self, _idx: usize) -> Result<()> {
        self.out.push(b'}');
        Ok(())
    }
    fn multipoint_begin(&mut self, _size: usize, idx: usize) -> Result<()> {
        self.open(idx, "MultiPoint", "coordinates");
        self.out.push(b'[');
        Ok(())
    }
    fn multipoint_end(&mut self, _idx: usize) -> Result<()> {
        self.out.extend_from_slice(b"]}");
        Ok(())
    }
    fn linestring_begin(&mut self, tagged: bool, _size: usize, idx: usize) -> Result<()> {
        if tagged {
            self.open(idx, "LineString", "coordinates");
        } else {
            self.comma(idx);
        }
        self.out.push(b'[');
        Ok(())
    }
    fn linestring_end(&mut self, tagged: bool, _idx: usize) -> Result<()> {
        self.out.extend_from_slice(if tagged { b"]}" } else { b"]" });
        Ok(())
    }
    fn multilinestring_begin(&mut self, _size: usize, idx: usize) -> Result<()> {
        self.open(idx, "MultiLineString", "coordinates");
        self.out.push(b'[');
        Ok(())
    }
    fn multilinestring_end(&mut self, _idx: usize) -> Result<()> {
        self.out.extend_from_slice(b"]}");
        Ok(())
    }
    fn polygon_begin(&mut self, tagged: bool, _size: usize, idx: usize) -> Result<()> {
        if tagged {
            self.open(idx, "Polygon", "coordinates");
        } else {
            self.comma(idx);
        }
        self.out.push(b'[');
        Ok(())
    }
    fn polygon_end(&mut self, tagged: bool, _idx: usize) -> Result<()> {
        self.out.extend_from_slice(if tagged { b"]}" } else { b"]" });
        Ok(())
    }
    fn multipolygon_begin(&mut self, _size: usize, idx: usize) -> Result<()> {
        self.open(idx, "MultiPolygon", "coordinates");
        self.out.push(b'[');
        Ok(())
    }
    fn multipolygon_end(&mut self, _idx: usize) -> Result<()> {
        self.out.extend_from_slice(b"]}");
        Ok(())
    }
    fn geometrycollection_begin(&mut self, _size: usize, idx: usize) -> Result<()> {
        self.open(idx, "GeometryCollection", "geometries");
        self.out.push(b'[');
        Ok(())
    }
    fn geometrycollection_end(&mut self, _idx: usize) -> Result<()> {
        self.out.extend_from_slice(b"]}");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geozero::{CoordDimensions, ToWkb};

    fn json(g: geo::Geometry<f64>, decimals: i32, swap: bool) -> serde_json::Value {
        let wkb = g.to_wkb(CoordDimensions::xy()).unwrap();
        let mut out = Vec::new();
        write(&mut out, Some(&wkb), decimals, swap).unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn rounds_swaps_and_nests_like_geojson() {
        let ring = vec![(113.048152649, 34.94679441), (113.1, 34.9), (113.2, 35.0)];
        let poly = geo::Polygon::new(geo::LineString::from(ring), vec![]);
        let mp = geo::Geometry::MultiPolygon(geo::MultiPolygon(vec![poly.clone(), poly]));
        let v = json(mp.clone(), 7, false);
        assert_eq!(v["type"], "MultiPolygon");
        assert_eq!(v["coordinates"][1][0][0], serde_json::json!([113.0481526, 34.9467944]));
        assert_eq!(v["coordinates"][0][0].as_array().unwrap().len(), 4);
        let v = json(mp, 2, true);
        assert_eq!(v["coordinates"][0][0][1], serde_json::json!([34.9, 113.1]));
        let v = json(geo::Geometry::Point(geo::point!(x: 3869104.456, y: 38413050.0)), 2, false);
        assert_eq!(v, serde_json::json!({ "type": "Point", "coordinates": [3869104.46, 38413050] }));
        let gc = geo::Geometry::GeometryCollection(geo::GeometryCollection(vec![
            geo::Geometry::Point(geo::point!(x: 1.0, y: 2.0)),
            geo::Geometry::LineString(geo::LineString::from(vec![(0.0, 0.0), (1.0, 1.0)])),
        ]));
        assert_eq!(json(gc, 7, false)["geometries"][1]["coordinates"], serde_json::json!([[0, 0], [1, 1]]));
        let mut out = Vec::new();
        write(&mut out, None, 7, false).unwrap();
        assert_eq!(out, b"null");
    }
}
