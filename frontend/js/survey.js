// Survey glue: the staged features of an import coloured by their diff status, an earlier
// version of a unit drawn over today's, and drawing / vertex editing with terra-draw (vendored
// from npm, loaded on first use).
const STATUS_COLOURS = ['match', ['get', 'status'],
  'new', '#2e7d32', 'changed', '#1565c0', 'unchanged', '#9e9e9e', 'conflict', '#ef6c00', 'error', '#c62828', '#9e9e9e'];

function map() {
  return window.__onemapMap;
}

function whenLoaded(f) {
  const m = map();
  if (!m) return;
  if (m.isStyleLoaded()) f(m); else m.once('load', () => f(m));
}

function boundsOf(features) {
  const b = new window.maplibregl.LngLatBounds();
  const walk = (c) => (typeof c[0] === 'number' ? b.extend(c) : c.forEach(walk));
  features.forEach((f) => f.geometry && walk(f.geometry.coordinates));
  return b;
}

// Shows an import's staged features (a GeoJSON FeatureCollection as text) over the map and
// moves the map to them.
export function showStaged(fcJson) {
  const data = JSON.parse(fcJson);
  whenLoaded((m) => {
    if (m.getSource('staged')) {
      m.getSource('staged').setData(data);
    } else {
      m.addSource('staged', { type: 'geojson', data });
      m.addLayer({ id: 'staged-fill', type: 'fill', source: 'staged', paint: { 'fill-color': STATUS_COLOURS, 'fill-opacity': 0.35 } });
      m.addLayer({ id: 'staged-line', type: 'line', source: 'staged', paint: { 'line-color': STATUS_COLOURS, 'line-width': 2 } });
    }
    if (data.features.length) m.fitBounds(boundsOf(data.features), { padding: 80, maxZoom: 18, duration: 0 });
    document.body.dataset.staged = String(data.features.length);
  });
}

export function clearStaged() {
  whenLoaded((m) => {
    if (m.getSource('staged')) m.getSource('staged').setData({ type: 'FeatureCollection', features: [] });
    delete document.body.dataset.staged;
  });
}

export function flyTo(lon, lat) {
  const m = map();
  if (m) m.flyTo({ center: [lon, lat], zoom: Math.max(m.getZoom(), 17), duration: 600 });
}

// Draws an earlier version's geometry (dashed, purple) over today's; null clears.
export function showPast(geometryJson) {
  whenLoaded((m) => {
    const geometry = geometryJson ? JSON.parse(geometryJson) : null;
    const data = { type: 'FeatureCollection', features: geometry ? [{ type: 'Feature', geometry, properties: {} }] : [] };
    if (m.getSource('past')) {
      m.getSource('past').setData(data);
    } else {
      m.addSource('past', { type: 'geojson', data });
      m.addLayer({ id: 'past-line', type: 'line', source: 'past', paint: { 'line-color': '#8e24aa', 'line-width': 3, 'line-dasharray': [2, 2] } });
    }
    document.body.dataset.past = geometry ? 'shown' : '';
  });
}

// Drawing and vertex editing.
let draw = null;
let editedId = null;

async function terraDraw(m) {
  const td = await import('/vendor/terra-draw/terra-draw.module.js');
  const { TerraDrawMapLibreGLAdapter } = await import('/vendor/terra-draw/terra-draw-maplibre-gl-adapter.module.js');
  const editable = { feature: { draggable: true, coordinates: { midpoints: true, draggable: true, deletable: true } } };
  const d = new td.TerraDraw({
    adapter: new TerraDrawMapLibreGLAdapter({ map: m, lib: window.maplibregl }),
    modes: [new td.TerraDrawPolygonMode(), new td.TerraDrawSelectMode({ flags: { polygon: editable } })],
  });
  d.start();
  return d;
}

// Starts editing: with a geometry (GeoJSON text; a MultiPolygon's first polygon) its vertices
// can be dragged, added (midpoints) and deleted; without one a new polygon is drawn.
export async function startEdit(geometryJson) {
  const m = map();
  if (!m) return;
  if (draw) stopEdit();
  draw = await terraDraw(m);
  editedId = null;
  if (geometryJson) {
    let g = JSON.parse(geometryJson);
    if (g.type === 'MultiPolygon') g = { type: 'Polygon', coordinates: g.coordinates[0] };
    const id = crypto.randomUUID();
    const result = draw.addFeatures([{ id, type: 'Feature', geometry: g, properties: { mode: 'polygon' } }]);
    if (result[0] && result[0].valid === false) throw new Error('geometry not editable: ' + result[0].reason);
    editedId = id;
    draw.setMode('select');
    draw.selectFeature(id);
  } else {
    draw.setMode('polygon');
  }
  document.body.dataset.editing = 'true';
}

// The edited (or drawn) polygon as GeoJSON text, or null.
export function editedGeometry() {
  if (!draw) return null;
  const features = draw.getSnapshot().filter((f) => f.geometry.type === 'Polygon');
  const f = features.find((x) => x.id === editedId) || features[features.length - 1];
  return f ? JSON.stringify(f.geometry) : null;
}

// Moves one vertex of the edited polygon by (dx, dy) degrees: what a drag does, for tests and
// for keyboard nudging.
export function nudgeVertex(index, dx, dy) {
  if (!draw) return false;
  const f = draw.getSnapshot().find((x) => x.id === editedId);
  if (!f) return false;
  const ring = f.geometry.coordinates[0].map((c) => [...c]);
  const last = ring.length - 1;
  // terra-draw keeps 9 decimals.
  const round = (v) => Math.round(v * 1e9) / 1e9;
  ring[index][0] = round(ring[index][0] + dx);
  ring[index][1] = round(ring[index][1] + dy);
  if (index === 0) ring[last] = [...ring[0]];
  draw.updateFeatureGeometry(editedId, { type: 'Polygon', coordinates: [ring] });
  return true;
}

// Whether a drawing or an edit is in progress (map clicks then belong to it, not to identify).
export function isEditing() {
  return draw !== null;
}

export function stopEdit() {
  if (draw) {
    draw.stop();
    draw = null;
  }
  editedId = null;
  delete document.body.dataset.editing;
}

// For tests and the console: the edit in progress.
window.__onemapEdit = { nudgeVertex, editedGeometry };
