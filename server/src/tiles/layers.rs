//! The tile layers: name, zoom range, fields, the tables they read, and their SQL (one
//! `.sql` file each under `sql/`, a `SELECT` of features with an MVT `geom`, reading the tile
//! `t` and the caller parameters `$1` z, `$4` may see relocation data, `$5` project scope).

/// One vector-tile layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layer {
    /// 县界
    County,
    /// 乡镇/街道界
    Towns,
    /// 地籍区、地籍子区
    Districts,
    /// 宗地 (aggregated per 地籍子区 below z14)
    Parcels,
    /// 自然幢
    Buildings,
    /// 户
    HouseUnits,
    /// 征收项目
    Projects,
    /// 征收补偿单元
    CompensationUnits,
    /// 现场照片
    Photos,
}

/// A field of a layer as TileJSON lists it.
pub type Field = (&'static str, &'static str);

impl Layer {
    pub const ALL: [Layer; 9] = [
        Layer::County,
        Layer::Towns,
        Layer::Districts,
        Layer::Parcels,
        Layer::Buildings,
        Layer::HouseUnits,
        Layer::Projects,
        Layer::CompensationUnits,
        Layer::Photos,
    ];

    /// The source-layer id, from the one list the web UI's layer panel reads too
    /// ([`onemap_api::LAYERS`], in the same order as [`Layer::ALL`]).
    pub fn name(self) -> &'static str {
        onemap_api::LAYERS[self as usize].id
    }

    /// Whether only roles with relocation access see the layer's features.
    pub fn relocation(self) -> bool {
        onemap_api::LAYERS[self as usize].relocation
    }

    pub fn parse(name: &str) -> Option<Layer> {
        Layer::ALL.into_iter().find(|l| l.name() == name)
    }

    /// Zoom levels at which the layer has features.
    pub fn zooms(self) -> (u8, u8) {
        match self {
            Layer::County => (0, 22),
            Layer::Towns | Layer::Districts | Layer::Parcels | Layer::Projects => (8, 22),
            Layer::CompensationUnits => (12, 22),
            Layer::Buildings | Layer::Photos => (15, 22),
            Layer::HouseUnits => (16, 22),
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Layer::County => "县界 county boundary",
            Layer::Towns => "乡镇/街道 towns and streets: boundaries and one label point each (label = true)",
            Layer::Districts => "地籍区/地籍子区 cadastral districts and sub-districts (from z12) with parcel density",
            Layer::Parcels => {
                "宗地 parcels from z14 (parcel_code from z15, unit_code from z16); below, one aggregated feature per 地籍子区"
            }
            Layer::Buildings => "自然幢 buildings (building_no from z16)",
            Layer::HouseUnits => "户 house units",
            Layer::Projects => "征收项目 relocation projects (roles with relocation access, in scope)",
            Layer::CompensationUnits => {
                "征收补偿单元 compensation units with status (roles with relocation access, in scope)"
            }
            Layer::Photos => "现场照片 field photos (roles with relocation access, in scope)",
        }
    }

    pub fn fields(self) -> &'static [Field] {
        match self {
            Layer::County => &[("code", "String"), ("name", "String")],
            Layer::Towns => &[("code", "String"), ("name", "String"), ("label", "Boolean")],
            Layer::Districts => &[
                ("code", "String"),
                ("name", "String"),
                ("level", "String"),
                ("parcels", "Number"),
                ("parcels_per_km2", "Number"),
            ],
            Layer::Parcels => &[
                ("unit_code", "String"),
                ("parcel_code", "String"),
                ("land_use", "String"),
                ("aggregated", "Boolean"),
                ("parcels", "Number"),
                ("parcels_per_km2", "Number"),
            ],
            Layer::Buildings => &[("building_no", "String"), ("floors", "Number"), ("planned_use", "String")],
            Layer::HouseUnits => {
                &[("unit_code", "String"), ("floor", "Number"), ("room_label", "String"), ("use", "String")]
            }
            Layer::Projects => &[("code", "String"), ("name", "String"), ("stage", "String"), ("label", "Boolean")],
            Layer::CompensationUnits => &[
                ("code", "String"),
                ("unit_code", "String"),
                ("status", "String"),
                ("project_code", "String"),
                ("owner", "String"),
                ("total_amount", "Number"),
            ],
            Layer::Photos => &[
                ("photo_no", "String"),
                ("taken_at", "String"),
                ("compensation_unit", "String"),
                ("direction_deg", "Number"),
            ],
        }
    }

    /// Tables whose changes alter this layer's tiles at zoom `z` (none outside its zooms).
    pub fn tables(self, z: u8) -> &'static [&'static str] {
        let (min, max) = self.zooms();
        if z < min || z > max {
            return &[];
        }
        match self {
            Layer::County | Layer::Towns => &["admin_areas"],
            Layer::Districts if z < 12 => &["cadastral_districts"],
            Layer::Districts => &["cadastral_districts", "cadastral_subdistricts"],
            Layer::Parcels if z < 14 => &["cadastral_subdistricts"],
            Layer::Parcels => &["parcels"],
            Layer::Buildings => &["buildings"],
            Layer::HouseUnits => &["house_units"],
            Layer::Projects => &["relocation_projects"],
            Layer::CompensationUnits => &["compensation_units", "relocation_projects", "right_holders"],
            Layer::Photos => &["photos", "compensation_units"],
        }
    }

    fn features_sql(self) -> &'static str {
        match self {
            Layer::County => include_str!("sql/county.sql"),
            Layer::Towns => include_str!("sql/towns.sql"),
            Layer::Districts => include_str!("sql/districts.sql"),
            Layer::Parcels => include_str!("sql/parcels.sql"),
            Layer::Buildings => include_str!("sql/buildings.sql"),
            Layer::HouseUnits => include_str!("sql/house_units.sql"),
            Layer::Projects => include_str!("sql/projects.sql"),
            Layer::CompensationUnits => include_str!("sql/compensation_units.sql"),
            Layer::Photos => include_str!("sql/photos.sql"),
        }
    }
}

