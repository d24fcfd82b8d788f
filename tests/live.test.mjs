// Live conversations over real Durable Objects with hibernating WebSockets
// (workerd under wrangler dev): what each socket receives, what it may ask
// for, and catching up from D1 by sequence number after a gap.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { call, KEY, newVisitor, sendChat, signIn, asAgent, sql, unique, deliverMail, mailFixture, chatting, reply, otherAccount } from "./helpers.mjs";
import { widgetSocket, inboxSocket, closeAll } from "./sockets.mjs";

after(closeAll);

test("a widget socket needs an upgrade and a valid token", async () => {
  const plain = await call("GET", "/api/widget/live");
  assert.equal(plain.status, 426);
  assert.equal(plain.body.error.code, "upgrade_required");
  const token = await newVisitor();
  const forged = token.replace(/.$/, (c) => (c === "0" ? "1" : "0"));
  await assert.rejects(widgetSocket(forged), (err) => err.status === 401 && err.body.error.code === "visitor_token_invalid");
  await assert.rejects(widgetSocket(null), (err) => err.status === 404, "no token, and no site to hear presence from");
  const live = await widgetSocket(token);
  const hello = await live.next((p) => p.type === "presence");
  assert.equal(typeof hello.online, "boolean");
  await live.close();
});

test("an agent's chat reply reaches that visitor's sockets, numbered, and no other visitor's", async () => {
  const { token, conversation, first } = await chatting();
  const other = await chatting("someone else");
  const [tab1, tab2, stranger] = await Promise.all([widgetSocket(token), widgetSocket(token), widgetSocket(other.token)]);
  const res = await reply(conversation, "Here to help");
  assert.equal(res.status, 201);
  for (const tab of [tab1, tab2]) {
    const push = await tab.next((p) => p.type === "message");
    assert.equal(push.message.body, "Here to help");
    assert.equal(push.message.author, "agent");
    assert.equal(push.message.seq, first.seq + 1, "numbered after the visitor's first message");
    assert.equal(push.message.email_headers, undefined, "the visitor's shape only");
  }
  await assert.rejects(stranger.next((p) => p.type === "message", { timeout: 500 }), /no matching push/);
  await Promise.all([tab1.close(), tab2.close(), stranger.close()]);
});

/** Each tab's socket is counted in D1 before it is answered, and uncounted when it closes. */
test("the live objects count the tabs that listen, so the worker pushes only where someone hears", async () => {
  const tabs = async (table, id) => (await sql(`SELECT live_tabs FROM ${table} WHERE id = '${id}'`))[0].live_tabs;
  /** Awaits the count the object writes after a close (it lands a moment after the close handshake). */
  const settles = async (table, id, want) => {
    for (let tries = 0; tries < 100; tries++) if ((await tabs(table, id)) === want) return;
    assert.fail(`${table} ${id} never counted ${want} tabs`);
  };
  const { token } = await chatting();
  const visitor = token.split(".")[0];
  assert.equal(await tabs("visitors", visitor), 0);
  const one = await widgetSocket(token);
  assert.equal(await tabs("visitors", visitor), 1, "counted before the socket was answered");
  const two = await widgetSocket(token);
  assert.equal(await tabs("visitors", visitor), 2);
  await one.close();
  await settles("visitors", visitor, 1);
  await two.close();
  await settles("visitors", visitor, 0);

  const before = await tabs("accounts", "a_demo");
  const tab = await inboxSocket({ key: KEY });
  assert.equal(await tabs("accounts", "a_demo"), before + 1, "the inbox tab is counted before it is answered");
  await tab.close();
  await settles("accounts", "a_demo", before);
});

test("a widget that missed pushes asks for what came after its last number, and gets each once", async () => {
  const { token, conversation, first } = await chatting();
  for (const body of ["one", "two"]) assert.equal((await reply(conversation, body)).status, 201);
  const all = await call("GET", "/api/widget/conversation", { token });
  assert.deepEqual(all.body.messages.map((m) => m.seq), [1, 2, 3]);
  const missed = await call("GET", `/api/widget/conversation?after=${first.seq}`, { token });
  assert.deepEqual(missed.body.messages.map((m) => [m.seq, m.body]), [[2, "one"], [3, "two"]]);
  const none = await call("GET", "/api/widget/conversation?after=3", { token });
  assert.deepEqual(none.body.messages, []);
  const bad = await call("GET", "/api/widget/conversation?after=x", { token });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, "invalid_after");
});

