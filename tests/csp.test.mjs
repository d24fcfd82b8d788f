// The widget on host pages of another origin that a careful site owner runs:
// strict Content-Security-Policies (styles refused, WebAssembly refused,
// exactly the list Settings › Tracking gives) and a hostile stylesheet. The
// snippet is pasted as Settings gives it; screenshots go to tests/artifacts/
// (PARLEY_SHOTS_SUFFIX names a set, e.g. "-before" on an older build).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  URL_, KEY, call, unique, browserAndHostPages, sendFromWidget, trackingSettings, cspPolicy as policy, HOSTILE,
  visit, visitorToken, widgetView, reply, rgb,
} from "./helpers.mjs";

const pages = browserAndHostPages();
const SHOTS = `tests/artifacts/csp-%s${process.env.PARLEY_SHOTS_SUFFIX ?? ""}.png`;
const shot = (page, name) => page.screenshot({ path: SHOTS.replace("%s", name) });

const tracking = trackingSettings;

/** The page's CSP violations, from `securitypolicyviolation` events (an init script). */
function recordViolations() {
  window.__violations = [];
  document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`), true);
}

/**
 * Opens `url` in a fresh context recording its CSP violations (see
 * violations), console errors (`page.logged`) and page errors; resolves once
 * the launcher shows.
 */
async function visitStrict(url) {
  const page = await visit(pages.browser, url, { context: { viewport: { width: 1000, height: 700 } }, init: [recordViolations] });
  await page.locator(".launcher").waitFor();
  return page;
}

const violations = (page) => page.evaluate(() => window.__violations);

/** The computed `props` of the first element `selector` finds (shadow roots pierced). */
const computed = (page, selector, props) =>
  page.locator(selector).first().evaluate((e, props) => Object.fromEntries(props.map((p) => [p, getComputedStyle(e)[p]])), props);

/** The visitor token the widget stored on `origin`, and its thread. */
async function thread(page, origin = URL_) {
  const token = await visitorToken(page, origin);
  assert.ok(token, "the widget stored a visitor");
  return widgetView(token);
}

test("Settings' CSP list is exactly: the origin, the snippet's hash and 'wasm-unsafe-eval' in script-src; the origin and its socket in connect-src", async () => {
  const { csp, snippet } = await tracking();
  const ws = URL_.replace(/^http/, "ws");
  assert.deepEqual(csp.map((d) => d.directive), ["script-src", "connect-src"]);
  assert.deepEqual(csp[0].sources.filter((s) => !s.startsWith("'sha256-")), [URL_, "'wasm-unsafe-eval'"]);
  const { createHash } = await import("node:crypto");
  const inline = snippet.slice("<script>".length, -"</script>".length);
  assert.ok(csp[0].sources.includes(`'sha256-${createHash("sha256").update(inline).digest("base64")}'`), "the snippet's own hash");
  assert.deepEqual(csp[1].sources, [URL_, ws]);
  for (const d of csp) assert.ok(d.why.length > 20, `${d.directive} says what it is for`);
});

test("under style-src 'self' the launcher and the panel keep their place and colours, and the page sees no violation", async () => {
  const { snippet, csp } = await tracking();
  const config = (await call("GET", "/api/widget/sites/s_demo/config")).body;
  const page = await visitStrict(pages.hosts.pageWith(snippet, { "content-security-policy": `default-src 'self'; style-src 'self'; ${policy(csp)}` }));
  await shot(page, "style-src-self");
  const launcher = await computed(page, ".launcher", ["position", "backgroundColor", "color", "width", "bottom", "right", "left"]);
  assert.equal(launcher.position, "fixed");
  assert.equal(launcher.backgroundColor, rgb(config.color), "the site's accent");
  assert.equal(launcher.color, "rgb(255, 255, 255)");
  assert.equal(launcher.width, "56px");
  assert.equal(launcher.bottom, "20px");
  assert.equal(config.position === "left" ? launcher.left : launcher.right, "20px");
  const box = await page.locator(".launcher").boundingBox();
  assert.equal(box.y + box.height, 700 - 20, "at the foot of the viewport");

  await page.locator(".launcher").click();
  await page.locator(".panel").waitFor({ state: "visible" });
  const panel = await computed(page, ".panel", ["position", "width", "bottom", "backgroundColor", "display"]);
  assert.deepEqual(panel, { position: "fixed", width: "370px", bottom: "88px", backgroundColor: "rgb(255, 255, 255)", display: "flex" });
  assert.equal((await computed(page, ".panel header", ["backgroundColor"])).backgroundColor, rgb(config.color));
  assert.equal((await computed(page, ".send", ["backgroundColor"])).backgroundColor, rgb(config.color));
  assert.equal((await computed(page, ".composer label.sr-only", ["position"])).position, "absolute", "labels for screen readers stay hidden");
  await shot(page, "style-src-self-open");
  assert.deepEqual(await violations(page), [], "no style refused");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("a page whose CSP is exactly Settings' list (default-src 'none' beside it) chats: sends, a live reply, a file, and the thread after a reload", async () => {
  const { snippet, csp } = await tracking();
  const url = pages.hosts.pageWith(snippet, { "content-security-policy": `default-src 'none'; ${policy(csp)}` });
  const page = await visitStrict(url);
  await page.locator(".launcher").click();
  await page.locator(".panel").waitFor({ state: "visible" });
  const text = unique("strict page ");
  await sendFromWidget(page, text);
  const { conversation_id: conversation } = await thread(page, url);
  const answer = unique("answer ");
  assert.equal((await reply(conversation, answer)).status, 201);
  await page.locator("li.theirs", { hasText: answer }).waitFor();

  await page.locator(".clip input[type=file]").setInputFiles({ name: "note.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n%%EOF\n") });
  await page.locator("li.mine", { hasText: "📎 note.pdf" }).waitFor();

  await page.reload();
  await page.locator(".launcher").click();
  await page.locator("li.theirs", { hasText: answer }).waitFor();
  await page.locator("li.mine", { hasText: text }).waitFor();
  await shot(page, "exact-list");
  assert.deepEqual(await violations(page), [], "nothing outside the list was needed");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("without 'wasm-unsafe-eval' the console names it, and the launcher opens the hosted chat in a new window, where the visitor chats", async () => {
  const { snippet, csp } = await tracking();
  const page = await visitStrict(pages.hosts.pageWith(snippet, { "content-security-policy": `default-src 'none'; ${policy(csp, "'wasm-unsafe-eval'")}` }));
  const opened = page.context().waitForEvent("page");
  await page.locator(".launcher").click();
  await shot(page, "no-wasm-unsafe-eval");
  const chat = await opened;
  assert.ok(page.logged.some((m) => m.includes("'wasm-unsafe-eval'") && m.includes("script-src")), `the console names the directive: ${page.logged}`);
  assert.equal(new URL(chat.url()).href, `${URL_}/chat/s_demo`);

  chat.errors = [];
  chat.on("pageerror", (e) => chat.errors.push(String(e)));
  await chat.locator(".panel").waitFor({ state: "visible" });
  const text = unique("from the hosted page ");
  await sendFromWidget(chat, text);
  const stored = await thread(chat);
  assert.ok(stored.messages.some((m) => m.body === text), "stored by the worker");
  await chat.locator("#parley-f-email").fill(`${unique("v")}@example.org`);
  await chat.locator(".form-submit").click();
  await chat.locator(".form-slot li.theirs").waitFor();
  const answer = unique("live answer ");
  assert.equal((await reply(stored.conversation_id, answer)).status, 201);
  await chat.locator("li.theirs", { hasText: answer }).waitFor();
  await shot(chat, "no-wasm-unsafe-eval-chat");

  const viewport = chat.viewportSize();
  const box = await chat.locator(".panel").boundingBox();
  assert.deepEqual([box.x, box.y, box.width, box.height], [0, 0, viewport.width, viewport.height], "the panel fills the page");
  assert.deepEqual(chat.errors, []);
  assert.equal(await page.evaluate(() => window.opener), null);
  await page.context().close();
});

test("a widget download that fails again when retried leaves a launcher that opens the hosted chat", async () => {
  const { snippet } = await tracking();
  const context = await pages.browser.newContext();
  let tries = 0;
  await context.route(/\/widget\/widget_bg\.wasm$/, (route) => (tries++, route.abort()));
  const page = await context.newPage();
  page.logged = [];
  page.on("console", (m) => m.type() === "error" && page.logged.push(m.text()));
  await page.goto(pages.hosts.pageWith(snippet));
  const opened = context.waitForEvent("page");
  await page.locator(".launcher").click();
  const chat = await opened;
  assert.equal(new URL(chat.url()).pathname, "/chat/s_demo");
  assert.equal(tries, 2, "tried twice");
  assert.ok(page.logged.some((m) => m.startsWith("Parley: the chat widget could not start:")), `${page.logged}`);
  await context.close();
});

test("where constructable stylesheets are missing, <style> elements style the launcher and the panel", async () => {
  const { snippet } = await tracking();
  const context = await pages.browser.newContext();
  await context.addInitScript(() => { delete ShadowRoot.prototype.adoptedStyleSheets; });
  const page = await context.newPage();
  await page.goto(pages.hosts.pageWith(snippet));
  await page.locator(".launcher").click();
  await page.locator(".panel").waitFor({ state: "visible" });
  assert.equal((await computed(page, ".launcher", ["position"])).position, "fixed");
  assert.equal((await computed(page, ".panel", ["position"])).position, "fixed");
  assert.equal(await page.evaluate(() => document.querySelector("parley-chat").shadowRoot.querySelectorAll("style").length), 2);
  await context.close();
});

test("the hosted chat page speaks the site's or the browser's language, passes axe, and works by keyboard", async () => {
  const { default: axe } = await import("axe-core");
  const { source } = axe;
  const french = await pages.browser.newContext({ locale: "fr-FR", bypassCSP: true });
  const page = await french.newPage();
  const res = await page.goto(`${URL_}/chat/s_demo`);
  assert.match(res.headers()["content-security-policy"], /script-src 'self' 'wasm-unsafe-eval'/);
  assert.equal(res.headers()["cross-origin-opener-policy"], "same-origin");
  assert.equal(await page.getAttribute("html", "lang"), "fr");
  await page.locator(".panel[lang=fr]").waitFor({ state: "visible" });
  assert.equal(await page.locator("#parley-input").getAttribute("placeholder"), "Écrivez un message…");
  assert.equal(await page.evaluate(() => document.querySelector("parley-chat").shadowRoot.activeElement?.id), "parley-input", "the composer has focus");

  const check = async (what) => {
    await page.evaluate(source);
    const { violations: found } = await page.evaluate(() => axe.run(document, { resultTypes: ["violations"] }));
    assert.deepEqual(found.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), [], `axe on ${what}`);
  };
  await check("the open panel");

  // By keyboard only: write and send, answer the Form, close with Escape, reopen with Enter.
  const text = unique("au clavier ");
  await page.keyboard.type(text);
  await page.keyboard.press("Enter");
  await page.locator("li.mine", { hasText: text }).locator(".meta").filter({ hasText: /\d{1,2}:\d{2}/ }).waitFor();
  await page.locator("#parley-f-email").waitFor();
  await check("the Form step");
  await page.locator("#parley-f-email").focus();
  await page.keyboard.type(`${unique("k")}@example.org`);
  await page.keyboard.press("Enter");
  await page.locator(".form-slot li.theirs").waitFor();
  await page.locator("#parley-input").focus();
  await page.keyboard.press("Escape");
  await page.locator(".panel").waitFor({ state: "hidden" });
  assert.equal(await page.evaluate(() => document.querySelector("parley-chat").shadowRoot.activeElement?.classList.contains("launcher")), true);
  await check("the page with the panel closed");
  await page.keyboard.press("Enter");
  await page.locator(".panel").waitFor({ state: "visible" });
  await page.locator("li.mine", { hasText: text }).waitFor();
  await french.close();

  const english = await pages.browser.newContext({ locale: "en-GB" });
  const en = await english.newPage();
  await en.goto(`${URL_}/chat/s_demo`);
  assert.equal(await en.getAttribute("html", "lang"), "en");
  await en.locator(".panel[lang=en]").waitFor({ state: "visible" });
  await english.close();
  assert.equal((await call("GET", "/chat/s_nope")).status, 404);
});

/** Geometry and text metrics of the launcher and the open panel, and what the launcher's centre hits. */
async function measure(page) {
  await page.locator(".launcher").click();
  await page.locator(".panel").waitFor({ state: "visible" });
  await page.locator(".messages li").first().waitFor();
  // The paperclip (this site takes files), which the files module adds once it has loaded: the composer's final layout.
  await page.locator(".clip").waitFor();
  return page.evaluate(() => {
    const root = document.querySelector("parley-chat").shadowRoot;
    const box = (e) => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height].map((n) => Math.round(n * 10) / 10); };
    const text = (e) => { const r = document.createRange(); r.selectNodeContents(e); return box(r); };
    const launcher = root.querySelector(".launcher");
    const l = launcher.getBoundingClientRect();
    return {
      launcher: box(launcher),
      panel: box(root.querySelector(".panel")),
      title: text(root.querySelector(".title")),
      greeting: text(root.querySelector(".messages li .body")),
      input: box(root.querySelector("#parley-input")),
      send: text(root.querySelector(".send")),
      font: getComputedStyle(root.querySelector(".title")).font,
      spacing: getComputedStyle(root.querySelector(".body")).letterSpacing,
      hit: document.elementFromPoint(l.x + l.width / 2, l.y + l.height / 2)?.localName,
    };
  });
}

test("a hostile stylesheet changes nothing of the launcher's and the panel's geometry, text metrics or reach", async () => {
  const { snippet } = await tracking();
  const clean = await visitStrict(pages.hosts.pageWith(snippet));
  const expected = await measure(clean);
  await clean.context().close();
  const hostile = await visitStrict(pages.hosts.pageWith(HOSTILE + snippet));
  await shot(hostile, "hostile-css");
  const got = await measure(hostile);
  await shot(hostile, "hostile-css-open");
  assert.equal(expected.hit, "parley-chat");
  assert.equal(expected.spacing, "normal");
  assert.deepEqual(got, expected);
  await hostile.context().close();
});
