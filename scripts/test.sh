#!/usr/bin/env bash
# Everything CI checks, from a fresh Debian/Ubuntu machine: installs what is needed,
# then lints and runs every test — core (Rust), UI units (Vitest) and end-to-end (the
# real window under Xvfb via tauri-driver).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
# One clean build per CI run: incremental caches only cost disk (GBs) there.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

source scripts/setup.sh

if [ -x scripts/desktop.sh ]; then
  echo "== desktop dependencies"
  scripts/desktop.sh deps
  # The window embeds ui/dist at compile time: build it before any workspace check.
  echo "== desktop build"
  scripts/desktop.sh build
fi

echo "== rustfmt"
cargo fmt --all -- --check
echo "== clippy"
cargo clippy --workspace --all-targets -- -D warnings
echo "== core tests"
cargo test --workspace
echo "== core tests at other hours and days (faketime)"
bash scripts/clock-check.sh
echo "== store and CLI integration tests on PostgreSQL (a throwaway local cluster)"
# shellcheck source=scripts/pg.sh
source scripts/pg.sh
pg_start
# --include-ignored: the live-desk tests (tests/live.rs) need this server; the TLS ones
# (tests/tls.rs) need the next one.
BAOXIU_TEST_PG="$BAOXIU_TEST_PG" cargo test -p baoxiu --test tests -- --include-ignored --skip tls::
pg_stop
echo "== TLS to PostgreSQL (a throwaway cluster with ssl=on and a self-signed certificate)"
pg_start --ssl
# The TLS tests, and opening, reconnecting and the live desk again — now over TLS.
cargo test -p baoxiu --test tests -- --include-ignored tls:: store_open:: live::
pg_stop

if [ -x scripts/desktop.sh ]; then
  echo "== desktop tests (UI units, e2e in the real window)"
  scripts/desktop.sh test
fi
if [ -x scripts/package.sh ]; then
  # The release build of the installer (LTO: the slowest build here), then the .deb
  # installed with dpkg, the installed app opened once under Xvfb, and removed.
  echo "== installer (.deb): build, install, open, remove"
  scripts/package.sh test
fi
echo "== all tests passed"
