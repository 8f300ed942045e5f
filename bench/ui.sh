#!/usr/bin/env bash
# The web UI's size and time to first map paint (`make bench-ui`): the release server on the
# 500,000-parcel county, headless Chromium over loopback, 10 fresh pages (the first one meets
# the server's cold tile cache). Figures go to docs/benchmarks.md between the bench-ui markers.
source "$(dirname "$0")/lib.sh"
port=${BENCH_HTTP_PORT:-18090}
runs=${BENCH_UI_RUNS:-10}
prepare_county
scripts/build-frontend.sh
wasm=frontend/dist/onemap_frontend_bg.wasm
raw=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
js=$(cat frontend/dist/onemap_frontend.js | wc -c)
maplibre_gz=$(cat frontend/dist/vendor/maplibre-gl/maplibre-gl.mjs frontend/dist/vendor/maplibre-gl/maplibre-gl-worker.mjs | gzip -9 | wc -c)
start_server "$port" ONEMAP_STATIC_DIR="$root/frontend/dist"
node bench/ui-paint.mjs "http://127.0.0.1:$port" "$runs" >"$work/paint"
echo "bench: first map paint (ms): $(tr '\n' ' ' <"$work/paint")"
first=$(head -1 "$work/paint")
median=$(sort -n "$work/paint" | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
worst=$(sort -n "$work/paint" | tail -1)
write_section bench-ui "## Web UI: size and first map paint (issue 7)

\`make bench-ui\` — $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD), $(nproc) cores; the release
server on the benchmark county, Debian's headless Chromium (SwiftShader WebGL) over loopback,
1280×800, the county view at zoom 11.

| what | figure |
|---|---|
| wasm (after wasm-opt -Oz) | $raw bytes raw, $gz bytes gzipped |
| wasm-bindgen JS glue | $js bytes |
| MapLibre 6 (main + worker modules) | $maplibre_gz bytes gzipped |
| first map paint, first page (cold tile cache) | $first ms |
| first map paint, median of $runs fresh pages | $median ms |
| first map paint, slowest of $runs | $worst ms |

First map paint = navigation start to MapLibre's first \`idle\` (style, glyphs and every tile
of the view loaded and drawn). Goal ≤ 2,000 ms."
