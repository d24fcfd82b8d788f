// `make bench`, widget part: what the widget costs the host page, in Chromium
// with CDP. Main-thread script (Performance.getMetrics ScriptDuration) of the
// demo page without the snippet, with it, and with it but an empty /loader.js
// (the floor any script pays on a page that had none: V8 sets up its context),
// at 1× and 4× CPU throttle, in wall time and in the main thread's CPU time
// (steady while other processes load the machine); the facade's share is
// "with" minus the floor, pages loaded in turn. Then click → panel usable at 4×, and the bytes a visitor downloads
// (brotli). Medians of RUNS fresh browser contexts (empty cache, no cookie).
// Figures, not pass/fail.
//
//   node tests/run.mjs --bench bench/widget.mjs   # this part alone
import { createServer } from "node:http";
import { pathToFileURL } from "node:url";
import { brotli } from "./timing.mjs";
import { URL_, WIDGET_FILES, launchChromium } from "../tests/helpers.mjs";

/** Fresh loads per figure: the floor alone varies by several ms at 4× between loads. */
const RUNS = 21;
const FACADE = WIDGET_FILES[0];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The demo page without the snippet, served from a throwaway local server. */
async function pageWithoutSnippet() {
  const demo = await (await fetch(URL_ + "/")).text();
  const html = demo.slice(0, demo.indexOf("<!-- Parley chat")) + "</body>\n</html>\n";
  const server = createServer((req, res) => res.writeHead(200, { "content-type": "text/html" }).end(html));
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(r)) };
}

/**
 * A fresh context on `url` at `rate`× CPU throttle, once the page (and the
 * facade, if any) has settled. `timeDomain` "threadTicks" counts the main
 * thread's CPU time (steady on a busy machine); "timeTicks" counts wall time.
 * `loader` replaces /loader.js (e.g. with nothing, for the snippet's own floor).
 */
async function open(browser, url, { rate, snippet, timeDomain = "timeTicks", loader }) {
  const context = await browser.newContext();
  if (loader !== undefined) await context.route("**/loader.js", (r) => r.fulfill({ contentType: "text/javascript", body: loader }));
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate });
  await cdp.send("Performance.enable", { timeDomain });
  await page.goto(url, { waitUntil: "load" });
  // Polled through bare CDP, the same on every page: Playwright's own helpers
  // inject scripts into the page, and they would count as the page's.
  const expression = snippet && loader === undefined ? "!!document.querySelector('parley-chat')" : "true";
  while (!(await cdp.send("Runtime.evaluate", { expression })).result.value) await new Promise((r) => setTimeout(r, 20));
  await page.waitForLoadState("networkidle");
  const metrics = async () => {
    const { metrics } = await cdp.send("Performance.getMetrics");
    return metrics.find((m) => m.name === "ScriptDuration").value * 1000;
  };
  return { context, page, metrics };
}

/**
 * Main-thread script ms of each of `pages` ([url, options as for `open`]),
 * RUNS fresh loads each. The pages take turns, so a slow spell of the
 * machine weighs on all of them alike.
 */
async function scriptMs(browser, pages) {
  const samples = pages.map(() => []);
  for (let i = 0; i < RUNS; i++) {
    for (const [n, [url, options]] of pages.entries()) {
      const { context, metrics } = await open(browser, url, options);
      samples[n].push(await metrics());
      await context.close();
    }
  }
  return samples;
}

/**
 * Click on the launcher (no hover before it: the wasm is fetched only then)
 * → the composer focused in a visible panel, ms at `rate`×; median of RUNS.
 */
async function clickToPanel(browser, rate) {
  const samples = [];
  for (let i = 0; i < RUNS; i++) {
    const { context, page } = await open(browser, URL_ + "/", { rate, snippet: true });
    samples.push(await page.evaluate(() => new Promise((resolve) => {
      const root = document.querySelector("parley-chat").shadowRoot;
      root.addEventListener("focusin", (e) => {
        if (e.target.id === "parley-input") resolve(performance.now() - start);
      });
      const start = performance.now();
      root.querySelector(".launcher").click();
    })));
    await context.close();
  }
  return median(samples);
}

/** Prints the widget's main-thread cost, click → panel latency and weight. */
export async function widgetMainThread() {
  const browser = await launchChromium();
  const bare = await pageWithoutSnippet();
  const ms = (n) => `${n.toFixed(1).padStart(6)} ms`;
  try {
    console.log(`\nWidget on the host page (Chromium, CDP ScriptDuration, median of ${RUNS} fresh loads)`);
    console.log("  the demo page: without the snippet | with the snippet, /loader.js empty | with the snippet | the facade's share");
    for (const [rate, timeDomain] of [[1, "timeTicks"], [4, "timeTicks"], [1, "threadTicks"], [4, "threadTicks"]]) {
      const [without, floor, whole] = await scriptMs(browser, [
        [bare.url, { rate, timeDomain }],
        [URL_ + "/", { rate, timeDomain, snippet: true, loader: "" }],
        [URL_ + "/", { rate, timeDomain, snippet: true }],
      ]);
      const label = `${rate}× CPU, ${timeDomain === "timeTicks" ? "wall time" : "CPU time"}`;
      const share = median(whole) - median(floor);
      console.log(`  ${label.padEnd(20)} ${ms(median(without))} | ${ms(median(floor))} | ${ms(median(whole))} | ${ms(share)}`);
    }
    console.log(`  click → panel usable at 4× CPU ${ms(await clickToPanel(browser, 4))} (no hover first; budget 300 ms)`);
  } finally {
    await bare.close();
    await browser.close();
  }
  let whole = 0;
  let facade = 0;
  for (const path of WIDGET_FILES) {
    const bytes = brotli(Buffer.from(await (await fetch(URL_ + path)).arrayBuffer()));
    whole += bytes;
    if (path === FACADE) facade = bytes;
  }
  console.log(`  facade ${facade} B brotli (budget 2,048), whole widget ${whole} B brotli (budget 30,720)`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await widgetMainThread();
