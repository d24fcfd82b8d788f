// The agent inbox page in real Chromium against the real worker: sign-in,
// list, filters and search, answering a chat (seen in the visitor's widget)
// and an email (seen in the .eml the binding wrote), contact profiles with
// click-to-add, email settings for the admin but not for agents, a late answer
// for an earlier click never showing, and refused changes showing their reason.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  URL_, KEY, agentGet, call, decodeWords, deliverMail, header, mailFixture, newVisitor, nextSentEmail, replyAddress,
  sendChat, sentEmails, unique, launchChromium, signInToInbox, sendFromWidget, listItem } from "./helpers.mjs";

const ADMIN = ["admin@juniperandpine.example", process.env.PARLEY_ADMIN_PASSWORD];
let browser;
before(async () => {
  browser = await launchChromium();
});
after(() => browser?.close());

async function inbox([email, password] = ADMIN) {
  return signInToInbox(await browser.newContext(), email, password);
}

async function emailConversation() {
  const tag = unique("");
  const v = { From: `Mia.Chen+${tag}@Example.org`, from: `mia.chen+${tag}@example.org`, id: `${tag}@mail.example.org`, marker: tag };
  await deliverMail(mailFixture("plain.eml", v), { from: v.from });
  return v;
}

test("agents sign in, then list, filter and search the unified inbox", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(URL_ + "/inbox.html");
  await page.fill("#email", ADMIN[0]);
  await page.fill("#password", "not the password");
  await page.click("#signin button[type=submit]");
  await page.locator("#signin-error", { hasText: "wrong" }).waitFor();
  assert.equal(await page.locator("#inbox").isVisible(), false);
  await context.close();

  const text = unique("Is the sencha organic? ");
  await sendChat(await newVisitor(), text);
  const mail = await emailConversation();
  const agent = await inbox();
  await listItem(agent, text).waitFor();
  await listItem(agent, mail.from).waitFor();
  // Chromium keeps a Secure __Host- cookie on http://127.0.0.1 (a loopback origin counts as secure).
  const session = (await agent.context().cookies()).find((c) => c.name === "__Host-parley_session");
  assert.ok(session, "the session cookie is __Host- prefixed");
  assert.deepEqual([session.secure, session.httpOnly, session.sameSite, session.path], [true, true, "Strict", "/"]);
  assert.match(await listItem(agent, text).textContent(), /chat/);
  assert.equal(await agent.locator("#list li.unread", { hasText: text }).count(), 1, "unread marker");

  await agent.selectOption("#f-channel", "email");
  await listItem(agent, text).waitFor({ state: "detached" });
  assert.equal(await listItem(agent, mail.from).count(), 1);
  await agent.selectOption("#f-channel", "");
  await listItem(agent, text).waitFor();
  await agent.fill("#f-q", mail.from);
  await agent.waitForFunction(() => document.querySelectorAll("#list button").length === 1);
  assert.match(await agent.locator("#list button").textContent(), new RegExp(mail.from.replace(/[+.]/g, "\\$&")));
  assert.deepEqual(agent.errors, []);
  await agent.context().close();
});

test("an agent answers a chat and the visitor sees it in the widget", async () => {
  const visitorContext = await browser.newContext();
  const visitor = await visitorContext.newPage();
  await visitor.goto(URL_ + "/");
  await visitor.locator(".launcher").click();
  const question = unique("Do you have decaf? ");
  await sendFromWidget(visitor, question);

  const agent = await inbox();
  await listItem(agent, question).click();
  await agent.locator("#messages .msg", { hasText: question }).waitFor();
  assert.equal(await agent.isChecked("#via-chat"), true, "chat is the default for a chat");
  await agent.locator("#email-reason", { hasText: "no email address" }).waitFor(); // email is disabled, with the reason
  assert.equal(await agent.isDisabled("#via-email"), true);
  const answer = unique("Yes — Hearth Chai comes in decaf. ");
  await agent.fill("#reply-body", answer);
  await agent.click("#composer button[type=submit]");
  await agent.locator("#messages .msg.outbound", { hasText: answer }).waitFor();

  await visitor.locator("li.theirs", { hasText: answer }).waitFor({ timeout: 10_000 });
  assert.match(await visitor.locator("li.theirs", { hasText: answer }).textContent(), /Robin Ash/);
  await visitorContext.close();
  await agent.context().close();
});

