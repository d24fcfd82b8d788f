// The chatbot flow's runtime over HTTP (issue 26): the worker runs the flow,
// the widget only reports answers. Sites here save their flows directly
// (flow_versions + sites.flow_version, as Settings' editor would); the
// answers go through POST /api/widget/flow/answers, the Form through
// /api/widget/contact, a first message through /api/widget/messages.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { randomUUID } from "node:crypto";
import { call, eventually, KEY, newVisitor, sendChat, sql, unique } from "./helpers.mjs";
import { saveFlow, siteWithFlow } from "./flows.mjs";
import { closeAll, inboxSocket } from "./sockets.mjs";

const trips = (res) => Number(res.headers.get("x-d1-round-trips"));

/** Nobody can answer, ever: hours closed every day. */
const closed = { message: { text: "We are away: we answer by email." }, hours: [null, null, null, null, null, null, null], time_zone: "UTC" };

/** A tea shop's menu: the opening shows it; each button branches. */
const menu = (extra = {}) => ({
  trigger: { type: "open" },
  offline: closed,
  steps: [
    { type: "message", id: "hi", text: "Hello from the tea shop!" },
    {
      type: "buttons", id: "menu", text: "What brings you here?", buttons: [
        { label: "An order", steps: [{ type: "question", id: "order", text: "Your order number?", save: { type: "conversation", key: "order_number" } }] },
        { label: "Just looking", steps: [{ type: "close", id: "bye" }] },
      ],
    },
    { type: "form", id: "form", phone: "hidden", company: "hidden", full_name: "optional" },
    { type: "wait_for_agent", id: "wait", text: "Someone will be with you shortly." },
  ],
  ...extra,
});

const answer = (token, json) => call("POST", "/api/widget/flow/answers", { token, json: { client_message_id: randomUUID(), ...json } });
const thread = async (token) => (await call("GET", "/api/widget/conversation", { token })).body;
const said = (messages) => messages.map((m) => `${m.author}: ${m.body}`);

test("a flow the opening starts: the config shows its steps and writes nothing; the first answer makes the conversation with them, the echo and the next step", async () => {
  const site = await siteWithFlow(menu());
  const config = (await call("GET", `/api/widget/sites/${site}/config`)).body;
  assert.deepEqual(config.flow.trigger, { type: "open" });
  assert.deepEqual(config.flow.lines, ["Hello from the tea shop!", "What brings you here?"]);
  assert.deepEqual(config.flow.wait, { step: "menu", kind: "buttons", text: "What brings you here?", buttons: ["An order", "Just looking"] });
  const [{ n: before }] = await sql(`SELECT COUNT(*) AS n FROM conversations WHERE site_id = '${site}'`);
  assert.equal(before, 0, "showing the opening wrote nothing");

  const visitor = await newVisitor(site);
  const res = await answer(visitor, { step: "menu", choice: 0 });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.deepEqual(said(res.body.messages), [
    "bot: Hello from the tea shop!", "bot: What brings you here?", "visitor: An order", "bot: Your order number?",
  ]);
  assert.deepEqual(res.body.flow, { step: "order", kind: "question", text: "Your order number?", buttons: [] });
  const read = await thread(visitor);
  assert.deepEqual(said(read.messages), said(res.body.messages), "the thread holds them, in order");
  assert.deepEqual(read.flow, res.body.flow, "a returning visitor resumes at the waiting step");

  // The question's answer is kept in the conversation; the Form comes next.
  const order = await answer(visitor, { step: "order", text: "  A-1234 " });
  assert.equal(order.status, 201, JSON.stringify(order.body));
  assert.deepEqual(said(order.body.messages), ["visitor: A-1234"]);
  assert.equal(order.body.flow.kind, "form");
  const [row] = await sql(`SELECT flow_version, flow_step, flow_answers FROM conversations WHERE id = '${read.conversation_id}'`);
  assert.deepEqual([row.flow_version, row.flow_step, JSON.parse(row.flow_answers)], [1, "form", { order_number: "A-1234" }]);

  // The Form moves the flow on: nobody can answer, so the offline text, and the flow ends.
  const form = await call("POST", "/api/widget/contact", { token: visitor, json: { email: `${unique("flow")}@example.org` } });
  assert.equal(form.status, 200, JSON.stringify(form.body));
  const done = await thread(visitor);
  assert.equal(done.flow, null, "waiting for an agent ends the flow");
  assert.equal(said(done.messages).at(-1), "bot: We are away: we answer by email.");
});

