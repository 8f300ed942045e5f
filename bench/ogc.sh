#!/usr/bin/env bash
# OGC API Features benchmark (`make bench-ogc`): onemap's /ogc against pygeoapi (PyPI, its
# PostgreSQL provider under gunicorn) serving the same parcels table of the 500,000-parcel
# county, in the same run:
#   1. pages of 1,000 features at random offsets (wrk, 1 and 4 connections);
#   2. a full-collection export: every parcel, following the next links, 10,000 per page.
# Figures go to docs/benchmarks.md between the bench-ogc markers.
#   BENCH_SECONDS  seconds per wrk row [10]   BENCH_PARCELS  county size [500000]
source "$(dirname "$0")/lib.sh"
port=${BENCH_HTTP_PORT:-18090}
pyport=${BENCH_PYGEOAPI_PORT:-18190}
prepare_county

# pygeoapi in its own venv, rebuilt when bench/pygeoapi/requirements.txt changes.
venv=$HOME/.cache/onemap/bench-venv
req=bench/pygeoapi/requirements.txt
if [ "$(cat "$venv/.requirements.sha256" 2>/dev/null)" != "$(sha256sum <"$req")" ]; then
    echo "bench: installing pygeoapi into $venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$req"
    sha256sum <"$req" >"$venv/.requirements.sha256"
fi
pg_user=$(sed -E 's#postgres://([^:]+):.*#\1#' <<<"$url")
pg_password=$(sed -E 's#postgres://[^:]+:([^@]+)@.*#\1#' <<<"$url")
sed -e "s/@PORT@/$pyport/g" -e "s/@PGPORT@/$ONEMAP_PG_PORT/" -e "s/@PGUSER@/$pg_user/" -e "s/@PGPASSWORD@/$pg_password/" \
    bench/pygeoapi/config.yml.in >"$work/pygeoapi.yml"
export PYGEOAPI_CONFIG=$work/pygeoapi.yml PYGEOAPI_OPENAPI=$work/pygeoapi-openapi.yml
"$venv/bin/pygeoapi" openapi generate "$PYGEOAPI_CONFIG" --output-file "$PYGEOAPI_OPENAPI" >/dev/null
workers=$(($(nproc) * 2 + 1))
"$venv/bin/gunicorn" -w "$workers" -b "127.0.0.1:$pyport" --timeout 600 pygeoapi.flask_app:APP >"$work/pygeoapi.log" 2>&1 &
servers+=($!)
start_server "$port"
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$pyport/collections/parcels" >/dev/null && break; sleep 0.3; done

onemap_items="/ogc/collections/parcels/items"
py_items="/collections/parcels/items"
# Both must agree on the collection before they are compared.
n_onemap=$(curl -fs "http://127.0.0.1:$port$onemap_items?limit=1" | sed -E 's/.*"numberMatched":([0-9]+).*/\1/')
n_py=$(curl -fs "http://127.0.0.1:$pyport$py_items?limit=1&f=json" | sed -E 's/.*"numberMatched": *([0-9]+).*/\1/')
echo "bench: numberMatched onemap $n_onemap, pygeoapi $n_py"
[ "$n_onemap" = "$n_py" ] || { echo "bench: the servers disagree on the collection" >&2; exit 1; }

# 200 pages of 1,000 in a fixed random order, as each server's own next links ask for them:
# onemap's carry the last feature id of the page before (after=…, keyset paging); pygeoapi's
# only the offset. onemap is also measured with the bare offset (random access).
sql "SELECT setseed(0.42)" >/dev/null
sql "SELECT o, code FROM (SELECT row_number() OVER (ORDER BY unit_code) AS o, unit_code AS code FROM parcels) x
     WHERE o % 1000 = 0 AND o < $n_onemap ORDER BY random() LIMIT 200" | tr '|' ' ' >"$work/pages"
while read -r o code; do echo "$onemap_items?limit=1000&offset=$o&after=$code"; done <"$work/pages" >"$work/onemap-next"
while read -r o code; do echo "$onemap_items?limit=1000&offset=$o"; done <"$work/pages" >"$work/onemap-offset"
while read -r o code; do echo "$py_items?limit=1000&offset=$o&f=json"; done <"$work/pages" >"$work/pygeoapi-offset"

