// @ts-check
// Settings › Integrations › ActiveCampaign (primary admin): the account's
// connection (API URL and key, checked live by the worker before anything is
// stored; the key is never shown again, so its field is never filled), the
// opt-in for unverified contacts, the field mapping (company and each contact
// attribute to one of the account's ActiveCampaign custom fields, listed live),
// the state (active, or paused with its reason and how to resume), the
// contacts' updates waiting (jobs) and the call log; and, per site (the site picker's), on/off, the
// tags for chat, email and Messenger contacts and the note. Each part saves on
// its own and says so, or shows the worker's readable refusal.
import { client, latestOnly } from "./api.js";
import { $, el, showError, when } from "./dom.js";

/** @typedef {import("./api-types").CrmConnection} CrmConnection */

const freshConnection = latestOnly();
const freshSite = latestOnly();
const freshCalls = latestOnly();

/** The connection as last loaded or saved (null until the first load). @type {CrmConnection | null} */
let connection = null;

/** What the channel tags' inputs are called, by channel. */
const TAG_INPUTS = /** @type {const} */ ([["chat", "acs-chat"], ["email", "acs-email"], ["messenger", "acs-messenger"]]);

/** Loads the account's connection, its field choices and its call log. */
export async function loadCrmSettings() {
  const isCurrent = freshConnection();
  showError($("ac-error"), null);
  $("ac-saved").textContent = "";
  let loaded;
  try {
    loaded = await client.crmConnection();
  } catch (err) {
    if (isCurrent()) showError($("ac-error"), err, "Could not load the ActiveCampaign connection: ");
    return;
  }
  if (!isCurrent()) return;
  await showConnection(loaded);
}

/** Draws a connection: its state, the form (the key left empty), the mapping, the log. @param {CrmConnection} c */
async function showConnection(c) {
  connection = c;
  $("ac-url").value = c.api_url ?? "";
  $("ac-key").value = "";
  $("ac-key").required = !c.connected;
  $("ac-key").placeholder = c.connected ? "Leave empty to keep the stored key" : "";
  $("ac-unverified").checked = c.push_unverified;
  $("ac-save").textContent = c.connected ? "Save connection" : "Connect";
  $("ac-disconnect").hidden = !c.connected;
  $("ac-activity").hidden = !c.connected;
  $("ac-state").textContent = stateText(c);
  $("ac-state").className = c.state === "paused" ? "error" : "";
  $("ac-pending").textContent = c.connected ? pendingText(c.pending) : "";
  $("settings").dataset.crm = c.state; // what the section now shows (tests wait on it)
  if (c.connected) await Promise.all([showMapping(c), loadCalls()]);
  else $("ac-map").hidden = true;
}

/** The connection's state in words: where it points and since when, or why it is paused and how to resume. @param {CrmConnection} c */
function stateText(c) {
  if (!c.connected) return "Not connected.";
  const since = c.connected_at != null ? ` since ${when(c.connected_at)}` : "";
  if (c.state === "paused") {
    return `Paused. ${c.paused_reason ?? "ActiveCampaign refused the API key."} ` +
      "To resume, paste a new API key (ActiveCampaign › Settings › Developer) below and save: what waits is sent then, nothing is lost.";
  }
  return `Connected to ${c.api_url}${since}. Active: calls are sent as they come.`;
}

/** @param {number} n */
const pendingText = (n) => (n === 0 ? "Nothing is waiting to be sent." : n === 1 ? "1 contact's update is waiting to be sent." : `${n} contacts' updates are waiting to be sent.`);

/**
 * The mapping's rows: company and each of the account's contact attributes,
 * each with a select of the ActiveCampaign fields (listed live) or "Not sent".
 * @param {CrmConnection} c
 */
async function showMapping(c) {
  const rows = $("ac-map-rows");
  /** @type {{id: string, title: string}[]} */
  let fields = [];
  /** @type {{key: string, name: string}[]} */
  let attributes = [];
  let failed = null;
  try {
    const [f, a] = await Promise.all([client.crmFields(), client.attributes()]);
    fields = f;
    attributes = a.attributes;
  } catch (err) {
    failed = err;
  }
  // The saved choices stay offered (by their saved titles) when the live list could not be read.
  for (const m of c.field_map) if (!fields.some((f) => f.id === m.field_id)) fields.push({ id: m.field_id, title: m.field_title });
  const mapped = new Map(c.field_map.map((m) => [m.attribute, m.field_id]));
  const wanted = [{ key: "company", name: "Company" }, ...attributes];
  rows.replaceChildren(...wanted.map((a) => {
    const id = `ac-map-${a.key}`;
    const label = el("label", null, a.key === "company" ? "Company" : `${a.name} (contact attribute ${a.key})`);
    label.htmlFor = id;
    const select = /** @type {HTMLSelectElement} */ (el("select"));
    select.id = id;
    select.dataset.attribute = a.key;
    select.append(new Option("Not sent", ""), ...fields.map((f) => new Option(f.title, f.id)));
    select.value = mapped.get(a.key) ?? "";
    const row = el("div", "step-field");
    row.append(label, select);
    return row;
  }));
  if (failed) rows.append(el("p", "error", `Could not list ActiveCampaign's custom fields: ${failed.message}`));
  $("ac-map").hidden = false;
}

