// The facade (www/loader.js) in real Chromium: it draws the launcher (from the
// snippet's look, with no request; from the config for an older snippet) and
// the unread badge itself; the config and the marker are read on the visitor's
// first move on the page; the wasm widget loads only on intent (pointer over,
// focus, click, open(), identify() with a visitor) or, for a returning visitor
// whose conversation waits, in idle time. The panel is built on first open.
import { test } from "node:test";
import assert from "node:assert/strict";
import { URL_, KEY, call, newVisitor, sendChat, unique, browserAndHostPages, sendFromWidget, visit, eventually, withoutLook } from "./helpers.mjs";

const WIDGET = /\/widget\/widget(\.js|_bg\.wasm)$/;
const MARKER = "parley_unread_s_demo";
const pages = browserAndHostPages();

/**
 * A page of a fresh context (with `cookie` as the visitor's and `marker` as
 * the unread marker, if given), recording the widget's requests.
 */
async function visitShop(url = URL_ + "/", { cookie, marker } = {}) {
  const cookies = [];
  if (cookie) cookies.push({ name: "parley_visitor", value: cookie, url });
  if (marker !== undefined) cookies.push({ name: MARKER, value: marker, url });
  const page = await visit(pages.browser, url, { cookies });
  await ready(page);
  return page;
}

/** The widget's files (glue and wasm) the page asked for. */
const widgetLoads = (page) => page.requests.filter((u) => WIDGET.test(u));
/** The site config requests the page made. */
const configLoads = (page) => page.requests.filter((u) => /\/api\/widget\/sites\/[^/]+\/config$/.test(u));
/** The visitor's first move on the page: the pointer over its heading (the facade then reads the marker and fetches the config). */
const move = (page) => page.locator("h1").hover();
/** Resolves once the facade has drawn the launcher and answers the API. */
const ready = (page) => page.evaluate(() => new Promise((r) => window.Parley.on("ready", r)));
/** The unread marker the widget left in this page's cookies, or null. */
const marker = async (page) => (await page.context().cookies(page.url())).find((c) => c.name === MARKER)?.value ?? null;
/** Resolves once the page's marker is `value` (null: gone). */
const markerIs = (page, value) => page.waitForFunction(([k, v]) =>
  (new RegExp(`(?:^|; )${k}=([^;]*)`).exec(document.cookie)?.[1] ?? null) === v, [MARKER, value]);

