// The browser side of the end-to-end suites: the one Chromium that tests/run.mjs
// starts for every suite (each suite connects and makes fresh contexts), host
// pages on another origin, and the steps of a visitor and of an agent in it.
import { before, after } from "node:test";
import { URL_, call, eventually, unique } from "./helpers.mjs";
import { launchChromium } from "./chromium.mjs";

export { launchChromium };

/**
 * The suite's Chromium and host pages, started before its tests and closed
 * after them: `pages.browser`, `pages.hosts` (see startHostPages).
 */
export function browserAndHostPages() {
  const pages = {};
  before(async () => {
    pages.browser = await launchChromium();
    pages.hosts = await startHostPages();
  });
  after(async () => {
    await pages.browser?.close();
    await pages.hosts?.close();
  });
  return pages;
}

/**
 * Records on `page` what the suites check: `page.errors` (uncaught errors),
 * `page.logged` (console errors), `page.requests` (every request's URL),
 * `page.posts` (POSTs' URLs), `page.pending` (requests in flight, with
 * `page.lastActivity` the time one last started or ended), `page.sockets`
 * (its WebSockets) and `page.frames` (the JSON pushes they received).
 */
export function record(page) {
  Object.assign(page, { errors: [], logged: [], requests: [], posts: [], pending: new Set(), lastActivity: Date.now(), sockets: [], frames: [] });
  const done = (r) => { page.pending.delete(r); page.lastActivity = Date.now(); };
  page.on("pageerror", (e) => page.errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && page.logged.push(m.text()));
  page.on("request", (r) => {
    page.requests.push(r.url());
    if (r.method() === "POST") page.posts.push(r.url());
    page.pending.add(r);
    page.lastActivity = Date.now();
  });
  page.on("requestfinished", done).on("requestfailed", done);
  page.on("websocket", (ws) => {
    page.sockets.push(ws);
    ws.on("framereceived", (f) => {
      if (typeof f.payload !== "string" || f.payload === "pong") return;
      try { page.frames.push(JSON.parse(f.payload)); } catch {}
    });
  });
  return page;
}

/**
 * Opens `url` (the demo shop by default) in a new page, recorded (see
 * record). `context`: an existing context, or options for a fresh one of
 * `browser`; `cookies` are set and `init` scripts added before the page loads.
 */
export async function visit(browser, url = URL_ + "/", { context, cookies = [], init = [] } = {}) {
  const ctx = context?.newPage ? context : await browser.newContext(context);
  if (cookies.length) await ctx.addCookies(cookies);
  for (const script of init) await ctx.addInitScript(script);
  const page = record(await ctx.newPage());
  await page.goto(url);
  return page;
}

/** Clicks the launcher and waits until the chat panel shows. */
export async function openChat(page) {
  await page.locator(".launcher").click();
  await page.locator(".panel").waitFor({ state: "visible" });
}

/**
 * Types `text` into an open widget on `page` and sends it; resolves once the
 * worker has stored it (its line shows its time), with the line.
 */
export async function sendFromWidget(page, text) {
  await page.locator("#parley-input").fill(text);
  await page.keyboard.press("Enter");
  const line = page.locator("li.mine", { hasText: text });
  await line.locator(".meta").filter({ hasText: /\d{1,2}:\d{2}/ }).waitFor();
  return line;
}

/**
 * Waits until the widget has applied the stored thread and what the worker
 * knows of the visitor: it marks the message list aria-busy until then (a
 * visitor without a cookie has nothing to load).
 */
export const threadLoaded = (page) => page.locator('[aria-label="Messages"][aria-busy="false"]').waitFor({ state: "attached" });

/** The visitor token the widget stored in the page's cookies for `origin` (the worker's by default). */
export const visitorToken = async (page, origin = URL_) =>
  (await page.context().cookies(origin)).find((c) => c.name === "parley_visitor")?.value;

/** The conversation of the page's visitor (see visitorToken). */
export const conversationId = async (page, origin) =>
  (await call("GET", "/api/widget/conversation", { token: await visitorToken(page, origin) })).body.conversation_id;

/**
 * Resolves once the page has had no request in flight for `quiet` ms (0: none
 * in flight now), after its load event. The page must be recorded (see record).
 */
