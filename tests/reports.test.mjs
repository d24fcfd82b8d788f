// Reports on the real worker: the JSON report and its CSV exports read from
// the aggregates of migration 0028 (report_slots and the conversations' fact
// columns). Timestamps cannot be faked through the API, so the multi-day
// shapes are FIXTURES inserted with `sql()` in the exact shape the write path
// keeps (a fresh account of its own, so no other suite's traffic counts),
// and every number asserted is worked out by hand below. Checked: counts,
// medians and p90s, the previous period, the heat map, the agent table, the
// channel and label cuts, what an agent (not the primary admin) sees, one
// account never reading another's, the CSV files (quoting, formula-safe
// cells, a streamed export of more than one page), and 400s for bad input.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { KEY, call, sql, unique, otherAccount } from "./helpers.mjs";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Milliseconds of a UTC date and time. */
const at = (iso) => Date.parse(`${iso}Z`);
/** The slot (quarter hour) an instant is counted in. */
const slot = (ms) => ms - (ms % (15 * MIN));

let acct; // { account, agent (primary admin), key, site }
let kit; // a plain agent of that account: { id, key }
let team; // a team whose name a spreadsheet would run
let label;

/** An API key for a new agent of `account` with `role`. */
async function newAgent(account, role = "agent", name = "Kit Report") {
  const id = unique("ag_");
  const key = `pk_${randomBytes(24).toString("hex")}`;
  const hash = createHash("sha256").update(key).digest("hex");
  await sql(`INSERT INTO agents (id, account_id, email, full_name, role, password_hash, created_at) VALUES ('${id}', '${account}', '${id}@report.example', '${name}', '${role}', 'x', 0);
    INSERT INTO api_keys (id, token_hash, prefix, agent_id, label, created_at) VALUES ('${unique("key_")}', '${hash}', '${key.slice(0, 10)}', '${id}', 'reports', 0);`);
  return { id, key };
}

/** A report_slots row (fixture in the write path's shape). */
const slotRow = (account, site, iso, channel, agent, teamId, t) =>
  `INSERT INTO report_slots (account_id, slot, site_id, channel, agent_id, team_id, opened, resolved, reopened, messages_in, messages_out)
   VALUES ('${account}', ${slot(at(iso))}, '${site}', '${channel}', '${agent}', '${teamId}', ${t.opened ?? 0}, ${t.resolved ?? 0}, ${t.reopened ?? 0}, ${t.in ?? 0}, ${t.out ?? 0});`;

/** A conversation with its report facts (fixture in the write path's shape). */
function conversationRow(id, c) {
  const v = (x) => (x === undefined || x === null ? "NULL" : typeof x === "string" ? `'${x}'` : x);
  const started = at(c.started);
  const fr = c.firstResponse && at(c.firstResponse);
  const resolved = c.resolved && at(c.resolved);
  return `INSERT INTO conversations (id, site_id, account_id, channel, status, assignee_id, team_id, started_at, last_message_at,
      first_inbound_at, first_response_at, first_response_ms, first_response_business_ms, first_response_by,
      resolved_at, resolution_ms, resolution_business_ms, replies_to_resolve, messages_in, messages_out, resolves, reopens)
    VALUES ('${id}', '${c.site}', '${c.account}', '${c.channel}', '${resolved ? "closed" : "open"}', ${v(c.assignee)}, ${v(c.team)}, ${started}, ${started},
      ${started}, ${v(fr)}, ${v(fr && fr - started)}, ${v(c.frBusiness)}, ${v(c.by)},
      ${v(resolved)}, ${v(resolved && resolved - started)}, ${v(c.resBusiness)}, ${v(c.replies)}, ${c.in ?? 0}, ${c.out ?? 0}, ${resolved ? 1 : 0}, ${c.reopens ?? 0});`;
}

