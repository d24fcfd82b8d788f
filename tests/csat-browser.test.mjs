// Satisfaction ratings in real Chromium: the widget on a host page asks the
// visitor to rate once an agent resolves the chat (its rating module loaded
// only then), rated by the keyboard alone, axe clean, in French for a French
// site; and an email conversation's resolution mail (a real RFC 5322 message
// in, the mail the binding wrote out) links to the rating page, which opening
// does not rate, whose button does, and which refuses after 7 days.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { URL_, call, KEY, deliverMail, mailFixture, sql, unique, eventually, thread, sentEmails, nextSentEmail, header } from "./helpers.mjs";
import { browserAndHostPages, openChat, visit, sendFromWidget, conversationId, signInToInbox, listItem } from "./browser.mjs";
import { axeViolations } from "./axe.mjs";

const pages = browserAndHostPages();
const DAY = 24 * 60 * 60 * 1000;
const setCsat = (site, on) => call("PATCH", `/api/sites/${site}/widget`, { token: KEY, json: { csat: on } });
const close = (id) => call("PATCH", `/api/conversations/${id}`, { token: KEY, json: { status: "closed" } });
const loadedModule = (page) => page.requests.some((u) => u.endsWith("/widget/csat.js"));

after(async () => {
  await setCsat("s_csat", false);
  await setCsat("s_csat_fr", false);
});

test("the widget asks once an agent resolves the chat: rated by the keyboard alone, axe clean, the module loaded only then", async () => {
  await setCsat("s_csat", true);
  const page = await visit(pages.browser, pages.hosts.page("s_csat"));
  await openChat(page);
  const first = unique("Thanks for the tea ");
  await sendFromWidget(page, first);
  const id = await conversationId(page, pages.hosts.origin);
  assert.equal(loadedModule(page), false, "no rating module before a rating is asked");

  assert.equal((await close(id)).status, 200);
  const group = page.locator('parley-chat .csat [role="group"]');
  await group.waitFor();
  assert.ok(loadedModule(page), "the module arrived with the ask");
  assert.equal(await page.locator("parley-chat .csat .form-intro").textContent(), "How satisfied are you with this conversation?");
  assert.deepEqual(await group.locator("button").allTextContents(), ["1", "2", "3", "4", "5"]);
  assert.equal(await group.locator("button").nth(3).getAttribute("aria-label"), "4 of 5: satisfied");
  assert.deepEqual(await axeViolations(page, "parley-chat"), [], "axe, with the rating showing");

  // The keyboard alone: into the group, along to 4, Space; Tab to the comment, type; Tab to Send, Enter.
  await group.locator("button").first().focus();
  for (let i = 0; i < 3; i++) await page.keyboard.press("Tab");
  await page.keyboard.press("Space");
  assert.equal(await group.locator("button").nth(3).getAttribute("aria-pressed"), "true");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  await page.keyboard.type("<img src=x onerror=alert(1)> lovely");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await page.locator("parley-chat .csat [role=status]", { hasText: "Thank you" }).waitFor();
  const rated = (await thread(id)).rating;
  assert.deepEqual([rated.score, rated.comment, rated.source], [4, "<img src=x onerror=alert(1)> lovely", "widget"]);
  assert.deepEqual(page.errors, []);

  // A reload shows the rating so far (from the thread), and a change is kept.
  await page.reload();
  await openChat(page);
  await group.waitFor();
  assert.equal(await group.locator("button").nth(3).getAttribute("aria-pressed"), "true");
  assert.equal(await page.locator("#parley-csat-c").inputValue(), "<img src=x onerror=alert(1)> lovely");
  await group.locator("button").nth(1).click();
  await page.locator("parley-chat .csat button", { hasText: "Send my rating" }).click();
  await eventually(async () => (await thread(id)).rating.score === 2, { what: "the changed rating" });
  await page.context().close();

  // The inbox: each rating a line of the thread's trail, the rating in the contact panel, as text; axe clean.
  const inbox = await signInToInbox(await pages.browser.newContext({ bypassCSP: true }));
  await inbox.selectOption("#f-status", "closed");
  await listItem(inbox, first).click();
  await inbox.locator("#messages .event.rated", { hasText: "Rated 4/5: <img src=x onerror=alert(1)> lovely by the customer" }).waitFor();
  await inbox.locator("#messages .event.rated", { hasText: "Rated 2/5: <img src=x onerror=alert(1)> lovely" }).waitFor();
  await inbox.locator("#profile-rating", { hasText: "Rated 2/5: <img src=x onerror=alert(1)> lovely" }).waitFor();
  assert.equal(await inbox.locator("#messages img[src=x], #profile img[src=x]").count(), 0, "the comment is text, never HTML");
  assert.deepEqual(await axeViolations(inbox, "#profile"), [], "axe on the contact panel with its rating");
  assert.deepEqual(inbox.errors, []);
  await inbox.context().close();
});

test("a French site's widget asks in French", async () => {
  await setCsat("s_csat_fr", true);
  const page = await visit(pages.browser, pages.hosts.page("s_csat_fr"));
  await openChat(page);
  await sendFromWidget(page, unique("Merci "));
  await close(await conversationId(page, pages.hosts.origin));
  await page.locator("parley-chat .csat .form-intro", { hasText: "Êtes-vous satisfait de cette conversation ?" }).waitFor();
  assert.equal(await page.locator('parley-chat .csat [role="group"] button').first().getAttribute("aria-label"), "1 sur 5 : très insatisfait");
  assert.equal(await page.locator("parley-chat .csat button", { hasText: "Envoyer ma note" }).count(), 1);
  await page.context().close();
});

