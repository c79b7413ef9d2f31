#!/usr/bin/env bash
# 报修台 installer for Debian/Ubuntu: the release app (ui/dist embedded) and its .deb,
# built with the Tauri CLI (npm @tauri-apps/cli in ui/, no cargo install).
#
#   scripts/package.sh          build target/release/bundle/deb/*.deb and print its path
#   scripts/package.sh test     build it, then install, open and remove it
#                               (scripts/install-check.sh; root, Xvfb)
#
# Only the .deb. src-tauri/tauri.conf.json also configures AppImage, NSIS and MSI, but
# those bundlers download their tools on first use (linuxdeploy/appimagetool; NSIS and
# WiX, which also need Windows or its cross tools), and this machine and CI reach only the
# package registries. The deb bundler needs nothing from outside. Build the others on a
# machine that can reach GitHub (`npx tauri build` from src-tauri/, all targets).
#
# Needs `scripts/desktop.sh deps` first (system packages, ui/node_modules).
# Environment: CARGO_TARGET_DIR (default target/).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
TAURI="$ROOT/ui/node_modules/.bin/tauri"

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'package.sh: %s\n' "$*" >&2; exit 1; }

package() {
  [ -x "$TAURI" ] || die "ui/node_modules is missing: run scripts/desktop.sh deps first"
  say "ui build"
  # Build output goes to stderr: stdout carries only the .deb's path (`deb="$(package)"`).
  (cd "$ROOT/ui" && npm run --silent build) >&2
  say "tauri build --bundles deb (release profile of Cargo.toml: LTO, stripped)"
  rm -rf "$TARGET/release/bundle/deb"
  # From src-tauri/, so the CLI takes the desk's tauri.conf.json (the workspace has
  # another one, benches/floor-window's). tauri.deb.conf.json is merged over it: a Debian
  # package name must be ASCII (the bundler takes productName, 报修台, which dpkg refuses),
  # so the package and its files are named baoxiu-desk and the menu entry's own template
  # keeps Name=报修台. The Windows installers keep productName 报修台.
  local start=$SECONDS
  (cd "$ROOT/src-tauri" && CI=true "$TAURI" build --bundles deb --config tauri.deb.conf.json </dev/null) >&2
  echo "release build and bundle: $((SECONDS - start)) s" >&2
  deb_path
}

deb_path() {
  local debs=("$TARGET"/release/bundle/deb/*.deb)
  [ -f "${debs[0]}" ] || die "no .deb in $TARGET/release/bundle/deb"
  [ "${#debs[@]}" -eq 1 ] || die "more than one .deb in $TARGET/release/bundle/deb: ${debs[*]}"
  local bin="$TARGET/release/baoxiu-desk"
  printf '%s\n' "${debs[0]}"
  printf 'deb: %s bytes; binary: %s bytes\n' "$(stat -c %s "${debs[0]}")" "$(stat -c %s "$bin")" >&2
}

case "${1:-}" in
  "") package ;;
  test)
    deb="$(package)"
    "$ROOT/scripts/install-check.sh" "$deb"
    ;;
  path) deb_path ;;
  *) die "usage: scripts/package.sh [test|path]" ;;
esac
