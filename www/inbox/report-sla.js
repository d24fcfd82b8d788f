// @ts-check
// The Reports view's Response targets section (GET /api/reports/sla): per
// channel, the conversations that had a target, how many first responses and
// resolutions met it or breached it, and the share met, beside the previous
// period. It takes the range, site and channel of the report; the agent, team
// and label filters do not apply, and the section says so.
import { client } from "./api.js";
import { $, el } from "./dom.js";
import { csvMade, dataTable } from "./report-tables.js";
import { satisfactionQuery } from "./report-satisfaction.js";

/** @typedef {import("./api-types").SlaReport} SlaReport */
/** @typedef {import("./api-types").SlaChannelReport} SlaChannelReport */

const CHANNELS = /** @type {const} */ ({ chat: "Chat", email: "Email", messenger: "Messenger" });

/** A share (0 to 1) as a whole percent, or "–" when nothing was decided. @param {number | null} share */
const percent = (share) => (share == null ? "–" : `${Math.round(share * 100)}%`);

/** "met / breached of due" for one kind of deadline. @param {import("./api-types").SlaCounts} c */
const counts = (c) => `${c.met} met, ${c.breached} breached of ${c.due}`;

/** Loads and draws the section for `query` (the report's); `isCurrent` says whether it is still the one asked for. @param {URLSearchParams} query @param {() => boolean} isCurrent */
export async function drawSla(query, isCurrent) {
  const box = $("r-sla-body");
  /** @type {SlaReport} */
  let report;
  try {
    report = await client.slaReport(satisfactionQuery(query));
  } catch (err) {
    if (isCurrent()) box.replaceChildren(el("p", "error", `Could not load the response targets: ${err.message}`));
    return;
  }
  if (!isCurrent()) return;
  box.replaceChildren(...parts(report, query));
  const line = (/** @type {string} */ period, /** @type {SlaChannelReport} */ c) => [period, c.channel, c.conversations,
    c.first_response.due, c.first_response.met, c.first_response.breached, c.resolution.due, c.resolution.met, c.resolution.breached, c.met_share ?? ""];
  csvMade("r-csv-sla", "response-targets.csv", [
    ["period", "channel", "conversations", "first_response_due", "first_response_met", "first_response_breached",
      "resolution_due", "resolution_met", "resolution_breached", "met_share"],
    ...report.current.channels.map((c) => line("current", c)), ...report.previous.channels.map((c) => line("previous", c))]);
}

/** The section's parts: a note on the filters, the table, its CSV link. @param {SlaReport} report @param {URLSearchParams} query */
function parts({ current, previous }, query) {
  const out = [];
  if (["agent", "team", "label"].some((f) => query.has(f))) out.push(el("p", "hint", "Response targets follow the range, site and channel only (not the agent, team or label)."));
  const before = new Map(previous.channels.map((c) => [c.channel, c]));
  const rows = current.channels.map((c) => {
    const was = before.get(c.channel);
    return [CHANNELS[c.channel], String(c.conversations), counts(c.first_response), counts(c.resolution),
      `${percent(c.met_share)} (previous ${percent(was?.met_share ?? null)})`];
  });
  const table = dataTable(["Channel", "Conversations with a target", "First responses", "Resolutions", "Met"], rows,
    "Response targets met and breached per channel, this period (the share met beside the previous period's)");
  table.id = "r-sla-table";
  const csv = el("a", null, "Download the response targets' figures (CSV)");
  csv.id = "r-csv-sla";
  const download = el("p", "csv");
  download.append(csv);
  out.push(table, download);
  return out;
}
