#!/usr/bin/env bash
# Tile benchmark (`make bench-tiles`): onemap against Martin on the same 500,000-parcel county,
# the same ~2,000 tiles (z8–z16, sampled where the parcels are, fixed seed), the same
# concurrency (wrk, 16 connections): uncached and cached, and the same onemap tile queries run
# directly in PostgreSQL with pgbench as the lower bound. Also the largest tile per zoom.
# Martin 1.14 (the newest that builds with this toolchain) is installed with cargo into
# ~/.cache/onemap/tools when missing (~25 min on 2 cores) and serves the same tables
# (geometry in EPSG:3857 where onemap keeps a copy, the same properties and the same minimum
# zooms for parcels, buildings and house units; no cache for the uncached runs). Below z14
# Martin then serves no parcels where onemap serves their per-sub-district aggregates. Figures go to docs/benchmarks.md (bench-tiles section).
#   BENCH_SECONDS  seconds per row [10]
source "$(dirname "$0")/lib.sh"
port=${BENCH_HTTP_PORT:-18090}
martin_port=${BENCH_MARTIN_PORT:-18099}
conns=16
# The cached rows are also run with many connections, where per-request work shows.
busy=64
prepare_county
command -v pgbench >/dev/null || apt_install postgresql-contrib
tools=$HOME/.cache/onemap/tools
martin=$tools/bin/martin
# Only the PostgreSQL source: the default features also build a renderer that downloads
# maplibre-native, which this network refuses.
[ -x "$martin" ] || cargo install martin --version 1.14.0 --locked --no-default-features --features postgres --root "$tools"

# The public layers both servers can serve; relocation layers need roles Martin lacks.
layers=county,towns,districts,parcels,buildings,house_units
martin_sources=admin_areas,cadastral_subdistricts,parcels,buildings,house_units

sql "DROP TABLE IF EXISTS bench_tiles; CREATE TABLE bench_tiles (grp text, i int, z int, x int, y int)"
sql "INSERT INTO bench_tiles
     SELECT CASE WHEN z < 12 THEN 'low' ELSE 'high' END, row_number() OVER (PARTITION BY z < 12 ORDER BY n), z,
            floor((lon + 180) / 360 * 2 ^ z)::int,
            floor((1 - ln(tan(radians(lat)) + 1 / cos(radians(lat))) / pi()) / 2 * 2 ^ z)::int
     FROM (SELECT n, 8 + n % 9 AS z, ST_X(c) AS lon, ST_Y(c) AS lat
           FROM (SELECT row_number() OVER () AS n, ST_PointOnSurface(geom) AS c
                 FROM parcels TABLESAMPLE BERNOULLI (0.5) REPEATABLE (7) LIMIT 2000) s) p"
for grp in low high; do
    sql "SELECT format('/tiles/$layers/%s/%s/%s.mvt', z, x, y) FROM bench_tiles WHERE grp = '$grp' ORDER BY i" >"$work/onemap-$grp"
    sql "SELECT format('/$martin_sources/%s/%s/%s', z, x, y) FROM bench_tiles WHERE grp = '$grp' ORDER BY i" >"$work/martin-$grp"
done
echo "bench: $(wc -l <"$work/onemap-low") tiles at z8–z11, $(wc -l <"$work/onemap-high") at z12–z16"

# martin-same.yaml: the same minimum zooms as onemap; martin-default.yaml: the tables as
# Martin publishes them by default (every zoom). A 30 s statement timeout keeps a slow tile
# from holding the database after its run.
martin_config() { # FILE MINZOOM_PARCELS MINZOOM_BUILDINGS MINZOOM_UNITS
    cat >"$1" <<YAML
listen_addresses: '127.0.0.1:$martin_port'
cache:
  size_mb: \${MARTIN_CACHE_MB}
postgres:
  connection_string: '$url?options=-c%20statement_timeout%3D30000'
  auto_publish: false
  tables:
    admin_areas: {schema: public, table: admin_areas, srid: 4490, geometry_column: geom, geometry_type: MULTIPOLYGON, id_column: id, properties: {code: varchar, name: text}}
    cadastral_subdistricts: {schema: public, table: cadastral_subdistricts, srid: 4490, geometry_column: geom, geometry_type: MULTIPOLYGON, id_column: id, properties: {code: varchar, name: text, parcel_count: int4}}
    parcels: {minzoom: $2, schema: public, table: parcels, srid: 3857, geometry_column: geom_3857, geometry_type: MULTIPOLYGON, id_column: id, properties: {unit_code: varchar, parcel_code: varchar, land_use: varchar}}
    buildings: {minzoom: $3, schema: public, table: buildings, srid: 3857, geometry_column: geom_3857, geometry_type: MULTIPOLYGON, id_column: id, properties: {building_no: varchar, floors: int2, planned_use: text}}
    house_units: {minzoom: $4, schema: public, table: house_units, srid: 3857, geometry_column: geom_3857, geometry_type: MULTIPOLYGON, id_column: id, properties: {unit_code: varchar, floor: int2, room_label: text, use: text}}
YAML
}
martin_config "$work/martin-same.yaml" 14 15 16
martin_config "$work/martin-default.yaml" 0 0 0