test("a flow that starts on a page after some seconds is answered like one the opening starts (the bubble that shows it is the facade's)", async () => {
  const site = await siteWithFlow(menu({ trigger: { type: "on_page", url: "/pricing*", seconds: 30 } }));
  const config = (await call("GET", `/api/widget/sites/${site}/config`)).body;
  assert.deepEqual(config.flow.trigger, { type: "on_page", url: "/pricing*", seconds: 30 });
  assert.equal(config.flow.wait.step, "menu");
  const visitor = await newVisitor(site);
  const res = await answer(visitor, { step: "menu", choice: 1 });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.deepEqual(said(res.body.messages), ["bot: Hello from the tea shop!", "bot: What brings you here?", "visitor: Just looking"]);
});

test("a site that never saved a flow keeps its chatbot: no flow in its config, no answers taken", async () => {
  const config = (await call("GET", "/api/widget/sites/s_demo/config")).body;
  assert.equal(config.flow, null);
  const visitor = await newVisitor();
  const res = await answer(visitor, { step: "form", choice: 0 });
  assert.equal(res.status, 409);
  assert.equal(res.body.error.code, "flow_not_waiting");
});

test("a tampered widget cannot skip a step, answer one that is not next, or skip the Form; nothing is written", async () => {
  const site = await siteWithFlow(menu());
  const visitor = await newVisitor(site);
  const refused = async (json, status, code) => {
    const res = await answer(visitor, json);
    assert.equal(res.status, status, JSON.stringify(res.body));
    assert.equal(res.body.error.code, code);
  };
  await refused({ step: "order", text: "A-1" }, 409, "flow_not_waiting"); // a branch's question, before its button
  await refused({ step: "menu", choice: 7 }, 400, "flow_answer_invalid");
  await refused({ step: "menu", text: "An order" }, 400, "flow_answer_invalid");
  const [{ n }] = await sql(`SELECT COUNT(*) AS n FROM conversations WHERE site_id = '${site}'`);
  assert.equal(n, 0, "no refused answer made a conversation");

  assert.equal((await answer(visitor, { step: "menu", choice: 0 })).status, 201);
  await refused({ step: "form", text: "skip" }, 409, "flow_not_waiting");
  assert.equal((await answer(visitor, { step: "order", text: "A-2" })).status, 201);
  await refused({ step: "wait", text: "skip the Form" }, 409, "flow_not_waiting");
  await refused({ step: "form", text: "skip the Form" }, 409, "flow_form_elsewhere");
  assert.equal((await thread(visitor)).flow.kind, "form", "still at the Form");
  const messages = (await thread(visitor)).messages;
  assert.deepEqual(said(messages).filter((l) => l.startsWith("visitor")), ["visitor: An order", "visitor: A-2"]);
});

