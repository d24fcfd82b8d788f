// Signatures of outgoing mail on the real worker: each agent's own and each
// site's default (primary admin), the agent's winning, under email replies and
// chat transcripts in both parts (read back from the .eml the send_email
// binding wrote, parsed with postal-mime), escaped in HTML; never under chat
// replies; bad signatures refused with nothing saved. In Chromium: the
// Signature view and Settings' default, each with its preview, by keyboard,
// axe-clean.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import PostalMime from "postal-mime";
import {
  AGENT_KEY, KEY, call, deliverMail, spfPass, newVisitor, nextSentEmail, sendChat, sentEmails, unique, launchChromium, signInToInbox,
} from "./helpers.mjs";
import { axeViolations } from "./axe.mjs";

const SITE = "s_cc";
const MAILBOX = "help@copies.inbound.example.com";
const SITE_SIGNATURE = "The <Copies> team\n& co — copies.example";
const KIT_SIGNATURE = "Kit Fern\nJuniper & Pine <support>";

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  // Leave no signature behind for the next suites' mail.
  for (const token of [KEY, AGENT_KEY]) await call("PUT", "/api/signature", { token, json: { signature: "" } });
  await call("PATCH", `/api/sites/${SITE}/email-channel`, { token: KEY, json: { signature: "" } });
});

const setSiteSignature = (signature, token = KEY) => call("PATCH", `/api/sites/${SITE}/email-channel`, { token, json: { signature } });
const setOwn = (signature, token) => call("PUT", "/api/signature", { token, json: { signature } });

/** An email conversation of the site with a new contact; its id. */
async function emailConversation() {
  const tag = unique("");
  const from = `zoe+${tag}@example.org`;
  const raw = [
    spfPass(from), `From: Zoe <${from}>`, `To: ${MAILBOX}`, "Subject: Gift wrap?", `Message-ID: <${tag}@mail.example.org>`,
    "Content-Type: text/plain; charset=utf-8", "", `Can you wrap it? (${tag})`, "",
  ].join("\r\n");
  assert.equal((await deliverMail(raw, { from, to: MAILBOX })).status, 200);
  const { conversations } = (await call("GET", `/api/conversations?channel=email&q=${encodeURIComponent(from)}`, { token: KEY })).body;
  return conversations.find((c) => c.contact_email === from).id;
}

/** Replies by email as the key's agent; the parsed message the binding wrote. */
async function emailReply(id, token, body = "We will wrap it.") {
  const before = sentEmails().length;
  const res = await call("POST", `/api/conversations/${id}/messages`, { token, json: { body, channel: "email" } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.message.body, body, "the thread keeps what the agent wrote; the signature is the email's");
  return PostalMime.parse(await nextSentEmail(before));
}

const signedText = (body, signature) => `${body}\n\n-- \n${signature}`;

test("the agent's signature, else the site's, closes email replies, escaped in HTML", async () => {
  assert.equal((await setSiteSignature(SITE_SIGNATURE)).status, 200);
  assert.equal((await setOwn("", AGENT_KEY)).status, 200);
  const id = await emailConversation();
  assert.equal((await call("GET", `/api/conversations/${id}/email-draft`, { token: AGENT_KEY })).body.signature, SITE_SIGNATURE);

  const bySite = await emailReply(id, AGENT_KEY);
  assert.equal(bySite.text.replace(/\r\n/g, "\n").trimEnd(), signedText("We will wrap it.", SITE_SIGNATURE));
  assert.ok(bySite.html.includes("<p>-- <br>The &lt;Copies&gt; team<br>&amp; co — copies.example</p>"), bySite.html);
  assert.ok(!bySite.html.includes("<Copies>"), "typed markup never becomes markup");

  const own = await setOwn(`\r\n${KIT_SIGNATURE}  \r\n\r\n`, AGENT_KEY);
  assert.deepEqual(own.body, { signature: KIT_SIGNATURE }, "tidied: line ends, trailing blanks");
  assert.deepEqual((await call("GET", "/api/signature", { token: AGENT_KEY })).body, { signature: KIT_SIGNATURE });
  const byKit = await emailReply(id, AGENT_KEY, "Wrapped and sent.");
  assert.equal(byKit.text.replace(/\r\n/g, "\n").trimEnd(), signedText("Wrapped and sent.", KIT_SIGNATURE), "the agent's wins");
  assert.ok(byKit.html.includes("Juniper &amp; Pine &lt;support&gt;"), byKit.html);

  // Removing the agent's own brings the site's back.
  assert.deepEqual((await setOwn("  \n ", AGENT_KEY)).body, { signature: null });
  assert.equal((await call("GET", `/api/conversations/${id}/email-draft`, { token: AGENT_KEY })).body.signature, SITE_SIGNATURE);
});

test("transcripts are signed; chat replies never are", async () => {
  assert.equal((await setSiteSignature(SITE_SIGNATURE)).status, 200);
  const token = await newVisitor(SITE);
  await sendChat(token, "Do you ship to Oslo?");
  const { conversation_id: id } = (await call("GET", "/api/widget/conversation", { token })).body;
  const answer = unique("Yes, in three days ");
  const chat = await call("POST", `/api/conversations/${id}/messages`, { token: KEY, json: { body: answer, channel: "chat" } });
  assert.equal(chat.status, 201);
  const seen = (await call("GET", "/api/widget/conversation", { token })).body.messages.map((m) => m.body);
  assert.ok(seen.includes(answer), JSON.stringify(seen));
  assert.ok(!seen.some((b) => b.includes("-- ") || b.includes("Copies")), "no signature reaches the widget");

  const email = `ola+${unique("")}@example.org`;
  assert.equal((await call("POST", `/api/conversations/${id}/contact`, { token: KEY, json: { email } })).status, 200);
  const before = sentEmails().length;
  const sent = await call("POST", `/api/conversations/${id}/transcript`, { token: KEY, json: { idempotency_key: randomUUID(), confirm_unverified: email } });
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
  const eml = await PostalMime.parse(await nextSentEmail(before));
  assert.ok(eml.text.replace(/\r\n/g, "\n").trimEnd().endsWith(`\n\n-- \n${SITE_SIGNATURE}`), eml.text);
  assert.ok(eml.html.includes("The &lt;Copies&gt; team"), eml.html);
});

test("bad signatures are refused with a readable message and nothing saved; the site's is the primary admin's", async () => {
  assert.equal((await setSiteSignature("Kept")).status, 200);
  assert.equal((await setOwn("Mine", AGENT_KEY)).status, 200);
  for (const bad of ["Robin\u0000", "x".repeat(1001), "line\n".repeat(13), "\u001b[31mred"]) {
    for (const res of [await setOwn(bad, AGENT_KEY), await setSiteSignature(bad)]) {
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, "signature_invalid");
      assert.match(res.body.error.message, /at most 1000 characters/);
    }
  }
  assert.deepEqual((await call("GET", "/api/signature", { token: AGENT_KEY })).body, { signature: "Mine" });
  assert.equal((await call("GET", `/api/sites/${SITE}/email-channel`, { token: KEY })).body.channel.signature, "Kept");
  assert.equal((await setSiteSignature("Agent's", AGENT_KEY)).status, 403, "an agent sets their own, not the site's");
  assert.equal((await call("PUT", "/api/signature", { json: { signature: "x" } })).status, 401);
  assert.equal((await call("POST", "/api/signature/preview", { json: { signature: "x" } })).status, 401);
  const preview = await call("POST", "/api/signature/preview", { token: AGENT_KEY, json: { signature: "<b>Kit</b>" } });
  assert.equal(preview.status, 200);
  assert.ok(preview.body.text.endsWith("\n\n-- \n<b>Kit</b>"), preview.body.text);
  assert.ok(preview.body.html.includes("<p>-- <br>&lt;b&gt;Kit&lt;/b&gt;</p>"), preview.body.html);
  assert.equal((await setSiteSignature("")).body.channel.signature, null, "empty removes it");
});

