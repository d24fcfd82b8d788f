// A visitor an agent marked as spam, on the real worker: refused (403
// visitor_blocked) on every widget endpoint that writes or claims, with
// nothing written, while it still reads its own thread and files; its open
// widget sockets are closed when it is blocked and new ones refused, so its
// typing reaches nobody; taking the mark back lets it in again.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { call, newVisitor, sendChat, sql, unique, URL_, KEY, widgetView as view, upload } from "./helpers.mjs";
import { closeAll, inboxSocket, widgetSocket } from "./sockets.mjs";

after(closeAll);

const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
const mark = (id, spam) => call("PATCH", `/api/conversations/${id}`, { token: KEY, json: { spam } });

/** A visitor who wrote once; its conversation id. */
async function writer(text = unique("spam ")) {
  const token = await newVisitor();
  assert.equal((await sendChat(token, text)).status, 201);
  return { token, id: (await view(token)).conversation_id };
}

test("a blocked visitor is refused on identify, the Form, messages and files, with nothing written, and still reads its thread", async () => {
  const { token, id } = await writer();
  const bytes = Buffer.concat([PNG, Buffer.from(randomUUID())]); // bytes no other test stored
  const sent = await upload(token, bytes);
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
  const file = sent.body.message.attachments[0];
  assert.equal((await mark(id, true)).status, 200);

  const email = `blocked+${unique("")}@example.org`;
  const refused = [
    await call("POST", "/api/widget/identify", { token, json: { email, name: "Planted Name" } }),
    await call("POST", "/api/widget/contact", { token, json: { email } }),
    await sendChat(token, "more"),
    await upload(token, Buffer.concat([PNG, Buffer.from(randomUUID())])),
  ];
  for (const res of refused) {
    assert.equal(res.status, 403, JSON.stringify(res.body));
    assert.equal(res.body.error.code, "visitor_blocked");
    assert.equal(res.headers.get("access-control-allow-origin"), "*", "the widget can read why");
  }
  assert.equal((await sql(`SELECT COUNT(*) AS n FROM contacts WHERE email = '${email}'`))[0].n, 0, "no claim reached a contact");
  const [visitor] = await sql(`SELECT claimed_email, contact_id FROM visitors WHERE id = '${token.split(".")[0]}'`);
  assert.deepEqual(visitor, { claimed_email: null, contact_id: null }, "nothing was recorded on the visitor");

  const thread = await view(token);
  assert.equal(thread.messages.length, 2, "its own thread still reads, unchanged");
  const own = await fetch(`${URL_}/api/widget/attachments/${file.id}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(own.status, 200, "and its own file still downloads");

  assert.equal((await mark(id, false)).status, 200);
  assert.equal((await call("POST", "/api/widget/identify", { token, json: { email } })).status, 200, "unblocked: claims are taken again");
});

test("blocking closes the visitor's open widgets, refuses new ones, and its typing reaches nobody; unblocking lets it in", async () => {
  const { token, id } = await writer();
  const visitorId = token.split(".")[0];
  const tab = await inboxSocket({ key: KEY });
  const [first, second] = [await widgetSocket(token), await widgetSocket(token)];
  first.say({ type: "typing", text: "buy cheap" });
  assert.equal((await tab.next((p) => p.type === "visitor_typing" && p.visitor_id === visitorId)).text, "buy cheap", "relayed while not blocked");

  assert.equal((await mark(id, true)).status, 200);
  assert.deepEqual(await Promise.all([first.closed, second.closed]), [4003, 4003], "every open tab of the visitor is closed");
  await assert.rejects(widgetSocket(token), (err) => err.status === 403 && err.body.error.code === "visitor_blocked", "a new socket is refused");

  // Another visitor of the same site keeps its socket and is still heard.
  const other = await writer("a real question");
  const otherSocket = await widgetSocket(other.token);
  otherSocket.say({ type: "typing", text: "is the oolong in stock" });
  await tab.next((p) => p.type === "visitor_typing" && p.visitor_id === other.token.split(".")[0]);
  assert.deepEqual(tab.pushes.filter((p) => p.type === "visitor_typing" && p.visitor_id === visitorId), [], "nothing more of the blocked visitor");

  assert.equal((await mark(id, false)).status, 200);
  const again = await widgetSocket(token);
  again.say({ type: "typing", text: "sorry" });
  assert.equal((await tab.next((p) => p.type === "visitor_typing" && p.visitor_id === visitorId)).text, "sorry", "heard again once unblocked");
});

test("taking back one spam mark keeps the visitor blocked while another of its conversations is marked", async () => {
  const { token, id } = await writer();
  // A second conversation of the same visitor: the first closed, a new message opens another.
  assert.equal((await call("PATCH", `/api/conversations/${id}`, { token: KEY, json: { status: "closed" } })).status, 200);
  const other = `c_${randomUUID().replaceAll("-", "")}`;
  await sql(`INSERT INTO conversations (id, site_id, channel, status, visitor_id, started_at, last_message_at)
             VALUES ('${other}', 's_demo', 'chat', 'closed', '${token.split(".")[0]}', 1, 1);
             INSERT INTO messages (id, conversation_id, site_id, direction, author, visitor_id, body, created_at)
             VALUES ('m_${other.slice(2)}', '${other}', 's_demo', 'inbound', 'visitor', '${token.split(".")[0]}', 'an older chat', 1)`);
  assert.equal((await mark(id, true)).status, 200);
  assert.equal((await mark(other, true)).status, 200);
  assert.equal((await mark(id, false)).status, 200);
  assert.equal((await sendChat(token, "let me in")).status, 403, "still blocked: the other conversation is still spam");
  assert.equal((await mark(other, false)).status, 200);
  assert.equal((await sendChat(token, "let me in")).status, 201);
});
