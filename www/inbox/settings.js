// @ts-check
// The settings view (primary admin): the email channel of a site with a live
// preview of From and subject, and the site's default signature with its own; Tracking (the snippet with a Copy button,
// identity verification with a secret shown once, the signing examples); API
// keys (each shown once); the team with one-time invitations; and the
// integrations (ActiveCampaign: crm-settings.js). Each
// load has its own request-order guard, so switching sites or typing fast
// never shows an older answer over a newer one.
import { client, latestOnly } from "./api.js";
import { initSiteSettings, loadSiteSettings } from "./site-settings.js";
import { loadAutomations, initAutomations } from "./automations.js";
import { loadMessenger, initMessenger } from "./messenger-settings.js";
import { loadLabelSettings, initLabelSettings } from "./label-settings.js";
import { loadTeamSettings, initTeamSettings } from "./team-settings.js";
import { loadAttributeSettings, initAttributeSettings } from "./attribute-settings.js";
import { loadProactiveSettings, initProactiveSettings } from "./proactive-settings.js";
import { loadAccountSettings, initAccountSettings } from "./account-settings.js";
import { loadSlaSettings, initSlaSettings } from "./sla.js";
import { loadCrmSettings, loadCrmSite, initCrmSettings } from "./crm-settings.js";
import { signaturePreview } from "./signature.js";
import { $, el, showError, show, when } from "./dom.js";

/** The templates' tokens, as the worker names them (set when a channel loads). */
let tokens = { start_date: "", agent_name: "" };
const freshChannel = latestOnly();
const freshPreview = latestOnly();
const freshTeam = latestOnly();
const freshTracking = latestOnly();
const freshKeys = latestOnly();
let previewTimer;
let previewSignature = () => {};

/** Shows the settings view: the account's sites, the chosen site's channel, the team. */
export async function openSettings() {
  show("settings");
  showError($("s-error"), null);
  try {
    const { sites } = await client.sites();
    const select = $("s-site");
    if (!select.options.length) for (const s of sites) select.append(new Option(s.name, s.id));
  } catch (err) {
    showError($("s-error"), err, "Could not load the sites: ");
    return;
  }
  // The chosen site's parts start now, before anyone can pick another site: each load draws only if it is
  // still the latest, so a late one never redraws over a list the agent has begun to edit.
  await Promise.all([loadAccountSettings(), loadSiteSettings(), loadSettings(), loadTracking(), loadKeys(), loadExamples(), loadMessenger(), loadSlaSettings(),
    loadProactiveSettings(), loadCrmSettings(), loadCrmSite()]);
  await loadTeam();
  await loadLabelSettings();
  await loadTeamSettings();
  await loadAttributeSettings();
  await loadAutomations();
}

/** Loads the chosen site's snippet and identity settings; the secret is never among them. */
async function loadTracking() {
  const isCurrent = freshTracking();
  const site = $("s-site").value;
  $("t-copied").textContent = "";
  $("t-mode-saved").textContent = "";
  $("t-secret-once").hidden = true;
  $("t-secret").textContent = "";
  showError($("t-error"), null);
  showError($("t-identity-error"), null);
  try {
    const [{ snippet, csp }, identity] = await Promise.all([client.snippet(site), client.identity(site)]);
    if (!isCurrent()) return; // another site was chosen meanwhile
    $("t-snippet").textContent = snippet;
    showCsp(csp);
    showIdentity(identity);
  } catch (err) {
    if (isCurrent()) showError($("t-error"), err, "Could not load the tracking settings: ");
  }
}

/**
 * The directives a site with a Content-Security-Policy adds (shared::site::csp), one per line, and what each is for.
 * @param {import("./api-types").CspDirective[]} csp
 */
function showCsp(csp) {
  $("t-csp").textContent = csp.map((d) => `${d.directive} ${d.sources.join(" ")};`).join("\n");
  $("t-csp-why").replaceChildren(...csp.map((d) => {
    const item = el("li", "", `: ${d.why}.`);
    item.prepend(el("code", "", d.directive));
    return item;
  }));
}

/** @param {import("./api-types").IdentitySettings} identity */
function showIdentity(identity) {
  $("t-mode").value = identity.mode;
  $("t-secret-state").textContent = identity.has_secret
    ? "A secret is set. It is not shown again; rotate it if it may have leaked."
    : "No secret yet: generate one before choosing optional or required.";
  $("t-rotate").textContent = identity.has_secret ? "Rotate secret" : "Generate secret";
}

/** Copies the snippet; where the clipboard is refused, selects it for Ctrl+C. */
async function copySnippet() {
  const text = $("t-snippet").textContent;
  try {
    await navigator.clipboard.writeText(text);
    $("t-copied").textContent = "Copied.";
  } catch {
    getSelection()?.selectAllChildren($("t-snippet"));
    $("t-copied").textContent = "Selected: press Ctrl+C (⌘C) to copy.";
  }
}

