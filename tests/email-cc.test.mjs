// Conversations with more than one person, on the real worker: the Cc of
// inbound mail (through the real email handler) is kept on the conversation,
// offered again by the email draft, and an email reply goes to the contact
// copied to it, with blind copies delivered by the send_email binding (one
// .eml per recipient, read back) and never named; bad lists are refused with
// 400 and nothing sent or written; a reply from someone copied threads in
// under their own contact. In Chromium: the composer's Cc and Bcc fields and
// the thread's "Cc" line, by keyboard, axe-clean.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { KEY, call, deliverMail, spfPass, header, sentEmails, sql, unique, launchChromium, signInToInbox, eventually } from "./helpers.mjs";
import { axeViolations } from "./axe.mjs";

const MAILBOX = "help@copies.inbound.example.com";
const HANDLED = "Worker successfully processed email";

let browser;
before(async () => {
  browser = await launchChromium();
});
after(() => browser?.close());

/** Fresh people and ids for one test. */
function people() {
  const tag = unique("");
  return {
    mia: `mia+${tag}@example.org`,
    ben: `ben+${tag}@example.net`,
    dee: `dee+${tag}@example.com`,
    id: `${tag}.cc@mail.example.org`,
    marker: `office-${tag}`,
  };
}

/** Mia's message to the mailbox, copying `cc` (a header value). */
function fromMia(p, cc, id = p.id) {
  return [
    spfPass(p.mia),
    `From: "Mia Chen" <${p.mia}>`,
    `To: Copies Support <${MAILBOX}>`,
    `Cc: ${cc}`,
    "Subject: Order for the office",
    "Date: Sat, 21 Nov 2026 09:15:00 +0000",
    `Message-ID: <${id}>`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    `Hello, Ben from our office is copied: he takes the delivery (${p.marker}).`,
    "",
  ].join("\r\n");
}

/** The email conversation whose contact is `email`, as a thread. */
async function threadOf(email) {
  const { conversations } = (await call("GET", `/api/conversations?channel=email&q=${encodeURIComponent(email)}`, { token: KEY })).body;
  const found = conversations.filter((c) => c.contact_email === email);
  assert.equal(found.length, 1, `one conversation with ${email}`);
  return (await call("GET", `/api/conversations/${found[0].id}`, { token: KEY })).body;
}

/** Mia's conversation, Cc'ing Ben (and the mailbox and Mia herself, which are not kept). */
async function conversationCopyingBen(p) {
  const cc = `"Ben Stone" <${p.ben}>, ${MAILBOX},\r\n Mia Chen <${p.mia}>`;
  assert.equal((await deliverMail(fromMia(p, cc), { from: p.mia, to: MAILBOX })).text, HANDLED);
  return threadOf(p.mia);
}

const reply = (id, json) => call("POST", `/api/conversations/${id}/messages`, { token: KEY, json });

/** The .eml files the binding wrote since `before`, once there are `count` of them. */
async function newEmails(before, count) {
  // The log line reaches the file a moment after the answer.
  const paths = await eventually(() => sentEmails().length >= before + count && sentEmails(),
    { what: () => `${count} emails (saw ${sentEmails().length - before})`, timeout: 5000 });
  return paths.slice(before).map((p) => readFileSync(p, "utf8"));
}

