// @ts-check
// Contact attributes in the inbox: the account's definitions (loaded with
// each contact profile), a contact's values among its facts, and the contact panel's
// "Edit attributes" form: one labelled input per attribute, fitting its kind
// (text, number, date, yes/no, one of a list), all by keyboard; Escape
// cancels. The worker checks every value (shared::attribute): its refusal,
// naming the attribute, shows by the form and nothing is written.
import { client } from "./api.js";
import { el, alertBox, showError, disclosure } from "./dom.js";

/** @type {import("./api-types").Attribute[]} */
let known = [];

/** Loads the account's attributes; answers them. */
export async function loadAttributes() {
  known = (await client.attributes()).attributes;
  return known;
}

/** A stored value as people read it. */
/** @param {import("./api-types").Attribute} attribute @param {string | number | boolean} value */
function shown(attribute, value) {
  if (attribute.kind === "boolean") return value ? "Yes" : "No";
  return String(value);
}

/** The `dt`/`dd` pairs of the contact's values, for its facts. */
/** @param {import("./api-types").Contact} contact */
export function attributeFacts(contact) {
  return known
    .filter((a) => contact.attributes[a.key] !== undefined)
    .flatMap((a) => {
      const dd = el("dd", null, shown(a, contact.attributes[a.key]));
      dd.dataset.attribute = a.key;
      return [el("dt", null, a.name), dd];
    });
}

/** A `<select>` of choices, the first meaning "not set". */
/** @param {[string, string][]} choices value and text */
function select(choices) {
  const s = el("select");
  s.append(new Option("— not set —", ""));
  for (const [value, text] of choices) s.append(new Option(text, value));
  return s;
}

/** A stored value as an input holds it ("" for none). */
/** @param {string | number | boolean | undefined} value */
const asText = (value) => (value === undefined ? "" : String(value));

/** The input for one attribute, holding the contact's value. */
/** @param {import("./api-types").Attribute} a @param {string | number | boolean | undefined} value */
function input(a, value) {
  /** @type {HTMLInputElement | HTMLSelectElement} */
  let field;
  if (a.kind === "boolean") field = select([["true", "Yes"], ["false", "No"]]);
  else if (a.kind === "list") field = select(a.options.map((o) => [o, o]));
  else {
    const i = el("input");
    if (a.kind === "date") i.type = "date";
    if (a.kind === "number") i.inputMode = "decimal";
    field = i;
  }
  field.id = `ca-${a.key}`;
  field.name = a.key;
  field.value = asText(value);
  field.dataset.kind = a.kind;
  return field;
}

/** What an input holds, as the API takes it: null when empty. Numbers that do not parse go as typed, for the worker to refuse by name. */
/** @param {HTMLInputElement | HTMLSelectElement} field */
function valueOf(field) {
  const text = field.value.trim();
  if (text === "") return null;
  if (field.dataset.kind === "boolean") return text === "true";
  if (field.dataset.kind === "number") return Number.isFinite(Number(text)) ? Number(text) : text;
  return text;
}

/**
 * "Edit attributes": the disclosure and its form; only changed values are
 * sent, then `saved()` redraws the panel.
 * @param {import("./api-types").Contact} contact
 * @param {() => void} saved
 */
export function attributeEditor(contact, saved) {
  const toggle = el("button", "link", "Edit attributes");
  toggle.type = "button";
  toggle.id = "edit-attributes";
  toggle.setAttribute("aria-expanded", "false");
  toggle.setAttribute("aria-controls", "contact-attributes");
  const form = el("form", "add-contact");
  form.id = "contact-attributes";
  form.hidden = true;
  const fields = known.map((a) => input(a, contact.attributes[a.key]));
  known.forEach((a, i) => {
    const label = el("label", null, a.name);
    label.htmlFor = fields[i].id;
    form.append(label, fields[i]);
  });
  if (!known.length) form.append(el("p", "hint", "No attributes yet: the primary admin defines them in Settings."));
  const save = el("button", null, "Save attributes");
  save.type = "submit";
  save.hidden = !known.length;
  const error = alertBox("contact-attributes-error");
  form.append(save, error);
  const reset = () => fields.forEach((f, i) => (f.value = asText(contact.attributes[known[i].key])));
  disclosure(toggle, form, () => fields[0] ?? toggle, reset, error);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    showError(error, null);
    /** @type {Record<string, unknown>} */
    const change = {};
    known.forEach((a, i) => {
      const was = contact.attributes[a.key];
      const now = valueOf(fields[i]);
      if (now !== (was === undefined ? null : was)) change[a.key] = now;
    });
    if (!Object.keys(change).length) return showError(error, new Error("Nothing changed."));
    try {
      await client.setContactAttributes(contact.id, change);
      saved();
    } catch (err) {
      showError(error, err, "Attributes not saved: ");
    }
  });
  return [toggle, form];
}