rows=""
declare -A rps_of
for c in 1 4; do
    for run in onemap-next onemap-offset pygeoapi-offset; do
        server=${run%%-*} paging=${run#*-}
        if [ "$server" = onemap ]; then base=http://127.0.0.1:$port; else base=http://127.0.0.1:$pyport; fi
        read -r rps p50 p99 max n non2xx sockerr <<<"$(run_wrk "$work/$run" "$base" "$c")"
        # Requests over the seconds gives a decimal that wrk's whole req/s hides at these rates.
        rps=$(awk -v n="$n" -v s="$seconds" 'BEGIN {printf "%.1f", n / s}')
        fps=$(awk -v r="$rps" 'BEGIN {printf "%d", r * 1000}')
        rps_of[$run-$c]=$rps
        echo "bench: pages $run c=$c  $rps req/s ($fps features/s)  p50 $p50 ms  p99 $p99 ms  ($n requests, $non2xx non-2xx)"
        label=$([ "$paging" = next ] && echo "next links (after=…)" || echo "offset=…")
        rows+="| $server | $label | $c | $rps | $fps | $p50 | $p99 | $n | $non2xx |"$'\n'
    done
done

export_row() {
    local server=$1 first=$2
    read -r secs feats bytes pages <<<"$("$venv/bin/python" bench/ogc_export.py "$first")"
    [ "$feats" = "$n_onemap" ] || { echo "bench: $server export returned $feats of $n_onemap features" >&2; exit 1; }
    fps=$(awk -v f="$feats" -v s="$secs" 'BEGIN {printf "%d", f / s}')
    mbs=$(awk -v b="$bytes" -v s="$secs" 'BEGIN {printf "%.1f", b / s / 1048576}')
    echo "bench: export $server  $secs s  $feats features  $pages pages  $fps features/s  $mbs MB/s"
    export_rows+="| $server | $secs | $feats | $pages | $fps | $mbs |"$'\n'
    fps_of[$server]=$fps
}
export_rows=""
declare -A fps_of
export_row onemap "http://127.0.0.1:$port$onemap_items?limit=10000"
export_row pygeoapi "http://127.0.0.1:$pyport$py_items?limit=10000&f=json"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", a / b}'; }
write_section bench-ogc "## OGC API Features: onemap vs pygeoapi (issue 6)

\`make bench-ogc\` — $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD), $(nproc) cores; wrk,
both servers and PostgreSQL on the same machine over loopback. Both serve the \`parcels\` table
of the benchmark county ($n_onemap parcels, the same PostgreSQL) as GeoJSON with nine properties;
pygeoapi $("$venv/bin/pip" show pygeoapi 2>/dev/null | sed -n 's/^Version: //p') with its PostgreSQL provider under gunicorn ($workers sync workers), onemap
release build. Both report numberMatched on every page: pygeoapi counts each time, onemap
counts a query once and keeps the count until PostgreSQL notifies a change. onemap orders by
unit code (stable paging); pygeoapi pages without ORDER BY. onemap's next links carry the last
id of the page (keyset), so a page costs the same at any depth; with a bare \`offset\` it skips
ids through the index first.

Pages of 1,000 features, 200 pages across the collection in random order (${seconds} s per row):

| server | page URLs | connections | requests/s | features/s | p50 ms | p99 ms | requests | non-2xx |
|---|---|---|---|---|---|---|---|---|
${rows}
Full-collection export: one client follows the next links from the first page, 10,000
features per page (the most either server gives):

| server | seconds | features | pages | features/s | MB/s |
|---|---|---|---|---|---|
${export_rows}
onemap / pygeoapi, pages by next links: $(ratio "${rps_of[onemap-next-1]}" "${rps_of[pygeoapi-offset-1]}")× at 1 connection, $(ratio "${rps_of[onemap-next-4]}" "${rps_of[pygeoapi-offset-4]}")× at 4;
pages by bare offset: $(ratio "${rps_of[onemap-offset-1]}" "${rps_of[pygeoapi-offset-1]}")× and $(ratio "${rps_of[onemap-offset-4]}" "${rps_of[pygeoapi-offset-4]}")×; export $(ratio "${fps_of[onemap]}" "${fps_of[pygeoapi]}")×."
