// Automations (signed outbound webhooks), end to end on the real queue: the
// primary admin registers a receiver (a node server of this suite on
// 127.0.0.1), events arrive signed, a failing receiver is retried and the
// delivery log shows it, and mail creates no event.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createHmac, randomUUID } from "node:crypto";
import { call, KEY, AGENT_KEY, newVisitor, sendChat, deliverMail, mailFixture, sql, unique, eventually } from "./helpers.mjs";

const SITE = "s_auto";
const base = `/api/sites/${SITE}/automations`;

/** A receiver: records every POST; `answer(n)` gives the status of the n-th (from 1). */
async function startReceiver(answer = () => 200) {
  const received = [];
  const server = createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => (raw += chunk));
    req.on("end", () => {
      received.push({ headers: req.headers, raw, body: JSON.parse(raw) });
      res.writeHead(answer(received.length)).end();
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${server.address().port}/hook`,
    received,
    /** The first request whose body satisfies `match`, waited for. */
    next: (match, seconds = 20) => eventually(() => received.find((r) => match(r.body)),
      { what: () => `a matching event (got ${JSON.stringify(received.map((r) => r.body.event))})`, timeout: seconds * 1000 }),
    close: () => new Promise((r) => server.close(r)),
  };
}

const receivers = [];
async function receiver(answer) {
  const r = await startReceiver(answer);
  receivers.push(r);
  return r;
}
after(() => Promise.all(receivers.map((r) => r.close())));

async function createAutomation(url, name = unique("hook ")) {
  const res = await call("POST", base, { token: KEY, json: { name, url } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

/** Checks `Parley-Signature: t=…,v1=hex(HMAC-SHA256(secret, "t.body"))`. */
function assertSigned(request, secret) {
  const [, t, v1] = request.headers["parley-signature"].match(/^t=(\d+),v1=([0-9a-f]{64})$/);
  assert.equal(v1, createHmac("sha256", secret).update(`${t}.${request.raw}`).digest("hex"));
  assert.ok(Math.abs(Date.now() / 1000 - Number(t)) < 120, "the timestamp is now");
  assert.equal(request.headers["parley-idempotency-key"], request.body.id);
}

async function deliveryLog(id, until, seconds = 20) {
  return eventually(async () => {
    const res = await call("GET", `${base}/${id}/deliveries`, { token: KEY });
    assert.equal(res.status, 200);
    return until(res.body.deliveries) && res.body.deliveries;
  }, { what: "the delivery log in the expected state", timeout: seconds * 1000, interval: 200 });
}

// Each test pauses the automations it created, so later tests' events reach only their own receivers.
async function pauseAll() {
  const { body } = await call("GET", base, { token: KEY });
  for (const a of body.automations) await call("PATCH", `${base}/${a.id}`, { token: KEY, json: { enabled: false } });
}

test("the primary admin registers an automation and sees its secret once; agents cannot", async () => {
  const created = await createAutomation("https://hooks.example.com/parley", "CRM sync");
  assert.match(created.secret, /^whsec_[0-9a-f]{64}$/);
  assert.deepEqual([created.automation.name, created.automation.url, created.automation.enabled], ["CRM sync", "https://hooks.example.com/parley", true]);
  const list = await call("GET", base, { token: KEY });
  assert.ok(list.body.automations.some((a) => a.id === created.automation.id));
  assert.ok(!JSON.stringify(list.body).includes(created.secret), "the list never carries a secret");
  const [stored] = await sql(`SELECT secret FROM automations WHERE id = '${created.automation.id}'`);
  assert.match(stored.secret, /^v1\.[0-9a-f]{24}\.[0-9a-f]+$/, "stored sealed (AES-GCM under SECRETS_KEY)");
  assert.ok(!stored.secret.includes(created.secret.slice(6)), "never in clear");
  const id = created.automation.id;
  const renamed = await call("PATCH", `${base}/${id}`, { token: KEY, json: { name: "CRM", enabled: false } });
  assert.deepEqual([renamed.status, renamed.body.name, renamed.body.enabled], [200, "CRM", false]);
  assert.ok(!JSON.stringify(renamed.body).includes(created.secret));

  assert.equal((await call("POST", base, { token: KEY, json: { name: "x", url: "http://hooks.example.com/" } })).body.error.code, "automation_url_invalid");
  assert.equal((await call("POST", base, { token: KEY, json: { name: " ", url: "https://hooks.example.com/" } })).body.error.code, "automation_name_invalid");
  assert.equal((await call("POST", base, { token: AGENT_KEY, json: { name: "x", url: "https://hooks.example.com/" } })).status, 403);
  assert.equal((await call("GET", base, { token: AGENT_KEY })).status, 403);
  assert.equal((await call("GET", `/api/sites/s_nope/automations`, { token: KEY })).status, 404);
  assert.equal((await call("GET", `${base}/au_nope/deliveries`, { token: KEY })).status, 404);

  assert.equal((await call("DELETE", `${base}/${id}`, { token: KEY })).status, 200);
  assert.equal((await call("PATCH", `${base}/${id}`, { token: KEY, json: { enabled: true } })).status, 404);
});

test("a Form submission sends the signed contact.entered_automation to the automation the chatbot names", async () => {
  await pauseAll();
  const hook = await receiver();
  const { automation, secret } = await createAutomation(hook.url);
  const other = await receiver();
  await createAutomation(other.url, "another automation of the site");
  const chatbot = { blocks: [
    { type: "form", phone: "hidden", company: "hidden", full_name: "optional" },
    { type: "enter_automation", automation_id: automation.id },
  ] };
  await sql(`UPDATE sites SET chatbot = '${JSON.stringify(chatbot)}' WHERE id = '${SITE}'`);

  const visitor = await newVisitor(SITE);
  const marker = unique("hello ");
  assert.equal((await sendChat(visitor, marker)).status, 201);
  const email = `${unique("ada")}@example.org`;
  const form = await call("POST", "/api/widget/contact", { token: visitor, json: { email, full_name: "Ada Byron" } });
  assert.equal(form.status, 200, JSON.stringify(form.body));

  const entered = await hook.next((b) => b.event === "contact.entered_automation" && b.contact?.email === email);
  assertSigned(entered, secret);
  assert.deepEqual(Object.keys(entered.body).sort(), ["answers", "contact", "conversation", "event", "id", "message", "occurred_at", "site"]);
  assert.deepEqual(entered.body.site, { id: SITE, name: "Automations" });
  assert.deepEqual([entered.body.contact.full_name, entered.body.contact.source], ["Ada Byron", "chat"]);
  assert.deepEqual(entered.body.contact.stated, ["full_name"], "the name is one the visitor only stated: the receiver can tell");
  assert.equal(entered.headers["content-type"], "application/json");

  // The same actions' other events: the conversation, the message, the contact.
  const conversation = await hook.next((b) => b.event === "conversation.created" && b.conversation && b.message === null
    && hook.received.some((r) => r.body.event === "message.created" && r.body.message.body === marker && r.body.conversation.id === b.conversation.id));
  assert.equal(conversation.body.conversation.channel, "chat");
  const created = await hook.next((b) => b.event === "contact.created" && b.contact.email === email);
  assertSigned(created, secret);
  assert.equal(created.body.contact.source, "chat");

  // The automation the chatbot does not name gets the site's events, not this one.
  await other.next((b) => b.event === "contact.created" && b.contact.email === email);
  assert.ok(!other.received.some((r) => r.body.event === "contact.entered_automation"));
  // A second Form answer is no second entry.
  await call("POST", "/api/widget/contact", { token: visitor, json: { full_name: "Ada B." } });
  const log = await deliveryLog(automation.id, (ds) => ds.every((d) => d.status === "delivered"));
  assert.equal(log.filter((d) => d.event === "contact.entered_automation").length, 1);
  await sql(`UPDATE sites SET chatbot = NULL WHERE id = '${SITE}'`);

  // Erasing the contact (GDPR art. 17) erases the payloads that copied it and its messages.
  assert.equal((await call("DELETE", `/api/contacts/${entered.body.contact.id}`, { token: KEY })).status, 200);
  const [{ n }] = await sql(`SELECT COUNT(*) AS n FROM automation_deliveries WHERE payload LIKE '%${email}%' OR payload LIKE '%${marker}%'`);
  assert.equal(n, 0);
});

test("a receiver that answers 500 gets the event again, and the delivery log shows each attempt", async () => {
  await pauseAll();
  const flaky = await receiver((n) => (n <= 2 ? 500 : 204));
  const { automation, secret } = await createAutomation(flaky.url);
  const sent = await call("POST", `${base}/${automation.id}/test`, { token: KEY });
  assert.equal(sent.status, 202);
  const log = await deliveryLog(automation.id, (ds) => ds[0]?.status === "delivered");
  assert.equal(flaky.received.length, 3);
  assert.deepEqual(new Set(flaky.received.map((r) => r.headers["parley-idempotency-key"])), new Set([sent.body.event_id]));
  assert.ok(flaky.received.every((r) => r.raw === flaky.received[0].raw), "every attempt sends the same bytes");
  flaky.received.forEach((r) => assertSigned(r, secret));
  assert.deepEqual([log[0].event, log[0].attempts, log[0].last_status, log[0].event_id], ["test", 3, 204, sent.body.event_id]);

  // A receiver that never recovers: six attempts, then recorded as failed.
  const down = await receiver(() => 500);
  const broken = await createAutomation(down.url);
  await call("POST", `${base}/${broken.automation.id}/test`, { token: KEY });
  const failed = await deliveryLog(broken.automation.id, (ds) => ds[0]?.status === "failed", 40);
  assert.deepEqual([failed[0].attempts, failed[0].last_status], [6, 500]);
  assert.equal(down.received.length, 6);
});

test("a receiver that is not listening is retried until it is", async () => {
  await pauseAll();
  const hook = await receiver();
  const url = hook.url;
  await hook.close();
  const { automation } = await createAutomation(url);
  await call("POST", `${base}/${automation.id}/test`, { token: KEY });
  const log = await deliveryLog(automation.id, (ds) => ds[0]?.attempts >= 1);
  assert.equal(log[0].status, log[0].attempts >= 6 ? "failed" : "pending");
  assert.equal(log[0].last_status, null);
  assert.ok(log[0].last_error, "the connection error is recorded");
});

test("a contact created from inbound email produces no event; a later chat does", async () => {
  await pauseAll();
  const hook = await receiver();
  await createAutomation(hook.url);
  const from = `${unique("mail")}@example.net`;
  const marker = unique("mail ");
  const res = await deliverMail(mailFixture("plain.eml", { from, From: from, id: `${randomUUID()}@example.net`, marker }), { from, to: "help@auto.inbound.example.com" });
  assert.equal(res.status, 200, res.text);
  // The positive signal: a chat sent after the mail arrives.
  const visitor = await newVisitor(SITE);
  const later = unique("after mail ");
  await sendChat(visitor, later);
  await hook.next((b) => b.event === "message.created" && b.message.body === later);
  const text = JSON.stringify(hook.received.map((r) => r.body));
  assert.ok(!text.includes(from) && !text.includes(marker), "nothing about the mail reached the receiver");
  assert.ok(!hook.received.some((r) => r.body.contact?.source === "email"));
});

test("receiver URLs must be https public host names: IP literals, localhost and private names are refused before any fetch", async () => {
  // Refused by validation alone: none of these is ever contacted (the worker answers 400 before any fetch).
  const refused = ["https://127.0.0.1/hook", "https://10.0.0.1/hook", "https://169.254.169.254/latest", "https://2130706433/",
    "https://0x7f.0.0.1/", "https://0177.0.0.1/", "https://[::1]/", "https://[fe80::1]/", "https://localhost/hook",
    "https://printer.local/", "https://db.internal/", "https://intranet/", "http://2130706433:9/", "http://[::1]:9/"];
  for (const url of refused) {
    const res = await call("POST", base, { token: KEY, json: { name: "refused", url } });
    assert.deepEqual([res.status, res.body.error?.code], [400, "automation_url_invalid"], url);
  }
  const { automation } = await createAutomation("https://hooks.example.com/parley");
  const patched = await call("PATCH", `${base}/${automation.id}`, { token: KEY, json: { url: "https://192.168.1.1/" } });
  assert.deepEqual([patched.status, patched.body.error?.code], [400, "automation_url_invalid"]);
  await call("DELETE", `${base}/${automation.id}`, { token: KEY });
});

test("a receiver's redirect is never followed: the 3xx is a failed attempt in the delivery log", async () => {
  await pauseAll();
  const target = [];
  const server = createServer((req, res) => {
    if (req.url === "/elsewhere") {
      target.push(req.url);
      return res.writeHead(200).end();
    }
    req.resume();
    req.on("end", () => res.writeHead(302, { location: `http://127.0.0.1:${server.address().port}/elsewhere` }).end());
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  try {
    const { automation } = await createAutomation(`http://127.0.0.1:${server.address().port}/hook`);
    assert.equal((await call("POST", `${base}/${automation.id}/test`, { token: KEY })).status, 202);
    const [failed] = await deliveryLog(automation.id, (ds) => ds[0]?.status === "failed", 40);
    assert.deepEqual([failed.attempts, failed.last_status], [6, 302]);
    assert.match(failed.last_error, /never follow redirects/);
    assert.deepEqual(target, [], "the redirect's target was never contacted");
  } finally {
    await new Promise((r) => server.close(r));
  }
});
