// @ts-check
// Site-owner settings (primary admin): the chosen site's name and on/off
// switch, its chat widget (colour, launcher, language) and its chatbot as a
// flow: the trigger, the greeting, the steps (flow-editor.js) and the offline
// text with business hours and time zone; a save is a new version, and says
// which is live. The widget's live preview shows the unsaved settings, and
// the unsaved flow's opening (preview.js).
// Each load has its own request-order guard, so switching sites fast never
// shows an older answer.
import { client, latestOnly } from "./api.js";
import { $, el, showError } from "./dom.js";
import { clearRefusal, editedSteps, showRefusal, showSteps } from "./flow-editor.js";

/** @typedef {import("./api-types").Flow} Flow */
/** @typedef {import("./api-types").Offline} Offline */

/** The days of the offline hours, Monday first. */
const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

const freshSite = latestOnly();

/** Loads the chosen site's name, widget settings and flow (with the account's choices for its steps) into their forms. */
export async function loadSiteSettings() {
  const isCurrent = freshSite();
  const site = $("s-site").value;
  for (const id of ["site-error", "w-error", "bot-error"]) showError($(id), null);
  $("bot-saved").textContent = "";
  try {
    const [{ sites }, widget, settings, { automations }, { teams }, { agents }, { labels }, { attributes }, crm] = await Promise.all([
      client.sites(), client.widget(site), client.flow(site), client.automations(site),
      client.teams(), client.agents(), client.labels(), client.attributes(), crmChoices(),
    ]);
    if (!isCurrent()) return; // another site was chosen meanwhile
    const current = sites.find((s) => s.id === site);
    $("site-name").value = current?.name ?? "";
    $("site-enabled").checked = current?.enabled ?? true;
    $("w-color").value = widget.color;
    $("w-position").value = widget.position;
    $("w-language").value = widget.language;
    $("w-files").checked = widget.files;
    $("w-csat").checked = widget.csat;
    const { flow, version } = settings;
    showTrigger(flow.trigger);
    $("bot-greeting").value = flow.greeting?.text ?? "";
    $("bot-greeting-fr").value = flow.greeting?.translations?.fr ?? "";
    showSteps(flow.steps, { teams, agents, labels, automations, attributes, ...crm });
    renderOffline(flow.offline ?? null);
    showVersion(version);
    $("settings").dataset.site = site; // what the forms now show (tests wait on it)
    refreshPreview();
  } catch (err) {
    if (isCurrent()) showError($("site-error"), err, "Could not load this site's settings: ");
  }
}

/**
 * The account's ActiveCampaign automations for the flow's "Enter an
 * automation" steps: null when ActiveCampaign is not connected; when they
 * cannot be listed, none, with the reason shown in the step.
 * @returns {Promise<{crm: {id: string, name: string, active: boolean}[] | null, crmError?: string}>}
 */
async function crmChoices() {
  try {
    const connection = await client.crmConnection();
    if (!connection.connected) return { crm: null };
    return { crm: await client.crmAutomations() };
  } catch (err) {
    return { crm: [], crmError: `Could not list the ActiveCampaign automations: ${err.message}` };
  }
}

/** Says which version of the flow visitors get. @param {number} version */
function showVersion(version) {
  $("flow-version").textContent = version
    ? `Live: version ${version}. Saving makes a new version; conversations already in the flow finish on theirs.`
    : "Live: the flow the former chatbot blocks make (version 0). Saving makes version 1.";
}

/** The trigger's radio and, for "on a page", its URL pattern and seconds. @param {Flow["trigger"]} trigger */
function showTrigger(trigger) {
  const radio = /** @type {HTMLInputElement} */ (document.querySelector(`input[name=flow-trigger][value=${trigger.type}]`));
  radio.checked = true;
  $("flow-url").value = trigger.type === "on_page" ? trigger.url : "";
  $("flow-seconds").value = String(trigger.type === "on_page" ? trigger.seconds : 30);
  $("flow-page").hidden = trigger.type !== "on_page";
}

