// The HTTP API against the real worker and local D1: the visitor chat path,
// its error answers, visitor isolation and agent credentials.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { call, newVisitor, sendChat, agentGet, SITE, KEY, unique, widgetView as view } from "./helpers.mjs";

/** Asserts the worker's JSON error shape and returns its code. */
function assertError(res, status, code) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(typeof res.body.error?.message, "string");
  assert.ok(res.body.error.message.length > 10, "the message is a readable sentence");
  if (code) assert.equal(res.body.error.code, code);
}

test("health answers once D1 is reachable", async () => {
  const res = await call("GET", "/api/health");
  assert.deepEqual([res.status, res.body], [200, { ok: true }]);
});

test("site config carries greeting, colours, position and the Form fields", async () => {
  const res = await call("GET", `/api/widget/sites/${SITE}/config`);
  assert.equal(res.status, 200);
  assert.equal(res.body.name, "Juniper & Pine");
  assert.match(res.body.color, /^#[0-9a-f]{6}$/);
  assert.deepEqual(res.body.form, { phone: "hidden", company: "hidden", full_name: "hidden" });
  assert.equal(res.headers.get("access-control-allow-origin"), "*", "any host site may call the widget API");
});

test("unknown sites are 404 for config and visitor creation", async () => {
  assertError(await call("GET", "/api/widget/sites/s_nope/config"), 404, "not_found");
  assertError(await call("POST", "/api/widget/sites/s_nope/visitors"), 404, "not_found");
});

test("a visitor's message is stored once, whatever the retries", async () => {
  const token = await newVisitor();
  assert.match(token, /^v_[0-9a-f]{32}\.[0-9a-f]{64}$/);
  const clientId = randomUUID();
  const text = unique("hello ");
  const first = await sendChat(token, `  ${text}  `, clientId);
  assert.equal(first.status, 201);
  assert.equal(first.body.message.body, text, "surrounding whitespace is trimmed");
  assert.equal(first.body.message.author, "visitor");

  const retries = await Promise.all([1, 2, 3].map(() => sendChat(token, text, clientId)));
  for (const retry of retries) {
    assert.equal(retry.status, 200);
    assert.equal(retry.body.message.id, first.body.message.id);
  }
  const second = await sendChat(token, "and another");
  assert.equal(second.status, 201);

  const thread = await view(token);
  assert.deepEqual(thread.messages.map((m) => m.body), [text, "and another"]);
  assert.equal(thread.conversation_id, first.body.message.conversation_id);
  assert.equal(second.body.message.conversation_id, thread.conversation_id, "one conversation per visitor");
});

test("concurrent first messages of a new visitor land in one conversation", async () => {
  const token = await newVisitor();
  const sends = await Promise.all(["one", "two", "three", "four"].map((b) => sendChat(token, b)));
  const ok = sends.filter((s) => s.status === 201);
  assert.equal(ok.length, 4, "each distinct send is stored");
  const conversations = new Set(ok.map((s) => s.body.message.conversation_id));
  assert.equal(conversations.size, 1);
  const thread = await view(token);
  assert.equal(thread.messages.length, ok.length, "every acknowledged message is stored, none twice");
});

test("visitors see only their own thread", async () => {
  const alice = await newVisitor();
  const bob = await newVisitor();
  await sendChat(alice, "alice's secret");
  const bobView = await view(bob);
  assert.deepEqual([bobView.conversation_id, bobView.messages], [null, []]);
  await sendChat(bob, "bob here");
  const bodies = (await view(bob)).messages.map((m) => m.body);
  assert.deepEqual(bodies, ["bob here"]);
});

test("bad visitor credentials are refused with 401", async () => {
  assertError(await call("GET", "/api/widget/conversation"), 401, "visitor_token_invalid");
  assertError(await call("GET", "/api/widget/conversation", { token: "garbage" }), 401, "visitor_token_invalid");
  const token = await newVisitor();
  const forged = token.slice(0, -4) + "0000";
  assertError(await call("GET", "/api/widget/conversation", { token: forged }), 401, "visitor_token_invalid");
  assertError(await sendChat(forged, "hi"), 401, "visitor_token_invalid");
});

test("malformed input gets a 4xx JSON error and writes nothing", async () => {
  const token = await newVisitor();
  const post = (opts) => call("POST", "/api/widget/messages", { token, ...opts });
  assertError(await post({ body: '{"client_message_id": "abc', headers: { "content-type": "application/json" } }), 400, "malformed_json");
  assertError(await post({ json: { client_message_id: randomUUID() } }), 400, "malformed_json");
  assertError(await post({ json: { client_message_id: randomUUID(), body: "x", admin: true } }), 400, "malformed_json");
  assertError(await post({ json: { client_message_id: randomUUID(), body: 42 } }), 400, "malformed_json");
  assertError(await post({ json: { client_message_id: randomUUID(), body: "   \n " } }), 400, "body_empty");
  assertError(await post({ json: { client_message_id: randomUUID(), body: "x".repeat(10_001) } }), 400, "body_too_long");
  assertError(await post({ json: { client_message_id: "no spaces allowed", body: "x" } }), 400, "client_message_id_invalid");
  assertError(await post({ body: "body=hi", headers: { "content-type": "application/x-www-form-urlencoded" } }), 415, "unsupported_media_type");
  assertError(await post({ json: { client_message_id: randomUUID(), body: "x".repeat(70_000) } }), 413, "payload_too_large");
  const after = await view(token);
  assert.deepEqual([after.conversation_id, after.messages], [null, []], "nothing was written");
});

test("unknown paths are 404 and wrong methods 405, as JSON", async () => {
  assertError(await call("GET", "/api/nope"), 404, "not_found");
  assertError(await call("DELETE", "/api/widget/messages"), 405, "method_not_allowed");
});

test("CORS preflight for the widget API is answered", async () => {
  const res = await call("OPTIONS", "/api/widget/messages", {
    headers: { origin: "https://shop.example", "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
  });
  assert.equal(res.status, 204);
  assert.match(res.headers.get("access-control-allow-headers"), /authorization/);
});

test("agent endpoints need an API key and a visitor token is not one", async () => {
  const token = await newVisitor();
  assertError(await call("GET", "/api/conversations"), 401, "unauthorized");
  assertError(await call("GET", "/api/conversations", { token }), 401, "unauthorized");
  assertError(await call("GET", "/api/conversations", { token: "pk_" + "0".repeat(48) }), 401, "unauthorized");
});

test("agents read visitor chats through the inbox API", async () => {
  const token = await newVisitor();
  const text = unique("order question ");
  const sent = await sendChat(token, text);
  const { conversations } = await agentGet("/api/conversations?channel=chat");
  const listed = conversations.find((c) => c.id === sent.body.message.conversation_id);
  assert.ok(listed, "the chat is listed");
  assert.equal(listed.preview, text);
  assert.equal(listed.channel, "chat");
  assert.equal(listed.contact_id, null, "an anonymous visitor has no contact yet");
  const thread = await agentGet(`/api/conversations/${listed.id}`);
  assert.deepEqual(thread.messages.map((m) => [m.author, m.body]), [["visitor", text]]);
  assertError(await call("GET", "/api/conversations?channel=fax", { token: KEY }), 400, "invalid_filter");
  assertError(await call("GET", "/api/conversations/c_doesnotexist", { token: KEY }), 404, "not_found");
});
