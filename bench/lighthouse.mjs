// `make bench`, Lighthouse part: the main-thread time Lighthouse 12 attributes
// to Parley's origin on a plain page of another origin carrying the snippet,
// the way third-party-web counts a third party (the `third-party-summary`
// audit's main-thread time per entity), beside the same page carrying an
// empty third-party loader (the floor: what any script of another origin
// costs). Lighthouse's defaults, as third-party-web runs it: mobile, simulated
// throttling (its figures are the trace's main-thread times × its 4× CPU
// slowdown). RUNS rounds, each taking every page once, in an order shuffled
// each round; median, quartiles and range, and the snippet minus the floor
// round by round.
// Lighthouse's figure is wall time: on a machine other processes load, the
// main thread is preempted inside its tasks and the figure grows with the
// load (the floor too). Beside it, the same tasks' thread time (the trace's
// `tdur`, × the same 4): what the main thread spent on CPU, which the load
// does not inflate; read a change off that column, and the target off the first.
// Lighthouse never moves the pointer or presses a key: what the facade does on
// the visitor's first move (reading the unread marker, fetching the config) is
// not in the snippet's figure; the older snippet's row has the config fetched
// and parsed at load.
// LIGHTHOUSE_AB=<commit>[,<commit>…] adds, in the same rounds, the snippet
// loading the facade of each commit and of the work tree, built as the
// Makefile builds www/loader.js and served by the page's server the way the
// worker serves /loader.js (its headers, gzip): an A/B of facade changes
// under the same load.
//
// Two origins, both loopback: the page is served by a throwaway server on
// 127.0.0.1; the worker (and the empty loader) are addressed as `localhost`,
// which Chromium maps to 127.0.0.1 (--host-resolver-rules): nothing leaves
// 127.0.0.1. Lighthouse calls each host name an entity of its own.
//
//   node tests/run.mjs --bench bench/lighthouse.mjs   # this part alone
//   LIGHTHOUSE_RUNS=40 LIGHTHOUSE_AB=9cdbb0a node tests/run.mjs --bench bench/lighthouse.mjs
import { createServer } from "node:http";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { pathToFileURL } from "node:url";
import { URL_, SITE, agentGet, withoutLook } from "../tests/helpers.mjs";

/** Lighthouse rounds (each runs every page once; third-party-web's figures are medians too). */
const RUNS = Number(process.env.LIGHTHOUSE_RUNS || 15);
/** Commits whose facade runs beside the work tree's (LIGHTHOUSE_AB, comma-separated). */
const AB = (process.env.LIGHTHOUSE_AB || "").split(",").filter(Boolean);
/** The third party's host name: the worker's and the empty loader's, as the page addresses them. */
const THIRD = "localhost";
const root = new URL("..", import.meta.url).pathname;

/** The `p` quantile of `xs` (linear between ranks). */
function quantile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * p;
  return s[Math.floor(i)] + (s[Math.ceil(i)] - s[Math.floor(i)]) * (i - Math.floor(i));
}
const median = (xs) => quantile(xs, 0.5);