test("inbound Cc is kept; the reply copies it by default and delivers the Bcc unnamed", async () => {
  const p = people();
  const thread = await conversationCopyingBen(p);
  assert.deepEqual(thread.cc, [{ address: p.ben, name: "Ben Stone" }], "neither the mailbox nor the contact is kept");
  const id = thread.conversation.id;

  const draft = (await call("GET", `/api/conversations/${id}/email-draft`, { token: KEY })).body;
  assert.deepEqual([draft.to, draft.cc, draft.max_recipients], [p.mia, [p.ben], 10]);

  const before = sentEmails().length;
  const sent = await reply(id, { body: "It ships Monday.", channel: "email", bcc: [p.dee] });
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
  assert.deepEqual([sent.body.message.email_headers.cc, sent.body.message.email_headers.bcc], [[p.ben], [p.dee]]);
  const emails = await newEmails(before, 3);
  assert.equal(emails.length, 3, "one message per recipient: Mia, Ben, and Dee blind");
  assert.ok(emails.every((e) => e === emails[0]), "every recipient gets the same message");
  const [eml] = emails;
  assert.equal(header(eml, "To"), `"Mia Chen" <${p.mia}>`);
  assert.equal(header(eml, "Cc"), `<${p.ben}>`);
  assert.equal(header(eml, "Bcc"), undefined);
  assert.ok(!eml.includes(p.dee), "the blind copy is named nowhere in the message");

  // Ben answers all, to the mailbox: by its References his reply threads into Mia's conversation, under his own contact.
  const benReply = [
    spfPass(p.ben),
    `From: Ben Stone <${p.ben}>`,
    `To: ${MAILBOX}`,
    `Cc: Mia Chen <${p.mia}>`,
    "Subject: Re: Order for the office",
    `Message-ID: <ben.${p.id}>`,
    `In-Reply-To: ${header(eml, "Message-ID")}`,
    `References: <${p.id}> ${header(eml, "Message-ID")}`,
    "Content-Type: text/plain; charset=utf-8",
    "",
    `I will be at the door from nine (${p.marker}-ben).`,
    "",
  ].join("\r\n");
  assert.equal((await deliverMail(benReply, { from: p.ben, to: MAILBOX })).text, HANDLED);
  const after = (await call("GET", `/api/conversations/${id}`, { token: KEY })).body;
  const last = after.messages.at(-1);
  assert.match(last.body, /door from nine/);
  assert.equal(after.conversation.contact_email, p.mia, "the conversation's contact is still Mia");
  assert.notEqual(last.contact_id, after.conversation.contact_id, "Ben's message is Ben's");
  const [ben] = await sql(`SELECT email FROM contacts WHERE id = '${last.contact_id}'`);
  assert.equal(ben.email, p.ben);
  assert.deepEqual(after.cc.map((c) => c.address), [p.ben], "Mia (the contact) is not added as a copy");

  // His export (GDPR art. 15) names the conversations that copy him; erasing him (art. 17) takes his address off them.
  const exported = (await call("GET", `/api/contacts/${last.contact_id}/export`, { token: KEY })).body;
  assert.deepEqual(exported.copied_on.map((c) => [c.conversation_id, c.address]), [[id, p.ben]], "the export lists the copy");
  assert.equal((await call("DELETE", `/api/contacts/${last.contact_id}`, { token: KEY })).status, 200);
  assert.deepEqual((await call("GET", `/api/conversations/${id}`, { token: KEY })).body.cc, []);
});

test("the agent's Cc replaces the conversation's; an unverified sender copies no one", async () => {
  const p = people();
  const { conversation } = await conversationCopyingBen(p);
  const before = sentEmails().length;
  const sent = await reply(conversation.id, { body: "Only to you this time.", channel: "email", cc: [` ${p.dee.toUpperCase()} `] });
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
  const [eml] = await newEmails(before, 2);
  assert.equal(header(eml, "Cc"), `<${p.dee}>`);
  const thread = (await call("GET", `/api/conversations/${conversation.id}`, { token: KEY })).body;
  assert.deepEqual(thread.cc, [{ address: p.dee, name: null }], "what the agent sent to is the Cc from now on");
  const none = await reply(conversation.id, { body: "And nobody else.", channel: "email", cc: [] });
  assert.equal(none.status, 201);
  assert.deepEqual((await call("GET", `/api/conversations/${conversation.id}/email-draft`, { token: KEY })).body.cc, []);

  // Anyone can write any From: mail the envelope does not back adds no copies.
  const q = people();
  const forged = fromMia(q, `Eve <eve+${q.id}@evil.example>`);
  assert.equal((await deliverMail(forged, { from: "bounce@elsewhere.example", to: MAILBOX })).text, HANDLED);
  const stored = (await sql(`SELECT conversation_id FROM messages WHERE email_message_id = '${q.id}'`))[0];
  assert.deepEqual((await call("GET", `/api/conversations/${stored.conversation_id}`, { token: KEY })).body.cc, []);
});

