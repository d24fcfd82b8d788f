// The activity trail's events for labels, snoozes and the customer's own
// changes, on the real worker: each is written in the batch of its change,
// only where it changes something (a retried or raced change records nothing
// more), names who did it (an agent; null for the system's alarm and for the
// customer), and is carried by the contact's export; and in Chromium, the
// thread shows them as small lines.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  AGENT_KEY, KEY, call, chatting, eventually, sendChat, thread, unique, browserAndHostPages, signInToInbox, listItem,
} from "./helpers.mjs";
import { axeViolations } from "./axe.mjs";

const KIT = "ag_fixture_agent"; // Kit Fern (AGENT_KEY); the seeded key is Robin Ash's
const snooze = (id, json, token = KEY) => call("PUT", `/api/conversations/${id}/snooze`, { token, json });
const unsnooze = (id, token = KEY) => call("DELETE", `/api/conversations/${id}/snooze`, { token });
const tag = (id, json, token = KEY) => call("PATCH", `/api/conversations/${id}/labels`, { token, json });
/** The conversation's trail, but its notes. */
const events = async (id) => (await thread(id)).trail.filter((e) => e.kind !== "note");
/** A new label of the demo account. */
async function label(name = unique("Trail ")) {
  const made = await call("POST", "/api/labels", { token: KEY, json: { name, colour: "#0f766e" } });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  return made.body;
}
/** The chat's contact, added by an agent (for its export). */
async function withContact(id) {
  const email = `trail+${unique("")}@example.org`;
  assert.equal((await call("POST", `/api/conversations/${id}/contact`, { token: KEY, json: { email } })).status, 200);
  return (await thread(id)).conversation.contact_id;
}
const exported = async (contact) => (await call("GET", `/api/contacts/${contact}/export`, { token: KEY })).body;

test("labels put on and taken off a conversation leave events with who and the label; a retry or a race leaves none more", async () => {
  const { conversation: id } = await chatting("label my question");
  const [refund, urgent] = [await label(), await label()];
  assert.equal((await tag(id, { add: [refund.id] })).status, 200);
  assert.equal((await tag(id, { add: [refund.id] })).status, 200, "a retry");
  // Raced adds of one label by two agents: one link, one event.
  const raced = await Promise.all([KEY, AGENT_KEY, KEY].map((token) => tag(id, { add: [urgent.id] }, token)));
  assert.deepEqual(raced.map((r) => r.status), [200, 200, 200]);
  assert.equal((await tag(id, { remove: [refund.id] }, AGENT_KEY)).status, 200);
  assert.equal((await tag(id, { remove: [refund.id] }, AGENT_KEY)).status, 200, "a retry");
  assert.equal((await tag(id, { add: ["lb_nobody"] })).status, 400, "refused: nothing recorded");
  const trail = await events(id);
  assert.deepEqual(trail.map((e) => e.kind), ["label_added", "label_added", "label_removed"]);
  assert.deepEqual(trail.map((e) => [e.detail, e.label_name]), [[refund.id, refund.name], [urgent.id, urgent.name], [refund.id, refund.name]]);
  assert.equal(trail[0].agent_name, "Robin Ash");
  assert.deepEqual([trail[2].agent_id, trail[2].agent_name], [KIT, "Kit Fern"]);
  assert.ok(["Robin Ash", "Kit Fern"].includes(trail[1].agent_name), "the race's winner");

  // Several at once: one event each; a deleted label's events stay, nameless.
  const [a, b] = [await label(), await label()];
  assert.equal((await tag(id, { add: [a.id, b.id], remove: [urgent.id] })).status, 200);
  assert.equal((await call("DELETE", `/api/labels/${a.id}`, { token: KEY })).status, 200);
  const more = (await events(id)).slice(3);
  assert.deepEqual(more.map((e) => [e.kind, e.detail]).sort(), [["label_added", a.id], ["label_added", b.id], ["label_removed", urgent.id]].sort());
  assert.equal(more.find((e) => e.detail === a.id).label_name, null);
  assert.equal(new Set((await events(id)).map((e) => e.id)).size, 6, "each event its own id");

  const contact = await withContact(id);
  assert.deepEqual((await exported(contact)).trail.map((e) => e.kind), (await events(id)).map((e) => e.kind), "the export carries them");
  // A contact's labels are not a conversation's trail.
  assert.equal((await call("PATCH", `/api/contacts/${contact}/labels`, { token: KEY, json: { add: [b.id] } })).status, 200);
  assert.equal((await events(id)).length, 6);
});

