// The reports' write path on the real worker (issue 23): every batch that
// stores a message or changes a status keeps the conversation's fact columns
// and its report_slots rows, in the same batch. Each test drives a timeline
// through the real routes (the widget's chat, the email handler with real
// RFC 5322 mail, agent replies, the flow's bot, close and reopen), then reads
// the stored timeline back (messages and trail) and computes, by each
// metric's definition (shared::report's module doc), what the columns and the
// slots must say; the columns and slot rows are read with wrangler's d1 execute.
// Each test has a site of its own, so its slot rows are its own.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac, randomBytes, randomInt, randomUUID } from "node:crypto";
import { AGENT_KEY, KEY, URL_, call, deliverMail, newVisitor, sendChat, spfPass, sql, unique } from "./helpers.mjs";
import { siteWithFlow } from "./flows.mjs";

const SLOT_MS = 15 * 60_000;
const HANDLED = "Worker successfully processed email";
const AUTOMATED = /auto_reply|bulk|bounce/;
const FACTS = ["started_at", "first_inbound_at", "first_response_at", "first_response_ms", "first_response_business_ms", "first_response_by",
  "resolved_at", "resolution_ms", "resolution_business_ms", "replies_to_resolve", "messages_in", "messages_out", "resolves", "reopens"];
const COUNTS = ["opened", "resolved", "reopened", "messages_in", "messages_out"];

const quoted = (id) => `'${id.replaceAll("'", "''")}'`;
const reply = (conversation, json, token = KEY) => call("POST", `/api/conversations/${conversation}/messages`, { token, json });
const setStatus = (conversation, status) => call("PATCH", `/api/conversations/${conversation}`, { token: KEY, json: { status } });

