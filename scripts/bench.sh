#!/usr/bin/env bash
# Company-scale measurements (issue 12): the CLI operations of the issue's table on a
# 1,000,000-ticket SQLite database, each a whole `baoxiu` process of the release build,
# median of 5, printed as one Markdown table with the budget beside each figure.
#   bash scripts/bench.sh [--pg]
# The database is seeded once (a few minutes) at BENCH_DB (default /work/bench-1m.db, else
# ./target/bench-1m.db) on a fixed clock, and reused after that. `--pg` also runs
# scripts/bench-shared.sh: the same reads on PostgreSQL against SQLite at 100k tickets.
# Printing the 500 slips records the prints in the bench database (as printing does).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --release --bin baoxiu
bin="${CARGO_TARGET_DIR:-$PWD/target}/release/baoxiu"
if [ -z "${BENCH_DB:-}" ]; then
  if [ -d /work ] && [ -w /work ]; then BENCH_DB=/work/bench-1m.db; else BENCH_DB="$PWD/target/bench-1m.db"; fi
fi
work="$(mktemp -d /tmp/baoxiu-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
# The clock the seed used: the month before it is a full ~30k-ticket month.
export BAOXIU_NOW="2026-11-25 12:00" BAOXIU_FILES_DIR="$work/files"
month=2026-10
db=(--db "$BENCH_DB")

if [ ! -s "$BENCH_DB" ]; then
  echo "seeding 1,000,000 tickets into $BENCH_DB (once) …" >&2
  "$bin" "${db[@]}" seed --tickets 1000000 >/dev/null
fi

# A month that has ended is kept once computed (migration 15): the rows marked
# "computed" forget the kept months before each run, as a change to the month would.
forget_kept=""
forget() { sqlite3 "$BENCH_DB" "DELETE FROM month_summaries"; }

median_ms() { # command... → median wall ms of 5 runs
  local runs=() s e
  for _ in 1 2 3 4 5; do
    [ -n "$forget_kept" ] && forget
    s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N)
    runs+=($(( (e - s) / 1000000 )))
  done
  printf '%s\n' "${runs[@]}" | sort -n | sed -n 3p
}

numbers="$work/numbers"
if command -v sqlite3 >/dev/null; then
  sqlite3 "$BENCH_DB" "SELECT number FROM tickets ORDER BY id DESC LIMIT 500" >"$numbers"
else
  echo "bench.sh: the 500-slip row needs the sqlite3 shell to pick the tickets" >&2
  : >"$numbers"
fi
tickets=$("$bin" "${db[@]}" report --month "$month" --out "$work/m.csv" --force |
  grep -o '"tickets": *[0-9]*' | grep -o '[0-9]*$' || echo '?')

printf '\n%s, %s cores, %s; %s tickets; month %s (%s tickets in its 明细); load average %s\n\n' \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" "$(nproc)" \
  "$(uname -sr)" "$(sqlite3 "$BENCH_DB" 'SELECT count(*) FROM tickets' 2>/dev/null || echo '?')" \
  "$month" "$tickets" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '| operation (SQLite, release CLI, whole process, median of 5) | ms | budget ms |\n|---|---|---|\n'
row() {
  local what="$1" budget="$2"; shift 2
  printf '| %s | %s | %s |\n' "$what" "$(median_ms "$bin" "${db[@]}" "$@")" "$budget"
}
row "list page, status filter, 50 rows" "keep (10)" ticket list --status received
row "keyword search 漏水" 50 ticket list --q 漏水
row "keyword search 电 (1 character)" 50 ticket list --q 电
row "phone suffix 5678" 50 ticket list --q 5678
# The list's everyday filters and sorts (not in the issue's table; one page each).
row "list page, 小区 filter (翠湖苑)" "—" ticket list --site 翠湖苑
row "list page, 维修人员 filter" "—" ticket list --tech "$("$bin" "${db[@]}" tech list | grep -o '"name": *"[^"]*"' | head -1 | sed 's/.*: *"//; s/"$//')"
row "list page, sorted by number (descending)" "—" ticket list --sort -number
row "list page, sorted by 维修人员" "—" ticket list --sort assignee
row "month summary JSON ($month), kept" 200 report --month "$month" --json
row "escalations" "keep (6)" escalations
row "XLSX export of the month" 1500 report --month "$month" --out "$work/m.xlsx" --force
row "PDF export of the month, summary kept" 300 report --month "$month" --out "$work/m.pdf" --force
if command -v sqlite3 >/dev/null; then
  forget_kept=1
  row "month summary JSON ($month), computed (first read after a change)" 200 report --month "$month" --json
  row "PDF export of the month, computed" 300 report --month "$month" --out "$work/m.pdf" --force
  row "month summary JSON, running month (2026-11, never kept)" 200 report --month 2026-11 --json
  forget_kept=""
fi
row "CSV export of the month" 300 report --month "$month" --out "$work/m.csv" --force
if [ -s "$numbers" ]; then
  # shellcheck disable=SC2046
  row "500 slips (one PDF)" 1000 print --out "$work/slips.pdf" --force $(cat "$numbers")
fi

echo
# Durable create against the sqlite3 shell doing the same transaction (budget ≥ 0.8×).
if command -v sqlite3 >/dev/null; then
  cargo bench -q --bench durable 2>/dev/null | grep '^durable'
fi

if [ "${1:-}" = "--pg" ]; then
  echo
  bash scripts/bench-shared.sh
fi
