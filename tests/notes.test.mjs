// Private notes, mentions and the activity trail on the real worker. A note
// is written in a thread, then every path that faces a visitor is read (the
// widget's thread and socket, an email reply and its quoted history, a
// transcript, the export for the contact, an automation's payloads, what the
// Graph API is sent for a Messenger person) and must
// hold neither its text nor its id. A mention reaches the mentioned agent live
// and lists the conversation in their Mentions view; changes leave events with
// who and when; another account is told nothing exists.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createHmac, randomUUID } from "node:crypto";
import {
  call, deliverMail, eventually, mailFixture, newVisitor, nextSentEmail, sendChat, sentEmails, sql, thread, unique, widgetView,
  AGENT_KEY, KEY, browserAndHostPages, signInToInbox, listItem,
} from "./helpers.mjs";
import { axeViolations } from "./axe.mjs";
import { graphCalls } from "./fake-graph.mjs";
import { widgetSocket, inboxSocket, closeAll } from "./sockets.mjs";

after(closeAll);

/** The other account's primary admin (tests/fixtures.sql). */
const OTHER_ACCOUNT_KEY = "pk_other_account_000000000000000000000000000000000";
const KIT = "ag_fixture_agent"; // Kit Fern, an agent of the demo account (AGENT_KEY)

/** The test run's Chromium (and host pages), for the browser tests. */
const pages = browserAndHostPages();

const note = (id, body, token = KEY) => call("POST", `/api/conversations/${id}/notes`, { token, json: { body } });

/** Writes a note with a unique text in `id`; `{text, id}` of the stored note. */
async function writeNote(conversation, prefix = "Internal: refund approved by finance") {
  const text = unique(`${prefix} `);
  const res = await note(conversation, text);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.deepEqual([res.body.note.kind, res.body.note.body, res.body.note.agent_name], ["note", text, "Robin Ash"]);
  return { text, id: res.body.note.id };
}

/** Asserts that `what` (any JSON, or text) holds neither the note's text nor its id. */
function assertClean(what, secret, where) {
  const text = typeof what === "string" ? what : JSON.stringify(what);
  assert.ok(!text.includes(secret.text), `${where} holds the note's text`);
  assert.ok(!text.includes(secret.id), `${where} holds the note's id`);
}

/** A chat of the demo shop with a contact (added by an agent): `{token, id, email}`. */
async function chatWithContact(site = "s_demo") {
  const token = await newVisitor(site);
  const sent = await sendChat(token, "Is my order on its way?");
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
  const id = sent.body.message.conversation_id;
  const email = `noted+${unique("")}@example.org`;
  assert.equal((await call("POST", `/api/conversations/${id}/contact`, { token: KEY, json: { email, full_name: "Noa Reed" } })).status, 200);
  return { token, id, email };
}

test("a note never reaches the visitor: not the widget's thread or socket, a transcript, or the export for the contact", async () => {
  const chat = await chatWithContact();
  const socket = await widgetSocket(chat.token);
  const secret = await writeNote(chat.id);

  const agentView = await thread(chat.id);
  assert.deepEqual(agentView.trail.filter((e) => e.kind === "note").map((e) => e.body), [secret.text], "the team sees it in the trail");
  assertClean(agentView.messages, secret, "the thread's messages");

  // The reply is the positive signal: every push before it has arrived by then.
  const answer = unique("It ships today ");
  assert.equal((await call("POST", `/api/conversations/${chat.id}/messages`, { token: KEY, json: { body: answer, channel: "chat" } })).status, 201);
  await socket.next((p) => p.type === "message" && p.message.body === answer);
  assertClean(socket.pushes, secret, "the widget's socket");
  const seen = await widgetView(chat.token);
  assert.deepEqual(seen.messages.map((m) => m.body), ["Is my order on its way?", answer]);
  assertClean(seen, secret, "the widget's thread");

  const before = sentEmails().length;
  const sent = await call("POST", `/api/conversations/${chat.id}/transcript`, { token: KEY, json: { idempotency_key: randomUUID(), confirm_unverified: chat.email } });
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
  const transcript = await nextSentEmail(before);
  assert.ok(transcript.includes("ships today"), "the transcript was read (the reply is in it)");
  assertClean(transcript, secret, "the transcript");

  const exported = await call("GET", `/api/contacts/${agentView.conversation.contact_id}/export`, { token: KEY });
  assert.equal(exported.status, 200);
  assert.ok(JSON.stringify(exported.body).includes(answer), "the export holds the conversation");
  assertClean(exported.body, secret, "the export for the contact");
});

