#!/usr/bin/env bash
# Installs what is needed on a fresh Debian/Ubuntu machine, builds the UI and the app,
# seeds a demo database if the default one is empty, and opens the 报修台 window.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
source scripts/setup.sh
scripts/desktop.sh deps
exec scripts/desktop.sh run
