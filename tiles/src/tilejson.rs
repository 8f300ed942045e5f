//! TileJSON 3.0 documents for a list of vector layers, built with the `tilejson` crate.

use std::collections::BTreeMap;

pub use tilejson::TileJSON;
use tilejson::{Bounds, Center, VectorLayer};

use crate::MAX_ZOOM;

/// A vector layer as TileJSON lists it.
pub struct LayerInfo<'a> {
    pub id: &'a str,
    pub description: &'a str,
    pub minzoom: u8,
    pub maxzoom: u8,
    /// Attribute name and type (`String`, `Number`, `Boolean`).
    pub fields: &'a [(&'a str, &'a str)],
}

/// TileJSON for `layers` served at `tiles_url` (`…/{z}/{x}/{y}.mvt`), covering `bounds`
/// (`[west, south, east, north]`, longitude/latitude).
pub fn document(name: String, tiles_url: String, layers: &[LayerInfo<'_>], bounds: [f64; 4]) -> TileJSON {
    let [w, s, e, n] = bounds;
    let mut doc = tilejson::tilejson! { tiles: vec![tiles_url] };
    doc.name = Some(name);
    doc.scheme = Some("xyz".into());
    doc.minzoom = Some(layers.iter().map(|l| l.minzoom).min().unwrap_or(0));
    doc.maxzoom = Some(MAX_ZOOM);
    doc.bounds = Some(Bounds::new(w, s, e, n));
    doc.center = Some(Center::new((w + e) / 2.0, (s + n) / 2.0, 11));
    doc.attribution = Some("onemap demo data".into());
    doc.vector_layers = Some(
        layers
            .iter()
            .map(|l| {
                let fields: BTreeMap<String, String> =
                    l.fields.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
                let mut layer = VectorLayer::new(l.id.to_owned(), fields);
                layer.description = Some(l.description.to_owned());
                layer.minzoom = Some(l.minzoom);
                layer.maxzoom = Some(l.maxzoom);
                layer
            })
            .collect(),
    );
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_as_tilejson_3() {
        let layers = [LayerInfo {
            id: "parcels",
            description: "宗地",
            minzoom: 8,
            maxzoom: 22,
            fields: &[("unit_code", "String"), ("area", "Number")],
        }];
        let doc = document(
            "onemap parcels".into(),
            "http://x/tiles/parcels/{z}/{x}/{y}.mvt".into(),
            &layers,
            [112.9, 34.8, 113.3, 35.0],
        );
        let v = serde_json::to_value(&doc).unwrap();
        assert_eq!(v["tilejson"], "3.0.0");
        assert_eq!(v["tiles"][0], "http://x/tiles/parcels/{z}/{x}/{y}.mvt");
        assert_eq!(v["minzoom"], 8);
        assert_eq!(v["maxzoom"], 22);
        assert_eq!(v["bounds"], serde_json::json!([112.9, 34.8, 113.3, 35.0]));
        assert_eq!(v["center"][2], 11);
        assert_eq!(v["vector_layers"][0]["fields"]["area"], "Number");
        assert_eq!(v["vector_layers"][0]["description"], "宗地");
    }
}
