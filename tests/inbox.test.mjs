// The first-cut inbox page in real Chromium: an agent opens it with an API key
// and reads a visitor's chat, rendered as text.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { URL_, KEY, newVisitor, sendChat, unique } from "./helpers.mjs";

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"],
});
after(() => browser.close());

test("the inbox page may run only its own scripts and is never framed", async () => {
  const res = await fetch(URL_ + "/inbox.html");
  assert.match(res.headers.get("content-security-policy"), /default-src 'self'.*frame-ancestors 'none'/);
});

test("an agent opens the inbox with an API key and reads a chat as text", async () => {
  const text = `<script>window.__pwned=1</script> ${unique("teapot ")}`;
  await sendChat(await newVisitor(), text);

  const page = await browser.newPage();
  await page.goto(URL_ + "/inbox.html");
  await page.fill("#key", "pk_wrong");
  const [refused] = await Promise.all([
    page.waitForResponse((r) => r.url().includes("/api/conversations")),
    page.click("text=Open inbox"),
  ]);
  assert.equal(refused.status(), 401);
  assert.equal(await page.locator("#signin").isVisible(), true);
  assert.equal(await page.locator("#inbox").isVisible(), false, "a wrong key opens nothing");

  await page.fill("#key", KEY);
  await page.click("text=Open inbox");
  await page.locator("#inbox").waitFor();
  assert.equal(await page.locator("#signin").isVisible(), false);
  const entry = page.locator(".list button", { hasText: text });
  await entry.click();
  const body = page.locator(".thread .msg .body");
  assert.equal(await body.textContent(), text);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  await page.close();
});
