// Visitors and contacts through the widget API, on the real worker and D1:
// the Form step's rules per site, contact matching, the 30-day window,
// identify() under each verification mode, and agent replies.
import { test } from "node:test";
import assert from "node:assert/strict";
import { call, newVisitor, sendChat, agentGet, deliverMail, mailFixture, sign, signWith, sql, unique, KEY, widgetView as view, form, identify, conversationOf } from "./helpers.mjs";

const DAY = 24 * 60 * 60 * 1000;
const email = (tag = unique("")) => `ada+${tag}@example.com`;

test("each site asks exactly its required fields, in every mode", async () => {
  const expected = {
    s_form_a: ["email", "full_name"],
    s_form_b: ["company", "email"],
    s_form_c: ["email", "phone"],
  };
  for (const [site, required] of Object.entries(expected)) {
    const token = await newVisitor(site);
    await sendChat(token, "hello");
    const res = await form(token, {});
    assert.equal(res.status, 400, site);
    assert.equal(res.body.error.code, "invalid_fields");
    assert.deepEqual(Object.keys(res.body.error.fields).sort(), required, site);
    for (const [field, err] of Object.entries(res.body.error.fields)) {
      assert.equal(err.code, `${field}_missing`);
    }
    const after = await view(token);
    assert.deepEqual([after.visitor.known, after.visitor.form_done], [[], false], "nothing written");
  }
});

test("hidden fields are ignored, optional ones may stay empty", async () => {
  const token = await newVisitor("s_form_a"); // phone hidden, company optional, name required
  await sendChat(token, "hi");
  const address = email();
  const res = await form(token, { email: address, phone: "+44 20 7183 8750", company: "  ", full_name: "Ada Lovelace" });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const { conversation } = await conversationOf(token);
  const { contact } = await agentGet(`/api/contacts/${conversation.contact_id}`);
  assert.deepEqual(
    [contact.email, contact.full_name, contact.phone, contact.company],
    [address, "Ada Lovelace", null, null],
  );
});

test("the worker re-checks every rule the widget checks", async () => {
  const token = await newVisitor("s_form_c"); // phone required
  const res = await form(token, { email: "ada at example", phone: "020 7183 8750" });
  assert.equal(res.status, 400);
  assert.deepEqual(
    Object.fromEntries(Object.entries(res.body.error.fields).map(([f, e]) => [f, e.code])),
    { email: "email_invalid", phone: "phone_invalid" },
  );
  const tooLong = await form(token, { email: email(), phone: "+442071838750", full_name: "x".repeat(101) });
  assert.equal(tooLong.body.error.fields.full_name.code, "too_long");
  const unknown = await form(token, { email: email(), phone: "+442071838750", is_admin: true });
  assert.equal(unknown.body.error.code, "malformed_json");
});

test("the form creates a contact who is never opted in, and attaches the earlier conversation", async () => {
  const token = await newVisitor("s_form_b");
  await sendChat(token, "anonymous first");
  await sendChat(token, "still anonymous");
  const { conversation: before } = await conversationOf(token);
  assert.equal(before.contact_id, null, "an anonymous visitor's chat is kept without a contact");

  const address = email();
  const res = await form(token, { email: `  ${address.toUpperCase()} `, company: "Analytical Engines Ltd" });
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.visitor.known, ["company", "email"]);
  assert.equal(res.body.visitor.form_done, true);

  const { conversation: after } = await conversationOf(token);
  assert.equal(after.id, before.id);
  assert.ok(after.contact_id, "the earlier conversation now belongs to the contact");
  const { contact, conversations } = await agentGet(`/api/contacts/${after.contact_id}`);
  assert.equal(contact.email, address, "trimmed and lower-cased");
  assert.equal(contact.company, "Analytical Engines Ltd");
  assert.equal(contact.marketing_opt_in, false, "never opted in");
  assert.equal(contact.source, "chat");
  assert.deepEqual(conversations.map((c) => c.id), [after.id]);
});

