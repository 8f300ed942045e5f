#!/usr/bin/env bash
# Benchmark of the exchange outbox under load (`make bench-exchange`), issue 17: the seed
# platform's limit is a message available ≤ 3 s after its change. On the 500,000-parcel county,
# with wrk holding 16 connections of map and desk reads (identify, unit records, /verify) for
# the whole run, BENCH_CHANGES (30) houses are demolished and their cancellations approved one
# after another; bench/exchange_latency.py times, from each decision's request, its response,
# the message readable with GET /api/exchange/messages, and the message pushed to a receiver
# ([exchange] push_url). Figures go to docs/benchmarks.md (bench-exchange). No peer was named.
source "$(dirname "$0")/lib.sh"
port=${BENCH_HTTP_PORT:-18096}
receiver=${BENCH_RECEIVER_PORT:-18097}
changes=${BENCH_CHANGES:-30}
prepare_county

units=$(sql "SELECT count(*) FROM compensation_units c JOIN house_units h ON h.id = c.house_unit_id
    WHERE c.status = 'paid' AND c.moved_out_on IS NOT NULL AND c.demolished_on IS NULL
      AND EXISTS (SELECT FROM rights r WHERE r.unit_code = h.unit_code AND r.status = 'current')")
[ "$units" -ge "$changes" ] || { echo "bench: only $units houses are ready to demolish (need $changes); reload the county" >&2; exit 1; }
sql "SELECT c.code || ' ' || h.unit_code FROM compensation_units c JOIN house_units h ON h.id = c.house_unit_id
    WHERE c.status = 'paid' AND c.moved_out_on IS NOT NULL AND c.demolished_on IS NULL
      AND EXISTS (SELECT FROM rights r WHERE r.unit_code = h.unit_code AND r.status = 'current')
    ORDER BY c.id LIMIT $changes" >"$work/changes"
sql "SELECT format('/api/identify?lon=%s&lat=%s&zoom=18', round(ST_X(pt)::numeric, 7), round(ST_Y(pt)::numeric, 7)) FROM (
       SELECT ST_PointOnSurface(geom) AS pt FROM buildings TABLESAMPLE BERNOULLI (0.2) REPEATABLE (44) LIMIT 700) s
     UNION ALL (SELECT '/api/units/' || unit_code FROM house_units TABLESAMPLE BERNOULLI (0.1) REPEATABLE (42) LIMIT 700)
     UNION ALL (SELECT '/verify/' || c.identifier FROM certificate_signatures s JOIN certificates c ON c.id = s.certificate_id
                ORDER BY s.certificate_id LIMIT 600)" >"$work/load"

start_server "$port" ONEMAP_EXCHANGE_PUSH_URL="http://127.0.0.1:$receiver/receive"
officer=$(login "$port" officer)
clerk=$(login "$port" clerk)
[ -n "$officer" ] && [ -n "$clerk" ] || { echo "bench: could not log in" >&2; exit 1; }

# The load: 16 connections for as long as the changes take (at most 10 minutes).
URLS=$work/load TOKEN=$officer wrk -t2 -c16 -d600s --timeout 30s -s bench/wrk-urls.lua "http://127.0.0.1:$port" \
    >"$work/load.out" 2>&1 &
load=$!
sleep 3
python3 bench/exchange_latency.py "http://127.0.0.1:$port" "$officer" "$clerk" "$receiver" <"$work/changes" >"$work/samples.json"
kill -INT "$load" 2>/dev/null
wait "$load" 2>/dev/null || true
loadline=$(awk -F'\t' '/^RESULT/ {printf "%s requests/s, p99 %s ms, %s requests, %s non-2xx", $2, $4, $6, $7}' "$work/load.out")
[ -n "$loadline" ] || loadline="(wrk's summary was cut off: $(tail -1 "$work/load.out"))"

table=$(python3 - "$work/samples.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
def q(v, p):
    v = sorted(v); return v[min(len(v) - 1, int(round(p * (len(v) - 1))))]
for key, label in [("decision", "the decision answered"), ("readable", "message readable (`GET /api/exchange/messages`)"),
                   ("pushed", "message received by the push receiver")]:
    v = [x[key] * 1000 for x in s]
    print(f"| {label} | {len(v)} | {q(v, .5):.1f} | {q(v, .99):.1f} | {max(v):.1f} |")
PY
)
echo "$table" | sed 's/^/bench: /'
echo "bench: load during the run: $loadline"
write_section bench-exchange "## Exchange outbox under load (issue 17)

\`make bench-exchange\` — $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD), $(nproc) cores, the
release server, wrk and the driver on the same machine over loopback, the 500,000-parcel county.
The seed platform's limit: a message available ≤ 3 s after its change. No peer was named.

While wrk holds 16 connections of reads (identify at zoom 18, unit records, \`/verify\` pages;
$loadline), $changes houses are demolished and their cancellation cases approved, one after
another (\`bench/exchange_latency.py\`). Each time is measured from the moment the decision request
is sent. The message is polled every 20 ms; the push is onemap's \`[exchange] push_url\` pointing at
the driver's own HTTP receiver, with the default \`poll_ms = 500\`.

| from the decision request to | changes | p50 ms | p99 ms | max ms |
|---|---|---|---|---|
$table
"
