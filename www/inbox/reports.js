// @ts-check
// The Reports view (GET /api/reports): a range (today, 7 or 30 days, or two
// dates) cut by day or hour and filtered by channel, site, agent, team and
// label; the totals with the previous period beside each; a chart per metric
// over time (report-charts.js, which imports uPlot only now); the busiest
// hours; the agents' table; satisfaction (report-satisfaction.js); response
// targets met and breached (report-sla.js); and CSV
// downloads of each. Every control is a native one, so the whole view works
// by keyboard; a change reloads it, and only the latest answer is drawn.
import { client, latestOnly } from "./api.js";
import { $, el, showError, show } from "./dom.js";
import { drawCharts } from "./report-charts.js";
import { WEEKDAYS, csvMade, dataTable, fillHeatMap, span, totalsRows } from "./report-tables.js";
import { drawSatisfaction } from "./report-satisfaction.js";
import { drawSla } from "./report-sla.js";

/** @typedef {import("./api-types").Report} Report */
/** @typedef {import("./api-types").ReportTotals} ReportTotals */
/** @typedef {import("./api-types").Spread} Spread */

const fresh = latestOnly();
/** Whether the filters' choices (sites, agents, teams, labels) were loaded. */
let choicesLoaded = false;

/** Shows the Reports view: its choices once, then the report for the controls as they are. */
export async function openReports() {
  show("reports");
  if (!choicesLoaded) choicesLoaded = await loadChoices();
  await loadReport();
}

/** Wires the controls: any change reloads (a custom range once both dates are set); Enter submits. */
export function initReports() {
  $("r-form").addEventListener("submit", (e) => {
    e.preventDefault();
    loadReport();
  });
  $("r-form").addEventListener("change", (e) => {
    const custom = range() === "custom";
    $("r-custom").hidden = !custom;
    if (custom && (!$("r-from").value || !$("r-to").value)) {
      if (e.target.name === "r-range") $("r-from").focus();
      return;
    }
    loadReport();
  });
}

/** The chosen range's kind. */
const range = () => /** @type {HTMLInputElement} */ (document.querySelector("input[name=r-range]:checked")).value;

/** The report's query from the controls (empty filters left out). */
export function reportQuery() {
  const q = new URLSearchParams({ range: range(), unit: $("r-unit").value });
  if (range() === "custom") {
    q.set("from", $("r-from").value);
    q.set("to", $("r-to").value);
  }
  for (const name of ["channel", "site", "agent", "team", "label"]) {
    const value = $(`r-${name}`).value;
    if (value) q.set(name, value);
  }
  return q;
}

/** Fills the site, agent, team and label filters; whether it could. */
async function loadChoices() {
  try {
    const [{ sites }, { agents }, { teams }, { labels }] = await Promise.all([client.sites(), client.agents(), client.teams(), client.labels()]);
    const fill = (id, items, name) => $(id).append(...items.map((item) => Object.assign(el("option", null, name(item)), { value: item.id })));
    fill("r-site", sites, (s) => s.name);
    fill("r-agent", agents, (a) => a.full_name);
    fill("r-team", teams, (t) => t.name);
    fill("r-label", labels, (l) => l.name);
    $("r-label-field").hidden = !labels.length;
    return true;
  } catch (err) {
    showError($("r-error"), err, "Could not load the filters: ");
    return false;
  }
}

/** Asks for the report the controls describe and draws it (unless a later one was asked for meanwhile). */
async function loadReport() {
  const isCurrent = fresh();
  const query = reportQuery();
  $("reports").setAttribute("aria-busy", "true");
  showError($("r-error"), null);
  try {
    const satisfaction = drawSatisfaction(query, isCurrent);
    const targets = drawSla(query, isCurrent);
    const report = await client.report(query);
    if (!isCurrent()) return;
    await Promise.all([draw(report, query), satisfaction, targets]);
    $("r-status").textContent = `${report.current.from} to ${report.current.to}, by ${report.unit}, in ${report.time_zone}${report.scope === "mine" ? " (your teams' conversations and yours)" : ""}.`;
  } catch (err) {
    if (isCurrent()) showError($("r-error"), err, "Could not load the report: ");
  } finally {
    if (isCurrent()) $("reports").setAttribute("aria-busy", "false");
  }
}