/** The trigger as edited. @returns {Flow["trigger"]} */
function editedTrigger() {
  const type = /** @type {HTMLInputElement | null} */ (document.querySelector("input[name=flow-trigger]:checked"))?.value ?? "first_message";
  if (type === "on_page") return { type, url: $("flow-url").value.trim(), seconds: Number($("flow-seconds").value) || 0 };
  return { type: type === "open" ? "open" : "first_message" };
}

/** minutes from midnight ⇄ "HH:MM" (an <input type=time> value). */
const hhmm = (minutes) => `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
const minutes = (text) => {
  const [h, m] = text.split(":").map(Number);
  return h * 60 + m;
};

/** The offline text's fields: on/off, text, time zone, and each day's hours or "Closed". @param {Offline | null} offline */
function renderOffline(offline) {
  $("bot-offline-on").checked = Boolean(offline);
  $("bot-offline-text").value = offline?.message.text ?? "";
  $("bot-offline-fr").value = offline?.message.translations?.fr ?? "";
  $("bot-offline-zone").value = offline?.time_zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const list = $("bot-hours");
  list.replaceChildren();
  DAYS.forEach((day, i) => {
    const span = offline ? offline.hours[i] : i < 5 ? { open: 540, close: 1020 } : null;
    const li = el("li", "bot-field");
    li.dataset.day = String(i);
    const closed = document.createElement("input");
    closed.type = "checkbox";
    closed.checked = !span;
    closed.setAttribute("aria-label", `${day} closed`);
    const time = (value, label) => {
      const input = document.createElement("input");
      input.type = "time";
      input.value = hhmm(value);
      input.setAttribute("aria-label", `${day} ${label}`);
      return input;
    };
    const closedLabel = el("label", "check");
    closedLabel.append(closed, " Closed");
    li.append(el("span", "field-name", day), time(span?.open ?? 540, "opens"), time(span?.close ?? 1020, "closes"), closedLabel);
    list.append(li);
  });
}

/** `{translations: {fr}}` from a French field, or nothing when it is empty. */
function translated(id) {
  const fr = $(id).value.trim();
  return fr ? { translations: { fr } } : {};
}

/** The offline text and hours as edited, or undefined when business hours are off. @returns {Offline | undefined} */
function editedOffline() {
  if (!$("bot-offline-on").checked) return undefined;
  const hours = [...$("bot-hours").children].map((li) => {
    const [open, close] = [...li.querySelectorAll("input[type=time]")].map((i) => minutes(/** @type {HTMLInputElement} */ (i).value || "00:00"));
    const closed = /** @type {HTMLInputElement} */ (li.querySelector("input[type=checkbox]")).checked;
    return closed ? null : { open, close: close === 0 ? 1440 : close };
  });
  return {
    message: { text: $("bot-offline-text").value.trim(), ...translated("bot-offline-fr") },
    hours: /** @type {Offline["hours"]} */ (hours), time_zone: $("bot-offline-zone").value.trim(),
  };
}

/** The flow as edited: trigger, greeting, steps, offline text and hours. @returns {Flow} */
function editedFlow() {
  const greeting = $("bot-greeting").value.trim();
  const offline = editedOffline();
  return {
    trigger: editedTrigger(),
    ...(greeting ? { greeting: { text: greeting, ...translated("bot-greeting-fr") } } : {}),
    ...(offline ? { offline } : {}),
    steps: editedSteps(),
  };
}

/** What the widget's config would be with the forms as they are now (saved or not). */
function previewConfig() {
  const offline = editedOffline();
  const formStep = findForm(editedSteps());
  return {
    site_id: "preview", name: $("site-name").value, greeting: $("bot-greeting").value.trim(),
    greetings: translated("bot-greeting-fr").translations ?? {}, offlines: translated("bot-offline-fr").translations ?? {},
    color: $("w-color").value, position: $("w-position").value, language: $("w-language").value,
    files: $("w-files").checked,
    form: formStep ? { phone: formStep.phone, company: formStep.company, full_name: formStep.full_name } : { phone: "hidden", company: "hidden", full_name: "hidden" },
    offline: offline ? offline.message.text : null, enabled: true,
  };
}

/** The flow's Form step, branches included. @param {import("./api-types").Step[]} steps @returns {any} */
function findForm(steps) {
  for (const s of steps) {
    if (s.type === "form") return s;
    if (s.type === "buttons") for (const b of s.buttons) { const f = findForm(b.steps); if (f) return f; }
  }
  return null;
}

let previewTimer;
/** Reloads the live preview with the forms' current values, shortly after the last change: the widget with the
 * unsaved config, and the unsaved flow's opening, which the preview page asks the worker to run. */
export function refreshPreview() {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(() => {
    const query = new URLSearchParams({ config: JSON.stringify(previewConfig()), site: $("s-site").value, flow: JSON.stringify(editedFlow()) });
    $("w-preview").src = `/preview?${query}`;
  }, 250);
}

/** Runs a save: clears the alert, shows "Saved" or the API's message. */
async function saving(e, status, error, action) {
  e.preventDefault();
  showError($(error), null);
  $(status).textContent = "";
  try {
    await action();
    $(status).textContent = "Saved";
  } catch (err) {
    showError($(error), err);
  }
}

/** Saves the flow as a new version and says which is live; a refusal is shown in the step it names, which takes the focus. @param {Event} e */
async function saveFlow(e) {
  e.preventDefault();
  showError($("bot-error"), null);
  $("bot-saved").textContent = "";
  clearRefusal();
  try {
    const saved = await client.saveFlow($("s-site").value, editedFlow());
    showSteps(saved.flow.steps, null);
    showVersion(saved.version);
    $("bot-saved").textContent = `Saved: version ${saved.version} is live.`;
  } catch (err) {
    if (!showRefusal(err.step, err.message)) {
      showError($("bot-error"), err);
      $("bot-error").focus();
    }
  }
}

/** Wires the site, widget and chatbot forms and "Add a site". */
export function initSiteSettings() {
  $("site-form").addEventListener("submit", (e) => saving(e, "site-saved", "site-error", async () => {
    const site = await client.updateSite($("s-site").value, { name: $("site-name").value, enabled: $("site-enabled").checked });
    const option = [...$("s-site").options].find((o) => o.value === site.id);
    if (option) option.text = site.name;
  }));
  $("widget-form").addEventListener("submit", (e) => saving(e, "w-saved", "w-error", () =>
    client.updateWidget($("s-site").value, {
      color: $("w-color").value, position: $("w-position").value, language: $("w-language").value,
      files: $("w-files").checked, csat: $("w-csat").checked,
    })));
  $("bot-form").addEventListener("submit", saveFlow);
  $("bot-form").addEventListener("change", (e) => {
    if (/** @type {HTMLInputElement} */ (e.target).name === "flow-trigger") $("flow-page").hidden = editedTrigger().type !== "on_page";
  });
  for (const id of ["site-form", "widget-form", "bot-form"]) {
    $(id).addEventListener("input", refreshPreview);
    $(id).addEventListener("change", refreshPreview);
    $(id).addEventListener("click", refreshPreview); // the Form's × and Add buttons
  }
  $("new-site").addEventListener("submit", async (e) => {
    e.preventDefault();
    showError($("new-site-error"), null);
    try {
      const site = await client.createSite($("new-site-name").value);
      $("s-site").append(new Option(site.name, site.id));
      $("s-site").value = site.id;
      $("new-site-name").value = "";
      $("s-site").dispatchEvent(new Event("change"));
    } catch (err) {
      showError($("new-site-error"), err);
    }
  });
}
