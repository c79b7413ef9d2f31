#!/usr/bin/env bash
# Measures the shared database against the embedded one (issue 9): list and search with
# 100k tickets on SQLite and on PostgreSQL (a throwaway local cluster), and durable ticket
# creation from 8 processes at once. Whole `baoxiu` processes, release build, median of 5.
#   bash scripts/bench-shared.sh [TICKETS]      (default 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
cargo build -q --release --bin baoxiu
bin="${CARGO_TARGET_DIR:-$PWD/target}/release/baoxiu"
work="$(mktemp -d /tmp/baoxiu-bench.XXXXXX)"
# shellcheck source=scripts/pg.sh
source scripts/pg.sh
pg_start
trap 'pg_stop; rm -rf "$work"' EXIT
export BAOXIU_NOW="2026-11-25 12:00" BAOXIU_FILES_DIR="$work/files"
lite="$work/office.db"
psql -q "$BAOXIU_TEST_PG/postgres" -c "CREATE DATABASE office TEMPLATE template0"
pg="$BAOXIU_TEST_PG/office"

t0=$(date +%s.%N)
"$bin" --db "$lite" seed --tickets "$n" >/dev/null
t1=$(date +%s.%N)
"$bin" --db "$lite" migrate --to "$pg" >/dev/null
t2=$(date +%s.%N)
printf 'seed %s tickets into SQLite: %.1f s; migrate them to PostgreSQL (with checks): %.1f s\n' \
  "$n" "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)"

median_ms() { # command... → median wall ms of 5 runs
  local runs=() s e
  for _ in 1 2 3 4 5; do
    s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N)
    runs+=($(( (e - s) / 1000000 )))
  done
  printf '%s\n' "${runs[@]}" | sort -n | sed -n 3p
}

printf '\n| operation (%s tickets) | SQLite ms | PostgreSQL ms |\n|---|---|---|\n' "$n"
row() {
  local what="$1"; shift
  printf '| %s | %s | %s |\n' "$what" "$(median_ms "$bin" --db "$lite" "$@")" "$(median_ms "$bin" --db "$pg" "$@")"
}
row "list page, 50 rows" ticket list
row "status filter (待派单), 50 rows" ticket list --status received
row "keyword 漏水" ticket list --q 漏水
row "keyword 电 (1 character)" ticket list --q 电
row "phone suffix 5678" ticket list --q 5678
row "month report JSON" report --month 2026-11 --json
row "escalations" escalations

creates() { # db → tickets/s from 8 processes × 25 creates
  local db="$1" s e
  local draft='{"channel":"phone","reporter":"王建国","phone":"13800138000","site":"翠湖苑","building":"1","unit":"1","room":"101","scope":"in_home","category":"水路","description":"厨房水管漏水"}'
  s=$(date +%s%N)
  for p in 1 2 3 4 5 6 7 8; do
    ( for _ in $(seq 25); do echo "$draft" | BAOXIU_NOW= "$bin" --db "$db" ticket new >/dev/null; done ) &
  done
  wait
  e=$(date +%s%N)
  echo "scale=1; 200 * 1000000000 / ($e - $s)" | bc
}
printf '\ncreates from 8 processes (200 durable creates, each a whole process): SQLite %s/s, PostgreSQL %s/s\n' \
  "$(creates "$lite")" "$(creates "$pg")"