test("a chat whose visitor typed an email is marked 'email not verified', and emailing it asks first", async () => {
  const text = unique("Refund for order ");
  const token = await newVisitor();
  await sendChat(token, text);
  const claimed = `someone+${unique("")}@example.org`;
  await call("POST", "/api/widget/contact", { token, json: { email: claimed } });

  const agent = await inbox();
  const item = listItem(agent, text);
  await item.locator(".badge.warn", { hasText: "email not verified" }).waitFor();
  await item.click();
  await agent.locator("#thread .warn", { hasText: `${claimed}: email not verified` }).waitFor();
  assert.equal(await agent.locator("#visitor-claim dd").textContent(), claimed, "what the visitor said is shown as a claim");
  await agent.locator("#reply-from", { hasText: "(email not verified)" }).waitFor({ state: "attached" });
  await agent.check("#via-email");
  await agent.fill("#reply-body", "Here is your refund.");
  const before = sentEmails().length;
  await agent.click("#composer button[type=submit]");
  await agent.locator("#composer .error", { hasText: "may reach someone other than the person chatting" }).waitFor();
  assert.equal(sentEmails().length, before, "nothing sent before the agent confirms");
  assert.equal(await agent.locator("#composer button[type=submit]").textContent(), "Send anyway");
  await agent.click("#composer button[type=submit]");
  await agent.locator("#messages .msg.outbound", { hasText: "Here is your refund." }).waitFor();
  assert.match(header(await nextSentEmail(before), "To"), new RegExp(claimed.replace(/[+.]/g, "\\$&")));
  await agent.context().close();
});

test("values a visitor stated without proof are marked as such, in words, in the list, the thread and the profile, until an agent edits them", async () => {
  const text = unique("Where is my refund ");
  const token = await newVisitor("s_form_a"); // company optional, full name required
  await sendChat(token, text);
  const email = `stated+${unique("")}@example.org`;
  const planted = "Send refunds to IBAN DE00 1234";
  assert.equal((await call("POST", "/api/widget/contact", { token, json: { email, full_name: planted, company: "Planted Ltd" } })).status, 200);

  const agent = await inbox();
  const item = listItem(agent, text);
  await item.locator(".badge.warn", { hasText: "name not verified" }).waitFor();
  await item.click();
  await agent.locator("#thread .warn", { hasText: `${planted}: name not verified` }).waitFor();
  await agent.locator("#contact-facts").waitFor();
  const facts = await agent.locator("#contact-facts").evaluate((dl) =>
    Object.fromEntries([...dl.querySelectorAll("dt")].map((dt) => [dt.textContent, dt.nextElementSibling.textContent])));
  assert.equal(facts["Full name"], `${planted} stated by a visitor, not verified`);
  assert.equal(facts["Company"], "Planted Ltd stated by a visitor, not verified");
  assert.equal(facts["Email"], email, "the address the contact is keyed on carries no such mark");
  assert.match(await agent.locator("#profile h3").textContent(), /stated by a visitor, not verified$/);

  // The agent's own edit replaces the stated name: the marks go.
  await agent.click("#edit-contact");
  await agent.fill("#ce-full_name", "Rosa Real");
  await agent.click("#contact-edit button[type=submit]");
  await agent.locator("#profile h3", { hasText: /^Rosa Real$/ }).waitFor();
  await agent.locator("#thread .warn", { hasText: "name not verified" }).waitFor({ state: "detached" });
  assert.equal(await agent.locator("#contact-facts dd", { hasText: "Rosa Real" }).textContent(), "Rosa Real");
  assert.match(await agent.locator("#contact-facts dd", { hasText: "Planted Ltd" }).textContent(), /stated by a visitor/, "the company it left alone stays marked");
  assert.deepEqual(agent.errors, []);
  await agent.context().close();
});

