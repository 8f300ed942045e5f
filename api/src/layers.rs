//! 图层: the map's vector-tile layers (MVT source layers of `/tiles/…`), in drawing order, as
//! the layer panel lists them.

/// 图层: one source layer of the tiles, with its names and legend colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MapLayer {
    /// Source-layer id in the tiles and the style, e.g. `parcels`.
    pub id: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    /// Legend colour, `#rrggbb`.
    pub colour: &'static str,
    /// Only roles with relocation access see its features (within their projects).
    pub relocation: bool,
}

/// Every layer of the map.
pub const LAYERS: [MapLayer; 9] = [
    MapLayer { id: "county", name_zh: "县界", name_en: "County", colour: "#333333", relocation: false },
    MapLayer { id: "towns", name_zh: "乡镇", name_en: "Towns", colour: "#7e57c2", relocation: false },
    MapLayer {
        id: "districts",
        name_zh: "地籍区",
        name_en: "Cadastral districts",
        colour: "#8d6e63",
        relocation: false,
    },
    MapLayer { id: "parcels", name_zh: "宗地", name_en: "Parcels", colour: "#e8d5b0", relocation: false },
    MapLayer { id: "buildings", name_zh: "自然幢", name_en: "Buildings", colour: "#a1887f", relocation: false },
    MapLayer { id: "house_units", name_zh: "户", name_en: "House units", colour: "#bcaaa4", relocation: false },
    MapLayer { id: "projects", name_zh: "征收项目", name_en: "Projects", colour: "#d32f2f", relocation: true },
    MapLayer {
        id: "compensation_units",
        name_zh: "补偿单元",
        name_en: "Compensation units",
        colour: "#43a047",
        relocation: true,
    },
    MapLayer { id: "photos", name_zh: "现场照片", name_en: "Photos", colour: "#1e88e5", relocation: true },
];

/// The layer with this id, if there is one.
pub fn layer(id: &str) -> Option<&'static MapLayer> {
    LAYERS.iter().find(|l| l.id == id)
}