/** `xs` in a random order: each round takes the pages in a new one, so no page always follows the same. */
function shuffled(xs) {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** A plain page carrying `snippet` (or nothing). */
const page = (snippet) => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>A plain page</title></head>
<body>
<main><h1>A plain page</h1><p>Some text, and a third party's snippet before the end of the body.</p></main>
${snippet}
</body>
</html>
`;

/** The facade of `rev` ("tree": widget/facade.js as it is), minified as the Makefile's www/loader.js rule does. */
function facadeAt(rev, dir) {
  const src = join(dir, `${rev}.src.js`);
  const out = join(dir, `${rev}.js`);
  writeFileSync(src, rev === "tree" ? readFileSync(join(root, "widget/facade.js")) : execFileSync("git", ["show", `${rev}:widget/facade.js`], { cwd: root }));
  execFileSync(join(root, "node_modules/.bin/esbuild"), [src, "--minify", "--charset=utf8", "--log-level=warning", `--outfile=${out}`]);
  return readFileSync(out);
}

/**
 * The throwaway host server on 127.0.0.1: /parley (the snippet Settings gives,
 * its origin the worker's as `localhost`), /older (the same without the
 * launcher's look, as pasted before it carried it), /empty (the same snippet
 * loading an empty script from `localhost`, this server), and that /empty.js;
 * with LIGHTHOUSE_AB, /ab/<rev> (the snippet loading /ab/<rev>/loader.js from
 * `localhost`, this server) for each commit and the work tree.
 */
async function hostPages() {
  const worker = new URL(URL_);
  const server = createServer();
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const port = server.address().port;
  const { snippet } = await agentGet(`/api/sites/${SITE}/snippet`);
  const parley = snippet.replaceAll(worker.origin, `http://${THIRD}:${worker.port}`);
  const empty = snippet.replaceAll(`${worker.origin}/loader.js`, `http://${THIRD}:${port}/empty.js`);
  if (!parley.includes(`${THIRD}:${worker.port}/loader.js`) || !empty.includes("/empty.js")) throw new Error("the snippet names no loader");
  // An older snippet (before the snippet carried the launcher's look): the facade fetches the config first.
  const older = withoutLook(parley);
  if (older === parley) throw new Error("the snippet carries no look");
  const pages = { parley: page(parley), older: page(older), empty: page(empty) };
  // A/B: each facade served as the worker serves /loader.js (its headers; gzip, as it answers Chromium).
  const loader = await fetch(`${worker.origin}/loader.js`, { headers: { "accept-encoding": "gzip" } });
  const headers = Object.fromEntries([...loader.headers].filter(([k]) => !["content-length", "transfer-encoding", "etag", "date", "connection", "keep-alive", "cf-cache-status"].includes(k)));
  const dir = mkdtempSync(join(tmpdir(), "parley-lighthouse-"));
  const facades = {};
  try {
    for (const rev of AB.length ? [...AB, "tree"] : []) {
      facades[rev] = gzipSync(facadeAt(rev, dir));
      pages[`ab/${rev}`] = page(snippet.replaceAll(`${worker.origin}/loader.js`, `http://${THIRD}:${port}/ab/${rev}/loader.js`));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  server.on("request", (req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    const ab = /^\/ab\/([^/]+)\/loader\.js$/.exec(path);
    if (ab && facades[ab[1]]) return res.writeHead(200, { ...headers, "content-encoding": "gzip" }).end(facades[ab[1]]);
    if (path === "/empty.js") return res.writeHead(200, { "content-type": "text/javascript" }).end("");
    if (pages[path.slice(1)]) return res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(pages[path.slice(1)]);
    res.writeHead(404).end();
  });
  const urls = Object.fromEntries(Object.keys(pages).map((p) => [p, `http://127.0.0.1:${port}/${p}`]));
  return { urls, close: () => new Promise((r) => server.close(r)) };
}

/**
 * One Lighthouse run of `url`: the main-thread ms it attributes to THIRD
 * (third-party-summary), per URL; the same tasks (the audit's own attribution,
 * recomputed from the trace) in thread time; and that thread time per trace event.
 */
async function run(lh, port, url) {
  const { lhr, artifacts } = await lh.lighthouse(url, { port, logLevel: "error", onlyAudits: ["third-party-summary"] });
  const audit = lhr.audits["third-party-summary"];
  if (audit.errorMessage) throw new Error(`Lighthouse: ${audit.errorMessage}`);
  const entity = (audit.details?.items || []).find((item) => item.entity === THIRD);
  const urls = Object.fromEntries((entity?.subItems?.items || []).map((s) => [s.url, s.mainThreadTime]));
  const ms = entity ? entity.mainThreadTime : 0;
  const times = lhr.configSettings.throttling.cpuSlowdownMultiplier;
  const context = { computedCache: new Map() };
  const tasks = await lh.MainThreadTasks.request(artifacts.Trace, context);
  const js = lh.getJavaScriptURLs(await lh.NetworkRecords.request(artifacts.DevtoolsLog, context));
  let wall = 0;
  let cpu = 0;
  const events = {};
  for (const task of tasks) {
    if (!lh.getAttributableURLForTask(task, js).startsWith(`http://${THIRD}:`)) continue;
    wall += task.selfTime * times;
    // An event the trace gives no thread time (rare) counts its wall time.
    const self = (task.event.tdur ?? task.event.dur) - task.children.reduce((s, c) => s + (c.event.tdur ?? c.event.dur), 0);
    cpu += (self / 1000) * times;
    events[task.event.name] = (events[task.event.name] || 0) + (self / 1000) * times;
  }
  // The recomputation must be the audit's own figure, or the thread time is not of the same tasks.
  if (Math.abs(wall - ms) > 0.05) throw new Error(`the tasks recomputed (${wall.toFixed(2)} ms) are not the audit's (${ms.toFixed(2)} ms)`);
  return { ms, cpu, urls, events, settings: lhr.configSettings };
}

/** Lighthouse and its trace helpers (the ones its third-party-summary audit uses). */
async function lighthouseModules() {
  const [{ default: lighthouse }, { MainThreadTasks }, { NetworkRecords }, summary] = await Promise.all([
    import("lighthouse"), import("lighthouse/core/computed/main-thread-tasks.js"),
    import("lighthouse/core/computed/network-records.js"), import("lighthouse/core/lib/tracehouse/task-summary.js"),
  ]);
  return { lighthouse, MainThreadTasks, NetworkRecords, ...summary };
}

/** Prints Lighthouse's main-thread ms (and its thread time) for Parley's origin and the empty loader's. */
export async function lighthouseBench() {
  const lh = await lighthouseModules();
  const chromeLauncher = await import("chrome-launcher");
  const pages = await hostPages();
  const chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROMIUM || "/usr/bin/chromium",
    chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
      "--disable-background-networking", "--disable-component-update", `--host-resolver-rules=MAP ${THIRD} 127.0.0.1`],
  });
  const names = Object.keys(pages.urls);
  const wall = Object.fromEntries(names.map((n) => [n, []]));
  const cpu = Object.fromEntries(names.map((n) => [n, []]));
  const events = {};
  let settings;
  const urls = {};
  try {
    for (let i = 0; i < RUNS; i++) {
      for (const which of shuffled(names)) {
        const r = await run(lh, chrome.port, pages.urls[which]);
        wall[which].push(r.ms);
        cpu[which].push(r.cpu);
        settings = r.settings;
        if (which !== "parley") continue;
        for (const [u, ms] of Object.entries(r.urls)) (urls[u] ||= []).push(ms);
        for (const [e, ms] of Object.entries(r.events)) (events[e] ||= Array(RUNS).fill(0))[i] = ms;
      }
    }
  } finally {
    await chrome.kill();
    await pages.close();
  }
  const t = settings.throttling;
  const fig = (xs) => `${median(xs).toFixed(1).padStart(5)} ms (${quantile(xs, 0.25).toFixed(1)}–${quantile(xs, 0.75).toFixed(1)}; ${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`.padEnd(31);
  const row = (label, a, b, tail = "") => console.log(`  ${label.padEnd(46)} ${fig(a)}  ${fig(b)}${tail}`);
  const minus = (xs, ys) => xs.map((x, i) => x - ys[i]);
  const { version } = (await import("lighthouse/package.json", { with: { type: "json" } })).default;
  console.log(`\nLighthouse ${version} on a plain page of another origin (third-party-summary: main-thread ms of the third party's origin), ${RUNS} rounds, the pages in turn`);
  console.log(`  ${settings.formFactor}, ${settings.throttlingMethod} throttling (${t.cpuSlowdownMultiplier}× CPU, ${t.rttMs} ms RTT, ${t.throughputKbps} kb/s), Lighthouse's defaults, as third-party-web runs it`);
  console.log(`  median (quartiles; range)${" ".repeat(21)}Lighthouse's figure (wall)       the same tasks' thread time`);
  row(`the snippet Settings gives (${SITE})`, wall.parley, cpu.parley, "  (target ≤ 10 ms, Lighthouse's figure)");
  row("an older snippet (config first)", wall.older, cpu.older);
  row("an empty third-party loader (the floor)", wall.empty, cpu.empty);
  row("the snippet minus the floor, round by round", minus(wall.parley, wall.empty), minus(cpu.parley, cpu.empty));
  for (const [u, xs] of Object.entries(urls)) console.log(`    of which ${new URL(u).pathname.padEnd(31)} ${fig(xs)}`);
  const top = Object.entries(events).sort((a, b) => median(b[1]) - median(a[1])).slice(0, 6);
  console.log(`    its thread time by trace event (medians): ${top.map(([e, xs]) => `${e} ${median(xs).toFixed(1)}`).join(", ")}`);
  for (const rev of AB) {
    const [a, b] = [`ab/${rev}`, "ab/tree"];
    row(`the facade at ${rev}, served alike`, wall[a], cpu[a]);
    row("the work tree's facade, served alike", wall[b], cpu[b]);
    row(`  the tree's minus ${rev}'s, round by round`, minus(wall[b], wall[a]), minus(cpu[b], cpu[a]));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await lighthouseBench();
