// A contact's rights (GDPR articles 15 and 17) on the real worker, D1 and R2:
// the primary admin exports everything stored about a contact, and erases it,
// after which nothing of it remains in D1 or in R2.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { agentGet, call, deliverMail, mailFixture, newVisitor, sendChat, sql, unique, AGENT_KEY, KEY, MAILBOX } from "./helpers.mjs";

/** Whether the local R2 bucket holds `key`. */
async function inR2(key) {
  try {
    await promisify(execFile)("node_modules/.bin/wrangler", ["r2", "object", "get", `parley-raw-mail/${key}`, "--local", "--persist-to", process.env.PARLEY_STATE, "--pipe"],
      { env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" }, encoding: "buffer", maxBuffer: 64 * 1024 * 1024 });
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
  const keys = (await sql(`SELECT raw_key FROM messages WHERE raw_key IS NOT NULL AND contact_id = '${c.contactId}'`)).map((r) => r.raw_key);
  assert.equal(keys.length, 1);
  assert.equal(await inR2(keys[0]), true, "the original is in R2 before");
  assert.equal((await call("GET", `/api/contacts/${c.contactId}`, { token: KEY })).status, 200, "the contact is there before");
  assert.equal((await call("DELETE", `/api/contacts/${c.contactId}`, { token: AGENT_KEY })).status, 403, "an agent may not");

  const res = await call("DELETE", `/api/contacts/${c.contactId}`, { token: KEY });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body.erased, { conversations: 2, messages: 2, visitors: 1, originals: 1, crm_contact_id: null }, "never synced to ActiveCampaign");

  assert.equal(await inR2(keys[0]), false, "the original is gone from R2");
  const ids = c.conversationIds.map((id) => `'${id}'`).join(",");
  const left = (await sql(`SELECT
      (SELECT COUNT(*) FROM contacts WHERE id = '${c.contactId}' OR email = '${c.address}') AS contacts,
      (SELECT COUNT(*) FROM conversations WHERE id IN (${ids})) AS conversations,
      (SELECT COUNT(*) FROM messages WHERE body LIKE '%${c.tag}%' OR conversation_id IN (${ids})) AS messages,
      (SELECT COUNT(*) FROM attachments WHERE message_id NOT IN (SELECT id FROM messages)) AS attachments,
      (SELECT COUNT(*) FROM visitors WHERE id = '${c.visitor.split(".")[0]}' OR claimed_email = '${c.address}') AS visitors`))[0];
  assert.deepEqual(left, { contacts: 0, conversations: 0, messages: 0, attachments: 0, visitors: 0 });
  assert.equal((await call("GET", `/api/contacts/${c.contactId}`, { token: KEY })).status, 404);
  assert.equal((await call("GET", "/api/widget/conversation", { token: c.visitor })).status, 401, "the erased browser's token is void");
  assert.equal((await call("DELETE", `/api/contacts/${c.contactId}`, { token: KEY })).status, 404);
});

/**
 * Every object in the worker's local R2 buckets, listed: wrangler keeps each
 * object's bytes as a file under the persisted state, so this sees objects
 * whether or not any row names them.
 */
function r2Objects() {
  return ["parley-raw-mail", "parley-files"].flatMap((bucket) => {
    const dir = join(process.env.PARLEY_STATE, "v3/r2", bucket, "blobs");
    return existsSync(dir) ? readdirSync(dir).map((name) => readFileSync(join(dir, name))) : [];
  });
}

/** How many R2 objects hold `text` anywhere in their bytes. */
const holding = (text) => r2Objects().filter((bytes) => bytes.includes(text)).length;

/** A PDF (by its magic number) whose bytes carry `text`. */
const pdf = (text) => Buffer.from(`%PDF-1.4\n% ${text}\n1 0 obj <</Type/Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n`);
/** A PNG (by its magic number) whose bytes carry `text`. */
const png = (text) => Buffer.concat([Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64"), Buffer.from(text)]);

/** A mail from `address` with Message-ID `id` and one PDF attachment. */
function mailWithPdf(address, id, text, attachment) {
  return [`From: Erin Vale <${address}>`, `To: ${MAILBOX}`, "Subject: My invoice", `Message-ID: <${id}>`, "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="b"', "", "--b", "Content-Type: text/plain; charset=utf-8", "", text, "--b",
    'Content-Type: application/pdf; name="invoice.pdf"', 'Content-Disposition: attachment; filename="invoice.pdf"',
    "Content-Transfer-Encoding: base64", "", attachment.toString("base64"), "--b--", ""].join("\r\n");
}

test("nothing escapes erasure: bytes no row lists never stay in R2, and erasing a contact leaves none of its bytes", async () => {
  const tag = unique("r2");
  const address = `r2+${tag}@example.org`;
  const id = `${tag}@mail.example.org`;
  assert.equal((await deliverMail(mailWithPdf(address, id, `First (${tag})`, pdf(`${tag}-mail`)), { from: address })).status, 200);
  // A redelivery of that Message-ID carrying other bytes is stored once, as the first: its new file goes too.
  assert.equal((await deliverMail(mailWithPdf(address, id, `Again (${tag})`, pdf(`${tag}-redelivered`)), { from: address })).status, 200);

  const visitor = await newVisitor();
  const clientId = randomUUID();
  assert.equal((await sendChat(visitor, `chat about ${tag}`, clientId)).status, 201);
  const upload = (bytes, id) => call("POST", `/api/widget/files?${new URLSearchParams({ client_message_id: id, name: "photo.png" })}`,
    { token: visitor, body: bytes, headers: { "content-type": "image/png" } });
  // An upload under a client_message_id that names another message already: that message is the answer, and its bytes are not kept.
  const repeated = await upload(png(`${tag}-unlisted`), clientId);
  assert.deepEqual([repeated.status, repeated.body.message.body], [200, `chat about ${tag}`]);
  assert.equal((await upload(png(`${tag}-kept`), randomUUID())).status, 201);
  await call("POST", "/api/widget/contact", { token: visitor, json: { email: address } });

  assert.equal(holding(`${tag}-redelivered`), 0, "the redelivery's file is not in R2");
  assert.equal(holding(`${tag}-unlisted`), 0, "the upload no message lists is not in R2");
  assert.equal(holding(`${tag}-mail`), 1, "the mail's file is");
  assert.equal(holding(`${tag}-kept`), 1, "the upload is");
  assert.ok(holding(`First (${tag})`) >= 1, "the original is");

  const { conversations } = await agentGet(`/api/conversations?q=${encodeURIComponent(address)}`);
  const contactId = conversations[0].contact_id;
  assert.equal((await call("DELETE", `/api/contacts/${contactId}`, { token: KEY })).status, 200);
  assert.equal(holding(tag), 0, "no object in either bucket holds anything of the contact");
});
