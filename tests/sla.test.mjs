// Response targets (issue 23): the primary admin sets a site's first-response
// and resolution targets per channel; a conversation's deadlines follow from
// when its clocks start (migration 0030, in SQL), so the list marks the
// conversations due soon and overdue and sorts by time left through an
// index, and GET /api/reports/sla counts breaches. Time is driven by fixture
// timestamps (the d1 helper), never by waiting.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import {
  call, newVisitor, sendChat, agentGet, sql, unique, KEY, AGENT_KEY, otherAccount,
  launchChromium, signInToInbox, listItem, eventually, URL_,
} from "./helpers.mjs";
import { axeViolations } from "./axe.mjs";

const MIN = 60_000;
let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

const targetsOf = (site, token = KEY) => call("GET", `/api/sites/${site}/sla`, { token });
const setTargets = (site, targets, token = KEY) => call("PUT", `/api/sites/${site}/sla`, { token, json: { targets } });
/** A new site of the demo account. */
async function newSite(name = unique("SLA shop ")) {
  const res = await call("POST", "/api/sites", { token: KEY, json: { name } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id;
}
/** A chat on `site` whose visitor wrote `body`: its conversation id. */
async function chatOn(site, body) {
  const sent = await sendChat(await newVisitor(site), body);
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
  return sent.body.message.conversation_id;
}
/**
 * Runs SQL on the worker's local D1 as the d1 helper does; the worker may
 * hold the file's lock for a moment (SQLITE_BUSY), so it is tried until it
 * goes through.
 */
const write = (command) => eventually(async () => {
  try {
    await sql(command);
    return true;
  } catch (err) {
    if (/SQLITE_BUSY|database is locked/.test(String(err?.stderr ?? err))) return false;
    throw err;
  }
}, { what: "the fixture written" });
/** The statement that moves a conversation's clocks: it started, and the customer first wrote, at these instants. */
const clock = (id, startedAt, inboundAt = startedAt) =>
  `UPDATE conversations SET started_at = ${startedAt}, first_inbound_at = ${inboundAt} WHERE id = '${id}';`;
/** Moves a conversation's clocks (see clock). */
const clocks = (id, startedAt, inboundAt = startedAt) => write(clock(id, startedAt, inboundAt));
/** The list, by time left, of one site: `[{id, sla}]`. */
async function byDue(site, extra = "") {
  const page = await agentGet(`/api/conversations?sort=due&site=${site}&limit=100${extra}`);
  return page.conversations.map((c) => ({ id: c.id, sla: c.sla }));
}
const listed = async (id) => (await agentGet("/api/conversations?limit=100")).conversations.find((c) => c.id === id);

test("the primary admin sets a site's targets per channel; bad input is 400 with nothing written; agents and other accounts cannot", async () => {
  const site = await newSite();
  const empty = await targetsOf(site);
  assert.equal(empty.status, 200);
  assert.deepEqual(empty.body, {
    site_id: site, has_business_hours: false,
    targets: ["chat", "email", "messenger"].map((channel) => ({ channel, first_response_minutes: null, resolution_minutes: null, business_hours: false })),
  });
  const saved = await setTargets(site, [{ channel: "email", first_response_minutes: 240, resolution_minutes: 2880 }, { channel: "chat", first_response_minutes: 5 }]);
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  assert.deepEqual(saved.body.targets.map((t) => [t.channel, t.first_response_minutes, t.resolution_minutes, t.business_hours]),
    [["chat", 5, null, false], ["email", 240, 2880, false], ["messenger", null, null, false]]);
  assert.deepEqual((await targetsOf(site)).body, saved.body);

  const bad = [
    [[{ channel: "chat", first_response_minutes: 0 }], "sla_target_invalid"],
    [[{ channel: "chat", resolution_minutes: 43_201 }], "sla_target_invalid"],
    [[{ channel: "chat", first_response_minutes: -5 }], null],
    [[{ channel: "chat", first_response_minutes: "soon" }], null],
    [[{ channel: "fax", first_response_minutes: 5 }], null],
    [[{ channel: "chat", first_response_minutes: 5, colour: "red" }], null],
    [[{ channel: "chat", first_response_minutes: 5 }, { channel: "chat", resolution_minutes: 60 }], "sla_channel_twice"],
    [[{ channel: "chat", first_response_minutes: 5, business_hours: true }], "sla_no_business_hours"],
  ];
  for (const [targets, code] of bad) {
    const res = await setTargets(site, targets);
    assert.equal(res.status, 400, `${JSON.stringify(targets)}: ${res.status}`);
    assert.ok(res.body?.error?.message, "a readable message");
    if (code) assert.equal(res.body.error.code, code);
  }
  assert.equal((await call("PUT", `/api/sites/${site}/sla`, { token: KEY, json: { nothing: [] } })).status, 400);
  assert.deepEqual((await targetsOf(site)).body, saved.body, "nothing written by a refusal");

  assert.equal((await setTargets(site, [], AGENT_KEY)).status, 403, "an agent cannot set targets");
  assert.equal((await targetsOf(site, AGENT_KEY)).status, 403);
  const other = await otherAccount();
  assert.equal((await setTargets(site, [], other.key)).status, 404, "another account's admin cannot");
  assert.deepEqual((await targetsOf(site)).body, saved.body);
});

test("a conversation becomes due soon, then overdue: the list marks it in words and sorts by time left; new targets recompute open ones", async () => {
  const site = await newSite();
  const [late, soon, fresh, none] = [await chatOn(site, "late"), await chatOn(site, "soon"), await chatOn(site, "fresh"), await chatOn(site, "none")];
  // Before targets: no deadline, not in the list by time left.
  assert.equal((await listed(late)).sla, null);
  assert.deepEqual(await byDue(site), []);
  assert.equal((await setTargets(site, [{ channel: "chat", first_response_minutes: 30, resolution_minutes: 240 }])).status, 200);
  const now = Date.now();
  // Due soon: the last quarter of 30 minutes (7.5) before the deadline.
  await write([
    clock(late, now - 40 * MIN), // due 10 minutes ago
    clock(soon, now - 25 * MIN), // due in 5 minutes
    clock(fresh, now - 2 * MIN), // due in 28 minutes
    `UPDATE conversations SET started_at = ${now - 20 * MIN}, first_inbound_at = NULL WHERE id = '${none}';`, // no message: only the resolution deadline
  ].join("\n"));
  const rows = await byDue(site);
  assert.deepEqual(rows.map((r) => r.id), [late, soon, fresh, none], "soonest (most overdue) first");
  assert.deepEqual(rows.map((r) => [r.sla.kind, r.sla.state]), [
    ["first_response", "breached"], ["first_response", "due_soon"], ["first_response", "ok"], ["resolution", "ok"]]);
  assert.deepEqual(rows.map((r) => r.sla.due_at), [now - 10 * MIN, now + 5 * MIN, now + 28 * MIN, now + 220 * MIN]);
  assert.equal((await listed(late)).sla.state, "breached", "the plain list carries the mark too");

  // Paged by its cursor: each conversation once, in order.
  const first = await agentGet(`/api/conversations?sort=due&site=${site}&limit=2`);
  const second = await agentGet(`/api/conversations?sort=due&site=${site}&limit=2&before=${first.next}`);
  assert.deepEqual([...first.conversations, ...second.conversations].map((c) => c.id), [late, soon, fresh, none]);
  for (const query of ["sort=due&q=late", "sort=soonest", `sort=due&before=${(await agentGet("/api/conversations?limit=1")).next}`]) {
    assert.equal((await call("GET", `/api/conversations?${query}`, { token: KEY })).status, 400, query);
  }

  // A longer target recomputes the open conversations' deadlines (one statement per channel).
  assert.equal((await setTargets(site, [{ channel: "chat", first_response_minutes: 60, resolution_minutes: 240 }])).status, 200);
  const longer = await byDue(site);
  assert.deepEqual(longer.map((r) => [r.id, r.sla.state, r.sla.due_at]), [
    [late, "ok", now + 20 * MIN], [soon, "ok", now + 35 * MIN], [fresh, "ok", now + 58 * MIN], [none, "ok", now + 220 * MIN]]);
  // Removing the targets removes the deadlines.
  assert.equal((await setTargets(site, [])).status, 200);
  assert.deepEqual(await byDue(site), []);
  assert.equal((await listed(late)).sla, null);
});

test("answered, a conversation waits on its resolution deadline; closing clears it, reopening brings it back", async () => {
  const site = await newSite();
  assert.equal((await setTargets(site, [{ channel: "chat", first_response_minutes: 10, resolution_minutes: 60 }])).status, 200);
  const id = await chatOn(site, "please answer");
  const now = Date.now();
  await clocks(id, now - 15 * MIN);
  assert.deepEqual((await byDue(site))[0].sla, { kind: "first_response", state: "breached", due_at: now - 5 * MIN });
  // The first response as the write path records it: the next deadline is the resolution's, with no write of its own.
  await write(`UPDATE conversations SET first_response_at = ${now - 2 * MIN} WHERE id = '${id}'`);
  assert.deepEqual((await byDue(site))[0].sla, { kind: "resolution", state: "ok", due_at: now + 45 * MIN });
  // Closed by the agent: no deadline, out of the list by time left (and the close answers 200: the deadline moves without a write).
  assert.equal((await call("PATCH", `/api/conversations/${id}`, { token: KEY, json: { status: "closed" } })).status, 200);
  assert.deepEqual(await byDue(site), []);
  assert.equal((await agentGet(`/api/conversations/${id}`)).conversation.sla, null);
  assert.equal((await call("PATCH", `/api/conversations/${id}`, { token: KEY, json: { status: "open" } })).status, 200);
  assert.deepEqual((await byDue(site)).map((r) => r.sla.kind), ["resolution"]);
});

test("an agent's real reply clears the first-response deadline (the write path sets first_response_at)", async () => {
  const site = await newSite();
  assert.equal((await setTargets(site, [{ channel: "chat", first_response_minutes: 10, resolution_minutes: 60 }])).status, 200);
  const id = await chatOn(site, "a real question");
  const [before] = await byDue(site);
  assert.equal(before.sla.kind, "first_response");
  const replied = await call("POST", `/api/conversations/${id}/messages`, { token: KEY, json: { body: "Here to help." } });
  assert.equal(replied.status, 201, JSON.stringify(replied.body));
  const [after_] = await byDue(site);
  assert.equal(after_.sla.kind, "resolution");
  assert.equal(after_.sla.state, "ok");
});

test("within business hours, a deadline skips nights and the weekend", async () => {
  const site = await newSite();
  const open = { open: 9 * 60, close: 17 * 60 };
  const flow = {
    trigger: { type: "first_message" },
    steps: [{ type: "message", id: "hello", text: "Hello." }],
    offline: { message: { text: "Closed." }, hours: [open, open, open, open, open, null, null], time_zone: "UTC" },
  };
  assert.equal((await call("PUT", `/api/sites/${site}/flow`, { token: KEY, json: flow })).status, 200);
  const saved = await setTargets(site, [{ channel: "chat", first_response_minutes: 60, business_hours: true }]);
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  assert.equal(saved.body.has_business_hours, true);
  const id = await chatOn(site, "friday afternoon");
  // Last Friday (UTC) at 16:30: half an hour that day, the other half on Monday from 09:00.
  const day = new Date();
  day.setUTCHours(0, 0, 0, 0);
  do day.setUTCDate(day.getUTCDate() - 1); while (day.getUTCDay() !== 5);
  const friday = day.getTime() + 16.5 * 60 * MIN;
  await clocks(id, friday);
  const monday = day.getTime() + 3 * 24 * 60 * MIN + 9.5 * 60 * MIN;
  assert.deepEqual((await byDue(site))[0].sla.due_at, monday);
  // The open spans run 400 days ahead; the cron writes them again once they end within 300 days.
  const horizon = async () => (await sql(`SELECT MAX(end_ms) AS end FROM sla_hours WHERE site_id = '${site}'`))[0].end;
  assert.ok((await horizon()) > Date.now() + 399 * 24 * 60 * MIN);
  await write(`DELETE FROM sla_hours WHERE site_id = '${site}' AND start_ms > ${Date.now() + 200 * 24 * 60 * MIN}`);
  assert.ok((await horizon()) < Date.now() + 201 * 24 * 60 * MIN);
  const cron = await fetch(`${URL_}/__scheduled?cron=${encodeURIComponent("*/5 * * * *")}`);
  assert.equal(cron.status, 200, await cron.text());
  await eventually(async () => (await horizon()) > Date.now() + 399 * 24 * 60 * MIN, { what: "the spans renewed by the cron" });
  assert.deepEqual((await byDue(site))[0].sla.due_at, monday, "the same deadline from the renewed spans");
  // On the clock instead, the same hour ends on Friday at 17:30.
  assert.equal((await setTargets(site, [{ channel: "chat", first_response_minutes: 60 }])).status, 200);
  assert.deepEqual((await byDue(site))[0].sla.due_at, friday + 60 * MIN);
});

test("the report counts first-response and resolution breaches per channel, the previous period beside it; an agent sees their own and their teams'", async () => {
  const site = await newSite();
  assert.equal((await setTargets(site, [{ channel: "chat", first_response_minutes: 10, resolution_minutes: 60 }])).status, 200);
  const now = Date.now();
  const [met, late, waiting, yesterday] = [await chatOn(site, "met"), await chatOn(site, "late"), await chatOn(site, "waiting"), await chatOn(site, "yesterday")];
  // Today: met answered in 5 and resolved in 30 minutes; late answered after 20 and still open after 70;
  // waiting still unanswered after 30 (its hour to resolve not over yet).
  // The facts are set as the write path sets them (first_response_at, resolved_at).
  const start = now - 70 * MIN;
  await write(`${clock(met, start)} ${clock(late, start)} ${clock(waiting, now - 30 * MIN)} ${clock(yesterday, now - 24 * 60 * MIN - 5 * MIN)}
    UPDATE conversations SET first_response_at = ${start + 5 * MIN}, resolved_at = ${start + 30 * MIN}, status = 'closed' WHERE id = '${met}';
    UPDATE conversations SET first_response_at = ${start + 20 * MIN} WHERE id = '${late}';
    UPDATE conversations SET first_response_at = ${now - 24 * 60 * MIN}, assignee_id = 'ag_fixture_agent' WHERE id = '${yesterday}';`);
  // Days in the account's zone: today there, and yesterday's conversation in it unless the day just began.
  const { time_zone } = await agentGet("/api/account/time-zone");
  const localDate = (ms) => new Intl.DateTimeFormat("en-CA", { timeZone: time_zone }).format(ms);
  const today = localDate(now);
  const report = await agentGet(`/api/reports/sla?range=custom&from=${today}&to=${today}&site=${site}`);
  assert.equal(report.current.from, today);
  const chat = report.current.channels.find((c) => c.channel === "chat");
  const todays = localDate(now - 24 * 60 * MIN - 5 * MIN) === today ? 4 : 3;
  assert.equal(chat.conversations, todays);
  assert.equal(chat.resolution.breached, 1, "late is open past its hour");
  if (todays === 3) {
    assert.deepEqual(chat.first_response, { due: 3, met: 1, breached: 2 });
    assert.deepEqual(chat.resolution, { due: 3, met: 1, breached: 1 }, "waiting's is not decided yet");
    assert.equal(chat.met_share, 2 / 5);
    const previous = report.previous.channels.find((c) => c.channel === "chat");
    assert.deepEqual(previous.first_response, { due: 1, met: 1, breached: 0 });
    assert.deepEqual(previous.resolution, { due: 1, met: 0, breached: 1 });
  }
  assert.deepEqual(report.current.channels.map((c) => c.channel), ["chat", "email", "messenger"]);
  assert.deepEqual(report.current.channels.find((c) => c.channel === "email"), {
    channel: "email", conversations: 0, first_response: { due: 0, met: 0, breached: 0 }, resolution: { due: 0, met: 0, breached: 0 }, met_share: null });
  const onlyChat = await agentGet(`/api/reports/sla?range=7d&site=${site}&channel=chat`);
  assert.deepEqual(onlyChat.current.channels.map((c) => [c.channel, c.conversations]), [["chat", 4]]);

  // An agent who is not the primary admin counts only what is assigned to them (or their teams).
  const mine = await call("GET", `/api/reports/sla?range=7d&site=${site}`, { token: AGENT_KEY });
  assert.equal(mine.status, 200);
  assert.deepEqual(mine.body.current.channels.find((c) => c.channel === "chat").first_response, { due: 1, met: 1, breached: 0 });
  // Another account sees none of it.
  const other = await otherAccount();
  const theirs = await call("GET", `/api/reports/sla?range=7d&site=${site}`, { token: other.key });
  assert.equal(theirs.status, 200);
  assert.equal(theirs.body.current.channels.find((c) => c.channel === "chat").conversations, 0);

  // The Reports page shows the same figures (its default range, this site), as text in a table.
  const week = (await agentGet(`/api/reports/sla?range=7d&site=${site}`)).current.channels.find((c) => c.channel === "chat");
  const page = await signInToInbox(await browser.newContext());
  await page.click("#to-reports");
  await page.locator("#reports[aria-busy=false]").waitFor();
  await page.selectOption("#r-site", site);
  const row = page.locator("#r-sla-table tbody tr", { hasText: "Chat" });
  await eventually(async () => (await row.locator("td").first().textContent()) === String(week.conversations), { what: "the site's chat targets" });
  const cells = await row.locator("td").allTextContents();
  assert.deepEqual(cells.slice(0, 3), [String(week.conversations),
    `${week.first_response.met} met, ${week.first_response.breached} breached of ${week.first_response.due}`,
    `${week.resolution.met} met, ${week.resolution.breached} breached of ${week.resolution.due}`]);
  assert.match(cells[3], /^\d+% \(previous (\d+%|–)\)$/);
  assert.match(await page.locator("#r-csv-sla").getAttribute("href"), /^blob:/);
  await page.context().close();

  for (const query of ["range=custom", "range=custom&from=2026-02-30&to=2026-03-01", "range=year", "channel=fax", "colour=red"]) {
    const res = await call("GET", `/api/reports/sla?${query}`, { token: KEY });
    assert.equal(res.status, 400, query);
    assert.ok(res.body.error.message, query);
  }
});

test("the list by time left, the targets' recompute, the deadlines' lookups and the report read by index: no scan, no sort", async () => {
  const list = (where, cursor = "") => `EXPLAIN QUERY PLAN SELECT c.id FROM conversations c WHERE c.account_id = 'a_demo' AND c.sla_due_at IS NOT NULL
    AND c.spam_at IS NULL AND c.merged_into IS NULL AND c.snoozed_at IS NULL ${where} ${cursor} ORDER BY c.sla_due_at, c.id LIMIT 100`;
  const cases = [];
  for (const where of ["", "AND c.status = 'open'", "AND c.channel = 'chat'", "AND c.assignee_id = 'ag_fixture_agent'", "AND c.assignee_id IS NULL",
    "AND c.team_id = 'tm_x'", "AND c.site_id = 's_demo'",
    "AND +c.team_id IN (SELECT m.team_id FROM team_members m WHERE m.agent_id = 'ag_fixture_agent')"]) {
    for (const cursor of ["", "AND (c.sla_due_at, c.id) > (1763000000000, 'c_x')"]) {
      cases.push({ label: `list ${where} ${cursor}`, sql: list(where, cursor), walk: /^SEARCH c USING INDEX conversations_sla_due \(account_id=\?/ });
    }
  }
  cases.push({
    label: "recompute",
    sql: `EXPLAIN QUERY PLAN UPDATE conversations SET (sla_response_due_at, sla_response_soon_at, sla_resolve_due_at, sla_resolve_soon_at) =
      (SELECT response_due, response_soon, resolve_due, resolve_soon FROM sla_plan p WHERE p.id = conversations.id)
      WHERE site_id = 's_demo' AND channel = 'chat' AND status = 'open'`,
    walk: /^SEARCH conversations USING INDEX conversations_sla_open \(site_id=\? AND channel=\?\)/,
    lookups: true,
  });
  cases.push({
    label: "report",
    sql: `EXPLAIN QUERY PLAN SELECT c.channel, COUNT(*) FROM conversations c WHERE c.account_id = 'a_demo' AND c.started_at >= 0 AND c.started_at < 1
      AND c.spam_at IS NULL AND c.merged_into IS NULL AND (c.sla_response_due_at IS NOT NULL OR c.sla_resolve_due_at IS NOT NULL) GROUP BY c.channel`,
    walk: /^SEARCH c USING INDEX conversations_report_started \(account_id=\? AND started_at>\? AND started_at<\?\)/,
    sorts: /TEMP B-TREE FOR GROUP BY/, // a handful of channels, grouped after the index's range
  });
  const { stdout } = await promisify(execFile)("node_modules/.bin/wrangler",
    ["d1", "execute", "DB", "--local", "--persist-to", process.env.PARLEY_STATE, "--json", "--command", cases.map((c) => c.sql).join(";\n")],
    { env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" }, maxBuffer: 16 * 1024 * 1024 });
  const plans = JSON.parse(stdout).map((r) => r.results.map((row) => row.detail));
  assert.equal(plans.length, cases.length);
  cases.forEach(({ label, walk, sorts, lookups }, i) => {
    const plan = plans[i];
    assert.ok(plan.some((d) => walk.test(d)), `${label}: ${plan}`);
    assert.ok(!plan.some((d) => /^SCAN|TEMP B-TREE/.test(d) && !sorts?.test(d)), `${label}: ${plan}`);
    // The deadlines' lookups (the targets, the open spans) are each a search by key.
    if (lookups) assert.ok(plan.some((d) => /SEARCH h USING INDEX sla_hours_total \(site_id=\? AND total_ms>\?\)/.test(d)) &&
      plan.some((d) => /SEARCH t USING PRIMARY KEY \(site_id=\? AND channel=\?\)/.test(d)), `${label}: ${plan}`);
  });
});

test("in the inbox, the list shows the marks in words, sorts by time left by keyboard, axe finds nothing; Settings sets the targets", async () => {
  const site = await newSite();
  const tag = unique("sla-ui-");
  const [late, soon] = [await chatOn(site, `${tag} late`), await chatOn(site, `${tag} soon`)];
  assert.equal((await setTargets(site, [{ channel: "chat", first_response_minutes: 30, resolution_minutes: 240 }])).status, 200);
  const now = Date.now();
  await write(clock(late, now - 45 * MIN) + clock(soon, now - 26 * MIN));
  const page = await signInToInbox(await browser.newContext({ bypassCSP: true })); // axe is injected as a script
  await listItem(page, `${tag} late`).locator(".sla-breached").waitFor();
  // In words, with the deadline for assistive technology (and in the tooltip).
  assert.match(await listItem(page, `${tag} late`).locator(".sla").innerText(), /^⚠ First response overdue\s*\(was due .+\)$/);
  assert.match(await listItem(page, `${tag} soon`).locator(".sla").innerText(), /^⏱ First response due soon\s*\(due .+\)$/);
  assert.match(await listItem(page, `${tag} soon`).locator(".sla").getAttribute("title"), /^Due /);
  // The sort, by keyboard: the select takes the focus and the arrow picks "Time left on targets".
  await page.locator("#f-sort").focus();
  await page.keyboard.press("ArrowDown");
  await eventually(async () => {
    const ids = await page.locator("#list button[data-id]").evaluateAll((bs) => bs.map((b) => b.dataset.id));
    return ids.indexOf(late) >= 0 && ids.indexOf(late) < ids.indexOf(soon) && ids.length <= 100;
  }, { what: "the list sorted by time left" });
  const found = [];
  for (const part of ["#list", ".filters"]) found.push(...(await axeViolations(page, part)).map((v) => `${part}: ${v}`));
  assert.deepEqual(found, []);

  // Settings › Response targets: type a target, save, and the worker has it.
  await page.locator("#to-settings").click();
  await page.locator("#s-site").selectOption(site);
  const field = page.locator("#sla-email-first_response_minutes");
  await field.waitFor();
  await eventually(async () => (await page.locator("#sla-chat-first_response_minutes").inputValue()) === "30", { what: "the site's targets shown" });
  await field.fill("120");
  await page.locator("#sla-form button[type=submit]").click();
  await page.locator("#sla-saved", { hasText: "Saved" }).waitFor();
  const saved = (await targetsOf(site)).body.targets.find((t) => t.channel === "email");
  assert.equal(saved.first_response_minutes, 120);
  const settingsFound = await axeViolations(page, "#sla-form");
  assert.deepEqual(settingsFound, []);
  await page.context().close();
});
