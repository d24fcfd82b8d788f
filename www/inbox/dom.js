// @ts-check
// Small DOM and formatting helpers shared by the inbox modules. Everything from
// the API goes through textContent (el, showError); nothing here parses HTML.

/** The element with this id (typed loosely: the inbox's own markup decides what it is). @type {(id: string) => any} */
export const $ = (id) => document.getElementById(id);

/** A new element with an optional class and text (set as textContent, never HTML). */
export function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text != null) e.textContent = text;
  return e;
}

/** An empty role=alert paragraph for a control's errors (optionally with an id). */
export function alertBox(id) {
  const box = el("p", "error");
  box.setAttribute("role", "alert");
  if (id) box.id = id;
  return box;
}

/** Shows an error's readable message in an alert element (or clears it with null). */
export function showError(box, err, prefix = "") {
  box.textContent = err ? `${prefix}${err.message}` : "";
}

/** A timestamp (ms) as a short local date and time. */
export const when = (ms) => new Date(ms).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });


/** The mark for an address a visitor typed but never proved. */
export const UNVERIFIED = "email not verified";

/** The mark for a conversation named by what a visitor typed. */
export const NAME_STATED = "name not verified";

/** The mark for a contact's value a visitor typed but never proved (phone, company, name). */
export const STATED = "stated by a visitor, not verified";

/** Shows only the named top-level views (sign-in, invitation, inbox, settings, saved replies, signature, mentions). */
export const show = (...ids) => ["signin", "accept", "inbox", "settings", "replies", "signature", "mentions"].forEach((id) => ($(id).hidden = !ids.includes(id)));
