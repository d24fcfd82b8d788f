// Facebook Messenger, end to end against the real worker and the fake Graph
// API that tests/run.mjs starts (tests/fake-graph.mjs, PARLEY_GRAPH_URL): the
// primary admin connects a Page (its secrets never come back), Meta's GET
// handshake, signed deliveries (unsigned ones store nothing), batched events
// stored once per mid, replies inside 24 h, up to 7 days and refused after,
// a failed send kept with Graph's error, receipts updating our replies, and in
// Chromium the Messenger composer and "Click to add" making the person a contact.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac, randomBytes, randomInt } from "node:crypto";
import { URL_, KEY, AGENT_KEY, call, rawPost, sql, launchChromium, signInToInbox, unique, thread } from "./helpers.mjs";
import { GRAPH_ERROR, graphCalls } from "./fake-graph.mjs";
import { inboxSocket, closeAll } from "./sockets.mjs";

const SITE = "s_demo";
const PAGE = String(100000000000000 + randomInt(1, 2 ** 40));
const PAGE_TOKEN = `EAAtest${randomBytes(16).toString("hex")}`;
const APP_SECRET = randomBytes(16).toString("hex");
const DAY = 24 * 60 * 60 * 1000;
let settings;
let browser;
after(async () => { await browser?.close(); await closeAll(); });
/** The suite's Chromium, started by the first browser test. */
const chromium = async () => (browser ??= await launchChromium());

/** The fake Graph names a person after the last four digits of the id: unique within the run, so no two share a name. */
let people = 0;
const psid = (prefix = "") => `${prefix}${randomInt(1, 2 ** 47)}${1000 + ++people}`;
const mid = () => `m_${randomBytes(12).toString("base64url")}`;
const from = (who, event) => ({ sender: { id: who }, recipient: { id: PAGE }, timestamp: Date.now(), ...event });
const text = (who, id, body) => from(who, { message: { mid: id, text: body } });
const hook = (...messaging) => ({ object: "page", entry: [{ id: PAGE, time: Date.now(), messaging }] });
const sign = (raw, secret = APP_SECRET) => `sha256=${createHmac("sha256", secret).update(raw).digest("hex")}`;

/** POSTs a delivery as Meta does: the raw JSON, signed with the App secret unless `signature` says otherwise. */
function deliver(payload, { signature } = {}) {
  const raw = JSON.stringify(payload);
  const headers = { "content-type": "application/json" };
  const value = signature === undefined ? sign(raw) : signature;
  if (value !== null) headers["x-hub-signature-256"] = value;
  return fetch(`${URL_}/api/messenger/webhook`, { method: "POST", headers, body: raw });
}

/** The one conversation of the person with this page-scoped id. */
async function conversationOfPsid(who) {
  const rows = await sql(`SELECT c.id FROM conversations c JOIN messenger_visitors mv ON mv.visitor_id = c.visitor_id WHERE mv.psid = '${who}'`);
  assert.equal(rows.length, 1, `one conversation for ${who}`);
  return rows[0].id;
}

/** A person who wrote once; their conversation's id. */
async function personWhoWrote(who = psid()) {
  const res = await deliver(hook(text(who, mid(), "Hello from Messenger")));
  assert.equal(res.status, 200);
  return { who, conversation: await conversationOfPsid(who) };
}

/** Moves the person's messages `days` into the past. */
const age = (conversation, days) =>
  sql(`UPDATE messages SET created_at = created_at - ${Math.round(days * DAY)} WHERE conversation_id = '${conversation}' AND direction = 'inbound'`);

