// A contact's rights (GDPR articles 15 and 17) on the real worker, D1 and R2:
// the primary admin exports everything stored about a contact, and erases it,
// after which nothing of it remains in D1 or in R2.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { agentGet, call, deliverMail, mailFixture, newVisitor, sendChat, sql, unique, AGENT_KEY, KEY } from "./helpers.mjs";

/** Whether the local R2 bucket holds `key`. */
function inR2(key) {
  try {
    execFileSync("node_modules/.bin/wrangler", ["r2", "object", "get", `parley-raw-mail/${key}`, "--local", "--persist-to", process.env.PARLEY_STATE, "--pipe"],
      { env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" }, stdio: ["ignore", "pipe", "pipe"] });
    return true;
  } catch {
    return false;
  }
}

/** A contact who emailed (with an attachment) and chatted, with a marker in every text. */
async function richContact() {
  const tag = unique("");
  const address = `erase+${tag}@example.org`;
  const vars = { From: address, from: address, id: `${tag}@mail.example.org`, marker: tag };
  assert.equal((await deliverMail(mailFixture("attachment.eml", vars), { from: address })).status, 200);
  const visitor = await newVisitor();
  await sendChat(visitor, `chat about ${tag}`);
  await call("POST", "/api/widget/contact", { token: visitor, json: { email: address } });
  const { conversations } = await agentGet(`/api/conversations?q=${encodeURIComponent(address)}`);
  return { tag, address, visitor, contactId: conversations[0].contact_id, conversationIds: conversations.map((c) => c.id) };
}

test("the primary admin exports everything stored about a contact", async () => {
  const c = await richContact();
  assert.equal((await call("GET", `/api/contacts/${c.contactId}/export`, { token: AGENT_KEY })).status, 403, "an agent may not");
  const res = await call("GET", `/api/contacts/${c.contactId}/export`, { token: KEY });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-disposition"), /attachment; filename="contact-ct_/);
  const data = res.body;
  assert.equal(data.contact.email, c.address);
  assert.deepEqual(data.conversations.map((x) => x.id).sort(), [...c.conversationIds].sort());
  assert.deepEqual(data.visitors.map((v) => v.id), [c.visitor.split(".")[0]]);
  assert.ok(data.messages.some((m) => m.body.includes(`chat about ${c.tag}`)), "the chat");
  assert.ok(data.messages.some((m) => m.body.includes(c.tag) && m.email_headers), "the email with its headers");
  assert.deepEqual(data.attachments.map((a) => a.filename), ["invoice-1042.pdf", "dent.png"]);
  assert.equal((await call("GET", "/api/contacts/ct_nobody/export", { token: KEY })).status, 404);
});

test("erasing a contact leaves nothing of it in D1 or R2", async () => {
  const c = await richContact();
  const keys = sql(`SELECT raw_key FROM messages WHERE raw_key IS NOT NULL AND contact_id = '${c.contactId}'`).map((r) => r.raw_key);
  assert.equal(keys.length, 1);
  assert.equal(inR2(keys[0]), true, "the original is in R2 before");
  // (A GET first: it may resend on a keep-alive socket the worker closed during the synchronous check above.)
  assert.equal((await call("GET", `/api/contacts/${c.contactId}`, { token: KEY })).status, 200, "the contact is there before");
  assert.equal((await call("DELETE", `/api/contacts/${c.contactId}`, { token: AGENT_KEY })).status, 403, "an agent may not");

  const res = await call("DELETE", `/api/contacts/${c.contactId}`, { token: KEY });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body.erased, { conversations: 2, messages: 2, visitors: 1, originals: 1 });

  assert.equal(inR2(keys[0]), false, "the original is gone from R2");
  const ids = c.conversationIds.map((id) => `'${id}'`).join(",");
  const left = sql(`SELECT
      (SELECT COUNT(*) FROM contacts WHERE id = '${c.contactId}' OR email = '${c.address}') AS contacts,
      (SELECT COUNT(*) FROM conversations WHERE id IN (${ids})) AS conversations,
      (SELECT COUNT(*) FROM messages WHERE body LIKE '%${c.tag}%' OR conversation_id IN (${ids})) AS messages,
      (SELECT COUNT(*) FROM attachments WHERE message_id NOT IN (SELECT id FROM messages)) AS attachments,
      (SELECT COUNT(*) FROM visitors WHERE id = '${c.visitor.split(".")[0]}' OR claimed_email = '${c.address}') AS visitors`)[0];
  assert.deepEqual(left, { contacts: 0, conversations: 0, messages: 0, attachments: 0, visitors: 0 });
  assert.equal((await call("GET", `/api/contacts/${c.contactId}`, { token: KEY })).status, 404);
  assert.equal((await call("GET", "/api/widget/conversation", { token: c.visitor })).status, 401, "the erased browser's token is void");
  assert.equal((await call("DELETE", `/api/contacts/${c.contactId}`, { token: KEY })).status, 404);
});
