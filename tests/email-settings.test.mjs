// The email channel's settings and gates, on the real worker: the forwarding
// address set once, admin-only access, a disabled channel, the size limit,
// and site form submissions opening conversations.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { agentGet, call, deliverMail, mailFixture, newVisitor, sql, unique, KEY, AGENT_KEY } from "./helpers.mjs";

const execFileAsync = promisify(execFile);
const REJECTED = "Worker rejected email with the following reason: ";
const settings = (site, token = KEY) => call("GET", `/api/sites/${site}/email-channel`, { token });
const change = (site, json, token = KEY) => call("PATCH", `/api/sites/${site}/email-channel`, { token, json });

const sha256 = (text) => createHash("sha256").update(text).digest("hex");

/** Whether the local R2 holds an original under `key`. */
async function originalKept(key) {
  const file = join(mkdtempSync(join(tmpdir(), "original-")), "eml");
  try {
    await execFileAsync("node_modules/.bin/wrangler", ["r2", "object", "get", `parley-raw-mail/${key}`, "--local", "--persist-to", process.env.PARLEY_STATE, "--file", file],
      { env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" } });
    return existsSync(file);
  } catch {
    return false;
  }
}

function mail(to) {
  const tag = unique("");
  const v = { From: `ann+${tag}@example.org`, from: `ann+${tag}@example.org`, id: `${tag}@mail.example.org`, marker: tag };
  return { v, send: (raw = mailFixture("plain.eml", v)) => deliverMail(raw, { from: v.from, to }) };
}

test("the forwarding address is validated, unique, and set only once", async () => {
  const fresh = await settings("s_mail_new");
  assert.equal(fresh.status, 200);
  assert.equal(fresh.body.forwarding_address, null);
  assert.equal(fresh.body.channel.enabled, true, "enabled by default");

  assert.equal((await change("s_mail_new", { username: "Hello There" })).body.error.code, "username_invalid");
  assert.equal((await change("s_mail_new", { username: "reply" })).body.error.code, "username_invalid");
  assert.equal((await change("s_mail_new", { subdomain: "not_a_label" })).body.error.code, "subdomain_invalid");
  const taken = await change("s_mail_new", { username: "hello", subdomain: "juniper" });
  assert.equal(taken.status, 409);
  assert.equal(taken.body.error.code, "forwarding_address_taken");

  const set = await change("s_mail_new", { username: "hello", subdomain: "mailnew" });
  assert.equal(set.status, 200, JSON.stringify(set.body));
  assert.equal(set.body.forwarding_address, "hello@mailnew.inbound.example.com");
  const { v, send } = mail("hello@mailnew.inbound.example.com");
  assert.equal((await send()).status, 200, "mail to the new address is accepted");
  assert.ok((await agentGet("/api/conversations?channel=email")).conversations.some((c) => c.contact_email === v.from));

  for (const attempt of [{ username: "other" }, { subdomain: "elsewhere" }]) {
    const res = await change("s_mail_new", attempt);
    assert.equal(res.status, 409, JSON.stringify(attempt));
    assert.equal(res.body.error.code, "forwarding_address_immutable");
  }
  assert.equal((await change("s_mail_new", { username: "hello", subdomain: "mailnew" })).status, 200, "restating it is fine");
  assert.equal((await settings("s_mail_new")).body.forwarding_address, "hello@mailnew.inbound.example.com");
});

test("only the primary admin sees or changes channel settings", async () => {
  assert.equal((await settings("s_demo", AGENT_KEY)).status, 403);
  const refused = await change("s_mail_off", { enabled: false }, AGENT_KEY);
  assert.equal(refused.status, 403);
  assert.equal(refused.body.error.code, "admin_only");
  assert.equal((await settings("s_demo", null)).status, 401);
  assert.equal((await settings("s_demo", await newVisitor())).status, 401);
  assert.equal((await settings("s_nope")).status, 404);
  assert.equal((await settings("s_mail_off")).body.channel.enabled, true, "the agent's attempt changed nothing");
});

test("a disabled channel refuses mail with a reason and records it", async () => {
  const { v, send } = mail("help@mailoff.inbound.example.com");
  assert.equal((await change("s_mail_off", { enabled: false })).body.channel.enabled, false);
  const res = await send();
  assert.equal(res.status, 400);
  assert.equal(res.text, `${REJECTED}The mailbox help@mailoff.inbound.example.com does not accept email.`);
  const { rejections } = await agentGet("/api/email/rejections");
  assert.ok(rejections.some((r) => r.site_id === "s_mail_off" && r.envelope_from === v.from));

  await change("s_mail_off", { enabled: true });
  assert.equal((await send()).status, 200, "accepted again once enabled");
  const [{ raw_key }] = await sql(`SELECT raw_key FROM messages WHERE email_message_id = '${v.id}'`);
  assert.ok(await originalKept(raw_key), "its original is kept");
  assert.ok(raw_key.endsWith(`/${sha256(v.id).slice(0, 32)}.eml`), "originals are keyed by their Message-ID");

  // The worker now remembers the mailbox as open: closed again, it refuses
  // the very next message, and that message writes nothing.
  await change("s_mail_off", { enabled: false });
  const late = mail("help@mailoff.inbound.example.com");
  const refused = await late.send();
  assert.equal(refused.text, `${REJECTED}The mailbox help@mailoff.inbound.example.com does not accept email.`);
  assert.deepEqual(await sql(`SELECT id FROM contacts WHERE email = '${late.v.from}'`), [], "no contact");
  assert.deepEqual(await sql(`SELECT id FROM messages WHERE email_message_id = '${late.v.id}'`), [], "no message");
  assert.equal(await originalKept(raw_key.replace(/[0-9a-f]{32}\.eml$/, `${sha256(late.v.id).slice(0, 32)}.eml`)), false, "no original");
  await change("s_mail_off", { enabled: true });
});

test("messages over the size limit are refused with a reason", async () => {
  assert.equal((await change("s_mail_small", { max_message_bytes: 10 })).body.error.code, "max_message_bytes_invalid");
  assert.equal((await change("s_mail_small", { max_message_bytes: 2048 })).body.channel.max_message_bytes, 2048);
  const big = mail("help@mailsmall.inbound.example.com");
  const raw = mailFixture("plain.eml", big.v).replace("Could you check on it?", "x".repeat(3000));
  const res = await big.send(raw);
  assert.equal(res.status, 400);
  assert.equal(res.text, `${REJECTED}Message of ${Buffer.byteLength(raw)} bytes exceeds this mailbox's limit of 2048 bytes.`);
  const small = mail("help@mailsmall.inbound.example.com");
  assert.equal((await small.send()).status, 200);
});

test("an unknown username on a known subdomain is refused", async () => {
  const res = await mail("sales@juniper.inbound.example.com").send();
  assert.equal(res.text, `${REJECTED}No mailbox sales@juniper.inbound.example.com here.`);
});

test("a site form submission opens a conversation with the contact, once per submission id", async () => {
  const email = `ivy+${unique("")}@example.org`;
  const submission = { email: email.toUpperCase(), name: "Ivy Stone", subject: "Wholesale price list", body: "Please send your 2027 price list.", submission_id: unique("form-") };
  const first = await call("POST", "/api/sites/s_demo/tickets", { token: KEY, json: submission });
  assert.equal(first.status, 201, JSON.stringify(first.body));
  const again = await call("POST", "/api/sites/s_demo/tickets", { token: AGENT_KEY, json: submission });
  assert.equal(again.status, 200);
  assert.equal(again.body.conversation_id, first.body.conversation_id);

  const { conversation, messages } = await agentGet(`/api/conversations/${first.body.conversation_id}`);
  assert.deepEqual([conversation.channel, conversation.subject, conversation.contact_email], ["email", "Wholesale price list", email]);
  assert.deepEqual(messages.map((m) => [m.author, m.body]), [["contact", "Please send your 2027 price list."]]);
  const { contact } = await agentGet(`/api/contacts/${conversation.contact_id}`);
  assert.deepEqual([contact.full_name, contact.source, contact.marketing_opt_in], ["Ivy Stone", "form", false]);

  const bad = await call("POST", "/api/sites/s_demo/tickets", { token: KEY, json: { ...submission, email: "nope", submission_id: undefined } });
  assert.equal(bad.body.error.fields.email.code, "email_invalid");
  assert.equal((await call("POST", "/api/sites/s_demo/tickets", { token: await newVisitor(), json: submission })).status, 401);
  assert.equal((await call("POST", "/api/sites/s_nope/tickets", { token: KEY, json: submission })).status, 404);
});
