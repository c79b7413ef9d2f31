#!/usr/bin/env bash
# 报修台's launch time and idle memory against the floor (benches/floor-window: a bare
# Tauri window with a static page, same Tauri, same release profile), on a 1,000,000-ticket
# database, in one run under Xvfb: median of 5 launches each, a table with the ratios
# (issue 12's budgets: launch ≤ 1.3× the floor's, memory ≤ 1.2×). Numbers, not a test:
# CI does not run it. How each number is taken: tests/e2e/bench-app.mjs.
#
#   scripts/bench-app.sh        (after scripts/desktop.sh deps)
#
# Environment: BENCH_DB (default /work/bench-1m.db; seeded with `baoxiu seed --tickets
# 1000000` when missing, ≈ 2 min), RUNS (default 5), CARGO_TARGET_DIR.
# The database is copied to a temporary file first: the app may migrate and writes to it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
TAURI="$ROOT/ui/node_modules/.bin/tauri"
DB="${BENCH_DB:-/work/bench-1m.db}"
APP="$TARGET/release/baoxiu-desk"
FLOOR="$TARGET/release/floor-window"
CLI="$TARGET/debug/baoxiu"

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'bench-app.sh: %s\n' "$*" >&2; exit 1; }

[ -x "$TAURI" ] || die "ui/node_modules is missing: run scripts/desktop.sh deps first"

# Both windows the way the installer builds them (the Tauri CLI, release profile).
if [ ! -x "$APP" ]; then
  say "the app (scripts/package.sh)"
  "$ROOT/scripts/package.sh" >/dev/null
fi
say "the floor window"
(cd "$ROOT/benches/floor-window" && CI=true "$TAURI" build --no-bundle </dev/null)
# The CLI adds the sign-in account: the debug one will do (as CI builds it); only seeding
# a million tickets wants the release one.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ ! -f "$DB" ]; then
  say "seeding $DB with 1,000,000 tickets (release CLI)"
  (cd "$ROOT" && cargo build --release --bin baoxiu)
  "$TARGET/release/baoxiu" --db "$DB" seed --tickets 1000000 >/dev/null
fi
[ -x "$CLI" ] || (cd "$ROOT" && cargo build --bin baoxiu)
say "copying $DB"
cp "$DB" "$work/bench.db"
[ ! -f "$DB-wal" ] || cp "$DB-wal" "$work/bench.db-wal"
# An office's database has accounts, so the window opens on its sign-in screen.
user=测试主管
password=bench-pass-1
if ! printf '%s\n' "$password" | "$CLI" --db "$work/bench.db" user login "$user" >/dev/null 2>&1; then
  printf '%s\n' "$password" | "$CLI" --db "$work/bench.db" user add "$user" --role admin >/dev/null
fi

# Today's 每日备份 made first, as cron or an earlier start would have: the first start of a
# day copies the whole database in the background (its own connection; the window stays
# usable), and a run that quits mid-copy starts it again at the next launch, so every
# launch would measure the copy too.
say "making today's daily copy"
"$CLI" --db "$work/bench.db" backup --daily >/dev/null

say "launching each window $((${RUNS:-5} + 1)) times (the first of each not counted)"
APP="$APP" FLOOR="$FLOOR" BAOXIU_DB="$work/bench.db" USER_NAME="$user" USER_PASSWORD="$password" \
  RUNS="${RUNS:-5}" xvfb-run -a -s "-screen 0 1400x900x24" node "$ROOT/tests/e2e/bench-app.mjs"
