// Proactive messages (issue 26): the primary admin's routes (validation, the
// limit of 20, other accounts), the bubble module's rules against the shared
// cases, and the widget on host pages in real Chromium: a message targeted at
// a page shows there after its time on page and not elsewhere, writes nothing
// when it shows (no cookie, no storage, no request, no visitor row), opens the
// chat with its text as the bot's first line, and the reply starts the
// conversation with that line stored first and counted once, retries and races
// included. Axe on the bubble and on Settings › Proactive messages; keyboard.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import {
  KEY, URL_, call, eventually, newVisitor, otherAccount, sendChat, sendFromWidget, signInToInbox, sql, thread, unique, visit,
  visitorToken, widgetView, browserAndHostPages,
} from "./helpers.mjs";
import { axeViolations } from "./axe.mjs";

const pages = browserAndHostPages();

/** A message's fields, with `over` changed. */
const message = (over = {}) => ({ text: "Need help choosing a tea?", url: "/*", delay_seconds: 1, audience: "all", language: "any", frequency: "page", ...over });
/** Adds a message to the site `on`; answers the stored message. */
async function add(over, on) {
  const res = await call("POST", `/api/sites/${on}/proactive`, { token: KEY, json: message(over) });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}
/** The site's messages, by id. */
async function stored(on) {
  const res = await call("GET", `/api/sites/${on}/proactive`, { token: KEY });
  assert.equal(res.status, 200);
  return Object.fromEntries(res.body.messages.map((m) => [m.id, m]));
}
/** A new site of the demo account, for one test's messages alone (no test sees another's). */
async function newSite() {
  const res = await call("POST", "/api/sites", { token: KEY, json: { name: unique("Proactive shop ") } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id;
}
const opened = (token, json) => call("POST", "/api/widget/proactive", { token, json });
const visitorRows = async (on) => (await sql(`SELECT COUNT(*) AS n FROM visitors WHERE site_id = '${on}'`))[0].n;
/** The bubble on a page, by its text (in the facade's shadow root). */
const bubble = (page, text) => page.locator(".pb", { hasText: text });
/** The path of a host page's URL. */
const pathOf = (url) => new URL(url).pathname;

test("the bubble module's matcher and picker answer every shared case as shared::proactive does", async () => {
  globalThis.document = { cookie: "" }; // the module reads cookies only when it runs on a page
  const { pick, glob } = await import("../widget/bubble.js");
  const cases = JSON.parse(readFileSync(new URL("./proactive-cases.json", import.meta.url), "utf8"));
  assert.ok(cases.length >= 20);
  for (const c of cases) {
    const picked = pick(c.messages, c.path, c.href, c.returning, c.fr, c.today, c.seen);
    assert.equal(picked, c.picked ?? -1, c.name);
  }
  assert.equal(glob("/a.b*", "/aXb"), false, "a dot is a dot");
  assert.equal(glob("/(x)[y]$", "/(x)[y]$"), true, "regex characters stand for themselves");
});

test("the admin's routes check every field, keep 20 per site, and replace, disable and delete", async () => {
  const on = await newSite();
  const refusals = [
    [{ text: " " }, 400, "proactive_text_invalid"],
    [{ text: "x".repeat(501) }, 400, "proactive_text_invalid"],
    [{ url: "pricing" }, 400, "proactive_url_invalid"],
    [{ url: "/a b" }, 400, "proactive_url_invalid"],
    [{ url: "javascript:alert(1)" }, 400, "proactive_url_invalid"],
    [{ delay_seconds: 3601 }, 400, "proactive_delay_invalid"],
    [{ audience: "everyone" }, 400, undefined],
    [{ frequency: "hourly" }, 400, undefined],
    [{ extra: 1 }, 400, undefined],
  ];
  for (const [over, status, code] of refusals) {
    const res = await call("POST", `/api/sites/${on}/proactive`, { token: KEY, json: message(over) });
    assert.equal(res.status, status, JSON.stringify(over));
    if (code) assert.equal(res.body.error.code, code);
    assert.ok(res.body.error.message.length > 10, "a readable reason");
  }
  assert.deepEqual(await stored(on), {}, "nothing written by a refusal");

  const first = await add({ text: "  Hello there  ", url: "https://shop.example/pricing?*" }, on);
  assert.deepEqual([first.text, first.url, first.enabled, first.replied, first.started], ["Hello there", "https://shop.example/pricing?*", true, 0, 0]);
  const changed = await call("PUT", `/api/sites/${on}/proactive/${first.id}`, { token: KEY, json: message({ text: "Changed", enabled: false, frequency: "once" }) });
  assert.equal(changed.status, 200);
  assert.deepEqual([changed.body.text, changed.body.enabled, changed.body.frequency], ["Changed", false, "once"]);
  const config = async () => (await call("GET", `/api/widget/sites/${on}/config`)).body.proactive;
  assert.deepEqual(await config(), [], "a disabled message is not in the widget's config");
  await call("PUT", `/api/sites/${on}/proactive/${first.id}`, { token: KEY, json: message({ text: "Changed" }) });
  assert.deepEqual(await config(), [{ id: first.id, text: "Changed", url: "/*", delay_seconds: 1, audience: "all", language: "any", frequency: "page" }],
    "the config lists what the page needs to decide, never the counts");

  for (let i = 1; i < 20; i++) await add({ text: `Message ${i}` }, on);
  const full = await call("POST", `/api/sites/${on}/proactive`, { token: KEY, json: message() });
  assert.deepEqual([full.status, full.body.error.code], [409, "proactive_full"]);
  assert.equal(Object.keys(await stored(on)).length, 20);
  assert.equal((await call("DELETE", `/api/sites/${on}/proactive/${first.id}`, { token: KEY })).status, 200);
  assert.equal((await call("DELETE", `/api/sites/${on}/proactive/${first.id}`, { token: KEY })).status, 404, "gone");
  await add({}, on); // room again
});

test("one account never reads or changes another's messages", async () => {
  const site = await newSite();
  const mine = await add({ text: "Ours" }, site);
  const other = await otherAccount({ site: true });
  const theirs = await call("POST", `/api/sites/${other.site}/proactive`, { token: other.key, json: message({ text: "Theirs" }) });
  assert.equal(theirs.status, 201);
  for (const [method, path, json] of [
    ["GET", `/api/sites/${site}/proactive`],
    ["POST", `/api/sites/${site}/proactive`, message()],
    ["PUT", `/api/sites/${site}/proactive/${mine.id}`, message({ text: "Taken" })],
    ["DELETE", `/api/sites/${site}/proactive/${mine.id}`],
    ["PUT", `/api/sites/${other.site}/proactive/${mine.id}`, message({ text: "Taken" })],
    ["DELETE", `/api/sites/${other.site}/proactive/${mine.id}`],
  ]) {
    const res = await call(method, path, { token: other.key, json });
    assert.equal(res.status, 404, `${method} ${path}`);
  }
  assert.equal((await stored(site))[mine.id].text, "Ours");
  assert.equal((await call("GET", `/api/sites/${other.site}/proactive`, { token: KEY })).status, 404);
  assert.equal((await call("DELETE", `/api/sites/${other.site}/proactive/${theirs.body.id}`, { token: KEY })).status, 404);
  // A visitor of one site cannot attach another site's message, nor a disabled one.
  const token = await newVisitor(site);
  assert.deepEqual((await opened(token, { message_id: theirs.body.id })).body.error.code, "proactive_unknown");
  await call("PUT", `/api/sites/${site}/proactive/${mine.id}`, { token: KEY, json: message({ text: "Ours", enabled: false }) });
  assert.equal((await opened(token, { message_id: mine.id })).status, 400);
  assert.equal((await opened(null, { message_id: mine.id })).status, 401);
});

/** The bot line and reply of the visitor's conversation, as the inbox reads it. */
async function lines(token) {
  const { conversation_id } = await widgetView(token);
  return (await thread(conversation_id)).messages.map((m) => [m.author, m.body]);
}

test("a reply counts once under retried and raced sends: an open before the reply (a returning visitor)", async () => {
  const on = await newSite();
  const m = await add({ text: unique("Returning? ") }, on);
  const token = await newVisitor(on); // it wrote before: the cookie exists when the bubble is clicked
  assert.equal((await opened(token, { message_id: m.id })).status, 204);
  const clientId = randomUUID();
  const reply = unique("yes ");
  const sends = await Promise.all([1, 2, 3, 4].map(() => sendChat(token, reply, clientId)));
  assert.deepEqual(sends.map((s) => s.status).sort(), [200, 200, 200, 201]);
  assert.equal((await sendChat(token, "and another thing")).status, 201, "a later message is plain");
  assert.deepEqual(await lines(token), [["bot", m.text], ["visitor", reply], ["visitor", "and another thing"]]);
  assert.deepEqual([(await stored(on))[m.id].replied, (await stored(on))[m.id].started], [1, 1]);
});

test("a reply counts once under retried and raced sends: the new visitor's open and first message race", async () => {
  const on = await newSite();
  const m = await add({ text: unique("New here? ") }, on);
  for (let round = 0; round < 4; round++) {
    const token = await newVisitor(on);
    const clientId = randomUUID();
    const reply = unique("hello ");
    // The widget sends the message while the bubble module says the chat opened from the message: either may land first.
    const racers = [() => sendChat(token, reply, clientId), () => opened(token, { message_id: m.id, replied: true })];
    if (round % 2) racers.reverse();
    const answers = await Promise.all([...racers, ...racers].map((f) => f()));
    assert.ok(answers.every((a) => a.status < 300), answers.map((a) => a.status).join());
    assert.deepEqual(await lines(token), [["bot", m.text], ["visitor", reply]], `round ${round}`);
  }
  const counted = (await stored(on))[m.id];
  assert.deepEqual([counted.replied, counted.started], [4, 4]);
  // A reply into a conversation that already exists counts as replied, not as started.
  const token = await newVisitor(on);
  await sendChat(token, "first");
  assert.equal((await opened(token, { message_id: m.id })).status, 204);
  await sendChat(token, "second, after the bubble");
  assert.deepEqual(await lines(token), [["visitor", "first"], ["bot", m.text], ["visitor", "second, after the bubble"]]);
  const after = (await stored(on))[m.id];
  assert.deepEqual([after.replied, after.started], [5, 4]);
});

test("a message shows on its page after its time on page, not on another; showing writes nothing; the reply starts the conversation", async () => {
  const site = await newSite();
  const [pageA, pageB] = [pages.hosts.page(site), pages.hosts.page(site)];
  const forA = await add({ text: unique("Need help choosing a tea? "), url: pathOf(pageA), delay_seconds: 1 }, site);
  // Tried after forA: it shows only where forA does not apply (one bubble per page).
  const forB = await add({ text: unique("Looking for gifts? "), url: "/*", delay_seconds: 2 }, site);
  const rows = await visitorRows(site);

  const b = await visit(pages.browser, pageB);
  await bubble(b, forB.text).waitFor();
  assert.equal(await bubble(b, forA.text).count(), 0, "the message targeted at another page never showed");
  await b.context().close();

  const a = await visit(pages.browser, pageA);
  const shown = Date.now();
  await bubble(a, forA.text).waitFor();
  assert.ok(await a.evaluate(() => performance.now()) >= 1000, "not before its time on page");
  assert.equal(await bubble(a, forB.text).count(), 0);
  assert.deepEqual(await a.context().cookies(), [], "no cookie");
  assert.deepEqual(await a.evaluate(() => [localStorage.length, sessionStorage.length]), [0, 0], "no storage");
  assert.deepEqual(a.posts, [], "no request wrote anything");
  assert.equal(await visitorRows(site), rows, "no visitor row");
  assert.deepEqual(await axeViolations(a, "body"), [], "the bubble is axe-clean");
  assert.ok(Date.now() - shown < 60_000);

  // A click opens the chat with the message as the bot's first line.
  await bubble(a, forA.text).locator(".po").click();
  await a.locator(".panel").waitFor({ state: "visible" });
  assert.equal(await a.locator("li.theirs .body").first().textContent(), forA.text);
  assert.equal(await bubble(a, forA.text).count(), 0, "the bubble went");
  assert.deepEqual(await a.context().cookies(), [], "opening is not writing: still no cookie");
  const reply = unique("Yes, a green one ");
  await sendFromWidget(a, reply);
  const token = await visitorToken(a, pages.hosts.origin);
  assert.ok(token, "the reply made the visitor");
  assert.equal(await visitorRows(site), rows + 1);
  await eventually(async () => JSON.stringify(await lines(token)) === JSON.stringify([["bot", forA.text], ["visitor", reply]]),
    { what: "the bot line before the reply" });
  await eventually(async () => (await stored(site))[forA.id].replied === 1);
  // A retried send of the same message, and the module's call again, count nothing more.
  const own = (await widgetView(token)).messages.find((m) => m.body === reply);
  assert.equal((await sendChat(token, reply, own.client_message_id)).status, 200);
  assert.equal((await opened(token, { message_id: forA.id, replied: true })).status, 204);
  const counted = (await stored(site))[forA.id];
  assert.deepEqual([counted.replied, counted.started], [1, 1]);
  assert.deepEqual(await lines(token), [["bot", forA.text], ["visitor", reply]]);
  assert.deepEqual(a.errors, []);
  await a.context().close();
});

test("the bubble by keyboard: Tab reaches it, Enter opens the chat, Escape dismisses it; a returning visitor's daily cap", async () => {
  const on = await newSite();
  const url = pages.hosts.page(on);
  const daily = await add({ text: unique("Welcome back! "), audience: "returning", frequency: "day", delay_seconds: 0 }, on);
  const fallback = await add({ text: unique("Anything else? "), audience: "all", frequency: "page", delay_seconds: 1 }, on);
  const token = await newVisitor(on);
  const cookies = [{ name: "parley_visitor", value: token, url }];

  const first = await visit(pages.browser, url, { cookies });
  await bubble(first, daily.text).waitFor();
  await first.keyboard.press("Tab");
  assert.equal(await first.evaluate(() => document.querySelector("parley-chat").shadowRoot.activeElement?.textContent), daily.text,
    "the bubble comes first in the tab order, before the launcher");
  await first.keyboard.press("Enter");
  await first.locator(".panel").waitFor({ state: "visible" });
  const seen = (await first.context().cookies()).find((c) => c.name === "parley_proactive");
  assert.match(seen?.value ?? "", new RegExp(`^${daily.id}\\.\\d+$`), "the visitor who has the cookie gets a record of the day it showed");
  // The same browser, the next page: capped for today, so the next message applies.
  const again = await visit(pages.browser, url, { context: first.context() });
  await bubble(again, fallback.text).waitFor();
  assert.equal(await bubble(again, daily.text).count(), 0);
  await again.keyboard.press("Tab");
  await again.keyboard.press("Escape");
  await bubble(again, fallback.text).waitFor({ state: "detached" });
  assert.equal(await again.evaluate(() => document.querySelector("parley-chat").shadowRoot.activeElement?.className), "launcher right",
    "the focus the bubble held goes to the launcher");
  await first.context().close();

  // A new visitor: only the page's view caps it, and nothing is recorded.
  const fresh = await visit(pages.browser, url);
  await bubble(fresh, fallback.text).waitFor();
  await fresh.locator(".px").click();
  await bubble(fresh, fallback.text).waitFor({ state: "detached" });
  const reload = await visit(pages.browser, url, { context: fresh.context() });
  await bubble(reload, fallback.text).waitFor();
  assert.deepEqual(await fresh.context().cookies(), []);
  await fresh.context().close();
});

test("Settings › Proactive messages: an edit begun while Settings still loads its other parts is not redrawn away", async () => {
  const site = await newSite();
  await add({ url: "/tea*" }, site);
  const context = await pages.browser.newContext();
  const inbox = await signInToInbox(context);
  // The automations are among the last parts Settings loads: hold their answer until the edit is made.
  let release;
  const held = new Promise((r) => (release = r));
  await inbox.route("**/automations", async (route) => {
    await held;
    await route.continue();
  });
  await inbox.locator("#to-settings").click();
  await inbox.selectOption("#s-site", site);
  const url = inbox.locator("#pm-list input[id]").first();
  await eventually(async () => (await url.count()) === 1 && (await url.inputValue()) === "/tea*", { what: "the site's message listed" });
  await url.fill("/tea/green*");
  const answered = inbox.waitForResponse((r) => r.url().includes("/automations"));
  release();
  await answered;
  await inbox.waitForLoadState("networkidle"); // whatever Settings loads after the automations has loaded
  assert.equal(await inbox.locator("#pm-list input[id]").first().inputValue(), "/tea/green*", "the edit stays after the last part loaded");
  await context.close();
});

test("Settings › Proactive messages: added by keyboard, listed with their counts, axe-clean", async () => {
  const site = await newSite();
  const context = await pages.browser.newContext({ bypassCSP: true }); // axe is injected as a script
  const inbox = await signInToInbox(context);
  await inbox.locator("#to-settings").click();
  await inbox.locator("#pm-form textarea").waitFor();
  await inbox.selectOption("#s-site", site);
  await inbox.locator("#pm-count").filter({ hasText: "0 of 20" }).waitFor();
  const text = unique("Free shipping over 40 €? ");
  await inbox.locator("#pm-form textarea").focus();
  await inbox.keyboard.type(text);
  await inbox.keyboard.press("Tab");
  await inbox.keyboard.type("/tea*");
  await inbox.keyboard.press("Tab");
  await inbox.keyboard.press("Control+A");
  await inbox.keyboard.type("15");
  await inbox.keyboard.press("Enter"); // submits the form
  let refusal = "";
  await eventually(async () => {
    refusal = await inbox.locator("#pm-error").textContent();
    return (await inbox.locator("#pm-count").textContent()) === "1 of 20 messages.";
  }, { what: () => `the message added by keyboard (refusal shown: "${refusal}")` });
  const saved = Object.values(await stored(site));
  assert.deepEqual(saved.map((m) => [m.text, m.url, m.delay_seconds, m.enabled]), [[text, "/tea*", 15, true]]);
  await inbox.locator("#pm-list li").filter({ hasText: "Replies: 0 · Conversations started: 0 · Shown: not collected" }).waitFor();
  // A refusal says why, by the list.
  await inbox.locator("#pm-list input[id]").first().fill("no-slash");
  await inbox.locator("#pm-list button[type=submit]").first().click();
  await inbox.locator("#pm-error").filter({ hasText: "starts with /" }).waitFor();
  // As the a11y suite checks Settings: every section open.
  for (const summary of await inbox.locator("#settings summary").all()) await summary.click();
  assert.deepEqual(await axeViolations(inbox, "#settings"), []);
  await context.close();
});
