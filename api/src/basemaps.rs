//! 底图: background layers configured in onemap.toml (`[[basemaps]]`) — 天地图 vector or
//! imagery, any XYZ/WMTS raster source, or a local MBTiles file onemap serves itself — listed
//! by `GET /api/basemaps` for the layer panel. None by default.

use serde::{Deserialize, Serialize};

/// A basemap the layer panel offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Basemap {
    /// e.g. `tianditu-img`
    pub id: String,
    /// e.g. 天地图影像
    pub name: String,
    /// `tianditu`, `xyz`, `wmts` or `mbtiles`
    pub kind: String,
    /// Raster layers drawn bottom to top, each a list of tile URL templates (`{z}`, `{x}`,
    /// `{y}`; several hosts of one service are alternatives): 天地图 gives its map and its
    /// annotation layer (注记).
    pub layers: Vec<Vec<String>>,
    /// Tile size in pixels.
    pub tile_size: u32,
    pub max_zoom: u8,
    pub attribution: Option<String>,
}
