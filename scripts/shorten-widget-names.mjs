#!/usr/bin/env node
// Gives the widget's wasm imports and exports one- or two-letter names, in the
// wasm and in its JS glue alike, and drops exports the glue never uses.
// wasm-bindgen names each import like `__wbg_addEventListener_847fd86b8c33ec43`:
// about a hundred such names, each written in both files, and their random
// hashes do not compress. Run on wasm-bindgen's output, before wasm-opt.
//
//   node scripts/shorten-widget-names.mjs target/widget-pkg/widget_bg.wasm target/widget-pkg/widget.js
import { readFileSync, writeFileSync } from "node:fs";

const [wasmPath, gluePath] = process.argv.slice(2);
const wasm = readFileSync(wasmPath);
let glue = readFileSync(gluePath, "utf8");

/** The n-th short identifier: a…z, A…Z, then two letters. */
const LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const short = (n) => (n < LETTERS.length ? "" : LETTERS[Math.floor(n / LETTERS.length) - 1]) + LETTERS[n % LETTERS.length];

const escape = (s) => s.replace(/[.$]/g, "\\$&");
/** Replaces every whole-word use of `from` matched by `pattern` (a regexp source around NAME). */
function rename(pattern, from, to) {
  const re = new RegExp(pattern.replace("NAME", escape(from)), "g");
  const before = glue;
  glue = glue.replace(re, (m) => m.replace(from, to));
  return glue !== before;
}

// Binary reading and writing of the import (2) and export (7) sections.
let p = 8;
const leb = () => { let r = 0, s = 0, x; do { x = wasm[p++]; r += (x & 127) * 2 ** s; s += 7; } while (x & 128); return r; };
const str = () => { const n = leb(); const s = wasm.toString("utf8", p, p + n); p += n; return s; };
const encLeb = (n) => { const out = []; do { let x = n & 127; n = Math.floor(n / 128); if (n) x |= 128; out.push(x); } while (n); return Buffer.from(out); };
const encStr = (s) => { const b = Buffer.from(s, "utf8"); return Buffer.concat([encLeb(b.length), b]); };

const parts = [wasm.subarray(0, 8)];
let next = 0;
const MODULE = "./widget_bg.js";
while (p < wasm.length) {
  const start = p;
  const id = wasm[p++];
  const size = leb();
  const end = p + size;
  if (id !== 2 && id !== 7) {
    parts.push(wasm.subarray(start, end));
    p = end;
    continue;
  }
  const count = leb();
  const body = [];
  let kept = 0;
  for (let i = 0; i < count; i++) {
    if (id === 2) {
      const module = str(), field = str();
      const descStart = p;
      const kind = wasm[p++];
      if (kind === 0 || kind === 4) { if (kind === 4) p++; leb(); }
      else if (kind === 1 || kind === 2) { if (kind === 1) p++; const flags = wasm[p++]; leb(); if (flags & 1) leb(); }
      else if (kind === 3) p += 2;
      const name = module === MODULE && rename(`\\bNAME(?=\\s*:)`, field, short(next)) ? short(next++) : field;
      body.push(encStr(module === MODULE ? "a" : module), encStr(name), wasm.subarray(descStart, p));
      kept++;
    } else {
      const field = str();
      const descStart = p;
      p++;
      leb();
      const name = short(next);
      if (!rename(`\\bwasm\\.NAME\\b`, field, name)) continue; // the glue never uses it
      next++;
      body.push(encStr(name), wasm.subarray(descStart, p));
      kept++;
    }
  }
  const content = Buffer.concat([encLeb(kept), ...body]);
  parts.push(Buffer.from([id]), encLeb(content.length), content);
  p = end;
}
glue = glue.replace(`"${MODULE}":`, '"a":');
writeFileSync(wasmPath, Buffer.concat(parts));
writeFileSync(gluePath, glue);
console.log(`shortened ${next} wasm import and export names`);