start_martin() { # CONFIG CACHE_MB
    MARTIN_CACHE_MB=$2 "$martin" --config "$work/martin-$1.yaml" >"$work/martin.log" 2>&1 &
    martin_pid=$!
    servers+=($martin_pid)
    for _ in $(seq 150); do curl -fs "http://127.0.0.1:$martin_port/health" >/dev/null && return; sleep 0.2; done
    echo "bench: martin did not start" >&2
    cat "$work/martin.log" >&2
    exit 1
}
stop() { kill "$1" && wait "$1" 2>/dev/null || true; }
# Waits until PostgreSQL has finished the queries of a run (timed-out tiles keep running).
settle() {
    for _ in $(seq 600); do
        [ "$(sql "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid()")" = 0 ] && return
        sleep 1
    done
}
# One pass over a list (filling a cache), 16 requests at a time.
warm() { xargs -P $conns -I{} curl -s -o /dev/null --max-time 120 "$2{}" <"$1" || true; }

rows=""
measure() { # NAME GROUP URLFILE BASE [CONNECTIONS]
    read -r rps p50 p99 max n non2xx errs <<<"$(run_wrk "$3" "$4" "${5:-$conns}")"
    echo "bench: $1 $2: $rps tiles/s p50 $p50 ms p99 $p99 ms ($n requests, $non2xx non-2xx, $errs errors)"
    rows+="| $1 | $2 | $rps | $p50 | $p99 | $n | $((non2xx + errs)) |"$'\n'
    settle
}

# onemap, uncached (cache size 0) and cached.
start_server "$port" ONEMAP_TILE_CACHE_MB=0
pid=${servers[-1]}
for grp in low high; do measure "onemap uncached" "$grp" "$work/onemap-$grp" "http://127.0.0.1:$port"; done
stop "$pid"
start_server "$port" ONEMAP_TILE_CACHE_MB=1024
pid=${servers[-1]}
for grp in low high; do
    warm "$work/onemap-$grp" "http://127.0.0.1:$port"
    measure "onemap cached" "$grp" "$work/onemap-$grp" "http://127.0.0.1:$port"
done
# Many clients at once on the cached z12–z16 tiles (the hot path: no query, only the server).
measure "onemap cached, $busy connections" high "$work/onemap-high" "http://127.0.0.1:$port" $busy
# Largest tile per zoom: the sampled tiles and the densest ones (the three with the most
# house units and the three with the most buildings at each zoom).
for t in house_units buildings; do
    sql "INSERT INTO bench_tiles SELECT 'dense', 0, z, x, y FROM (
       SELECT z, floor((ST_X(c) + 20037508.342789) / (40075016.685578 / 2 ^ z))::int AS x,
              floor((20037508.342789 - ST_Y(c)) / (40075016.685578 / 2 ^ z))::int AS y,
              row_number() OVER (PARTITION BY z ORDER BY count(*) DESC) AS r
       FROM (SELECT ST_Centroid(geom_3857) AS c FROM $t) h, generate_series(12, 18) z
       GROUP BY 1, 2, 3) d WHERE r <= 3"
done
officer=$(login "$port" officer)
sql "SELECT DISTINCT format('%s %s/%s/%s', z, z, x, y) FROM bench_tiles WHERE z <= 18" |
    while read -r z zxy; do
        size=$(curl -fs -o /dev/null -w '%{size_download}' -H "Authorization: Bearer $officer" \
            "http://127.0.0.1:$port/tiles/$layers,projects,compensation_units,photos/$zxy.mvt")
        echo "$z $size $zxy"
    done | sort -k1,1n -k2,2nr | awk '!seen[$1]++' >"$work/largest"
stop "$pid"