const ids = {};
before(async () => {
  acct = await otherAccount({ site: true });
  kit = await newAgent(acct.account);
  team = { id: unique("t_"), name: "=cmd|' /C calc'!A0" };
  label = { id: unique("lb_"), name: "Refund, urgent" };
  for (const k of ["c1", "c2", "c3", "c4"]) ids[k] = unique(`c_${k}_`);
  const { account, site, agent: admin } = acct;
  const base = { account, site };
  await sql(`INSERT INTO teams (id, account_id, name, created_at, updated_at) VALUES ('${team.id}', '${account}', '${team.name.replace(/'/g, "''")}', 0, 0);
    INSERT INTO labels (id, account_id, name, colour, created_at, updated_at) VALUES ('${label.id}', '${account}', '${label.name}', '#1d4ed8', 0, 0);
    ${slotRow(account, site, "2025-03-10T09:00", "chat", "", "", { opened: 2, in: 3 })}
    ${slotRow(account, site, "2025-03-10T09:15", "chat", kit.id, "", { out: 2 })}
    ${slotRow(account, site, "2025-03-11T14:30", "email", admin, team.id, { opened: 1, resolved: 1, in: 1, out: 1 })}
    ${slotRow(account, site, "2025-03-12T10:00", "chat", kit.id, "", { resolved: 1, reopened: 1 })}
    ${slotRow(account, site, "2025-03-05T08:00", "chat", "", "", { opened: 4, in: 4 })}
    ${slotRow(account, site, "2025-03-20T08:00", "chat", "", "", { opened: 9, in: 9 })}
    ${slotRow("a_demo", "s_demo", "2025-03-10T09:00", "chat", "", "", { opened: 50, in: 50 })}
    ${conversationRow(ids.c1, { ...base, channel: "chat", started: "2025-03-10T09:00", firstResponse: "2025-03-10T09:05", frBusiness: 2 * MIN, by: kit.id, assignee: kit.id, resolved: "2025-03-12T10:00", replies: 2, in: 2, out: 2, reopens: 1 })}
    ${conversationRow(ids.c2, { ...base, channel: "chat", started: "2025-03-10T09:10", firstResponse: "2025-03-10T09:12", by: kit.id, assignee: kit.id, in: 1 })}
    ${conversationRow(ids.c3, { ...base, channel: "email", started: "2025-03-11T14:30", firstResponse: "2025-03-11T15:30", by: admin, assignee: admin, team: team.id, resolved: "2025-03-11T16:30", replies: 1, in: 1, out: 1 })}
    ${conversationRow(ids.c4, { ...base, channel: "chat", started: "2025-03-05T08:00", firstResponse: "2025-03-05T08:10", by: admin, assignee: admin, in: 4 })}
    INSERT INTO conversation_labels (conversation_id, label_id, last_message_at, created_at) VALUES ('${ids.c1}', '${label.id}', 0, 0), ('${ids.c3}', '${label.id}', 0, 0);`);
});

const WEEK = "range=custom&from=2025-03-10&to=2025-03-16";

