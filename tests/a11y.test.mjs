// WCAG 2.2 AA in real Chromium (DEVELOPERS.md): axe-core (tests/axe.mjs) finds
// nothing in the widget's panel on a host page (greeting with the team's
// presence note, the Form, a thread with a file) nor in the inbox's views as a
// whole (sign-in, the list with its filters, a chat thread, an email thread
// with its folds opened, the contact profile with stated values and its Edit
// form open, Settings with every section, saved replies, signature; the
// composer in Chat, Email and Note modes, a thread with notes and trail
// events, the Mentions view, the keyboard shortcuts' dialog, Reports), the
// refusal a blocked visitor sees, and the
// new controls work by real key presses: Edit details (open, type, save,
// Escape), the API key role select, the folds.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  URL_, KEY, call, newVisitor, sendChat, agentGet, deliverMail, spfPass, unique, MAILBOX, browserAndHostPages, signInToInbox,
} from "./helpers.mjs";
import { axeViolations } from "./axe.mjs";

const pages = browserAndHostPages();
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

/** A new browser profile (axe is injected as a script, so the page's CSP is bypassed). */
const newContext = () => pages.browser.newContext({ bypassCSP: true });

/** Presses Tab (at most `max` times) until `selector` has the focus: the control is reached by keyboard alone. */
async function tabTo(page, selector, max = 150) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press("Tab");
  }
  assert.fail(`${selector} is not reached by Tab`);
}

/** A recorder of axe's findings, view by view: `check(page, view)` adds them; `found` lists them all. */
function axeLog() {
  const found = [];
  const check = async (page, view) => found.push(...(await axeViolations(page, "body")).map((v) => `${view}: ${v}`));
  return { found, check };
}

test("the widget's panel on a host page: greeting with presence, the Form, a thread with a file", async () => {
  const config = (await call("GET", "/api/widget/sites/s_demo/config")).body;
  const offline = config.offline || "Nobody is online right now. Leave your email and we will reply by email.";
  const { found, check } = axeLog();
  const context = await newContext();
  const page = await context.newPage();
  await page.goto(pages.hosts.page("s_demo"));
  await page.locator(".launcher").focus();
  await page.keyboard.press("Enter");
  await page.locator("li.theirs", { hasText: config.greeting }).waitFor();
  await page.locator("li.theirs", { hasText: offline }).waitFor();
  await page.locator("#parley-f-email").waitFor();
  await check(page, "greeting, presence note and the Form");

  await page.locator("#parley-f-email").focus();
  await page.keyboard.type(`a11y+${unique("")}@example.com`);
  await page.keyboard.press("Enter");
  await page.locator(".form-slot", { hasText: "Thanks!" }).waitFor();
  await check(page, "the Form answered");

  await page.locator(".clip input[type=file]").setInputFiles({ name: "receipt.png", mimeType: "image/png", buffer: PNG });
  await page.locator("li.mine", { hasText: "📎 receipt.png" }).waitFor();
  await check(page, "a thread with a file");

  // Blocked (its conversation marked as spam): what it writes is refused, and says so.
  const token = (await context.cookies()).find((c) => c.name === "parley_visitor").value;
  const conversation = (await call("GET", "/api/widget/conversation", { token })).body.conversation_id;
  const mark = (spam) => call("PATCH", `/api/conversations/${conversation}`, { token: KEY, json: { spam } });
  assert.equal((await mark(true)).status, 200);
  await page.locator("#parley-input").focus();
  await page.keyboard.type("still there?");
  await page.keyboard.press("Enter");
  await page.locator("li.mine.failed", { hasText: "still there?" }).waitFor();
  await check(page, "the blocked visitor's refused message");
  assert.equal((await mark(false)).status, 200);
  await context.close();
  assert.deepEqual(found, []);
});

