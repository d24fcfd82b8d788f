// @ts-check
// Settings › Contact attributes (the primary admin's): the account's
// attributes, each renamed (a list's options edited too, one per line) or
// deleted in place, and a form defining one (key, name, kind, options).
// Refusals show by the form, with the worker's reason.
import { client } from "./api.js";
import { $, el, showError } from "./dom.js";
import { loadAttributes } from "./attributes.js";

/** What each kind is called here. */
const KINDS = { text: "Text", number: "Number", date: "Date", boolean: "Yes/no", list: "One of a list" };

/** Options typed one per line. */
/** @param {string} text */
const lines = (text) => text.split("\n").map((l) => l.trim()).filter((l) => l);

/** Lists the account's attributes with their controls. */
export async function loadAttributeSettings() {
  /** @type {import("./api-types").Attribute[]} */
  let attributes;
  try {
    attributes = await loadAttributes();
  } catch (err) {
    showError($("at-error"), err, "Could not load the contact attributes: ");
    return;
  }
  // The error stays: a refusal shown meanwhile is not wiped by a list that loaded late (change() clears it first).
  $("attributes-admin").replaceChildren(...attributes.map(row));
}

/** One attribute's row: its key and kind, its name (and a list's options), Save and Delete. */
/** @param {import("./api-types").Attribute} a */
function row(a) {
  const li = el("li");
  const form = el("form", "label-row");
  const name = el("input");
  name.defaultValue = a.name;
  name.required = true;
  name.setAttribute("aria-label", `Name of attribute ${a.key}`);
  /** @type {HTMLTextAreaElement | null} */
  let options = null;
  form.append(el("code", null, a.key), el("span", "hint", KINDS[a.kind]), name);
  if (a.kind === "list") {
    options = el("textarea");
    options.rows = 3;
    options.defaultValue = a.options.join("\n");
    options.setAttribute("aria-label", `Options of attribute ${a.key}, one per line`);
    form.append(options);
  }
  const save = el("button", null, "Save");
  save.type = "submit";
  save.setAttribute("aria-label", `Save attribute ${a.key}`);
  const remove = el("button", "link", "Delete");
  remove.type = "button";
  remove.setAttribute("aria-label", `Delete attribute ${a.key} and every contact's value of it`);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const changes = options ? { name: name.value, options: lines(options.value) } : { name: name.value };
    await change(() => client.updateAttribute(a.id, changes), `Could not save ${a.key}: `);
  });
  remove.addEventListener("click", () => change(() => client.deleteAttribute(a.id), `Could not delete ${a.key}: `));
  form.append(save, remove);
  li.append(form);
  return li;
}

/** Sends a change; then the list again, or the refusal. */
/** @param {() => Promise<unknown>} send @param {string} prefix */
async function change(send, prefix) {
  showError($("at-error"), null);
  try {
    await send();
  } catch (err) {
    showError($("at-error"), err, prefix);
    return false;
  }
  await loadAttributeSettings();
  return true;
}

/** Wires the form that defines an attribute (its options only for a list). */
export function initAttributeSettings() {
  const kind = $("at-kind");
  const showOptions = () => ($("at-options-box").hidden = kind.value !== "list");
  kind.addEventListener("change", showOptions);
  showOptions();
  $("at-form").addEventListener("submit", async (/** @type {Event} */ e) => {
    e.preventDefault();
    const list = kind.value === "list";
    const attribute = { key: $("at-key").value.trim(), name: $("at-name").value, kind: kind.value, ...(list ? { options: lines($("at-options").value) } : {}) };
    const added = await change(() => client.createAttribute(attribute), "Attribute not added: ");
    if (added) {
      for (const id of ["at-key", "at-name", "at-options"]) $(id).value = "";
      $("at-key").focus();
    }
  });
}
