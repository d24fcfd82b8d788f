// Satisfaction ratings (CSAT) through the API: off until the site's primary
// admin turns them on; a resolved chat asks its visitor (the thread says so,
// and the widget's socket gets a `rate` push); the visitor rates, changes it,
// and is refused after 7 days; two first ratings that race make one rating;
// another visitor is refused; the trail, the contact panel's thread data,
// the automation event and the satisfaction report show it.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createHmac } from "node:crypto";
import { call, KEY, AGENT_KEY, newVisitor, sendChat, widgetView, thread, sql, unique, eventually } from "./helpers.mjs";
import { widgetSocket } from "./sockets.mjs";
import { siteWithFlow } from "./flows.mjs";

const SITE = "s_csat";
const DAY = 24 * 60 * 60 * 1000;

const setCsat = (on, site = SITE) => call("PATCH", `/api/sites/${site}/widget`, { token: KEY, json: { csat: on } });
const close = (id) => call("PATCH", `/api/conversations/${id}`, { token: KEY, json: { status: "closed" } });
const rate = (token, json) => call("POST", "/api/widget/rating", { token, json });

/** A visitor of the site with a conversation: `{visitor, id}`. */
async function chat(site = SITE) {
  const visitor = await newVisitor(site);
  assert.equal((await sendChat(visitor, unique("rate me "))).status, 201);
  return { visitor, id: (await widgetView(visitor)).conversation_id };
}

/** A chat of the site, resolved by the primary admin: `{visitor, id}`. */
async function resolved() {
  const c = await chat();
  assert.equal((await close(c.id)).status, 200);
  return c;
}

after(() => setCsat(false));

test("ratings are off by default: resolving asks nothing, and a rating is refused", async () => {
  const settings = await call("GET", "/api/sites/s_csat_fr/widget", { token: KEY });
  assert.equal(settings.body.csat, false, "a site asks for no rating until its admin says so");
  const c = await chat("s_csat_fr");
  assert.equal((await close(c.id)).status, 200);
  assert.equal((await widgetView(c.visitor)).rating, null);
  const refused = await rate(c.visitor, { conversation_id: c.id, score: 5 });
  assert.equal(refused.status, 404, JSON.stringify(refused.body));
  assert.deepEqual(await sql(`SELECT * FROM conversation_ratings WHERE conversation_id = '${c.id}'`), []);
  // Turning it on is the primary admin's.
  assert.equal((await call("PATCH", `/api/sites/${SITE}/widget`, { token: AGENT_KEY, json: { csat: true } })).status, 403);
});

test("a resolved chat asks its visitor (thread and socket); the rating is recorded, changed, shown in the trail and the thread", async () => {
  assert.equal((await setCsat(true)).body.csat, true);
  const c = await chat();
  const socket = await widgetSocket(c.visitor, SITE);
  try {
    const before = Date.now();
    assert.equal((await close(c.id)).status, 200);
    const push = await socket.next((f) => f.type === "rate");
    assert.equal(push.rating.conversation_id, c.id);
    assert.ok(push.rating.asked_at >= before && push.rating.open_until === push.rating.asked_at + 7 * DAY);
    assert.equal(push.rating.score, null);
  } finally {
    await socket.close();
  }
  const asked = (await widgetView(c.visitor)).rating;
  assert.deepEqual([asked.conversation_id, asked.score, asked.comment], [c.id, null, null]);

  const first = await rate(c.visitor, { conversation_id: c.id, score: 4, comment: "  Quick and <b>kind</b>  " });
  assert.equal(first.status, 201, JSON.stringify(first.body));
  assert.deepEqual([first.body.created, first.body.rating.score, first.body.rating.comment, first.body.rating.source], [true, 4, "Quick and <b>kind</b>", "widget"]);
  const changed = await rate(c.visitor, { conversation_id: c.id, score: 2 });
  assert.equal(changed.status, 200, JSON.stringify(changed.body));
  assert.deepEqual([changed.body.created, changed.body.rating.score, changed.body.rating.comment], [false, 2, null]);

  const seen = await thread(c.id);
  assert.deepEqual([seen.rating.score, seen.rating.comment, seen.rating.source], [2, null, "widget"], "the thread (and its contact panel) carries the rating");
  const lines = seen.trail.filter((e) => e.kind === "rated");
  assert.deepEqual(lines.map((e) => [e.detail, e.body, e.agent_id]), [["4", "Quick and <b>kind</b>", null], ["2", null, null]]);
  assert.equal((await widgetView(c.visitor)).rating.score, 2, "the widget shows the rating so far");
});