test("a known email files the chat under its contact, and an unverified Form answer changes none of its fields", async () => {
  const tag = unique("");
  const address = `mia.chen+${tag}@example.org`;
  const mail = { From: `Mia.Chen+${tag}@Example.org`, from: address, id: `${tag}@mail.example.org`, marker: tag };
  await deliverMail(mailFixture("plain.eml", mail), { from: address });
  const emailConversation = (await agentGet("/api/conversations?channel=email")).conversations.find((c) => c.contact_email === address);

  const first = await newVisitor("s_form_a");
  await sendChat(first, "hello from chat");
  await form(first, { email: address.toUpperCase(), full_name: "Mia Chen", company: "Teapots Inc" });
  const second = await newVisitor("s_form_a");
  await sendChat(second, "hello again");
  await form(second, { email: address, full_name: "Someone Else", company: "Other Co" });

  const chats = [(await conversationOf(first)).conversation, (await conversationOf(second)).conversation];
  assert.deepEqual(chats.map((c) => c.contact_id), [emailConversation.contact_id, emailConversation.contact_id], "one contact");
  const { contact, conversations } = await agentGet(`/api/contacts/${emailConversation.contact_id}`);
  assert.equal(contact.full_name, null, "an unverified Form answer never fills an existing contact");
  assert.equal(contact.company, null);
  assert.equal(contact.name_from_email, "Mia Chen");
  assert.equal(contact.source, "email");
  assert.equal(conversations.length, 3);
});

test("the worker forgets visitors unseen for 30 days, and each visit restarts the 30 days", async () => {
  const stale = await newVisitor();
  const fresh = await newVisitor();
  await sendChat(stale, "a month ago");
  await sendChat(fresh, "four weeks ago");
  const ago = (days) => Date.now() - days * DAY;
  await sql(`UPDATE visitors SET last_seen_at = ${ago(31)} WHERE id = '${stale.split(".")[0]}'`);
  await sql(`UPDATE visitors SET last_seen_at = ${ago(29)} WHERE id = '${fresh.split(".")[0]}'`);

  const refused = await call("GET", "/api/widget/conversation", { token: stale });
  assert.equal(refused.status, 401);
  assert.equal(refused.body.error.code, "visitor_token_invalid");
  assert.equal((await sendChat(stale, "back again")).status, 401, "nor can it write");

  const resumed = await view(fresh);
  assert.deepEqual(resumed.messages.map((m) => m.body), ["four weeks ago"]);
  const [{ last_seen_at }] = await sql(`SELECT last_seen_at FROM visitors WHERE id = '${fresh.split(".")[0]}'`);
  assert.ok(last_seen_at > ago(1 / 24), "the visit was recorded");
});

test("identify with verification off attaches an unverified claim", async () => {
  const token = await newVisitor();
  const address = email();
  const res = await identify(token, { email: address, name: "Ada Lovelace", phone: "+44 20 7183 8750", account: "AE Ltd" });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.visitor.verified, false);
  assert.deepEqual(res.body.visitor.known, ["company", "email", "full_name", "phone"]);
  await sendChat(token, "identified hello");
  const { conversation } = await conversationOf(token);
  assert.equal(conversation.contact_email, address);
  const { contact } = await agentGet(`/api/contacts/${conversation.contact_id}`);
  assert.deepEqual([contact.full_name, contact.phone, contact.company], ["Ada Lovelace", "+442071838750", "AE Ltd"]);
});

test("identify in optional mode: signed is verified, unsigned is a claim, a bad signature is refused", async () => {
  const address = email();
  const signed = await newVisitor("s_id_optional");
  assert.equal((await identify(signed, { email: address, signature: sign(address, "s_id_optional") })).body.visitor.verified, true);
  const unsigned = await newVisitor("s_id_optional");
  assert.equal((await identify(unsigned, { email: address })).body.visitor.verified, false);

  const forged = await newVisitor("s_id_optional");
  const res = await identify(forged, { email: address, signature: signWith("wrong secret", address) });
  assert.equal(res.status, 403);
  assert.equal(res.body.error.code, "identity_signature_invalid");
  assert.deepEqual((await view(forged)).visitor.known, [], "nothing attached");
});

