#!/usr/bin/env bash
# Installs what the core crate and its tests need on a fresh Debian/Ubuntu machine:
# a C toolchain (bundled SQLite), OpenSSL headers (TLS to PostgreSQL, via native-tls),
# Rust (if absent), poppler/zbar for the PDF and QR-code checks, and the openssl command
# (the TLS test server's certificate, scripts/pg.sh). Idempotent and non-interactive.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

need=()
for pkg in build-essential pkg-config libssl-dev openssl curl ca-certificates poppler-utils zbar-tools faketime python3; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "== apt-get install ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  if [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  else
    echo "== installing Rust (rustup, stable)"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c clippy,rustfmt
    export PATH="$HOME/.cargo/bin:$PATH"
  fi
fi
rustup component add clippy rustfmt >/dev/null 2>&1 || true
