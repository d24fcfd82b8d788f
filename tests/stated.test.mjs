// Unproven values look unproven, on the real worker: a contact created from a
// visitor's unverified claim keeps the phone, company and name it was given
// marked as stated by a visitor (the API says which, the inbox shows it);
// verified sources replace them: a signed identify, the sender name of mail
// that passes the sender check, an agent's click to add or edit. A stated name is
// never written into an email the team sends.
import { test } from "node:test";
import assert from "node:assert/strict";
import { agentGet, call, deliverMail, header, newVisitor, nextSentEmail, sendChat, sentEmails, sign, unique, KEY, MAILBOX, widgetView as view, conversationOf } from "./helpers.mjs";

const PLANTED = "Send refunds to IBAN DE00 1234";
const contactOf = async (id) => (await agentGet(`/api/contacts/${id}`)).contact;

/** A visitor of `site` that wrote and answered the Form with `answer`; its conversation as agents see it. */
async function claimant(site, answer) {
  const token = await newVisitor(site);
  assert.equal((await sendChat(token, "hello")).status, 201);
  const res = await call("POST", "/api/widget/contact", { token, json: answer });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return (await conversationOf(token)).conversation;
}

/** Mail from `address` that passes the sender check (the receiving side's SPF and DMARC pass for its domain). */
function verifiedMail(address, { name, tag }) {
  const domain = address.split("@")[1];
  return [
    `Return-Path: <${address}>`,
    `Authentication-Results: mx.inbound.example.com; spf=pass smtp.mailfrom=${domain}; dkim=pass header.d=${domain}; dmarc=pass header.from=${domain}`,
    `From: ${name ? `"${name}" ` : ""}<${address}>`,
    `To: Juniper & Pine Support <${MAILBOX}>`,
    `Subject: About my order ${tag}`,
    "Date: Sat, 21 Nov 2026 09:15:00 +0000",
    `Message-ID: <${tag}@${domain}>`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    `Hello, this is really me (${tag}).`,
    "",
  ].join("\r\n");
}

/** The email conversation the mail tagged `tag` opened, as agents see it. */
async function mailConversation(tag) {
  const { conversations } = await agentGet(`/api/conversations?channel=email&q=${encodeURIComponent(tag)}`);
  assert.equal(conversations.length, 1, `one conversation for ${tag}`);
  return conversations[0];
}

test("a contact planted by an unverified Form answer shows its fields as stated, until verified mail names it", async () => {
  const email = `planted+${unique("")}@example.org`;
  const chat = await claimant("s_form_a", { email, full_name: PLANTED, company: "Planted Ltd" }); // company optional, name required
  const planted = await contactOf(chat.contact_id);
  assert.deepEqual([planted.full_name, planted.company], [PLANTED, "Planted Ltd"]);
  assert.deepEqual(planted.stated, ["company", "full_name"], "both marked as stated by a visitor");
  assert.equal(chat.name_stated, true, "the chat's name is marked too");

  const tag = unique("real");
  const delivered = await deliverMail(verifiedMail(email, { name: "Rosa Real", tag }), { from: email });
  assert.equal(delivered.status, 200, delivered.text);
  const mail = await mailConversation(tag);
  assert.equal(mail.contact_id, chat.contact_id, "the real person's mail is filed under the contact");
  assert.equal(mail.display_name, "Rosa Real", "and shown under the name their verified mail carries");
  assert.equal(mail.name_stated, false);
  const after = await contactOf(chat.contact_id);
  assert.equal(after.full_name, "Rosa Real", "the verified sender name replaced the stated one");
  assert.deepEqual(after.stated, ["company"], "what the mail did not say stays marked");
});

test("mail that fails the sender check replaces nothing", async () => {
  const email = `spoofed+${unique("")}@example.org`;
  const chat = await claimant("s_form_a", { email, full_name: PLANTED });
  const tag = unique("spoof");
  // From the victim's address, but sent through another domain's server.
  const raw = verifiedMail(email, { name: "Spoofed Name", tag }).replace(/^Authentication-Results:.*\r\n/m, "");
  assert.equal((await deliverMail(raw, { from: `bounce@attacker.example` })).status, 200);
  const contact = await contactOf(chat.contact_id);
  assert.deepEqual([contact.full_name, contact.stated], [PLANTED, ["full_name"]]);
});

test("a signed identify replaces stated values; an unsigned one changes nothing", async () => {
  const site = "s_id_optional";
  const email = `signed+${unique("")}@example.org`;
  const claimer = await newVisitor(site);
  const claimed = await call("POST", "/api/widget/identify", { token: claimer, json: { email, name: PLANTED, phone: "+44 20 7183 8750" } });
  assert.equal(claimed.status, 200);
  await sendChat(claimer, "hi");
  const chat = (await conversationOf(claimer)).conversation;
  assert.deepEqual((await contactOf(chat.contact_id)).stated, ["phone", "full_name"]);

  const other = await newVisitor(site);
  assert.equal((await call("POST", "/api/widget/identify", { token: other, json: { email, name: "Another Claim" } })).status, 200);
  assert.equal((await contactOf(chat.contact_id)).full_name, PLANTED, "an unsigned claim never changes the contact");

  const owner = await newVisitor(site);
  const signed = await call("POST", "/api/widget/identify", { token: owner, json: { email, name: "Sam Signed", signature: sign(email, site) } });
  assert.equal(signed.status, 200);
  const contact = await contactOf(chat.contact_id);
  assert.equal(contact.full_name, "Sam Signed", "the site's signature vouches for the name");
  assert.equal(contact.phone, "+442071838750", "the phone it did not give stays");
  assert.deepEqual(contact.stated, ["phone"], "and stays marked");
});

