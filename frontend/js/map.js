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
    clusterPhotos();
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
  return map.getStyle().layers.filter((l) => l['source-layer'] === group || l.metadata?.['onemap:group'] === group);
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

// 现场照片 as count bubbles. The photos come in the vector tiles (source layer `photos`, z15+,
// only for the roles and projects that may see them), and MapLibre clusters only GeoJSON
// sources: so the style's photo layer is replaced by a clustered GeoJSON source fed from the
// photo features of the tiles the map has loaded (querySourceFeatures, deduplicated by photo
// number: a point near a tile edge is in several tiles). Up to z17 nearby photos merge into
// small bubbles with their count, which leave the compensation units under them visible; a
// click on a bubble zooms in until it splits (expandPhotoCluster); from z18 each photo is a
// small dot. The layer panel's 现场照片 row switches the bubbles (metadata onemap:group).
const PHOTOS = 'photo-points';
let photoKey = '';
let photoSync = null;

function clusterPhotos() {
  const layers = map.getStyle().layers;
  const i = layers.findIndex((l) => l['source-layer'] === 'photos');
  if (i < 0) return;
  const tileLayer = layers[i];
  const before = layers[i + 1]?.id;
  const colour = tileLayer.paint?.['circle-color'] || '#1f6feb';
  map.removeLayer(tileLayer.id);
  map.addSource(PHOTOS, {
    type: 'geojson', data: { type: 'FeatureCollection', features: [] },
    cluster: true, clusterRadius: 40, clusterMaxZoom: 17,
  });
  const metadata = { 'onemap:group': 'photos' };
  const clustered = ['has', 'point_count'];
  map.addLayer({ id: 'photo-clusters', type: 'circle', source: PHOTOS, filter: clustered, metadata, paint: {
    'circle-radius': ['step', ['get', 'point_count'], 7, 10, 9, 100, 11],
    'circle-color': colour, 'circle-opacity': 0.8, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1 } }, before);
  map.addLayer({ id: 'photo-cluster-count', type: 'symbol', source: PHOTOS, filter: clustered, metadata,
    layout: { 'text-field': ['get', 'point_count_abbreviated'], 'text-font': ['DejaVu Sans Bold'], 'text-size': 9,
      'text-allow-overlap': true, 'text-ignore-placement': true },
    paint: { 'text-color': '#ffffff' } }, before);
  map.addLayer({ id: 'photo-points', type: 'circle', source: PHOTOS, filter: ['!', clustered], metadata, paint: {
    'circle-radius': 3, 'circle-color': colour, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1 } }, before);
  // From z18 each photo shows the way the camera faced (GPSImgDirection) as a small arrow.
  map.addLayer({ id: 'photo-directions', type: 'symbol', source: PHOTOS, metadata,
    filter: ['all', ['!', clustered], ['has', 'direction_deg']],
    layout: { 'text-field': '▲', 'text-font': ['DejaVu Sans Bold'], 'text-size': 10, 'text-rotate': ['get', 'direction_deg'],
      'text-rotation-alignment': 'map', 'text-allow-overlap': true, 'text-ignore-placement': true, 'text-offset': [0, -0.9] },
    paint: { 'text-color': colour, 'text-halo-color': '#ffffff', 'text-halo-width': 1 } }, before);
  map.on('mouseenter', 'photo-clusters', () => { map.getCanvas().style.cursor = 'pointer'; });
  map.on('mouseleave', 'photo-clusters', () => { map.getCanvas().style.cursor = ''; });
  const later = () => { if (!photoSync) photoSync = setTimeout(syncPhotos, 100); };
  map.on('sourcedata', (e) => { if (e.sourceId === 'onemap') later(); });
  map.on('moveend', later);
}

