// MapLibre first (vendored from npm, ES modules), then the app. A file of its own, not an
// inline script, so that the page can run under a Content-Security-Policy without 'unsafe-inline'.
import * as maplibregl from '/vendor/maplibre-gl/maplibre-gl.mjs';
window.maplibregl = maplibregl;
const { default: init } = await import('/onemap_frontend.js');
await init({ module_or_path: '/onemap_frontend_bg.wasm' });
