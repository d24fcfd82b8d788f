// The inbox's Reports view in real Chromium against the real worker: real
// traffic on a site of its own (visitors' chat messages, an agent's reply, a
// close), then the view filtered to that site shows it: the totals (with the
// previous period beside them), the agents' table, the busiest hours' cell of
// the messages' weekday and hour, the charts' data tables, the rating given
// (Satisfaction, its comment as text). uPlot is fetched
// only once the view opens, never on the inbox's first load. The controls
// work by keyboard, axe finds nothing, the CSV links download what they say,
// and a picture of the page is kept (tests/artifacts/reports.png).
// A second test draws two months of history (rows in the write path's shape,
// inserted in D1: the API cannot date traffic in the past) and checks each
// chart has a bucket per day summing to the totals; its picture is the one
// in docs/reports.png.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { KEY, call, newVisitor, sendChat, reply, unique, agentGet, eventually, sql, browserAndHostPages, signInToInbox } from "./helpers.mjs";
import { axeViolations } from "./axe.mjs";

const pages = browserAndHostPages();
const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/** The local weekday (0 = Monday) and hour of `ms` in `zone`. */
function weekdayHour(ms, zone) {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: zone, weekday: "long", hour: "numeric", hourCycle: "h23" }).formatToParts(new Date(ms));
  const part = (type) => parts.find((p) => p.type === type).value;
  return [WEEKDAYS.indexOf(part("weekday")), Number(part("hour"))];
}

/** A site of its own with two chats: one answered and closed (two messages in, one out), one waiting (one in). */
async function traffic() {
  const site = (await call("POST", "/api/sites", { token: KEY, json: { name: unique("Reports shop ") } })).body.id;
  assert.equal((await call("PATCH", `/api/sites/${site}/widget`, { token: KEY, json: { csat: true } })).status, 200, "the site asks for ratings");
  const first = await newVisitor(site);
  const asked = await sendChat(first, "Do you ship to Lyon?");
  assert.equal(asked.status, 201, JSON.stringify(asked.body));
  const conversation = asked.body.message.conversation_id;
  assert.equal((await sendChat(first, "It is for a gift")).status, 201);
  const answered = await reply(conversation, "We do, in two days.");
  assert.equal(answered.status, 201, JSON.stringify(answered.body));
  assert.equal((await call("PATCH", `/api/conversations/${conversation}`, { token: KEY, json: { status: "closed" } })).status, 200);
  const rated = await call("POST", "/api/widget/rating", { token: first, json: { conversation_id: conversation, score: 5, comment: "Quick and <b>kind</b>" } });
  assert.equal(rated.status, 201, JSON.stringify(rated.body));
  const second = await newVisitor(site);
  const waiting = await sendChat(second, "Is the oolong back in stock?");
  assert.equal(waiting.status, 201);
  const thread = await agentGet(`/api/conversations/${conversation}`);
  const inbound = [...thread.messages.filter((m) => m.direction === "inbound"), waiting.body.message].map((m) => m.created_at);
  const agent = thread.messages.find((m) => m.direction === "outbound").author_name;
  return { site, inbound, agent };
}

/** The bytes of a finished download, as text (streamed: the shared Chromium is another process). */
async function textOf(download) {
  const chunks = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/** Presses Tab (at most `max` times) until `selector` has the focus. */
async function tabTo(page, selector, max = 60) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press("Tab");
  }
  assert.fail(`${selector} is not reached by Tab`);
}

/** The text of the totals' row for `metric` (its "this period" cell). */
const total = (page, metric) => page.locator(`#r-totals tbody tr[data-metric="${metric}"] td`).first().textContent();

