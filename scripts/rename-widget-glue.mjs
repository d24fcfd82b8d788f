#!/usr/bin/env node
// Rewrites wasm-bindgen's JS glue for the names Binaryen gave the widget's wasm
// imports and exports (`wasm-opt --minify-imports-and-exports-and-modules`,
// whose printed old→new mapping is this script's first argument). wasm-bindgen
// names each import like `__wbg_addEventListener_847fd86b8c33ec43`: about a
// hundred such names, each written in both files, and their random hashes do
// not compress. Fails the build if a renamed name is not in the glue, or if the
// glue still reads an export by a name the wasm no longer has.
//
//   node scripts/rename-widget-glue.mjs names.json widget_bg.wasm widget.js
import { readFileSync, writeFileSync } from "node:fs";

// Exports wasm-bindgen emits for its own use that the `--target web` glue never
// reads; they keep their (minified) names in the wasm. Dropping them first
// (`wasm-opt --remove-exports`) saved no bytes: the brotli total came out 44 B
// larger, -Oz's output shifting by that much on small input changes.
const UNREAD_EXPORTS = ["__abort_handler", "__instance_terminated"];

const [mapPath, wasmPath, gluePath] = process.argv.slice(2);
const { imports, exports } = JSON.parse(readFileSync(mapPath, "utf8"));
const wasm = new WebAssembly.Module(readFileSync(wasmPath));
let glue = readFileSync(gluePath, "utf8");

const fail = (why) => {
  console.error(`rename-widget-glue: ${why}`);
  process.exit(1);
};
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** Renames every use of `from` matched by `pattern` (a regexp source around NAME); counts them. */
function rename(pattern, from, to) {
  let uses = 0;
  glue = glue.replace(new RegExp(pattern.replace("NAME", escape(from)), "g"), (m) => {
    uses++;
    return m.replace(from, () => to);
  });
  return uses;
}

// Imports are the keys of the glue's import object (`name: function(…)`),
// exports are read as `wasm.name`; Binaryen merges every import module into one.
const [module, ...others] = new Set(WebAssembly.Module.imports(wasm).map((i) => i.module));
if (others.length) fail(`the wasm imports from several modules: ${[module, ...others]}`);
for (const from of new Set(imports.map(([m]) => m))) {
  if (!rename(`"NAME"(?=\\s*:)`, from, module)) fail(`import module "${from}" is not in the glue`);
}
for (const [, from, to] of imports) {
  if (rename(`(?<![\\w$.])NAME(?=\\s*:)`, from, to) !== 1) fail(`import ${from} is not a key of the glue's import object`);
}
for (const [from, to] of exports) {
  if (!rename(`\\bwasm\\.NAME(?![\\w$])`, from, to) && !UNREAD_EXPORTS.includes(from)) fail(`export ${from} is not read by the glue`);
}
const names = new Set(WebAssembly.Module.exports(wasm).map((e) => e.name));
for (const [, name] of glue.matchAll(/\bwasm\.([\w$]+)/g)) {
  if (!names.has(name)) fail(`the glue reads wasm.${name}, which the wasm does not export`);
}
writeFileSync(gluePath, glue);
console.log(`renamed ${imports.length} wasm imports and ${exports.length} exports in the glue`);
