#!/usr/bin/env bash
# Installs what building, running and testing Parley needs, and nothing twice.
# Idempotent: when everything is present it only checks versions (about a second).
#
#   scripts/setup.sh            # build + run tools
#   scripts/setup.sh --browser  # also the browsers of the browser tests (Chromium, Firefox ESR, WebKitGTK)
#
# Encodes the verified wasm32 recipe: the wasm-bindgen CLI must equal the
# wasm-bindgen crate in Cargo.lock, worker-build is told where wasm-bindgen and
# esbuild are (it would otherwise download them), wrangler is pinned for Node 20.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[31msetup: %s\033[0m\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 is required ($2)"; }

need cargo "install Rust from https://rustup.rs"
need node "install Node.js 20 or newer"
need npm "install Node.js 20 or newer"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
WORKER_BUILD_VERSION=0.8.7

if command -v rustup >/dev/null 2>&1; then
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    timeout 300 rustup target add wasm32-unknown-unknown \
      || die "could not add the wasm32 target; see README, 'Building without rustup downloads'"
  fi
  # make lint: formatting and clippy.
  for component in rustfmt clippy; do
    if ! rustup component list --installed | grep -q "^$component"; then
      say "adding the $component component"
      timeout 300 rustup component add "$component" || die "could not add $component"
    fi
  done
else
  rustc --print target-list | grep -qx wasm32-unknown-unknown || die "rustc cannot target wasm32-unknown-unknown"
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes, once)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if [ "$(worker-build --version 2>/dev/null)" != "$WORKER_BUILD_VERSION" ]; then
  say "installing worker-build $WORKER_BUILD_VERSION (about 8 minutes, once)"
  cargo install worker-build --version "$WORKER_BUILD_VERSION" --force
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing wrangler, wasm-opt, playwright-core and lighthouse from npm"
  npm ci --no-audit --no-fund --loglevel=error
  touch node_modules/.package-lock.json
fi

if [ "${1:-}" = "--browser" ]; then
  # The three engines of the browser tests (tests/engines.mjs): Chromium, Firefox ESR
  # (driven over WebDriver BiDi), and WebKitGTK's MiniBrowser through WebKitWebDriver
  # on a virtual display (xvfb-run, which needs xauth).
  missing=()
  [ -n "${CHROMIUM:-}" ] || command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  [ -n "${FIREFOX:-}" ] || command -v firefox-esr >/dev/null 2>&1 || missing+=(firefox-esr)
  command -v WebKitWebDriver >/dev/null 2>&1 || missing+=(webkit2gtk-driver)
  command -v xvfb-run >/dev/null 2>&1 || missing+=(xvfb)
  command -v xauth >/dev/null 2>&1 || missing+=(xauth)
  if [ "${#missing[@]}" -gt 0 ]; then
    say "installing ${missing[*]} for the browser tests"
    if command -v apt-get >/dev/null 2>&1; then
      sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
      $sudo apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
    else
      die "install ${missing[*]} (or set CHROMIUM / FIREFOX to a browser's path) for the browser tests"
    fi
  fi
fi
