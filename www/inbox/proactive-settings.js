// @ts-check
// Settings › Proactive messages (the primary admin's), of the site chosen
// above: each message edited in place (text, URL pattern, time on page,
// audience, language, frequency, on or off), saved or deleted, with what it
// led to (replies, conversations started; shown counts are not collected:
// showing writes nothing), and a form adding one. Refusals show by the list,
// with the worker's reason.
import { client, latestOnly } from "./api.js";
import { $, el, showError } from "./dom.js";
import { BOT_MESSAGE_CHARS, PROACTIVE_URL_CHARS, PROACTIVE_MAX_DELAY } from "./constants.js";

const fresh = latestOnly();
const site = () => $("s-site").value;
let serial = 0;

/** The choices of each vocabulary (shared::proactive), as the form shows them. */
const CHOICES = {
  audience: [["all", "All visitors"], ["new", "New visitors (no chat cookie yet)"], ["returning", "Returning visitors (wrote before)"]],
  language: [["any", "Any language"], ["en", "English widget only"], ["fr", "French widget only"]],
  frequency: [["page", "Once per page view"], ["day", "Once a day (returning visitors)"], ["once", "Once (returning visitors)"]],
};

/** A labelled control in `form`; answers the control. @param {HTMLElement} form @param {string} text @param {HTMLElement} control */
function field(form, text, control) {
  control.id = `pm-f${++serial}`;
  const label = el("label", null, text);
  label.htmlFor = control.id;
  const box = el("span", "pm-field");
  box.append(label, control);
  form.append(box);
  return control;
}

/**
 * The fields of a message's form, filled from `m` (or defaults), in `form`;
 * answers a function reading them as the API takes them.
 * @param {HTMLElement} form @param {import("./api-types").ProactiveMessage | null} m @param {string} name
 */
function fields(form, m, name) {
  const text = /** @type {HTMLTextAreaElement} */ (field(form, `Text${name}`, el("textarea")));
  text.rows = 2;
  text.maxLength = BOT_MESSAGE_CHARS;
  text.required = true;
  text.value = m?.text ?? "";
  const url = /** @type {HTMLInputElement} */ (field(form, `Pages (URL pattern, * for any characters)${name}`, el("input")));
  url.maxLength = PROACTIVE_URL_CHARS;
  url.required = true;
  url.placeholder = "/pricing*";
  url.value = m?.url ?? "";
  const delay = /** @type {HTMLInputElement} */ (field(form, `Seconds on the page${name}`, el("input")));
  delay.type = "number";
  delay.min = "0";
  delay.max = String(PROACTIVE_MAX_DELAY);
  delay.required = true;
  delay.value = String(m?.delay_seconds ?? 30);
  /** @type {Record<string, HTMLSelectElement>} */
  const selects = {};
  for (const [key, label] of [["audience", "Visitors"], ["language", "Language"], ["frequency", "How often"]]) {
    const select = /** @type {HTMLSelectElement} */ (field(form, `${label}${name}`, el("select")));
    for (const [value, text] of CHOICES[key]) select.append(new Option(text, value));
    select.value = m?.[key] ?? CHOICES[key][0][0];
    selects[key] = select;
  }
  const enabled = /** @type {HTMLInputElement} */ (field(form, `Shown${name}`, el("input")));
  enabled.type = "checkbox";
  enabled.checked = m?.enabled ?? true;
  return () => ({
    text: text.value,
    url: url.value,
    delay_seconds: Number(delay.value),
    audience: /** @type {any} */ (selects.audience.value),
    language: /** @type {any} */ (selects.language.value),
    frequency: /** @type {any} */ (selects.frequency.value),
    enabled: enabled.checked,
  });
}

/** One message's row: its form, Save, Delete and its counts. @param {import("./api-types").ProactiveMessage} m @param {number} n */
function row(m, n) {
  const li = el("li");
  const form = el("form", "pm-row");
  form.setAttribute("aria-label", `Proactive message ${n}`);
  const read = fields(form, m, ` (message ${n})`);
  const counts = el("p", "hint", `Replies: ${m.replied} · Conversations started: ${m.started} · Shown: not collected`);
  const save = el("button", null, "Save");
  save.type = "submit";
  save.setAttribute("aria-label", `Save message ${n}`);
  const remove = el("button", "link", "Delete");
  remove.type = "button";
  remove.setAttribute("aria-label", `Delete message ${n}`);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    change(() => client.updateProactive(site(), m.id, read()), `Could not save message ${n}: `);
  });
  remove.addEventListener("click", () => change(() => client.deleteProactive(site(), m.id), `Could not delete message ${n}: `));
  form.append(save, remove, counts);
  li.append(form);
  return li;
}

/** Lists the chosen site's messages; called when Settings opens and when the site changes. */
export async function loadProactiveSettings() {
  const isCurrent = fresh();
  /** @type {import("./api-types").ProactiveMessages} */
  let answer;
  try {
    answer = await client.proactive(site());
  } catch (err) {
    if (isCurrent()) showError($("pm-error"), err, "Could not load the proactive messages: ");
    return;
  }
  if (!isCurrent()) return;
  $("pm-list").replaceChildren(...answer.messages.map((m, i) => row(m, i + 1)));
  $("pm-count").textContent = `${answer.messages.length} of ${answer.max} messages.`;
}

/** Sends a change; then the list again, or the refusal. @param {() => Promise<unknown>} send @param {string} prefix */
async function change(send, prefix) {
  showError($("pm-error"), null);
  try {
    await send();
  } catch (err) {
    showError($("pm-error"), err, prefix);
    return false;
  }
  await loadProactiveSettings();
  return true;
}

/** Builds the form that adds a message, and reloads the list when another site is chosen. */
export function initProactiveSettings() {
  const form = $("pm-form");
  const read = fields(form, null, " (new message)");
  const add = el("button", null, "Add message");
  add.type = "submit";
  form.append(add);
  form.addEventListener("submit", async (/** @type {Event} */ e) => {
    e.preventDefault();
    if (await change(() => client.createProactive(site(), read()), "Message not added: ")) form.reset();
  });
  $("s-site").addEventListener("change", () => {
    showError($("pm-error"), null);
    loadProactiveSettings();
  });
}
