#!/usr/bin/env bash
# Benchmark of electronic certificates (`make bench-certificates`), issue 17:
#  1. signing: `onemap certificates sign --limit BENCH_SIGN` (20,000) on the 500,000-parcel
#     county — each certificate's face printed (PDF with its plan and QR code), its SM3 added
#     to the canonical content, signed with SM2, the face stored; 100 certificates per
#     transaction, as many batches at once as there are cores — certificates/s, and what that
#     rate means for every certificate of the county (an extrapolation, said so);
#  2. the public verification `GET /verify/{identifier}` (the page a phone gets: SM2 verify,
#     the register compared with the signed content) over 200 of the signed certificates, with
#     wrk at 1 and 16 connections.
# Figures go to docs/benchmarks.md (bench-certificates). No peer system was named.
source "$(dirname "$0")/lib.sh"
port=${BENCH_HTTP_PORT:-18095}
count=${BENCH_SIGN:-20000}
prepare_county
"$onemap" keys init >/dev/null
before=$(sql "SELECT count(*) FROM certificate_signatures")
start=$(date +%s.%N)
"$onemap" certificates sign --limit "$count" >"$work/sign.log" 2>&1
end=$(date +%s.%N)
signed=$(($(sql "SELECT count(*) FROM certificate_signatures") - before))
took=$(echo "$end - $start" | bc)
rate=$(echo "scale=1; $signed / $took" | bc)
total=$(sql "SELECT count(*) FROM certificates")
hours=$(echo "scale=1; $total / $rate / 3600" | bc)
echo "bench: signed $signed certificates in $took s ($rate/s); all $total would take about $hours h at this rate"

sql "SELECT '/verify/' || c.identifier FROM certificate_signatures s JOIN certificates c ON c.id = s.certificate_id
     ORDER BY s.signed_at DESC LIMIT 200" >"$work/urls"
start_server "$port"
URLS=$work/urls wrk -t1 -c1 -d2s -s bench/wrk-urls.lua "http://127.0.0.1:$port" >/dev/null
rows=""
for c in 1 16; do
    read -r rps p50 p99 max n non2xx sockerr <<<"$(run_wrk "$work/urls" "http://127.0.0.1:$port" "$c")"
    echo "bench: verify c=$c  $rps req/s  p50 $p50 ms  p99 $p99 ms  max $max ms  ($n requests, $non2xx non-2xx)"
    rows+="| \`GET /verify/{identifier}\` | $c | $rps | $p50 | $p99 | $max | $n | $non2xx |"$'\n'
done

write_section bench-certificates "## Electronic certificates: signing and verification (issue 17)

\`make bench-certificates\` — $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD), $(nproc) cores, the
release binary and wrk on the same machine over loopback, the 500,000-parcel county ($total certificates).
No peer system was named for this benchmark.

**Signing.** \`onemap certificates sign --limit $count\`: per certificate its face printed (A4 PDF, CJK
font subset, plan, QR code), the SM3 of the face in the canonical content, an SM2 signature,
the face stored; 100 certificates per transaction (one multi-row insert, one audit append with
a row per certificate), as many batches at once as there are cores.

| certificates | seconds | certificates/s | every certificate of the county at this rate |
|---|---|---|---|
| $signed | $took | $rate | about $hours h (extrapolated, not run) |

**Verification.** \`GET /verify/{identifier}\` as a phone asks it (HTML): the certificate read,
its SM2 signature verified with the published key, the register's current content rebuilt and
compared with what was signed. 200 signed certificates in a shuffled loop, $seconds s per row.

| request | connections | requests/s | p50 ms | p99 ms | max ms | requests | non-2xx |
|---|---|---|---|---|---|---|---|
$rows"