test("a snooze, its change and its removal leave events with who; the same snooze again, or unsnoozing twice, leaves none", async () => {
  const { token, conversation: id } = await chatting("park me");
  const until = Date.now() + 86_400_000;
  assert.equal((await snooze(id, { until })).status, 200);
  assert.equal((await snooze(id, { until })).status, 200, "a retry");
  assert.equal((await snooze(id, { until_reply: true }, AGENT_KEY)).status, 200, "moved to the reply");
  assert.equal((await unsnooze(id)).status, 200);
  assert.equal((await unsnooze(id)).status, 200, "a retry");
  // Raced identical snoozes: one event.
  const raced = await Promise.all([1, 2, 3].map(() => snooze(id, { until })));
  assert.deepEqual(raced.map((r) => r.status), [200, 200, 200]);
  // The customer's message wakes it: an event of theirs (no agent), once.
  const clientId = randomUUID();
  assert.equal((await sendChat(token, "I'm back", clientId)).status, 201);
  assert.equal((await sendChat(token, "I'm back", clientId)).status, 200, "the widget's retry");
  assert.equal((await sendChat(token, "and again")).status, 201, "a message to an awake conversation");
  const trail = await events(id);
  assert.deepEqual(trail.map((e) => [e.kind, e.agent_name, e.detail]), [
    ["snoozed", "Robin Ash", String(until)],
    ["snoozed", "Kit Fern", null],
    ["unsnoozed", "Robin Ash", null],
    ["snoozed", "Robin Ash", String(until)],
    ["woke_by_reply", null, null],
  ]);
  assert.equal(trail.at(-1).agent_id, null);
  const contact = await withContact(id);
  assert.deepEqual((await exported(contact)).trail.map((e) => e.kind), trail.map((e) => e.kind), "the export carries them");
});

test("the alarm's wake is the system's event, recorded once however often the alarm runs", async () => {
  const { conversation: id } = await chatting("wake me by yourself");
  assert.equal((await snooze(id, { until: Date.now() + 2000 })).status, 200);
  const woke = await eventually(async () => (await events(id)).find((e) => e.kind === "woke"), { what: "the wake's event", timeout: 30_000 });
  assert.equal(woke.agent_id, null);
  assert.equal(woke.created_at, (await thread(id)).conversation.woken_at, "written with the wake");
  // Another wake of the account runs the alarm again: nothing more for this one.
  const { conversation: witness } = await chatting("witness");
  assert.equal((await snooze(witness, { until: Date.now() + 1500 })).status, 200);
  await eventually(async () => (await events(witness)).some((e) => e.kind === "woke"), { what: "the witness woken", timeout: 30_000 });
  assert.deepEqual((await events(id)).map((e) => e.kind), ["snoozed", "woke"]);
});

test("a customer's message reopening a closed conversation is recorded as theirs, once; closing by an agent names them", async () => {
  const { token, conversation: id } = await chatting("closed too soon");
  assert.equal((await call("PATCH", `/api/conversations/${id}`, { token: AGENT_KEY, json: { status: "closed" } })).status, 200);
  const clientId = randomUUID();
  const sent = await sendChat(token, "one more thing", clientId);
  assert.equal(sent.status, 201);
  assert.equal(sent.body.message.conversation_id, id, "the same conversation");
  assert.equal((await sendChat(token, "one more thing", clientId)).status, 200, "the retry");
  assert.equal((await thread(id)).conversation.status, "open");
  assert.deepEqual((await events(id)).map((e) => [e.kind, e.agent_name]), [["closed", "Kit Fern"], ["reopened_by_reply", null]]);
});

// In Chromium: the thread shows these events as lines with who and when.
const pages = browserAndHostPages();

test("the inbox's thread shows label, snooze and wake events as lines, and axe finds nothing in them", async () => {
  const text = unique("trail in the thread ");
  const { token, conversation: id } = await chatting(text);
  const l = await label(unique("Shown "));
  assert.equal((await tag(id, { add: [l.id] })).status, 200);
  assert.equal((await snooze(id, { until_reply: true }, AGENT_KEY)).status, 200);
  assert.equal((await sendChat(token, "awake now")).status, 201);
  assert.equal((await tag(id, { remove: [l.id] })).status, 200);
  const context = await pages.browser.newContext({ bypassCSP: true });
  const agent = await signInToInbox(context);
  await listItem(agent, "awake now").click();
  const line = (kind) => agent.locator(`#messages .event.${kind}`);
  await line("label_removed").waitFor();
  assert.match(await line("label_added").textContent(), new RegExp(`^Robin Ash added the label “${l.name}” · `));
  assert.match(await line("snoozed").textContent(), /^Kit Fern snoozed it until the customer replies · /);
  assert.match(await line("woke_by_reply").textContent(), /^Back from snooze: the customer replied · /);
  assert.match(await line("label_removed").textContent(), new RegExp(`^Robin Ash removed the label “${l.name}”`));
  // In order with the messages: the wake comes after the snooze and before the removal.
  const order = await agent.locator("#messages > *").evaluateAll((nodes) => nodes.map((n) => n.className));
  const at = (kind) => order.findIndex((c) => c.includes(kind));
  assert.ok(at("label_added") < at("snoozed") && at("snoozed") < at("woke_by_reply") && at("woke_by_reply") < at("label_removed"), order.join(" | "));
  assert.deepEqual(await axeViolations(agent, "#thread"), []);
  await context.close();
});