test("bad Cc or Bcc: 400 with a readable message, nothing sent or written", async () => {
  const p = people();
  const { conversation } = await conversationCopyingBen(p);
  const id = conversation.id;
  const count = async () => (await sql(`SELECT COUNT(*) AS n FROM messages WHERE conversation_id = '${id}'`))[0].n;
  const [messages, emails] = [await count(), sentEmails().length];
  const eleven = Array.from({ length: 10 }, (_, i) => `p${i}+${p.marker}@example.org`);
  for (const [json, code] of [
    [{ cc: ["ben@"] }, "cc_invalid"],
    [{ cc: [`Ben <${p.ben}>`] }, "cc_invalid"],
    [{ bcc: ["not an address"] }, "bcc_invalid"],
    [{ cc: [`x@example.org\r\nBcc: ${p.dee}`] }, "cc_invalid"],
    [{ bcc: [`support@juniper.inbound.example.com`] }, "recipient_is_a_mailbox"],
    [{ cc: eleven.slice(0, 5), bcc: eleven.slice(5) }, "too_many_recipients"],
    [{ cc: "ben@example.org" }, null], // not a list: the JSON is refused as a whole
  ]) {
    const res = await reply(id, { body: "Hello", channel: "email", ...json });
    assert.equal(res.status, 400, JSON.stringify(json));
    if (code) assert.equal(res.body.error.code, code, JSON.stringify(res.body));
    assert.ok(res.body.error.message.length > 20, res.body.error.message);
  }
  const chat = await reply(id, { body: "Hello", channel: "chat", cc: [p.ben] });
  assert.equal(chat.status, 400);
  assert.equal(await count(), messages, "no message was written");
  assert.equal(sentEmails().length, emails, "no email was sent");
  assert.deepEqual((await call("GET", `/api/conversations/${id}`, { token: KEY })).body.cc.map((c) => c.address), [p.ben], "the Cc is as it was");
});

test("mail arriving at once never keeps more than 9 copies on a conversation", async () => {
  const p = people();
  const { conversation } = await conversationCopyingBen(p);
  // Two replies of Mia's, each copying six more people, delivered together.
  const copies = (n) => Array.from({ length: 6 }, (_, i) => `c${n}${i}+${p.marker}@example.org`).join(", ");
  const raced = [1, 2].map((n) => {
    const raw = fromMia(p, copies(n), `${n}.${p.id}`).replace("Subject:", `In-Reply-To: <${p.id}>\r\nSubject:`);
    return deliverMail(raw, { from: p.mia, to: MAILBOX });
  });
  for (const res of await Promise.all(raced)) assert.equal(res.text, HANDLED);
  const thread = (await call("GET", `/api/conversations/${conversation.id}`, { token: KEY })).body;
  assert.equal(thread.messages.length, 3, "both replies threaded in");
  assert.equal(thread.cc.length, 9, JSON.stringify(thread.cc));
  assert.equal(thread.cc[0].address, p.ben, "the earliest copies stay");
});

test("in the inbox, the composer offers the Cc, takes a Bcc, and the thread shows both", async () => {
  const p = people();
  await conversationCopyingBen(p);
  const context = await browser.newContext({ bypassCSP: true }); // axe is injected as a script
  const agent = await signInToInbox(context);
  await agent.locator("#list button", { hasText: p.mia }).click();
  await agent.locator("#thread .thread-cc", { hasText: p.ben }).waitFor();
  await agent.locator("#via-email:not([disabled])").waitFor();
  await agent.locator("#via-email").focus();
  await agent.keyboard.press("Space");
  const cc = agent.getByLabel("Cc", { exact: true });
  const bcc = agent.getByLabel("Bcc", { exact: true });
  assert.equal(await cc.inputValue(), p.ben, "the conversation's Cc, ready to edit");
  assert.equal(await bcc.inputValue(), "");
  assert.deepEqual(await axeViolations(agent, "#thread"), []);

  await bcc.focus();
  await agent.keyboard.type("not-an-address");
  await agent.locator("#reply-body").fill("See you Monday.");
  await agent.locator("#composer button[type=submit]").focus();
  await agent.keyboard.press("Enter");
  await agent.locator("#composer [role=alert]", { hasText: "Bcc must be an email address" }).waitFor();
  assert.deepEqual(await axeViolations(agent, "#thread"), [], "the refusal is announced accessibly");

  const before = sentEmails().length;
  await bcc.fill(p.dee);
  await agent.locator("#composer button[type=submit]").focus();
  await agent.keyboard.press("Enter");
  await agent.locator("#thread .email-copies", { hasText: `Bcc: ${p.dee}` }).waitFor();
  await agent.locator("#thread .email-copies", { hasText: `Cc: ${p.ben}` }).first().waitFor();
  assert.equal((await newEmails(before, 3)).length, 3);
  assert.deepEqual(agent.errors, []);
  await context.close();
});
