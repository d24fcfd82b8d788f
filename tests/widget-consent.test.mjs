// No cookie and no visitor before the visitor writes (issue 19, finding 9), in
// real Chromium against the real worker: a panel that is open and fully ready
// (greeting, the team's presence, the Form) leaves no cookie and no visitor
// row; writing a message, sending a file, answering the Form, or the host
// page's identify() makes exactly one of each. And on a phone with the team
// away, the first message is stored at once beside the Form's email question,
// and a browser that leaves without an email comes back to the same conversation.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { URL_, KEY, call, sql, unique, sendFromWidget, browserAndHostPages, eventually, visit } from "./helpers.mjs";
import { inboxSocket, closeAll } from "./sockets.mjs";

const pages = browserAndHostPages();
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
let greeting, offline;

before(async () => {
  const config = (await call("GET", "/api/widget/sites/s_demo/config")).body;
  greeting = config.greeting;
  offline = config.offline || "Nobody is online right now. Leave your email and we will reply by email.";
});
after(closeAll);

const visitors = async () => (await sql("SELECT COUNT(*) AS n FROM visitors"))[0].n;
const cookieNames = async (context) => (await context.cookies()).map((c) => c.name).sort();
const visitorCookies = async (context) => (await context.cookies()).filter((c) => c.name === "parley_visitor");

/** The visitors the page asked the worker to make (`POST …/visitors`). */
const asked = (page) => page.posts.filter((u) => u.endsWith("/visitors"));

/**
 * Waits until the open panel is fully ready with nobody on the team online:
 * the greeting shows, the offline note shows (the team's presence, pushed on
 * the widget's socket: the panel assumes "online" until told), and the Form
 * asks for the email first.
 */
async function ready(page) {
  await page.locator("li.theirs", { hasText: greeting }).waitFor();
  await page.locator("li.theirs", { hasText: offline }).waitFor();
  await page.locator("#parley-f-email").waitFor();
}

test("an open, ready panel leaves no cookie and no visitor row; the first message makes exactly one of each", async () => {
  const page = await visit(pages.browser);
  const context = page.context();
  const before = await visitors();
  await page.locator(".launcher").click();
  await ready(page);
  // Presence stays live without a visitor: the team comes online, the note and the Form go.
  const tab = await inboxSocket({ key: KEY });
  await page.locator(".form-step").waitFor({ state: "detached" });
  await page.locator("li.theirs", { hasText: offline }).waitFor({ state: "detached" });
  await tab.close(); // and away again: the later tests need nobody online
  await page.locator("#parley-f-email").waitFor();
  await page.locator("#parley-input").pressSequentially("typing is not writing", { delay: 10 });
  assert.deepEqual(await cookieNames(context), [], "no cookie at all");
  assert.equal(await visitors(), before, "no visitor row");
  assert.deepEqual(asked(page), [], "no visitor asked for");

  const text = unique("Do you ship to Norway? ");
  await sendFromWidget(page, text);
  const made = await visitorCookies(context);
  assert.equal(made.length, 1, "one visitor cookie");
  assert.equal(await visitors(), before + 1, "one visitor row");
  assert.equal(asked(page).length, 1);
  const own = await call("GET", "/api/widget/conversation", { token: made[0].value });
  assert.deepEqual(own.body.messages.map((m) => m.body), [text], "the message is that visitor's");
  // Beside it, only the facade's marker: a reply is awaited (see widget-facade.test.mjs).
  assert.deepEqual(await cookieNames(context), ["parley_unread_s_demo", "parley_visitor"]);
  await context.close();
});

test("a file as the first thing written makes the visitor", async () => {
  const page = await visit(pages.browser);
  const before = await visitors();
  await page.locator(".launcher").click();
  await ready(page);
  assert.deepEqual(await cookieNames(page.context()), []);
  await page.locator(".clip input[type=file]").setInputFiles({ name: "receipt.png", mimeType: "image/png", buffer: PNG });
  await page.locator("li.mine", { hasText: "📎 receipt.png" }).waitFor();
  const made = await visitorCookies(page.context());
  assert.equal(made.length, 1);
  assert.equal(await visitors(), before + 1);
  const own = await call("GET", "/api/widget/conversation", { token: made[0].value });
  assert.deepEqual(own.body.messages.map((m) => m.attachments.map((a) => a.filename)), [["receipt.png"]]);
  await page.context().close();
});