/** Saves the identity mode as soon as it is chosen. */
async function saveMode() {
  $("t-mode-saved").textContent = "";
  showError($("t-identity-error"), null);
  try {
    showIdentity(await client.setIdentityMode($("s-site").value, $("t-mode").value));
    $("t-mode-saved").textContent = "Saved.";
  } catch (err) {
    showError($("t-identity-error"), err, "Not saved: ");
  }
}

/** Generates or rotates the secret and shows it this once. */
async function rotate() {
  showError($("t-identity-error"), null);
  const site = $("s-site").value;
  if ($("t-rotate").textContent.startsWith("Rotate") && !confirm("Signatures made with the current secret will stop verifying at once. Rotate?")) return;
  try {
    const { secret } = await client.rotateIdentitySecret(site);
    $("t-secret").textContent = secret;
    $("t-secret-once").hidden = false;
    showIdentity(await client.identity(site));
  } catch (err) {
    showError($("t-identity-error"), err, "No new secret: ");
  }
}

/** Fills the server-side examples (identity signing, the Safari visitor cookie) from the files the worker serves (as text). */
async function loadExamples() {
  for (const pre of document.querySelectorAll("pre[data-example]")) {
    if (pre.textContent) continue;
    try {
      const path = (pre.getAttribute("data-example") || "").split("/").map(encodeURIComponent).join("/");
      const res = await fetch(`/examples/${path}`);
      if (res.ok) pre.textContent = await res.text();
    } catch {
      pre.textContent = "Could not load this example.";
    }
  }
}

/** Lists the account's API keys, each with a Revoke button. */
async function loadKeys() {
  const isCurrent = freshKeys();
  /** @type {import("./api-types").ApiKey[]} */
  let keys;
  try {
    ({ keys } = await client.apiKeys());
  } catch (err) {
    if (isCurrent()) showError($("keys-error"), err, "Could not load the API keys: ");
    return;
  }
  if (!isCurrent()) return;
  showError($("keys-error"), null);
  const list = $("keys");
  list.replaceChildren();
  for (const k of keys) {
    const used = k.last_used_at == null ? "never used" : `last used ${when(k.last_used_at)}`;
    const li = el("li", null, `${k.prefix ?? "pk_…"}… · ${k.label} · ${k.role} key of ${k.agent_name} · created ${when(k.created_at)} · ${used}`);
    const revoke = el("button", "link", "Revoke");
    revoke.type = "button";
    revoke.addEventListener("click", () => revokeKey(k));
    li.append(" ", revoke);
    list.append(li);
  }
}

/** @param {import("./api-types").ApiKey} key */
async function revokeKey(key) {
  showError($("keys-error"), null);
  if (!confirm(`Revoke the key "${key.label}"? Anything using it is refused at once.`)) return;
  try {
    await client.revokeApiKey(key.id);
  } catch (err) {
    showError($("keys-error"), err, `Could not revoke ${key.label}: `);
    return;
  }
  loadKeys();
}

/** Creates a key and shows it this once. */
async function createKey(e) {
  e.preventDefault();
  showError($("k-error"), null);
  try {
    const role = /** @type {import("./api-types").KeyRole} */ (/** @type {HTMLSelectElement} */ ($("k-role")).value);
    const { key } = await client.createApiKey($("k-label").value, role);
    $("k-key").textContent = key;
    $("k-once").hidden = false;
    $("k-label").value = "";
    loadKeys();
  } catch (err) {
    showError($("k-error"), err, "No key created: ");
  }
}

/** Loads the chosen site's email channel into the form; a failure shows in #s-error. */
async function loadSettings() {
  const isCurrent = freshChannel();
  showError($("s-error"), null);
  try {
    const settings = await client.channel($("s-site").value);
    if (!isCurrent()) return; // another site was chosen meanwhile
    const { channel, forwarding_address } = settings;
    tokens = settings.tokens;
    $("s-enabled").checked = channel.enabled;
    $("s-address").textContent = forwarding_address || "Not set yet.";
    $("s-address-form").hidden = Boolean(forwarding_address);
    $("s-subject").value = channel.default_subject;
    $("s-from").value = channel.from_name;
    $("s-signature").value = channel.signature ?? "";
    previewSignature();
    syncDateToggle();
    preview();
  } catch (err) {
    if (isCurrent()) showError($("s-error"), err);
  }
}

/** Labels the start-date button after what the subject holds. */
function syncDateToggle() {
  $("s-date-toggle").textContent = $("s-subject").value.includes(tokens.start_date) ? "Remove start date" : "Insert start date";
}