test("the Reports view shows a site's traffic: totals beside the previous period, the agents' table, the busiest hours, the charts, CSV", async () => {
  const { site, inbound, agent } = await traffic();
  const zone = (await agentGet(`/api/reports?site=${site}`)).time_zone;
  // The inbox's own CSP applies (no bypass): what the view loads must pass it.
  const context = await pages.browser.newContext({ acceptDownloads: true, viewport: { width: 1200, height: 900 } });
  await context.addInitScript(() => {
    window.violations = [];
    document.addEventListener("securitypolicyviolation", (e) => window.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const page = await signInToInbox(context);
  await page.locator("#list button").first().waitFor();
  assert.equal(page.requests.filter((u) => u.includes("/vendor/uplot")).length, 0, "the inbox's first load does not fetch uPlot");

  // By keyboard: the nav's Reports, then the site filter and the range.
  await page.locator("#to-reports").focus();
  await page.keyboard.press("Enter");
  await page.locator("#reports[aria-busy=false] .report-chart canvas").first().waitFor();
  assert.ok(page.requests.some((u) => u.endsWith("/vendor/uplot.js")), "opening Reports fetches uPlot");
  await tabTo(page, "input[name=r-range]:checked");
  assert.equal(await page.evaluate(() => document.activeElement.value), "7d", "the range starts at 7 days");
  await page.keyboard.press("ArrowLeft");
  assert.equal(await page.locator("input[name=r-range]:checked").inputValue(), "today", "arrows move the range");
  await tabTo(page, "#r-unit");
  await page.keyboard.press("ArrowDown");
  assert.equal(await page.locator("#r-unit").inputValue(), "hour", "by hour, by arrow key");
  for (const next of ["#r-channel", "#r-site"]) {
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => "#" + document.activeElement.id), next, "the filters follow in order");
  }
  await page.selectOption("#r-site", site); // a change reloads the report
  await eventually(async () => (await total(page, "Conversations opened"))?.startsWith("2 "), { what: "the site's two conversations" });

  assert.equal(await total(page, "Conversations opened"), "2 (vs previous 0)");
  assert.equal(await total(page, "Conversations resolved"), "1 (vs previous 0)");
  assert.equal(await total(page, "Messages in (customers)"), "3 (vs previous 0)");
  assert.equal(await total(page, "Messages out (agents)"), "1 (vs previous 0)");
  assert.match(await total(page, "First response time, median"), /^\d+ s \(vs previous –\)$/);

  // Satisfaction: the one rating, its comment shown as text.
  const figure = (metric) => page.locator("#r-satisfaction-figures tbody tr", { has: page.locator("th", { hasText: metric }) }).locator("td").first().textContent();
  assert.equal(await figure("Ratings"), "1 (vs previous 0)");
  assert.equal(await figure("Average score (1 to 5)"), "5.0");
  assert.equal(await figure("Response rate (rated of asked)"), "100%");
  assert.equal(await page.locator("#r-satisfaction-comments .body").textContent(), "Quick and <b>kind</b>");
  assert.equal(await page.locator("#r-satisfaction-comments b").count(), 1, "the comment's markup is text, only the score is bold");

  // The agents' table: the one who answered, with one message out and one resolve.
  const row = page.locator("#r-agents tbody tr", { has: page.locator("th", { hasText: agent }) });
  assert.equal(await row.locator("td").nth(2).textContent(), "1", "their one message out");

  // The busiest hours: each message in its weekday and hour's cell.
  const expected = new Map();
  for (const at of inbound) {
    const key = weekdayHour(at, zone).join(":");
    expected.set(key, (expected.get(key) ?? 0) + 1);
  }
  for (const [key, count] of expected) {
    const [day, hour] = key.split(":");
    assert.equal(await page.locator(`#r-heat td[data-day="${day}"][data-hour="${hour}"]`).textContent(), String(count), `the cell of ${WEEKDAYS[day]} ${hour}:00`);
  }
  const heatSum = (await page.locator("#r-heat td[data-day]").allTextContents()).reduce((s, t) => s + Number(t), 0);
  assert.equal(heatSum, inbound.length, "no message elsewhere in the grid");

  // Each chart's data as a table, opened by keyboard.
  await tabTo(page, "#r-chart-conversations details > summary");
  await page.keyboard.press("Enter");
  const opened = await page.locator("#r-chart-conversations details table tbody tr").evaluateAll((rows) => [rows.length, rows.reduce((s, r) => s + Number(r.cells[1].textContent), 0)]);
  assert.deepEqual(opened, [24, 2], "today by the hour (UTC: 24 hours), summing to the total");
  assert.equal(await page.locator("#r-chart-conversations .plot[role=img]").getAttribute("tabindex"), "0");

  assert.deepEqual(await page.evaluate(() => window.violations), [], "nothing the view loads or draws breaks the inbox's CSP");
  await page.locator("#reports").screenshot({ path: join(process.cwd(), "tests/artifacts/reports.png") });

  // CSV: the totals made here and the worker's agents' and conversations' exports.
  const download = async (id) => {
    const [file] = await Promise.all([page.waitForEvent("download"), page.locator(`#${id}`).click()]);
    return { name: file.suggestedFilename(), text: await textOf(file) };
  };
  const totals = await download("r-csv-totals");
  assert.equal(totals.name, "totals.csv");
  assert.match(totals.text, /^metric,current,previous\r\nConversations opened,2,0\r\n/);
  const agents = await download("r-csv-agents");
  assert.match(agents.name, /\.csv$/);
  assert.ok(agents.text.includes(agent), `the agents' CSV names ${agent}`);
  const conversations = await download("r-csv-conversations");
  assert.equal(conversations.text.trim().split("\n").length, 3, "a header and the site's two conversations");
  assert.deepEqual(page.errors, []);
  await context.close();

  // axe is injected as a script, so its page bypasses the CSP (checked above).
  const checked = await pages.browser.newContext({ bypassCSP: true });
  const again = await signInToInbox(checked);
  await again.locator("#to-reports").click();
  await again.locator("#reports[aria-busy=false] .report-chart canvas").first().waitFor();
  await again.selectOption("#r-site", site);
  await again.locator("#r-agents tbody th", { hasText: agent }).waitFor();
  for (const summary of await again.locator("#reports summary").all()) await summary.click();
  assert.deepEqual(await axeViolations(again, "#reports"), [], "axe finds nothing in the Reports view");
  await checked.close();
});

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SLOT = 15 * 60_000;

/**
 * Two months of a site's history, in the write path's shape (conversations
 * with their report facts; report_slots rows summing them by quarter hour and
 * agent): a few conversations a day between 08:00 and 19:00 UTC, fewer in the
 * earlier month, answered by two agents, most of them rated. Returns what the last 30 days hold.
 */
async function history(site) {
  const agents = ["ag_demo_admin", "ag_fixture_agent"];
  const today = Math.floor(Date.now() / DAY) * DAY;
  const slots = new Map();
  const add = (at, agent, counts) => {
    const key = `${at - (at % SLOT)}|${agent}`;
    const row = slots.get(key) ?? { opened: 0, resolved: 0, in: 0, out: 0 };
    for (const [k, v] of Object.entries(counts)) row[k] += v;
    slots.set(key, row);
  };
  const conversations = [];
  const ratings = [];
  const recent = { opened: 0, in: 0, rated: 0 };
  const COMMENTS = ["Lovely oolong, fast answer.", "Took a while, but sorted.", "The parcel was late; thanks for the refund.", "Very helpful about brewing times!"];
  for (let d = 1; d <= 59; d++) {
    const per = (d > 29 ? 2 : 3) + ((d * 7) % 4);
    for (let k = 0; k < per; k++) {
      const started = today - d * DAY + (8 + ((k * 3 + d) % 11)) * HOUR + ((d * 13 + k * 29) % 50) * 60_000;
      const agent = agents[(d + k) % 2];
      const firstResponse = started + (2 + ((d * k + 3) % 17)) * 60_000;
      const resolved = started + (1 + ((d + k) % 9)) * HOUR;
      const [inbound, outbound] = [2 + (k % 3), 1 + (d % 3)];
      add(started, agent, { opened: 1, in: inbound, out: 0 });
      add(firstResponse, agent, { opened: 0, in: 0, out: outbound });
      add(resolved, agent, { resolved: 1 });
      if (d <= 29) {
        recent.opened += 1;
        recent.in += inbound;
      }
      const id = unique("c_rep");
      if ((d + k) % 3 === 0) ratings.push(`('${id}', 'a_demo', '${site}', 'chat', '${agent}', ${resolved}, NULL, NULL, NULL, NULL)`); // asked, not rated
      else {
        const score = [5, 4, 5, 3, 4, 5, 2, 5][(d * 3 + k) % 8];
        const comment = (d + 2 * k) % 5 === 0 ? `'${COMMENTS[(d + k) % COMMENTS.length]}'` : "NULL";
        ratings.push(`('${id}', 'a_demo', '${site}', 'chat', '${agent}', ${resolved}, ${score}, ${comment}, 'widget', ${resolved + HOUR})`);
        if (resolved >= today - 29 * DAY) recent.rated += 1; // a rating counts where it was asked
      }
      conversations.push(`('${id}', '${site}', 'a_demo', 'chat', 'closed', '${agent}', ${started}, ${resolved}, ${started}, ${firstResponse}, ${firstResponse - started},
        '${agent}', ${resolved}, ${resolved - started}, ${outbound}, ${inbound}, ${outbound}, 1)`);
    }
  }
  await sql(`INSERT INTO conversations (id, site_id, account_id, channel, status, assignee_id, started_at, last_message_at,
      first_inbound_at, first_response_at, first_response_ms, first_response_by, resolved_at, resolution_ms, replies_to_resolve,
      messages_in, messages_out, resolves) VALUES ${conversations.join(",\n")};`);
  await sql(`INSERT INTO conversation_ratings (conversation_id, account_id, site_id, channel, agent_id, asked_at, score, comment, source, rated_at)
    VALUES ${ratings.join(",")};`);
  const rows = [...slots].map(([key, r]) => {
    const [slot, agent] = key.split("|");
    return `('a_demo', ${slot}, '${site}', 'chat', '${agent}', '', ${r.opened}, ${r.resolved}, 0, ${r.in}, ${r.out})`;
  });
  await sql(`INSERT INTO report_slots (account_id, slot, site_id, channel, agent_id, team_id, opened, resolved, reopened, messages_in, messages_out)
    VALUES ${rows.join(",")};`);
  return recent;
}

test("two months of history: 30 days of buckets in each chart, summing to the totals, the busiest hours filled, a picture kept", async () => {
  const site = (await call("POST", "/api/sites", { token: KEY, json: { name: unique("Tea history ") } })).body.id;
  const recent = await history(site);
  const context = await pages.browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await signInToInbox(context);
  await page.locator("#to-reports").click();
  await page.locator("#reports[aria-busy=false] .report-chart canvas").first().waitFor();
  await page.locator('input[name=r-range][value="30d"]').check();
  await page.selectOption("#r-site", site);
  await eventually(async () => (await total(page, "Conversations opened"))?.startsWith(`${recent.opened} (`), { what: `${recent.opened} conversations in 30 days` });
  assert.match(await total(page, "Conversations opened"), /^\d+ \(\+\d+% vs previous \d+\)$/, "more than the month before");
  const sums = await page.locator("#r-chart-conversations details table tbody tr").evaluateAll((rows) => [rows.length, rows.reduce((s, r) => s + Number(r.cells[1].textContent), 0)]);
  assert.deepEqual(sums, [30, recent.opened], "a bucket per day, summing to the total");
  const heat = (await page.locator("#r-heat td[data-day]").allTextContents()).reduce((s, t) => s + Number(t), 0);
  assert.equal(heat, recent.in, "the busiest hours hold every customer message of the 30 days");
  assert.equal(await page.locator("#r-agents tbody tr").count() >= 2, true, "both agents in the table");
  await page.locator("#r-satisfaction-figures").waitFor();
  const ratings = page.locator("#r-satisfaction-figures tbody tr", { has: page.locator("th", { hasText: /^Ratings$/ }) }).locator("td").first();
  assert.match(await ratings.textContent(), new RegExp(`^${recent.rated} \\(`), "the month's ratings");
  await page.locator("#reports").screenshot({ path: join(process.cwd(), "tests/artifacts/reports-month.png") });
  assert.deepEqual(page.errors, []);
  await context.close();
});