test("answering the Form before writing makes the visitor, with the email it gave", async () => {
  const page = await visit(pages.browser);
  const before = await visitors();
  await page.locator(".launcher").click();
  await ready(page);
  assert.deepEqual(await cookieNames(page.context()), []);
  await page.fill("#parley-f-email", `early+${unique("")}@example.com`);
  await page.click(".form-submit");
  await page.locator(".form-slot", { hasText: "Thanks!" }).waitFor();
  const made = await visitorCookies(page.context());
  assert.equal(made.length, 1);
  assert.equal(await visitors(), before + 1);
  const own = await call("GET", "/api/widget/conversation", { token: made[0].value });
  assert.deepEqual([own.body.conversation_id, own.body.visitor.known, own.body.visitor.form_done], [null, ["email"], true]);
  await page.context().close();
});

test("identify() from the host page makes the visitor when the panel opens, not before", async () => {
  const address = `known+${unique("")}@example.com`;
  const page = await visit(pages.browser, pages.hosts.page("s_demo", `Parley.identify({ email: ${JSON.stringify(address)} });`));
  const before = await visitors();
  await page.locator(".launcher").hover(); // intent: the widget loads, and holds the identify
  await page.waitForLoadState("networkidle");
  assert.deepEqual(await cookieNames(page.context()), []);
  await page.locator(".launcher").click();
  await page.waitForFunction(() => document.cookie.includes("parley_visitor="));
  const made = await visitorCookies(page.context());
  assert.equal(made.length, 1);
  assert.equal(await visitors(), before + 1);
  // Tied before anything is written: once the identify is answered, the worker knows the email.
  const known = async () => (await call("GET", "/api/widget/conversation", { token: made[0].value })).body.visitor.known;
  await eventually(async () => (await known()).includes("email"), { what: "the identify reached the worker" });
  await page.context().close();
});

test("on a phone with the team away: the first message is stored at once beside the Form, and a visitor who leaves without an email comes back to the same conversation", async () => {
  const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
  const page = await visit(pages.browser, URL_ + "/", { context: phone });
  const context = page.context();
  const before = await visitors();
  await page.locator(".launcher").tap();
  await ready(page);
  const text = unique("Is the shop open on Sunday? ");
  await page.locator("#parley-input").fill(text);
  await page.locator(".send").tap();
  await page.locator("li.mine", { hasText: text }).locator(".meta").filter({ hasText: /\d{1,2}:\d{2}/ }).waitFor();
  const email = page.locator("#parley-f-email");
  assert.equal(await email.isVisible(), true, "the Form still asks for the email, beside the stored message");
  const box = await email.boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 390, `the email field fits the phone: ${JSON.stringify(box)}`);
  const [cookie] = await visitorCookies(context);
  const first = (await call("GET", "/api/widget/conversation", { token: cookie.value })).body;
  assert.deepEqual(first.messages.map((m) => m.body), [text], "stored at once, with no email given");
  await page.close();

  // Later, a new page of the same browser: the same visitor, the same conversation.
  const again = await context.newPage();
  await again.goto(URL_ + "/");
  await again.locator(".launcher").tap();
  await again.locator("li.mine", { hasText: text }).waitFor();
  await again.locator("#parley-f-email").waitFor();
  const [back] = await visitorCookies(context);
  assert.equal(back.value, cookie.value, "the same visitor");
  const thread = (await call("GET", "/api/widget/conversation", { token: back.value })).body;
  assert.equal(thread.conversation_id, first.conversation_id, "the same conversation");
  assert.equal(await visitors(), before + 1, "one visitor for both pages");
  await context.close();
});
