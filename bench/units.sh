#!/usr/bin/env bash
# Benchmark of the lookup APIs on the 500,000-parcel demo county (`make bench-units`):
# GET /api/units/{code}, /api/identify and /api/search, each at 1, 16 and 64 concurrent
# connections with wrk, as the demo officer (session lookup, relocation data, names).
# The county is built once in .onemap-bench/ (its own cluster on port 55440, ~8 min, ~6 GB
# RAM) and kept for later runs. Figures go to docs/benchmarks.md between the bench-units
# markers, replacing the previous run's.
#   BENCH_SECONDS  seconds per cell [10]     BENCH_PARCELS  county size [500000]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/onemap/target}
onemap=$CARGO_TARGET_DIR/release/onemap
seconds=${BENCH_SECONDS:-10}
parcels=${BENCH_PARCELS:-500000}
port=${BENCH_HTTP_PORT:-18090}
export ONEMAP_DATA_DIR=$root/.onemap-bench ONEMAP_PG_PORT=${BENCH_PG_PORT:-55440} ONEMAP_LOG=warn
work=$(mktemp -d)
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

scripts/install-deps.sh run
command -v wrk >/dev/null || {
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends wrk >/dev/null
}
cargo build --release --locked -p onemap
mkdir -p "$ONEMAP_DATA_DIR"
"$onemap" db migrate
url=$("$onemap" db url)
sql() { psql "$url" -qAtX -v ON_ERROR_STOP=1 -c "$1"; }
have=$(sql "SELECT count(*) FROM parcels")
if [ "$have" != "$parcels" ]; then
    echo "bench: loading the $parcels-parcel county into $ONEMAP_DATA_DIR (minutes)"
    "$onemap" demo load --parcels "$parcels" --replace
fi
sql "ANALYZE"

# Samples, fixed by setseed so every run asks the same questions.
sql "SELECT setseed(0.42)" >/dev/null
sql "SELECT '/api/units/' || unit_code FROM (
       (SELECT unit_code FROM house_units TABLESAMPLE BERNOULLI (0.1) REPEATABLE (42) LIMIT 1700)
       UNION ALL (SELECT h.unit_code FROM compensation_units c JOIN house_units h ON h.id = c.house_unit_id ORDER BY c.id LIMIT 200)
       UNION ALL (SELECT parcel_code FROM parcels TABLESAMPLE BERNOULLI (0.1) REPEATABLE (43) LIMIT 100)) s" >"$work/units"
sql "SELECT format('/api/identify?lon=%s&lat=%s&zoom=18', round(ST_X(pt)::numeric, 7), round(ST_Y(pt)::numeric, 7)) FROM (
       (SELECT ST_PointOnSurface(geom) AS pt FROM buildings TABLESAMPLE BERNOULLI (0.2) REPEATABLE (44) LIMIT 1000)
       UNION ALL (SELECT ST_PointOnSurface(geom) FROM parcels TABLESAMPLE BERNOULLI (0.2) REPEATABLE (45) LIMIT 1000)) s" >"$work/identify"
# Search: whole unit codes, parcel-code prefixes, certificate serials, holder names, address words.
sql "WITH q(q) AS (
       (SELECT unit_code FROM house_units TABLESAMPLE BERNOULLI (0.05) REPEATABLE (46) LIMIT 400)
       UNION ALL (SELECT left(unit_code, 19) FROM house_units TABLESAMPLE BERNOULLI (0.05) REPEATABLE (47) LIMIT 400)
       UNION ALL (SELECT substring(number FROM '第([0-9]+)号') FROM certificates TABLESAMPLE BERNOULLI (1) REPEATABLE (48) LIMIT 400)
       UNION ALL (SELECT name FROM right_holders TABLESAMPLE BERNOULLI (1) REPEATABLE (49) LIMIT 400)
       UNION ALL (SELECT substring(address FROM '^(.*?[村路街])') FROM parcels TABLESAMPLE BERNOULLI (0.2) REPEATABLE (50) WHERE address ~ '[村路街]' LIMIT 400))
     SELECT '/api/search?q=' || regexp_replace(encode(convert_to(q, 'UTF8'), 'hex'), '(..)', '%\1', 'g') FROM q WHERE q IS NOT NULL" >"$work/search"
wc -l "$work/units" "$work/identify" "$work/search" | sed 's/^/bench: /'

PORT=$port "$onemap" serve >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
token=$(curl -fs "http://127.0.0.1:$port/api/auth/login" -H 'content-type: application/json' \
    -d '{"username":"officer","password":"Demo#2026"}' | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
[ -n "$token" ] || { echo "bench: could not log in as officer" >&2; exit 1; }

rows=""
for endpoint in units identify search; do
    # Warm the caches (PostgreSQL's buffers, the pool) with one pass over the list.
    URLS=$work/$endpoint TOKEN=$token wrk -t2 -c16 -d3s -s bench/wrk-urls.lua "http://127.0.0.1:$port" >/dev/null
    for c in 1 16 64; do
        t=$((c < 2 ? 1 : 2))
        out=$(URLS=$work/$endpoint TOKEN=$token wrk -t$t -c$c -d${seconds}s --timeout 10s -s bench/wrk-urls.lua "http://127.0.0.1:$port")
        IFS=$'\t' read -r _ rps p50 p99 max n non2xx sockerr <<<"$(grep '^RESULT' <<<"$out")"
        echo "bench: $endpoint c=$c  $rps req/s  p50 $p50 ms  p99 $p99 ms  max $max ms  ($n requests, $non2xx non-2xx, $sockerr socket errors)"
        rows+="| \`${endpoint}\` | $c | $rps | $p50 | $p99 | $max | $n | $non2xx |"$'\n'
    done
done

counts=$(sql "SELECT format('%s parcels, %s buildings, %s house units, %s compensation units',
    (SELECT count(*) FROM parcels), (SELECT count(*) FROM buildings), (SELECT count(*) FROM house_units),
    (SELECT count(*) FROM compensation_units))")
section="<!-- bench-units:start -->
## Lookup APIs: /api/units, /api/identify, /api/search (issue 4)

\`make bench-units\` — $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD), $(nproc) cores,
wrk and the server on the same machine over loopback, ${seconds} s per row after a 3 s warm-up,
as the demo officer (a session lookup per request; relocation data and holder names visible).
County: $counts. Paths: 2,000 per endpoint, sampled with fixed seeds (house units, 200 in the
relocation projects, 100 parcel codes; building and parcel interior points at zoom 18; whole
codes, parcel-code prefixes, certificate serials, holder names, address words).

| endpoint | connections | requests/s | p50 ms | p99 ms | max ms | requests | non-2xx |
|---|---|---|---|---|---|---|---|
${rows}<!-- bench-units:end -->"
doc=docs/benchmarks.md
[ -f "$doc" ] || printf '# Benchmarks\n\nFigures written by the benchmark commands; each section is replaced by its next run.\n\n' >"$doc"
if grep -q '<!-- bench-units:start -->' "$doc"; then
    awk -v s="$section" '/<!-- bench-units:start -->/{print s; skip=1} /<!-- bench-units:end -->/{skip=0; next} !skip' "$doc" >"$work/doc"
    cp "$work/doc" "$doc"
else
    printf '%s\n' "$section" >>"$doc"
fi
echo "bench: written to $doc"
