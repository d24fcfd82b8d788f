#!/usr/bin/env bash
# Builds the chat widget into www/widget/: wasm (size-optimized) + minified ES module glue.
# (The facade, www/loader.js, is widget/facade.js minified: see the Makefile.)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
out=target/widget-pkg
# Two unstable size flags, for the widget's own profile only (its artifacts
# live apart, in target/wasm32-unknown-unknown/widget): no file:line strings in
# panics, and no Debug formatting (the widget prints none). About 300 B brotli.
RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Zlocation-detail=none -Zfmt-debug=none" \
  cargo build -p widget --target wasm32-unknown-unknown --profile widget
wasm-bindgen --target web --no-typescript --out-dir "$out" target/wasm32-unknown-unknown/widget/widget.wasm
features=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue)
# One- or two-letter names for the wasm's imports, their module and its exports
# (wasm-bindgen's carry hashes that do not compress): Binaryen renames them and
# prints the old→new mapping, from which the glue is rewritten. Before -Oz: of
# the orders tried this one weighs least (30,653 B brotli against 30,684 with
# the former hand-written renaming; after -Oz 30,699, in the same run 30,736).
node_modules/.bin/wasm-opt "${features[@]}" --minify-imports-and-exports-and-modules \
  "$out/widget_bg.wasm" -o "$out/widget_bg.wasm" > "$out/names.json"
node scripts/rename-widget-glue.mjs "$out/names.json" "$out/widget_bg.wasm" "$out/widget.js"
mkdir -p www/widget
# --converge repeats -Oz until it shrinks no more (about 80 B brotli less).
# --low-memory-unused lets it fold `p + C` (C < 1 KiB) into a load's offset:
# rustc's wasm32 layout puts the 1 MiB stack first, growing down to address 0,
# so the low 1 KiB is touched only by a stack about to overflow, and no valid
# pointer is near 4 GiB for such a sum to wrap into it (about 110 B brotli less).
node_modules/.bin/wasm-opt -Oz --converge --low-memory-unused --strip-debug --strip-producers "${features[@]}" \
  "$out/widget_bg.wasm" -o www/widget/widget_bg.wasm
node_modules/.bin/esbuild "$out/widget.js" --minify --format=esm --log-level=warning --outfile=www/widget/widget.js
