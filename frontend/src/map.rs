//! The map: bindings to `js/map.js`, the MapLibre glue.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/map.js")]
extern "C" {
    /// Creates the map in `container` with the style at `style_url`; `on_click(lon, lat, zoom)`
    /// and `on_move(lon, lat)` are called on clicks and pointer moves.
    #[wasm_bindgen(js_name = createMap)]
    pub fn create_map(
        container: &web_sys::HtmlElement,
        style_url: &str,
        on_click: &JsValue,
        on_move: &JsValue,
    ) -> JsValue;
    /// Highlights a GeoJSON geometry (None clears); `fly` also moves the map to it.
    pub fn highlight(geometry_json: Option<String>, fly: bool);
    /// Moves the map to a bounding box.
    #[wasm_bindgen(js_name = fitBounds)]
    pub fn fit_bounds(w: f64, s: f64, e: f64, n: f64);
    /// Draws the measured line or polygon (`[[lon, lat], …]` as JSON).
    #[wasm_bindgen(js_name = drawMeasure)]
    pub fn draw_measure(coords_json: &str, polygon: bool);
    /// Shows or hides the style layers of a source layer.
    #[wasm_bindgen(js_name = setGroupVisible)]
    pub fn set_group_visible(group: &str, visible: bool);
    /// Sets the opacity of the style layers of a source layer.
    #[wasm_bindgen(js_name = setGroupOpacity)]
    pub fn set_group_opacity(group: &str, opacity: f64);
    /// A click on a photo count bubble at (lon, lat) zooms in until it splits; true when
    /// there was one there.
    #[wasm_bindgen(js_name = expandPhotoCluster)]
    pub fn expand_photo_cluster(lon: f64, lat: f64) -> bool;
    /// Paints the compensation units in the given status colours (`[[status, colour], …]`).
    #[wasm_bindgen(js_name = setStatusColours)]
    pub fn set_status_colours(pairs_json: &str);
    /// Fetches the tiles again after a write, so that changed statuses show their colour.
    #[wasm_bindgen(js_name = refreshTiles)]
    pub fn refresh_tiles();
    /// Shows a basemap (`onemap_api::basemaps::Basemap` as JSON) under the map's layers, in
    /// place of the one shown before; None shows none.
    #[wasm_bindgen(js_name = setBasemap)]
    pub fn set_basemap(basemap_json: Option<String>);
    /// The map's centre as `lon,lat`.
    #[wasm_bindgen(js_name = mapCenter)]
    pub fn map_center() -> String;
}

#[wasm_bindgen(module = "/js/survey.js")]
extern "C" {
    /// Shows an import's staged features (GeoJSON text) coloured by status, and flies to them.
    #[wasm_bindgen(js_name = showStaged)]
    pub fn show_staged(fc_json: &str);
    #[wasm_bindgen(js_name = clearStaged)]
    pub fn clear_staged();
    #[wasm_bindgen(js_name = flyTo)]
    pub fn fly_to(lon: f64, lat: f64);
    /// Draws an earlier geometry over today's (None clears).
    #[wasm_bindgen(js_name = showPast)]
    pub fn show_past(geometry_json: Option<String>);
    /// Starts vertex editing of a geometry (or drawing a new polygon with None).
    #[wasm_bindgen(js_name = startEdit)]
    pub async fn start_edit(geometry_json: Option<String>);
    /// The edited polygon as GeoJSON text.
    #[wasm_bindgen(js_name = editedGeometry)]
    pub fn edited_geometry() -> Option<String>;
    #[wasm_bindgen(js_name = stopEdit)]
    pub fn stop_edit();
    /// Whether a drawing or an edit is in progress.
    #[wasm_bindgen(js_name = isEditing)]
    pub fn is_editing() -> bool;
}