/** The text part of a raw message (quoted-printable or base64 decoded). */
function textOf(raw) {
  const part = raw.split(/\r?\n\r?\n/).slice(1).join("\n\n");
  if (/content-transfer-encoding: base64/i.test(raw)) {
    const b64 = part.match(/^[A-Za-z0-9+/=\r\n]+$/m);
    return Buffer.from((b64?.[0] ?? part).replace(/\s/g, ""), "base64").toString("utf8");
  }
  return part.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
}

test("an email conversation's resolution mail links to the rating page: opening records nothing, the button rates, 7 days later it refuses", async () => {
  await setCsat("s_csat", true);
  const from = `${unique("mia")}@example.org`;
  const marker = unique("rate-mail-");
  const raw = mailFixture("plain.eml", { from, From: from, id: `${marker}@mail.example.org`, marker })
    .replace("support@juniper.inbound.example.com", "help@rate.inbound.example.com");
  const delivered = await deliverMail(raw, { from, to: "help@rate.inbound.example.com" });
  assert.equal(delivered.status, 200, delivered.text);
  const [{ conversation_id: id }] = await eventually(() => sql(`SELECT conversation_id FROM messages WHERE body LIKE '%${marker}%'`).then((r) => r.length && r),
    { what: "the stored mail" });

  const before = sentEmails().length;
  assert.equal((await close(id)).status, 200);
  const mail = await nextSentEmail(before);
  assert.equal(header(mail, "To").includes(from), true);
  const link = textOf(mail).match(/http:\/\/127\.0\.0\.1:\d+\/rate\/[^\s]+/)?.[0];
  assert.ok(link, `a rating link in the mail:\n${mail}`);
  assert.ok(link.startsWith(`${URL_}/rate/${id}?t=`));
  // Closing again sends nothing more: the rating was asked once.
  await close(id);
  assert.equal(sentEmails().length, before + 1);

  // A scanner's GET (and a person's) records nothing.
  const scanned = await fetch(link);
  assert.equal(scanned.status, 200);
  assert.match(scanned.headers.get("content-security-policy"), /default-src 'none'/);
  // axe is injected as a script, which the page's own policy refuses: its run is in a context that bypasses CSP.
  const audited = await visit(pages.browser, link, { context: { bypassCSP: true } });
  assert.deepEqual(await axeViolations(audited, "body"), [], "axe on the rating page");
  await audited.context().close();
  const page = await visit(pages.browser, link);
  assert.equal(await page.locator("fieldset legend").textContent(), "How satisfied are you with our answer?");
  assert.equal(await page.locator('fieldset input[type="radio"]').count(), 5);
  assert.deepEqual(page.logged, [], "nothing the page's policy refuses");
  const [untouched] = await sql(`SELECT score, rated_at FROM conversation_ratings WHERE conversation_id = '${id}'`);
  assert.deepEqual([untouched.score, untouched.rated_at], [null, null], "opening the page rated nothing");

  // The button rates (the keyboard: a radio, the comment, the button).
  await page.locator("#score-5").focus();
  await page.keyboard.press("Space");
  await page.locator("#comment").fill("Found my tea");
  await page.locator("button[type=submit]").press("Enter");
  await page.locator("[role=status]", { hasText: "Thank you" }).waitFor();
  const rated = (await thread(id)).rating;
  assert.deepEqual([rated.score, rated.comment, rated.source], [5, "Found my tea", "email"]);
  assert.equal((await thread(id)).trail.filter((e) => e.kind === "rated").length, 1);
  // The page again shows the rating so far, and a change is recorded.
  await page.goto(link);
  assert.equal(await page.locator("#score-5").isChecked(), true);
  await page.locator("#score-3").check();
  await page.locator("button[type=submit]").click();
  await page.locator("[role=status]").waitFor();
  assert.equal((await thread(id)).rating.score, 3);

  // A link Parley did not sign is refused; a week after the resolve, the signed link is refused with a clear message.
  const forged = await fetch(link.replace(/t=(\d+)\.[0-9a-f]+/, "t=$1.000000000000000000000000"));
  assert.equal(forged.status, 404);
  const asked = Date.now() - 7 * DAY - 1000;
  await sql(`UPDATE conversation_ratings SET asked_at = ${asked} WHERE conversation_id = '${id}'`);
  const sig = createHmac("sha256", process.env.PARLEY_REPLY_SECRET).update(`csat:${id}.${asked}`).digest("hex").slice(0, 24);
  const old = `${URL_}/rate/${id}?t=${asked}.${sig}`;
  const shown = await fetch(old);
  assert.equal(shown.status, 410);
  assert.match(await shown.text(), /can no longer be rated/);
  const posted = await fetch(old, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "score=1" });
  assert.equal(posted.status, 409);
  assert.match(await posted.text(), /7 days/);
  assert.equal((await thread(id)).rating.score, 3, "nothing changed");
  await page.context().close();
});
