// @ts-check
// Site-owner settings (primary admin): the chosen site's name and on/off
// switch, its chat widget (colour, launcher, language) and its chatbot (the
// greeting, the Form block's fields, the automation entered after the Form).
// Each load has its own request-order guard, so switching sites fast never
// shows an older answer.
import { client, latestOnly } from "./api.js";
import { $, el, showError } from "./dom.js";

/** @typedef {import("./api-types").FieldMode} FieldMode */
/** @typedef {import("./api-types").Block} Block */

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
    blocks = chatbot.blocks;
    const greeting = blocks.find((b) => b.type === "greeting");
    $("bot-greeting").value = greeting && greeting.type === "greeting" ? greeting.text : "";
    const formBlock = blocks.find((b) => b.type === "form");
    if (formBlock && formBlock.type === "form") form = { phone: formBlock.phone, company: formBlock.company, full_name: formBlock.full_name };
    const automation = blocks.find((b) => b.type === "enter_automation");
    const choice = $("bot-automation");
    choice.replaceChildren(new Option("None", ""), ...automations.map((a) => new Option(a.name, a.id)));
    choice.value = automation && automation.type === "enter_automation" ? automation.automation_id : "";
    renderFields();
    $("settings").dataset.site = site; // what the forms now show (tests wait on it)
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

/** The chatbot as edited: greeting, Form, automation, and any other block as loaded. */
function editedBlocks() {
  /** @type {Block[]} */
  const out = [];
  const greeting = $("bot-greeting").value.trim();
  const loaded = blocks.find((b) => b.type === "greeting");
  const translations = loaded && loaded.type === "greeting" ? loaded.translations : undefined;
  if (greeting) out.push({ type: "greeting", text: greeting, ...(translations ? { translations } : {}) });
  out.push({ type: "form", ...form });
  const automation = $("bot-automation").value.trim();
  if (automation) out.push({ type: "enter_automation", automation_id: automation });
  for (const b of blocks) if (b.type === "offline") out.push(b);
  return out;
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
    client.updateWidget($("s-site").value, { color: $("w-color").value, position: $("w-position").value, language: $("w-language").value })));
  $("bot-form").addEventListener("submit", (e) => saving(e, "bot-saved", "bot-error", async () => {
    blocks = (await client.updateChatbot($("s-site").value, { blocks: editedBlocks() })).chatbot.blocks;
  }));
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