test("an answer's retry stores nothing twice, and of two answers raced to one step exactly one applies", async () => {
  const site = await siteWithFlow(menu());
  const visitor = await newVisitor(site);
  const id = randomUUID();
  const first = await answer(visitor, { step: "menu", choice: 1, client_message_id: id });
  assert.equal(first.status, 201, JSON.stringify(first.body));
  const retry = await answer(visitor, { step: "menu", choice: 1, client_message_id: id });
  assert.equal(retry.status, 200, "a retry (the answer arrived, its response did not) stores nothing again");
  assert.deepEqual([retry.body.messages, retry.body.flow], [[], null]);
  const closedThread = await thread(visitor);
  assert.equal(said(closedThread.messages).filter((l) => l === "visitor: Just looking").length, 1);

  // The race: a second visitor answers one step twice at once (two tabs), each with its own id.
  const racer = await newVisitor(site);
  assert.equal((await answer(racer, { step: "menu", choice: 0 })).status, 201);
  const raced = await Promise.all([answer(racer, { step: "order", text: "R-1" }), answer(racer, { step: "order", text: "R-2" })]);
  assert.deepEqual(raced.map((r) => r.status).sort(), [201, 409], JSON.stringify(raced.map((r) => r.body)));
  const after = await thread(racer);
  const echoes = said(after.messages).filter((l) => /^visitor: R-/.test(l));
  assert.equal(echoes.length, 1, "one answer stored");
  const [row] = await sql(`SELECT flow_answers FROM conversations WHERE id = '${after.conversation_id}'`);
  assert.equal(JSON.parse(row.flow_answers).order_number, echoes[0].slice("visitor: ".length));
  // The loser's retry is refused too: the step it answered no longer waits.
  const loser = raced.find((r) => r.status === 409);
  assert.equal(loser.body.error.code, "flow_not_waiting");
});

test("a question saved to a contact attribute follows the attribute's rules: a refused answer leaves the question waiting", async () => {
  const key = unique("cups_").replaceAll(/[^a-z0-9_]/g, "_").toLowerCase();
  const attr = await call("POST", "/api/attributes", { token: KEY, json: { key, name: unique("Cups "), kind: "number" } });
  assert.equal(attr.status, 201, JSON.stringify(attr.body));
  const site = await siteWithFlow({
    trigger: { type: "open" },
    steps: [
      { type: "form", id: "form", phone: "hidden", company: "hidden", full_name: "hidden" },
      { type: "question", id: "cups", text: "How many cups a day?", save: { type: "attribute", key } },
      { type: "message", id: "thanks", text: "Noted!" },
    ],
  });
  const visitor = await newVisitor(site);
  const email = `${unique("cups")}@example.org`;
  assert.equal((await call("POST", "/api/widget/contact", { token: visitor, json: { email } })).status, 200);
  // The Form came first: answered, the first message starts the conversation at the question.
  assert.equal((await sendChat(visitor, "hello")).status, 201);
  const waiting = await eventually(async () => (await thread(visitor)).flow, { what: "the question" });
  assert.equal(waiting.step, "cups");
  const bad = await answer(visitor, { step: "cups", text: "lots" });
  assert.equal(bad.status, 400, JSON.stringify(bad.body));
  assert.equal(bad.body.error.code, "attribute_invalid");
  assert.equal((await thread(visitor)).flow.step, "cups", "the question stays");
  const good = await answer(visitor, { step: "cups", text: "3" });
  assert.equal(good.status, 201, JSON.stringify(good.body));
  assert.deepEqual(said(good.body.messages), ["visitor: 3", "bot: Noted!"]);
  const [contact] = await sql(`SELECT id FROM contacts WHERE email = '${email}'`);
  const profile = (await call("GET", `/api/contacts/${contact.id}`, { token: KEY })).body;
  assert.equal(profile.contact?.attributes?.[key] ?? profile.attributes?.[key], 3);
});

test("a flow the first message starts: the bot's lines follow the visitor's message, in two D1 round trips for that first message only", async () => {
  const site = await siteWithFlow({
    trigger: { type: "first_message" },
    steps: [
      { type: "message", id: "hi", text: "Thanks for writing!" },
      { type: "buttons", id: "topic", text: "Is it about an order?", buttons: [{ label: "Yes" }, { label: "No" }] },
    ],
  });
  const visitor = await newVisitor(site);
  const first = await sendChat(visitor, "Hi there");
  assert.equal(first.status, 201);
  assert.equal(trips(first), 2, "the send's batch (it reads the saved flow back), then the start's");
  const second = await sendChat(visitor, "and another thing");
  assert.equal(trips(second), 1, "an ordinary message stays at one");
  const read = await thread(visitor);
  assert.deepEqual(said(read.messages), ["visitor: Hi there", "bot: Thanks for writing!", "bot: Is it about an order?", "visitor: and another thing"]);
  assert.deepEqual(read.flow, { step: "topic", kind: "buttons", text: "Is it about an order?", buttons: ["Yes", "No"] });
  const [row] = await sql(`SELECT flow_version, flow_step FROM conversations WHERE id = '${read.conversation_id}'`);
  assert.deepEqual(row, { flow_version: 1, flow_step: "topic" });
});

