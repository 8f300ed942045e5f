//! The tile matrix sets (切片矩阵集) onemap serves, as OGC API Tiles and the TMS 2.0 standard
//! (OGC 17-083r4) describe them: WebMercatorQuad, and CGCS2000Quad — the EPSG:4490
//! longitude/latitude quad grid of the national map service 天地图 (TILEMATRIXSET=c), whose
//! level 1 is two tiles of 180° and whose levels match Web Mercator zooms in scale.

use serde_json::{Value, json};

use crate::MAX_ZOOM;
use crate::web_mercator::HALF_WORLD;

/// 切片矩阵集.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TileMatrixSet {
    WebMercatorQuad,
    /// 天地图经纬度切片 (EPSG:4490), levels 1–20.
    Cgcs2000Quad,
}

/// Metres per degree on the CGCS2000 / WGS 84 equator, and the standard pixel (0.28 mm).
const METRES_PER_DEGREE: f64 = 6_378_137.0 * std::f64::consts::PI / 180.0;
const PIXEL: f64 = 0.000_28;

impl TileMatrixSet {
    pub const ALL: [TileMatrixSet; 2] = [TileMatrixSet::WebMercatorQuad, TileMatrixSet::Cgcs2000Quad];

    pub fn id(self) -> &'static str {
        match self {
            TileMatrixSet::WebMercatorQuad => "WebMercatorQuad",
            TileMatrixSet::Cgcs2000Quad => "CGCS2000Quad",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.id() == s)
    }

    pub fn title(self) -> &'static str {
        match self {
            TileMatrixSet::WebMercatorQuad => "Web Mercator 四叉树切片 (EPSG:3857)",
            TileMatrixSet::Cgcs2000Quad => "CGCS2000 经纬度四叉树切片 (EPSG:4490, 天地图 c 格网)",
        }
    }

    pub fn crs(self) -> &'static str {
        match self {
            TileMatrixSet::WebMercatorQuad => "http://www.opengis.net/def/crs/EPSG/0/3857",
            TileMatrixSet::Cgcs2000Quad => "http://www.opengis.net/def/crs/EPSG/0/4490",
        }
    }

    /// The registered URI, for the sets OGC registers.
    pub fn uri(self) -> Option<&'static str> {
        match self {
            TileMatrixSet::WebMercatorQuad => Some("http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"),
            TileMatrixSet::Cgcs2000Quad => None,
        }
    }

    /// The tile matrix ids: 0–22 for Web Mercator, 1–20 for the 天地图 grid.
    pub fn levels(self) -> std::ops::RangeInclusive<u8> {
        match self {
            TileMatrixSet::WebMercatorQuad => 0..=MAX_ZOOM,
            TileMatrixSet::Cgcs2000Quad => 1..=20,
        }
    }

    /// Columns and rows of a level.
    pub fn size(self, level: u8) -> (u32, u32) {
        match self {
            TileMatrixSet::WebMercatorQuad => (1 << level, 1 << level),
            TileMatrixSet::Cgcs2000Quad => (1 << level, 1 << (level - 1)),
        }
    }

    /// Size of a cell (pixel of a 256-pixel tile) in CRS units.
    pub fn cell_size(self, level: u8) -> f64 {
        match self {
            TileMatrixSet::WebMercatorQuad => 2.0 * HALF_WORLD / 256.0 / f64::from(1u32 << level),
            TileMatrixSet::Cgcs2000Quad => 180.0 / 256.0 / f64::from(1u32 << (level - 1)),
        }
    }

    /// A CGCS2000Quad tile's extent in EPSG:4490 longitude/latitude: `[west, south, east, north]`.
    pub fn geographic_bounds(level: u8, row: u32, col: u32) -> [f64; 4] {
        let size = 180.0 / f64::from(1u32 << (level - 1));
        let west = -180.0 + f64::from(col) * size;
        let north = 90.0 - f64::from(row) * size;
        [west, north - size, west + size, north]
    }

    /// The TMS 2.0 JSON definition.
    pub fn definition(self) -> Value {
        let matrices: Vec<Value> = self
            .levels()
            .map(|level| {
                let (w, h) = self.size(level);
                let cell = self.cell_size(level);
                let (scale, origin) = match self {
                    TileMatrixSet::WebMercatorQuad => (cell / PIXEL, json!([-HALF_WORLD, HALF_WORLD])),
                    // Latitude first, as EPSG:4490 orders its axes.
                    TileMatrixSet::Cgcs2000Quad => (cell * METRES_PER_DEGREE / PIXEL, json!([90.0, -180.0])),
                };
                json!({ "id": level.to_string(), "scaleDenominator": scale, "cellSize": cell,
                        "cornerOfOrigin": "topLeft", "pointOfOrigin": origin, "tileWidth": 256, "tileHeight": 256,
                        "matrixWidth": w, "matrixHeight": h })
            })
            .collect();
        let mut v = json!({
            "id": self.id(),
            "title": self.title(),
            "crs": self.crs(),
            "orderedAxes": match self { TileMatrixSet::WebMercatorQuad => json!(["E", "N"]), TileMatrixSet::Cgcs2000Quad => json!(["Lat", "Lon"]) },
            "tileMatrices": matrices,
        });
        if let Some(uri) = self.uri() {
            v["uri"] = Value::from(uri);
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grids_match_the_registered_and_the_national_ones() {
        let wm = TileMatrixSet::WebMercatorQuad.definition();
        // OGC 17-083r4 Annex D: WebMercatorQuad level 0.
        assert!((wm["tileMatrices"][0]["scaleDenominator"].as_f64().unwrap() - 559_082_264.028_717_8).abs() < 1e-3);
        let c = TileMatrixSet::Cgcs2000Quad.definition();
        // 天地图 c grid level 1 = WorldCRS84Quad level 0: 2 × 1 tiles, 0.703125°/pixel.
        let l1 = &c["tileMatrices"][0];
        assert_eq!(
            (l1["id"].as_str(), l1["matrixWidth"].as_u64(), l1["matrixHeight"].as_u64()),
            (Some("1"), Some(2), Some(1))
        );
        assert!((l1["scaleDenominator"].as_f64().unwrap() - 279_541_132.014_358_76).abs() < 1e-3);
        assert_eq!(c["tileMatrices"].as_array().unwrap().len(), 20);
        assert_eq!(TileMatrixSet::parse("CGCS2000Quad"), Some(TileMatrixSet::Cgcs2000Quad));
        assert_eq!(TileMatrixSet::parse("WorldCRS84Quad"), None);
    }

    #[test]
    fn geographic_tiles_cover_the_world_once() {
        assert_eq!(TileMatrixSet::geographic_bounds(1, 0, 0), [-180.0, -90.0, 0.0, 90.0]);
        assert_eq!(TileMatrixSet::geographic_bounds(1, 0, 1), [0.0, -90.0, 180.0, 90.0]);
        let (w, h) = TileMatrixSet::Cgcs2000Quad.size(3);
        let last = TileMatrixSet::geographic_bounds(3, h - 1, w - 1);
        assert_eq!((last[2], last[1]), (180.0, -90.0));
    }
}
