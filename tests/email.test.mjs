// Inbound mail through the worker's real email handler (the path Cloudflare
// Email Routing calls), parsed with mail-parser and stored in local D1; read
// back through the agent API.
import { test } from "node:test";
import assert from "node:assert/strict";
import { agentGet, deliverMail, mailFixture, sql, unique, KEY } from "./helpers.mjs";

const HANDLED = "Worker successfully processed email";

/** A fresh sender and Message-ID, so each test owns its rows. */
function fresh() {
  const tag = unique("");
  return { From: `Mia.Chen+${tag}@Example.org`, from: `mia.chen+${tag}@example.org`, id: `${tag}.plain@mail.example.org`, marker: `order-${tag}` };
}

async function emailConversationWith(marker) {
  const { conversations } = await agentGet("/api/conversations?channel=email");
  const found = [];
  for (const c of conversations) {
    const { messages } = await agentGet(`/api/conversations/${c.id}`);
    if (messages.some((m) => m.body.includes(marker))) found.push({ conversation: c, messages });
  }
  return found;
}

test("a plain message becomes an email conversation with a new contact", async () => {
  const v = fresh();
  const res = await deliverMail(mailFixture("plain.eml", v), { from: v.from });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.text, HANDLED);

  const found = await emailConversationWith(v.marker);
  assert.equal(found.length, 1);
  const [{ conversation, messages }] = found;
  assert.equal(conversation.channel, "email");
  assert.equal(conversation.status, "open");
  assert.equal(conversation.subject, "Where is my order? ☕", "encoded-word subject is decoded");
  assert.equal(conversation.contact_email, v.from, "the address is matched case-insensitively");
  assert.equal(conversation.contact_name, "Mia Chen", "the display name names the new contact");
  assert.equal(messages.length, 1);
  assert.equal(messages[0].author, "contact");
  assert.equal(messages[0].direction, "inbound");
  assert.equal(messages[0].email_from, `Mia Chen <${v.from}>`);
  assert.match(messages[0].body, /^Hello,\n\nI ordered two tins of Morning Fog/);
});

test("the same Message-ID delivered twice is stored once", async () => {
  const v = fresh();
  const raw = mailFixture("plain.eml", v);
  for (let i = 0; i < 3; i++) assert.equal((await deliverMail(raw, { from: v.from })).text, HANDLED);
  const found = await emailConversationWith(v.marker);
  assert.equal(found.length, 1, "no second conversation");
  assert.equal(found[0].messages.length, 1, "no second message");
});

test("a reply with In-Reply-To joins the original conversation", async () => {
  const v = fresh();
  await deliverMail(mailFixture("plain.eml", v), { from: v.from });
  const reply = { ...v, id: `${v.marker}.reply@mail.example.org`, parent: v.id, marker: `${v.marker}-reply` };
  assert.equal((await deliverMail(mailFixture("reply.eml", reply), { from: v.from })).text, HANDLED);
  const [original] = await emailConversationWith(v.marker);
  assert.deepEqual(original.messages.map((m) => m.body.includes(reply.marker)), [false, true]);
  const contactConversations = (await agentGet("/api/conversations?channel=email")).conversations.filter((c) => c.contact_email === v.from);
  assert.equal(contactConversations.length, 1, "the reply opened no conversation of its own");
});

const REJECTED = "Worker rejected email with the following reason: ";

test("mail to an unknown mailbox is rejected with a reason, not dropped", async () => {
  const v = fresh();
  const res = await deliverMail(mailFixture("plain.eml", v), { from: v.from, to: "nobody@juniper.inbound.example.com" });
  assert.equal(res.status, 400);
  assert.equal(res.text, `${REJECTED}No mailbox nobody@juniper.inbound.example.com here.`);
  assert.equal((await emailConversationWith(v.marker)).length, 0);
});

test("mail whose From is not an address is rejected and the rejection is recorded for the site", async () => {
  const v = fresh();
  const raw = mailFixture("plain.eml", v).replace(/^From: .*$/m, "From: Mia Chen <mia at example dot org>");
  const res = await deliverMail(raw, { from: v.from });
  assert.equal(res.text, `${REJECTED}The From address is not a valid email address.`);
  const { rejections } = await agentGet("/api/email/rejections");
  const mine = rejections.find((r) => r.envelope_from === v.from);
  assert.ok(mine, "recorded");
  assert.equal(mine.reason, "The From address is not a valid email address.");
  assert.equal(mine.envelope_to, "support@juniper.inbound.example.com");
  assert.equal((await emailConversationWith(v.marker)).length, 0);
});

