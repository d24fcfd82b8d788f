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

/** The largest whole unit of a span of time, in words ("5 minutes", "2 hours", "less than a minute"). */
/** @param {number} span ms */
export function duration(span) {
  const units = /** @type {const} */ ([["day", 86_400_000], ["hour", 3_600_000], ["minute", 60_000]]);
  for (const [unit, size] of units) {
    const n = Math.floor(span / size);
    if (n >= 1) return new Intl.NumberFormat(undefined, { style: "unit", unit, unitDisplay: "long" }).format(n);
  }
  return "less than a minute";
}

/**
 * A time shown relative to now (`relative(ms)` words it, e.g. "5 minutes
 * ago"), in a <time> with its exact date-time: machine-readable in
 * `datetime`, in a tooltip, and read out to assistive technology (a visually
 * hidden part; the relative text beside it is hidden from it). `tick()`
 * rewords every such time as the clock moves.
 * @param {number} ms @param {(ms: number) => string} relative
 */
export function relativeTime(ms, relative) {
  const time = document.createElement("time");
  time.dateTime = new Date(ms).toISOString();
  time.title = when(ms);
  time.dataset.at = String(ms);
  time.dataset.words = relative === ago ? "ago" : "for";
  const shown = el("span", null, relative(ms));
  shown.setAttribute("aria-hidden", "true");
  time.append(shown, el("span", "sr-unread", `${relative(ms)} (${when(ms)})`));
  return time;
}

/** "5 minutes ago" (or "just now"). @param {number} ms */
export const ago = (ms) => (Date.now() - ms < 60_000 ? "just now" : `${duration(Date.now() - ms)} ago`);

/** "5 minutes" (how long since then). @param {number} ms */
export const since = (ms) => duration(Date.now() - ms);

/** Rewords the relative times inside `root` for the time now. @param {ParentNode} root */
export function tick(root) {
  for (const node of root.querySelectorAll("time[data-at]")) {
    const time = /** @type {HTMLElement} */ (node);
    const at = Number(time.dataset.at);
    const words = time.dataset.words === "ago" ? ago(at) : since(at);
    time.firstElementChild.textContent = words;
    time.lastElementChild.textContent = `${words} (${when(at)})`;
  }
}


/** The mark for an address a visitor typed but never proved. */
export const UNVERIFIED = "email not verified";

/** The mark for a conversation named by what a visitor typed. */
export const NAME_STATED = "name not verified";

/** The mark for a contact's value a visitor typed but never proved (phone, company, name). */
export const STATED = "stated by a visitor, not verified";

/** Shows only the named top-level views (sign-in, invitation, inbox, settings, saved replies, signature, mentions, reports). */
export const show = (...ids) => ["signin", "accept", "inbox", "settings", "replies", "signature", "mentions", "reports"].forEach((id) => ($(id).hidden = !ids.includes(id)));

/**
 * Wires a button that shows and hides its edit form: a click toggles it (the
 * focus to `first()` when shown); Escape inside cancels (`reset()`, the
 * error cleared), hides it and gives the focus back to the button.
 * @param {HTMLElement} toggle @param {HTMLFormElement} form
 * @param {() => HTMLElement} first @param {() => void} reset @param {HTMLElement} error
 */
export function disclosure(toggle, form, first, reset, error) {
  toggle.addEventListener("click", () => {
    form.hidden = !form.hidden;
    toggle.setAttribute("aria-expanded", String(!form.hidden));
    if (!form.hidden) first().focus();
  });
  form.addEventListener("keydown", (e) => {
    if (e.key !== "Escape") return;
    e.preventDefault();
    reset();
    showError(error, null);
    form.hidden = true;
    toggle.setAttribute("aria-expanded", "false");
    toggle.focus();
  });
}
