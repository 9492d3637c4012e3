#!/usr/bin/env bash
# Starts the release server for the browser tests on a fresh database with the demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${E2E_PORT:-3100}"
state="${E2E_STATE:-end2end/.state/$port}"
bin="${MATERIALITY_BIN:-${CARGO_TARGET_DIR:-target}/release/materiality}"
rm -rf "$state" && mkdir -p "$state"
export DATABASE_URL="sqlite://$state/e2e.db"
export PUBLIC_URL="http://127.0.0.1:$port"
"$bin" seed-demo > "$state/cycle" 2> "$state/seed.log"
exec env LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=materiality "$bin" serve
