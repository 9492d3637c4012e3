#!/usr/bin/env bash
# The benchmark (README, "Speed"): installs what is missing, builds the release, and runs
# `materiality bench` with any options given (e.g. ./bench.sh --responses 100000 --seconds 10).
set -euo pipefail
cd "$(dirname "$0")"
./install.sh
. ./env.sh
cargo leptos build --release
export LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=materiality
exec "${CARGO_TARGET_DIR:-target}/release/materiality" bench "$@"
