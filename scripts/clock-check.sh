#!/usr/bin/env bash
# Runs the core test binaries (unit and integration) with the wall clock faked to hours
# and days that have broken time-dependent tests before: just after midnight, morning,
# 14:00 (when the old demo had no 维修中 ticket), just before midnight, the first and the
# last day of a month, 28 February. No test may depend on the real clock; this proves it.
# Needs `faketime` (Debian package, installed by scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v faketime >/dev/null || { echo "clock-check: faketime is not installed" >&2; exit 1; }

mapfile -t bins < <(cargo test -p baoxiu --no-run --message-format=json 2>/dev/null |
  python3 -c 'import json,sys
for l in sys.stdin:
    m=json.loads(l)
    if m.get("reason")=="compiler-artifact" and m.get("profile",{}).get("test") and m.get("executable"):
        print(m["executable"])')
[ "${#bins[@]}" -gt 0 ] || { echo "clock-check: no test binaries found" >&2; exit 1; }

# Office time (Asia/Shanghai), as the office would see the wall clock.
times=(
  "2026-12-01 00:05:00"
  "2026-12-03 08:00:00"
  "2026-12-03 14:00:00"
  "2026-12-03 23:55:00"
  "2026-11-30 23:55:00"
  "2027-02-28 12:00:00"
)
for t in "${times[@]}"; do
  for b in "${bins[@]}"; do
    echo "== clock $t (Asia/Shanghai): $(basename "$b")"
    # Only the wall clock is faked: timeouts wait on the monotonic clock, which libfaketime
    # would otherwise move years ahead of the kernel's (a 10 s wait then never ends).
    DONT_FAKE_MONOTONIC=1 TZ=Asia/Shanghai faketime "$t" "$b" -q
  done
done
echo "== clock check: every run passed"
