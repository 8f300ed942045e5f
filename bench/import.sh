#!/usr/bin/env bash
# Survey import benchmark (`make bench-import`): 100,000 parcels of the 500,000-parcel county
# as a zipped Shapefile in EPSG:4526, GBK without .cpg (as desktop tools write them), every
# address changed (a resurvey) → upload, validate (every rule), commit (100,000 updates with
# their history) through the release server; beside it, in the same run, ogr2ogr loading the
# same file raw into PostgreSQL (no validation, no history) as the peer. Peak server memory is
# the server process's VmHWM. Figures go to docs/benchmarks.md (bench-import section). The
# addresses are put back afterwards (plain SQL, recorded in the history like any change).
#   BENCH_IMPORT_PARCELS  parcels in the file [100000]
source "$(dirname "$0")/lib.sh"
port=${BENCH_HTTP_PORT:-18091}
n=${BENCH_IMPORT_PARCELS:-100000}
prepare_county
command -v ogr2ogr >/dev/null || apt_install gdal-bin
# Seconds since a `date +%s.%N` stamp.
since() { python3 -c "import time; print(f'{time.time() - $1:.3f}')"; }
# Imports a stopped run left validating would be resumed by the server and skew the figures.
sql "UPDATE imports SET status = 'discarded' WHERE status = 'validating'" >/dev/null
sql "DELETE FROM import_features WHERE import_id IN (SELECT id FROM imports WHERE status <> 'ready')" >/dev/null

# The file: the first n parcels of the county by id (whole sub-districts), standard field names.
mkdir -p "$work/shp"
ogr2ogr -f "ESRI Shapefile" "$work/shp/zd.shp" "PG:${url/postgres:/postgresql:}" -t_srs EPSG:4526 -lco ENCODING=GBK \
    -sql "SELECT parcel_code AS \"ZDDM\", address || '(复测)' AS \"ZL\", land_use AS \"YT\", right_type AS \"QLLX\",
                 right_nature AS \"QLXZ\", registered_area_m2 AS \"ZDMJ\", geom FROM parcels ORDER BY id LIMIT $n"
rm -f "$work/shp/zd.cpg"
(cd "$work/shp" && python3 -m zipfile -c "$work/zd.zip" zd.shp zd.shx zd.dbf zd.prj)
size=$(stat -c %s "$work/zd.zip")

# The peer: ogr2ogr loads the same file raw.
sql "DROP TABLE IF EXISTS bench_raw_import"
t0=$(date +%s.%N)
ogr2ogr -f PostgreSQL "PG:${url/postgres:/postgresql:}" "$work/shp/zd.shp" -nln bench_raw_import -oo ENCODING=CP936 \
    -t_srs EPSG:4490 -nlt PROMOTE_TO_MULTI -lco GEOMETRY_NAME=geom --config PG_USE_COPY YES
t_ogr=$(since "$t0")
raw_rows=$(sql "SELECT count(*) FROM bench_raw_import")
sql "DROP TABLE bench_raw_import"

start_server "$port" ONEMAP_MAX_UPLOAD_MB=1024
pid=${servers[-1]}
token=$(login "$port" surveyor)
api="http://127.0.0.1:$port/api/imports"
t0=$(date +%s.%N)
id=$(curl -fs -X POST "$api?kind=parcels" -H "authorization: Bearer $token" --data-binary "@$work/zd.zip" |
    sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
t_upload=$(since "$t0")
while :; do
    body=$(curl -fs "$api/$id" -H "authorization: Bearer $token")
    status=$(echo "$body" | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p')
    [ "$status" != validating ] && break
    sleep 0.2
done
t_valid=$(since "$t0")
if [ "$status" != ready ]; then echo "bench: the import ended $status: $body" >&2; exit 1; fi
counts=$(echo "$body" | python3 -c 'import json,sys; c=json.load(sys.stdin)["counts"]; print(c["features"], c["changed"], c["errors"], c["warnings"])')
read -r features changed errors warnings <<<"$counts"
commit=$(curl -fs -X POST "$api/$id/commit" -H "authorization: Bearer $token")
t_total=$(since "$t0")
peak_kb=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
echo "bench: $commit" | cut -c1-200
updated=$(echo "$commit" | sed -n 's/.*"updated":\([0-9]*\).*/\1/p')
sql "UPDATE parcels SET address = replace(address, '(复测)', '') WHERE address LIKE '%(复测)'" >/dev/null

fmt() { printf '%.1f' "$1"; }
ratio=$(python3 -c "print(f'{$t_total / $t_ogr:.2f}')")
write_section bench-import "## Survey import (\`make bench-import\`)

Run $(date -u +%Y-%m-%d) on this machine ($(nproc) cores): $n parcels of the 500,000-parcel county as a zipped
Shapefile in EPSG:4526, GBK without .cpg ($((size / 1024 / 1024)) MiB zipped), every address changed (a resurvey).

| step | onemap (release server) | ogr2ogr -f PostgreSQL (raw load, same file) |
|---|---|---|
| upload (streamed to disk, identified, unzipped) | $(fmt "$t_upload") s | |
| upload + read (GDAL) + validate (every rule) | $(fmt "$t_valid") s | |
| end to end: upload, validate, commit ($updated updates + history) | **$(fmt "$t_total") s** | **$(fmt "$t_ogr") s** ($raw_rows rows) |
| ratio to the peer | ${ratio}× | 1× |
| peak server memory (VmHWM) | $((peak_kb / 1024)) MiB | |

Validation found $features features: $changed changed, $errors with errors, $warnings with warnings.
Goals of the issue: ≤ 30 s end to end, within 2× of the raw load, ≤ 1 GB of server memory.
The peer only copies rows: no CRS or encoding detection, no rule, no diff against the register,
no code allocation, no history, no audit."
echo "bench-import: total ${t_total}s (validate ${t_valid}s), ogr2ogr ${t_ogr}s, peak $((peak_kb / 1024)) MiB"
