// Trust between visitors, contacts and agents, on the real worker: a visitor
// sees only its own thread, in the visitor's shape; an unverified claim of an
// email is recorded, changes no contact and grants nothing; the agent is asked
// before emailing an address nobody proved; spam is hidden and its visitor
// blocked; and the inbox pages with a cursor, so it cannot be drowned.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  agentGet, call, deliverMail, header, mailFixture, newVisitor, nextSentEmail, replyAddress, sendChat, sentEmails, sign, sql, unique, KEY,
  widgetView as view, form, identify, conversationOf,
} from "./helpers.mjs";

/** What the widget may receive of a message: nothing more (its files as {id, filename, content_type, size}). */
const VISITOR_FIELDS = ["attachments", "author", "author_name", "body", "client_message_id", "conversation_id", "created_at", "id", "seq", "state"];


/** A contact who wrote in by email, with no name or phone on file yet. */
async function emailContact() {
  const tag = unique("");
  const address = `owner+${tag}@example.org`;
  const v = { From: address, from: address, id: `${tag}@mail.example.org`, marker: tag };
  await deliverMail(mailFixture("plain.eml", v), { from: address });
  const conversation = (await agentGet(`/api/conversations?channel=email&q=${encodeURIComponent(address)}`)).conversations[0];
  return { address, tag, contactId: conversation.contact_id };
}

test("an impostor who types someone's email never reads the mail exchanged with them", async () => {
  const owner = await emailContact();
  const impostor = await newVisitor();
  await sendChat(impostor, "hi, about my order");
  assert.equal((await form(impostor, { email: owner.address })).status, 200);
  const { conversation } = await conversationOf(impostor);
  assert.equal(conversation.contact_id, owner.contactId, "the claim is filed under the contact with that email");
  assert.equal(conversation.unverified_email, owner.address, "and marked: email not verified");

  const draft = await call("GET", `/api/conversations/${conversation.id}/email-draft`, { token: KEY });
  assert.equal(draft.body.to_unverified, true);
  const unconfirmed = await call("POST", `/api/conversations/${conversation.id}/messages`, { token: KEY, json: { body: "Your refund is on its way.", channel: "email" } });
  assert.equal(unconfirmed.status, 409);
  assert.equal(unconfirmed.body.error.code, "confirm_unverified_email");
  assert.match(unconfirmed.body.error.message, /someone other than the person chatting/);
  assert.equal((await agentGet(`/api/conversations/${conversation.id}`)).messages.length, 1, "nothing was sent or stored");

  const before = sentEmails().length;
  const confirmed = await call("POST", `/api/conversations/${conversation.id}/messages`, {
    token: KEY, json: { body: "Your refund is on its way.", channel: "email", confirm_unverified: owner.address },
  });
  assert.equal(confirmed.status, 201, JSON.stringify(confirmed.body));
  await nextSentEmail(before);
  // The real owner answers the signed reply address, quoting the agent's mail.
  const answer = { From: owner.address, from: owner.address, id: `${owner.tag}.answer@mail.example.org`, marker: `${owner.tag}-answer`, parent: "unrelated@example.org" };
  const delivered = await deliverMail(mailFixture("reply.eml", answer), { from: owner.address, to: replyAddress(conversation.id) });
  assert.equal(delivered.status, 200, delivered.text);
  const thread = (await agentGet(`/api/conversations/${conversation.id}`)).messages;
  assert.equal(thread.length, 3, "the owner's answer threads into the chat, for the agents");

  const seen = await view(impostor);
  assert.deepEqual(seen.messages.map((m) => m.body), ["hi, about my order"], "no email reaches the impostor's widget");
  for (const m of seen.messages) assert.deepEqual(Object.keys(m).sort(), VISITOR_FIELDS, "the visitor's shape, never email headers or HTML");
  assert.ok(!JSON.stringify(seen).includes(owner.address), "the owner's address is not in anything the widget receives");
});