async function report(query, token = acct.key) {
  const res = await call("GET", `/api/reports?${query}`, { token });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

test("A week's report counts from the rollup, summarises the facts, and sets the previous week beside it", async () => {
  const r = await report(WEEK);
  assert.equal(r.time_zone, "UTC");
  assert.equal(r.unit, "day");
  assert.equal(r.scope, "all");
  assert.deepEqual(r.buckets.map((b) => b.label), ["2025-03-10", "2025-03-11", "2025-03-12", "2025-03-13", "2025-03-14", "2025-03-15", "2025-03-16"]);
  assert.equal(r.buckets[0].start, at("2025-03-10T00:00"));
  assert.deepEqual(r.series.opened, [2, 1, 0, 0, 0, 0, 0]);
  assert.deepEqual(r.series.resolved, [0, 1, 1, 0, 0, 0, 0]);
  assert.deepEqual(r.series.reopened, [0, 0, 1, 0, 0, 0, 0]);
  assert.deepEqual(r.series.messages_in, [3, 1, 0, 0, 0, 0, 0]);
  assert.deepEqual(r.series.messages_out, [2, 1, 0, 0, 0, 0, 0]);
  // First responses: 5 and 2 minutes on Monday, an hour on Tuesday.
  assert.deepEqual(r.series.first_response_ms.count, [2, 1, 0, 0, 0, 0, 0]);
  assert.deepEqual(r.series.first_response_ms.median.slice(0, 3), [2 * MIN, HOUR, null]);
  assert.deepEqual(r.series.first_response_ms.p90.slice(0, 2), [5 * MIN, HOUR]);
  assert.deepEqual(r.series.resolution_ms.count, [0, 1, 1, 0, 0, 0, 0]);
  const c = r.current;
  assert.deepEqual([c.from, c.to], ["2025-03-10", "2025-03-16"]);
  assert.deepEqual([c.opened, c.resolved, c.reopened, c.messages_in, c.messages_out], [3, 2, 1, 4, 3]);
  // Nearest rank of [2 min, 5 min, 1 h]: median rank 2, p90 rank 3.
  assert.deepEqual(c.first_response_ms, { count: 3, median: 5 * MIN, p90: HOUR });
  assert.deepEqual(c.first_response_business_ms, { count: 1, median: 2 * MIN, p90: 2 * MIN });
  // Resolutions: 2 h (c3) and 2 days 1 h (c1).
  assert.deepEqual(c.resolution_ms, { count: 2, median: 2 * HOUR, p90: 2 * DAY + HOUR });
  assert.deepEqual(c.resolution_business_ms, { count: 0, median: null, p90: null });
  assert.deepEqual(c.replies_to_resolve, { count: 2, median: 1, p90: 2 });
  const p = r.previous;
  assert.deepEqual([p.from, p.to, p.opened, p.messages_in], ["2025-03-03", "2025-03-09", 4, 4]);
  assert.deepEqual(p.first_response_ms, { count: 1, median: 10 * MIN, p90: 10 * MIN });
  // Heat map: Monday 09:00 had 3 customer messages, Tuesday 14:00 one; nothing else.
  assert.equal(r.heat_map.length, 7);
  assert.equal(r.heat_map[0][9], 3);
  assert.equal(r.heat_map[1][14], 1);
  assert.equal(r.heat_map.flat().reduce((a, b) => a + b, 0), 4);
});

test("The agent table: each agent's conversations, resolves, messages and durations", async () => {
  const { agents } = await report(WEEK);
  const byId = Object.fromEntries(agents.map((a) => [a.id, a]));
  assert.deepEqual(agents.map((a) => a.name), ["Kit Report", "Other Agent"], "every agent, by name");
  const k = byId[kit.id];
  assert.deepEqual([k.conversations, k.resolved, k.messages_out], [0, 1, 2]);
  assert.deepEqual(k.first_response_ms, { count: 2, median: 2 * MIN, p90: 5 * MIN });
  assert.deepEqual(k.resolution_ms, { count: 1, median: 2 * DAY + HOUR, p90: 2 * DAY + HOUR });
  const a = byId[acct.agent];
  assert.deepEqual([a.conversations, a.resolved, a.messages_out], [1, 1, 1]);
  assert.deepEqual(a.first_response_ms, { count: 1, median: HOUR, p90: HOUR });
});

test("By the hour: 24 buckets of a day, labelled with their hour", async () => {
  const r = await report("range=custom&from=2025-03-10&to=2025-03-10&unit=hour");
  assert.equal(r.buckets.length, 24);
  assert.equal(r.buckets[9].label, "2025-03-10 09:00");
  assert.equal(r.series.opened[9], 2);
  assert.equal(r.series.opened.reduce((a, b) => a + b, 0), 2);
  assert.deepEqual(r.previous.from, "2025-03-09");
});

test("A channel cut and a label cut", async () => {
  const email = await report(`${WEEK}&channel=email`);
  assert.deepEqual([email.current.opened, email.current.messages_in, email.current.first_response_ms.count], [1, 1, 1]);
  assert.equal(email.current.first_response_ms.median, HOUR);
  const site = await report(`${WEEK}&site=${acct.site}`);
  assert.equal(site.current.opened, 3);
  const none = await report(`${WEEK}&site=s_demo`);
  assert.equal(none.current.opened, 0, "another site's rows are not this site's");
  // The label cut counts the labelled conversations (c1, c3) from their facts.
  const labelled = await report(`${WEEK}&label=${label.id}`);
  const c = labelled.current;
  assert.deepEqual([c.opened, c.resolved, c.reopened, c.messages_in, c.messages_out], [2, 2, 1, 3, 3]);
  assert.deepEqual(labelled.series.opened.slice(0, 3), [1, 1, 0]);
  assert.deepEqual(labelled.series.resolved.slice(0, 3), [0, 1, 1]);
  assert.deepEqual(c.first_response_ms, { count: 2, median: 5 * MIN, p90: HOUR });
  assert.equal(labelled.previous.opened, 0);
});

test("An agent sees their teams' conversations and their own; another's cut is narrowed, not refused", async () => {
  const mine = await report(WEEK, kit.key);
  assert.equal(mine.scope, "mine");
  // Kit's rows: their messages out (Monday) and the resolve and reopen while assigned (Wednesday).
  assert.deepEqual([mine.current.opened, mine.current.resolved, mine.current.reopened, mine.current.messages_out], [0, 1, 1, 2]);
  assert.deepEqual(mine.current.first_response_ms, { count: 2, median: 2 * MIN, p90: 5 * MIN });
  assert.equal(mine.previous.first_response_ms.count, 0, "the admin's conversation is not theirs");
  const other = await report(`${WEEK}&agent=${acct.agent}`, kit.key);
  assert.deepEqual([other.current.opened, other.current.first_response_ms.count], [0, 0]);
  // In the team, Kit sees the team's conversation too.
  await sql(`INSERT INTO team_members (team_id, agent_id, added_at) VALUES ('${team.id}', '${kit.id}', 0)`);
  try {
    const team_ = await report(WEEK, kit.key);
    assert.deepEqual([team_.current.opened, team_.current.resolved, team_.current.messages_out], [1, 2, 3]);
    assert.equal(team_.current.first_response_ms.count, 3);
    const admins = await report(`${WEEK}&agent=${acct.agent}`, kit.key);
    assert.deepEqual([admins.current.opened, admins.current.first_response_ms.count], [1, 1]);
    const everything = await report(WEEK);
    assert.equal(everything.current.opened, 3, "the primary admin sees all");
  } finally {
    await sql(`DELETE FROM team_members WHERE team_id = '${team.id}'`);
  }
});

test("One account never reads another's", async () => {
  const demo = await report(`${WEEK}&site=${acct.site}`, KEY);
  assert.deepEqual([demo.current.opened, demo.current.first_response_ms.count], [0, 0]);
  assert.ok(!demo.agents.some((a) => a.id === kit.id));
  const own = await report(WEEK);
  assert.equal(own.current.opened, 3, "the demo account's 50 in the same slot are not counted");
  const csv = await call("GET", `/api/reports/conversations.csv?${WEEK}`, { token: KEY });
  assert.ok(!csv.body.includes(ids.c1));
});

test("Bad ranges and parameters are 400 with a readable message", async () => {
  for (const [query, code] of [
    ["range=custom&from=2025-03-16&to=2025-03-10", "range_invalid"],
    ["range=custom&from=2025-02-30&to=2025-03-10", "range_invalid"],
    ["range=custom&from=2025-03-10", "range_invalid"],
    ["range=custom&from=2024-01-01&to=2025-01-02", "range_invalid"],
    ["range=custom&from=2025-01-01&to=2025-02-15&unit=hour", "range_invalid"],
    ["range=year", "invalid_report_query"],
    ["unit=minute", "invalid_report_query"],
    ["channel=fax", "invalid_report_query"],
    ["colour=red", "invalid_report_query"],
  ]) {
    for (const path of ["/api/reports", "/api/reports/conversations.csv"]) {
      const res = await call("GET", `${path}?${query}`, { token: acct.key });
      assert.equal(res.status, 400, `${path}?${query}`);
      assert.equal(res.body.error.code, code, query);
      assert.ok(res.body.error.message.length > 20);
    }
  }
  for (const range of ["today", "7d", "30d"]) {
    const r = await report(`range=${range}`);
    assert.equal(r.buckets.length, { today: 1, "7d": 7, "30d": 30 }[range]);
  }
  assert.equal((await report("")).buckets.length, 30, "30 days by default");
});

/** Parses CSV (RFC 4180) into rows of cells. */
function parseCsv(text) {
  const rows = [];
  let row = [], cell = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") { row.push(cell); cell = ""; }
    else if (ch === "\r" && text[i + 1] === "\n") { row.push(cell); rows.push(row); row = []; cell = ""; i++; }
    else cell += ch;
  }
  return rows;
}