test("the widget's panel on a phone: greeting, presence note and the Form", async () => {
  const { found, check } = axeLog();
  const context = await pages.browser.newContext({ bypassCSP: true, viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await page.goto(pages.hosts.page("s_form_a"));
  await page.locator(".launcher").tap();
  await page.locator("li.theirs").first().waitFor();
  await page.locator("#parley-f-email").waitFor();
  await check(page, "on a phone");
  await context.close();
  assert.deepEqual(found, []);
});

/** A chat whose visitor stated a name and company through the Form (unverified), as agents see it. */
async function statedChat() {
  const token = await newVisitor("s_form_a");
  assert.equal((await sendChat(token, "hello from a11y")).status, 201);
  const name = `Stated ${unique("")}`;
  const res = await call("POST", "/api/widget/contact", { token, json: { email: `${unique("st")}@example.org`, full_name: name, company: "Claimed Ltd" } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return name;
}

/** Verified mail with a Cc and a signature the worker folds. */
async function signedMail() {
  const tag = unique("fold");
  const from = `${tag}@example.org`;
  const raw = [
    spfPass("example.org"),
    `From: "Fern Fold" <${from}>`,
    `To: ${MAILBOX}`,
    `Cc: copy+${tag}@example.org`,
    `Subject: Folded ${tag}`,
    "Date: Sat, 21 Nov 2026 09:15:00 +0000",
    `Message-ID: <${tag}@example.org>`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    "Where is my parcel?",
    "",
    "-- ",
    "Fern Fold",
    "Head of Parcels, Example Org",
    "",
  ].join("\r\n");
  await deliverMail(raw, { from, to: MAILBOX });
  return tag;
}

test("the inbox's views pass axe, and the new controls work by keyboard", async () => {
  const name = await statedChat();
  const tag = await signedMail();
  const { found, check } = axeLog();
  const context = await newContext();
  const admin = await context.newPage();
  admin.errors = [];
  admin.on("pageerror", (e) => admin.errors.push(String(e)));
  await admin.goto(URL_ + "/inbox.html");
  await admin.locator("#signin").waitFor();
  await check(admin, "sign-in");
  await admin.close();
  const agent = await signInToInbox(context);

  await agent.locator("#list button").first().waitFor();
  await agent.selectOption("#f-status", "");
  await agent.locator("#list button", { hasText: name }).waitFor();
  await check(agent, "the list with its filters");

  // A chat thread with a stated name; its profile's Edit details by keyboard.
  await agent.locator("#list button", { hasText: name }).focus();
  await agent.keyboard.press("Enter");
  await agent.locator("#profile .stated").first().waitFor();
  await agent.locator("#thread .warn", { hasText: "name not verified" }).waitFor();
  await check(agent, "a chat thread, its profile with stated values");
  await tabTo(agent, "#edit-contact");
  await agent.keyboard.press("Enter");
  assert.equal(await agent.locator("#edit-contact").getAttribute("aria-expanded"), "true");
  assert.equal(await agent.evaluate(() => document.activeElement?.id), "ce-phone", "the form takes the focus");
  await check(agent, "the Edit form open");
  await agent.keyboard.type("typed, then cancelled");
  await agent.keyboard.press("Escape");
  assert.equal(await agent.locator("#contact-edit").isHidden(), true, "Escape closes the form");
  assert.equal(await agent.locator("#ce-phone").inputValue(), "", "and drops what was typed");
  assert.equal(await agent.evaluate(() => document.activeElement?.id), "edit-contact", "and gives the focus back");
  await agent.keyboard.press("Enter");
  await agent.keyboard.type("+44 20 7183 8750");
  await agent.keyboard.press("Enter");
  await agent.locator("#profile dd", { hasText: "+442071838750" }).waitFor(); // stored normalized, shown at once
  await agent.locator("#edit-contact:focus").waitFor(); // the focus stays on the profile's button
  await check(agent, "the profile after the edit");

  // An email thread with a Cc line and its signature folded, opened by keyboard.
  await agent.locator("#f-q").fill(tag);
  await agent.locator("#list button", { hasText: "Fern Fold" }).click();
  await agent.locator("#thread .thread-cc").waitFor();
  await tabTo(agent, "#messages details:not([open]) > summary");
  assert.equal(await agent.evaluate(() => document.activeElement.textContent), "Show signature");
  await agent.keyboard.press("Enter");
  await agent.locator("#thread details[open]", { hasText: "Head of Parcels" }).waitFor();
  await check(agent, "an email thread with its fold open");

  await agent.locator("#to-replies").click();
  await agent.locator("#sr-form").waitFor();
  await check(agent, "saved replies");
  await agent.locator("#to-signature").click();
  await agent.locator("#sig-own:enabled").waitFor();
  await check(agent, "signature");

  // Settings, every section; an API key made by keyboard with the admin role.
  await agent.locator("#to-settings").click();
  await agent.locator("#t-csp").filter({ hasText: "script-src" }).waitFor();
  await agent.locator("#t-snippet").filter({ hasText: "loader.js" }).waitFor();
  for (const summary of await agent.locator("#settings summary").all()) await summary.click();
  await check(agent, "Settings");
  const label = unique("key");
  await tabTo(agent, "#k-label", 400);
  await agent.keyboard.type(label);
  await agent.keyboard.press("Tab");
  assert.equal(await agent.evaluate(() => document.activeElement?.id), "k-role");
  await agent.keyboard.press("ArrowDown");
  assert.equal(await agent.locator("#k-role").inputValue(), "admin", "the role changes by arrow key");
  await agent.keyboard.press("Tab");
  await agent.keyboard.press("Enter");
  await agent.locator("#k-once:not([hidden])").waitFor();
  const made = (await call("GET", "/api/api-keys", { token: KEY })).body.keys.find((k) => k.label === label);
  assert.equal(made?.role, "admin");
  await check(agent, "Settings with a new key shown");
  assert.deepEqual(agent.errors, []);
  await context.close();
  assert.equal((await call("DELETE", `/api/api-keys/${made.id}`, { token: KEY })).status < 300, true, "the key is revoked again");
  assert.deepEqual(found, []);
});


test("every id in the inbox's page is used once (labels, aria references and each view's messages find their own element)", async () => {
  const context = await newContext();
  const page = await context.newPage();
  await page.goto(URL_ + "/inbox.html");
  await page.locator("#signin").waitFor();
  const repeated = await page.evaluate(() => {
    const seen = new Map();
    for (const el of document.querySelectorAll("[id]")) seen.set(el.id, (seen.get(el.id) ?? 0) + 1);
    return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
  });
  await context.close();
  // "a-error" was Account's and Automations' both, so an automation's error showed under the time zone.
  assert.deepEqual(repeated, []);
});

test("the composer in every mode, a thread with notes and trail events, the Mentions view and the shortcuts' dialog pass axe", async () => {
  const tag = await signedMail();
  const { token, conversation: chat } = await (async () => {
    const t = await newVisitor();
    const sent = await sendChat(t, `a11y trail ${unique("")}`);
    return { token: t, conversation: sent.body.message.conversation_id };
  })();
  // Events of every kind the thread draws: a label on and off, a snooze and its wake by the reply, a close and a reopen, a note.
  const made = await call("POST", "/api/labels", { token: KEY, json: { name: unique("A11y "), colour: "#facc15" } });
  const change = (path, method, json) => call(method, `/api/conversations/${chat}${path}`, { token: KEY, json });
  for (const [path, method, json] of [["/labels", "PATCH", { add: [made.body.id] }], ["/snooze", "PUT", { until_reply: true }]]) {
    assert.equal((await change(path, method, json)).status, 200);
  }
  assert.equal((await sendChat(token, "awake again")).status, 201);
  for (const json of [{ status: "closed" }, { status: "open" }]) assert.equal((await change("", "PATCH", json)).status, 200);
  assert.equal((await change("/notes", "POST", { body: "@Robin Ash please check the refund" })).status, 201);
  assert.equal((await change("/labels", "PATCH", { remove: [made.body.id] })).status, 200);

  const { found, check } = axeLog();
  const context = await newContext();
  const agent = await signInToInbox(context);
  await agent.locator("#list button", { hasText: "awake again" }).click();
  await agent.locator("#messages .note").waitFor();
  await agent.locator("#messages .event.woke_by_reply").waitFor();
  await agent.locator("#via-chat:checked").waitFor();
  await check(agent, "a chat thread with a note and trail events, the composer in Chat mode");
  await agent.locator("#via-note").check();
  await agent.locator("#composer.noting").waitFor();
  await check(agent, "the composer in Note mode");

  await agent.locator("#f-q").fill(tag);
  await agent.locator("#list button", { hasText: `Folded ${tag}` }).click();
  await agent.locator("#via-email:checked").waitFor();
  await agent.locator("#reply-cc").waitFor();
  await check(agent, "the composer in Email mode");

  await agent.locator("#to-mentions").click();
  await agent.locator("#mentions-list li").first().waitFor();
  await check(agent, "the Mentions view");

  await agent.locator("#to-inbox").click();
  await agent.locator("#list button").first().waitFor();
  await agent.evaluate(() => /** @type {HTMLElement} */ (document.activeElement)?.blur());
  await agent.keyboard.press("?");
  await agent.locator("#keys-close:focus").waitFor();
  await check(agent, "the keyboard shortcuts' dialog");
  await context.close();
  assert.deepEqual(found, []);
});

test("the Reports view passes axe: controls, totals, charts with their data tables open, the heat map, the agents' table", async () => {
  assert.equal((await sendChat(await newVisitor(), `a11y report ${unique("")}`)).status, 201); // something to chart
  const { found, check } = axeLog();
  const context = await newContext();
  const agent = await signInToInbox(context);
  await agent.locator("#to-reports").click();
  await agent.locator("#reports[aria-busy=false] .report-chart canvas").first().waitFor();
  await check(agent, "the Reports view");
  for (const summary of await agent.locator("#reports summary").all()) await summary.click();
  await agent.locator('input[name=r-range][value="custom"]').check();
  await agent.locator("#r-from:focus").waitFor();
  await check(agent, "the Reports view with its data tables open and a custom range");
  await context.close();
  assert.deepEqual(found, []);
});
