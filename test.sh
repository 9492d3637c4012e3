#!/usr/bin/env bash
# Installs what is missing, then runs every check and test: formatting, clippy for the server and the
# browser build, the Rust tests (domain, store, HTTP), and the Playwright suite in Chromium against a
# release build. Stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")"
./install.sh
. ./env.sh
# Incremental compilation keeps a second copy of every crate's work, per checkout path: gigabytes for
# a one-off run.
export CARGO_INCREMENTAL=0

step() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
step "formatting"
cargo fmt --all -- --check
step "clippy (server build)"
cargo clippy --workspace --all-targets -- -D warnings
step "clippy (browser build)"
cargo clippy -p app --features hydrate --target wasm32-unknown-unknown -- -D warnings
step "Rust tests"
started=$(mktemp)
cargo test -p app --features ssr
# One test at a time: each #[sqlx::test] runs on its own tokio runtime, and rendering Leptos pages on
# several runtimes at once in one process hung about one run in fifteen (never seen one at a time).
cargo test -p server -- --test-threads=1
# Every source change leaves the previous test binaries behind, up to a gigabyte each in a debug
# build: keep only those this run linked (the next run links again what it needs).
find "${CARGO_TARGET_DIR:-target}/debug/deps" -maxdepth 1 -type f -perm -u+x -size +50M ! -name "*.so" \
  ! -newer "$started" -delete
step "release build"
cargo leptos build --release
step "browser tests"
(cd end2end && npx playwright test)
