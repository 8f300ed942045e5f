// MapLibre glue for the Leptos app: the map, clicks, highlighting, flying. MapLibre itself is
// vendored from npm (index.html loads it as an ES module and sets window.maplibregl).
let map;

export function createMap(container, styleUrl, onClick, onMove) {
  const maplibregl = window.maplibregl;
  map = new maplibregl.Map({
    container,
    style: styleUrl,
    center: [113.04, 34.94],
    zoom: 11,
    attributionControl: false,
    localIdeographFontFamily: "'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif",
  });
  window.__onemapMap = map;
  map.addControl(new maplibregl.NavigationControl(), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
  map.on('click', (e) => onClick(e.lngLat.lng, e.lngLat.lat, map.getZoom()));
  map.on('mousemove', (e) => onMove(e.lngLat.lng, e.lngLat.lat));
  map.on('load', () => {
    map.addSource('selection', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    map.addLayer({ id: 'selection-fill', type: 'fill', source: 'selection', paint: { 'fill-color': '#ffd400', 'fill-opacity': 0.35 } });
    map.addLayer({ id: 'selection-line', type: 'line', source: 'selection', paint: { 'line-color': '#ff6a00', 'line-width': 3 } });
    document.body.dataset.mapLoaded = 'true';
  });
  map.once('idle', () => { document.body.dataset.mapIdle = String(performance.now()); });
  return map;
}

// Highlights a GeoJSON geometry (or clears with null); fly=true also moves the map to it.
export function highlight(geometryJson, fly) {
  if (!map) return;
  const geometry = geometryJson ? JSON.parse(geometryJson) : null;
  const data = { type: 'FeatureCollection', features: geometry ? [{ type: 'Feature', geometry, properties: {} }] : [] };
  const apply = () => {
    map.getSource('selection').setData(data);
    if (geometry && fly) {
      const b = new window.maplibregl.LngLatBounds();
      const walk = (c) => (typeof c[0] === 'number' ? b.extend(c) : c.forEach(walk));
      walk(geometry.coordinates);
      map.fitBounds(b, { padding: 120, maxZoom: 18, duration: 800 });
    }
  };
  if (map.getSource('selection')) apply(); else map.once('load', apply);
}

// Moves the map to a bounding box [west, south, east, north].
export function fitBounds(w, s, e, n) {
  if (map) map.fitBounds([[w, s], [e, n]], { padding: 60, duration: 800 });
}
