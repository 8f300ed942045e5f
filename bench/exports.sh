#!/usr/bin/env bash
# Benchmark of exports (`make bench-exports`), issue 18: every parcel of the 500,000-parcel
# county exported through `POST /api/exports` (as the demo clerk: GDAL in the server, rows
# streamed from PostgreSQL, the job's progress written as it goes) as a GeoPackage and as a
# zipped Shapefile, next to the peer the issue names: ogr2ogr reading the same rows (the same
# columns, ordered by unit code) straight from PostgreSQL into the same format (the Shapefile
# then zipped), in the same run. Goal: within 1.5× of ogr2ogr. Figures go to
# docs/benchmarks.md (bench-exports).
source "$(dirname "$0")/lib.sh"
port=${BENCH_HTTP_PORT:-18098}
prepare_county
start_server "$port"
clerk=$(login "$port" clerk)
[ -n "$clerk" ] || { echo "bench: could not log in as clerk" >&2; exit 1; }
parcels=$(sql "SELECT count(*) FROM parcels")
# ogr2ogr takes keyword connection strings (GDAL 3.6 misreads a postgres:// URI's database).
pg=$(python3 -c 'import sys, urllib.parse as u; p = u.urlparse(sys.argv[1])
print(f"host={p.hostname} port={p.port} dbname={p.path[1:]} user={p.username} password={u.unquote(p.password or str())}")' "$url")

# export FORMAT → "seconds rows bytes"
export_api() {
    local start end id status body
    start=$(date +%s.%N)
    body=$(curl -fsS "http://127.0.0.1:$port/api/exports" -H "authorization: Bearer $clerk" \
        -H 'content-type: application/json' -d "{\"collection\":\"parcels\",\"format\":\"$1\"}") ||
        { echo "bench: POST /api/exports failed" >&2; exit 1; }
    id=$(echo "$body" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
    while :; do
        body=$(curl -fsS "http://127.0.0.1:$port/api/exports/$id" -H "authorization: Bearer $clerk") ||
            { echo "bench: the server stopped answering (see its log)" >&2; exit 1; }
        status=$(echo "$body" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
        [ "$status" = done ] && break
        [ "$status" = failed ] && { echo "bench: export failed: $body" >&2; exit 1; }
        sleep 0.2
    done
    end=$(date +%s.%N)
    curl -fsS -o "$work/api.$1" "http://127.0.0.1:$port/api/exports/$id/file" -H "authorization: Bearer $clerk"
    echo "$(echo "$end - $start" | bc) $(echo "$body" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["progress_done"], j["size_bytes"])')"
}

columns="unit_code, parcel_code::text AS parcel_code, subdistrict_code::text AS subdistrict_code, address,
    land_use::text AS land_use, right_type, right_nature, registered_area_m2::float8 AS registered_area_m2, area_m2,
    updated_at, geom"
# ogr2ogr FORMAT → "seconds bytes"
export_ogr() {
    local start end out
    rm -rf "$work/ogr" && mkdir -p "$work/ogr"
    start=$(date +%s.%N)
    if [ "$1" = gpkg ]; then
        out=$work/ogr/parcels.gpkg
        ogr2ogr -f GPKG "$out" "PG:$pg" -sql "SELECT $columns FROM parcels ORDER BY unit_code" -nln parcels
    else
        ogr2ogr -f "ESRI Shapefile" "$work/ogr/parcels.shp" "PG:$pg" -sql "SELECT $columns FROM parcels ORDER BY unit_code" \
            -nln parcels -lco ENCODING=UTF-8
        out=$work/ogr/parcels.zip
        python3 -c 'import glob, sys, zipfile, os
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for f in sorted(glob.glob(os.path.join(os.path.dirname(sys.argv[1]), "parcels.*"))):
        if not f.endswith(".zip"): z.write(f, os.path.basename(f))' "$out"
    fi
    end=$(date +%s.%N)
    [ -s "$out" ] || { echo "bench: ogr2ogr wrote nothing" >&2; exit 1; }
    echo "$(echo "$end - $start" | bc) $(stat -c %s "$out")"
}

rows=""
for format in gpkg shp; do
    read -r api_s api_n api_b <<<"$(export_api "$format")"
    read -r ogr_s ogr_b <<<"$(export_ogr "$format")"
    ratio=$(echo "scale=2; $api_s / $ogr_s" | bc)
    echo "bench: $format  onemap $api_s s ($api_n features, $api_b bytes)  ogr2ogr $ogr_s s ($ogr_b bytes)  ratio $ratio"
    rows+="| $format | $api_n | $(printf %.1f "$api_s") | $(printf %.1f "$ogr_s") | $ratio | $((api_b / 1048576)) MiB | $((ogr_b / 1048576)) MiB |"$'\n'
done

write_section bench-exports "## Exports: every parcel as GeoPackage and zipped Shapefile (issue 18)

\`make bench-exports\` — $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD), $(nproc) cores, the
release server, curl and ogr2ogr ($(gdal-config --version 2>/dev/null || ogr2ogr --version | awk '{print $2}' | tr -d ,)) on the same machine, the
county's $parcels parcels. onemap: from \`POST /api/exports\` until the job says done (the rows
streamed from PostgreSQL through the masking layer to GDAL, progress written per 2,000
features, the file moved into place, the audit row committed). Peer, as the issue names it:
ogr2ogr reading the same columns in the same order straight from PostgreSQL into the same
format (the Shapefile then zipped). Goal: within 1.5× of ogr2ogr.

| format | features | onemap s | ogr2ogr s | onemap / ogr2ogr | onemap file | ogr2ogr file |
|---|---|---|---|---|---|---|
$rows"
