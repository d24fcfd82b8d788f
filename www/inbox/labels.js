// @ts-check
// Labels in the inbox: the account's labels (by id), their chips (the
// label's colour behind the black or white text the worker chose for WCAG AA
// contrast), the list's label filter (conversations with all the labels
// ticked), and the editor that puts labels on, or takes them off, a
// conversation or a contact: a disclosure of checkboxes, all by keyboard.
import { client } from "./api.js";
import { $, el, alertBox, showError } from "./dom.js";

/** @type {Map<string, import("./api-types").Label>} */
let known = new Map();

/** Loads the account's labels (the list's filter is redrawn with them); answers them. */
export async function loadLabels() {
  const { labels } = await client.labels();
  known = new Map(labels.map((l) => [l.id, l]));
  drawFilter();
  return labels;
}

/** What the labels look like now: a view built with them is redrawn when this changes. */
export const labelsKey = () => JSON.stringify([...known.values()]);

/** One label's chip. */
/** @param {import("./api-types").Label} label */
export function chip(label) {
  const c = el("span", "label-chip", label.name);
  c.style.backgroundColor = label.colour;
  c.style.color = label.text_colour;
  return c;
}

/** The chips of these labels (known ones, by name), announced as "Labels:". */
/** @param {string[]} ids */
export function chips(ids) {
  const box = el("span", "label-chips");
  const shown = ids.map((id) => known.get(id)).filter((l) => l !== undefined);
  if (!shown.length) return box;
  box.append(el("span", "sr-unread", "Labels: "));
  for (const l of shown) box.append(chip(l));
  return box;
}

/** The filter's checkboxes, one per label; the ticks survive a redraw. */
function drawFilter() {
  const box = $("f-labels");
  const options = $("f-labels-options");
  const ticked = new Set(filterLabels());
  for (const old of options.querySelectorAll("label")) old.remove();
  for (const l of known.values()) {
    const input = el("input");
    input.type = "checkbox";
    input.value = l.id;
    input.checked = ticked.has(l.id);
    input.addEventListener("change", () => {
      summarize();
      onFilter();
    });
    const label = el("label", "check");
    label.append(input, chip(l));
    options.append(label);
  }
  box.hidden = known.size === 0;
  summarize();
}

/** The filter's summary says how many labels are ticked. */
function summarize() {
  const n = filterLabels().length;
  $("f-labels-summary").textContent = n ? `Labels (${n})` : "Labels";
}

let onFilter = () => {};

/** Wires the list's label filter: `changed()` reloads the list. */
/** @param {() => void} changed */
export function initLabelFilter(changed) {
  onFilter = changed;
}

/** The ids of the labels the list is filtered by. */
export function filterLabels() {
  return [...$("f-labels-options").querySelectorAll("input:checked")].map((i) => /** @type {HTMLInputElement} */ (i).value);
}

/**
 * The label editor of a conversation or a contact: its chips, and a
 * "Labels" disclosure with a checkbox per label; each tick or untick is sent
 * at once (`apply`), and a refusal unticks it and shows by the editor.
 * @param {string} id the editor's id (its parts are named after it)
 * @param {string} what whose labels, for people ("conversation", "contact")
 * @param {string[]} ids the labels it carries
 * @param {(change: {add?: string[], remove?: string[]}) => Promise<import("./api-types").AppliedLabels>} apply
 */
export function labelEditor(id, what, ids, apply) {
  const box = el("div", "label-editor");
  box.id = id;
  const details = el("details");
  const summary = el("summary", null, "Edit labels");
  summary.setAttribute("aria-label", `Edit labels of this ${what}`);
  const group = el("fieldset");
  group.append(el("legend", "sr-unread", `Labels of this ${what}`));
  const error = alertBox(`${id}-error`);
  for (const l of known.values()) {
    const input = el("input");
    input.type = "checkbox";
    input.value = l.id;
    input.addEventListener("change", async () => {
      showError(error, null);
      try {
        const answer = await apply(input.checked ? { add: [l.id] } : { remove: [l.id] });
        syncLabelEditor(box, answer.label_ids);
      } catch (err) {
        input.checked = !input.checked;
        showError(error, err, "Labels not changed: ");
      }
    });
    const label = el("label", "check");
    label.append(input, chip(l));
    group.append(label);
  }
  if (!known.size) group.append(el("p", "hint", "No labels yet: the primary admin adds them in Settings."));
  details.append(summary, group);
  box.append(chips([]), details, error);
  syncLabelEditor(box, ids);
  return box;
}

/** Shows these labels in an editor, in place (the focused checkbox stays focused). */
/** @param {HTMLElement | null} box @param {string[]} ids */
export function syncLabelEditor(box, ids) {
  if (!box) return;
  box.querySelector(".label-chips")?.replaceWith(chips(ids));
  for (const input of box.querySelectorAll("fieldset input")) {
    const i = /** @type {HTMLInputElement} */ (input);
    i.checked = ids.includes(i.value);
  }
}