/** Draws every part of `report`, asked with `query`. @param {Report} report @param {URLSearchParams} query */
async function draw(report, query) {
  const totals = totalsOf(report);
  $("r-totals").tBodies[0].replaceChildren(...totalsRows(totals));
  csvMade("r-csv-totals", "totals.csv", [["metric", "current", "previous"], ...totals.map((t) => [t.duration ? `${t.label} (ms)` : t.label, t.now ?? "", t.before ?? ""])]);
  const heatCaption = `Customer messages by weekday and hour of the day, in ${report.time_zone}`;
  $("r-heat-hint").textContent = `${heatCaption}: the darker, the busier.`;
  fillHeatMap($("r-heat"), report.heat_map, heatCaption);
  csvMade("r-csv-heat", "busiest-hours.csv", [["weekday", ...Array.from({ length: 24 }, (_, h) => `${h}:00`)], ...report.heat_map.map((hours, d) => [WEEKDAYS[d], ...hours])]);
  $("r-agents").replaceWith(agentsTable(report));
  for (const [id, path] of [["r-csv-series", "series"], ["r-csv-agents", "agents"], ["r-csv-conversations", "conversations"]]) {
    $(id).href = `/api/reports/${path}.csv?${query}`;
  }
  const starts = report.buckets.map((b) => b.start);
  await drawCharts($("r-charts"), starts, report.buckets.map((b) => b.label), chartsOf(report), span, report.time_zone);
}

/** The totals' rows: counts, then each duration's median and 90th percentile (business hours' where a site keeps them). @param {Report} report */
function totalsOf({ current: now, previous: before }) {
  /** @type {import("./report-tables.js").Total[]} */
  const rows = [];
  const count = (label, key) => rows.push({ label, duration: false, now: now[key], before: before[key] });
  count("Conversations opened", "opened");
  count("Conversations resolved", "resolved");
  count("Conversations reopened", "reopened");
  count("Messages in (customers)", "messages_in");
  count("Messages out (agents)", "messages_out");
  /** @param {string} label @param {"first_response_ms" | "first_response_business_ms" | "resolution_ms" | "resolution_business_ms" | "replies_to_resolve"} key */
  const spread = (label, key, duration = true) => {
    for (const [which, field] of [["median", "median"], ["90th percentile", "p90"]]) {
      rows.push({ label: `${label}, ${which}`, duration, now: now[key][field], before: before[key][field] });
    }
  };
  spread("First response time", "first_response_ms");
  spread("Resolution time", "resolution_ms");
  if (now.first_response_business_ms.count || before.first_response_business_ms.count) spread("First response in business hours", "first_response_business_ms");
  if (now.resolution_business_ms.count || before.resolution_business_ms.count) spread("Resolution in business hours", "resolution_business_ms");
  spread("Agent replies to resolve", "replies_to_resolve", false);
  return rows;
}

/** The charts: conversations, messages, first response and resolution over the buckets. @param {Report} report */
function chartsOf({ series: s }) {
  return [
    { id: "conversations", title: "Conversations opened and resolved", duration: false, lines: [{ label: "Opened", values: s.opened }, { label: "Resolved", values: s.resolved }] },
    { id: "messages", title: "Messages in and out", duration: false, lines: [{ label: "In (customers)", values: s.messages_in }, { label: "Out (agents)", values: s.messages_out }] },
    { id: "first-response", title: "First response time", duration: true, lines: [{ label: "Median", values: s.first_response_ms.median }, { label: "90th percentile", values: s.first_response_ms.p90 }] },
    { id: "resolution", title: "Resolution time", duration: true, lines: [{ label: "Median", values: s.resolution_ms.median }, { label: "90th percentile", values: s.resolution_ms.p90 }] },
  ];
}

/** The agents' table (the current period). @param {Report} report */
function agentsTable({ agents }) {
  const columns = ["Agent", "Conversations", "Resolved", "Messages out", "First response, median", "First response, 90th percentile", "Resolution, median", "Resolution, 90th percentile"];
  const rows = agents.map((a) => [a.name, String(a.conversations), String(a.resolved), String(a.messages_out),
    span(a.first_response_ms.median), span(a.first_response_ms.p90), span(a.resolution_ms.median), span(a.resolution_ms.p90)]);
  const table = dataTable(columns, rows, "By agent, this period");
  table.id = "r-agents";
  return table;
}
