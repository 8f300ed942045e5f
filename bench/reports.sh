#!/usr/bin/env bash
# Benchmark of reports (`make bench-reports`), issue 18: each report of `GET /api/reports/{name}`
# as XLSX and as PDF on the 500,000-parcel county, timed by curl from the request to the last
# byte (the queries on the bulk pool, the workbook or the PDF with its embedded font subset,
# the audit row). Limits of the seed: 20 s for a complex report, 5 s for a query. Figures go to
# docs/benchmarks.md (bench-reports).
source "$(dirname "$0")/lib.sh"
port=${BENCH_HTTP_PORT:-18099}
prepare_county
# The 20,000-unit project of bench-relocation (written once) for the project reports.
psql "$url" -qAtX -v ON_ERROR_STOP=1 -f bench/relocation_fixture.sql
start_server "$port"
officer=$(login "$port" officer)
clerk=$(login "$port" clerk)
auditor=$(login "$port" auditor)
[ -n "$officer" ] && [ -n "$clerk" ] && [ -n "$auditor" ] || { echo "bench: could not log in" >&2; exit 1; }
parcels=$(sql "SELECT count(*) FROM parcels")
certificates=$(sql "SELECT count(*) FROM certificates")
rights=$(sql "SELECT count(*) FROM rights")
# The project with the most compensation units.
read -r project units <<<"$(sql "SELECT p.code || ' ' || count(c.id) FROM relocation_projects p
    JOIN compensation_units c ON c.project_id = p.id GROUP BY p.code ORDER BY count(c.id) DESC LIMIT 1")"
town=$(sql "SELECT left(parcel_code, 9) FROM parcels GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
today=$(date +%F)
week=$(date -d '7 days ago' +%F)
audit_rows=$(sql "SELECT count(*) FROM audit_log WHERE at >= '$week'::date")

# report TOKEN NAME QUERY FORMAT → "seconds bytes" (best of 3)
report() {
    local best="" s b
    for _ in 1 2 3; do
        read -r s b <<<"$(curl -fsS -o "$work/report.out" -w '%{time_total} %{size_download}' \
            -H "authorization: Bearer $1" "http://127.0.0.1:$port/api/reports/$2?$3&format=$4")" \
            || { echo "bench: report $2?$3 failed" >&2; exit 1; }
        if [ -z "$best" ] || [ "$(echo "$s < $best" | bc)" = 1 ]; then best=$s; fi
    done
    echo "$best $b"
}

rows=""
while read -r who name query what; do
    [ "$query" = - ] && query=""
    for format in xlsx pdf; do
        read -r s b <<<"$(report "${!who}" "$name" "$query" "$format")"
        echo "bench: $name $format ($what) $s s, $b bytes"
        rows+="| $name | $what | $format | $(printf %.2f "$s") | $((b / 1024)) KiB |"$'\n'
    done
done <<LIST
officer project-progress - every project
officer fund-statement project=$project project $project ($units units)
officer household-compensation project=$project project $project ($units units)
clerk registration-stats - every township
clerk registration-stats township=$town township $town
auditor audit-extract from=$week&to=$today the last 7 days ($audit_rows rows)
LIST

write_section bench-reports "## Reports: each report as XLSX and PDF on the benchmark county (issue 18)

\`make bench-reports\` — $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD), $(nproc) cores, the
release server and curl on the same machine; the county's $parcels parcels, $rights rights and
$certificates certificates. Time from the request to the last byte, best of 3. The seed's limits:
20 s for a complex report, 5 s usually.

| report | covers | format | seconds | size |
|---|---|---|---|---|
$rows"
