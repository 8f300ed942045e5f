#!/usr/bin/env bash
# Benchmark of backups (`make bench-backup`), issue 19: on the 500,000-parcel county, the time of
# `onemap backup create` (full, then the next day's with nothing changed), `backup verify`
# (hashes + restore into a scratch cluster + counts + audit chain) and `backup restore` into an
# empty data directory; beside them PostgreSQL's own pg_dump and pg_restore alone, in the same
# run (the floor onemap's database part stands on). Figures go to docs/benchmarks.md
# (bench-backup).
source "$(dirname "$0")/lib.sh"
prepare_county
backups=$work/backups
bin=/usr/lib/postgresql/15/bin
parcels=$(sql "SELECT count(*) FROM parcels")
# The files a backup holds: not uploads in flight (.incoming, *.part).
files=$(find "$ONEMAP_DATA_DIR/files" -type f -not -path '*/files/.*' -not -name '*.part' | wc -l)
files_bytes=$(find "$ONEMAP_DATA_DIR/files" -type f -not -path '*/files/.*' -not -name '*.part' -printf '%s\n' | awk '{s += $1} END {print s + 0}')
db_bytes=$(sql "SELECT pg_database_size(current_database())")

# timed COMMAND… → seconds (the command's standard output to $work/out, its log to $work/err)
timed() {
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >"$work/out" 2>"$work/err" || { cat "$work/out" "$work/err" >&2; echo "bench: $* failed" >&2; exit 1; }
    t1=$(date +%s.%N)
    printf %.1f "$(echo "$t1 - $t0" | bc)"
}

full=$(timed "$onemap" backup create --to "$backups")
full_out=$(cat "$work/out")
id=$(awk '{print $2}' "$work/out")
echo "bench: backup create $full s — $full_out"
again=$(timed "$onemap" backup create --to "$backups")
again_out=$(cat "$work/out")
echo "bench: second backup $again s — $again_out"
verify=$(timed "$onemap" backup verify "$id" --from "$backups")
echo "bench: verify $verify s — $(cat "$work/out")"

# Restore into a new, empty data directory with its own cluster.
restore_dir=$work/restored
mkdir -p "$restore_dir" && chmod 755 "$work" "$restore_dir"
restore_port=$((ONEMAP_PG_PORT + 7))
restore=$(timed env ONEMAP_DATA_DIR="$restore_dir" ONEMAP_PG_PORT=$restore_port "$onemap" backup restore "$id" --from "$backups")
echo "bench: restore $restore s — $(cat "$work/out")"
ONEMAP_DATA_DIR="$restore_dir" ONEMAP_PG_PORT=$restore_port "$onemap" db stop >/dev/null

# PostgreSQL's tools alone, same database, same machine.
export PGPASSWORD
PGPASSWORD=$(cat "$ONEMAP_DATA_DIR/pg.password")
pg_dump_s=$(timed "$bin/pg_dump" -h 127.0.0.1 -p "$ONEMAP_PG_PORT" -U onemap --format=custom --file "$work/plain.dump" onemap)
dump_bytes=$(stat -c %s "$work/plain.dump")
sql "DROP DATABASE IF EXISTS bench_restore" >/dev/null
sql "CREATE DATABASE bench_restore" >/dev/null
pg_restore_s=$(timed "$bin/pg_restore" -h 127.0.0.1 -p "$ONEMAP_PG_PORT" -U onemap --no-owner --jobs=2 --dbname bench_restore "$work/plain.dump")
sql "DROP DATABASE bench_restore" >/dev/null
echo "bench: pg_dump $pg_dump_s s ($dump_bytes bytes), pg_restore -j2 $pg_restore_s s"

write_section bench-backup "## Backup and restore on the benchmark county (issue 19)

\`make bench-backup\` — $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD), $(nproc) cores, one disk: the
county's $parcels parcels (database $((db_bytes / 1048576)) MiB) and $files files ($((files_bytes / 1048576)) MiB) in the files
directory. The backup goes to another directory on the same disk.

| step | seconds | what it did |
|---|---|---|
| \`onemap backup create\` (first) | $full | ${full_out//|/\\|} |
| \`onemap backup create\` (next, nothing changed) | $again | ${again_out//|/\\|} |
| \`onemap backup verify\` | $verify | hashes of the dump and every file, the dump restored into a scratch cluster, row counts of every table and the audit chain compared |
| \`onemap backup restore\` into an empty data directory | $restore | a new cluster, pg_restore, every file copied back and hash-checked, counts and audit chain compared |
| PostgreSQL alone: \`pg_dump --format=custom\` | $pg_dump_s | $((dump_bytes / 1048576)) MiB dump, no files, no manifest |
| PostgreSQL alone: \`pg_restore --jobs=2\` into an empty database | $pg_restore_s | the same dump |
"
