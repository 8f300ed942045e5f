# Shared by the benchmark scripts (sourced): the 500,000-parcel county in .onemap-bench/, wrk,
# the release server, logins and docs/benchmarks.md sections.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/onemap/target}
onemap=$CARGO_TARGET_DIR/release/onemap
seconds=${BENCH_SECONDS:-10}
parcels=${BENCH_PARCELS:-500000}
export ONEMAP_DATA_DIR=$root/.onemap-bench ONEMAP_PG_PORT=${BENCH_PG_PORT:-55440} ONEMAP_LOG=warn
work=$(mktemp -d)
servers=()
cleanup() {
    for s in "${servers[@]}"; do kill "$s" 2>/dev/null && wait "$s" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT

apt_install() {
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Builds onemap, starts the bench cluster, loads the county when it is not there.
prepare_county() {
    scripts/install-deps.sh run
    command -v wrk >/dev/null || apt_install wrk
    cargo build --release --locked -p onemap
    mkdir -p "$ONEMAP_DATA_DIR"
    "$onemap" db migrate
    url=$("$onemap" db url)
    if [ "$(sql "SELECT count(*) FROM parcels")" != "$parcels" ]; then
        echo "bench: loading the $parcels-parcel county into $ONEMAP_DATA_DIR (minutes)"
        # Unsigned: signing its 2.5 million certificates takes hours (make bench-certificates
        # measures the rate on 20,000).
        "$onemap" demo load --parcels "$parcels" --replace --no-sign
    fi
    # A settled database: statistics, and the visibility map that index-only scans rely on.
    sql "VACUUM ANALYZE"
}

sql() { psql "$url" -qAtX -v ON_ERROR_STOP=1 -c "$1"; }

# start_server PORT [VAR=value …]: the release server in the background, ready on return.
start_server() {
    local port=$1
    shift
    env "$@" PORT="$port" "$onemap" serve >"$work/server-$port.log" 2>&1 &
    servers+=($!)
    for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/health" >/dev/null && return; sleep 0.2; done
    echo "bench: the server on port $port did not start" >&2
    cat "$work/server-$port.log" >&2
    exit 1
}

# login PORT USER → a bearer token
login() {
    curl -fs "http://127.0.0.1:$1/api/auth/login" -H 'content-type: application/json' \
        -d "{\"username\":\"$2\",\"password\":\"Demo#2026\"}" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p'
}

# run_wrk URL_FILE BASE_URL CONNECTIONS [TOKEN] → "req/s p50 p99 max requests non2xx errors"
run_wrk() {
    local threads=$(($3 < 2 ? 1 : 2))
    URLS=$1 TOKEN=${4:-} wrk -t$threads -c"$3" -d"${seconds}s" --timeout 30s -s bench/wrk-urls.lua "$2" |
        awk -F'\t' '/^RESULT/ {print $2, $3, $4, $5, $6, $7, $8}'
}

# write_section NAME TEXT: replaces <!-- NAME:start --> … <!-- NAME:end --> in docs/benchmarks.md.
write_section() {
    local doc=docs/benchmarks.md section="<!-- $1:start -->
$2
<!-- $1:end -->"
    [ -f "$doc" ] || printf '# Benchmarks\n\nFigures written by the benchmark commands; each section is replaced by its next run.\n\n' >"$doc"
    if grep -q "<!-- $1:start -->" "$doc"; then
        awk -v s="$section" -v a="<!-- $1:start -->" -v b="<!-- $1:end -->" \
            '$0 == a {print s; skip=1} $0 == b {skip=0; next} !skip' "$doc" >"$work/doc"
        cp "$work/doc" "$doc"
    else
        printf '\n%s\n' "$section" >>"$doc"
    fi
    echo "bench: written to $doc"
}