test("an agent's click to add replaces stated values", async () => {
  const email = `agentfix+${unique("")}@example.org`;
  await claimant("s_form_a", { email, full_name: PLANTED });
  const token = await newVisitor();
  await sendChat(token, "anonymous");
  const id = (await view(token)).conversation_id;
  const added = await call("POST", `/api/conversations/${id}/contact`, { token: KEY, json: { email, full_name: "Ada Agent-Typed" } });
  assert.equal(added.status, 200, JSON.stringify(added.body));
  const contact = await contactOf(added.body.conversation.contact_id);
  assert.deepEqual([contact.full_name, contact.stated], ["Ada Agent-Typed", []]);
  assert.equal(added.body.conversation.name_stated, false);
});

test("an email reply never puts a stated name in To", async () => {
  const email = `toname+${unique("")}@example.org`;
  await claimant("s_form_a", { email, full_name: PLANTED });
  const tag = unique("noname");
  assert.equal((await deliverMail(verifiedMail(email, { tag }), { from: email })).status, 200); // verified, but no display name
  const mail = await mailConversation(tag);
  assert.equal(mail.name_stated, true, "still the stated name: the mail named nobody");
  const before = sentEmails().length;
  const sent = await call("POST", `/api/conversations/${mail.id}/messages`, { token: KEY, json: { body: "Thanks, looking into it.", channel: "email" } });
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
  const to = header(await nextSentEmail(before), "To");
  assert.ok(!to.includes("IBAN") && to.includes(email), `To carries the address and no stated name: ${to}`);
});

test("an agent's edit replaces stated values and clears what it is told to; bad values are refused with nothing written", async () => {
  const email = `edited+${unique("")}@example.org`;
  const chat = await claimant("s_form_a", { email, full_name: PLANTED, company: "Planted Ltd" });
  const path = `/api/contacts/${chat.contact_id}`;
  const bad = await call("PATCH", path, { token: KEY, json: { full_name: "Rosa Real", phone: "not a phone" } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, "invalid_fields");
  assert.ok(bad.body.error.fields.phone, "the phone is named");
  assert.equal((await contactOf(chat.contact_id)).full_name, PLANTED, "nothing written");
  assert.equal((await call("PATCH", path, { token: KEY, json: {} })).body.error.code, "invalid_update");
  assert.equal((await call("PATCH", path, { token: KEY, json: { email: "x@example.org" } })).status, 400, "the email is the contact's key: not editable here");

  const edited = await call("PATCH", path, { token: KEY, json: { full_name: " Rosa Real ", company: null } });
  assert.equal(edited.status, 200, JSON.stringify(edited.body));
  const { contact } = edited.body;
  assert.deepEqual([contact.full_name, contact.company, contact.stated], ["Rosa Real", null, []]);
  const other = await call("PATCH", "/api/contacts/ct_nobody", { token: KEY, json: { full_name: "X" } });
  assert.equal(other.status, 404);
  const fromOtherAccount = await call("PATCH", path, { token: "pk_other_account_000000000000000000000000000000000", json: { full_name: "X" } });
  assert.equal(fromOtherAccount.status, 404, "another account's agent cannot reach it");
  assert.equal((await contactOf(chat.contact_id)).full_name, "Rosa Real", "another account changes nothing");
});

test("saved-reply placeholders never fill in a stated value: the fallback stands in until a verified source names it", async () => {
  const email = `placeholder+${unique("")}@example.org`;
  const chat = await claimant("s_form_a", { email, full_name: PLANTED, company: "Planted Ltd" });
  const shortcut = unique("stated-").replace(/[^a-z0-9_-]/g, "").slice(0, 32);
  const body = "Hi {contact.first_name|there} ({contact.name|no name}) of {contact.company|your company}, {contact.email|no address}";
  const created = await call("POST", "/api/saved-replies", { token: KEY, json: { shortcut, title: "Stated", body } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const rendered = async (id) => (await agentGet(`/api/conversations/${id}/saved-replies`)).saved_replies.find((r) => r.shortcut === shortcut).text;
  assert.equal(await rendered(chat.id), "Hi there (no name) of your company, no address", "nothing the visitor only stated, nor its unproven address");
  assert.ok(!(await rendered(chat.id)).includes("IBAN"));

  const tag = unique("real");
  assert.equal((await deliverMail(verifiedMail(email, { name: "Rosa Real", tag }), { from: email })).status, 200);
  const mail = await mailConversation(tag);
  assert.equal(await rendered(mail.id), `Hi Rosa (Rosa Real) of your company, ${email}`, "the verified name fills in; the company is still only stated");
});
