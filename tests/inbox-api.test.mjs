// The agent side on the real worker: sign-in and sessions, CSRF, invitations,
// the inbox's filters and markers, replies by chat and by email (read back
// from the .eml the send_email binding wrote), contacts, settings, and the
// authorization matrix of every endpoint.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mailFixture, deliverMail } from "./helpers.mjs";
import {
  asAgent, agentGet, call, decodeWords, header, newVisitor, nextSentEmail, replyAddress, sendChat, sentEmails, signIn, sql, unique,
  AGENT_KEY, KEY, URL_,
} from "./helpers.mjs";
import http from "node:http";
import { readFileSync } from "node:fs";
import { widgetSocket, inboxSocket } from "./sockets.mjs";

const ADMIN = "admin@juniperandpine.example";

async function emailConversation(fixture = "plain.eml") {
  const tag = unique("");
  const v = { From: `Mia.Chen+${tag}@Example.org`, from: `mia.chen+${tag}@example.org`, id: `${tag}@mail.example.org`, marker: tag };
  await deliverMail(mailFixture(fixture, v), { from: v.from });
  const c = (await agentGet("/api/conversations?channel=email")).conversations.find((c) => c.contact_email === v.from);
  return { ...v, conversation: c };
}

async function chatConversation(site = "s_demo") {
  const token = await newVisitor(site);
  await sendChat(token, unique("hello "));
  const { conversation_id } = (await call("GET", "/api/widget/conversation", { token })).body;
  return { token, id: conversation_id };
}

test("agents sign in with email and password into an HttpOnly, SameSite=Strict session", async () => {
  for (const [email, password] of [[ADMIN, "wrong password"], ["nobody@example.org", "whatever123"]]) {
    const res = await call("POST", "/api/session", { json: { email, password } });
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, "sign_in_failed", "the same answer for unknown emails and wrong passwords");
  }
  const session = await signIn(ADMIN.toUpperCase());
  assert.match(session.setCookie, /^__Host-parley_session=[0-9a-f]{64}; Max-Age=604800; Path=\/; HttpOnly; SameSite=Strict; Secure$/,
    "__Host-: Secure even on http://127.0.0.1, which browsers count as secure");
  assert.equal(session.agent.role, "primary_admin");
  assert.equal(session.agent.password_hash, undefined, "no secrets in answers");
  const me = await asAgent(session, "GET", "/api/session");
  assert.deepEqual([me.status, me.body.agent.email, me.body.csrf_token], [200, ADMIN, session.csrf]);

  const out = await asAgent(session, "DELETE", "/api/session");
  assert.equal(out.status, 200);
  assert.equal((await asAgent(session, "GET", "/api/session")).status, 401, "signed out for good");
});

test("cookie-authenticated changes need the session's CSRF token", async () => {
  const session = await signIn();
  const { id } = await chatConversation();
  for (const csrfHeader of [false, "0".repeat(64)]) {
    const headers = { cookie: session.cookie, ...(csrfHeader ? { "x-csrf-token": csrfHeader } : {}) };
    const res = await call("PATCH", `/api/conversations/${id}`, { json: { status: "closed" }, headers });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, "csrf_invalid");
  }
  assert.equal((await asAgent(session, "GET", `/api/conversations/${id}`, { csrf: false })).body.conversation.status, "open");
  assert.equal((await asAgent(session, "PATCH", `/api/conversations/${id}`, { json: { status: "closed" } })).status, 200);
  assert.equal((await call("PATCH", `/api/conversations/${id}`, { token: KEY, json: { status: "open" } })).status, 200, "API keys need no CSRF token");
});

test("the one-time set-up path is closed once an admin exists", async () => {
  const takeover = { account_name: "Eve Inc", site_name: "Eve", full_name: "Eve", email: "eve@example.org", password: "takeover-attempt" };
  const res = await call("POST", "/api/setup", { json: { ...takeover, setup_token: process.env.PARLEY_SETUP_TOKEN } });
  assert.equal(res.status, 409);
  assert.equal(res.body.error.code, "setup_closed");
  const stranger = await call("POST", "/api/setup", { json: { ...takeover, setup_token: "a guess" } });
  assert.equal(stranger.status, 403);
  assert.equal(stranger.body.error.code, "setup_token_invalid");
});

