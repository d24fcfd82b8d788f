// The widget in real headless Chromium on the demo shop page, served by the
// real worker; what the widget sends is read back from D1 through the API.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { URL_, call, agentGet, unique, launchChromium, visit, openChat, sendFromWidget as say, visitorToken, threadLoaded } from "./helpers.mjs";

const COOKIE = "parley_visitor";
const THIRTY_DAYS_S = 30 * 24 * 60 * 60;
let browser;

before(async () => {
  browser = await launchChromium();
});
after(() => browser?.close());

test("the demo shop loads the widget, and a typed message is stored in D1", async () => {
  const page = await visit(browser);
  const launcher = page.locator(".launcher");
  await launcher.waitFor();
  assert.equal(await launcher.getAttribute("aria-expanded"), "false");
  assert.equal(await page.locator(".panel").isVisible(), false, "the panel starts closed");

  await openChat(page);
  assert.equal(await launcher.getAttribute("aria-expanded"), "true");
  assert.equal(await page.locator(".title").textContent(), "Juniper & Pine");
  assert.match(await page.locator("li.theirs").first().textContent(), /Questions about tea/, "the greeting shows");
  assert.equal(await page.locator("#parley-input").evaluate((e) => getComputedStyle(e).fontSize), "16px", "no zoom on phones");

  const text = unique("Do you ship to Norway? ");
  await say(page, text);

  const token = await visitorToken(page);
  assert.ok(token, "the visitor cookie is set");
  const own = await call("GET", "/api/widget/conversation", { token });
  assert.deepEqual(own.body.messages.map((m) => m.body), [text], "stored in D1 for this visitor");
  const { conversations } = await agentGet("/api/conversations?channel=chat");
  assert.ok(conversations.some((c) => c.id === own.body.conversation_id && c.preview === text), "visible in the inbox");
  assert.deepEqual([...page.errors, ...page.logged], []);
  await page.context().close();
});

test("the visitor cookie is first-party, Lax, and lives 30 days", async () => {
  const page = await visit(browser);
  await openChat(page);
  await say(page, "cookie check");
  const cookie = (await page.context().cookies(URL_)).find((c) => c.name === COOKIE);
  assert.equal(cookie.path, "/");
  assert.equal(cookie.sameSite, "Lax");
  assert.equal(cookie.secure, false, "Secure only on https; this page is http");
  assert.equal(cookie.domain, "127.0.0.1", "set by the host page, first-party");
  const lifetime = cookie.expires - Date.now() / 1000;
  assert.ok(Math.abs(lifetime - THIRTY_DAYS_S) < 120, `expires in ~30 days (got ${lifetime}s)`);
  await page.context().close();
});

test("a returning visitor sees the earlier conversation; cleared cookies start afresh", async () => {
  const page = await visit(browser);
  await openChat(page);
  const text = unique("remember me ");
  await say(page, text);

  await page.reload();
  await openChat(page);
  await page.locator("li.mine", { hasText: text }).waitFor();

  await page.context().clearCookies();
  await page.reload();
  await openChat(page);
  await threadLoaded(page);
  assert.equal(await page.locator("li.mine").count(), 0, "a new visitor sees nothing of the old thread");
  await page.context().close();
});

test("whatever a visitor types renders as text, never as HTML", async () => {
  const page = await visit(browser);
  await openChat(page);
  const attack = `<img src=x onerror="window.__pwned=1"><b>bold</b> ${unique()}`;
  const line = await say(page, attack);
  assert.equal(await line.locator(".body").textContent(), attack);
  assert.equal(await page.locator("parley-chat img, parley-chat b").count(), 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  await page.context().close();
});

test("the loader never blocks the page, and calls queued before it loads are replayed", async () => {
  const context = await browser.newContext();
  let release;
  const held = new Promise((r) => (release = r));
  await context.route("**/loader.js", async (route) => {
    await held;
    await route.continue();
  });
  const page = await context.newPage();
  await page.goto(URL_ + "/", { waitUntil: "load" }); // resolves while the loader is still held
  assert.equal(await page.locator("h1").textContent(), "Juniper & Pine");
  await page.evaluate(() => window.Parley.open());
  assert.equal(await page.evaluate(() => window.Parley.q.length), 1, "queued on the stub");
  release();
  await page.locator(".panel").waitFor({ state: "visible" });
  await context.close();
});

test("a failed send stays in the list with a retry control, and the retry is stored once", async () => {
  const page = await visit(browser);
  await openChat(page);
  await page.route("**/api/widget/messages", (route) => route.abort("internetdisconnected"));
  const text = unique("flaky network ");
  await page.locator("#parley-input").fill(text);
  await page.keyboard.press("Enter");
  const line = page.locator("li.mine.failed", { hasText: text });
  await line.waitFor();
  assert.match(await line.textContent(), /Not sent/);

  await page.unroute("**/api/widget/messages");
  await line.locator("button.retry").click();
  await page.locator("li.mine:not(.failed)", { hasText: text }).locator(".meta").filter({ hasText: /\d:\d\d/ }).waitFor();
  const token = await visitorToken(page);
  const own = await call("GET", "/api/widget/conversation", { token });
  assert.deepEqual(own.body.messages.map((m) => m.body), [text]);
  await page.context().close();
});

test("the snippet works on another site's origin, as deployed", async () => {
  // A real host page on another origin (another port) pasting the README's snippet.
  const demo = await (await fetch(URL_ + "/")).text();
  const snippet = demo.slice(demo.indexOf("<!-- Parley chat"), demo.indexOf("</body>")).replace('"/loader.js"', `"${URL_}/loader.js"`);
  const html = `<!doctype html><html><head><title>Other shop</title></head><body><h1>Other shop</h1>${snippet}</body></html>`;
  const server = createServer((req, res) => res.writeHead(200, { "content-type": "text/html" }).end(html));
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const context = await browser.newContext();
  try {
    const page = await visit(browser, origin + "/", { context });
    await openChat(page);
    const text = unique("cross-origin hello ");
    await say(page, text);
    const token = (await context.cookies(origin)).find((c) => c.name === COOKIE)?.value;
    const own = await call("GET", "/api/widget/conversation", { token });
    assert.deepEqual(own.body.messages.map((m) => m.body), [text]);
    assert.deepEqual(page.logged, []);
  } finally {
    await context.close();
    server.close();
  }
});
