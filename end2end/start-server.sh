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
# E-mail goes to a real SMTP server of the run's own, which keeps every message in $state/mail (the
# tests read it as a mailbox) and stops when this process (the server, after exec) is gone.
python3 server/tests/smtp_sink.py --folder "$state/mail" --parent $$ > "$state/smtp-port" &
for _ in $(seq 100); do grep -q ready "$state/smtp-port" 2>/dev/null && break; sleep 0.1; done
export SMTP_URL="smtp://127.0.0.1:$(awk '{ print $2 }' "$state/smtp-port")"
export MAIL_FROM="Materiality tests <survey@example.com>" MAIL_PER_MINUTE=6000 MAIL_RETRY_SECONDS=1
exec env LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=materiality "$bin" serve