test("an agent's reply takes over: the flow stops for that conversation", async () => {
  const site = await siteWithFlow(menu());
  const visitor = await newVisitor(site);
  assert.equal((await answer(visitor, { step: "menu", choice: 0 })).status, 201);
  const { conversation_id } = await thread(visitor);
  const reply = await call("POST", `/api/conversations/${conversation_id}/messages`, { token: KEY, json: { body: "I can help!", channel: "chat" } });
  assert.equal(reply.status, 201, JSON.stringify(reply.body));
  assert.equal((await thread(visitor)).flow, null);
  const late = await answer(visitor, { step: "order", text: "A-9" });
  assert.equal(late.status, 409);
  assert.equal(late.body.error.code, "flow_not_waiting");
});

test("a conversation finishes on the flow version it started on; new ones start on the site's latest", async () => {
  const site = await siteWithFlow(menu());
  const visitor = await newVisitor(site);
  assert.equal((await answer(visitor, { step: "menu", choice: 0 })).status, 201);
  // The site saves version 2: the question is gone, the buttons renamed.
  const v2 = menu({ steps: [{ type: "buttons", id: "menu", text: "How can we help?", buttons: [{ label: "Tea advice", steps: [{ type: "message", id: "v2", text: "Version two" }] }] }] });
  await saveFlow(site, v2, 2);
  const older = await answer(visitor, { step: "order", text: "A-77" });
  assert.equal(older.status, 201, JSON.stringify(older.body));
  assert.equal(older.body.flow.kind, "form", "version 1's next step");
  const [row] = await sql(`SELECT flow_version FROM conversations WHERE id = '${(await thread(visitor)).conversation_id}'`);
  assert.equal(row.flow_version, 1);
  const config = (await call("GET", `/api/widget/sites/${site}/config`)).body;
  assert.deepEqual(config.flow.wait.buttons, ["Tea advice"]);
  const newcomer = await newVisitor(site);
  const fresh = await answer(newcomer, { step: "menu", choice: 0 });
  assert.equal(fresh.status, 201, JSON.stringify(fresh.body));
  assert.deepEqual(said(fresh.body.messages).slice(-2), ["visitor: Tea advice", "bot: Version two"]);
});

test("a branch labels, assigns and closes, with the trail saying so; the inbox shows the bot's lines and the answers", async () => {
  const label = (await call("POST", "/api/labels", { token: KEY, json: { name: unique("flow label "), colour: "#fde68a" } })).body;
  const team = (await call("POST", "/api/teams", { token: KEY, json: { name: unique("flow team ") } })).body;
  assert.ok(label.id && team.id, JSON.stringify([label, team]));
  const site = await siteWithFlow({
    trigger: { type: "open" },
    steps: [{
      type: "buttons", id: "menu", text: "Wholesale or retail?", buttons: [{
        label: "Wholesale", steps: [
          { type: "label", id: "tag", label_id: label.id },
          { type: "assign", id: "route", to: { type: "team", id: team.id } },
          { type: "message", id: "handover", text: "Our wholesale team will write to you." },
          { type: "close", id: "done" },
        ],
      }],
    }],
  });
  const visitor = await newVisitor(site);
  const res = await answer(visitor, { step: "menu", choice: 0 });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.flow, null);
  const inbox = (await call("GET", `/api/conversations/${res.body.messages[0].conversation_id}`, { token: KEY })).body;
  assert.deepEqual(inbox.messages.map((m) => `${m.author}: ${m.body}`), [
    "bot: Wholesale or retail?", "visitor: Wholesale", "bot: Our wholesale team will write to you.",
  ]);
  assert.deepEqual(inbox.conversation.label_ids, [label.id]);
  assert.equal(inbox.conversation.team_id, team.id);
  assert.equal(inbox.conversation.status, "closed");
  assert.deepEqual(inbox.trail.map((e) => e.kind), ["label_added", "assigned_team", "closed"]);
});