/** The mapping as chosen (rows set to "Not sent" are left out). */
function editedMap() {
  return [...$("ac-map-rows").querySelectorAll("select")]
    .filter((s) => !$("ac-map").hidden && s.value)
    .map((s) => ({ attribute: s.dataset.attribute ?? "", field_id: s.value }));
}

/** Connects, or saves the connection (an empty key keeps the stored one). @param {SubmitEvent} e */
async function save(e) {
  e.preventDefault();
  showError($("ac-error"), null);
  $("ac-saved").textContent = "";
  const key = $("ac-key").value.trim();
  const first = !connection?.connected;
  try {
    const saved = await client.connectCrm({
      api_url: $("ac-url").value.trim(), api_key: key || null, push_unverified: $("ac-unverified").checked, field_map: editedMap(),
    });
    await showConnection(saved);
    $("ac-saved").textContent = first ? "Connected: ActiveCampaign accepted the key." : "Saved.";
  } catch (err) {
    showError($("ac-error"), err, first ? "Not connected: " : "Not saved: ");
  }
}

/** Disconnects after a confirmation: the key is erased, calls not yet sent are dropped. */
async function disconnect() {
  showError($("ac-disconnect-error"), null);
  if (!confirm("Disconnect ActiveCampaign? The key is erased and calls not yet sent are dropped; contacts already in ActiveCampaign stay there.")) return;
  try {
    await client.disconnectCrm();
  } catch (err) {
    showError($("ac-disconnect-error"), err, "Not disconnected: ");
    return;
  }
  await loadCrmSettings();
  $("ac-saved").textContent = "Disconnected.";
  $("ac-url").focus();
}

/** The last 50 calls, newest first, like the automations' delivery log. */
async function loadCalls() {
  const isCurrent = freshCalls();
  showError($("ac-calls-error"), null);
  /** @type {import("./api-types").CrmCall[]} */
  let calls;
  try {
    calls = await client.crmCalls();
  } catch (err) {
    if (isCurrent()) showError($("ac-calls-error"), err, "Could not load the call log: ");
    return;
  }
  if (!isCurrent()) return;
  const rows = calls.map((c) => {
    const tr = el("tr");
    const outcome = [c.state, c.status != null ? `HTTP ${c.status}` : null, c.error].filter(Boolean).join(" · ");
    for (const text of [when(c.at), `${c.kind}: ${c.method} ${c.path}`, c.email ?? "—", String(c.attempt), outcome]) tr.append(el("td", null, text));
    return tr;
  });
  if (!rows.length) {
    const tr = el("tr");
    const td = el("td", null, "No call yet.");
    td.colSpan = 5;
    tr.append(td);
    rows.push(tr);
  }
  $("ac-calls-rows").replaceChildren(...rows);
}

/** Loads the chosen site's part: on/off, the tags per channel, the note. */
export async function loadCrmSite() {
  const isCurrent = freshSite();
  const site = $("s-site").value;
  showError($("acs-error"), null);
  $("acs-saved").textContent = "";
  try {
    const settings = await client.crmSite(site);
    if (!isCurrent()) return;
    $("acs-enabled").checked = settings.enabled;
    for (const [channel, id] of TAG_INPUTS) $(id).value = settings.tags[channel].join(", ");
    $("acs-note").checked = settings.note;
    $("acs-form").dataset.site = site;
  } catch (err) {
    if (isCurrent()) showError($("acs-error"), err, "Could not load this site's ActiveCampaign settings: ");
  }
}

/** Tags typed with commas, trimmed, empties dropped. @param {string} text */
const tagList = (text) => text.split(",").map((t) => t.trim()).filter(Boolean);

/** Saves the chosen site's part. @param {SubmitEvent} e */
async function saveSite(e) {
  e.preventDefault();
  showError($("acs-error"), null);
  $("acs-saved").textContent = "";
  const tags = /** @type {import("./api-types").CrmSiteSettings["tags"]} */ (Object.fromEntries(TAG_INPUTS.map(([channel, id]) => [channel, tagList($(id).value)])));
  try {
    const saved = await client.setCrmSite($("s-site").value, { enabled: $("acs-enabled").checked, tags, note: $("acs-note").checked });
    for (const [channel, id] of TAG_INPUTS) $(id).value = saved.tags[channel].join(", ");
    $("acs-saved").textContent = "Saved.";
  } catch (err) {
    showError($("acs-error"), err, "Not saved: ");
  }
}

/** Wires the connection form, Disconnect, the log's refresh and the site's form (reloaded with the site). */
export function initCrmSettings() {
  $("ac-form").addEventListener("submit", save);
  $("ac-disconnect").addEventListener("click", disconnect);
  $("ac-calls-reload").addEventListener("click", async () => {
    await Promise.all([loadCalls(), refreshPending()]);
  });
  $("acs-form").addEventListener("submit", saveSite);
  $("s-site").addEventListener("change", loadCrmSite);
}

/** Re-reads the state and the count of waiting calls (the form is left as edited). */
async function refreshPending() {
  try {
    const c = await client.crmConnection();
    $("ac-pending").textContent = c.connected ? pendingText(c.pending) : "";
    $("ac-state").textContent = stateText(c);
    $("ac-state").className = c.state === "paused" ? "error" : "";
  } catch (err) {
    showError($("ac-calls-error"), err, "Could not load the connection: ");
  }
}
