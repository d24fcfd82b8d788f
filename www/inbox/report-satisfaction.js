// @ts-check
// The Reports view's Satisfaction section (GET /api/reports/satisfaction):
// the range's ratings beside the previous period's (average score, the share
// of 4s and 5s, the response rate), how many of each score, and the latest
// comments, all as text. It takes the range, site and channel of the report;
// the other filters do not apply to ratings, and the section says so.
import { client } from "./api.js";
import { $, el, when } from "./dom.js";
import { csvMade, dataTable, totalsRows } from "./report-tables.js";

/** @typedef {import("./api-types").SatisfactionReport} SatisfactionReport */
/** @typedef {import("./api-types").SatisfactionPeriod} SatisfactionPeriod */

/** The satisfaction query: the report's range, site and channel (ratings are not cut by unit, agent, team or label). @param {URLSearchParams} query */
export function satisfactionQuery(query) {
  const q = new URLSearchParams();
  for (const name of ["range", "from", "to", "site", "channel"]) if (query.has(name)) q.set(name, query.get(name));
  return q;
}

/** A share (0 to 1) as a whole percent, or "–". @param {number | null} share */
const percent = (share) => (share == null ? "–" : `${Math.round(share * 100)}%`);

/** Loads and draws the section for `query` (the report's); `isCurrent` says whether it is still the one asked for. @param {URLSearchParams} query @param {() => boolean} isCurrent */
export async function drawSatisfaction(query, isCurrent) {
  const box = $("r-satisfaction-body");
  let report;
  try {
    report = await client.satisfaction(satisfactionQuery(query));
  } catch (err) {
    if (isCurrent()) box.replaceChildren(el("p", "error", `Could not load the ratings: ${err.message}`));
    return;
  }
  if (!isCurrent()) return;
  box.replaceChildren(...parts(report, query));
  const { current: now, previous: before } = report;
  csvMade("r-csv-satisfaction", "satisfaction.csv", [["metric", "current", "previous"],
    ...["asked", "rated", "response_rate", "average", "satisfied"].map((k) => [k, now[k] ?? "", before[k] ?? ""]),
    ...now.distribution.map((n, i) => [`score ${i + 1}`, n, before.distribution[i]])]);
}

/** The section's parts: a note on the filters, the figures, the scores, the comments. @param {SatisfactionReport} report @param {URLSearchParams} query */
function parts({ current: now, previous: before, comments }, query) {
  const out = [];
  if (["agent", "team", "label"].some((f) => query.has(f))) out.push(el("p", "hint", "Ratings follow the range, site and channel only (not the agent, team or label)."));
  const rows = totalsRows([
    { label: "Ratings", duration: false, now: now.rated, before: before.rated },
    { label: "Asked (resolved where ratings are on)", duration: false, now: now.asked, before: before.asked },
  ]);
  const shares = [["Average score (1 to 5)", now.average?.toFixed(1) ?? "–", before.average?.toFixed(1) ?? "–"],
    ["Satisfied (4 or 5)", percent(now.satisfied), percent(before.satisfied)],
    ["Response rate (rated of asked)", percent(now.response_rate), percent(before.response_rate)]];
  const figures = dataTable(["Metric", "This period", "Previous period"], shares, "Satisfaction, this period and the previous one");
  figures.id = "r-satisfaction-figures";
  figures.tBodies[0].prepend(...rows);
  const scores = dataTable(["Score", "Ratings"], now.distribution.map((n, i) => [`${i + 1}`, String(n)]), "Ratings by score, this period");
  scores.id = "r-satisfaction-scores";
  const csv = el("a", null, "Download the ratings' figures (CSV)");
  csv.id = "r-csv-satisfaction";
  const download = el("p", "csv");
  download.append(csv);
  out.push(figures, scores, download);
  const list = el("ul", "comments");
  list.id = "r-satisfaction-comments";
  for (const c of comments) {
    const item = el("li");
    item.append(el("b", null, `${c.score} of 5`), ` · ${c.contact_name ?? "A customer"} · ${c.channel} · ${when(c.rated_at)}`, el("p", "body", c.comment));
    list.append(item);
  }
  out.push(el("h4", null, "Latest comments"), comments.length ? list : el("p", "hint", "No comment in this period."));
  return out;
}
