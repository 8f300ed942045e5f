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

// Measuring: draws the measured line or polygon (lon/lat pairs as JSON) in its own layers.
export function drawMeasure(coordsJson, polygon) {
  if (!map) return;
  const coords = JSON.parse(coordsJson);
  const features = [];
  if (coords.length > 1) {
    features.push({ type: 'Feature', properties: {}, geometry: polygon && coords.length > 2
      ? { type: 'Polygon', coordinates: [[...coords, coords[0]]] }
      : { type: 'LineString', coordinates: coords } });
  }
  coords.forEach((c) => features.push({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: c } }));
  const data = { type: 'FeatureCollection', features };
  if (!map.getSource('measure')) {
    map.addSource('measure', { type: 'geojson', data });
    map.addLayer({ id: 'measure-fill', type: 'fill', source: 'measure', filter: ['==', '$type', 'Polygon'], paint: { 'fill-color': '#e91e63', 'fill-opacity': 0.15 } });
    map.addLayer({ id: 'measure-line', type: 'line', source: 'measure', filter: ['!=', '$type', 'Point'], paint: { 'line-color': '#e91e63', 'line-width': 2, 'line-dasharray': [2, 1] } });
    map.addLayer({ id: 'measure-points', type: 'circle', source: 'measure', filter: ['==', '$type', 'Point'], paint: { 'circle-radius': 4, 'circle-color': '#e91e63' } });
  } else {
    map.getSource('measure').setData(data);
  }
}

// Layer panel: the style's layers grouped by their source layer.
const original = new Map();
function groupLayers(group) {
  return map.getStyle().layers.filter((l) => l['source-layer'] === group);
}
export function setGroupVisible(group, visible) {
  if (!map) return;
  for (const l of groupLayers(group)) map.setLayoutProperty(l.id, 'visibility', visible ? 'visible' : 'none');
}
export function setGroupOpacity(group, opacity) {
  if (!map) return;
  const props = { fill: ['fill-opacity'], line: ['line-opacity'], circle: ['circle-opacity', 'circle-stroke-opacity'], symbol: ['text-opacity', 'icon-opacity'] };
  for (const l of groupLayers(group)) {
    for (const p of props[l.type] || []) {
      const key = l.id + '|' + p;
      if (!original.has(key)) {
        const v = map.getPaintProperty(l.id, p);
        original.set(key, typeof v === 'number' ? v : 1);
      }
      map.setPaintProperty(l.id, p, original.get(key) * opacity);
    }
  }
}