test("a note never goes out by email: not as a reply, not in its quoted history, not in the draft", async () => {
  const tag = unique("");
  const address = `mailer+${tag}@example.org`;
  await deliverMail(mailFixture("plain.eml", { From: address, from: address, id: `${tag}@mail.example.org`, marker: tag }), { from: address });
  const [{ id }] = await sql(`SELECT c.id FROM conversations c JOIN contacts ct ON ct.id = c.contact_id WHERE ct.email = '${address}'`);
  const secret = await writeNote(id);
  const draft = await call("GET", `/api/conversations/${id}/email-draft`, { token: KEY });
  assert.equal(draft.status, 200);
  assertClean(draft.body, secret, "the email draft");
  const before = sentEmails().length;
  const answer = unique("Thanks, on it ");
  const sent = await call("POST", `/api/conversations/${id}/messages`, { token: KEY, json: { body: answer, channel: "email" } });
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
  const eml = await nextSentEmail(before);
  assert.ok(eml.includes(tag), "the quoted history was written (the customer's mail is in it)");
  assertClean(eml, secret, "the email and its quoted history");
  assert.equal(sentEmails().length, before + 1, "the note itself sent nothing");
});

test("a note is never an automation event or in an automation's payload", async () => {
  const received = [];
  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => { received.push(raw); res.writeHead(200).end(); });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const hooks = "/api/sites/s_auto/automations";
  const created = await call("POST", hooks, { token: KEY, json: { name: unique("notes "), url: `http://127.0.0.1:${server.address().port}/hook` } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  try {
    const chat = await chatWithContact("s_auto");
    const secret = await writeNote(chat.id);
    const marker = unique("after the note ");
    assert.equal((await sendChat(chat.token, marker)).status, 201);
    await eventually(() => received.some((raw) => raw.includes(marker)), { what: "the visitor's later message delivered", timeout: 20_000 });
    for (const raw of received) assertClean(raw, secret, "an automation's payload");
    const [{ n }] = await sql(`SELECT COUNT(*) AS n FROM automation_deliveries WHERE payload LIKE '%${secret.text}%' OR payload LIKE '%${secret.id}%'`);
    assert.equal(n, 0);
  } finally {
    await call("PATCH", `${hooks}/${created.body.automation.id}`, { token: KEY, json: { enabled: false } });
    await new Promise((r) => server.close(r));
  }
});

test("a note never reaches a Messenger person: the Graph API is only ever sent the reply", async () => {
  const site = (await call("POST", "/api/sites", { token: KEY, json: { name: unique("Notes Messenger ") } })).body.id;
  const page = String(200000000000000 + Math.floor(Math.random() * 2 ** 40));
  const secret = randomUUID();
  const set = await call("PUT", `/api/sites/${site}/messenger`, { token: KEY, json: { page_id: page, page_access_token: `EAAnotes${randomUUID()}`, app_secret: secret } });
  assert.equal(set.status, 200, JSON.stringify(set.body));
  const who = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
  const raw = JSON.stringify({ object: "page", entry: [{ id: page, time: Date.now(), messaging: [
    { sender: { id: who }, recipient: { id: page }, timestamp: Date.now(), message: { mid: `m_${randomUUID()}`, text: "Hello from Messenger" } }] }] });
  const signature = `sha256=${createHmac("sha256", secret).update(raw).digest("hex")}`;
  const hook = await fetch(`${process.env.PARLEY_URL}/api/messenger/webhook`, { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": signature }, body: raw });
  assert.equal(hook.status, 200);
  const [{ id }] = await sql(`SELECT c.id FROM conversations c JOIN messenger_visitors mv ON mv.visitor_id = c.visitor_id WHERE mv.psid = '${who}'`);
  const noted = await writeNote(id);
  const answer = unique("Your order left ");
  assert.equal((await call("POST", `/api/conversations/${id}/messages`, { token: KEY, json: { body: answer, channel: "messenger" } })).status, 201);
  const sent = (await graphCalls()).filter((c) => c.method === "POST" && c.body?.recipient?.id === who);
  assert.deepEqual(sent.map((c) => c.body.message.text), [answer], "the reply went, alone");
  assertClean(await graphCalls(), noted, "what the Graph API was sent");
});

test("a mention tells the agent live, even away from the conversation, and lists it in their Mentions view, newest first", async () => {
  const kit = await inboxSocket({ key: AGENT_KEY });
  const first = await chatWithContact();
  const second = await chatWithContact();
  const one = await note(first.id, "@Kit Fern can you check the tracking number?");
  assert.equal(one.status, 201);
  assert.deepEqual(one.body.note.mentions, [KIT]);
  const push = await kit.next((p) => p.type === "note" && p.note_id === one.body.note.id);
  assert.deepEqual([push.conversation_id, push.mentions, push.author_name], [first.id, [KIT], "Robin Ash"]);
  assert.match(push.preview, /^@Kit Fern can you check/);

  const plain = await note(second.id, "no mention here, kit fern");
  assert.deepEqual(plain.body.note.mentions, []);
  let listed = (await call("GET", "/api/mentions", { token: AGENT_KEY })).body.conversations.map((m) => m.conversation.id);
  assert.ok(listed.includes(first.id) && !listed.includes(second.id), "only where a note mentioned Kit");

  const later = await note(second.id, "@kit fern, and this one");
  assert.deepEqual(later.body.note.mentions, [KIT], "letter case aside");
  const mentions = (await call("GET", "/api/mentions", { token: AGENT_KEY })).body.conversations;
  assert.deepEqual(mentions.slice(0, 2).map((m) => [m.conversation.id, m.note_id]), [[second.id, later.body.note.id], [first.id, one.body.note.id]]);
  assert.ok(mentions[0].mentioned_at >= mentions[1].mentioned_at);
  listed = (await call("GET", "/api/mentions", { token: KEY })).body.conversations.map((m) => m.conversation.id);
  assert.ok(!listed.includes(first.id) && !listed.includes(second.id), "the writer was not mentioned");
  const again = await note(first.id, "@Kit Fern one more");
  assert.equal((await call("GET", "/api/mentions", { token: AGENT_KEY })).body.conversations[0].note_id, again.body.note.id, "a new mention moves it up, listed once");
  assert.equal((await sql(`SELECT COUNT(*) AS n FROM mentions WHERE agent_id = '${KIT}' AND conversation_id = '${first.id}'`))[0].n, 1);
});

test("any agent of the account writes notes, once per client id; another account's conversation is not found and nothing is written", async () => {
  const chat = await chatWithContact();
  const byAgent = await note(chat.id, "written by an agent", AGENT_KEY);
  assert.deepEqual([byAgent.status, byAgent.body.note.agent_id], [201, KIT]);
  const other = await note(chat.id, "@Kit Fern from another account", OTHER_ACCOUNT_KEY);
  assert.deepEqual([other.status, other.body.error.code], [404, "not_found"]);
  assert.equal((await note("c_nope", "nowhere")).status, 404);
  const empty = await note(chat.id, "   ");
  assert.deepEqual([empty.status, empty.body.error.code], [400, "body_empty"]);
  const extra = await call("POST", `/api/conversations/${chat.id}/notes`, { token: KEY, json: { body: "x", to: "someone" } });
  assert.equal(extra.status, 400);
  const long = await note(chat.id, "x".repeat(10_001));
  assert.deepEqual([long.status, long.body.error.code], [400, "body_too_long"]);
  const badKey = await call("POST", `/api/conversations/${chat.id}/notes`, { token: KEY, json: { body: "x", client_note_id: "no" } });
  assert.deepEqual([badKey.status, badKey.body.error.code], [400, "client_message_id_invalid"]);
  // A retried note (the same client id), even raced: stored once, the same note answered.
  const json = { body: "@Kit Fern sent twice", client_note_id: randomUUID() };
  const tries = await Promise.all([1, 2, 3].map(() => call("POST", `/api/conversations/${chat.id}/notes`, { token: KEY, json })));
  assert.deepEqual(tries.map((t) => t.status).sort(), [200, 200, 201]);
  assert.equal(new Set(tries.map((t) => t.body.note.id)).size, 1);
  const elsewhere = await call("POST", `/api/conversations/${chat.id}/notes`, { token: OTHER_ACCOUNT_KEY, json });
  assert.equal(elsewhere.status, 404, "another account's retry of it is told nothing");
  const notes = (await thread(chat.id)).trail.filter((e) => e.kind === "note");
  assert.deepEqual(notes.map((n) => n.body), ["written by an agent", "@Kit Fern sent twice"], "nothing else was written");
});

test("status changes, assignments and spam marks leave events with who and when; a change to the same state leaves none", async () => {
  const chat = await chatWithContact();
  const patch = (json, token = KEY) => call("PATCH", `/api/conversations/${chat.id}`, { token, json });
  const start = Date.now();
  assert.equal((await patch({ status: "closed" })).status, 200);
  assert.equal((await patch({ status: "closed" })).status, 200);
  assert.equal((await patch({ status: "open", assignee_id: KIT }, AGENT_KEY)).status, 200);
  assert.equal((await patch({ assignee_id: KIT })).status, 200);
  assert.equal((await patch({ assignee_id: null })).status, 200);
  assert.equal((await patch({ spam: true })).status, 200);
  assert.equal((await patch({ spam: false })).status, 200);
  assert.equal((await patch({ assignee_id: "ag_other_admin" })).status, 400, "refused: nothing recorded");
  const trail = (await thread(chat.id)).trail;
  assert.deepEqual(trail.map((e) => [e.kind, e.agent_name, e.assignee_name]), [
    ["closed", "Robin Ash", null],
    ["reopened", "Kit Fern", null],
    ["assigned", "Kit Fern", "Kit Fern"],
    ["unassigned", "Robin Ash", null],
    ["marked_spam", "Robin Ash", null],
    ["unmarked_spam", "Robin Ash", null],
  ]);
  for (const e of trail) assert.ok(e.created_at >= start - 1000 && e.created_at <= Date.now() + 1000, "when");
  const exported = (await call("GET", `/api/contacts/${(await thread(chat.id)).conversation.contact_id}/export`, { token: KEY })).body;
  assert.deepEqual(exported.trail.map((e) => e.kind), trail.map((e) => e.kind), "the export carries the events");
});

test("erasing the contact erases its conversations' trail, notes and mentions", async () => {
  const chat = await chatWithContact();
  await note(chat.id, "@Kit Fern about to be erased");
  assert.equal((await call("PATCH", `/api/conversations/${chat.id}`, { token: KEY, json: { status: "closed" } })).status, 200);
  const contact = (await thread(chat.id)).conversation.contact_id;
  assert.equal((await call("DELETE", `/api/contacts/${contact}`, { token: KEY })).status, 200);
  assert.equal((await sql(`SELECT COUNT(*) AS n FROM trail WHERE conversation_id = '${chat.id}'`))[0].n, 0);
  assert.equal((await sql(`SELECT COUNT(*) AS n FROM mentions WHERE conversation_id = '${chat.id}'`))[0].n, 0);
});

test("the Mentions view reads through its index in order, with no scan or sort, at any page", async () => {
  // The shape of store/trail.rs's `mentions` (its columns left out): the first page, and one after a cursor.
  const page = (after) => `EXPLAIN QUERY PLAN SELECT mn.conversation_id FROM mentions mn CROSS JOIN conversations c ON c.id = mn.conversation_id
    WHERE mn.agent_id = '${KIT}' AND c.account_id = 'a_demo' ${after} ORDER BY mn.mentioned_at DESC, mn.rowid LIMIT 50`;
  const cursor = `AND mn.mentioned_at <= 1763000000000 AND (mn.mentioned_at < 1763000000000 OR
    mn.rowid > (SELECT rowid FROM mentions WHERE agent_id = '${KIT}' AND conversation_id = 'c_x'))`;
  const { stdout } = await promisify(execFile)("node_modules/.bin/wrangler",
    ["d1", "execute", "DB", "--local", "--persist-to", process.env.PARLEY_STATE, "--json", "--command", [page(""), page(cursor)].join(";\n")],
    { env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" }, maxBuffer: 16 * 1024 * 1024 });
  for (const result of JSON.parse(stdout)) {
    const plan = result.results.map((row) => row.detail);
    assert.ok(plan.some((d) => /^SEARCH mn USING INDEX mentions_newest \(agent_id=\?/.test(d)), `${plan}`);
    assert.ok(plan.some((d) => /^SEARCH c USING INDEX sqlite_autoindex_conversations_1 \(id=\?\)$/.test(d)), `${plan}`);
    assert.ok(!plan.some((d) => /^SCAN|TEMP B-TREE/.test(d)), `${plan}`);
  }
});

test("the Mentions view pages by cursor: every conversation once, newest first, ties at a page's edge included; 'Load more' in the inbox", async () => {
  // 53 conversations mentioning Robin Ash (the seeded key's agent), all at one time: a page ends among ties.
  const ids = [];
  for (let i = 0; i < 53; i++) {
    const token = await newVisitor();
    const sent = await sendChat(token, `paged mention ${i}`);
    ids.push(sent.body.message.conversation_id);
  }
  for (const id of ids) assert.equal((await note(id, `@Robin Ash page me ${unique("")}`, AGENT_KEY)).status, 201);
  const ours = `conversation_id IN (${ids.map((id) => `'${id}'`).join(", ")})`;
  // The newest of all for this test, so they fill the first page and run past it; put back among the oldest after.
  await sql(`UPDATE mentions SET mentioned_at = ${Date.now() + 86_400_000} WHERE ${ours}`);
  try {
    const seen = [];
    let before = null;
    let read = 0;
    do {
      const res = await call("GET", `/api/mentions${before ? `?before=${encodeURIComponent(before)}` : ""}`, { token: KEY });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.ok(res.body.conversations.length <= 50);
      seen.push(...res.body.conversations);
      before = res.body.next;
      read += 1;
    } while (before && read < 100);
    assert.ok(read >= 2, "more than one page");
    const listed = seen.map((m) => m.conversation.id);
    assert.equal(new Set(listed).size, listed.length, "no conversation twice");
    assert.deepEqual(listed.slice(0, 53).sort(), [...ids].sort(), "ours first (the newest), each once across the page's edge");
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i - 1].mentioned_at >= seen[i].mentioned_at, "newest first");

    // The inbox's view: 50, then "Load more" by keyboard, the focus on the first of the next page.
    const context = await pages.browser.newContext({ bypassCSP: true });
    const agent = await signInToInbox(context);
    await agent.locator("#to-mentions").click();
    await agent.locator("#mentions-more").waitFor();
    assert.equal(await agent.locator("#mentions-list li[data-id]").count(), 50);
    await agent.locator("#mentions-more").focus();
    await agent.keyboard.press("Enter");
    await eventually(async () => (await agent.locator("#mentions-list li[data-id]").count()) > 50, { what: "the next page" });
    assert.equal(await agent.evaluate(() => document.activeElement?.closest("li")?.dataset.id), listed[50], "the focus on the first new one");
    assert.deepEqual(await axeViolations(agent, "#mentions"), []);
    await context.close();
  } finally {
    await sql(`UPDATE mentions SET mentioned_at = 1 WHERE ${ours}`);
  }
  const bad = await call("GET", "/api/mentions?before=nonsense", { token: KEY });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, "invalid_cursor");
  // Another agent's view is theirs alone.
  const kit = (await call("GET", "/api/mentions", { token: AGENT_KEY })).body.conversations.map((m) => m.conversation.id);
  assert.ok(!ids.some((id) => kit.includes(id)));
});

// The inbox, in real Chromium: the composer's Note mode and its @ combobox by
// keyboard alone, the note and the trail's events in the thread, a mention
// told live away from the conversation, the Mentions view; axe finds nothing.

/** Presses Tab (at most `max` times) until `selector` has the focus. */
async function tabTo(page, selector, max = 60) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press("Tab");
  }
  assert.fail(`${selector} is not reached by Tab`);
}

test("in the inbox, a note is written by keyboard with an @ mention, shown in the trail; a mention of me is told live and listed", async () => {
  const found = [];
  const check = async (page, view) => found.push(...(await axeViolations(page, "body")).map((v) => `${view}: ${v}`));
  const context = await pages.browser.newContext({ bypassCSP: true });
  const agent = await signInToInbox(context);
  const question = unique("Where is parcel ");
  const token = await newVisitor();
  await sendChat(token, question);
  const id = (await widgetView(token)).conversation_id;
  await listItem(agent, question).click();
  await agent.locator("#messages .msg", { hasText: question }).waitFor();

  // Note mode, from the keyboard: from the thread's actions (the list before them may hold many
  // conversations) to the radio group, then the text with @ completion.
  await agent.locator("#toggle-status").focus();
  await tabTo(agent, "#via-chat");
  await agent.keyboard.press("ArrowLeft"); // from the first choice round to the last: Note
  assert.equal(await agent.locator("#via-note").isChecked(), true);
  await agent.locator("#composer.noting #note-hint").waitFor();
  await tabTo(agent, "#reply-body");
  assert.equal(await agent.getAttribute("#reply-body", "aria-label"), "Private note");
  await agent.keyboard.type("Refund approved, @ki");
  const option = agent.locator("#mention-picker [role=option][aria-selected=true]");
  assert.equal(await option.textContent(), "Kit Fern");
  assert.equal(await agent.getAttribute("#reply-body", "aria-activedescendant"), await option.getAttribute("id"));
  await check(agent, "the composer in Note mode, its mention list open");
  await agent.keyboard.press("Enter");
  await agent.locator("#mention-picker").waitFor({ state: "hidden" });
  const text = unique("please ship ");
  await agent.keyboard.type(text);
  assert.equal(await agent.inputValue("#reply-body"), `Refund approved, @Kit Fern ${text}`);
  await tabTo(agent, "#composer button[type=submit]");
  assert.equal(await agent.locator("#composer button[type=submit]").textContent(), "Add note");
  await agent.keyboard.press("Enter");
  const shown = agent.locator("#messages .note", { hasText: text });
  await shown.waitFor();
  assert.match(await shown.locator(".meta").textContent(), /^Private note · Robin Ash · /);
  const stored = (await thread(id)).trail.find((e) => e.kind === "note");
  assert.deepEqual([stored.body, stored.mentions], [`Refund approved, @Kit Fern ${text}`, [KIT]]);
  assert.ok(!JSON.stringify(await widgetView(token)).includes(text), "the visitor's thread never holds it");

  // An event by another agent arrives live, in the trail.
  assert.equal((await call("PATCH", `/api/conversations/${id}`, { token: AGENT_KEY, json: { status: "closed" } })).status, 200);
  await agent.locator("#messages .event", { hasText: "Kit Fern closed the conversation" }).waitFor();
  await check(agent, "a thread with a note and an event");

  // Kit mentions me in another conversation while I look at this one: told live, then listed.
  const other = await newVisitor();
  await sendChat(other, unique("Another question "));
  const elsewhere = (await widgetView(other)).conversation_id;
  assert.equal((await note(elsewhere, "@Robin Ash could you take this one?", AGENT_KEY)).status, 201);
  await agent.locator("#to-mentions", { hasText: "Mentions (1 new)" }).waitFor();
  await agent.locator("#to-mentions").focus();
  await agent.keyboard.press("Enter");
  const first = agent.locator("#mentions-list button").first();
  await first.waitFor();
  await check(agent, "the Mentions view");
  await first.focus();
  await agent.keyboard.press("Enter");
  await agent.locator("#messages .note", { hasText: "could you take this one?" }).waitFor();
  assert.equal(await agent.locator("#thread").getAttribute("data-id"), elsewhere);
  assert.equal(await agent.locator("#to-mentions").textContent(), "Mentions");
  await context.close();
  assert.deepEqual(found, []);
});