test("the facade draws the launcher with the site's colour and side, and no wasm loads without intent", async () => {
  const page = await visitShop();
  const launcher = page.locator(".launcher");
  assert.equal(await launcher.getAttribute("aria-label"), "Open chat");
  assert.equal(await launcher.getAttribute("aria-expanded"), "false");
  const config = (await call("GET", "/api/widget/sites/s_demo/config")).body;
  // The accent through the CSSOM on the host (a CSP may refuse style attributes), inherited by the launcher.
  assert.equal(await launcher.getAttribute("style"), null);
  assert.equal(await page.evaluate(() => document.querySelector("parley-chat").style.getPropertyValue("--accent")), config.color);
  assert.equal(await launcher.getAttribute("class"), `launcher ${config.position === "left" ? "left" : "right"}`);
  assert.equal(await page.locator(".badge").textContent(), "", "no badge without unread replies");
  await page.waitForLoadState("networkidle");
  assert.deepEqual(widgetLoads(page), [], "neither the glue nor the wasm before intent");
  assert.equal(await page.locator(".panel").count(), 0);

  const wasm = page.waitForRequest(WIDGET);
  await launcher.hover();
  await wasm;
  await page.locator(".launcher").click();
  await page.locator("#parley-input").waitFor();
  assert.equal(await page.locator(".launcher").count(), 1, "the widget took over the facade's launcher: no second one");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("focus on the launcher, or Parley.open(), loads the widget; a returning visitor's thread is fetched but not built", async () => {
  const page = await visitShop(URL_ + "/", { cookie: await newVisitor() });
  await page.waitForLoadState("networkidle");
  assert.deepEqual(widgetLoads(page), [], "a cookie alone, with nothing waiting, loads nothing");
  const thread = page.waitForRequest(/\/api\/widget\/conversation/);
  await page.locator(".launcher").focus();
  await thread; // the widget runs: it fetches the stored thread
  assert.equal(await page.locator(".panel, .messages, .form-step").count(), 0, "nothing of the panel before it opens");
  await page.context().close();

  const other = await visitShop();
  const wasm = other.waitForRequest(WIDGET);
  await other.evaluate(() => window.Parley.open());
  await wasm;
  await other.locator(".panel").waitFor({ state: "visible" });
  await other.context().close();
});

test("a click with no hover before it opens a working panel", async () => {
  const page = await visitShop();
  // element.click() fires no pointer event: the wasm is fetched only on the click.
  await page.evaluate(() => document.querySelector("parley-chat").shadowRoot.querySelector(".launcher").click());
  const text = unique("clicked straight away ");
  await sendFromWidget(page, text);
  assert.equal(await page.locator(".launcher").getAttribute("aria-expanded"), "true");
  await page.context().close();
});

test("unread replies leave a marker; the next page's facade shows the badge on the visitor's first move and loads the widget in idle time", async () => {
  const page = await visitShop();
  await page.locator(".launcher").click();
  const text = unique("anyone there? ");
  await sendFromWidget(page, text);
  await markerIs(page, "0"); // awaiting a reply
  await page.locator(".launcher").click(); // closed: the socket stays for the awaited reply
  const token = (await page.context().cookies()).find((c) => c.name === "parley_visitor").value;
  const { conversation_id } = (await call("GET", "/api/widget/conversation", { token })).body;
  await call("POST", `/api/conversations/${conversation_id}/messages`, { token: KEY, json: { body: "Yes, here!" } });
  await page.locator(".badge", { hasText: "1" }).waitFor();
  assert.equal(await marker(page), "1");

  // The next page, with the widget unreachable: the facade alone shows the badge, and tried to load the widget.
  await page.route(WIDGET, (r) => r.abort());
  const tried = page.waitForRequest(WIDGET);
  await page.reload();
  await ready(page);
  await move(page);
  await tried; // the facade read the marker on the visitor's first move, showed it, then tried
  assert.equal(await page.locator(".badge").textContent(), "1");
  assert.equal(await page.locator(".launcher").getAttribute("aria-label"), "Open chat. Unread replies: 1");

  // Reachable again: loaded in idle time, it keeps the count and the socket until the visitor reads.
  await page.unroute(WIDGET);
  const socket = page.waitForEvent("websocket");
  await page.reload();
  await ready(page);
  await move(page);
  await socket;
  assert.equal(await page.locator(".badge").textContent(), "1");
  await page.locator(".launcher").click();
  await page.locator("li.theirs", { hasText: "Yes, here!" }).waitFor();
  await page.locator(".badge:empty").waitFor({ state: "attached" });
  await markerIs(page, null);
  await page.context().close();
});

test("a marker left by an earlier page shows as the badge on the visitor's first move: the page's load reads no cookie and asks for no config", async () => {
  const page = await visitShop(URL_ + "/", { cookie: await newVisitor(), marker: "2" });
  await page.waitForLoadState("networkidle");
  assert.equal(await page.locator(".badge").textContent(), "", "nothing read before the visitor moves");
  assert.deepEqual(configLoads(page), [], "the snippet's look drew the launcher: no config request");
  assert.deepEqual(widgetLoads(page), []);
  await move(page);
  await page.locator(".badge", { hasText: "2" }).waitFor();
  assert.equal(await page.locator(".launcher").getAttribute("aria-label"), "Open chat. Unread replies: 2");
  assert.equal(configLoads(page).length, 1, "the config, once");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("a page whose cookies cannot be read (as a sandboxed frame's) means no marker: no badge, and nothing loads", async () => {
  const context = await pages.browser.newContext();
  await context.addCookies([{ name: MARKER, value: "2", url: URL_ + "/" }]);
  await context.addInitScript(() => {
    Object.defineProperty(Document.prototype, "cookie", { get() { throw new DOMException("refused", "SecurityError"); } });
  });
  const page = await context.newPage();
  const widget = [];
  const errors = [];
  page.on("request", (r) => WIDGET.test(r.url()) && widget.push(r.url()));
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(URL_ + "/");
  await ready(page);
  const config = page.waitForResponse(/\/config$/);
  await move(page);
  await config; // the marker was read (refused) just before
  await page.waitForLoadState("networkidle");
  assert.deepEqual(errors, []);
  assert.equal(await page.locator(".badge").textContent(), "");
  assert.equal(await page.locator(".launcher").getAttribute("aria-label"), "Open chat");
  assert.deepEqual(widget, [], "no idle load without a marker");
  await context.close();
});

test("queued calls: identify() waits for the widget without a visitor, open() loads it, reset() forgets at once", async () => {
  const address = `queued+${unique("")}@example.com`;
  const page = await visitShop(pages.hosts.page("s_demo", `Parley.identify({ email: ${JSON.stringify(address)} });`));
  await page.waitForLoadState("networkidle");
  assert.deepEqual(widgetLoads(page), [], "identify() with no visitor to tie waits in the queue");
  await page.evaluate(() => window.Parley.open());
  await sendFromWidget(page, "queued identify");
  const token = (await page.context().cookies(pages.hosts.origin)).find((c) => c.name === "parley_visitor").value;
  const { conversation_id } = (await call("GET", "/api/widget/conversation", { token })).body;
  const { conversation } = (await call("GET", `/api/conversations/${conversation_id}`, { token: KEY })).body;
  assert.equal(conversation.contact_email, address, "the queued identify reached the worker");
  await page.context().close();

  const visitor = await newVisitor();
  await sendChat(visitor, "waiting for a reply");
  const url = pages.hosts.page("s_demo", "Parley.reset();");
  const reset = await visitShop(url, { cookie: visitor, marker: "2" });
  // document.cookie's write reaches the browser's cookie store (which
  // context.cookies() reads) asynchronously: await it rather than race it.
  const cookieLeft = async () => (await reset.context().cookies(pages.hosts.origin)).some((c) => c.name === "parley_visitor");
  await eventually(async () => !(await cookieLeft()), { what: "the cookie is gone" });
  assert.equal(await marker(reset), null, "and the marker");
  assert.equal(await reset.locator(".badge").textContent(), "");
  await reset.context().close();
});

test("an older snippet (without the look) has the config fetched first and the launcher drawn from it", async () => {
  const site = (await call("POST", "/api/sites", { token: KEY, json: { name: unique("Older ") } })).body.id;
  await call("PATCH", `/api/sites/${site}/widget`, { token: KEY, json: { color: "#8a2be2", position: "left", language: "fr" } });
  const { snippet } = (await call("GET", `/api/sites/${site}/snippet`, { token: KEY })).body;
  const older = withoutLook(snippet);
  assert.ok(!older.includes("data-color") && older.includes(`"${site}"`));
  const page = await visit(pages.browser, pages.hosts.pageWith(older));
  await ready(page);
  assert.equal(configLoads(page).length, 1, "the config before the launcher");
  assert.equal(await page.locator(".launcher").getAttribute("class"), "launcher left");
  assert.equal(await page.locator(".launcher").getAttribute("aria-label"), "Ouvrir le chat");
  assert.equal(await page.evaluate(() => document.querySelector("parley-chat").style.getPropertyValue("--accent")), "#8a2be2");
  await page.context().close();
});

test("the launcher follows the config over a stale snippet: restyled on the visitor's first move, gone if the site was switched off", async () => {
  const site = (await call("POST", "/api/sites", { token: KEY, json: { name: unique("Stale ") } })).body.id;
  const { snippet } = (await call("GET", `/api/sites/${site}/snippet`, { token: KEY })).body; // pasted now, right side, default colour
  await call("PATCH", `/api/sites/${site}/widget`, { token: KEY, json: { color: "#8a2be2", position: "left" } });
  const page = await visit(pages.browser, pages.hosts.pageWith(snippet));
  await ready(page);
  assert.equal(await page.locator(".launcher").getAttribute("class"), "launcher right", "drawn as the snippet says, with no request");
  assert.deepEqual(configLoads(page), []);
  await move(page);
  await page.locator(".launcher.left").waitFor();
  assert.equal(await page.evaluate(() => document.querySelector("parley-chat").style.getPropertyValue("--accent")), "#8a2be2");
  await page.context().close();

  await call("PATCH", `/api/sites/${site}`, { token: KEY, json: { enabled: false } });
  const off = await visit(pages.browser, pages.hosts.pageWith(snippet));
  try {
    await ready(off);
    await move(off);
    await off.locator("parley-chat").waitFor({ state: "detached" });
    // Intent now loads nothing: the config says the site is off.
    await off.evaluate(() => window.Parley.open());
    await off.waitForLoadState("networkidle");
    assert.deepEqual(widgetLoads(off), []);
  } finally {
    await off.context().close();
    await call("PATCH", `/api/sites/${site}`, { token: KEY, json: { enabled: true } });
  }
});

test("with the snippet's look, a proactive message waits for the visitor's first move on the page (the config is fetched then), and then shows", async () => {
  const site = (await call("POST", "/api/sites", { token: KEY, json: { name: unique("Look ") } })).body.id;
  const text = unique("Need help choosing? ");
  const json = { text, url: "/*", delay_seconds: 1, audience: "all", language: "any", frequency: "page" };
  const added = await call("POST", `/api/sites/${site}/proactive`, { token: KEY, json });
  assert.equal(added.status, 201, JSON.stringify(added.body));
  const { snippet } = (await call("GET", `/api/sites/${site}/snippet`, { token: KEY })).body;
  const page = await visit(pages.browser, pages.hosts.pageWith(snippet));
  await ready(page);
  await page.waitForLoadState("networkidle");
  assert.deepEqual(configLoads(page), [], "no config, so no message, before the visitor moves");
  assert.equal(await page.locator(".pb").count(), 0);
  await move(page);
  await page.locator(".pb", { hasText: text }).waitFor();
  assert.equal(configLoads(page).length, 1);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
