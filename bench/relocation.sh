#!/usr/bin/env bash
# Benchmark of the project statement (`make bench-relocation`): GET /api/projects/{code}/funds
# and /alerts of a project with 20,000 compensation units on the 500,000-parcel county, as the
# demo officer, at 1 and 16 concurrent connections with wrk. Goal (issue 15): ≤ 1 s; the
# seed's ceilings are 5 s for a query and 20 s for a complex report. The project is written
# once by bench/relocation_fixture.sql. Figures go to docs/benchmarks.md (bench-relocation).
#   BENCH_SECONDS  seconds per cell [10]
source "$(dirname "$0")/lib.sh"
port=${BENCH_HTTP_PORT:-18093}
prepare_county
psql "$url" -qAtX -v ON_ERROR_STOP=1 -f bench/relocation_fixture.sql
units=$(sql "SELECT count(*) FROM compensation_units c JOIN relocation_projects r ON r.id = c.project_id WHERE r.code = 'BENCH-ZS-20K'")
payments=$(sql "SELECT count(*) FROM payments p JOIN relocation_projects r ON r.id = p.project_id WHERE r.code = 'BENCH-ZS-20K'")
echo "bench: BENCH-ZS-20K has $units compensation units and $payments payments"

start_server "$port"
token=$(login "$port" officer)
[ -n "$token" ] || { echo "bench: could not log in as officer" >&2; exit 1; }

rows=""
for endpoint in funds alerts; do
    echo "/api/projects/BENCH-ZS-20K/$endpoint" >"$work/$endpoint"
    # One answer, checked, and its size.
    bytes=$(curl -fs -H "authorization: Bearer $token" "http://127.0.0.1:$port/api/projects/BENCH-ZS-20K/$endpoint" | wc -c)
    URLS=$work/$endpoint TOKEN=$token wrk -t1 -c1 -d2s -s bench/wrk-urls.lua "http://127.0.0.1:$port" >/dev/null
    for c in 1 16; do
        read -r rps p50 p99 max n non2xx sockerr <<<"$(run_wrk "$work/$endpoint" "http://127.0.0.1:$port" "$c" "$token")"
        echo "bench: $endpoint c=$c  $rps req/s  p50 $p50 ms  p99 $p99 ms  max $max ms  ($n requests, $non2xx non-2xx)"
        rows+="| \`GET /api/projects/{code}/$endpoint\` | $c | $rps | $p50 | $p99 | $max | $n | $non2xx | $bytes |"$'\n'
    done
done

counts=$(sql "SELECT format('%s parcels, %s house units, %s compensation units in all',
    (SELECT count(*) FROM parcels), (SELECT count(*) FROM house_units), (SELECT count(*) FROM compensation_units))")
write_section bench-relocation "## Project statement: funds and alerts of a 20,000-unit project (issue 15)

\`make bench-relocation\` — $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD), $(nproc) cores,
wrk and the server on the same machine over loopback, ${seconds} s per row after a 2 s warm-up,
as the demo officer. County: $counts. Project BENCH-ZS-20K: $units units (16,000 signed, 12,000
paid in full, 2,000 half paid), $payments payments, 24 deposits (bench/relocation_fixture.sql).
Goal: ≤ 1 s per answer (the seed's ceilings: 5 s per query, 20 s per complex report). No peer
system was named for this benchmark.

| request | connections | requests/s | p50 ms | p99 ms | max ms | requests | non-2xx | bytes |
|---|---|---|---|---|---|---|---|---|
${rows%$'\n'}"