test("a chat the flow closes (its Close step, after a button) asks for a rating too", async () => {
  const site = await siteWithFlow({ trigger: { type: "first_message" }, steps: [
    { type: "buttons", id: "done", text: "All sorted?", buttons: [{ label: "Yes", steps: [{ type: "message", id: "bye", text: "Glad to help." }, { type: "close", id: "end" }] }] },
  ] });
  assert.equal((await setCsat(true, site)).status, 200);
  const c = await chat(site);
  assert.equal((await widgetView(c.visitor)).flow.kind, "buttons");
  const answered = await call("POST", "/api/widget/flow/answers", { token: c.visitor, json: { step: "done", choice: 0, client_message_id: unique("answer-") } });
  assert.equal(answered.status, 201, JSON.stringify(answered.body));
  assert.equal((await thread(c.id)).conversation.status, "closed");
  const asked = (await widgetView(c.visitor)).rating;
  assert.equal(asked?.conversation_id, c.id, "the flow's close asked");
  assert.equal((await rate(c.visitor, { conversation_id: c.id, score: 5 })).status, 201);
  await setCsat(false, site);
});

test("a rating is refused with a clear message once 7 days have passed since the resolve", async () => {
  await setCsat(true);
  const c = await resolved();
  assert.equal((await rate(c.visitor, { conversation_id: c.id, score: 5 })).status, 201);
  // The resolve a week ago (a fixture time: the window is measured from asked_at).
  await sql(`UPDATE conversation_ratings SET asked_at = ${Date.now() - 7 * DAY - 1000} WHERE conversation_id = '${c.id}'`);
  const late = await rate(c.visitor, { conversation_id: c.id, score: 1 });
  assert.equal(late.status, 409);
  assert.equal(late.body.error.code, "rating_closed");
  assert.match(late.body.error.message, /7 days/);
  assert.equal((await thread(c.id)).rating.score, 5, "nothing changed");
  assert.equal((await widgetView(c.visitor)).rating, null, "the widget no longer asks");
  // Just inside the window it still changes.
  await sql(`UPDATE conversation_ratings SET asked_at = ${Date.now() - 7 * DAY + 60_000} WHERE conversation_id = '${c.id}'`);
  assert.equal((await rate(c.visitor, { conversation_id: c.id, score: 3 })).status, 200);
});

test("two first ratings that race make one rating: exactly one is told it created it", async () => {
  await setCsat(true);
  for (let round = 0; round < 3; round++) {
    const c = await resolved();
    const answers = await Promise.all([5, 1, 3].map((score) => rate(c.visitor, { conversation_id: c.id, score })));
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 200, 201], JSON.stringify(answers.map((a) => a.body)));
    assert.equal(answers.filter((a) => a.body.created).length, 1);
    const rows = await sql(`SELECT score FROM conversation_ratings WHERE conversation_id = '${c.id}'`);
    assert.equal(rows.length, 1);
    const last = answers.map((a) => a.body.rating).sort((a, b) => a.rated_at - b.rated_at).at(-1);
    assert.ok([5, 1, 3].includes(rows[0].score) && (await thread(c.id)).rating.score === rows[0].score);
    assert.ok(last, "each answer carries the rating as it wrote it");
  }
});