before(async () => {
  const res = await call("PUT", `/api/sites/${SITE}/messenger`, { token: KEY, json: { page_id: PAGE, page_access_token: PAGE_TOKEN, app_secret: APP_SECRET } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  settings = res.body;
});

test("the primary admin connects a Page; its secrets are sealed and never returned", async () => {
  assert.equal(settings.page_id, PAGE);
  assert.equal(settings.page_access_token_set, true);
  assert.equal(settings.app_secret_set, true);
  assert.match(settings.verify_token, /^[0-9a-f]{64}$/);
  assert.equal(settings.webhook_url, `${URL_}/api/messenger/webhook`);
  assert.equal(settings.verified_at, null);

  const answers = [
    await call("GET", `/api/sites/${SITE}/messenger`, { token: KEY }),
    await call("PUT", `/api/sites/${SITE}/messenger`, { token: KEY, json: { page_id: PAGE } }),
    await call("GET", "/api/sites", { token: KEY }),
    await call("GET", `/api/sites/${SITE}/widget`, { token: KEY }),
    await call("GET", `/api/sites/${SITE}/identity`, { token: KEY }),
  ];
  for (const res of answers) {
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const text = JSON.stringify(res.body);
    assert.ok(!text.includes(PAGE_TOKEN) && !text.includes(APP_SECRET), `a secret came back: ${text}`);
  }
  assert.deepEqual(answers[0].body, settings, "GET shows what PUT answered");
  assert.deepEqual(answers[1].body, settings, "a PUT without secrets keeps them");

  const [row] = await sql(`SELECT page_token_enc, app_secret_enc FROM messenger_pages WHERE site_id = '${SITE}'`);
  assert.match(row.page_token_enc, /^v1\.[0-9a-f]{24}\.[0-9a-f]+$/);
  assert.ok(!row.page_token_enc.includes(PAGE_TOKEN) && !row.app_secret_enc.includes(APP_SECRET));

  const agent = await call("GET", `/api/sites/${SITE}/messenger`, { token: AGENT_KEY });
  assert.equal(agent.status, 403, "only the primary admin sees the connection");
  const bad = await call("PUT", `/api/sites/s_auto/messenger`, { token: KEY, json: { page_id: PAGE, page_access_token: "x", app_secret: "y" } });
  assert.equal(bad.status, 409, "a Page connects to one site");
  const missing = await call("PUT", `/api/sites/s_auto/messenger`, { token: KEY, json: { page_id: "123" } });
  assert.equal(missing.body.error.code, "messenger_secrets_required");
});

test("Meta's verification: the right token gets the challenge, a wrong one 403", async () => {
  const url = (token, mode = "subscribe") =>
    `${URL_}/api/messenger/webhook?hub.mode=${mode}&hub.verify_token=${token}&hub.challenge=1158201444`;
  const wrong = await fetch(url("not-the-token"));
  assert.equal(wrong.status, 403);
  assert.notEqual(await wrong.text(), "1158201444");
  const notSubscribe = await fetch(url(settings.verify_token, "unsubscribe"));
  assert.equal(notSubscribe.status, 403);
  assert.equal((await call("GET", `/api/sites/${SITE}/messenger`, { token: KEY })).body.verified_at, null);

  const right = await fetch(url(settings.verify_token));
  assert.equal(right.status, 200);
  assert.match(right.headers.get("content-type"), /^text\/plain/);
  assert.equal(await right.text(), "1158201444");
  const after = (await call("GET", `/api/sites/${SITE}/messenger`, { token: KEY })).body;
  assert.ok(after.verified_at > Date.now() - 60_000, "Settings shows the verification");
});

test("a bad or missing signature, or an unknown Page, gets 403 and stores nothing", async () => {
  const who = psid();
  const id = mid();
  const payload = hook(text(who, id, "unsigned"));
  const raw = JSON.stringify(payload);
  for (const [what, signature] of [
    ["missing", null],
    ["wrong secret", sign(raw, "not-the-app-secret")],
    ["malformed", "sha256=nothex"],
    ["sha1", `sha1=${createHmac("sha1", APP_SECRET).update(raw).digest("hex")}`],
    ["another body", sign(raw + " ")],
  ]) {
    const res = await deliver(payload, { signature });
    assert.equal(res.status, 403, what);
  }
  const unknownPage = { object: "page", entry: [{ id: "999000111", messaging: [text(who, id, "other page")] }] };
  assert.equal((await deliver(unknownPage)).status, 403, "a Page no site connected");
  assert.equal((await sql(`SELECT COUNT(*) AS n FROM messages WHERE messenger_mid = '${id}'`))[0].n, 0);
  assert.equal((await sql(`SELECT COUNT(*) AS n FROM messenger_visitors WHERE psid = '${who}'`))[0].n, 0);
  assert.ok(!(await graphCalls()).some((c) => c.path === `/${who}`), "no profile was fetched");
});

/** POSTs `chunks` to the webhook with `headers`, as written (a chunked stream when no Content-Length is given). */
const rawWebhookPost = (headers, chunks) => rawPost("/api/messenger/webhook", { "content-type": "application/json", ...headers }, chunks);

test("the webhook answers 411 to a body of unknown length and 413 to a declared excess, and stores nothing", async () => {
  const who = psid();
  const id = mid();
  const raw = JSON.stringify(hook(text(who, id, "streamed")));
  // Validly signed, but streamed (chunked, no Content-Length): refused on its headers alone.
  const streamed = await rawWebhookPost({ "transfer-encoding": "chunked", "x-hub-signature-256": sign(raw) }, [raw.slice(0, 20), raw.slice(20)]);
  assert.deepEqual([streamed.status, streamed.body.error.code], [411, "length_required"]);
  const huge = Buffer.alloc(1024 * 1024 + 1, " ");
  const declared = await rawWebhookPost({ "content-length": String(huge.length), "x-hub-signature-256": sign(huge) }, [huge]);
  assert.deepEqual([declared.status, declared.body.error.code], [413, "payload_too_large"]);
  assert.equal((await sql(`SELECT COUNT(*) AS n FROM messages WHERE messenger_mid = '${id}'`))[0].n, 0);
});

test("a batched delivery: text, attachments, a postback and a quick reply are stored, the echo is not", async () => {
  const who = psid();
  const ids = [mid(), mid(), mid(), mid(), mid()];
  const res = await deliver(hook(
    text(who, ids[0], "Hi, where is my order?"),
    from(who, { message: { mid: ids[1], attachments: [
      { type: "image", payload: { url: "https://cdn.example/receipt.png" } },
      { type: "file", payload: { url: "https://cdn.example/invoice.pdf" } }] } }),
    { sender: { id: PAGE }, recipient: { id: who }, timestamp: Date.now(), message: { mid: ids[2], text: "our own send", is_echo: true, app_id: 1 } },
    from(who, { postback: { mid: ids[3], title: "Track my order", payload: "TRACK_ORDER" } }),
    from(who, { message: { mid: ids[4], text: "Yes please", quick_reply: { payload: "CONFIRM_YES" } } }),
  ));
  assert.equal(res.status, 200);
  const conversation = await conversationOfPsid(who);
  const { conversation: c, messages, messenger } = await thread(conversation);
  assert.equal(c.channel, "messenger");
  assert.equal(c.status, "open");
  assert.equal(c.display_name, `Robin Meta ${who.slice(-4)}`, "named from the Graph profile");
  assert.deepEqual(messenger, { name: `Robin Meta ${who.slice(-4)}`, picture_url: `https://cdn.example/${who}.jpg`, window: "standard", closed_reason: null });
  assert.deepEqual(messages.map((m) => [m.direction, m.author, m.body]), [
    ["inbound", "visitor", "Hi, where is my order?"],
    ["inbound", "visitor", "Image: https://cdn.example/receipt.png\nFile: https://cdn.example/invoice.pdf"],
    ["inbound", "visitor", "Track my order\n(button: TRACK_ORDER)"],
    ["inbound", "visitor", "Yes please\n(quick reply: CONFIRM_YES)"],
  ]);
  assert.deepEqual(messages.map((m) => m.seq), [1, 2, 3, 4]);
  const found = await call("GET", `/api/conversations?channel=messenger&q=${encodeURIComponent(`Meta ${who.slice(-4)}`)}`, { token: KEY });
  assert.deepEqual(found.body.conversations.map((x) => x.id), [conversation], "found by the person's name");
  assert.equal((await sql(`SELECT COUNT(*) AS n FROM messages WHERE messenger_mid = '${ids[2]}'`))[0].n, 0, "the echo is ignored");

  // A later message continues the conversation; the cached profile is not fetched again.
  assert.equal((await deliver(hook(text(who, mid(), "Still there?")))).status, 200);
  assert.equal((await thread(conversation)).messages.length, 5);
  const profileCalls = (await graphCalls()).filter((call) => call.method === "GET" && call.path === `/${who}`);
  assert.equal(profileCalls.length, 1, "the profile is fetched once");
  assert.equal(profileCalls[0].authorization, `Bearer ${PAGE_TOKEN}`);
  assert.equal(profileCalls[0].query.fields, "first_name,last_name,profile_pic");
});

test("Meta's retries are stored once per mid", async () => {
  const who = psid();
  const payload = hook(text(who, mid(), "only once"), text(who, mid(), "and this once"));
  for (let i = 0; i < 3; i++) assert.equal((await deliver(payload)).status, 200);
  const { messages } = await thread(await conversationOfPsid(who));
  assert.deepEqual(messages.map((m) => m.body), ["only once", "and this once"]);
});

test("a reply within 24 hours goes out as a RESPONSE", async () => {
  const { who, conversation } = await personWhoWrote();
  const res = await call("POST", `/api/conversations/${conversation}/messages`, { token: KEY, json: { body: "Your order left today." } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.message.delivery_status, "sent");
  const sent = (await graphCalls()).filter((c) => c.method === "POST" && c.body?.recipient?.id === who);
  assert.equal(sent.length, 1);
  assert.equal(sent[0].path, `/${PAGE}/messages`);
  assert.equal(sent[0].authorization, `Bearer ${PAGE_TOKEN}`);
  assert.deepEqual(sent[0].body, { recipient: { id: who }, message: { text: "Your order left today." }, messaging_type: "RESPONSE" });
});

test("from 24 hours to 7 days a reply is tagged HUMAN_AGENT; after 7 days it is refused with the reason", async () => {
  const { who, conversation } = await personWhoWrote();
  await age(conversation, 3);
  assert.equal((await thread(conversation)).messenger.window, "human_agent");
  const tagged = await call("POST", `/api/conversations/${conversation}/messages`, { token: KEY, json: { body: "Following up.", channel: "messenger" } });
  assert.equal(tagged.status, 201, JSON.stringify(tagged.body));
  const sent = (await graphCalls()).filter((c) => c.method === "POST" && c.body?.recipient?.id === who);
  assert.deepEqual(sent.map((c) => c.body), [
    { recipient: { id: who }, message: { text: "Following up." }, messaging_type: "MESSAGE_TAG", tag: "HUMAN_AGENT" },
  ]);

  await age(conversation, 5);
  const closed = await thread(conversation);
  assert.equal(closed.messenger.window, "closed");
  assert.match(closed.messenger.closed_reason, /7 days/);
  const refused = await call("POST", `/api/conversations/${conversation}/messages`, { token: KEY, json: { body: "Too late?" } });
  assert.equal(refused.status, 409);
  assert.equal(refused.body.error.code, "messenger_window_closed");
  assert.match(refused.body.error.message, /7 days/);
  assert.equal((await graphCalls()).filter((c) => c.method === "POST" && c.body?.recipient?.id === who).length, 1, "nothing more was sent");
  assert.equal((await thread(conversation)).messages.length, 2, "nothing was stored");
});

test("a send Graph refuses is kept in the thread, failed, with Graph's error", async () => {
  const { conversation } = await personWhoWrote(psid("fail_"));
  const c = (await thread(conversation)).conversation;
  assert.match(c.display_name, /^Visitor /, "no profile: Graph refused it, and the message was stored anyway");
  const res = await call("POST", `/api/conversations/${conversation}/messages`, { token: KEY, json: { body: "Can you see this?" } });
  assert.equal(res.status, 502);
  assert.equal(res.body.error.code, "messenger_send_failed");
  const last = (await thread(conversation)).messages.at(-1);
  assert.equal(last.body, "Can you see this?");
  assert.equal(last.delivery_status, "failed");
  assert.equal(last.delivery_error, GRAPH_ERROR);
});

test("delivery and read events update our replies' state", async () => {
  const { who, conversation } = await personWhoWrote();
  const reply = async (body) => {
    const res = await call("POST", `/api/conversations/${conversation}/messages`, { token: KEY, json: { body } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const sent = (await graphCalls()).find((c) => c.body?.message?.text === body && c.body?.recipient?.id === who);
    return { id: res.body.message.id, mid: sent.answer.message_id, receipt: res.body.message.receipt };
  };
  const first = await reply("First answer");
  const second = await reply("Second answer");
  assert.equal(first.receipt, null);
  const receipts = async () => Object.fromEntries((await thread(conversation)).messages.map((m) => [m.id, m.receipt]));

  assert.equal((await deliver(hook(from(who, { delivery: { mids: [first.mid], watermark: 0 } })))).status, 200);
  assert.deepEqual(await receipts().then((r) => [r[first.id], r[second.id]]), ["delivered", null], "only the named mid");

  assert.equal((await deliver(hook(from(who, { read: { watermark: Date.now() } })))).status, 200);
  assert.deepEqual(await receipts().then((r) => [r[first.id], r[second.id]]), ["read", "read"], "everything up to the watermark");

  assert.equal((await deliver(hook(from(who, { delivery: { mids: [second.mid], watermark: Date.now() } })))).status, 200);
  assert.equal((await receipts())[second.id], "read", "a late delivery receipt does not undo a read");
});

test("open inbox tabs hear a Messenger message and a receipt as soon as they are stored", async () => {
  const tab = await inboxSocket({ key: KEY });
  await tab.next((p) => p.type === "team");
  const who = psid();
  assert.equal((await deliver(hook(text(who, mid(), "Live from Messenger")))).status, 200);
  const conversation = await conversationOfPsid(who);
  const notice = await tab.next((p) => p.type === "message" && p.conversation_id === conversation);
  assert.equal(notice.author, "visitor");
  assert.equal(notice.preview, "Live from Messenger");

  const reply = await call("POST", `/api/conversations/${conversation}/messages`, { token: KEY, json: { body: "Seen live?" } });
  assert.equal(reply.status, 201);
  await tab.next((p) => p.type === "message" && p.conversation_id === conversation && p.author === "agent");
  assert.equal((await deliver(hook(from(who, { read: { watermark: Date.now() } })))).status, 200);
  await tab.next((p) => p.type === "conversation" && p.conversation_id === conversation);
});

test("a Messenger person's contact exports their profile; erasing it forgets the person, whose next message starts afresh", async () => {
  const { who, conversation } = await personWhoWrote();
  const email = `erase+${unique("")}@example.org`;
  const added = await call("POST", `/api/conversations/${conversation}/contact`, { token: KEY, json: { email } });
  assert.equal(added.status, 200, JSON.stringify(added.body));
  const contactId = added.body.conversation.contact_id;
  const exported = await call("GET", `/api/contacts/${contactId}/export`, { token: KEY });
  assert.equal(exported.status, 200);
  assert.deepEqual(exported.body.visitors.map((v) => [v.messenger_psid, v.messenger_name]), [[who, `Robin Meta ${who.slice(-4)}`]]);
  const erased = await call("DELETE", `/api/contacts/${contactId}`, { token: KEY });
  assert.equal(erased.status, 200, JSON.stringify(erased.body));
  assert.equal(erased.body.erased.visitors, 1);
  assert.equal((await sql(`SELECT COUNT(*) AS n FROM messenger_visitors WHERE psid = '${who}'`))[0].n, 0);
  assert.equal((await sql(`SELECT COUNT(*) AS n FROM conversations WHERE id = '${conversation}'`))[0].n, 0);

  assert.equal((await deliver(hook(text(who, mid(), "Me again")))).status, 200);
  const fresh = await conversationOfPsid(who);
  assert.notEqual(fresh, conversation);
  const { conversation: c, messages } = await thread(fresh);
  assert.equal(c.contact_id, null);
  assert.deepEqual(messages.map((m) => m.body), ["Me again"]);
});

test("in Chromium: the composer offers Messenger (off after 7 days, with the reason) and Click to add makes the person a contact", async () => {
  const { who, conversation } = await personWhoWrote();
  const photo = `https://cdn.example/photo-${who}.jpg`;
  const attachment = from(who, { message: { mid: mid(), attachments: [{ type: "image", payload: { url: photo } }] } });
  assert.equal((await deliver(hook(attachment))).status, 200);
  const name = `Robin Meta ${who.slice(-4)}`;
  const agent = await signInToInbox(await (await chromium()).newContext());
  await agent.fill("#f-q", name);
  await agent.locator("#list button", { hasText: name }).click();
  await agent.locator("#messages .msg", { hasText: "Hello from Messenger" }).waitFor();
  const link = agent.locator(`#messages .msg.inbound a[href="${photo}"]`);
  assert.equal(await link.textContent(), photo, "an attachment is a link");
  assert.equal(await link.getAttribute("rel"), "noopener noreferrer");
  assert.equal(await agent.isChecked("#via-messenger"), true, "Messenger is the default for a Messenger conversation");
  assert.equal(await agent.locator("#via-chat").count(), 0, "no widget chat to answer by");
  await agent.fill("#reply-body", "Answered from the inbox");
  await agent.click("#composer button[type=submit]");
  await agent.locator("#messages .msg.outbound", { hasText: "Answered from the inbox" }).waitFor();
  const sent = (await graphCalls()).filter((c) => c.method === "POST" && c.body?.recipient?.id === who);
  assert.deepEqual(sent.map((c) => c.body.message.text), ["Answered from the inbox"]);

  await agent.locator("#profile h3", { hasText: `${name} (Messenger)` }).waitFor();
  await agent.click("#profile #click-to-add");
  const email = `robin+${unique("")}@example.org`;
  await agent.fill("#ac-email", email);
  await agent.fill("#ac-name", "Robin Meta");
  await agent.click("#add-contact button[type=submit]");
  await agent.locator("#profile h3", { hasText: "Robin Meta" }).waitFor();
  const facts = await agent.locator("#profile dl").textContent();
  assert.match(facts, new RegExp(`Email${email.replace(/[+.]/g, "\\$&")}`));
  assert.match(facts, /Channelsmessenger/);
  const { conversation: c } = await thread(conversation);
  assert.equal(c.contact_email, email);
  const [contact] = await sql(`SELECT source FROM contacts WHERE id = '${c.contact_id}'`);
  assert.equal(contact.source, "agent");

  // Another Messenger person given the same email joins that contact, with their conversation.
  const other = await personWhoWrote();
  const added = await call("POST", `/api/conversations/${other.conversation}/contact`, { token: KEY, json: { email } });
  assert.equal(added.status, 200, JSON.stringify(added.body));
  assert.equal(added.body.conversation.contact_id, c.contact_id);
  const profile = await call("GET", `/api/contacts/${c.contact_id}`, { token: KEY });
  assert.deepEqual(profile.body.conversations.map((x) => x.id).sort(), [conversation, other.conversation].sort());

  // After 7 days the composer keeps Messenger off and says why.
  const late = await personWhoWrote();
  await age(late.conversation, 8);
  await agent.reload();
  await agent.locator("#inbox").waitFor();
  await agent.locator("#list button", { hasText: `Robin Meta ${late.who.slice(-4)}` }).click();
  await agent.locator("#messenger-reason", { hasText: "7 days" }).waitFor();
  assert.equal(await agent.isDisabled("#via-messenger"), true);
  assert.deepEqual(agent.errors, []);
});

test("in Chromium: Settings shows the Callback URL, the verify token and the verification, and connects another site's Page", async () => {
  const admin = await signInToInbox(await (await chromium()).newContext());
  await admin.click("#to-settings");
  await admin.selectOption("#s-site", SITE);
  await admin.locator("#m-state", { hasText: `Connected to Page ${PAGE}: Page access token set, App secret set.` }).waitFor();
  assert.equal(await admin.locator("#m-webhook").textContent(), `${URL_}/api/messenger/webhook`);
  assert.equal(await admin.locator("#m-verify").textContent(), settings.verify_token);
  assert.match(await admin.locator("#m-verified").textContent(), /^Meta verified the webhook/);
  assert.equal(await admin.inputValue("#m-token"), "", "a saved secret is never filled in");

  await admin.selectOption("#s-site", "s_auto");
  await admin.locator("#m-state", { hasText: "No Page connected." }).waitFor();
  const page = String(200000000000000 + randomInt(1, 2 ** 40));
  const token = `EAAui${randomBytes(8).toString("hex")}`;
  await admin.fill("#m-page", page);
  await admin.fill("#m-token", token);
  await admin.fill("#m-secret", randomBytes(16).toString("hex"));
  await admin.click("#m-form button[type=submit]");
  await admin.locator("#m-saved", { hasText: "Saved" }).waitFor();
  assert.equal(await admin.locator("#m-state").textContent(), `Connected to Page ${page}: Page access token set, App secret set.`);
  assert.equal(await admin.inputValue("#m-token"), "");
  assert.match(await admin.locator("#m-verified").textContent(), /not verified the webhook yet/);
  const saved = (await call("GET", "/api/sites/s_auto/messenger", { token: KEY })).body;
  assert.equal(saved.page_id, page);
  assert.equal(await admin.locator("#m-verify").textContent(), saved.verify_token);
  assert.notEqual(saved.verify_token, settings.verify_token, "each site has its own verify token");
  assert.ok(!(await admin.content()).includes(token), "the token is not in the page");
  assert.deepEqual(admin.errors, []);
});

test("a Messenger message wakes its snoozed conversation at once (snooze, issue 22)", async () => {
  const { who, conversation } = await personWhoWrote();
  const snoozed = await call("PUT", `/api/conversations/${conversation}/snooze`, { token: KEY, json: { until: Date.now() + 7 * DAY } });
  assert.equal(snoozed.status, 200);
  assert.equal(snoozed.body.conversation.snoozed, true);
  assert.equal((await deliver(hook(text(who, mid(), "Any news?")))).status, 200);
  const { conversation: woken } = await thread(conversation);
  assert.equal(woken.snoozed, false);
  assert.equal(woken.snoozed_until, null);
  assert.ok(woken.woken_at > 0, "marked woken");
});
