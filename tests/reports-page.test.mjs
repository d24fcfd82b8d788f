// The inbox's Reports view in real Chromium against the real worker: real
// traffic on a site of its own (visitors' chat messages, an agent's reply, a
// close), then the view filtered to that site shows it: the totals (with the
// previous period beside them), the agents' table, the busiest hours' cell of
// the messages' weekday and hour, the charts' data tables. uPlot is fetched
// only once the view opens, never on the inbox's first load. The controls
// work by keyboard, axe finds nothing, the CSV links download what they say,
// and a picture of the page is kept (tests/artifacts/reports.png).
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { URL_, KEY, call, newVisitor, sendChat, reply, unique, agentGet, eventually, browserAndHostPages, signInToInbox } from "./helpers.mjs";
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
  const first = await newVisitor(site);
  const asked = await sendChat(first, "Do you ship to Lyon?");
  assert.equal(asked.status, 201, JSON.stringify(asked.body));
  const conversation = asked.body.message.conversation_id;
  assert.equal((await sendChat(first, "It is for a gift")).status, 201);
  const answered = await reply(conversation, "We do, in two days.");
  assert.equal(answered.status, 201, JSON.stringify(answered.body));
  assert.equal((await call("PATCH", `/api/conversations/${conversation}`, { token: KEY, json: { status: "closed" } })).status, 200);
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
  await tabTo(page, "#r-site");
  await page.selectOption("#r-site", site); // a change reloads the report
  await eventually(async () => (await total(page, "Conversations opened"))?.startsWith("2 "), { what: "the site's two conversations" });

  assert.equal(await total(page, "Conversations opened"), "2 (vs previous 0)");
  assert.equal(await total(page, "Conversations resolved"), "1 (vs previous 0)");
  assert.equal(await total(page, "Messages in (customers)"), "3 (vs previous 0)");
  assert.equal(await total(page, "Messages out (agents)"), "1 (vs previous 0)");
  assert.match(await total(page, "First response time, median"), /^\d+ s \(vs previous –\)$/);

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
  const opened = await page.locator("#r-chart-conversations details table tbody tr").evaluateAll((rows) => rows.reduce((s, r) => s + Number(r.cells[1].textContent), 0));
  assert.equal(opened, 2, "the chart's table sums to the total");
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
