#!/usr/bin/env bash
# Makes an upgrade fixture: a database written by the `baoxiu` of a given revision (a tag
# of a released version), with what that version said about it, so the current code can
# prove it opens the file and keeps every row and the month report unchanged.
#
#   bash scripts/make-fixture.sh v1 [REV]     # REV defaults to the tag of the same name
#
# Writes tests/fixtures/upgrade/<name>.db, <name>.counts.json (rows per table) and
# <name>.report-2026-11.json (the month report as that version printed it). Never edit
# these by hand: regenerate them from the revision.
set -euo pipefail
cd "$(dirname "$0")/.."
name="${1:?usage: make-fixture.sh NAME [REV]}"
rev="${2:-$name}"
out="tests/fixtures/upgrade"
mkdir -p "$out"
tree="$(mktemp -d /tmp/baoxiu-fixture.XXXXXX)"
trap 'git worktree remove --force "$tree" >/dev/null 2>&1 || rm -rf "$tree"' EXIT
git worktree add -q --detach "$tree" "$rev"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}/fixture"
(cd "$tree" && cargo build -q --bin baoxiu)
bin="$CARGO_TARGET_DIR/debug/baoxiu"
db="$out/$name.db"
rm -f "$db" "$db-wal" "$db-shm"
# A fixed clock and seed: the same fixture every time it is made from the same revision.
export BAOXIU_NOW="2026-11-25 12:00"
"$bin" --db "$db" seed --demo --seed 7 >/dev/null
"$bin" --db "$db" report --month 2026-11 --json >"$out/$name.report-2026-11.json"
python3 - "$db" >"$out/$name.counts.json" <<'PY'
import json, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
tables = [r[0] for r in c.execute("SELECT name FROM sqlite_schema WHERE type='table' ORDER BY name")]
print(json.dumps({t: c.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}, indent=1, sort_keys=True))
PY
# One file, no WAL beside it.
python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA wal_checkpoint(TRUNCATE)'); c.execute('PRAGMA journal_mode=DELETE')" "$db"
echo "== $db ($(du -h "$db" | cut -f1)) from $(git rev-parse --short "$rev")"