/// The query for one tile of `layers` (in that order, one MVT layer each, concatenated:
/// a tile is a sequence of layers). Built only from the fixed `.sql` files above, chosen by
/// the parsed layer list, never from request text. Parameters: $1 z, $2 x, $3 y, $4 may see
/// relocation data, $5 project scope (null: all). Layers outside their zoom range are left out.
/// The tile query in Web Mercator: $1 z, $2 x, $3 y, $4 sees relocation data, $5 scope.
pub fn tile_query(layers: &[Layer], z: u8) -> String {
    compose(
        layers,
        z,
        "WITH t AS (SELECT env, ST_Expand(env, (ST_XMax(env) - ST_XMin(env)) * 64 / 4096) AS env_m,\n\
         ST_Transform(ST_Expand(env, (ST_XMax(env) - ST_XMin(env)) * 64 / 4096), 4490) AS env_4490,\n\
         (ST_XMax(env) - ST_XMin(env)) / 4096 AS px\n\
         FROM (SELECT ST_TileEnvelope($1::int, $2::int, $3::int) AS env) e)",
        |sql| sql.to_owned(),
    )
}

/// The tile query in CGCS2000 longitude/latitude (EPSG:4490) tiles: $1 the equivalent Web
/// Mercator zoom, $2 west, $3 south, $6 east, $7 north, $4 and $5 as in [`tile_query`].
/// The layers' SQL is the same with the geometries left in EPSG:4490.
pub fn geographic_tile_query(layers: &[Layer], z: u8) -> String {
    compose(
        layers,
        z,
        "WITH t AS (SELECT env, ST_Expand(env, (ST_XMax(env) - ST_XMin(env)) * 64 / 4096) AS env_m,\n\
         ST_Expand(env, (ST_XMax(env) - ST_XMin(env)) * 64 / 4096) AS env_4490,\n\
         (ST_XMax(env) - ST_XMin(env)) / 4096 AS px\n\
         FROM (SELECT ST_MakeEnvelope($2::float8, $3::float8, $6::float8, $7::float8, 4490) AS env) e)",
        |sql| without_web_mercator(&sql.replace("geom_3857", "geom")),
    )
}