test("a From the envelope sender does not back is flagged and never names the contact", async () => {
  const v = fresh();
  const nameless = mailFixture("plain.eml", v).replace(/^From: .*$/m, `From: <${v.From}>`);
  assert.equal((await deliverMail(nameless, { from: v.from })).text, HANDLED);
  const [{ conversation: known }] = await emailConversationWith(v.marker);
  assert.equal((await agentGet(`/api/contacts/${known.contact_id}`)).contact.name_from_email, null, "a known contact without a name");

  const spoof = { ...v, id: `${v.marker}.spoof@mail.example.org`, marker: `${v.marker}-spoof` };
  const spoofed = mailFixture("plain.eml", spoof).replace(/^From: .*$/m, `From: "Mallory Mallet" <${v.From}>`);
  assert.equal((await deliverMail(spoofed, { from: "bulk@mailer.evil.example" })).text, HANDLED, "stored, not refused");
  const [{ conversation, messages }] = await emailConversationWith(spoof.marker);
  assert.equal(conversation.contact_id, known.contact_id, "filed under the contact the From names");
  assert.deepEqual(messages[0].flags, ["sender_unverified"]);
  assert.deepEqual(messages[0].email_headers.sender.aligned, false);
  assert.equal(messages[0].email_headers.sender.envelope_domain, "mailer.evil.example");
  const { contact } = await agentGet(`/api/contacts/${known.contact_id}`);
  assert.equal(contact.name_from_email, null, "the contact's empty name stays empty");

  const stranger = fresh();
  await deliverMail(mailFixture("plain.eml", stranger), { from: "someone@elsewhere.example" });
  const [{ conversation: opened }] = await emailConversationWith(stranger.marker);
  assert.equal(opened.contact_name, null, "a new contact is not named by an unverified From");

  // An SRS-shaped envelope names example.org, but SPF only vouched for the
  // forwarder: without a DMARC pass for example.org the From is a claim.
  const srs = (v) => `SRS0=h1=T2=example.org=${v.from.split("@")[0]}@forwarder.example.net`;
  const forwarded = fresh();
  const viaForwarder = mailFixture("plain.eml", forwarded).replace(/^ARC-Authentication-Results:.*\r\n\t.*\r\n/, "ARC-Authentication-Results: i=1; mx.cloudflare.net; spf=pass smtp.mailfrom=forwarder.example.net\r\n");
  await deliverMail(viaForwarder, { from: srs(forwarded) });
  const [{ conversation: unproven, messages: fwd }] = await emailConversationWith(forwarded.marker);
  assert.deepEqual([unproven.contact_name, fwd[0].flags], [null, ["sender_unverified"]], "an SRS envelope alone proves nothing");
  assert.equal(fwd[0].email_headers.sender.envelope_domain, "example.org", "the original sender is still shown");

  const passed = fresh();
  const withDmarc = mailFixture("plain.eml", passed).replace(/^ARC-Authentication-Results:.*\r\n\t.*\r\n/, "ARC-Authentication-Results: i=1; mx.cloudflare.net; arc=pass; dmarc=pass header.from=example.org; spf=pass smtp.mailfrom=forwarder.example.net\r\n");
  await deliverMail(withDmarc, { from: srs(passed) });
  const [{ conversation: kept, messages: dmarc }] = await emailConversationWith(passed.marker);
  assert.deepEqual([kept.contact_name, dmarc[0].flags, dmarc[0].email_headers.sender.verified_by], ["Mia Chen", [], "dmarc"], "forwarded mail DMARC passed for is verified");
});

test("spf=fail, softfail and permerror leave the sender unverified, and mail with no results too", async () => {
  for (const result of ["spf=fail", "spf=softfail", "spf=permerror", null]) {
    const v = fresh();
    let raw = mailFixture("plain.eml", v).replace(/^ARC-Authentication-Results:.*\r\n\t.*\r\n/, result ? `ARC-Authentication-Results: i=1; mx.cloudflare.net; ${result} smtp.mailfrom=${v.from}\r\n` : "");
    assert.equal((await deliverMail(raw, { from: v.from })).text, HANDLED);
    const [{ conversation, messages }] = await emailConversationWith(v.marker);
    assert.deepEqual([conversation.contact_name, messages[0].flags], [null, ["sender_unverified"]], String(result));
  }
});

test("a redelivered Message-ID never replaces the original", async () => {
  const v = fresh();
  const first = mailFixture("plain.eml", v);
  assert.equal((await deliverMail(first, { from: v.from })).text, HANDLED);
  const second = first.replace("nothing has arrived yet", "PLEASE WIRE MONEY TO ACCOUNT 1234");
  assert.equal((await deliverMail(second, { from: v.from })).text, HANDLED);
  const [{ messages }] = await emailConversationWith(v.marker);
  assert.equal(messages.length, 1);
  const res = await fetch(`${process.env.PARLEY_URL}/api/messages/${messages[0].id}/original`, { headers: { authorization: `Bearer ${KEY}` } });
  assert.equal(await res.text(), first, "the first bytes, byte for byte");
});

test("refusals of unroutable mail are recorded up to a daily cap, and still refused above it", async () => {
  const CAP = 500; // REJECTIONS_PER_DAY in edge/src/store/mail.rs
  const tag = unique("seed");
  const count = async () => (await sql("SELECT COUNT(*) AS n FROM email_rejections WHERE site_id IS NULL"))[0].n;
  const already = (await sql(`SELECT COUNT(*) AS n FROM email_rejections WHERE site_id IS NULL AND created_at > ${Date.now() - 86_400_000}`))[0].n;
  await sql(`WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ${Math.max(CAP - already, 0)})
       INSERT INTO email_rejections (id, site_id, envelope_from, envelope_to, size, reason, created_at)
       SELECT '${tag}' || i, NULL, 'flood@example.org', 'x@nowhere.example', 10, 'seeded', ${Date.now()} FROM k`);
  try {
    const before = await count();
    const v = fresh();
    const res = await deliverMail(mailFixture("plain.eml", v), { from: v.from, to: "anyone@unrouted.example" });
    assert.equal(res.status, 400);
    assert.equal(res.text, `${REJECTED}No mailbox anyone@unrouted.example here.`, "still refused with its reason");
    assert.equal(await count(), before, "but not recorded");
  } finally {
    await sql(`DELETE FROM email_rejections WHERE id LIKE '${tag}%'`);
  }
});