test("the inbox hears new messages and a visitor's typing; the visitor hears the agent type and the read", async () => {
  const session = await signIn();
  const tab = await inboxSocket({ cookie: session.cookie });
  await tab.next((p) => p.type === "team");
  const { token, conversation } = await chatting("first line");
  const notice = await tab.next((p) => p.type === "message" && p.conversation_id === conversation);
  assert.equal(notice.author, "visitor");
  assert.equal(notice.preview, "first line");

  const widget = await widgetSocket(token);
  await widget.next((p) => p.type === "presence");
  const visitorId = token.split(".")[0];
  widget.say({ type: "typing", text: "x".repeat(5000) }); // over the frame limit: dropped unread
  widget.say({ type: "typing", text: "Is the oolong" });
  const typing = await tab.next((p) => p.type === "visitor_typing" && p.visitor_id === visitorId);
  assert.equal(typing.text, "Is the oolong");

  tab.say({ type: "view", conversation_id: conversation });
  const viewers = await tab.next((p) => p.type === "viewers" && p.conversation_id === conversation);
  assert.deepEqual(viewers.agents.map((a) => a.name), [session.agent.full_name]);
  tab.say({ type: "typing", typing: true });
  const agentTyping = await widget.next((p) => p.type === "typing");
  assert.equal(agentTyping.name, session.agent.full_name);
  const replying = await tab.next((p) => p.type === "viewers" && p.agents.some((a) => a.replying));
  assert.equal(replying.conversation_id, conversation);
  tab.say({ type: "typing", typing: false });
  assert.equal((await widget.next((p) => p.type === "typing")).name, null);

  const read = await asAgent(session, "POST", `/api/conversations/${conversation}/read`);
  assert.equal(read.status, 200);
  const seen = await widget.next((p) => p.type === "seen");
  const thread = await call("GET", "/api/widget/conversation", { token });
  assert.equal(thread.body.seen_at, seen.at, "the read time is stored and served to a reloading widget");
  await Promise.all([tab.close(), widget.close()]);
});

test("presence: a widget hears the team come online and go away", async () => {
  const admin = await signIn();
  const { token } = await chatting();
  const widget = await widgetSocket(token);
  const first = await widget.next((p) => p.type === "presence");
  const tab = await inboxSocket({ cookie: admin.cookie });
  if (!first.online) assert.equal((await widget.next((p) => p.type === "presence")).online, true);
  const away = await asAgent(admin, "PUT", "/api/presence", { json: { away: true } });
  assert.equal(away.status, 200);
  assert.deepEqual(away.body, { away: true });
  // Other suites' tabs may be open; away counts only when nobody else is online.
  const team = await tab.next((p) => p.type === "team" && p.agents.some((a) => a.agent_id === admin.agent.id && a.away));
  if (team.agents.every((a) => a.away)) assert.equal((await widget.next((p) => p.type === "presence" && !p.online)).online, false);
  const session2 = await call("GET", "/api/session", { headers: { cookie: admin.cookie } });
  assert.equal(session2.body.agent.away, true, "the toggle is kept with the agent");
  assert.equal((await asAgent(admin, "PUT", "/api/presence", { json: { away: false } })).status, 200);
  assert.equal((await widget.next((p) => p.type === "presence" && p.online)).online, true);
  const bad = await asAgent(admin, "PUT", "/api/presence", { json: { away: "yes" } });
  assert.equal(bad.status, 400);
  await tab.close();
  assert.equal((await widget.next((p) => p.type === "presence" && !p.online)).online, false, "the last tab closing takes the team offline");
  await widget.close();
});

test("a widget socket without a visitor hears the team's presence and nothing else, and makes no visitor", async () => {
  const visitors = async () => (await sql("SELECT COUNT(*) AS n FROM visitors"))[0].n;
  const before = await visitors();
  await assert.rejects(widgetSocket(null, "s_nowhere"), (err) => err.status === 404, "an unknown site");
  const anonymous = await widgetSocket(null, "s_demo");
  const first = await anonymous.next((p) => p.type === "presence");
  const tab = await inboxSocket({ key: KEY });
  await tab.next((p) => p.type === "team");
  if (!first.online) assert.equal((await anonymous.next((p) => p.type === "presence")).online, true, "it hears the team come online");
  // What it sends goes nowhere: the team hears a visitor's typing, never this socket's.
  anonymous.say({ type: "typing", text: "typed by nobody" });
  const { token } = await chatting();
  const widget = await widgetSocket(token);
  await widget.next((p) => p.type === "presence");
  widget.say({ type: "typing", text: "typed by a visitor" });
  await tab.next((p) => p.type === "visitor_typing" && p.text === "typed by a visitor");
  assert.deepEqual(tab.pushes.filter((p) => p.type === "visitor_typing" && p.text === "typed by nobody"), []);
  assert.deepEqual(anonymous.pushes.filter((p) => p.type !== "presence"), [], "no message, typing or seen: only presence");
  assert.equal(await visitors(), before + 1, "the one visitor that wrote; the socket made none");
  await Promise.all([tab.close(), widget.close(), anonymous.close()]);
});

