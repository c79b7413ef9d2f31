#!/usr/bin/env bash
# 报修台 desktop app: install, build, run and test the window (src-tauri/ + ui/).
#
#   scripts/desktop.sh deps    system packages (WebKitGTK, Xvfb, WebKitWebDriver, a CJK
#                              font), Node packages (npm ci in ui/), tauri-driver
#   scripts/desktop.sh build   ui/dist, then `cargo build -p baoxiu-desk` (debug;
#                              `build --release` for a release binary)
#   scripts/desktop.sh run     build, seed the demo database if the default one is empty,
#                              open the window
#   scripts/desktop.sh test    Vitest, vue-tsc, ESLint, the bindings check, then the
#                              end-to-end suite in the real window under Xvfb
#
# Each step is idempotent, non-interactive, and stops at the first failure.
# Environment: CARGO_TARGET_DIR (default target/), E2E_SHOTS (screenshots folder,
# default tests/e2e/screenshots), BAOXIU_DB (database, default the OS data directory),
# BAOXIU_TEST_PG (a PostgreSQL server for the 数据库连接 e2e test; `test`/`e2e` start a
# throwaway one with scripts/pg.sh when unset).
# The e2e tests answer the window's file dialogs (opened from Rust, not drivable through
# WebDriver) with BAOXIU_E2E_PICKS, a file holding the next dialog's answer; the page
# itself can never name a file.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
export DEBIAN_FRONTEND=noninteractive

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'desktop.sh: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else
    die "need root (or sudo) to run: $*"
  fi
}

APT_PACKAGES=(
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev libssl-dev
  libxdo-dev build-essential pkg-config file curl ca-certificates
  xvfb xauth webkit2gtk-driver
  # dbus-run-session: the single-instance check (a second launch finds the first over D-Bus).
  dbus
  # WebKitGTK draws every Chinese character as a box without a CJK font.
  fonts-wqy-microhei
)

deps() {
  say "system packages"
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    missing+=(nodejs npm)
  fi
  if [ "${#missing[@]}" -gt 0 ]; then
    as_root apt-get update -q
    as_root apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  [ "$major" -ge 20 ] || die "Node.js $major is too old: the UI's tools need Node 20 or newer"

  say "npm ci (ui/)"
  (cd "$ROOT/ui" && npm ci --no-audit --no-fund)

  say "tauri-driver"
  if ! command -v tauri-driver >/dev/null; then
    cargo install tauri-driver --locked
  fi
  command -v tauri-driver >/dev/null || die "tauri-driver is not on PATH (is ~/.cargo/bin on PATH?)"
}

build() {
  local profile=()
  [ "${1:-}" = "--release" ] && profile=(--release)
  say "ui build"
  [ -d "$ROOT/ui/node_modules" ] || die "ui/node_modules is missing: run scripts/desktop.sh deps first"
  (cd "$ROOT/ui" && npm run --silent build)
  say "cargo build -p baoxiu-desk ${profile[*]:-}"
  # The UI is embedded at compile time: a fresh ui/dist needs a rebuild of the crate.
  touch "$ROOT/src-tauri/build.rs"
  (cd "$ROOT" && cargo build -p baoxiu-desk "${profile[@]}")
}

app_binary() {
  echo "$TARGET/${1:-debug}/baoxiu-desk"
}

run() {
  build
  say "demo data"
  (cd "$ROOT" && cargo build -q --bin baoxiu)
  local cli="$TARGET/debug/baoxiu" total
  total="$("$cli" ticket list --limit 1 | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const v = JSON.parse(s); console.log(Array.isArray(v) ? v.length : (v.total ?? 0)) })')"
  if [ "$total" = "0" ]; then
    "$cli" seed --demo >/dev/null
    echo "seeded the demo database: sign in as 前台, 工程部, 主管 or 管理员, password demo1234" >&2
  fi
  [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] || die "no display: run it in a desktop session (or under xvfb-run)"
  say "报修台"
  exec "$(app_binary)"
}

test_ui() {
  say "vitest"
  (cd "$ROOT/ui" && npx vitest run)
  say "vue-tsc"
  (cd "$ROOT/ui" && npx vue-tsc --noEmit)
  say "eslint"
  (cd "$ROOT/ui" && npx eslint .)
}

# 数据库连接 (the shell's tests and the e2e test) points the window at a PostgreSQL
# server: a throwaway local cluster, stopped on exit, unless the runner provides one.
ensure_pg() {
  if [ -z "${BAOXIU_TEST_PG:-}" ]; then
    # shellcheck source=scripts/pg.sh
    source "$ROOT/scripts/pg.sh"
    pg_start
  fi
}

test_e2e() {
  command -v tauri-driver >/dev/null || die "tauri-driver missing: run scripts/desktop.sh deps"
  command -v WebKitWebDriver >/dev/null || die "WebKitWebDriver missing: run scripts/desktop.sh deps"
  local shots="${E2E_SHOTS:-$ROOT/tests/e2e/screenshots}"
  rm -rf "$shots"
  mkdir -p "$shots"
  # The reports suite and the 数据库连接 suite read the database back with the CLI.
  (cd "$ROOT" && cargo build -q --bin baoxiu)
  ensure_pg
  say "end-to-end (Xvfb + tauri-driver), screenshots in $shots"
  APP="$(app_binary)" E2E_SHOTS="$shots" BAOXIU_TEST_PG="$BAOXIU_TEST_PG" \
    xvfb-run -a -s "-screen 0 1400x900x24" node --test --test-concurrency=1 "$ROOT/tests/e2e/desk.test.mjs" \
    "$ROOT/tests/e2e/report.test.mjs" "$ROOT/tests/e2e/connection.test.mjs"
  say "single instance (a second launch hands over and exits)"
  APP="$(app_binary)" xvfb-run -a -s "-screen 0 1400x900x24" dbus-run-session "$ROOT/tests/e2e/single-instance.sh"
  # 实时同步 needs the shared database: the same throwaway cluster (each suite makes its own
  # databases on it).
  say "end-to-end on PostgreSQL (live desk)"
  APP="$(app_binary)" CLI="$TARGET/debug/baoxiu" E2E_SHOTS="$shots" BAOXIU_TEST_PG="$BAOXIU_TEST_PG" \
    xvfb-run -a -s "-screen 0 1400x900x24" node --test "$ROOT/tests/e2e/live.test.mjs"
}

test_all() {
  test_ui
  ensure_pg
  say "cargo test -p baoxiu-desk (bindings are fresh, commands)"
  (cd "$ROOT" && cargo test -p baoxiu-desk)
  build
  (cd "$ROOT" && cargo build -q --bin baoxiu)
  test_e2e
}

case "${1:-}" in
  deps) deps ;;
  build) shift; build "$@" ;;
  run) run ;;
  test) test_all ;;
  e2e) test_e2e ;;
  *) die "usage: scripts/desktop.sh deps|build [--release]|run|test|e2e" ;;
esac
