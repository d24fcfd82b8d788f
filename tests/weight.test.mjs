// The widget's weight budgets, as served by the worker and compressed with
// brotli: the facade the page loads eagerly (/loader.js) within 2 KB, the
// whole widget (facade + JS glue + wasm, its CSS and both languages inside)
// within 30 KB, and the files module, which loads only once the widget runs
// on a site that takes files, within 1 KB; the bot module, which only a site
// with proactive messages or a flow with buttons or questions loads, within 2 KB;
// the rating module, which loads only when a resolved conversation asks for a rating, within 1 KB.
// And the inbox's charting library (uPlot, with its stylesheet), which only
// the Reports view loads, within 22 KB: a budget of its own, apart from the widget's.
import { test } from "node:test";
import assert from "node:assert/strict";
import { brotliCompressSync, constants } from "node:zlib";
import { URL_, WIDGET_FILES } from "./helpers.mjs";

const WHOLE_BUDGET = 30 * 1024;
const FACADE_BUDGET = 2 * 1024;
const FILES_BUDGET = 1024;
const BOT_BUDGET = 2 * 1024;
const UPLOT_BUDGET = 22 * 1024;
const CSAT_BUDGET = 1024;

/** The brotli size (quality 11) of `path` as the worker serves it. */
async function brotliSize(path) {
  const res = await fetch(URL_ + path);
  assert.equal(res.status, 200, path);
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.ok(bytes.length > 100, `${path} is real content`);
  return brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
}

test("the facade the page loads eagerly weighs at most 2 KB brotli", async () => {
  const facade = await brotliSize("/loader.js");
  assert.ok(facade <= FACADE_BUDGET, `the facade is ${facade} bytes brotli, budget ${FACADE_BUDGET}`);
});

test("the whole widget weighs at most 30 KB brotli", async () => {
  let total = 0;
  for (const path of WIDGET_FILES) total += await brotliSize(path);
  assert.ok(total <= WHOLE_BUDGET, `the widget is ${total} bytes brotli, budget ${WHOLE_BUDGET}`);
});

test("the files module, loaded only once the widget runs on a site that takes files, weighs at most 1 KB brotli", async () => {
  const files = await brotliSize("/widget/files.js");
  assert.ok(files <= FILES_BUDGET, `the files module is ${files} bytes brotli, budget ${FILES_BUDGET}`);
});

test("the bot module (proactive bubbles and the flow's buttons and questions together) weighs at most 2 KB brotli", async () => {
  const bot = await brotliSize("/widget/bot.js");
  assert.ok(bot <= BOT_BUDGET, `the bot module is ${bot} bytes brotli, budget ${BOT_BUDGET}`);
});

test("uPlot (the Reports view's charts, module and stylesheet) weighs at most 22 KB brotli", async () => {
  const uplot = (await brotliSize("/vendor/uplot.js")) + (await brotliSize("/vendor/uplot.css"));
  assert.ok(uplot <= UPLOT_BUDGET, `uPlot is ${uplot} bytes brotli, budget ${UPLOT_BUDGET}`);
});

test("the rating module, loaded only when a resolved conversation asks for a rating, weighs at most 1 KB brotli", async () => {
  const csat = await brotliSize("/widget/csat.js");
  assert.ok(csat <= CSAT_BUDGET, `the rating module is ${csat} bytes brotli, budget ${CSAT_BUDGET}`);
});

test("the wasm is served with its wasm content type (streaming compile)", async () => {
  const res = await fetch(URL_ + "/widget/widget_bg.wasm");
  assert.equal(res.headers.get("content-type"), "application/wasm");
});