/** Asks the worker, shortly after the last keystroke, how From and subject will read. */
function preview() {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(async () => {
    const isCurrent = freshPreview();
    try {
      const p = await client.preview($("s-site").value, {
        default_subject: $("s-subject").value, from_name: $("s-from").value,
      });
      if (!isCurrent()) return; // a newer keystroke's preview is on its way
      $("p-from").textContent = p.from;
      $("p-subject").textContent = p.subject;
    } catch (err) {
      if (isCurrent()) $("p-subject").textContent = err.message;
    }
  }, 150);
}

/** Saves the channel form; the outcome shows by the Save button. */
async function save(e) {
  e.preventDefault();
  $("s-saved").textContent = "";
  showError($("s-save-error"), null);
  const changes = {
    enabled: $("s-enabled").checked, default_subject: $("s-subject").value, from_name: $("s-from").value, signature: $("s-signature").value,
  };
  if (!$("s-address-form").hidden && $("s-username").value) {
    Object.assign(changes, { username: $("s-username").value, subdomain: $("s-subdomain").value });
  }
  try {
    await client.updateChannel($("s-site").value, changes);
    $("s-saved").textContent = "Saved.";
    loadSettings();
  } catch (err) {
    showError($("s-save-error"), err, "Not saved: ");
  }
}

/** Lists the team, each agent but the primary admin with a Remove button. */
async function loadTeam() {
  const isCurrent = freshTeam();
  /** @type {import("./api-types").Agent[]} */
  let agents;
  try {
    ({ agents } = await client.agents());
  } catch (err) {
    if (isCurrent()) showError($("team-error"), err, "Could not load the team: ");
    return;
  }
  if (!isCurrent()) return;
  showError($("team-error"), null);
  const team = $("team");
  team.replaceChildren();
  for (const a of agents) {
    const li = el("li", null, `${a.full_name} <${a.email}> · ${a.role === "primary_admin" ? "primary admin" : a.active ? "agent" : "invited"}`);
    if (a.role !== "primary_admin") {
      const remove = el("button", "link", "Remove");
      remove.type = "button";
      remove.addEventListener("click", () => removeAgent(a));
      li.append(" ", remove);
    }
    team.append(li);
  }
}

/** Removes an agent (or withdraws an invitation); a refusal shows by the team list. */
/** @param {import("./api-types").Agent} agent */
async function removeAgent(agent) {
  showError($("team-error"), null);
  try {
    await client.removeAgent(agent.id);
  } catch (err) {
    showError($("team-error"), err, `Could not remove ${agent.full_name}: `);
    return;
  }
  loadTeam();
  loadTeamSettings(); // they left every team
}

/** Invites an agent; shows the one-time link, or the refusal by the form. */
async function invite(e) {
  e.preventDefault();
  $("i-result").textContent = "";
  showError($("i-error"), null);
  try {
    const { invitation_url } = await client.invite($("i-email").value, $("i-name").value);
    $("i-result").textContent = `Share this one-time link: ${invitation_url}`;
    loadTeam();
    loadTeamSettings(); // a member and a capacity to set
  } catch (err) {
    showError($("i-error"), err);
  }
}

/** Wires the settings form, its template buttons, the team and the invitation form. */
export function initSettings() {
  $("s-site").addEventListener("change", () => { loadSiteSettings(); loadSettings(); loadTracking(); loadMessenger(); loadSlaSettings(); });
  initSiteSettings();
  $("t-copy").addEventListener("click", copySnippet);
  $("t-mode").addEventListener("change", saveMode);
  $("t-rotate").addEventListener("click", rotate);
  $("k-form").addEventListener("submit", createKey);
  $("s-subject").addEventListener("input", () => { syncDateToggle(); preview(); });
  $("s-from").addEventListener("input", preview);
  $("s-date-toggle").addEventListener("click", () => {
    const input = $("s-subject");
    const date = tokens.start_date;
    input.value = input.value.includes(date) ? input.value.replace(date, "").trim() : `${input.value.trim()} · ${date}`.trim();
    syncDateToggle();
    preview();
  });
  $("s-agent-name").addEventListener("click", () => {
    const input = $("s-from");
    if (!input.value.includes(tokens.agent_name)) input.value = `${tokens.agent_name} ${input.value}`.trim();
    preview();
  });
  $("s-form").addEventListener("submit", save);
  previewSignature = signaturePreview($("s-signature"), $("s-sig-preview"));
  $("invite").addEventListener("submit", invite);
  initAutomations();
  initMessenger();
  initLabelSettings();
  initTeamSettings();
  initAttributeSettings();
  initProactiveSettings();
  initAccountSettings();
  initSlaSettings();
  initCrmSettings();
}