test("the primary admin invites and removes agents; agents cannot", async () => {
  const admin = await signIn();
  const email = `olive+${unique("")}@juniperandpine.example`;
  assert.equal((await call("POST", "/api/agents", { token: AGENT_KEY, json: { email, full_name: "Olive" } })).status, 403);
  const invited = await asAgent(admin, "POST", "/api/agents", { json: { email, full_name: "Olive Tree" } });
  assert.equal(invited.status, 201, JSON.stringify(invited.body));
  assert.match(invited.body.invitation_url, /\/inbox\.html#invitation=[0-9a-f]{64}$/);
  assert.equal((await asAgent(admin, "POST", "/api/agents", { json: { email, full_name: "Again" } })).body.error.code, "agent_exists");
  const team = (await agentGet("/api/agents")).agents;
  assert.deepEqual(team.find((a) => a.email === email), { id: invited.body.agent_id, role: "agent", full_name: "Olive Tree", email, active: false, away: false, capacity: null });

  const token = invited.body.invitation_token;
  assert.equal((await call("POST", "/api/invitations/accept", { json: { token, password: "short" } })).body.error.code, "password_too_short");
  const accepted = await call("POST", "/api/invitations/accept", { json: { token, password: "olive-tree-42" } });
  assert.equal(accepted.status, 200);
  assert.equal(accepted.body.agent.role, "agent");
  assert.equal((await call("POST", "/api/invitations/accept", { json: { token, password: "olive-tree-43" } })).body.error.code, "invitation_invalid", "one use only");

  const olive = await signIn(email, "olive-tree-42");
  assert.equal((await asAgent(olive, "GET", "/api/conversations")).status, 200, "any agent reads the inbox");
  assert.equal((await asAgent(olive, "DELETE", `/api/agents/${admin.agent.id}`)).status, 403);
  assert.equal((await asAgent(admin, "DELETE", `/api/agents/${admin.agent.id}`)).body.error.code, "agent_not_removable");
  assert.equal((await asAgent(admin, "DELETE", `/api/agents/${olive.agent.id}`)).status, 200);
  assert.equal((await asAgent(olive, "GET", "/api/conversations")).status, 401, "a removed agent is signed out");
  assert.equal((await call("POST", "/api/session", { json: { email, password: "olive-tree-42" } })).status, 401);
});

test("the inbox filters by assignee, status and search, and marks unread", async () => {
  const admin = await signIn();
  const chat = await chatConversation();
  let [row] = (await agentGet("/api/conversations")).conversations.filter((c) => c.id === chat.id);
  assert.equal(row.unread, true, "a new visitor message is unread");
  assert.equal((await asAgent(admin, "POST", `/api/conversations/${chat.id}/read`)).status, 200);
  [row] = (await agentGet("/api/conversations")).conversations.filter((c) => c.id === chat.id);
  assert.equal(row.unread, false);
  await sendChat(chat.token, "one more thing");
  [row] = (await agentGet("/api/conversations")).conversations.filter((c) => c.id === chat.id);
  assert.equal(row.unread, true, "unread again after a new message");

  const ids = async (query) => (await asAgent(admin, "GET", `/api/conversations?${query}`)).body.conversations.map((c) => c.id);
  assert.ok((await ids("assignee=unassigned")).includes(chat.id));
  assert.ok(!(await ids("assignee=me")).includes(chat.id));
  const assigned = await asAgent(admin, "PATCH", `/api/conversations/${chat.id}`, { json: { assignee_id: admin.agent.id } });
  assert.deepEqual([assigned.body.conversation.assignee_id, assigned.body.conversation.assignee_name], [admin.agent.id, "Robin Ash"]);
  assert.ok((await ids("assignee=me")).includes(chat.id));
  assert.ok(!(await ids("assignee=unassigned")).includes(chat.id));
  assert.equal((await asAgent(admin, "PATCH", `/api/conversations/${chat.id}`, { json: { assignee_id: "ag_nobody" } })).body.error.code, "assignee_invalid");
  assert.equal((await asAgent(admin, "PATCH", `/api/conversations/${chat.id}`, { json: { status: "snoozed" } })).body.error.code, "invalid_update");

  await asAgent(admin, "PATCH", `/api/conversations/${chat.id}`, { json: { status: "closed", assignee_id: null } });
  assert.ok((await ids("status=closed")).includes(chat.id));
  assert.ok(!(await ids("status=open")).includes(chat.id));
  assert.ok((await ids("assignee=unassigned&status=closed")).includes(chat.id));

  const mail = await emailConversation();
  assert.deepEqual(await ids(`q=${encodeURIComponent(mail.from.slice(0, 18).toUpperCase())}`), [mail.conversation.id], "search by email");
  assert.ok((await ids("q=mia%20chen")).includes(mail.conversation.id), "search by name");
  assert.deepEqual(await ids("q=%25"), [], "wildcards are literal");
});

test("an email reply carries the From name, threading headers and a signed Reply-To, and the answer threads back", async () => {
  const mail = await emailConversation();
  const before = sentEmails().length;
  const res = await call("POST", `/api/conversations/${mail.conversation.id}/messages`, { token: KEY, json: { body: "It ships Monday.\n\nRobin" } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.message.author_name, "Robin Ash");
  const eml = await nextSentEmail(before);

  assert.equal(header(eml, "From"), '"Robin Ash at Juniper & Pine" <support@juniper.inbound.example.com>');
  assert.match(header(eml, "To"), new RegExp(`<${mail.from.replace(/[+.]/g, "\\$&")}>`));
  assert.match(header(eml, "Subject"), /^=\?utf-8\?[BQ]\?/i, "a non-ASCII subject goes out as an encoded word");
  assert.equal(decodeWords(header(eml, "Subject")), "Re: Where is my order? ☕");
  assert.equal(header(eml, "In-Reply-To"), `<${mail.id}>`);
  assert.equal(header(eml, "References"), `<${mail.id}>`);
  assert.equal(header(eml, "Reply-To"), `<${replyAddress(mail.conversation.id)}>`);
  const messageId = header(eml, "Message-ID").slice(1, -1);
  assert.match(messageId, /^m_[0-9a-f]{32}\.[0-9a-f]{20}@juniper\.inbound\.example\.com$/);
  assert.match(eml, /Content-Type: multipart\/alternative/);
  assert.match(eml, /It ships Monday\./);

  const { messages } = await agentGet(`/api/conversations/${mail.conversation.id}`);
  assert.deepEqual(messages.map((m) => [m.direction, m.author]), [["inbound", "contact"], ["outbound", "agent"]]);

  const answer = { ...mail, id: `${mail.marker}.answer@mail.example.org`, parent: messageId, marker: `${mail.marker}-answer` };
  await deliverMail(mailFixture("reply.eml", answer), { from: mail.from });
  const after = await agentGet(`/api/conversations/${mail.conversation.id}`);
  assert.equal(after.messages.length, 3, "the contact's answer threads back");
});

test("a subject that decodes to CR/LF cannot inject a header into the reply", async () => {
  const tag = unique("");
  const v = { From: `mia+${tag}@example.org`, from: `mia+${tag}@example.org`, id: `${tag}.crlf@mail.example.org`, marker: tag };
  const injected = Buffer.from("Hi\r\nBcc: victim@example.org").toString("base64");
  const raw = mailFixture("plain.eml", v).replace(/^Subject: .*$/m, `Subject: =?UTF-8?B?${injected}?=`);
  assert.equal((await deliverMail(raw, { from: v.from })).status, 200);
  const conversation = (await agentGet("/api/conversations?channel=email")).conversations.find((c) => c.contact_email === v.from);
  assert.equal(conversation.subject, "Hi Bcc: victim@example.org", "stored on one line");

  const before = sentEmails().length;
  const res = await call("POST", `/api/conversations/${conversation.id}/messages`, { token: KEY, json: { body: "Hello" } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const eml = await nextSentEmail(before);
  const head = eml.split(/\r?\n\r?\n/)[0];
  assert.ok(!/^bcc:/im.test(head), `no injected Bcc header line:\n${head}`);
  const subjectLines = head.split(/\r?\n/).filter((l, i, all) => /^subject:/i.test(l) || (/^[ \t]/.test(l) && /^subject:/i.test(all[i - 1] ?? "")));
  assert.equal(subjectLines.length, 1, `the Subject header is one line:\n${head}`);
  assert.equal(decodeWords(header(eml, "Subject")), "Re: Hi Bcc: victim@example.org");
});

test("a chat is followed up by email with the default subject, which the agent may edit", async () => {
  const { token, id } = await chatConversation();
  assert.equal((await call("POST", `/api/conversations/${id}/messages`, { token: KEY, json: { body: "x", channel: "email" } })).body.error.code, "email_unavailable", "an anonymous visitor has no email");
  const claimed = `chat+${unique("")}@example.org`;
  await call("POST", "/api/widget/contact", { token, json: { email: claimed } });

  let before = sentEmails().length;
  const unconfirmed = await call("POST", `/api/conversations/${id}/messages`, { token: KEY, json: { body: "Following up!", channel: "email" } });
  assert.equal(unconfirmed.body.error.code, "confirm_unverified_email", "the visitor typed this address: the agent confirms");
  assert.equal((await call("POST", `/api/conversations/${id}/messages`, { token: KEY, json: { body: "Following up!", channel: "email", confirm_unverified: claimed } })).status, 201);
  const started = (await agentGet(`/api/conversations/${id}`)).conversation.started_at;
  const date = new Date(started).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).replace("Sept", "Sep");
  const subject = header(await nextSentEmail(before), "Subject");
  assert.equal(decodeWords(subject), `Following up on our chat · ${date}`);

  before = sentEmails().length;
  await call("POST", `/api/conversations/${id}/messages`, { token: KEY, json: { body: "Again", channel: "email", subject: "Your tea order", confirm_unverified: claimed } });
  assert.equal(header(await nextSentEmail(before), "Subject"), "Your tea order");
  assert.equal((await call("POST", `/api/conversations/${id}/messages`, { token: KEY, json: { body: "chat too", channel: "chat" } })).status, 201);
  assert.equal((await call("POST", `/api/conversations/${id}/messages`, { token: KEY, json: { body: "x", channel: "fax" } })).body.error.code, "malformed_json");
});

test("click to add: an anonymous visitor gets contact details, attaching all its conversations", async () => {
  const chat = await chatConversation();
  const email = `walk-in+${unique("")}@example.org`;
  const res = await call("POST", `/api/conversations/${chat.id}/contact`, { token: KEY, json: { email, full_name: "Walk In" } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.conversation.contact_email, email);
  assert.equal((await call("POST", `/api/conversations/${chat.id}/contact`, { token: KEY, json: { email } })).body.error.code, "contact_exists");
  const { contact } = await agentGet(`/api/contacts/${res.body.conversation.contact_id}`);
  assert.deepEqual([contact.full_name, contact.source, contact.marketing_opt_in], ["Walk In", "agent", false]);

  const other = await chatConversation();
  const attached = await call("POST", `/api/conversations/${other.id}/contact`, { token: KEY, json: { email: email.toUpperCase() } });
  assert.equal(attached.body.conversation.contact_id, contact.id, "an existing contact is found by email");
  const third = await chatConversation();
  assert.equal((await call("POST", `/api/conversations/${third.id}/contact`, { token: KEY, json: { email: "bad" } })).body.error.fields.email.code, "email_invalid");
});

test("a contact's profile lists channels and conversations; its activity leaves email out", async () => {
  const mail = await emailConversation();
  const chat = await chatConversation();
  await call("POST", `/api/conversations/${chat.id}/contact`, { token: KEY, json: { email: mail.from } });
  const profile = await agentGet(`/api/contacts/${mail.conversation.contact_id}`);
  assert.deepEqual(profile.channels, ["chat", "email"]);
  assert.equal(profile.conversations.length, 2);
  assert.ok(profile.activity.length > 0);
  assert.ok(profile.activity.every((a) => a.channel !== "email"), "no email in the activity feed");
  assert.equal(profile.contact.marketing_opt_in, false);
});

test("the primary admin edits subject and From name templates and previews them", async () => {
  const admin = await signIn();
  const saved = await asAgent(admin, "PATCH", "/api/sites/s_demo/email-channel", { json: { from_name: "{Agent_Name} at Juniper & Pine", default_subject: "Following up on our chat · {Start_Date}" } });
  assert.equal(saved.status, 200);
  const preview = await asAgent(admin, "POST", "/api/sites/s_demo/email-channel/preview", { json: { default_subject: "About your order · ", from_name: "{Agent_Name}" } });
  assert.deepEqual(preview.body, { from: "Robin Ash <support@juniper.inbound.example.com>", subject: "About your order" });
  const today = new Date().toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).replace("Sept", "Sep");
  assert.equal((await asAgent(admin, "POST", "/api/sites/s_demo/email-channel/preview", { json: {} })).body.subject, `Following up on our chat · ${today}`);
  assert.equal((await asAgent(admin, "PATCH", "/api/sites/s_demo/email-channel", { json: { from_name: "" } })).body.error.code, "template_invalid");
  assert.equal((await call("POST", "/api/sites/s_demo/email-channel/preview", { token: AGENT_KEY, json: {} })).status, 403);
});

/** Whether a concrete path (its query aside) is one of a route pattern's: `{site}` and `{id}` match one segment. */
function matches(pattern, path) {
  const want = pattern.split("/");
  const have = path.split("?")[0].split("/");
  return want.length === have.length && want.every((w, i) => w.startsWith("{") || w === have[i]);
}

/** One caller's answer: a request with its bearer token, a file upload (a Buffer), or a socket's upgrade (101 when it opens). */
async function answer(method, path, json, token) {
  if (typeof json === "symbol") {
    const opening = path.startsWith("/api/widget/") ? widgetSocket(token, new URLSearchParams(path.split("?")[1]).get("site")) : inboxSocket({ key: token });
    return opening.then(async (live) => { await live.close(); return { status: 101 }; }, (err) => ({ status: err.status, body: err.body }));
  }
  if (Buffer.isBuffer(json)) return call(method, path, { token, body: json, headers: { "content-type": "image/png" } });
  return call(method, path, { token, json });
}

test("authorization matrix: anonymous, visitor, agent and primary admin against every endpoint", async () => {
  const visitor = await newVisitor();
  await sendChat(visitor, "matrix");
  const chat = await chatConversation();
  const mail = await emailConversation();
  const message = (await agentGet(`/api/conversations/${mail.conversation.id}`)).messages[0];
  const erasable = await emailConversation();
  // Automations on a fixture site without traffic, pointing at a closed local port.
  const hooks = "/api/sites/s_mail_new/automations";
  const hook = async () => (await call("POST", hooks, { token: KEY, json: { name: "matrix", url: "http://127.0.0.1:9/hook" } })).body.automation.id;
  const [automation, removable] = [await hook(), await hook()];
  const revocable = (await call("POST", "/api/api-keys", { token: KEY, json: { label: "matrix" } })).body.api_key.id;
  // Files: one of the visitor's own (an upload), and one that came by email.
  const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
  const uploadPath = (id) => `/api/widget/files?client_message_id=${id}&name=matrix.png`;
  const own = (await call("POST", uploadPath(randomUUID()), { token: visitor, body: png, headers: { "content-type": "image/png" } })).body.message;
  const fileMail = await emailConversation("attachment.eml");
  const emailFile = (await agentGet(`/api/conversations/${fileMail.conversation.id}`)).messages[0].attachments[0];
  // The visitor's conversation runs a flow version of its own (the demo site itself keeps its chatbot): its buttons wait.
  const flowVersion = 900000 + Math.floor(Math.random() * 99999);
  const waitingFlow = { trigger: { type: "first_message" }, steps: [{ type: "buttons", id: "pick", text: "Pick one", buttons: [{ label: "A" }] }] };
  await sql(`INSERT INTO flow_versions (site_id, version, flow, created_at) VALUES ('s_demo', ${flowVersion}, '${JSON.stringify(waitingFlow)}', 0);
    UPDATE conversations SET flow_version = ${flowVersion}, flow_step = 'pick' WHERE id = '${own.conversation_id}'`);
  // Saved replies: every agent of the team may change them; each allowed caller edits and deletes one of its own.
  const savedReply = async () => (await call("POST", "/api/saved-replies", { token: KEY, json: { shortcut: unique("matrix-"), title: "Matrix", body: "Hi" } })).body.id;
  const [editable, deletable] = [
    { agent: await savedReply(), agentKey: await savedReply(), admin: await savedReply() },
    { agent: await savedReply(), agentKey: await savedReply(), admin: await savedReply() },
  ];
  const mine = (ids) => (caller) => `/api/saved-replies/${ids[caller] ?? ids.agent}`;
  // A transcript needs the contact's email; the same key for every caller: the first allowed one sends, the next replays.
  const matrixEmail = `matrix+${unique("")}@example.org`;
  await call("POST", `/api/conversations/${chat.id}/contact`, { token: KEY, json: { email: matrixEmail } });
  const transcript = { idempotency_key: randomUUID(), confirm_unverified: matrixEmail };
  // agentKey: a key the primary admin made with the agent role: an agent's powers, never the admin's.
  const agentKey = (await call("POST", "/api/api-keys", { token: KEY, json: { label: "matrix agent role", role: "agent" } })).body.key;
  const callers = { anonymous: null, visitor, agent: AGENT_KEY, agentKey, admin: KEY };
  // An agent the admin removes; an anonymous chat for each caller allowed to add its contact.
  const leaving = (await call("POST", "/api/agents", { token: KEY, json: { email: `leaving+${unique("")}@juniperandpine.example`, full_name: "Leaving" } })).body.agent_id;
  const anonymous = { agent: (await chatConversation()).id, agentKey: (await chatConversation()).id, admin: (await chatConversation()).id };
  // Labels: the primary admin defines them, any agent puts them on conversations and contacts.
  const newLabel = async () => (await call("POST", "/api/labels", { token: KEY, json: { name: unique("matrix "), colour: "#1d4ed8" } })).body.id;
  const [keptLabel, deletedLabel] = [await newLabel(), await newLabel()];
  // Teams: the primary admin makes them, fills them and sets rules (on a site of their own, so no other suite's
  // conversations are assigned); any agent lists them.
  const newTeam = async () => (await call("POST", "/api/teams", { token: KEY, json: { name: unique("matrix team ") } })).body.id;
  const [keptTeam, deletedTeam] = [await newTeam(), await newTeam()];
  const ruleSite = (await call("POST", "/api/sites", { token: KEY, json: { name: unique("Matrix rules ") } })).body.id;
  const matrixFlow = { trigger: { type: "open" }, steps: [{ type: "message", id: "hello", text: "Matrix says hello." }, { type: "close", id: "bye" }] };
  const deletedRule = (await call("PUT", `/api/sites/${ruleSite}/assignment-rules`, { token: KEY, json: { channel: "email", team_id: keptTeam } })).body.id;
  // Merges: two email conversations of one contact (the same sender twice), and two contacts;
  // the first allowed caller merges, the next ones retry (the same answer).
  const twice = await emailConversation();
  await deliverMail(mailFixture("plain.eml", { ...twice, id: `${unique("")}@mail.example.org`, marker: unique("") }), { from: twice.from });
  const pair = (await agentGet(`/api/contacts/${twice.conversation.contact_id}`)).conversations.map((c) => c.id);
  const [dupA, dupB] = [await emailConversation(), await emailConversation()];
  // Contact attributes: the primary admin defines them, any agent sets a contact's values.
  const attributeKey = (who) => `matrix_${who.toLowerCase()}_${randomUUID().slice(0, 8)}`;
  const newAttribute = async () => (await call("POST", "/api/attributes", { token: KEY, json: { key: attributeKey("def"), name: "Matrix", kind: "text" } })).body;
  const [keptAttribute, deletedAttribute] = [await newAttribute(), await newAttribute()];
  // Proactive messages: the primary admin's, on s_demo (the matrix visitor's site) with a pattern no page has,
  // deleted after the matrix; the visitor says it opened the chat from the kept one.
  const proactive = (enabled = true) => ({ text: "Matrix?", url: "/matrix-never-a-page", delay_seconds: 5, audience: "all", language: "any", frequency: "page", enabled });
  const newProactive = async () => (await call("POST", "/api/sites/s_demo/proactive", { token: KEY, json: proactive() })).body.id;
  const [keptProactive, deletedProactive] = [await newProactive(), await newProactive()];
  // Ratings: the visitor's conversation stands asked (as a resolve on a site with ratings on leaves it), so the visitor may rate it.
  await sql(`INSERT INTO conversation_ratings (conversation_id, account_id, site_id, channel, asked_at)
    SELECT id, account_id, site_id, channel, ${Date.now()} FROM conversations WHERE id = '${own.conversation_id}'`);
  const SOCKET = Symbol("socket");
  // [method, path, body, who may call it, as the route table (tests/routes.json) names it]:
  // "anyone" (every caller the same answer), "meta" (everyone 403: no Meta signature), "visitor",
  // "visitor_or_anyone" (the widget's socket), "agent" (agents, agent-role keys and the admin), "admin".
  const endpoints = [
    ["GET", "/api/health", undefined, "anyone"],
    ["GET", "/chat/s_demo", undefined, "anyone"],
    ["GET", "/api/widget/sites/s_demo/config", undefined, "anyone"],
    ["POST", "/api/widget/sites/s_demo/visitors", undefined, "anyone"],
    ["GET", "/api/widget/live?site=s_demo", SOCKET, "visitor_or_anyone"],
    ["POST", "/api/setup", { account_name: "Eve Inc", site_name: "Eve", full_name: "Eve", email: "eve@example.org", password: "takeover-attempt", setup_token: "a guess" }, "anyone"],
    ["POST", "/api/session", { email: ADMIN, password: process.env.PARLEY_ADMIN_PASSWORD }, "anyone"],
    ["DELETE", "/api/session", undefined, "agent"],
    ["POST", "/api/invitations/accept", { token: "0".repeat(64), password: "long-enough-42" }, "anyone"],
    ["DELETE", `/api/agents/${leaving}`, undefined, "admin"],
    ["GET", "/api/live", SOCKET, "agent"],
    ["GET", `/api/conversations/${mail.conversation.id}/email-draft`, undefined, "agent"],
    ["POST", (caller) => `/api/conversations/${anonymous[caller] ?? anonymous.agent}/contact`, { email: `matrix-contact+${unique("")}@example.org` }, "agent"],
    ["GET", "/api/messenger/webhook?hub.mode=subscribe&hub.verify_token=not-a-token&hub.challenge=x", undefined, "meta"],
    ["POST", "/api/messenger/webhook", { object: "page", entry: [] }, "meta"],
    ["GET", "/api/widget/conversation", undefined, "visitor"],
    ["POST", "/api/widget/messages", { client_message_id: randomUUID(), body: "hi" }, "visitor"],
    ["POST", "/api/widget/contact", { email: "m@example.org" }, "visitor"],
    ["POST", "/api/widget/identify", { email: "m@example.org" }, "visitor"],
    ["POST", uploadPath(randomUUID()), png, "visitor"],
    ["GET", `/api/widget/attachments/${own.attachments[0].id}`, undefined, "visitor"],
    ["GET", `/api/attachments/${emailFile.id}`, undefined, "agent"],
    ["GET", "/api/conversations", undefined, "agent"],
    ["GET", "/api/conversations?q=matrix&status=open&site=s_demo", undefined, "agent"],
    ["GET", `/api/conversations/${chat.id}`, undefined, "agent"],
    ["PATCH", `/api/conversations/${chat.id}`, { status: "open" }, "agent"],
    ["POST", `/api/conversations/${chat.id}/read`, undefined, "agent"],
    ["POST", `/api/conversations/${chat.id}/notes`, { body: "matrix note" }, "agent"],
    ["GET", "/api/mentions", undefined, "agent"],
    ["PUT", `/api/conversations/${chat.id}/snooze`, { until_reply: true }, "agent"],
    ["DELETE", `/api/conversations/${chat.id}/snooze`, undefined, "agent"],
    ["POST", `/api/conversations/${chat.id}/messages`, { body: "reply", channel: "chat" }, "agent"],
    ["GET", `/api/contacts/${mail.conversation.contact_id}`, undefined, "agent"],
    ["PATCH", `/api/contacts/${mail.conversation.contact_id}`, { company: "Matrix Co" }, "agent"],
    ["GET", "/api/signature", undefined, "agent"],
    ["PUT", "/api/signature", { signature: "" }, "agent"],
    ["POST", "/api/signature/preview", { signature: "Matrix" }, "agent"],
    ["GET", `/api/messages/${message.id}/original`, undefined, "agent"],
    ["GET", "/api/email/rejections", undefined, "agent"],
    ["GET", "/api/agents", undefined, "agent"],
    ["GET", "/api/session", undefined, "agent"],
    ["POST", "/api/sites/s_demo/tickets", { email: "t@example.org", body: "ticket" }, "agent"],
    ["GET", "/api/sites/s_demo/email-channel", undefined, "admin"],
    ["PATCH", "/api/sites/s_demo/email-channel", { enabled: true }, "admin"],
    ["POST", "/api/sites/s_demo/email-channel/preview", {}, "admin"],
    ["POST", "/api/agents", { email: `m+${unique("")}@juniperandpine.example`, full_name: "M" }, "admin"],
    ["GET", `/api/contacts/${mail.conversation.contact_id}/export`, undefined, "admin"],
    ["DELETE", `/api/contacts/${erasable.conversation.contact_id}`, undefined, "admin"],
    ["GET", "/api/sites", undefined, "agent"],
    ["POST", "/api/sites", { name: unique("Matrix ") }, "admin"],
    ["PATCH", "/api/sites/s_mail_new", { name: "Mail new" }, "admin"],
    ["GET", "/api/sites/s_mail_new/widget", undefined, "admin"],
    ["PATCH", "/api/sites/s_mail_new/widget", { position: "right" }, "admin"],
    ["PATCH", "/api/sites/s_mail_new/widget", { files: true }, "admin"],
    ["GET", "/api/sites/s_mail_new/chatbot", undefined, "admin"],
    ["PUT", "/api/sites/s_mail_new/chatbot", { blocks: [{ type: "form", phone: "hidden", company: "hidden", full_name: "hidden" }] }, "admin"],
    ["GET", hooks, undefined, "admin"],
    ["POST", hooks, { name: "matrix", url: "http://127.0.0.1:9/hook" }, "admin"],
    ["PATCH", `${hooks}/${automation}`, { name: "matrix renamed" }, "admin"],
    ["GET", `${hooks}/${automation}/deliveries`, undefined, "admin"],
    ["POST", `${hooks}/${automation}/test`, undefined, "admin"],
    ["DELETE", `${hooks}/${removable}`, undefined, "admin"],
    ["GET", "/api/sites/s_demo/snippet", undefined, "agent"],
    ["GET", "/api/sites/s_mail_new/identity", undefined, "admin"],
    ["PATCH", "/api/sites/s_mail_new/identity", { mode: "off" }, "admin"],
    ["POST", "/api/sites/s_mail_new/identity/secret", undefined, "admin"],
    ["GET", "/api/api-keys", undefined, "admin"],
    ["POST", "/api/api-keys", { label: "matrix" }, "admin"],
    ["DELETE", `/api/api-keys/${revocable}`, undefined, "admin"],
    ["PUT", "/api/presence", { away: false }, "agent"],
    ["GET", "/api/sites/s_mail_new/messenger", undefined, "admin"],
    ["PUT", "/api/sites/s_mail_new/messenger", { page_id: `9${Date.now()}`, page_access_token: "token", app_secret: "secret" }, "admin"],
    ["GET", "/api/saved-replies", undefined, "agent"],
    ["POST", "/api/saved-replies", (caller) => ({ shortcut: unique(`matrix-${caller}-`), title: "Matrix", body: "Hi {contact.first_name|there}" }), "agent"],
    ["PATCH", mine(editable), { title: "Matrix renamed" }, "agent"],
    ["DELETE", mine(deletable), undefined, "agent"],
    ["GET", `/api/conversations/${chat.id}/saved-replies`, undefined, "agent"],
    ["POST", `/api/conversations/${chat.id}/transcript`, transcript, "agent"],
    ["GET", "/api/labels", undefined, "agent"],
    ["POST", "/api/labels", (caller) => ({ name: unique(`matrix ${caller} `), colour: "#fde68a" }), "admin"],
    ["PATCH", `/api/labels/${keptLabel}`, { colour: "#b91c1c" }, "admin"],
    ["DELETE", `/api/labels/${deletedLabel}`, undefined, "admin"],
    ["PATCH", `/api/conversations/${chat.id}/labels`, { add: [keptLabel] }, "agent"],
    ["PATCH", `/api/contacts/${mail.conversation.contact_id}/labels`, { add: [keptLabel] }, "agent"],
    ["GET", "/api/teams", undefined, "agent"],
    ["POST", "/api/teams", (caller) => ({ name: unique(`matrix team ${caller} `) }), "admin"],
    ["PATCH", `/api/teams/${keptTeam}`, (caller) => ({ name: unique(`matrix kept ${caller} `) }), "admin"],
    ["DELETE", `/api/teams/${deletedTeam}`, undefined, "admin"],
    ["PATCH", `/api/teams/${keptTeam}/members`, { add: ["ag_fixture_agent"] }, "admin"],
    ["PUT", "/api/agents/ag_fixture_agent/capacity", { capacity: null }, "admin"],
    ["GET", `/api/sites/${ruleSite}/assignment-rules`, undefined, "admin"],
    ["PUT", `/api/sites/${ruleSite}/assignment-rules`, { channel: "chat", team_id: keptTeam }, "admin"],
    ["DELETE", `/api/sites/${ruleSite}/assignment-rules/${deletedRule}`, undefined, "admin"],
    ["POST", `/api/conversations/${pair[1]}/merge`, { into: pair[0] }, "agent"],
    ["POST", `/api/contacts/${dupA.conversation.contact_id}/merge`, { into: dupB.conversation.contact_id }, "agent"],
    ["GET", `/api/contacts/${dupB.conversation.contact_id}/duplicates`, undefined, "agent"],
    ["GET", "/api/attributes", undefined, "agent"],
    ["POST", "/api/attributes", (caller) => ({ key: attributeKey(caller), name: "Matrix", kind: "number" }), "admin"],
    ["PATCH", `/api/attributes/${keptAttribute.id}`, { name: "Matrix renamed" }, "admin"],
    ["DELETE", `/api/attributes/${deletedAttribute.id}`, undefined, "admin"],
    ["PATCH", `/api/contacts/${mail.conversation.contact_id}/attributes`, { [keptAttribute.key]: "matrix value" }, "agent"],
    ["POST", "/api/widget/flow/answers", { step: "pick", choice: 0, client_message_id: randomUUID() }, "visitor"],
    ["GET", `/api/sites/${ruleSite}/flow`, undefined, "admin"],
    ["PUT", `/api/sites/${ruleSite}/flow`, matrixFlow, "admin"],
    ["POST", `/api/sites/${ruleSite}/flow/preview`, { flow: matrixFlow }, "admin"],
    ["GET", "/api/sites/s_demo/proactive", undefined, "admin"],
    ["POST", "/api/sites/s_demo/proactive", proactive(false), "admin"],
    ["PUT", `/api/sites/s_demo/proactive/${keptProactive}`, proactive(), "admin"],
    ["DELETE", `/api/sites/s_demo/proactive/${deletedProactive}`, undefined, "admin"],
    ["POST", "/api/widget/proactive", { message_id: keptProactive }, "visitor"],
    ["GET", "/api/reports?range=7d", undefined, "agent"],
    ["GET", "/api/reports/series.csv?range=7d", undefined, "agent"],
    ["GET", "/api/reports/agents.csv?range=7d", undefined, "agent"],
    ["GET", "/api/reports/conversations.csv?range=7d", undefined, "agent"],
    ["POST", "/api/widget/rating", { conversation_id: own.conversation_id, score: 4 }, "visitor"],
    ["GET", `/rate/${own.conversation_id}?t=1.000000000000000000000000`, undefined, "anyone"],
    ["POST", `/rate/${own.conversation_id}?t=1.000000000000000000000000`, { score: 4 }, "anyone"],
    ["GET", "/api/reports/satisfaction?range=7d", undefined, "agent"],
    ["GET", "/api/account/time-zone", undefined, "agent"],
    ["PUT", "/api/account/time-zone", { time_zone: "UTC" }, "admin"],
    ["GET", `/api/sites/${ruleSite}/sla`, undefined, "admin"],
    ["PUT", `/api/sites/${ruleSite}/sla`, { targets: [] }, "admin"],
    ["GET", "/api/reports/sla?range=7d", undefined, "agent"],
    // ActiveCampaign: connected to the fake with a key of the matrix's own, then disconnected again.
    ["GET", "/api/integrations/activecampaign", undefined, "admin"],
    ["PUT", "/api/integrations/activecampaign", { api_url: process.env.PARLEY_AC_URL, api_key: unique("matrix-ac-"), push_unverified: false, field_map: [] }, "admin"],
    ["GET", "/api/integrations/activecampaign/automations", undefined, "admin"],
    ["GET", "/api/integrations/activecampaign/fields", undefined, "admin"],
    ["GET", "/api/integrations/activecampaign/calls", undefined, "admin"],
    ["DELETE", "/api/integrations/activecampaign", undefined, "admin"],
    ["GET", `/api/sites/${ruleSite}/activecampaign`, undefined, "admin"],
    ["PUT", `/api/sites/${ruleSite}/activecampaign`, { enabled: false, tags: { chat: [], email: [], messenger: [] }, note: false }, "admin"],
    ["GET", `/api/contacts/${mail.conversation.contact_id}/activecampaign`, undefined, "agent"],
  ];
  // A path or body may depend on the caller (a function of it): one saved reply per caller to delete, a shortcut each.
  const failures = [];
  const routes = JSON.parse(readFileSync(new URL("./routes.json", import.meta.url), "utf8"));
  const caseOf = (route) => endpoints.find(([method, pathOf]) => method === route.method && matches(route.path, typeof pathOf === "function" ? pathOf("agent") : pathOf));
  for (const route of routes) {
    const found = caseOf(route);
    if (!found) failures.push(`no case for ${route.method} ${route.path}: say here who may call it`);
    else if (found[3] !== route.who) failures.push(`${route.method} ${route.path}: the table says ${route.who}, the matrix ${found[3]}`);
  }
  for (const [method, pathOf] of endpoints) {
    const path = typeof pathOf === "function" ? pathOf("agent") : pathOf;
    if (!routes.some((r) => r.method === method && matches(r.path, path))) failures.push(`${method} ${path} is in no route of the table`);
  }
  for (const [method, pathOf, jsonOf, who] of endpoints) {
    const answers = [];
    for (const [caller, token] of Object.entries(callers)) {
      const path = typeof pathOf === "function" ? pathOf(caller) : pathOf;
      const json = typeof jsonOf === "function" ? jsonOf(caller) : jsonOf;
      const res = await answer(method, path, json, token);
      answers.push(res);
      if (who === "anyone") continue;
      const agentLike = caller === "agent" || caller === "agentKey";
      const allowed = who === caller || (who === "agent" && (agentLike || caller === "admin")) || (who === "visitor_or_anyone" && ["visitor", "anonymous"].includes(caller));
      const expectedDenial = who === "meta" ? 403 : !allowed && agentLike && who === "admin" ? 403 : 401;
      const ok = allowed ? res.status < 400 : res.status === expectedDenial;
      if (!ok) failures.push(`${caller} ${method} ${path}: ${res.status}`);
    }
    // Anyone: the answer does not depend on who calls (nor is it a server error).
    const seen = new Set(answers.map((r) => `${r.status} ${r.body?.error?.code ?? ""}`));
    if (who === "anyone" && (seen.size !== 1 || answers[0].status >= 500)) failures.push(`${method} ${pathOf}: ${[...seen].join(" / ")} for anyone`);
  }
  // s_demo's pages show no proactive message to later suites.
  for (const m of (await call("GET", "/api/sites/s_demo/proactive", { token: KEY })).body.messages) {
    await call("DELETE", `/api/sites/s_demo/proactive/${m.id}`, { token: KEY });
  }
  assert.deepEqual(failures, []);
});

test("every API answer says nosniff and no-store, errors and socket-less answers alike", async () => {
  const visitor = await newVisitor();
  const answers = {
    health: await call("GET", "/api/health"),
    list: await call("GET", "/api/conversations?limit=1", { token: KEY }),
    unauthorized: await call("GET", "/api/conversations"),
    forbidden: await call("GET", "/api/api-keys", { token: AGENT_KEY }),
    missing: await call("GET", "/api/nowhere"),
    wrongMethod: await call("DELETE", "/api/health"),
    invalid: await call("POST", "/api/widget/messages", { token: visitor, json: { body: "" } }),
    thread: await call("GET", "/api/widget/conversation", { token: visitor }),
    preflight: await call("OPTIONS", "/api/widget/messages"),
  };
  for (const [what, res] of Object.entries(answers)) {
    assert.equal(res.headers.get("x-content-type-options"), "nosniff", what);
    assert.equal(res.headers.get("cache-control"), "no-store", what);
  }
});

test("links and the snippet are built from the request's origin only in local dev: another Host gets no link", async () => {
  const invite = await call("POST", "/api/agents", { token: KEY, json: { email: `${unique("link")}@juniperandpine.example`, full_name: "Link Test" } });
  assert.equal(invite.status, 201);
  assert.ok(invite.body.invitation_url.startsWith(`${URL_}/inbox.html#invitation=`), "local dev: the request's origin");
  assert.match((await call("GET", "/api/sites/s_demo/snippet", { token: KEY })).body.snippet, new RegExp(URL_.replace(/[.]/g, "\\.")));
  // The same request under a Host that is not loopback: without PUBLIC_URL, no link is built from it.
  const forged = await new Promise((resolve, reject) => {
    const req = http.request(`${URL_}/api/sites/s_demo/snippet`, { headers: { host: "evil.example", authorization: `Bearer ${KEY}` }, agent: false }, (res) => {
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode, body: JSON.parse(text) }));
    });
    req.on("error", reject);
    req.end();
  });
  assert.deepEqual([forged.status, forged.body.error?.code], [409, "public_url_unset"]);
});