test("in the inbox: the Signature view and Settings' default, previewed as typed, by keyboard", async () => {
  assert.equal((await setSiteSignature(SITE_SIGNATURE)).status, 200);
  const context = await browser.newContext({ bypassCSP: true }); // axe is injected as a script
  const admin = await signInToInbox(context);
  await admin.locator("#to-signature").focus();
  await admin.keyboard.press("Enter");
  const own = admin.getByLabel("Signature of your email replies and transcripts");
  await admin.locator("#sig-own:enabled").waitFor(); // the saved signature has loaded
  await own.focus();
  await admin.keyboard.type("Robin <b>Ash</b>");
  const text = admin.locator("#sig-preview .sig-text");
  await text.filter({ hasText: "Robin <b>Ash</b>" }).waitFor();
  assert.ok((await text.textContent()).endsWith("\n\n-- \nRobin <b>Ash</b>"));
  const srcdoc = await admin.locator("#sig-preview iframe").getAttribute("srcdoc");
  assert.ok(srcdoc.includes("Robin &lt;b&gt;Ash&lt;/b&gt;"), srcdoc);
  assert.equal(await admin.locator("#sig-preview iframe").getAttribute("sandbox"), "", "the HTML part shows in a sandbox");
  assert.deepEqual(await axeViolations(admin, "#signature"), []);
  await admin.keyboard.press("Tab"); // to the Save button
  await admin.keyboard.press("Enter");
  await admin.locator("#sig-saved", { hasText: "Saved." }).waitFor();
  assert.deepEqual((await call("GET", "/api/signature", { token: KEY })).body, { signature: "Robin <b>Ash</b>" });

  await admin.locator("#to-settings").click();
  await admin.selectOption("#s-site", SITE);
  const siteDefault = admin.getByLabel("Default signature", { exact: true });
  await admin.locator("#s-sig-preview .sig-text", { hasText: "The <Copies> team" }).waitFor();
  assert.equal(await siteDefault.inputValue(), SITE_SIGNATURE);
  await siteDefault.fill("Juniper & Pine, since 1987");
  await admin.locator("#s-sig-preview .sig-text", { hasText: "since 1987" }).waitFor();
  assert.deepEqual(await axeViolations(admin, "#s-form"), []);
  await admin.locator("#s-form button[type=submit]").focus();
  await admin.keyboard.press("Enter");
  await admin.locator("#s-saved", { hasText: "Saved." }).waitFor();
  assert.equal((await call("GET", `/api/sites/${SITE}/email-channel`, { token: KEY })).body.channel.signature, "Juniper & Pine, since 1987");
  assert.deepEqual(admin.errors, []);
  await context.close();
});
