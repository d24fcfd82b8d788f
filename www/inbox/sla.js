// @ts-check
// Response targets (issue 23): Settings › Response targets (primary admin,
// per site: a small table of channel × first-response and resolution
// targets in minutes, optionally within business hours), and the list's
// mark of a conversation about to breach or breached: a badge in words (not
// colour alone), with the deadline read out. The rules (what "due soon"
// means, which deadline is next) are shared::sla's; the worker sends each
// conversation's `sla` with its state.
import { client, latestOnly } from "./api.js";
import { $, el, showError, when } from "./dom.js";

/** @typedef {import("./api-types").SlaTarget} SlaTarget */
/** @typedef {import("./api-types").Channel} Channel */

const CHANNELS = /** @type {const} */ ([["chat", "Chat"], ["email", "Email"], ["messenger", "Messenger"]]);
const fresh = latestOnly();

/**
 * The list's mark of a conversation's next deadline: nothing while it is
 * comfortably ahead; "due soon" or "overdue" in words otherwise, its exact
 * time in the tooltip and for assistive technology.
 * @param {import("./api-types").Conversation} c
 */
export function slaBadge(c) {
  if (!c.sla || c.sla.state === "ok") return null;
  const what = c.sla.kind === "first_response" ? "First response" : "Resolution";
  const breached = c.sla.state === "breached";
  const text = `${what} ${breached ? "overdue" : "due soon"}`;
  const badge = el("span", `badge sla ${breached ? "sla-breached" : "sla-soon"}`, `${breached ? "⚠ " : "⏱ "}${text}`);
  badge.title = `${breached ? "Was due" : "Due"} ${when(c.sla.due_at)}`;
  badge.append(el("span", "sr-unread", ` (${breached ? "was due" : "due"} ${when(c.sla.due_at)})`));
  return badge;
}

/** The number typed in a minutes field, `null` when empty (the worker judges the rest). @param {string} id */
function minutesOf(id) {
  const text = /** @type {HTMLInputElement} */ ($(id)).value.trim();
  return text === "" ? null : Number(text);
}

/** Fills the table from the site's targets. @param {import("./api-types").SlaSettings} s */
function showTargets(s) {
  const rows = $("sla-rows");
  rows.replaceChildren();
  for (const [channel, name] of CHANNELS) {
    const t = s.targets.find((x) => x.channel === channel);
    const tr = el("tr");
    const th = el("th", null, name);
    th.scope = "row";
    tr.append(th);
    for (const [field, label] of /** @type {const} */ ([["first_response_minutes", "first response"], ["resolution_minutes", "resolution"]])) {
      const input = el("input");
      input.type = "number";
      input.min = "1";
      input.max = "43200";
      input.step = "1";
      input.inputMode = "numeric";
      input.id = `sla-${channel}-${field}`;
      input.setAttribute("aria-label", `${name}: ${label} target in minutes`);
      input.value = t?.[field] == null ? "" : String(t[field]);
      const td = el("td");
      td.append(input);
      tr.append(td);
    }
    const box = el("input");
    box.type = "checkbox";
    box.id = `sla-${channel}-business`;
    box.checked = Boolean(t?.business_hours);
    box.disabled = !s.has_business_hours && !box.checked;
    box.setAttribute("aria-label", `${name}: count within business hours`);
    const td = el("td");
    td.append(box);
    tr.append(td);
    rows.append(tr);
  }
  $("sla-hours-hint").textContent = s.has_business_hours
    ? "Within business hours, only the chatbot's offline hours (below, in its time zone) count."
    : "This site keeps no business hours: set them in the chatbot's offline hours to count targets within them.";
}

/** Loads the chosen site's targets. */
export async function loadSlaSettings() {
  const isCurrent = fresh();
  showError($("sla-error"), null);
  $("sla-saved").textContent = "";
  try {
    const s = await client.sla($("s-site").value);
    if (isCurrent()) showTargets(s);
  } catch (err) {
    if (isCurrent()) showError($("sla-error"), err, "Could not load the response targets: ");
  }
}

/** Saves the table: every channel with what its fields say. @param {Event} e */
async function save(e) {
  e.preventDefault();
  showError($("sla-error"), null);
  $("sla-saved").textContent = "";
  /** @type {SlaTarget[]} */
  const targets = CHANNELS.map(([channel]) => ({
    channel,
    first_response_minutes: minutesOf(`sla-${channel}-first_response_minutes`),
    resolution_minutes: minutesOf(`sla-${channel}-resolution_minutes`),
    business_hours: /** @type {HTMLInputElement} */ ($(`sla-${channel}-business`)).checked,
  }));
  try {
    showTargets(await client.setSla($("s-site").value, { targets }));
    $("sla-saved").textContent = "Saved";
  } catch (err) {
    showError($("sla-error"), err, "Not saved: ");
  }
}

/** Wires the targets form. */
export function initSlaSettings() {
  $("sla-form").addEventListener("submit", save);
}
