#!/usr/bin/env bash
# Builds the web UI into frontend/dist: the Leptos app to wasm32 (release), wasm-bindgen
# (--target web), wasm-opt -Oz (npm's binaryen: Debian's is too old for Chromium), MapLibre
# vendored from npm, terra-draw for drawing, ECharts for the statistics page, Swagger UI for /api/docs. Installs what is missing: the wasm32 target, wasm-bindgen-cli (pinned to
# the crate's wasm-bindgen), the npm packages of frontend/package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/../frontend"
export PATH=$HOME/.cargo/bin:$PATH
target_dir=${ONEMAP_WASM_TARGET_DIR:-$HOME/.cache/onemap/wasm-target}
bindgen_version=0.2.130

rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$bindgen_version" ]; then
    echo "onemap: installing wasm-bindgen-cli $bindgen_version (about 2 minutes)"
    cargo install -q wasm-bindgen-cli --version "$bindgen_version"
fi
if [ ! -x node_modules/.bin/wasm-opt ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
fi

CARGO_TARGET_DIR=$target_dir cargo build --release --locked --target wasm32-unknown-unknown
rm -rf dist.new && mkdir -p dist.new/vendor/maplibre-gl dist.new/vendor/swagger-ui
wasm-bindgen --target web --no-typescript --out-dir dist.new \
    "$target_dir/wasm32-unknown-unknown/release/onemap_frontend.wasm"
node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    dist.new/onemap_frontend_bg.wasm -o dist.new/onemap_frontend_bg.wasm
cp static/index.html static/app.css static/boot.js static/favicon.svg static/print.html static/print.css static/print.js dist.new/
cp node_modules/maplibre-gl/dist/maplibre-gl.mjs node_modules/maplibre-gl/dist/maplibre-gl-shared.mjs \
   node_modules/maplibre-gl/dist/maplibre-gl-worker.mjs node_modules/maplibre-gl/dist/maplibre-gl.css \
   dist.new/vendor/maplibre-gl/
# Swagger UI for /api/docs (the server's page loads these; its start script is ours).
cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css \
   node_modules/swagger-ui-dist/LICENSE static/onemap-docs.js dist.new/vendor/swagger-ui/
# terra-draw (drawing and vertex editing) and its MapLibre adapter; the adapter's bare import
# of "terra-draw" is pointed at the vendored file (no bundler, no inline import map under the CSP).
mkdir -p dist.new/vendor/terra-draw
cp node_modules/terra-draw/dist/terra-draw.module.js dist.new/vendor/terra-draw/
sed 's#from"terra-draw"#from"/vendor/terra-draw/terra-draw.module.js"#g' \
    node_modules/terra-draw-maplibre-gl-adapter/dist/terra-draw-maplibre-gl-adapter.module.js \
    > dist.new/vendor/terra-draw/terra-draw-maplibre-gl-adapter.module.js
grep -q 'from"terra-draw"' dist.new/vendor/terra-draw/terra-draw-maplibre-gl-adapter.module.js && {
    echo "error: the terra-draw adapter's import was not rewritten" >&2; exit 1; }
# ECharts for the statistics page (loaded by js/charts.js on first use).
mkdir -p dist.new/vendor/echarts
cp node_modules/echarts/dist/echarts.esm.min.mjs node_modules/echarts/LICENSE dist.new/vendor/echarts/
rm -rf dist && mv dist.new dist
echo "onemap: UI built in frontend/dist ($(stat -c %s dist/onemap_frontend_bg.wasm) bytes of wasm)"