test("another visitor, a bad score or a long comment is refused and writes nothing", async () => {
  await setCsat(true);
  const c = await resolved();
  const stranger = await newVisitor(SITE);
  assert.equal((await rate(stranger, { conversation_id: c.id, score: 5 })).status, 404);
  assert.equal((await rate("v_nope.secret", { conversation_id: c.id, score: 5 })).status, 401);
  for (const score of [0, 6, 4.5, "4", null]) {
    const bad = await rate(c.visitor, { conversation_id: c.id, score });
    assert.equal(bad.status, 400, `${score}: ${JSON.stringify(bad.body)}`);
  }
  const long = await rate(c.visitor, { conversation_id: c.id, score: 4, comment: "x".repeat(1001) });
  assert.equal(long.body.error.code, "comment_invalid");
  const [row] = await sql(`SELECT score, rated_at FROM conversation_ratings WHERE conversation_id = '${c.id}'`);
  assert.deepEqual([row.score, row.rated_at], [null, null]);
  assert.equal((await thread(c.id)).trail.filter((e) => e.kind === "rated").length, 0);
});

test("each rating is delivered to the site's automations as a signed conversation.rated", async () => {
  await setCsat(true);
  const received = [];
  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk) => (raw += chunk));
    req.on("end", () => {
      received.push({ headers: req.headers, raw, body: JSON.parse(raw) });
      res.writeHead(200).end();
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const base = `/api/sites/${SITE}/automations`;
  const made = await call("POST", base, { token: KEY, json: { name: unique("ratings "), url: `http://127.0.0.1:${server.address().port}/hook` } });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  try {
    const c = await resolved();
    assert.equal((await rate(c.visitor, { conversation_id: c.id, score: 5, comment: "Lovely" })).status, 201);
    const event = await eventually(() => received.find((r) => r.body.event === "conversation.rated" && r.body.conversation?.id === c.id),
      { what: "a conversation.rated delivery", timeout: 20_000 });
    const [, t, v1] = event.headers["parley-signature"].match(/^t=(\d+),v1=([0-9a-f]{64})$/);
    assert.equal(v1, createHmac("sha256", made.body.secret).update(`${t}.${event.raw}`).digest("hex"));
    assert.deepEqual([event.body.rating.score, event.body.rating.comment, event.body.rating.source], [5, "Lovely", "widget"]);
    assert.equal(event.body.conversation.status, "closed");
    // A change is an event too; a refused rating is none.
    assert.equal((await rate(c.visitor, { conversation_id: c.id, score: 3 })).status, 200);
    await eventually(() => received.find((r) => r.body.event === "conversation.rated" && r.body.rating.score === 3), { what: "the change's event", timeout: 20_000 });
    assert.equal(received.filter((r) => r.body.event === "conversation.rated").length, 2);
  } finally {
    await call("PATCH", `${base}/${made.body.automation.id}`, { token: KEY, json: { enabled: false } });
    await new Promise((r) => server.close(r));
  }
});

