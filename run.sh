#!/usr/bin/env bash
# Installs what is missing, builds the release, creates the SQLite database with the demo data if it is
# not there yet, and serves the application on http://127.0.0.1:3000 (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")"
./install.sh
. ./env.sh
cargo leptos build --release

bin="${CARGO_TARGET_DIR:-target}/release/materiality"
export DATABASE_URL="${DATABASE_URL:-sqlite://data/materiality.db}"
export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
export PUBLIC_URL="${PUBLIC_URL:-http://$LEPTOS_SITE_ADDR}"
export LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=materiality

cycle=$("$bin" seed-demo 2>/dev/null)
link=$("$bin" invite --cycle "$cycle" --group CUS --count 1)
cat <<MSG

  Materiality is starting on $PUBLIC_URL  (database: $DATABASE_URL)

  A survey link (customers; each link works once):  $link
  More links:   $bin invite --cycle $cycle --group EMP --count 5
  Sign in:      $PUBLIC_URL/login   reviewer@example.com / materiality-demo
                                       admin@example.com / materiality-admin  (users: $PUBLIC_URL/admin/users)
  The matrix:   $PUBLIC_URL/cycles/$cycle/matrix

MSG
exec "$bin" serve