test("a verified visitor sees the email exchanged with its contact, in the visitor's shape", async () => {
  const address = `verified+${unique("")}@example.org`;
  const token = await newVisitor("s_id_optional");
  await identify(token, { email: address, signature: sign(address, "s_id_optional") });
  await sendChat(token, "please email me the invoice");
  const { conversation } = await conversationOf(token);
  assert.equal(conversation.unverified_email, null, "a verified tie is not marked");
  // s_id_optional has no email channel, so the email this contact exchanged is arranged in D1 directly.
  const emailed = `m_${unique("")}0000000000000000000000`;
  await sql(`INSERT INTO messages (id, conversation_id, site_id, direction, author, body, email_message_id, email_headers, created_at)
       VALUES ('${emailed}', '${conversation.id}', 's_id_optional', 'inbound', 'contact', 'invoice attached', '${emailed}@example.org', '{"to":["x@example.org"]}', ${Date.now()})`);
  const seen = await view(token);
  assert.deepEqual(seen.messages.map((m) => m.body), ["please email me the invoice", "invoice attached"]);
  for (const m of seen.messages) assert.deepEqual(Object.keys(m).sort(), VISITOR_FIELDS);
});

test("an unverified Form answer records what was said and changes nothing of an existing contact", async () => {
  const owner = await emailContact();
  const token = await newVisitor("s_form_a"); // company optional, full name required
  await sendChat(token, "hello");
  const res = await form(token, { email: owner.address.toUpperCase(), full_name: "Eve Mallory", company: "Mallory Ltd" });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.visitor.verified, false);
  const { contact } = await agentGet(`/api/contacts/${owner.contactId}`);
  assert.deepEqual([contact.full_name, contact.company], [null, null], "the claim filled nothing");
  const { claim } = await conversationOf(token);
  assert.deepEqual(claim, { email: owner.address, phone: null, company: "Mallory Ltd", full_name: "Eve Mallory" }, "what the visitor said is recorded");
});

test("required mode: an unverified Form answer attaches to no contact and is marked for the agents", async () => {
  const owner = await emailContact();
  const token = await newVisitor("s_id_required");
  await sendChat(token, "I am the owner, honest");
  assert.equal((await form(token, { email: owner.address })).status, 200);
  const state = (await view(token)).visitor;
  assert.ok(state.known.includes("email"), "the Form is not asked again");
  const { conversation, claim } = await conversationOf(token);
  assert.equal(conversation.contact_id, null, "never attached to the existing contact");
  assert.equal(conversation.unverified_email, owner.address);
  assert.equal(claim.email, owner.address);
  const { conversations } = await agentGet(`/api/contacts/${owner.contactId}`);
  assert.ok(!conversations.some((c) => c.id === conversation.id), "not in the contact's conversations");
});

test("spam is hidden from the default list and its visitor may not write again", async () => {
  const marker = unique("spam ");
  const token = await newVisitor();
  await sendChat(token, marker);
  const id = (await view(token)).conversation_id;
  const inList = async (query = "") => (await agentGet(`/api/conversations?limit=100${query}`)).conversations.some((c) => c.id === id);
  assert.equal(await inList(), true);

  const marked = await call("PATCH", `/api/conversations/${id}`, { token: KEY, json: { spam: true } });
  assert.equal(marked.status, 200);
  assert.ok(marked.body.conversation.spam_at > 0);
  assert.equal(await inList(), false, "hidden from the default list");
  assert.equal(await inList("&spam=true"), true, "listed under spam");
  const blocked = await sendChat(token, "more spam");
  assert.equal(blocked.status, 403);
  assert.equal(blocked.body.error.code, "visitor_blocked");
  assert.equal((await view(token)).messages.length, 1, "nothing was stored");

  await call("PATCH", `/api/conversations/${id}`, { token: KEY, json: { spam: false } });
  assert.equal(await inList(), true);
  assert.equal((await sendChat(token, "sorry, a real question")).status, 201);
  assert.equal((await call("PATCH", `/api/conversations/${id}`, { token: KEY, json: { spam: "yes" } })).body.error.code, "invalid_update");
});

