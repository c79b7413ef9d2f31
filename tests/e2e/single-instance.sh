#!/usr/bin/env bash
# A second launch of 报修台 hands over to the running window and exits; the database is
# never opened twice. Run inside a display and a D-Bus session (scripts/desktop.sh does:
# xvfb-run + dbus-run-session), APP=path/to/baoxiu-desk.
set -euo pipefail
dir="$(mktemp -d)"
trap 'kill "${first:-}" 2>/dev/null || true; rm -rf "$dir"' EXIT
export BAOXIU_DB="$dir/baoxiu.db"
"$APP" >"$dir/first.log" 2>&1 &
first=$!
for _ in $(seq 1 100); do [ -f "$dir/baoxiu.db" ] && break; sleep 0.2; done
sleep 2
start=$(date +%s)
if ! timeout 20 "$APP" >"$dir/second.log" 2>&1; then
  echo "FAIL: the second launch did not exit by itself" >&2
  cat "$dir/second.log" >&2
  exit 1
fi
kill -0 "$first" || { echo "FAIL: the first window is gone" >&2; exit 1; }
echo "ok: the second launch exited after $(( $(date +%s) - start )) s; the first window kept running"