fn compose(layers: &[Layer], z: u8, head: &str, adapt: impl Fn(&str) -> String) -> String {
    let mut sql = format!("{head}\nSELECT ''::bytea");
    for layer in layers.iter().filter(|l| (l.zooms().0..=l.zooms().1).contains(&z)) {
        let features = layer.features_sql().lines().filter(|l| !l.starts_with("--")).collect::<Vec<_>>().join("\n");
        sql.push_str(&format!(
            "\n|| coalesce((SELECT ST_AsMVT(f, '{}', 4096, 'geom', 'id') FROM (\n{}\n) f), ''::bytea)",
            layer.name(),
            adapt(&features),
        ));
    }
    sql.push_str("\nFROM t");
    sql
}

/// `ST_Transform(<expr>, 3857)` → `<expr>`, for every occurrence (nested parentheses allowed).
fn without_web_mercator(sql: &str) -> String {
    const OPEN: &str = "ST_Transform(";
    let mut out = String::with_capacity(sql.len());
    let mut rest = sql;
    while let Some(i) = rest.find(OPEN) {
        out.push_str(&rest[..i]);
        let inner = &rest[i + OPEN.len()..];
        let mut depth = 1;
        let close = inner.char_indices().find_map(|(j, c)| {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            (depth == 0).then_some(j)
        });
        match close.and_then(|j| inner[..j].strip_suffix(", 3857").map(|arg| (j, arg))) {
            Some((j, arg)) => {
                out.push_str(&without_web_mercator(arg));
                rest = &inner[j + 1..];
            }
            None => {
                out.push_str(OPEN);
                rest = inner;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_zooms_are_ordered() {
        for l in Layer::ALL {
            assert_eq!(Layer::parse(l.name()), Some(l));
            let (min, max) = l.zooms();
            assert!(min <= max && max <= 22);
            assert!(!l.fields().is_empty() && !l.tables(min).is_empty());
            assert!(min == 0 || l.tables(min - 1).is_empty(), "{l:?} depends on tables below its zooms");
        }
        assert_eq!(Layer::parse("Parcels"), None);
    }

    #[test]
    fn geographic_queries_stay_in_cgcs2000() {
        let all: Vec<Layer> = Layer::ALL.to_vec();
        for z in [3, 10, 13, 17] {
            let q = geographic_tile_query(&all, z);
            assert!(!q.contains("3857"), "{q}");
            assert!(q.contains("ST_MakeEnvelope($2::float8, $3::float8, $6::float8, $7::float8, 4490)"));
        }
        assert_eq!(
            without_web_mercator(
                "ST_AsMVTGeom(ST_Transform(ST_PointOnSurface(a.geom), 3857), t.env), ST_Transform(x, 4490)"
            ),
            "ST_AsMVTGeom(ST_PointOnSurface(a.geom), t.env), ST_Transform(x, 4490)"
        );
    }

    #[test]
    fn queries_leave_out_layers_outside_their_zooms() {
        let q = tile_query(&[Layer::County, Layer::HouseUnits], 10);
        assert!(q.contains("'county'") && !q.contains("'house_units'"));
        let q = tile_query(&[Layer::County, Layer::HouseUnits], 17);
        assert!(q.contains("'county'") && q.contains("'house_units'"));
    }

    #[test]
    fn the_layer_list_is_the_one_the_ui_reads() {
        for (i, l) in Layer::ALL.iter().enumerate() {
            assert_eq!(*l as usize, i, "Layer::ALL is in declaration order");
        }
        let relocation: Vec<Layer> = Layer::ALL.into_iter().filter(|l| l.relocation()).collect();
        assert_eq!(relocation, [Layer::Projects, Layer::CompensationUnits, Layer::Photos]);
        // The relocation layers' SQL reads the caller's relocation access ($4) and scope ($5).
        for l in Layer::ALL {
            let sql = tile_query(&[l], 16);
            assert_eq!(sql.contains("$4") && sql.contains("$5"), l.relocation(), "{l:?}");
        }
    }
}
