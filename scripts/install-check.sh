#!/usr/bin/env bash
# Install test of the 报修台 .deb, as an office PC would get it (CI: scripts/test.sh):
#   1. dpkg -i (apt-get -f install if the system lacks a dependency);
#   2. the installed files: the binary on PATH, the .desktop entry, the icon;
#   3. a demo database seeded by the CLI, the INSTALLED app opened on it once under Xvfb
#      (tests/e2e/install.test.mjs: sign in as 前台, the 工单 list shows the demo rows,
#      screenshots in $E2E_SHOTS);
#   4. dpkg -r, and nothing of the package is left on PATH or in the menus.
#
#   scripts/install-check.sh path/to/报修台_0.1.0_amd64.deb
#
# Needs root (dpkg), `scripts/desktop.sh deps` (Xvfb, tauri-driver, WebKitWebDriver) and
# the CLI: $CLI, default target/debug/baoxiu (built with `cargo build --bin baoxiu`).
# Refuses to run where the package is already installed: it would remove someone's copy.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
CLI="${CLI:-$TARGET/debug/baoxiu}"
SHOTS="${E2E_SHOTS:-$ROOT/tests/e2e/screenshots}"
export DEBIAN_FRONTEND=noninteractive

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'install-check.sh: %s\n' "$*" >&2; exit 1; }
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else
    die "need root (or sudo) to run: $*"
  fi
}

deb="${1:-}"
[ -f "$deb" ] || die "usage: scripts/install-check.sh path/to/package.deb"
[ -x "$CLI" ] || die "no CLI at $CLI: cargo build --bin baoxiu (or set CLI)"
pkg="$(dpkg-deb -f "$deb" Package)"
if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
  die "package $pkg is already installed here; remove it first (dpkg -r $pkg)"
fi

work="$(mktemp -d)"
installed=""
cleanup() {
  if [ -n "$installed" ]; then as_root dpkg -r "$pkg" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

say "dpkg -i $(basename "$deb") (package $pkg, $(stat -c %s "$deb") bytes)"
installed=yes
if ! as_root dpkg -i "$deb"; then
  as_root apt-get install -f -y -q --no-install-recommends
fi
dpkg-query -W -f='${Status}\n' "$pkg" | grep -q 'install ok installed' || die "$pkg did not install"

say "installed files"
files="$(dpkg -L "$pkg")"
bin="$(command -v baoxiu-desk)" || die "baoxiu-desk is not on PATH after installing"
echo "$files" | grep -qx "$bin" || die "$bin on PATH is not the package's (dpkg -L $pkg)"
desktop="$(echo "$files" | grep '^/usr/share/applications/.*\.desktop$' | head -1)"
[ -f "$desktop" ] || die "no .desktop entry in the package"
grep -q '^Name=报修台$' "$desktop" || die "$desktop: no Name=报修台"
grep -q '^Exec=baoxiu-desk' "$desktop" || die "$desktop: Exec is not baoxiu-desk"
icon_name="$(sed -n 's/^Icon=//p' "$desktop")"
icons="$(echo "$files" | grep "^/usr/share/icons/hicolor/.*/apps/$icon_name\.png$" || true)"
[ -n "$icons" ] || die "no icon $icon_name in /usr/share/icons/hicolor"
for icon in $icons; do
  [ "$(head -c 8 "$icon" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || die "$icon is not a PNG"
done
printf '%s\n' "binary $bin ($(stat -c %s "$bin") bytes)" "menu entry $desktop" \
  "icons: $(echo "$icons" | tr '\n' ' ')" >&2

say "demo database (the CLI), then the installed app on it under Xvfb"
"$CLI" --db "$work/demo.db" seed --demo >/dev/null
mkdir -p "$SHOTS"
APP="$bin" BAOXIU_DB="$work/demo.db" E2E_SHOTS="$SHOTS" \
  xvfb-run -a -s "-screen 0 1400x900x24" node --test "$ROOT/tests/e2e/install.test.mjs"

say "dpkg -r $pkg"
as_root dpkg -r "$pkg"
installed=""
if command -v baoxiu-desk >/dev/null; then die "baoxiu-desk is still on PATH after dpkg -r"; fi
[ ! -e "$desktop" ] || die "$desktop is still there after dpkg -r"
echo "install check passed: installed, opened on the demo database, removed" >&2
