// @ts-check
// Snooze, in the thread's head: a menu button (the WAI-ARIA menu pattern:
// arrows, Home/End, Enter or Space, Escape) offering the presets (later
// today, tomorrow, next week: the worker computes their times from the
// agent's offset from UTC, by shared::snooze's rule), until the customer
// replies, or a chosen date and time; and, while snoozed, when it wakes and
// an Unsnooze button.
import { client } from "./api.js";
import { el, showError, when } from "./dom.js";

/** The agent's offset from UTC in minutes (Paris in winter: 60). */
const utcOffset = () => -new Date().getTimezoneOffset();

/** The menu's entries: a label and the request it sends (null: pick a date). */
/** @type {[string, (() => import("./api-types").SnoozeInput) | null][]} */
const ENTRIES = [
  ["Later today", () => ({ preset: "later_today", utc_offset_minutes: utcOffset() })],
  ["Tomorrow", () => ({ preset: "tomorrow", utc_offset_minutes: utcOffset() })],
  ["Next week", () => ({ preset: "next_week", utc_offset_minutes: utcOffset() })],
  ["Until the customer replies", () => ({ until_reply: true })],
  ["Pick a date and time…", null],
];

/** What a snoozed conversation says about its wake. */
/** @param {import("./api-types").Conversation} c */
export const snoozeLine = (c) => (c.snoozed_until ? `Snoozed until ${when(c.snoozed_until)}` : "Snoozed until the customer replies");

/**
 * The snooze controls of an open conversation; `done()` follows a change.
 * @param {import("./api-types").Conversation} conversation
 * @param {HTMLElement} error the thread's alert
 * @param {() => void} done
 */
export function snoozeControls(conversation, error, done) {
  const box = el("div", "snooze");
  /** @param {Promise<unknown>} sent */
  const send = async (sent) => {
    showError(error, null);
    try {
      await sent;
      done();
    } catch (err) {
      showError(error, err, "Could not snooze: ");
    }
  };
  if (conversation.snoozed) {
    const unsnooze = el("button", null, "Unsnooze");
    unsnooze.type = "button";
    unsnooze.id = "unsnooze";
    unsnooze.addEventListener("click", () => send(client.unsnooze(conversation.id)));
    box.append(el("span", "snoozed-until", snoozeLine(conversation)), unsnooze);
    return box;
  }
  const button = el("button", null, "Snooze");
  button.type = "button";
  button.id = "snooze";
  button.setAttribute("aria-haspopup", "menu");
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", "snooze-menu");
  const menu = el("ul", "menu");
  menu.id = "snooze-menu";
  menu.setAttribute("role", "menu");
  menu.setAttribute("aria-label", "Snooze until");
  menu.hidden = true;
  const picker = datePicker((until) => send(client.snooze(conversation.id, { until })));
  /** @type {HTMLElement[]} */
  const items = ENTRIES.map(([label, input]) => {
    const li = el("li", null, label);
    li.setAttribute("role", "menuitem");
    li.tabIndex = -1;
    li.addEventListener("click", () => {
      close(false);
      if (input) send(client.snooze(conversation.id, input()));
      else {
        picker.hidden = false;
        picker.querySelector("input")?.focus();
      }
    });
    return li;
  });
  menu.append(...items);
  const open = (at = 0) => {
    menu.hidden = false;
    button.setAttribute("aria-expanded", "true");
    items[at].focus();
  };
  /** @param {boolean} refocus */
  const close = (refocus) => {
    menu.hidden = true;
    button.setAttribute("aria-expanded", "false");
    if (refocus) button.focus();
  };
  button.addEventListener("click", () => (menu.hidden ? open() : close(true)));
  button.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      open(e.key === "ArrowUp" ? items.length - 1 : 0);
    }
  });
  menu.addEventListener("keydown", (e) => {
    const at = items.indexOf(/** @type {HTMLElement} */ (document.activeElement));
    const moves = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: items.length - 1 };
    if (e.key in moves) {
      e.preventDefault();
      items[(moves[/** @type {keyof typeof moves} */ (e.key)] + items.length) % items.length].focus();
    } else if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      items[at]?.click();
    } else if (e.key === "Escape" || e.key === "Tab") {
      if (e.key === "Escape") e.preventDefault();
      close(e.key === "Escape");
    }
  });
  menu.addEventListener("focusout", (e) => {
    if (!menu.contains(/** @type {Node | null} */ (e.relatedTarget)) && e.relatedTarget !== button) close(false);
  });
  box.append(button, menu, picker);
  return box;
}

/**
 * The "pick a date and time" form: a local date and time, sent as an absolute time.
 * @param {(until: number) => void} chosen
 */
function datePicker(chosen) {
  const form = el("form", "snooze-at");
  form.hidden = true;
  form.setAttribute("aria-label", "Snooze until a date and time");
  const label = el("label", null, "Wake at ");
  const input = el("input");
  input.type = "datetime-local";
  input.id = "snooze-at";
  input.required = true;
  label.htmlFor = "snooze-at";
  const go = el("button", null, "Snooze until then");
  go.type = "submit";
  form.append(label, input, go);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const until = new Date(input.value).getTime();
    if (Number.isFinite(until)) chosen(until);
  });
  return form;
}