// The automation a flow enters receives the flow's answers (a receiver of this suite on 127.0.0.1).
const received = [];
const receiver = createServer((req, res) => {
  let raw = "";
  req.on("data", (c) => (raw += c));
  req.on("end", () => {
    received.push(JSON.parse(raw));
    res.writeHead(200).end();
  });
});
after(() => new Promise((r) => receiver.close(r)));
after(closeAll);

test("entering an automation sends the signed event with the flow's answers", async () => {
  await new Promise((r) => receiver.listen(0, "127.0.0.1", r));
  const site = await siteWithFlow({ trigger: { type: "open" }, steps: [] });
  const hook = await call("POST", `/api/sites/${site}/automations`, {
    token: KEY, json: { name: unique("flow hook "), url: `http://127.0.0.1:${receiver.address().port}/hook` },
  });
  assert.equal(hook.status, 201, JSON.stringify(hook.body));
  const flow = {
    trigger: { type: "open" },
    steps: [
      { type: "question", id: "blend", text: "Your favourite blend?", save: { type: "conversation", key: "blend" } },
      { type: "form", id: "form", phone: "hidden", company: "hidden", full_name: "hidden" },
      { type: "enter_automation", id: "enter", automation_id: hook.body.automation.id },
      { type: "message", id: "bye", text: "You are on our list." },
    ],
  };
  await saveFlow(site, flow, 2);
  const visitor = await newVisitor(site);
  assert.equal((await answer(visitor, { step: "blend", text: "Earl Grey" })).status, 201);
  const email = `${unique("blend")}@example.org`;
  assert.equal((await call("POST", "/api/widget/contact", { token: visitor, json: { email } })).status, 200);
  const entered = await eventually(() => received.find((b) => b.event === "contact.entered_automation" && b.contact?.email === email),
    { what: "the automation's event", timeout: 20_000 });
  assert.deepEqual(entered.answers, { blend: "Earl Grey" });
  assert.equal(said((await thread(visitor)).messages).at(-1), "bot: You are on our list.");
  // Entered once: the Form again moves nothing.
  assert.equal((await call("POST", "/api/widget/contact", { token: visitor, json: { email } })).status, 200);
  const log = (await call("GET", `/api/sites/${site}/automations/${hook.body.automation.id}/deliveries`, { token: KEY })).body;
  const deliveries = log.deliveries ?? log;
  assert.equal(deliveries.filter((d) => d.event === "contact.entered_automation").length, 1);
});

test("waiting for an agent while someone is online and the site within its hours says the step's own text", async () => {
  const site = await siteWithFlow(menu({ offline: undefined }));
  await inboxSocket({ key: KEY });
  const online = `SELECT COUNT(*) AS n FROM agents WHERE account_id = (SELECT account_id FROM sites WHERE id = '${site}')
    AND removed_at IS NULL AND away = 0 AND live_tabs > 0`;
  await eventually(async () => (await sql(online))[0].n > 0, { what: "an agent online" });
  const visitor = await newVisitor(site);
  assert.equal((await answer(visitor, { step: "menu", choice: 0 })).status, 201);
  assert.equal((await answer(visitor, { step: "order", text: "A-5" })).status, 201);
  assert.equal((await call("POST", "/api/widget/contact", { token: visitor, json: { email: `${unique("on")}@example.org` } })).status, 200);
  const done = await thread(visitor);
  assert.equal(said(done.messages).at(-1), "bot: Someone will be with you shortly.");
  assert.equal(done.flow, null);
});
