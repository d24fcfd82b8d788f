// @ts-check
// Settings › Labels (the primary admin's): the account's labels, each renamed,
// recoloured (the chip shows the text colour the worker chose for it) or
// deleted in place, and a form adding one. Refusals (a taken name, a bad
// colour) show by the form, with the worker's reason.
import { client } from "./api.js";
import { $, el, showError } from "./dom.js";
import { chip, loadLabels } from "./labels.js";
import { LABEL_NAME_CHARS } from "./constants.js";

/** Lists the account's labels with their controls. */
export async function loadLabelSettings() {
  /** @type {import("./api-types").Label[]} */
  let labels;
  try {
    labels = await loadLabels();
  } catch (err) {
    showError($("lb-error"), err, "Could not load the labels: ");
    return;
  }
  // The error stays: a refusal shown meanwhile is not wiped by a list that
  // loaded late (change() clears it before each attempt).
  $("labels-admin").replaceChildren(...labels.map(row));
}

/** One label's row: name, colour, its chip, Save and Delete. */
/** @param {import("./api-types").Label} label */
function row(label) {
  const li = el("li");
  const form = el("form", "label-row");
  const name = el("input");
  name.defaultValue = label.name;
  name.maxLength = LABEL_NAME_CHARS;
  name.required = true;
  name.setAttribute("aria-label", `Name of label ${label.name}`);
  const colour = el("input");
  colour.type = "color";
  colour.defaultValue = label.colour;
  colour.setAttribute("aria-label", `Colour of label ${label.name}`);
  const save = el("button", null, "Save");
  save.type = "submit";
  save.setAttribute("aria-label", `Save label ${label.name}`);
  const remove = el("button", "link", "Delete");
  remove.type = "button";
  remove.setAttribute("aria-label", `Delete label ${label.name}`);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    await change(() => client.updateLabel(label.id, { name: name.value, colour: colour.value }), `Could not save ${label.name}: `);
  });
  remove.addEventListener("click", () => change(() => client.deleteLabel(label.id), `Could not delete ${label.name}: `));
  form.append(chip(label), name, colour, save, remove);
  li.append(form);
  return li;
}

/** Sends a change; then the list again, or the refusal. */
/** @param {() => Promise<unknown>} send @param {string} prefix */
async function change(send, prefix) {
  showError($("lb-error"), null);
  try {
    await send();
  } catch (err) {
    showError($("lb-error"), err, prefix);
    return false;
  }
  await loadLabelSettings();
  return true;
}

/** Wires the form that adds a label. */
export function initLabelSettings() {
  $("lb-name").maxLength = LABEL_NAME_CHARS;
  $("lb-form").addEventListener("submit", async (/** @type {Event} */ e) => {
    e.preventDefault();
    const added = await change(() => client.createLabel({ name: $("lb-name").value, colour: $("lb-colour").value }), "Label not added: ");
    if (added) {
      $("lb-name").value = "";
      $("lb-name").focus();
    }
  });
}
