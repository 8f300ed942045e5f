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
}