/** A new site of the demo account (its own slot rows); with `mailbox`, its email channel on at help@<sub>. */
async function newSite({ mailbox = false } = {}) {
  const res = await call("POST", "/api/sites", { token: KEY, json: { name: unique("Report shop ") } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const site = res.body.id;
  if (!mailbox) return { site };
  const sub = unique("rep").toLowerCase();
  const channel = await call("PATCH", `/api/sites/${site}/email-channel`, { token: KEY, json: { enabled: true, username: "help", subdomain: sub } });
  assert.equal(channel.status, 200, JSON.stringify(channel.body));
  return { site, mailbox: `help@${sub}.inbound.example.com` };
}

/** The conversation's stored timeline, in the order it was stored (a batch's message before its trail event). */
async function timeline(conversation) {
  const messages = await sql(`SELECT created_at AS at, author, direction, flags, agent_id, delivery_status FROM messages
    WHERE conversation_id = ${quoted(conversation)} ORDER BY created_at, rowid`);
  const trail = await sql(`SELECT created_at AS at, kind FROM trail WHERE conversation_id = ${quoted(conversation)}
    AND kind IN ('closed', 'reopened', 'reopened_by_reply') ORDER BY created_at, rowid`);
  const kindOf = (m) => {
    if (m.author === "agent") return m.delivery_status === "failed" ? "failed" : "out";
    if (m.author === "bot") return "bot";
    return AUTOMATED.test(m.flags ?? "") ? "automated" : "in";
  };
  return [
    ...messages.map((m) => ({ at: m.at, order: 0, kind: kindOf(m), agent: m.agent_id })),
    ...trail.map((t) => ({ at: t.at, order: 1, kind: t.kind === "closed" ? "closed" : "reopened" })),
  ].sort((a, b) => a.at - b.at || a.order - b.order);
}

/**
 * What the columns and slot rows must say for a timeline, by the metrics'
 * definitions (not by replaying the worker's rule). `agents`: the agent id of
 * each API key's replies is read from the messages; the conversations here
 * are never assigned, so every other count is on agent '' and team ''.
 */
function expected(events, { business = () => null } = {}) {
  const customer = (e) => e.kind === "in";
  const agentReply = (e) => e.kind === "out";
  const first = events.findIndex(customer);
  const firstIn = first >= 0 ? events[first] : undefined;
  const firstReply = firstIn ? events.slice(first).find(agentReply) : undefined;
  const slots = new Map();
  const count = (e, field, agent = "") => {
    const key = `${e.at - (e.at % SLOT_MS)}|${agent}`;
    const row = slots.get(key) ?? Object.fromEntries(COUNTS.map((c) => [c, 0]));
    row[field] += 1;
    slots.set(key, row);
  };
  let resolved = false;
  let resolves = 0;
  let reopens = 0;
  let lastResolve = -1;
  events.forEach((e, i) => {
    if (i === 0) count(e, "opened");
    if (customer(e)) count(e, "messages_in");
    if (agentReply(e)) count(e, "messages_out", e.agent);
    if (e.kind === "closed" && !resolved) {
      [resolved, lastResolve] = [true, i];
      resolves += 1;
      count(e, "resolved");
    } else if (e.kind === "reopened" && resolved) {
      resolved = false;
      reopens += 1;
      count(e, "reopened");
    }
  });
  const started = events[0]?.at ?? null;
  const resolvedAt = resolved ? events[lastResolve].at : null;
  const facts = {
    started_at: started,
    first_inbound_at: firstIn?.at ?? null,
    first_response_at: firstReply?.at ?? null,
    first_response_ms: firstReply ? firstReply.at - firstIn.at : null,
    first_response_business_ms: firstReply ? business(firstIn.at, firstReply.at) : null,
    first_response_by: firstReply?.agent ?? null,
    resolved_at: resolvedAt,
    resolution_ms: resolved ? resolvedAt - started : null,
    resolution_business_ms: resolved ? business(started, resolvedAt) : null,
    replies_to_resolve: resolved ? events.slice(0, lastResolve).filter(agentReply).length : null,
    messages_in: events.filter(customer).length,
    messages_out: events.filter(agentReply).length,
    resolves,
    reopens,
  };
  return { facts, slots };
}

/** The conversation's fact columns. */
async function factsOf(conversation) {
  const [row] = await sql(`SELECT ${FACTS.join(", ")} FROM conversations WHERE id = ${quoted(conversation)}`);
  return row;
}

/** The site's slot rows, keyed `slot|agent` (team '' and the channel checked). */
async function slotsOf(site, channel) {
  const rows = await sql(`SELECT slot, agent_id, team_id, channel, ${COUNTS.join(", ")} FROM report_slots WHERE site_id = ${quoted(site)}`);
  const slots = new Map();
  for (const r of rows) {
    assert.equal(r.team_id, "", "no team");
    assert.equal(r.channel, channel);
    slots.set(`${r.slot}|${r.agent_id}`, Object.fromEntries(COUNTS.map((c) => [c, r[c]])));
  }
  return slots;
}

/** Asserts the columns and the site's slots are what the stored timeline says. */
async function assertMatches(site, channel, conversation, options) {
  const events = await timeline(conversation);
  const want = expected(events, options);
  assert.deepEqual(await factsOf(conversation), want.facts, `facts of ${JSON.stringify(events)}`);
  assert.deepEqual(Object.fromEntries(await slotsOf(site, channel)), Object.fromEntries(want.slots), "slot rows");
  return { events, facts: want.facts };
}

test("a chat: the visitor's messages, two agents' replies, a close, a reopen by the visitor's reply and a second close keep the facts and slots the timeline defines", async () => {
  const { site } = await newSite();
  const token = await newVisitor(site);
  const clientId = randomUUID();
  const first = await sendChat(token, "Is the Morning Fog in stock?", clientId);
  assert.equal(first.status, 201, JSON.stringify(first.body));
  assert.equal(Number(first.headers.get("x-d1-round-trips")), 1, "the send stays one D1 round trip");
  const conversation = first.body.message.conversation_id;
  assert.equal((await sendChat(token, "Is the Morning Fog in stock?", clientId)).status, 200, "a retry stores nothing");
  assert.equal((await sendChat(token, "I need two tins.")).status, 201);
  assert.equal((await reply(conversation, { body: "Yes, both ship today." })).status, 201);
  assert.equal((await reply(conversation, { body: "Anything else?" }, AGENT_KEY)).status, 201);
  assert.equal((await setStatus(conversation, "closed")).status, 200);
  assert.equal((await setStatus(conversation, "closed")).status, 200, "closing a closed one changes nothing");
  const again = await sendChat(token, "Actually, one more question.");
  assert.equal(again.status, 201);
  assert.equal(Number(again.headers.get("x-d1-round-trips")), 1, "a reopening send stays one D1 round trip");
  assert.equal((await reply(conversation, { body: "Sure." }, AGENT_KEY)).status, 201);
  assert.equal((await setStatus(conversation, "closed")).status, 200);

  const { events, facts } = await assertMatches(site, "chat", conversation);
  assert.deepEqual(events.map((e) => e.kind), ["in", "in", "out", "out", "closed", "in", "reopened", "out", "closed"], "the timeline driven");
  assert.deepEqual([facts.messages_in, facts.messages_out, facts.resolves, facts.reopens, facts.replies_to_resolve], [3, 3, 2, 1, 3]);
  assert.ok(facts.first_response_by && facts.first_response_ms >= 0);
});

test("a reopen and a close by hand count only where the status changes; a reopen withdraws the resolution", async () => {
  const { site } = await newSite();
  const token = await newVisitor(site);
  const sent = await sendChat(token, "Hello?");
  const conversation = sent.body.message.conversation_id;
  assert.equal((await setStatus(conversation, "open")).status, 200, "reopening an open one changes nothing");
  assert.equal((await setStatus(conversation, "closed")).status, 200);
  assert.equal((await setStatus(conversation, "open")).status, 200);
  const { facts } = await assertMatches(site, "chat", conversation);
  assert.deepEqual([facts.resolves, facts.reopens, facts.resolved_at, facts.first_response_at], [1, 1, null, null]);
});

/** A message to `mailbox` from `from`, in reply to `parent` when given, with extra header lines. */
function mail({ from, mailbox, id, parent, subject = "Where is my order?", headers = [], body = "Hello," }) {
  return [
    spfPass(from),
    `From: "Mia Chen" <${from}>`,
    `To: ${mailbox}`,
    `Subject: ${parent ? "Re: " : ""}${subject}`,
    "Date: Mon, 07 Dec 2026 09:15:00 +0000",
    `Message-ID: <${id}>`,
    ...(parent ? [`In-Reply-To: <${parent}>`, `References: <${parent}>`] : []),
    ...headers,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    body,
    "",
  ].join("\r\n");
}

test("an email thread: mail in (redelivered once), an auto-reply and a bulk mail that are no message in, an email reply, a close and a reopen by the contact's reply", async () => {
  const { site, mailbox } = await newSite({ mailbox: true });
  const tag = unique("");
  const from = `mia+${tag}@example.org`;
  const ids = ["first", "auto", "bounce", "again", "after"].map((n) => `${tag}.${n}@mail.example.org`);
  const deliver = async (raw) => assert.equal((await deliverMail(raw, { from, to: mailbox })).text, HANDLED);
  const firstMail = mail({ from, mailbox, id: ids[0], body: `Order ${tag} has not arrived.` });
  await deliver(firstMail);
  await deliver(firstMail);
  const [{ id: conversation }] = await sql(`SELECT conversation_id AS id FROM messages WHERE email_message_id = ${quoted(ids[0])}`);
  await deliver(mail({ from, mailbox, id: ids[1], parent: ids[0], headers: ["Auto-Submitted: auto-replied"], body: "I am out of the office." }));
  await deliver(mail({ from, mailbox, id: ids[2], parent: ids[0], headers: ["Precedence: bulk", "List-Id: <news.example.org>"], body: "Our newsletter." }));
  const sent = await reply(conversation, { body: "It left this morning.", channel: "email" });
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
  await deliver(mail({ from, mailbox, id: ids[3], parent: ids[0], body: "Thanks!" }));
  assert.equal((await setStatus(conversation, "closed")).status, 200);
  await deliver(mail({ from, mailbox, id: ids[4], parent: ids[0], body: "It arrived broken." }));

  const { events, facts } = await assertMatches(site, "email", conversation);
  assert.deepEqual(events.map((e) => e.kind), ["in", "automated", "automated", "out", "in", "closed", "in", "reopened"], "the timeline driven");
  assert.deepEqual([facts.messages_in, facts.messages_out, facts.resolves, facts.reopens], [3, 1, 1, 1]);
  assert.equal(facts.first_response_ms, events[3].at - events[0].at, "from the first mail, the automated ones aside");
});

test("Messenger: a person's messages (one delivered twice), a reply through the Send API, a close and a reopen by the person's message", async () => {
  const { site } = await newSite();
  const page = String(200000000000000 + randomInt(1, 2 ** 40));
  const secret = randomBytes(16).toString("hex");
  const connected = await call("PUT", `/api/sites/${site}/messenger`, { token: KEY, json: { page_id: page, page_access_token: `EAAtest${randomBytes(8).toString("hex")}`, app_secret: secret } });
  assert.equal(connected.status, 200, JSON.stringify(connected.body));
  const who = `${randomInt(1, 2 ** 47)}${randomInt(1000, 9999)}`;
  const deliver = async (mid, body) => {
    const raw = JSON.stringify({ object: "page", entry: [{ id: page, time: Date.now(), messaging: [
      { sender: { id: who }, recipient: { id: page }, timestamp: Date.now(), message: { mid, text: body } }] }] });
    const signature = `sha256=${createHmac("sha256", secret).update(raw).digest("hex")}`;
    const res = await fetch(`${URL_}/api/messenger/webhook`, { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": signature }, body: raw });
    assert.equal(res.status, 200);
  };
  const first = `m_${randomBytes(12).toString("base64url")}`;
  await deliver(first, "Do you ship to Lyon?");
  await deliver(first, "Do you ship to Lyon?");
  const [{ id: conversation }] = await sql(`SELECT c.id FROM conversations c JOIN messenger_visitors mv ON mv.visitor_id = c.visitor_id WHERE mv.psid = '${who}'`);
  const sent = await reply(conversation, { body: "We do." });
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
  assert.equal(sent.body.message.delivery_status, "sent");
  assert.equal((await setStatus(conversation, "closed")).status, 200);
  await deliver(`m_${randomBytes(12).toString("base64url")}`, "And to Nice?");
  const { events, facts } = await assertMatches(site, "messenger", conversation);
  assert.deepEqual(events.map((e) => e.kind), ["in", "out", "closed", "in", "reopened"], "the timeline driven");
  assert.deepEqual([facts.messages_in, facts.messages_out, facts.resolves, facts.reopens], [2, 1, 1, 1]);
});

test("a merge: the open conversation merged away is resolved then, and the closed survivor it reopens is reopened, each counted once", async () => {
  const { site, mailbox } = await newSite({ mailbox: true });
  const tag = unique("");
  const from = `ben+${tag}@example.org`;
  const [one, two] = ["one", "two"].map((n) => `${tag}.${n}@mail.example.org`);
  for (const [id, subject] of [[one, "First order"], [two, "Second order"]]) {
    assert.equal((await deliverMail(mail({ from, mailbox, id, subject }), { from, to: mailbox })).text, HANDLED);
  }
  const ids = {};
  for (const id of [one, two]) [{ id: ids[id] }] = await sql(`SELECT conversation_id AS id FROM messages WHERE email_message_id = ${quoted(id)}`);
  const [survivor, merged] = [ids[one], ids[two]];
  assert.notEqual(survivor, merged);
  assert.equal((await setStatus(survivor, "closed")).status, 200);
  const res = await call("POST", `/api/conversations/${merged}/merge`, { token: KEY, json: { into: survivor } });
  assert.ok(res.status < 300, JSON.stringify(res.body));
  const again = await call("POST", `/api/conversations/${merged}/merge`, { token: KEY, json: { into: survivor } });
  assert.ok(again.status < 300, `a repeated merge is answered as done (and, below, counted once): ${again.status}`);
  const [gone] = await sql(`SELECT status, merged_at, resolved_at, resolution_ms, resolves, reopens, started_at FROM conversations WHERE id = ${quoted(merged)}`);
  assert.equal(gone.status, "closed");
  assert.deepEqual([gone.resolved_at, gone.resolution_ms, gone.resolves, gone.reopens], [gone.merged_at, gone.merged_at - gone.started_at, 1, 0]);
  const [kept] = await sql(`SELECT status, resolved_at, resolves, reopens FROM conversations WHERE id = ${quoted(survivor)}`);
  assert.deepEqual(kept, { status: "open", resolved_at: null, resolves: 1, reopens: 1 });
  const [sums] = await sql(`SELECT SUM(opened) AS opened, SUM(resolved) AS resolved, SUM(reopened) AS reopened, SUM(messages_in) AS messages_in
    FROM report_slots WHERE site_id = ${quoted(site)}`);
  assert.deepEqual(sums, { opened: 2, resolved: 2, reopened: 1, messages_in: 2 });
});

test("the flow's bot lines count nothing but the conversation's opening; the visitor's answer is a message in; the bot's close resolves", async () => {
  const site = await siteWithFlow({
    trigger: { type: "open" },
    steps: [{
      type: "buttons", id: "menu", text: "Wholesale or retail?", buttons: [{
        label: "Wholesale", steps: [
          { type: "message", id: "handover", text: "Our wholesale team will write to you." },
          { type: "close", id: "done" },
        ],
      }],
    }],
  });
  const token = await newVisitor(site);
  const res = await call("POST", "/api/widget/flow/answers", { token, json: { client_message_id: randomUUID(), step: "menu", choice: 0 } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const conversation = res.body.messages[0].conversation_id;
  const { events, facts } = await assertMatches(site, "chat", conversation);
  assert.deepEqual(events.map((e) => e.kind), ["bot", "in", "bot", "closed"], "the timeline driven");
  assert.deepEqual([facts.messages_in, facts.messages_out, facts.resolves, facts.first_response_at], [1, 0, 1, null]);
});

/** Paris's offset from UTC at `at` (ms), read through Intl like the worker, for the expected business time. */
function parisOffset(at) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-US", {
    timeZone: "Europe/Paris", hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).formatToParts(new Date(at)).map((p) => [p.type, Number(p.value)]));
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour % 24, parts.minute, parts.second) - (at - (at % 1000));
}

/** The ms of [from, to) within the same hours each day (minutes of the day, Paris time): a span of the tests' few seconds. */
function parisBusiness(open, close) {
  return (from, to) => {
    let total = 0;
    for (const at of new Set([from, to].map((t) => Math.floor((t + parisOffset(t)) / 86_400_000)))) {
      const start = (minute) => at * 86_400_000 + minute * 60_000 - parisOffset(at * 86_400_000);
      total += Math.max(0, Math.min(to, start(close)) - Math.max(from, start(open)));
    }
    return total;
  };
}

test("within business hours: a reply and a close on a site whose flow keeps hours store the business durations, read in the hours' zone", async () => {
  // Open this hour of Paris's clock every day (UTC is an hour behind in December, so a zone read as UTC finds it closed);
  // open all day; never open.
  const hour = Math.floor(((Date.now() + parisOffset(Date.now())) % 86_400_000) / 3_600_000);
  const thisHour = Array(7).fill({ open: hour * 60, close: hour * 60 + 60 });
  const cases = [[thisHour, parisBusiness(hour * 60, hour * 60 + 60)], [Array(7).fill({ open: 0, close: 1440 }), (from, to) => to - from],
    [Array(7).fill(null), () => 0]];
  for (const [hours, business] of cases) {
    const site = await siteWithFlow({
      trigger: { type: "first_message" },
      offline: { message: { text: "We are away." }, hours, time_zone: "Europe/Paris" },
      steps: [{ type: "wait_for_agent", id: "wait", text: "Someone will be with you shortly." }],
    });
    const token = await newVisitor(site);
    const sent = await sendChat(token, "Hello, anyone there?");
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    const conversation = sent.body.message.conversation_id;
    assert.equal((await reply(conversation, { body: "Here!" })).status, 201);
    assert.equal((await setStatus(conversation, "closed")).status, 200);
    const { facts } = await assertMatches(site, "chat", conversation, { business });
    assert.notEqual(facts.first_response_business_ms, null);
    assert.notEqual(facts.resolution_business_ms, null);
  }
});

test("two agents' replies racing for the first response leave exactly one first response, by one of them; both count out", async () => {
  const { site } = await newSite();
  const token = await newVisitor(site);
  const conversation = (await sendChat(token, "Quick question")).body.message.conversation_id;
  const [a, b] = await Promise.all([reply(conversation, { body: "Me first" }), reply(conversation, { body: "No, me" }, AGENT_KEY)]);
  assert.deepEqual([a.status, b.status], [201, 201]);
  const facts = await factsOf(conversation);
  const replies = [a.body.message, b.body.message];
  const winner = replies.find((m) => m.created_at === facts.first_response_at);
  assert.ok(winner, `the first response is one of the replies: ${JSON.stringify(facts)}`);
  const [{ agent_id: by }] = await sql(`SELECT agent_id FROM messages WHERE id = ${quoted(winner.id)}`);
  assert.equal(facts.first_response_by, by);
  assert.equal(facts.first_response_ms, winner.created_at - facts.first_inbound_at);
  assert.equal(facts.messages_out, 2);
  const [{ out }] = await sql(`SELECT SUM(messages_out) AS out FROM report_slots WHERE site_id = ${quoted(site)}`);
  assert.equal(out, 2);
});

test("the write path's statements read by key: no scan of conversations, messages or report_slots", async () => {
  // The shapes of store/report.rs's slot upsert and facts update, as a chat send and a close write them.
  const ofMessage = "id = (SELECT conversation_id FROM messages WHERE id = 'm_x')";
  const statements = [
    `INSERT INTO report_slots (account_id, slot, site_id, channel, agent_id, team_id, opened, resolved, reopened, messages_in, messages_out)
     SELECT account_id, 0, site_id, channel, COALESCE(assignee_id, ''), COALESCE(team_id, ''), CASE WHEN id = 'c_x' THEN 1 ELSE 0 END, 0, 0, 1, 0
     FROM conversations WHERE (${ofMessage})
     ON CONFLICT (account_id, slot, site_id, channel, agent_id, team_id) DO UPDATE SET opened = opened + excluded.opened,
       resolved = resolved + excluded.resolved, reopened = reopened + excluded.reopened,
       messages_in = messages_in + excluded.messages_in, messages_out = messages_out + excluded.messages_out`,
    `UPDATE conversations SET messages_out = messages_out + 1,
       first_response_at = CASE WHEN first_response_at IS NULL AND first_inbound_at = 1 THEN 2 ELSE first_response_at END
     WHERE (${ofMessage})`,
    `UPDATE conversations SET resolves = resolves + 1, resolved_at = 2, resolution_ms = MAX(2 - started_at, 0), replies_to_resolve = messages_out
     WHERE (id = 'c_x' AND account_id = 'a_demo') AND status = 'open'`,
    `SELECT c.started_at, c.first_inbound_at, s.chatbot, f.flow FROM conversations c JOIN sites s ON s.id = c.site_id
     LEFT JOIN flow_versions f ON f.site_id = s.id AND f.version = s.flow_version WHERE c.id = 'c_x'`,
  ];
  for (const statement of statements) {
    const plan = (await sql(`EXPLAIN QUERY PLAN ${statement}`)).map((r) => r.detail);
    assert.ok(!plan.some((d) => /^SCAN|TEMP B-TREE/.test(d)), `${statement}\n${plan.join("\n")}`);
    assert.ok(plan.some((d) => /^SEARCH/.test(d)), `${statement}\n${plan.join("\n")}`);
  }
});
