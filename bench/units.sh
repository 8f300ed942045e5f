#!/usr/bin/env bash
# Benchmark of the lookup APIs on the 500,000-parcel demo county (`make bench-units`):
# GET /api/units/{code}, /api/identify and /api/search, each at 1, 16 and 64 concurrent
# connections with wrk, as the demo officer (session lookup, relocation data, names).
# The county is built once in .onemap-bench/ (its own cluster on port 55440, ~8 min, ~6 GB
# RAM) and kept for later runs. Figures go to docs/benchmarks.md between the bench-units
# markers, replacing the previous run's.
#   BENCH_SECONDS  seconds per cell [10]     BENCH_PARCELS  county size [500000]
source "$(dirname "$0")/lib.sh"
port=${BENCH_HTTP_PORT:-18090}
prepare_county

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

start_server "$port"
token=$(login "$port" officer)
[ -n "$token" ] || { echo "bench: could not log in as officer" >&2; exit 1; }

rows=""
for endpoint in units identify search; do
    # Warm the caches (PostgreSQL's buffers, the pool) with one pass over the list.
    URLS=$work/$endpoint TOKEN=$token wrk -t2 -c16 -d3s -s bench/wrk-urls.lua "http://127.0.0.1:$port" >/dev/null
    for c in 1 16 64; do
        read -r rps p50 p99 max n non2xx sockerr <<<"$(run_wrk "$work/$endpoint" "http://127.0.0.1:$port" "$c" "$token")"
        echo "bench: $endpoint c=$c  $rps req/s  p50 $p50 ms  p99 $p99 ms  max $max ms  ($n requests, $non2xx non-2xx, $sockerr socket errors)"
        rows+="| \`${endpoint}\` | $c | $rps | $p50 | $p99 | $max | $n | $non2xx |"$'\n'
    done
done

counts=$(sql "SELECT format('%s parcels, %s buildings, %s house units, %s compensation units',
    (SELECT count(*) FROM parcels), (SELECT count(*) FROM buildings), (SELECT count(*) FROM house_units),
    (SELECT count(*) FROM compensation_units))")
write_section bench-units "## Lookup APIs: /api/units, /api/identify, /api/search (issue 4)

\`make bench-units\` — $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD), $(nproc) cores,
wrk and the server on the same machine over loopback, ${seconds} s per row after a 3 s warm-up,
as the demo officer (a session lookup per request; relocation data and holder names visible).
County: $counts. Paths: 2,000 per endpoint, sampled with fixed seeds (house units, 200 in the
relocation projects, 100 parcel codes; building and parcel interior points at zoom 18; whole
codes, parcel-code prefixes, certificate serials, holder names, address words).

| endpoint | connections | requests/s | p50 ms | p99 ms | max ms | requests | non-2xx |
|---|---|---|---|---|---|---|---|
${rows%$'\n'}"
