// @ts-check
// Site-owner settings (primary admin): the chosen site's name and on/off
// switch, its chat widget (colour, launcher, language) and its chatbot (the
// greeting, the Form block's fields, the automation entered after the Form,
// and the offline block: business hours, time zone and the offline message),
// with the widget's live preview of the unsaved settings.
// Each load has its own request-order guard, so switching sites fast never
// shows an older answer.
import { client, latestOnly } from "./api.js";
import { $, el, showError } from "./dom.js";

/** @typedef {import("./api-types").FieldMode} FieldMode */
/** @typedef {import("./api-types").Block} Block */

/** The days of the offline block's hours, Monday first. */
const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/** The Form block's configurable fields, with the labels the seed product uses. */
const FIELDS = /** @type {const} */ ([["phone", "Phone"], ["company", "Account"], ["full_name", "Full name"]]);

const freshSite = latestOnly();
/** The loaded chatbot's blocks (kept whole, so blocks this page does not edit survive a save). */
/** @type {Block[]} */
let blocks = [];
/** The Form block's modes being edited. */
/** @type {{phone: FieldMode, company: FieldMode, full_name: FieldMode}} */
let form = { phone: "hidden", company: "hidden", full_name: "hidden" };

/** Loads the chosen site's name, widget settings and chatbot into their forms. */
export async function loadSiteSettings() {
  const isCurrent = freshSite();
  const site = $("s-site").value;
  for (const id of ["site-error", "w-error", "bot-error"]) showError($(id), null);
  try {
    const [{ sites }, widget, { chatbot }, { automations }] = await Promise.all([
      client.sites(), client.widget(site), client.chatbot(site), client.automations(site),
    ]);
    if (!isCurrent()) return; // another site was chosen meanwhile
    const current = sites.find((s) => s.id === site);
    $("site-name").value = current?.name ?? "";
    $("site-enabled").checked = current?.enabled ?? true;
    $("w-color").value = widget.color;
    $("w-position").value = widget.position;
    $("w-language").value = widget.language;
    $("w-files").checked = widget.files;
    blocks = chatbot.blocks;
    const greeting = blocks.find((b) => b.type === "greeting");
    $("bot-greeting").value = greeting && greeting.type === "greeting" ? greeting.text : "";
    $("bot-greeting-fr").value = (greeting && greeting.type === "greeting" && greeting.translations?.fr) || "";
    const formBlock = blocks.find((b) => b.type === "form");
    if (formBlock && formBlock.type === "form") form = { phone: formBlock.phone, company: formBlock.company, full_name: formBlock.full_name };
    const automation = blocks.find((b) => b.type === "enter_automation");
    const choice = $("bot-automation");
    choice.replaceChildren(new Option("None", ""), ...automations.map((a) => new Option(a.name, a.id)));
    choice.value = automation && automation.type === "enter_automation" ? automation.automation_id : "";
    renderFields();
    const offline = blocks.find((b) => b.type === "offline");
    renderOffline(offline && offline.type === "offline" ? offline : null);
    $("settings").dataset.site = site; // what the forms now show (tests wait on it)
    refreshPreview();
  } catch (err) {
    if (isCurrent()) showError($("site-error"), err, "Could not load this site's settings: ");
  }
}

/** The Form block's field rows: remove (×) or add back, and tick Required. */
function renderFields() {
  const list = $("bot-fields");
  list.replaceChildren();
  for (const [field, label] of FIELDS) {
    const li = el("li", "bot-field");
    li.dataset.field = field;
    if (form[field] === "hidden") {
      const add = el("button", "link", `Add ${label}`);
      add.type = "button";
      add.addEventListener("click", () => { form[field] = "optional"; renderFields(); });
      li.append(add);
    } else {
      const required = document.createElement("input");
      required.type = "checkbox";
      required.checked = form[field] === "required";
      required.setAttribute("aria-label", `${label} required`);
      required.addEventListener("change", () => { form[field] = required.checked ? "required" : "optional"; });
      const remove = el("button", "link", "×");
      remove.type = "button";
      remove.setAttribute("aria-label", `Remove ${label}`);
      remove.addEventListener("click", () => { form[field] = "hidden"; renderFields(); });
      const requiredLabel = el("label", "check");
      requiredLabel.append(required, " Required");
      li.append(el("span", "field-name", label), requiredLabel, remove);
    }
    list.append(li);
  }
}

/** minutes from midnight ⇄ "HH:MM" (an <input type=time> value). */
const hhmm = (minutes) => `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
const minutes = (text) => {
  const [h, m] = text.split(":").map(Number);
  return h * 60 + m;
};

/** The offline block's fields: on/off, text, time zone, and each day's hours or "Closed". */
function renderOffline(offline) {
  $("bot-offline-on").checked = Boolean(offline);
  $("bot-offline-text").value = offline?.text ?? "";
  $("bot-offline-fr").value = offline?.translations?.fr ?? "";
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

/** The offline block as edited, or null when business hours are off. */
function editedOffline() {
  if (!$("bot-offline-on").checked) return null;
  const hours = [...$("bot-hours").children].map((li) => {
    const [open, close] = [...li.querySelectorAll("input[type=time]")].map((i) => minutes(/** @type {HTMLInputElement} */ (i).value || "00:00"));
    const closed = /** @type {HTMLInputElement} */ (li.querySelector("input[type=checkbox]")).checked;
    return closed ? null : { open, close: close === 0 ? 1440 : close };
  });
  return /** @type {Block} */ ({
    type: "offline", text: $("bot-offline-text").value.trim(), hours, time_zone: $("bot-offline-zone").value.trim(),
    ...translated("bot-offline-fr"),
  });
}

/** The chatbot as edited: greeting, Form, automation, and any other block as loaded. */
function editedBlocks() {
  /** @type {Block[]} */
  const out = [];
  const greeting = $("bot-greeting").value.trim();
  if (greeting) out.push({ type: "greeting", text: greeting, ...translated("bot-greeting-fr") });
  out.push({ type: "form", ...form });
  const automation = $("bot-automation").value.trim();
  if (automation) out.push({ type: "enter_automation", automation_id: automation });
  const offline = editedOffline();
  if (offline) out.push(offline);
  return out;
}

/** What the widget's config would be with the forms as they are now (saved or not). */
function previewConfig() {
  const offline = editedOffline();
  return {
    site_id: "preview", name: $("site-name").value, greeting: $("bot-greeting").value.trim(),
    greetings: translated("bot-greeting-fr").translations ?? {}, offlines: translated("bot-offline-fr").translations ?? {},
    color: $("w-color").value, position: $("w-position").value, language: $("w-language").value,
    files: $("w-files").checked,
    form: { ...form }, offline: offline && offline.type === "offline" ? offline.text : null, enabled: true,
  };
}

let previewTimer;
/** Reloads the live preview with the forms' current values, shortly after the last change. */
export function refreshPreview() {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(() => {
    $("w-preview").src = `/preview?config=${encodeURIComponent(JSON.stringify(previewConfig()))}`;
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
      files: $("w-files").checked,
    })));
  $("bot-form").addEventListener("submit", (e) => saving(e, "bot-saved", "bot-error", async () => {
    blocks = (await client.updateChatbot($("s-site").value, { blocks: editedBlocks() })).chatbot.blocks;
  }));
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
