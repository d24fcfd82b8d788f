// The widget's weight budget: loader + JS glue + wasm (CSS is inside the wasm)
// as served by the worker, compressed with brotli, must stay within 35 KB.
import { test } from "node:test";
import assert from "node:assert/strict";
import { brotliCompressSync, constants } from "node:zlib";
import { URL_, WIDGET_FILES } from "./helpers.mjs";
const BUDGET = 35 * 1024;

test("the whole widget weighs at most 35 KB brotli", async () => {
  let total = 0;
  for (const path of WIDGET_FILES) {
    const res = await fetch(URL_ + path);
    assert.equal(res.status, 200, path);
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.ok(bytes.length > 100, `${path} is real content`);
    total += brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }
  assert.ok(total <= BUDGET, `widget is ${total} bytes brotli, budget ${BUDGET}`);
});

test("the wasm is served with its wasm content type (streaming compile)", async () => {
  const res = await fetch(URL_ + "/widget/widget_bg.wasm");
  assert.equal(res.headers.get("content-type"), "application/wasm");
});
