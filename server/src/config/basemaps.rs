//! `[[basemaps]]`: background layers of the map.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::ConfigError;

/// `[[basemaps]]` of onemap.toml: a background layer the layer panel offers (none by default).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BasemapConfig {
    /// Letters, digits, `-` and `_`: the id in `/basemaps/{id}/…` and the style.
    pub id: String,
    /// The name in the layer panel, e.g. 天地图影像.
    pub name: String,
    /// `tianditu`, `xyz`, `wmts` or `mbtiles`.
    pub kind: String,
    /// xyz and wmts: the tile URL with `{z}`, `{x}` and `{y}` (a WMTS KVP GetTile URL with them
    /// in TILEMATRIX, TILECOL and TILEROW, Web Mercator tile matrix set).
    pub url: Option<String>,
    /// tianditu: `vec` (矢量) or `img` (影像); its annotation layer (cva, cia) comes along.
    pub layer: Option<String>,
    /// tianditu: the key (tk); it reaches the browser, as 天地图's browser keys are meant to.
    pub key: Option<String>,
    /// mbtiles: the file (relative paths: under the data directory).
    pub path: Option<PathBuf>,
    pub attribution: Option<String>,
    /// Highest zoom of the source [default: 18].
    pub max_zoom: Option<u8>,
}

/// Each basemap complete for its kind, ids unique.
pub(super) fn checked_basemaps(
    mut list: Vec<BasemapConfig>,
    data_dir: &Path,
) -> Result<Vec<BasemapConfig>, ConfigError> {
    for b in &mut list {
        b.path = b.path.take().map(|p| if p.is_relative() { data_dir.join(p) } else { p });
    }
    let bad = |b: &BasemapConfig, why: &str| ConfigError::Invalid(format!("[[basemaps]] {:?}: {why}", b.id));
    for (i, b) in list.iter().enumerate() {
        if b.id.is_empty() || !b.id.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_') {
            return Err(bad(b, "id is letters, digits, - and _"));
        }
        if list[..i].iter().any(|o| o.id == b.id) {
            return Err(bad(b, "id appears twice"));
        }
        let ok = match b.kind.as_str() {
            "tianditu" => {
                matches!(b.layer.as_deref(), Some("vec" | "img")) && b.key.as_deref().is_some_and(|k| !k.is_empty())
            }
            "xyz" | "wmts" => b.url.as_deref().is_some_and(|u| {
                (u.starts_with("https://") || u.starts_with("http://"))
                    && ["{z}", "{x}", "{y}"].iter().all(|p| u.contains(p))
            }),
            "mbtiles" => b.path.is_some(),
            _ => return Err(bad(b, "kind is tianditu, xyz, wmts or mbtiles")),
        };
        if !ok {
            return Err(bad(
                b,
                "tianditu needs layer (vec or img) and key; xyz and wmts an http(s) url with {z}, {x}, {y}; mbtiles a path",
            ));
        }
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::super::{Config, GlobalArgs};

    #[test]
    fn basemaps_are_checked_and_mbtiles_paths_resolved() {
        let dir = std::env::temp_dir().join(format!("onemap-basemaps-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("c.toml");
        let args = GlobalArgs { config: Some(file.clone()), data_dir: Some(dir.join("data")), ..Default::default() };
        std::fs::write(
            &file,
            "[[basemaps]]\nid = \"m\"\nname = \"离线\"\nkind = \"mbtiles\"\npath = \"b/c.mbtiles\"\n",
        )
        .unwrap();
        let c = Config::load(&args).unwrap();
        assert_eq!(c.basemaps[0].path.as_deref(), Some(dir.join("data/b/c.mbtiles").as_path()));
        for (toml, why) in [
            ("id = \"t\"\nname = \"天地图\"\nkind = \"tianditu\"\nlayer = \"img\"\n", "needs layer"),
            ("id = \"x\"\nname = \"x\"\nkind = \"xyz\"\nurl = \"https://a.b/{z}/{x}.png\"\n", "{z}, {x}, {y}"),
            ("id = \"a b\"\nname = \"x\"\nkind = \"mbtiles\"\npath = \"p\"\n", "letters, digits"),
            ("id = \"w\"\nname = \"x\"\nkind = \"wms\"\n", "kind is"),
        ] {
            std::fs::write(&file, format!("[[basemaps]]\n{toml}")).unwrap();
            let err = Config::load(&args).unwrap_err().to_string();
            assert!(err.contains("[[basemaps]]") && err.contains(why), "{toml}: {err}");
        }
        std::fs::remove_dir_all(dir).unwrap();
    }
}
