// `make bench`: figures, not pass/fail. Widget weight per file, worker size,
// the inbox's first load on a phone beside the desktop's, and latencies of the hot paths against the local worker (workerd + local D1),
// live push figures, the conversation list and search at 100,000
// conversations (a worker of its own), reports at 100,000 conversations and a
// million messages (another), ratios to the floor workers, and Lighthouse's
// main-thread time for the snippet against an empty loader.
// BENCH_ONLY=live,floors (any of weight, latency, widget, inbox, live, search, reports, floors,
// lighthouse) runs only those parts.
import { timed, brotli } from "./timing.mjs";
import { readFileSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { randomUUID } from "node:crypto";
import { URL_, WIDGET_FILES, call, newVisitor, sendChat, deliverMail, mailFixture, agentGet } from "../tests/helpers.mjs";

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

const only = (part) => !process.env.BENCH_ONLY || process.env.BENCH_ONLY.split(",").includes(part);

if (only("weight")) {
console.log("\nWidget weight (as served)");
let total = 0;
for (const path of WIDGET_FILES) {
  const bytes = Buffer.from(await (await fetch(URL_ + path)).arrayBuffer());
  const br = brotli(bytes);
  total += br;
  console.log(`  ${path.padEnd(26)} ${kb(bytes.length).padStart(9)} raw ${kb(br).padStart(8)} brotli`);
}
console.log(`  ${"total".padEnd(26)} ${"".padStart(13)} ${kb(total).padStart(8)} brotli (budget 30.0 KB)`);

const wasm = readFileSync("edge/build/index_bg.wasm");
console.log(`\nWorker: ${kb(statSync("edge/build/index_bg.wasm").size)} wasm, ${kb(gzipSync(wasm).length)} gzip (free-plan limit 3 MB gzip)`);

}


if (only("latency")) {
console.log("\nLatency through wrangler dev (local: includes workerd + SQLite, not the edge network)");
const token = await newVisitor();
await timed("POST /api/widget/messages (new)", 100, () => sendChat(token, "bench message"));
const id = randomUUID();
await sendChat(token, "retry me", id);
await timed("POST /api/widget/messages (retry)", 100, () => sendChat(token, "retry me", id));
await timed("GET /api/widget/conversation (~100 msgs)", 100, () => call("GET", "/api/widget/conversation", { token }));
await timed("GET /api/conversations (agent)", 50, () => agentGet("/api/conversations"));
await timed("email handler: new plain message", 50, (i) => {
  const tag = randomUUID().slice(0, 8);
  const vars = { From: `bench+${tag}@example.org`, from: `bench+${tag}@example.org`, id: `${tag}.bench@example.org`, marker: tag };
  return deliverMail(mailFixture("plain.eml", vars), { from: vars.from });
});
}
if (only("widget")) await (await import("./widget.mjs")).widgetMainThread();
if (only("inbox")) await (await import("./inbox.mjs")).inboxWeight();
if (only("live")) await (await import("./live.mjs")).live();
if (only("search")) await (await import("./search.mjs")).search();
if (only("reports")) await (await import("./reports.mjs")).reports();
if (only("floors")) await (await import("./floors.mjs")).floors({ parleyPgid: Number(process.env.PARLEY_PGID) });
if (only("lighthouse")) await (await import("./lighthouse.mjs")).lighthouseBench();