test("an agent answers an email with an edited subject; the answer threads back", async () => {
  const mail = await emailConversation();
  const agent = await inbox();
  await listItem(agent, mail.from).click();
  await agent.locator("#reply-from", { hasText: "Robin Ash at Juniper & Pine" }).waitFor();
  assert.equal(await agent.isChecked("#via-email"), true, "email is the only way to answer an email");
  assert.equal(await agent.isDisabled("#via-chat"), true);
  assert.equal(await agent.inputValue("#reply-subject"), "Re: Where is my order? ☕");
  await agent.fill("#reply-subject", "Your Morning Fog order");
  await agent.fill("#reply-body", "It left the warehouse today.");
  const before = sentEmails().length;
  await agent.click("#composer button[type=submit]");
  await agent.locator("#messages .msg.outbound", { hasText: "It left the warehouse today." }).waitFor();

  const eml = await nextSentEmail(before);
  assert.equal(header(eml, "From"), '"Robin Ash at Juniper & Pine" <support@juniper.inbound.example.com>');
  assert.equal(decodeWords(header(eml, "Subject")), "Your Morning Fog order");
  assert.equal(header(eml, "In-Reply-To"), `<${mail.id}>`);
  const conversationId = (await agentGet("/api/conversations?channel=email")).conversations.find((c) => c.contact_email === mail.from).id;
  assert.equal(header(eml, "Reply-To"), `<${replyAddress(conversationId)}>`);

  await agent.click("#toggle-status"); // closed…
  await agent.locator("#toggle-status", { hasText: "Reopen" }).waitFor();
  const answer = { ...mail, id: `${mail.marker}.back@mail.example.org`, parent: header(eml, "Message-ID").slice(1, -1), marker: `${mail.marker}-back` };
  await deliverMail(mailFixture("reply.eml", answer), { from: mail.from }); // …until the contact answers
  await agent.selectOption("#f-status", "");
  await listItem(agent, mail.from).click();
  await agent.locator("#messages .msg", { hasText: "Found the tracking number" }).waitFor();
  assert.equal(await agent.locator("#messages .msg details summary", { hasText: "Show quoted text" }).count(), 1, "quoted text folded");
  assert.equal(await agent.locator("#toggle-status").textContent(), "Close", "the answer reopened the conversation");
  const signed = { ...mail, id: `${mail.marker}.signed@mail.example.org`, parent: answer.id, marker: `${mail.marker}-signed` };
  await deliverMail(mailFixture("signed-reply.eml", signed), { from: mail.from });
  await listItem(agent, mail.from).click();
  const last = agent.locator("#messages .msg", { hasText: "That is all I needed" });
  await last.waitFor();
  assert.equal(await last.locator("details summary", { hasText: "Show signature" }).count(), 1, "a signature folds under its own name");
  assert.equal(await last.locator("p.body").textContent(), `That is all I needed, thanks! (${signed.marker})`, "and is not in the visible text");
  await agent.context().close();
});

test("contact profile: click to add details for an anonymous visitor; activity leaves email out", async () => {
  const text = unique("Anonymous question ");
  await sendChat(await newVisitor(), text);
  const agent = await inbox();
  await listItem(agent, text).click();
  await agent.locator("#profile h3", { hasText: "Anonymous visitor" }).waitFor();
  const email = `walk-in+${unique("")}@example.org`;
  await agent.fill("#ac-email", email);
  await agent.fill("#ac-name", "Wren Walker");
  await agent.click("#add-contact button[type=submit]");
  await agent.locator("#profile h3", { hasText: "Wren Walker" }).waitFor();
  const facts = await agent.locator("#profile dl").textContent();
  assert.match(facts, new RegExp(`Email${email.replace(/[+.]/g, "\\$&")}`));
  assert.match(facts, /Marketing opt-inNo/);
  assert.match(facts, /Channelschat/);
  await agent.click("#profile [role=tab] >> text=Recent activity");
  assert.match(await agent.locator("#contact-activity").textContent(), new RegExp(text));

  const mail = await emailConversation();
  await agent.fill("#f-q", mail.from);
  await listItem(agent, mail.from).click();
  await agent.locator("#contact-conversations li").first().waitFor();
  await agent.click("#profile [role=tab] >> text=Recent activity");
  assert.equal(await agent.locator("#contact-activity").textContent(), "Nothing yet.", "email stays out of the activity feed");
  await agent.context().close();
});