async function csv(path, token = acct.key) {
  const res = await call("GET", path, { token });
  assert.equal(res.status, 200, String(res.body));
  assert.equal(res.headers.get("content-type"), "text/csv; charset=utf-8");
  assert.match(res.headers.get("content-disposition"), /^attachment; filename="[a-z]+-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.csv"$/);
  assert.ok(res.body.endsWith("\r\n"));
  return parseCsv(res.body);
}

test("CSV: the series and the agent table", async () => {
  const series = await csv(`/api/reports/series.csv?${WEEK}`);
  assert.deepEqual(series[0].slice(0, 9), ["bucket", "opened", "resolved", "reopened", "messages in", "messages out", "first response ms count", "first response ms median", "first response ms p90"]);
  assert.equal(series.length, 8);
  assert.deepEqual(series[1].slice(0, 9), ["2025-03-10", "2", "0", "0", "3", "2", "2", String(2 * MIN), String(5 * MIN)]);
  assert.deepEqual(series[4].slice(0, 9), ["2025-03-13", "0", "0", "0", "0", "0", "0", "", ""]);
  const agents = await csv(`/api/reports/agents.csv?${WEEK}`);
  assert.deepEqual(agents[0], ["agent id", "agent", "conversations", "resolved", "messages out", "first response ms count", "first response ms median", "first response ms p90", "resolution ms count", "resolution ms median", "resolution ms p90"]);
  assert.deepEqual(agents[1], [kit.id, "Kit Report", "0", "1", "2", "2", String(2 * MIN), String(5 * MIN), "1", String(2 * DAY + HOUR), String(2 * DAY + HOUR)]);
});