export async function settled(page, quiet = 0) {
  await page.waitForLoadState("load");
  await eventually(() => page.pending.size === 0 && Date.now() - page.lastActivity >= quiet,
    { what: `no request in flight for ${quiet} ms`, timeout: 15_000 + quiet });
}

/** The conversation list's entry that shows `text`, in an inbox tab. */
export const listItem = (page, text) => page.locator("#list button", { hasText: text });

/** Opens the inbox in `context` and signs in (the seeded primary admin by default); the page is recorded (see record). */
export async function signInToInbox(context, email = "admin@juniperandpine.example", password = process.env.PARLEY_ADMIN_PASSWORD) {
  const page = record(await context.newPage());
  await page.goto(URL_ + "/inbox.html");
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.click("#signin button[type=submit]");
  await page.locator("#inbox").waitFor();
  return page;
}

/** "rgb(r, g, b)" of "#rrggbb", as computed styles give colours. */
export const rgb = (hex) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(", ")})`;

/** A stylesheet that fights every widget: inherited typography forced with !important, resets, transforms on ancestors, a z-index wall. */
export const HOSTILE = `<style>
  * { letter-spacing: 2px !important; word-spacing: 9px !important; font: italic 700 22px/3 Georgia, serif !important;
      text-transform: uppercase !important; text-align: right !important; color: #f0f !important; box-sizing: content-box !important;
      white-space: pre !important; visibility: visible !important; direction: ltr; }
  html, body { transform: translate(31px, -17px) !important; margin: 40px !important; padding: 20px !important; filter: saturate(1.5) !important; }
  div, section, button, parley-chat { display: block !important; position: relative !important; z-index: 2147483647 !important;
      opacity: .3 !important; transform: scale(.5) !important; }
  .wall { position: fixed !important; inset: -2000px; background: rgba(200, 0, 0, .2);
      z-index: 2147483647 !important; transform: none !important; opacity: 1 !important; }
</style><div class="wall">An overlay over everything</div><p>${"Lorem ipsum dolor sit amet. ".repeat(40)}</p>`;

/** `snippet` without the launcher's look (data-color, data-position, data-language): a snippet pasted before it carried them. */
export const withoutLook = (snippet) => snippet.replace(/\n *s\.setAttribute\("data-(color|position|language)", [^\n]*/g, "");

/**
 * Serves host pages on another origin, each pasting the demo page's own
 * snippet for `site`, followed by optional host-page script (`script`) that
 * uses the snippet API: the way a site owner's page embeds the widget.
 */
export async function startHostPages() {
  const { createServer } = await import("node:http");
  const demo = await (await fetch(URL_ + "/")).text();
  const snippet = demo.slice(demo.indexOf("<!-- Parley chat"), demo.indexOf("</body>")).replace('"/loader.js"', `"${URL_}/loader.js"`);
  const pages = new Map();
  const server = createServer((req, res) => {
    const page = pages.get(req.url);
    res.writeHead(page ? 200 : 404, { "content-type": "text/html", ...page?.headers }).end(page?.html ?? "no such page");
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    /** A page for `site`; `script` is host-page script run right after the snippet. */
    page(site, script = "") {
      const path = `/${unique("p")}`;
      // Another site's page pastes the demo's snippet without the demo's look
      // (colour, side, language): an older snippet, whose launcher follows the site's config.
      const body = site === "s_demo" ? snippet : withoutLook(snippet).replace('"s_demo"', JSON.stringify(site));
      pages.set(path, { html: `<!doctype html><html><head><meta name="viewport" content="width=device-width, initial-scale=1"><title>${site}</title></head><body><h1>Host of ${site}</h1>${body}<script>${script}</script></body></html>` });
      return origin + path;
    },
    /** A page that pastes `html` (e.g. a snippet copied from Settings) as it is, answered with extra `headers` (e.g. a CSP). */
    pageWith(html, headers = {}) {
      const path = `/${unique("p")}`;
      pages.set(path, { headers, html: `<!doctype html><html><head><title>Pasted</title></head><body><h1>A site owner's page</h1>\n${html}\n</body></html>` });
      return origin + path;
    },
    close: () => new Promise((r) => server.close(r)),
  };
}