test("an inbox socket needs an agent, from the inbox's own origin", async () => {
  await assert.rejects(inboxSocket({}), (err) => err.status === 401 && err.body.error.code === "unauthorized");
  const session = await signIn();
  await assert.rejects(
    inboxSocket({ cookie: session.cookie, origin: "https://evil.example" }),
    (err) => err.status === 403 && err.body.error.code === "origin_refused",
  );
  const { token } = await chatting();
  await assert.rejects(inboxSocket({ key: token }), (err) => err.status === 401, "a visitor token is not an agent's");
});

test("sockets stay inside their account: another team hears nothing and reaches no visitor", async () => {
  const { key } = await otherAccount({ site: true });
  const outsider = await inboxSocket({ key });
  await outsider.next((p) => p.type === "team");
  // The demo team's tab proves the events happened; the outsider's hears none of them.
  const demo = await inboxSocket({ key: KEY });
  const { token, conversation } = await chatting("private to the demo team");
  await demo.next((p) => p.type === "message" && p.conversation_id === conversation);
  const widget = await widgetSocket(token);
  await widget.next((p) => p.type === "presence");
  widget.say({ type: "typing", text: "secret" });
  await demo.next((p) => p.type === "visitor_typing" && p.text === "secret");
  outsider.say({ type: "view", conversation_id: conversation });
  outsider.say({ type: "typing", typing: true });
  await assert.rejects(widget.next((p) => p.type === "typing", { timeout: 700 }), /no matching push/, "no typing reaches another team's visitor");
  assert.deepEqual(outsider.pushes.filter((p) => ["message", "visitor_typing", "viewers"].includes(p.type)), [], "nothing of the demo team's");
  const denied = await call("POST", `/api/conversations/${conversation}/read`, { token: key });
  assert.equal(denied.status, 404);
  await Promise.all([outsider.close(), widget.close(), demo.close()]);
});

test("inbound email and form tickets notify the inbox too", async () => {
  const tab = await inboxSocket({ key: KEY });
  await tab.next((p) => p.type === "team");
  const ticket = await call("POST", "/api/sites/s_demo/tickets", { token: KEY, json: { email: `${unique()}@example.com`, body: "Form question" } });
  assert.equal(ticket.status, 201);
  await tab.next((p) => p.type === "conversation" && p.conversation_id === ticket.body.conversation_id);
  const tag = unique("m");
  const vars = { From: `${tag}@example.org`, from: `${tag}@example.org`, id: `${tag}.live@example.org`, marker: tag };
  assert.equal((await deliverMail(mailFixture("plain.eml", vars), { from: vars.from })).status, 200);
  const mail = await tab.next((p) => p.type === "message" && p.author === "contact");
  const thread = await call("GET", `/api/conversations/${mail.conversation_id}`, { token: KEY });
  assert.ok(thread.body.messages.some((m) => m.id === mail.message_id), "the notice names the stored message");
  await tab.close();
});

test("a socket ends with its credential: sign-out, a removed agent, a revoked key", async () => {
  const session = await signIn();
  const admin = await signIn();
  const created = await asAgent(admin, "POST", "/api/api-keys", { json: { label: "live test" } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const agent = unique("ag_");
  const key = `pk_${randomBytes(24).toString("hex")}`;
  await sql(
    `INSERT INTO agents (id, account_id, email, full_name, role, password_hash, created_at) VALUES ('${agent}', 'a_demo', '${agent}@juniperandpine.example', 'Leaving Agent', 'agent', 'x', 0);
     INSERT INTO api_keys (id, token_hash, prefix, agent_id, label, created_at) VALUES ('${unique("key_")}', '${createHash("sha256").update(key).digest("hex")}', '${key.slice(0, 10)}', '${agent}', 'leaving', 0);`,
  );
  const [signedOut, revoked, leaving, other] = await Promise.all([
    inboxSocket({ cookie: session.cookie }), inboxSocket({ key: created.body.key }), inboxSocket({ key }), inboxSocket({ key: KEY }),
  ]);
  await Promise.all([signedOut, revoked, leaving].map((tab) => tab.next((p) => p.type === "team")));
  assert.equal((await asAgent(session, "DELETE", "/api/session")).status, 200);
  assert.equal((await asAgent(admin, "DELETE", `/api/api-keys/${created.body.api_key.id}`)).status, 200);
  assert.equal((await asAgent(admin, "DELETE", `/api/agents/${agent}`)).status, 200);
  // The closes are awaited together: the local proxy ends a closed socket's TCP connection only after 10 s.
  const codes = await Promise.all([signedOut.closed, revoked.closed, leaving.closed]);
  assert.deepEqual(codes, [4001, 4001, 4001], "signing out, revoking a key and removing an agent close their sockets");
  assert.equal(other.ws.readyState, 1, "the agent's other credential is untouched");
  await other.close();
});