test("identify in required mode refuses unsigned and badly signed calls", async () => {
  const address = email();
  for (const [payload, code] of [
    [{ email: address }, "identity_signature_required"],
    [{ email: address, signature: "00".repeat(32) }, "identity_signature_invalid"],
  ]) {
    const token = await newVisitor("s_id_required");
    const res = await identify(token, payload);
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, code);
    assert.match(res.body.error.message, /HMAC-SHA256/);
    await sendChat(token, "who am I?");
    assert.equal((await conversationOf(token)).conversation.contact_id, null, "nothing attached");
  }
  const token = await newVisitor("s_id_required");
  const ok = await identify(token, { email: address.toUpperCase(), signature: sign(address.toUpperCase(), "s_id_required") });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.visitor.verified, true);
});

test("a verified visitor continues the contact's chat from another browser; a claim sees nothing of it", async () => {
  const address = email();
  const laptop = await newVisitor("s_id_optional");
  await identify(laptop, { email: address, signature: sign(address, "s_id_optional") });
  await sendChat(laptop, "sent from my laptop");

  const phone = await newVisitor("s_id_optional");
  await identify(phone, { email: address, signature: sign(address, "s_id_optional") });
  assert.deepEqual((await view(phone)).messages.map((m) => m.body), ["sent from my laptop"]);
  await sendChat(phone, "and now from my phone");
  assert.deepEqual((await view(laptop)).messages.map((m) => m.body), ["sent from my laptop", "and now from my phone"]);

  const impostor = await newVisitor("s_id_optional");
  await identify(impostor, { email: address });
  const seen = await view(impostor);
  assert.deepEqual([seen.conversation_id, seen.messages], [null, []], "an unverified claim sees no other browser's history");
  await sendChat(impostor, "let me in");
  assert.deepEqual((await view(impostor)).messages.map((m) => m.body), ["let me in"]);
  assert.equal((await view(laptop)).messages.length, 2, "and the claim's thread stays apart");
  assert.equal((await conversationOf(impostor)).conversation.contact_email, address, "the claim is attached to the contact for agents");
});

test("agents answer chats; the reply carries the agent's name to the visitor", async () => {
  const token = await newVisitor();
  await sendChat(token, "is anyone there?");
  const { conversation_id } = await view(token);
  const reply = await call("POST", `/api/conversations/${conversation_id}/messages`, { token: KEY, json: { body: "  Yes! How can I help?  " } });
  assert.equal(reply.status, 201, JSON.stringify(reply.body));
  const { messages } = await view(token);
  assert.deepEqual(messages.map((m) => [m.author, m.author_name, m.body]), [
    ["visitor", null, "is anyone there?"],
    ["agent", "Robin Ash", "Yes! How can I help?"],
  ]);
  const asVisitor = await call("POST", `/api/conversations/${conversation_id}/messages`, { token, json: { body: "x" } });
  assert.equal(asVisitor.status, 401, "visitors cannot post as agents");
  const empty = await call("POST", `/api/conversations/${conversation_id}/messages`, { token: KEY, json: { body: " " } });
  assert.equal(empty.body.error.code, "body_empty");
});

test("email conversations are not answered by chat", async () => {
  const tag = unique("");
  const vars = { From: `x+${tag}@example.org`, from: `x+${tag}@example.org`, id: `${tag}@m.example.org`, marker: tag };
  await deliverMail(mailFixture("plain.eml", vars), { from: vars.from });
  const c = (await agentGet("/api/conversations?channel=email")).conversations.find((c) => c.contact_email === vars.from);
  const res = await call("POST", `/api/conversations/${c.id}/messages`, { token: KEY, json: { body: "hello", channel: "chat" } });
  assert.equal(res.status, 400);
  assert.equal(res.body.error.code, "reply_channel_unavailable");
});

test("malformed identify() input gets a 4xx JSON error and attaches nothing", async () => {
  const token = await newVisitor();
  for (const [payload, code] of [
    [{ name: "No Email" }, "malformed_json"],
    [{ email: 42 }, "malformed_json"],
    [{ email: "a@b.co", role: "admin" }, "malformed_json"],
    [{ email: "not an email" }, "invalid_fields"],
    [{ email: "a@b.co", phone: "12345" }, "invalid_fields"],
  ]) {
    const res = await identify(token, payload);
    assert.equal(res.status, 400, JSON.stringify(payload));
    assert.equal(res.body.error.code, code, JSON.stringify(payload));
  }
  assert.deepEqual((await view(token)).visitor.known, []);
});