test("the admin edits email settings with a live preview; an agent gets no settings", async () => {
  const admin = await inbox();
  await admin.click("#to-settings");
  await admin.locator("#s-site option").first().waitFor({ state: "attached" });
  await admin.selectOption("#s-site", "s_demo");
  await admin.locator("#s-address", { hasText: "support@juniper.inbound.example.com" }).waitFor();
  assert.equal(await admin.locator("#s-address-form").isVisible(), false, "the address is read-only once set");
  await admin.locator("#p-subject", { hasText: "Following up on our chat · " }).waitFor();
  await admin.click("#s-date-toggle"); // remove the date
  await admin.locator("#p-subject", { hasText: /^Following up on our chat$/ }).waitFor();
  await admin.click("#s-date-toggle"); // and add it back
  await admin.locator("#p-subject", { hasText: /· \d{1,2} \w{3} \d{4}$/ }).waitFor();
  await admin.fill("#s-from", "The tea team");
  await admin.locator("#p-from", { hasText: "The tea team <support@juniper.inbound.example.com>" }).waitFor();
  await admin.click("#s-agent-name");
  await admin.locator("#p-from", { hasText: "Robin Ash The tea team" }).waitFor();
  await admin.fill("#s-from", "{Agent_Name} at Juniper & Pine");
  await admin.click("#s-form button[type=submit]");
  await admin.locator("#s-saved", { hasText: "Saved." }).waitFor();

  // Invite an agent, who joins through the one-time link and signs in.
  await admin.fill("#i-name", "Fern Agent");
  const email = `fern+${unique("")}@juniperandpine.example`;
  await admin.fill("#i-email", email);
  await admin.click("#invite button[type=submit]");
  const link = (await admin.locator("#i-result", { hasText: "one-time link" }).textContent()).split(": ")[1];
  const joinContext = await browser.newContext();
  const join = await joinContext.newPage();
  await join.goto(link);
  await join.fill("#new-password", "fern-fronds-12");
  await join.click("#accept button[type=submit]");
  await join.locator("#inbox").waitFor();
  assert.equal(await join.locator("#to-settings").isVisible(), false, "no settings for agents");
  const refused = await join.evaluate(async () => (await fetch("/api/sites/s_demo/email-channel")).status);
  assert.equal(refused, 403);
  await joinContext.close();
  await admin.context().close();
});

test("user content in the inbox renders as text; email HTML only in a sandbox", async () => {
  const attack = `<img src=x onerror="window.__pwned=1"> ${unique("xss ")}`;
  await sendChat(await newVisitor(), attack);
  const tag = unique("");
  const v = { From: `leo+${tag}@example.org`, from: `leo+${tag}@example.org`, id: `${tag}@m.example.org`, marker: tag };
  await deliverMail(mailFixture("alternative.eml", v), { from: v.from });
  const agent = await inbox();
  await listItem(agent, attack).click();
  assert.equal(await agent.locator("#messages .msg .body", { hasText: attack }).textContent(), attack);
  await listItem(agent, v.from).click();
  await agent.locator("#messages summary", { hasText: "Show formatted email" }).click();
  const frame = agent.locator("#messages iframe");
  assert.equal(await frame.getAttribute("sandbox"), "", "no scripts, no same-origin access");
  // The formatted email has loaded in its frame: anything it could run has had its chance.
  const content = await (await frame.elementHandle()).contentFrame();
  await content.waitForLoadState("load");
  await content.locator("body", { hasText: tag }).waitFor();
  assert.equal(await agent.evaluate(() => window.__pwned), undefined);
  assert.equal(await agent.locator("img").count(), 0);
  await agent.context().close();
});

test("a Gmail reply's formatted email shows the answer and folds the quote, as its text does", async () => {
  const tag = unique("");
  const v = { From: `mia+${tag}@example.org`, from: `mia+${tag}@example.org`, id: `${tag}@m.example.org`, marker: tag };
  await deliverMail(mailFixture("gmail-html-reply.eml", v), { from: v.from });
  const agent = await inbox();
  await listItem(agent, v.from).click();
  const message = agent.locator("#messages .msg", { hasText: tag });
  await message.locator(".body", { hasText: "Tuesday suits me" }).waitFor();
  await message.locator("summary", { hasText: "Show formatted email" }).click();
  const content = await (await message.locator("iframe").elementHandle()).contentFrame();
  await content.waitForLoadState("load");
  await content.locator("div", { hasText: `Tuesday suits me, thank you! (${tag})` }).first().waitFor();
  const quote = content.locator("blockquote", { hasText: "Which day suits you?" });
  assert.equal(await quote.isVisible(), false, "the quote is folded in the formatted view");
  // The fold opens without script (the frame runs none): by its summary, like the text's.
  await content.locator("summary", { hasText: "Show quoted text" }).click();
  await quote.waitFor({ state: "visible" });
  assert.deepEqual(agent.errors, []);
  await agent.context().close();
});

