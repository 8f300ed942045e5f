//! Tile grids without a database: z/x/y ↔ bounds in Web Mercator ([`web_mercator`]), the two
//! tile matrix sets onemap serves ([`tms`]: WebMercatorQuad and the 天地图 CGCS2000 quad
//! grid), and TileJSON documents ([`tilejson`]).

pub mod tilejson;
pub mod tms;
pub mod web_mercator;

pub use tms::TileMatrixSet;

/// Deepest Web Mercator zoom served.
pub const MAX_ZOOM: u8 = 22;