test("CSV: conversation rows, quoted and formula-safe", async () => {
  const rows = await csv(`/api/reports/conversations.csv?${WEEK}`);
  const header = rows[0];
  assert.deepEqual(header.slice(0, 5), ["id", "site", "channel", "status", "started (UTC)"]);
  assert.equal(rows.length, 4, "c1, c2, c3: started in the week");
  const col = (row, name) => row[header.indexOf(name)];
  const [c1, c2, c3] = rows.slice(1);
  assert.deepEqual([c1[0], c2[0], c3[0]], [ids.c1, ids.c2, ids.c3], "by start");
  assert.equal(col(c1, "started (UTC)"), "2025-03-10 09:00:00");
  assert.equal(col(c1, "first response ms"), String(5 * MIN));
  assert.equal(col(c1, "first response business ms"), String(2 * MIN));
  assert.equal(col(c1, "first response by"), "Kit Report");
  assert.equal(col(c1, "resolved (UTC)"), "2025-03-12 10:00:00");
  assert.equal(col(c1, "resolution ms"), String(2 * DAY + HOUR));
  assert.equal(col(c1, "replies to resolve"), "2");
  assert.equal(col(c1, "labels"), "Refund, urgent", "a comma is quoted, not a new cell");
  assert.equal(col(c2, "status"), "open");
  assert.equal(col(c2, "resolution ms"), "");
  assert.equal(col(c3, "channel"), "email");
  assert.equal(col(c3, "team"), `'${team.name}`, "a cell a spreadsheet would run starts with an apostrophe");
  const raw = (await call("GET", `/api/reports/conversations.csv?${WEEK}&channel=email`, { token: acct.key })).body;
  assert.ok(raw.includes(`,'=cmd|' /C calc'!A0,`), raw);
  assert.equal(parseCsv(raw).length, 2);
});

test("CSV: a streamed export of several pages has every conversation once, in order", async () => {
  const n = 1203;
  const day = at("2024-06-03T00:00");
  await sql(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${n - 1})
    INSERT INTO conversations (id, site_id, account_id, channel, status, started_at, last_message_at)
    SELECT printf('c_page_${acct.account}_%05d', i), '${acct.site}', '${acct.account}', 'chat', 'open', ${day} + (i % 600) * ${MIN}, ${day} FROM n;`);
  const rows = await csv("/api/reports/conversations.csv?range=custom&from=2024-06-03&to=2024-06-03");
  assert.equal(rows.length, n + 1);
  const got = rows.slice(1).map((r) => r[0]);
  assert.equal(new Set(got).size, n, "no conversation twice across page boundaries");
  const starts = rows.slice(1).map((r) => r[4]);
  assert.deepEqual(starts, [...starts].sort(), "in start order");
});