// The photos of the loaded tiles into the clustered source (only when they changed).
function syncPhotos() {
  photoSync = null;
  const photos = new Map();
  for (const f of map.querySourceFeatures('onemap', { sourceLayer: 'photos' })) {
    if (f.geometry?.type !== 'Point') continue;
    const key = f.properties.photo_no ?? String(f.id ?? f.geometry.coordinates);
    if (!photos.has(key)) {
      photos.set(key, { type: 'Feature', geometry: f.geometry, properties: { ...f.properties } });
    }
  }
  const key = [...photos.keys()].sort().join('|');
  if (key === photoKey) return;
  photoKey = key;
  map.getSource(PHOTOS).setData({ type: 'FeatureCollection', features: [...photos.values()] });
  document.body.dataset.photoPoints = String(photos.size);
}

// A click at (lon, lat) on a photo bubble zooms in until it splits; true when there was one
// (the click is then not an identify).
export function expandPhotoCluster(lon, lat) {
  if (!map || !map.getLayer('photo-clusters')) return false;
  const hit = map.queryRenderedFeatures(map.project([lon, lat]), { layers: ['photo-clusters'] })[0];
  if (!hit) return false;
  map.getSource(PHOTOS).getClusterExpansionZoom(hit.properties.cluster_id)
    .then((zoom) => map.easeTo({ center: hit.geometry.coordinates, zoom, duration: 500 }))
    .catch(() => {});
  return true;
}

// The compensation units in the status colours of the legend (onemap_api::STATUSES, as
// [[status, colour], …] JSON): one source of truth for the map, the legend and the panels.
export function setStatusColours(pairsJson) {
  if (!map) return;
  const pairs = JSON.parse(pairsJson);
  const apply = () => {
    const colour = ['match', ['get', 'status'], ...pairs.flat(), '#cccccc'];
    for (const l of map.getStyle().layers) {
      if (l['source-layer'] === 'compensation_units' && l.type === 'fill') map.setPaintProperty(l.id, 'fill-color', colour);
    }
  };
  if (map.isStyleLoaded()) apply(); else map.once('load', apply);
}

// After a write: the tiles are fetched again (MapLibre sends their ETag; the server answers
// 304 for tiles whose data did not change), so the changed unit shows its new status colour
// without a page reload. The server drops its cached tiles when the database NOTIFYs the
// change, which may come a moment after the answer: later refreshes follow.
let refreshes = 0;
export function refreshTiles() {
  if (!map) return;
  const run = () => {
    if (!map.getSource('onemap')) return;
    map.refreshTiles('onemap');
    refreshes += 1;
    document.body.dataset.tileRefreshes = String(refreshes);
  };
  run();
  setTimeout(run, 1500);
  setTimeout(run, 4000);
}

// 底图: shows `basemapJson` (id, layers: [[tile URL…]…], tile_size, max_zoom, attribution) as
// raster layers under the map's own (above its background), in place of the basemap shown
// before; null shows none.
let basemapLayers = [];
export function setBasemap(basemapJson) {
  for (const id of basemapLayers) {
    if (map.getLayer(id)) map.removeLayer(id);
    if (map.getSource(id)) map.removeSource(id);
  }
  basemapLayers = [];
  document.body.dataset.basemap = '';
  if (!basemapJson) return;
  const b = JSON.parse(basemapJson);
  const before = map.getStyle().layers.find((l) => l.type !== 'background')?.id;
  b.layers.forEach((tiles, i) => {
    const id = `basemap-${b.id}-${i}`;
    map.addSource(id, {
      type: 'raster', tiles, tileSize: b.tile_size, maxzoom: b.max_zoom,
      ...(b.attribution ? { attribution: b.attribution } : {}),
    });
    map.addLayer({ id, type: 'raster', source: id }, before);
    basemapLayers.push(id);
  });
  document.body.dataset.basemap = b.id;
}

// The map's centre as "lon,lat" (for the print page).
export function mapCenter() {
  const c = map.getCenter();
  return `${c.lng.toFixed(6)},${c.lat.toFixed(6)}`;
}
