// `make bench`, Lighthouse part: the main-thread time Lighthouse 12 attributes
// to Parley's origin on a plain page of another origin carrying the snippet,
// the way third-party-web counts a third party (the `third-party-summary`
// audit's main-thread time per entity), beside the same page carrying an
// empty third-party loader (the floor: what any script of another origin
// costs). Lighthouse's defaults, as third-party-web runs it: mobile, simulated
// throttling (its figures are the trace's main-thread times × its 4× CPU
// slowdown). Pages taken in turn, RUNS each; median and range.
// Lighthouse never moves the pointer or presses a key: what the facade does on
// the visitor's first move (reading the unread marker, fetching the config) is
// not in the snippet's figure; the older snippet's row has the config fetched
// and parsed at load.
//
// Two origins, both loopback: the page is served by a throwaway server on
// 127.0.0.1; the worker (and the empty loader) are addressed as `localhost`,
// which Chromium maps to 127.0.0.1 (--host-resolver-rules): nothing leaves
// 127.0.0.1. Lighthouse calls each host name an entity of its own.
//
//   node tests/run.mjs --bench bench/lighthouse.mjs   # this part alone
import { createServer } from "node:http";
import { pathToFileURL } from "node:url";
import { URL_, SITE, agentGet, withoutLook } from "../tests/helpers.mjs";

/** Lighthouse runs per page (third-party-web's figures are medians too). */
const RUNS = Number(process.env.LIGHTHOUSE_RUNS || 9);
/** The third party's host name: the worker's and the empty loader's, as the page addresses them. */
const THIRD = "localhost";

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

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

/**
 * The throwaway host server on 127.0.0.1: /parley (the snippet Settings gives,
 * its origin the worker's as `localhost`), /older (the same without the
 * launcher's look, as pasted before it carried it), /empty (the same snippet
 * loading an empty script from `localhost`, this server), and that /empty.js.
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
  const pages = { "/parley": page(parley), "/older": page(older), "/empty": page(empty) };
  server.on("request", (req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    if (path === "/empty.js") return res.writeHead(200, { "content-type": "text/javascript" }).end("");
    if (pages[path]) return res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(pages[path]);
    res.writeHead(404).end();
  });
  const url = (p) => `http://127.0.0.1:${port}${p}`;
  return { parley: url("/parley"), older: url("/older"), empty: url("/empty"), close: () => new Promise((r) => server.close(r)) };
}

/** One Lighthouse run of `url`: the main-thread ms it attributes to THIRD (third-party-summary), and per URL. */
async function run(lighthouse, port, url) {
  const { lhr } = await lighthouse(url, { port, logLevel: "error", onlyAudits: ["third-party-summary"] });
  const audit = lhr.audits["third-party-summary"];
  if (audit.errorMessage) throw new Error(`Lighthouse: ${audit.errorMessage}`);
  const entity = (audit.details?.items || []).find((item) => item.entity === THIRD);
  const urls = Object.fromEntries((entity?.subItems?.items || []).map((s) => [s.url, s.mainThreadTime]));
  return { ms: entity ? entity.mainThreadTime : 0, urls, settings: lhr.configSettings };
}

/** Prints Lighthouse's main-thread ms for Parley's origin and the empty loader's: median and range of RUNS. */
export async function lighthouseBench() {
  const { default: lighthouse } = await import("lighthouse");
  const chromeLauncher = await import("chrome-launcher");
  const pages = await hostPages();
  const chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROMIUM || "/usr/bin/chromium",
    chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
      "--disable-background-networking", "--disable-component-update", `--host-resolver-rules=MAP ${THIRD} 127.0.0.1`],
  });
  const samples = { empty: [], parley: [], older: [] };
  let settings;
  let urls = {};
  try {
    for (let i = 0; i < RUNS; i++) {
      for (const which of Object.keys(samples)) {
        const r = await run(lighthouse, chrome.port, pages[which]);
        samples[which].push(r.ms);
        settings = r.settings;
        if (which === "parley") for (const [u, ms] of Object.entries(r.urls)) (urls[u] ||= []).push(ms);
      }
    }
  } finally {
    await chrome.kill();
    await pages.close();
  }
  const t = settings.throttling;
  const ms = (n) => `${n.toFixed(1).padStart(5)} ms`;
  const fig = (xs) => `${ms(median(xs))} (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`;
  const floor = median(samples.empty);
  const { version } = (await import("lighthouse/package.json", { with: { type: "json" } })).default;
  console.log(`\nLighthouse ${version} on a plain page of another origin (third-party-summary: main-thread ms of the third party's origin, median (range) of ${RUNS} runs)`);
  console.log(`  ${settings.formFactor}, ${settings.throttlingMethod} throttling (${t.cpuSlowdownMultiplier}× CPU, ${t.rttMs} ms RTT, ${t.throughputKbps} kb/s), Lighthouse's defaults, as third-party-web runs it`);
  console.log(`  the snippet Settings gives (${SITE})        ${fig(samples.parley)}  ${(median(samples.parley) / floor).toFixed(1)}× the floor (target ≤ 10 ms)`);
  console.log(`  an older snippet (config first)           ${fig(samples.older)}  ${(median(samples.older) / floor).toFixed(1)}× the floor`);
  console.log(`  an empty third-party loader (the floor)   ${fig(samples.empty)}`);
  for (const [u, xs] of Object.entries(urls)) console.log(`    of which ${new URL(u).pathname.padEnd(31)} ${fig(xs)}`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await lighthouseBench();