# Martin: as published by default (uncached), then with onemap's minimum zooms (uncached, cached).
start_martin default 0
for grp in low high; do measure "Martin, default zooms, uncached" "$grp" "$work/martin-$grp" "http://127.0.0.1:$martin_port"; done
stop "$martin_pid"
start_martin same 0
for grp in low high; do measure "Martin, same zooms, uncached" "$grp" "$work/martin-$grp" "http://127.0.0.1:$martin_port"; done
stop "$martin_pid"
start_martin same 1024
for grp in low high; do
    warm "$work/martin-$grp" "http://127.0.0.1:$martin_port"
    settle
    measure "Martin, same zooms, cached" "$grp" "$work/martin-$grp" "http://127.0.0.1:$martin_port"
done
measure "Martin, same zooms, cached, $busy connections" high "$work/martin-high" "http://127.0.0.1:$martin_port" $busy
stop "$martin_pid"

# The lower bound: onemap's own tile queries in PostgreSQL, with pgbench, as many clients as
# onemap's pool has connections (more only queue inside PostgreSQL on this machine).
pool=$(( $(nproc) * 4 > 8 ? $(nproc) * 4 : 8 ))
for grp in low high; do
    n=$(sql "SELECT count(*) FROM bench_tiles WHERE grp = '$grp'")
    {
        echo "\\set i random(1, $n)"
        echo "SELECT z, x, y FROM bench_tiles WHERE grp = '$grp' AND i = :i \\gset"
        first=1
        for z in $(seq 8 16); do
            [ $first = 1 ] && echo "\\if :z = $z" || echo "\\elif :z = $z"
            first=0
            "$onemap" tile-sql "$layers" "$z" | sed -e 's/\$1/:z/g; s/\$2/:x/g; s/\$3/:y/g; s/\$4/false/g' \
                -e "s/\\\$5/'{}'::bigint[]/g" | tr '\n' ' '
            echo ";"
        done
        echo "\\endif"
    } >"$work/pgbench-$grp.sql"
    rm -f "$work"/pgb.*
    pgbench -n -M prepared -c "$pool" -j 2 -T "$seconds" -f "$work/pgbench-$grp.sql" --log --log-prefix="$work/pgb" "$url" >"$work/pgbench.out" 2>&1 ||
        { cat "$work/pgbench.out" >&2; exit 1; }
    tps=$(awk '/^tps/ {printf "%.0f", $3}' "$work/pgbench.out")
    cat "$work"/pgb.* | awk '{print $3 / 1000}' | sort -n >"$work/lat"
    total=$(wc -l <"$work/lat")
    pct() { sed -n "$(((total * $1 + 99) / 100))p" "$work/lat"; }
    echo "bench: SQL (pgbench) $grp: $tps tiles/s p50 $(pct 50) ms p99 $(pct 99) ms"
    rows+="| SQL lower bound (pgbench) | $grp | $tps | $(printf %.2f "$(pct 50)") | $(printf %.2f "$(pct 99)") | $total | 0 |"$'\n'
    settle
done

largest=$(awk '{printf "| %s | %.1f | %s |\n", $1, $2 / 1024, $3}' "$work/largest")
write_section bench-tiles "## Vector tiles: onemap and Martin (issues 5, 12)

\`make bench-tiles\` — $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD), $(nproc) cores, onemap
and Martin $("$martin" --version | awk '{print $2}') on the same 500,000-parcel county and PostgreSQL, wrk with $conns
connections (and $busy for the two \"$busy connections\" rows), ${seconds} s per row. Tiles: $(wc -l <"$work/onemap-low") at z8–z11 (\`low\`) and $(wc -l <"$work/onemap-high") at
z12–z16 (\`high\`), sampled where the parcels are. onemap: \`/tiles/$layers\` as the
public; Martin: the composite \`/$martin_sources\` (same tables, same properties, Web
Mercator columns for the big three; \"default zooms\": every table at every zoom, as Martin
publishes them; \"same zooms\": parcels from z14, buildings from z15, house units from z16, like
onemap, where below z14 Martin sends no parcels and onemap their per-sub-district
aggregates; Martin has no simplification; a 30 s statement timeout).
Cached rows after one pass over the list. Lower bound: onemap's tile queries run by pgbench
in PostgreSQL with as many clients as onemap has connections ($pool; prepared, plus a lookup
of the tile's z/x/y).

| server | tiles | tiles/s | p50 ms | p99 ms | requests | errors |
|---|---|---|---|---|---|---|
${rows%$'\n'}

Largest tile per zoom (officer, all layers; over the sampled tiles and, at each zoom from 12
to 18, the three tiles with the most house units and the three with the most buildings):

| zoom | KiB | tile |
|---|---|---|
$largest"