test("the satisfaction report: score, distribution, response rate and comments, the previous period beside it; agents see their own and their teams'", async () => {
  await setCsat(true);
  const site = (await call("POST", "/api/sites", { token: KEY, json: { name: unique("Report ") } })).body.id;
  assert.equal((await setCsat(true, site)).status, 200);
  const rated = [];
  for (const [score, comment] of [[5, "Perfect"], [4, null], [1, "Too slow"]]) {
    const visitor = await newVisitor(site);
    await sendChat(visitor, unique("report "));
    const id = (await widgetView(visitor)).conversation_id;
    await close(id);
    assert.equal((await rate(visitor, { conversation_id: id, score, comment })).status, 201);
    rated.push(id);
  }
  // Asked, never rated.
  const silent = await newVisitor(site);
  await sendChat(silent, unique("report "));
  await close((await widgetView(silent)).conversation_id);
  // Rated in the previous period (asked 10 days ago).
  const old = await newVisitor(site);
  await sendChat(old, unique("report "));
  const oldId = (await widgetView(old)).conversation_id;
  await close(oldId);
  await rate(old, { conversation_id: oldId, score: 2 });
  await sql(`UPDATE conversation_ratings SET asked_at = asked_at - ${10 * DAY} WHERE conversation_id = '${oldId}'`);

  const res = await call("GET", `/api/reports/satisfaction?range=7d&site=${site}`, { token: KEY });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const { current, previous, comments, time_zone } = res.body;
  assert.equal(time_zone, "UTC");
  assert.deepEqual([current.asked, current.rated, current.distribution], [4, 3, [1, 0, 0, 1, 1]]);
  assert.equal(current.response_rate, 0.75);
  assert.equal(current.average, 10 / 3);
  assert.equal(current.satisfied, 2 / 3);
  assert.match(current.from, /^\d{4}-\d{2}-\d{2}$/);
  assert.deepEqual([previous.asked, previous.rated, previous.distribution, previous.average], [1, 1, [0, 1, 0, 0, 0], 2]);
  assert.deepEqual(comments.map((c) => [c.score, c.comment]), [[1, "Too slow"], [5, "Perfect"]], "newest first, only those with a comment");
  assert.equal((await call("GET", `/api/reports/satisfaction?range=7d&site=${site}&channel=email`, { token: KEY })).body.current.asked, 0);

  // The agent (not the primary admin) sees only conversations assigned to them or their teams.
  const agentView = async () => (await call("GET", `/api/reports/satisfaction?range=7d&site=${site}`, { token: AGENT_KEY })).body.current;
  assert.deepEqual([(await agentView()).asked, (await agentView()).rated], [0, 0]);
  await sql(`UPDATE conversation_ratings SET agent_id = 'ag_fixture_agent' WHERE conversation_id = '${rated[0]}'`);
  assert.deepEqual([(await agentView()).asked, (await agentView()).distribution], [1, [0, 0, 0, 0, 1]]);

  // Days are the account's: in Kiritimati (UTC+14) today is the date there.
  assert.equal((await call("PUT", "/api/account/time-zone", { token: KEY, json: { time_zone: "Pacific/Kiritimati" } })).status, 200);
  try {
    const local = await call("GET", `/api/reports/satisfaction?range=today&site=${site}`, { token: KEY });
    assert.equal(local.body.time_zone, "Pacific/Kiritimati");
    const there = new Intl.DateTimeFormat("en-CA", { timeZone: "Pacific/Kiritimati" }).format(new Date());
    assert.deepEqual([local.body.current.from, local.body.current.to], [there, there]);
  } finally {
    await call("PUT", "/api/account/time-zone", { token: KEY, json: { time_zone: "UTC" } });
  }
  for (const bad of ["range=year", "range=custom&from=2026-02-01&to=2026-01-01", "channel=fax"]) {
    assert.equal((await call("GET", `/api/reports/satisfaction?${bad}`, { token: KEY })).status, 400, bad);
  }
  assert.equal((await call("GET", "/api/reports/satisfaction", {})).status, 401);
  await setCsat(false, site);
});

test("erasing the contact erases their ratings (a comment is their words)", async () => {
  await setCsat(true);
  const c = await chat();
  const email = `${unique("erase")}@example.org`;
  assert.equal((await call("POST", "/api/widget/contact", { token: c.visitor, json: { email } })).status, 200);
  await close(c.id);
  assert.equal((await rate(c.visitor, { conversation_id: c.id, score: 1, comment: "My words" })).status, 201);
  const contact = (await thread(c.id)).conversation.contact_id;
  assert.ok(contact);
  assert.equal((await call("DELETE", `/api/contacts/${contact}`, { token: KEY })).status, 200);
  assert.deepEqual(await sql(`SELECT comment FROM conversation_ratings WHERE conversation_id = '${c.id}'`), []);
});