test("a slow answer for an earlier click never replaces the thread shown since", async () => {
  const slow = unique("Asked first, answered late ");
  const fast = unique("Asked second ");
  await sendChat(await newVisitor(), slow);
  await sendChat(await newVisitor(), fast);
  const agent = await inbox();
  await listItem(agent, fast).waitFor();
  const slowPath = `/api/conversations/${await listItem(agent, slow).getAttribute("data-id")}`;
  // Record, in the page, each answer whose body the inbox has read: once a path
  // is listed, the inbox's own handling of that answer has run too.
  await agent.evaluate(() => {
    const json = Response.prototype.json;
    window.__read = [];
    Response.prototype.json = function () {
      const path = new URL(this.url).pathname;
      return json.call(this).finally(() => window.__read.push(path));
    };
  });
  let release;
  const held = new Promise((resolve) => (release = resolve));
  let fulfilled;
  const answered = new Promise((resolve) => (fulfilled = resolve));
  await agent.route((url) => url.pathname === slowPath, async (route) => {
    if (route.request().method() !== "GET") return route.fallback();
    const response = await route.fetch();
    await held;
    await route.fulfill({ response });
    fulfilled();
  });

  const asked = agent.waitForRequest((r) => new URL(r.url()).pathname === slowPath && r.method() === "GET");
  await listItem(agent, slow).click();
  await asked;
  await listItem(agent, fast).click();
  await agent.locator("#messages .msg", { hasText: fast }).waitFor();
  release();
  await answered;
  await agent.waitForFunction((path) => window.__read.includes(path), slowPath);
  assert.match(await agent.locator("#messages").textContent(), new RegExp(fast));
  assert.doesNotMatch(await agent.locator("#messages").textContent(), new RegExp(slow), "the late answer was dropped");
  assert.deepEqual(agent.errors, []);
  await agent.context().close();
});

test("a refused change shows the API's message by the thread's actions, and changes nothing", async () => {
  const text = unique("Please do not close this ");
  await sendChat(await newVisitor(), text);
  const agent = await inbox();
  await listItem(agent, text).click();
  await agent.locator("#messages .msg", { hasText: text }).waitFor();
  const id = await listItem(agent, text).getAttribute("data-id");
  let refuse;
  await agent.route((url) => url.pathname === `/api/conversations/${id}`, (route) =>
    route.request().method() === "PATCH" ? refuse(route) : route.fallback());
  const error = (status, code, message) => (route) =>
    route.fulfill({ status, contentType: "application/json", body: JSON.stringify({ error: { code, message } }) });
  const alert = agent.locator("#thread .thread-head [role=alert]");

  refuse = error(403, "forbidden", "Only the assignee may close this conversation.");
  await agent.click("#toggle-status");
  await alert.filter({ hasText: "Only the assignee may close this conversation." }).waitFor();
  assert.equal(await agent.locator("#toggle-status").textContent(), "Close", "still open");

  refuse = error(500, "internal", "Something went wrong on our side; nothing was saved. Please try again.");
  const someone = await agent.locator("#assign option").nth(1).getAttribute("value");
  await agent.selectOption("#assign", someone);
  await alert.filter({ hasText: "nothing was saved" }).waitFor();
  assert.equal(await agent.inputValue("#assign"), "", "the menu shows who is really assigned: nobody");

  refuse = (route) => route.abort("connectionrefused");
  await agent.click("#toggle-spam");
  await alert.filter({ hasText: "could not be reached" }).waitFor();
  assert.equal(await agent.locator("#toggle-spam").textContent(), "Mark as spam");

  const { conversation } = await agentGet(`/api/conversations/${id}`);
  assert.equal(conversation.status, "open");
  assert.equal(conversation.assignee_id, null);
  assert.equal(conversation.spam_at, null);
  assert.deepEqual(agent.errors, []);
  await agent.context().close();
});
