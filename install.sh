#!/usr/bin/env bash
# Installs whatever this project needs that the machine lacks, and nothing else: Debian's Chromium
# (browser tests) and a font that covers Chinese (the PNG matrix), the wasm32 target, cargo-leptos
# 0.3.9, the wasm-bindgen CLI of exactly the version in Cargo.lock, and the end2end npm packages
# (Playwright, axe-core, exceljs and binaryen's wasm-opt), and Python's aiosmtpd (the SMTP server the
# e-mail tests send to). Safe to run any number of times. Scripts
# that build put end2end/node_modules/.bin first on PATH (see env.sh).
set -euo pipefail
cd "$(dirname "$0")"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing_debs=()
command -v chromium >/dev/null || missing_debs+=(chromium)
command -v npm >/dev/null || missing_debs+=(nodejs npm)
command -v cc >/dev/null || missing_debs+=(build-essential)
# The PNG matrix's text, Chinese included (see MATERIALITY_FONT in README).
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing_debs+=(fonts-wqy-microhei)
if [ ${#missing_debs[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing_debs[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing_debs[@]}" >/dev/null
fi

# The e-mail tests send to a real SMTP server: aiosmtpd, started by the tests (server/tests/smtp_sink.py).
if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
  say "installing Python's aiosmtpd (the e-mail tests' SMTP server)"
  python3 -m pip install --quiet --disable-pip-version-check aiosmtpd 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages aiosmtpd
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# cargo-leptos 0.3.10 and later need a newer rustc than this machine's; no_downloads makes it use
# the wasm-bindgen and wasm-opt on PATH instead of fetching its own.
if [ "$(cargo leptos --version 2>/dev/null || true)" != "cargo-leptos 0.3.9" ]; then
  say "installing cargo-leptos 0.3.9 (takes several minutes)"
  cargo install cargo-leptos --version 0.3.9 --locked --features no_downloads
fi

wb_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $wb_version" ]; then
  say "installing wasm-bindgen-cli $wb_version (must equal the wasm-bindgen crate in Cargo.lock)"
  # Not --locked: its lock file names a crate version the registry no longer has.
  cargo install wasm-bindgen-cli --version "$wb_version" --force
fi

# Playwright drives Debian's Chromium; it must not try to download a browser of its own. binaryen comes
# from npm because Debian's wasm-opt (108) breaks the reference types that today's rustc emits: the
# optimised module fails to load in the browser.
if [ ! -d end2end/node_modules ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  say "installing the end2end npm packages"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi
