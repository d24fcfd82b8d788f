// The inbox's search and paging in real Chromium against the real worker: a
// word from the middle of a thread is found and shown in its snippet, marked,
// with the message's text as text (never HTML); "Load more" pages the list and
// a search to their ends with no conversation twice.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { KEY, call, newVisitor, sendChat, sql, unique, launchChromium, signInToInbox } from "./helpers.mjs";

let browser;
before(async () => {
  browser = await launchChromium();
});
after(() => browser?.close());

const ids = (page) => page.$$eval("#list button[data-id]", (buttons) => buttons.map((b) => b.dataset.id));

test("in Chromium: a search finds a word from the middle of a thread and shows it marked, as text", async () => {
  const w = unique("needle");
  const token = await newVisitor();
  for (const body of ["Hello there", `Hi <img src=x onerror="window.__pwned = 1"> my parcel ${w} <b>never</b> came`, "Anyone?"]) {
    assert.equal((await sendChat(token, body)).status, 201);
  }
  const { conversation_id: id } = (await call("GET", "/api/widget/conversation", { token })).body;
  await call("POST", `/api/conversations/${id}/messages`, { token: KEY, json: { body: "Looking into it.", channel: "chat" } });

  const page = await signInToInbox(await browser.newContext());
  await page.fill("#f-q", w);
  const hit = page.locator(`#list button[data-id="${id}"]`);
  await hit.locator("mark", { hasText: w }).waitFor();
  assert.deepEqual(await ids(page), [id]);
  assert.deepEqual(await hit.locator("mark").allTextContents(), [w]);
  const snippet = await hit.locator(".snippet").textContent();
  assert.equal(snippet, `Hi <img src=x onerror="window.__pwned = 1"> my parcel ${w} <b>never</b> came`);
  assert.equal(await page.locator("#list img, #list b").count(), 0, "the message's markup stays text");
  assert.equal(await page.evaluate(() => window.__pwned), undefined);

  // Opening the hit shows the thread at the message that matched, marked.
  await hit.click();
  await page.locator("#thread", { hasText: "Looking into it." }).waitFor();
  const matched = (await call("GET", `/api/conversations/${id}`, { token: KEY })).body.messages[1];
  assert.deepEqual(await page.$$eval("#messages .msg.found", (boxes) => boxes.map((b) => b.dataset.id)), [matched.id]);
  const inView = await page.$eval("#messages .msg.found", (box) => {
    const [outer, inner] = [box.parentElement.getBoundingClientRect(), box.getBoundingClientRect()];
    return inner.top >= outer.top && inner.bottom <= outer.bottom;
  });
  assert.equal(inView, true, "scrolled into view");
  await page.fill("#f-q", "");
  // Without a search, the list is back: no snippets, the conversation's newest message as its preview.
  await hit.locator(".preview", { hasText: "Looking into it." }).waitFor();
  assert.equal(await page.locator("#list mark").count(), 0);
  assert.deepEqual(page.errors, []);
});

test("in Chromium: 'Load more' pages the list and a search to their ends, no conversation twice", async () => {
  // 130 old conversations (at the list's end), each with a message holding the same word.
  const tag = unique("bulk");
  await sql(`INSERT INTO conversations (id, site_id, channel, started_at, last_message_at)
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 130)
      SELECT 'c_${tag}_' || i, 's_demo', 'email', 1000 + i, 1000 + i FROM n;
    INSERT INTO messages (id, conversation_id, site_id, direction, author, body, created_at)
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 130)
      SELECT 'm_${tag}_' || i, 'c_${tag}_' || i, 's_demo', 'inbound', 'contact', 'Question ' || i || ' about ${tag}', 1000 + i FROM n;`);
  const [{ open }] = await sql(`SELECT count(*) AS open FROM conversations WHERE account_id = 'a_demo' AND status = 'open' AND spam_at IS NULL`);
  assert.ok(open > 130);

  const page = await signInToInbox(await browser.newContext());
  await page.locator("#load-more").waitFor();
  assert.equal((await ids(page)).length, 100, "a first page of 100");
  while (await page.locator("#load-more").count()) {
    const before = (await ids(page)).length;
    await page.click("#load-more");
    await page.waitForFunction((n) => document.querySelectorAll("#list button[data-id]").length > n, before);
  }
  const listed = await ids(page);
  assert.equal(listed.length, open, "every open conversation, to the end");
  assert.equal(new Set(listed).size, listed.length, "none twice");
  assert.deepEqual(listed.slice(-3), [`c_${tag}_3`, `c_${tag}_2`, `c_${tag}_1`], "oldest last");

  await page.fill("#f-q", tag);
  await page.waitForFunction(() => document.querySelectorAll("#list button[data-id]").length === 100 && document.querySelectorAll("#list mark").length === 100);
  await page.click("#load-more");
  await page.waitForFunction(() => document.querySelectorAll("#list button[data-id]").length === 130);
  const found = await ids(page);
  assert.equal(new Set(found).size, 130);
  assert.ok(found.every((id) => id.startsWith(`c_${tag}_`)));
  assert.equal(await page.locator("#load-more").count(), 0, "the search's end");
  assert.equal(await page.locator("#list mark", { hasText: tag }).count(), 130);
  assert.deepEqual(page.errors, []);
});