test("the conversation list pages with a cursor: every conversation once, newest first", async () => {
  for (let i = 0; i < 5; i++) await sendChat(await newVisitor(), unique("page "));
  const all = (await agentGet("/api/conversations")).conversations;
  const seen = [];
  let next = null;
  for (let page = 0; page < 200; page++) {
    const res = await agentGet(`/api/conversations?limit=3${next ? `&before=${encodeURIComponent(next)}` : ""}`);
    assert.ok(res.conversations.length <= 3);
    seen.push(...res.conversations.map((c) => c.id));
    next = res.next;
    if (!next) break;
  }
  assert.equal(new Set(seen).size, seen.length, "no conversation twice");
  assert.deepEqual(seen.slice(0, all.length), all.map((c) => c.id), "the same order as one page");
  for (const [bad, code] of [["before=nonsense", "invalid_cursor"], ["before=12.x%20y", "invalid_cursor"], ["limit=0", "invalid_filter"], ["limit=101", "invalid_filter"]]) {
    const res = await call("GET", `/api/conversations?${bad}`, { token: KEY });
    assert.equal(res.status, 400, bad);
    assert.equal(res.body.error.code, code);
  }
});

test("a confirmation names the address confirmed: a claim changed since the draft is asked again", async () => {
  const visitor = await newVisitor();
  await sendChat(visitor, "please email me");
  const [first, second] = [`first+${unique("")}@example.org`, `second+${unique("")}@example.org`];
  assert.equal((await form(visitor, { email: first })).status, 200);
  const { conversation } = await conversationOf(visitor);
  const draft = await call("GET", `/api/conversations/${conversation.id}/email-draft`, { token: KEY });
  assert.deepEqual([draft.body.to, draft.body.to_unverified], [first, true], "the agent is shown the first address");
  assert.equal((await form(visitor, { email: second })).status, 200);
  const reply = (confirm) => call("POST", `/api/conversations/${conversation.id}/messages`, {
    token: KEY, json: { body: "Your invoice.", channel: "email", confirm_unverified: confirm },
  });
  const before = sentEmails().length;
  const stale = await reply(first);
  assert.deepEqual([stale.status, stale.body.error?.code], [409, "confirm_unverified_email"], "the agent confirmed another address");
  const transcript = await call("POST", `/api/conversations/${conversation.id}/transcript`, {
    token: KEY, json: { idempotency_key: crypto.randomUUID(), confirm_unverified: first },
  });
  assert.deepEqual([transcript.status, transcript.body.error?.code], [409, "confirm_unverified_email"], "nor a transcript");
  assert.equal(sentEmails().length, before, "nothing went to the address the agent never saw");
  assert.equal((await reply(second)).status, 201, "confirming the address now shown sends");
  assert.match(header(await nextSentEmail(before), "To"), new RegExp(second.replace(/[+.]/g, "\\$&")));
});

test("racing a new claim against the agent's 'Send anyway' never mails an address the agent did not confirm", async () => {
  const outcomes = { sent: 0, asked: 0 };
  for (let round = 0; round < 8; round++) {
    const visitor = await newVisitor();
    await sendChat(visitor, "please email me");
    const [confirmed, other] = [`confirmed+${unique("")}@example.org`, `other+${unique("")}@example.org`];
    assert.equal((await form(visitor, { email: confirmed })).status, 200);
    const { conversation } = await conversationOf(visitor);
    const before = sentEmails().length;
    const [claim, sent] = await Promise.all([
      form(visitor, { email: other }),
      call("POST", `/api/conversations/${conversation.id}/messages`, {
        token: KEY, json: { body: `Round ${round}`, channel: "email", confirm_unverified: confirmed },
      }),
    ]);
    assert.equal(claim.status, 200, JSON.stringify(claim.body));
    if (sent.status === 201) {
      outcomes.sent++;
      assert.match(header(await nextSentEmail(before), "To"), new RegExp(confirmed.replace(/[+.]/g, "\\$&")), "only to the confirmed address");
    } else {
      outcomes.asked++;
      assert.deepEqual([sent.status, sent.body.error?.code], [409, "confirm_unverified_email"], JSON.stringify(sent.body));
      assert.equal((await agentGet(`/api/conversations/${conversation.id}`)).messages.length, 1, "nothing stored");
    }
  }
  const all = sentEmails().map((path) => header(readFileSync(path, "utf8"), "To"));
  assert.ok(!all.some((to) => /other\+/.test(to)), "no email ever went to an address the agent was not shown");
  assert.equal(outcomes.sent + outcomes.asked, 8);
});
