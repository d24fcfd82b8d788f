// @ts-check
// The mention picker of the composer's Note mode: typing `@` (at the start or
// after a space) opens a list of the team, filtered by the name typed after it;
// up/down move, Enter, Tab or a click inserts `@Full Name `, Escape closes.
// The worker finds mentions by that text (shared::trail::mentioned), so what
// is inserted is exactly what mentions the teammate.
import { el } from "./dom.js";

/** Longest name typed after `@` that keeps the picker open. */
const MAX_QUERY = 40;

/** The `@query` being typed before the caret: where its `@` is, and the query; null if none. */
/** @param {HTMLTextAreaElement} text */
function atQuery(text) {
  const caret = text.selectionStart;
  if (caret !== text.selectionEnd) return null;
  const before = text.value.slice(Math.max(0, caret - MAX_QUERY - 1), caret);
  const at = before.lastIndexOf("@");
  if (at < 0) return null;
  const start = caret - before.length + at;
  if (start > 0 && !/\s/.test(text.value[start - 1])) return null; // an address, not a mention
  const query = text.value.slice(start + 1, caret);
  if (query.includes("\n")) return null;
  return { at: start, query: query.toLowerCase() };
}

/** The agents whose name starts with the query first, then those whose name holds it. */
/** @param {import("./api-types").Agent[]} team @param {string} query */
function matching(team, query) {
  const name = (a) => a.full_name.toLowerCase();
  const starts = team.filter((a) => name(a).startsWith(query));
  const holds = team.filter((a) => !name(a).startsWith(query) && name(a).includes(query));
  return [...starts, ...holds];
}

/**
 * Attaches the picker to a composer's textarea; returns the list element to place after it.
 * @param {HTMLTextAreaElement} text
 * @param {() => import("./api-types").Agent[]} team
 * @param {() => boolean} active whether the composer writes a note now
 */
export function mentionPicker(text, team, active) {
  const list = el("ul", "reply-picker");
  list.id = "mention-picker";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Teammates to mention");
  list.hidden = true;
  text.setAttribute("aria-controls", `${text.getAttribute("aria-controls") ?? ""} ${list.id}`.trim());
  /** @type {import("./api-types").Agent[]} */
  let shown = [];
  let current = 0;
  let dismissedAt = -1; // the `@` Escape closed the picker for

  const close = () => {
    if (list.hidden) return;
    list.hidden = true;
    shown = [];
    text.removeAttribute("aria-activedescendant");
  };

  const highlight = (i) => {
    current = (i + shown.length) % shown.length;
    [...list.children].forEach((li, n) => li.setAttribute("aria-selected", String(n === current)));
    text.setAttribute("aria-activedescendant", `mention-option-${current}`);
    list.children[current]?.scrollIntoView({ block: "nearest" });
  };

  /** Replaces the `@query` with `@Full Name `. */
  const choose = (agent) => {
    const found = atQuery(text);
    if (!found) return close();
    text.setRangeText(`@${agent.full_name} `, found.at, text.selectionStart, "end");
    text.dispatchEvent(new Event("input", { bubbles: true }));
    close();
    text.focus();
  };

  const update = () => {
    const found = active() ? atQuery(text) : null;
    if (!found) dismissedAt = -1;
    if (!found || found.at === dismissedAt) return close();
    shown = matching(team(), found.query);
    if (!shown.length) return close();
    list.replaceChildren(...shown.map((a, i) => {
      const li = el("li", null, a.full_name);
      li.id = `mention-option-${i}`;
      li.setAttribute("role", "option");
      li.addEventListener("mousedown", (e) => e.preventDefault()); // keep the caret in the textarea
      li.addEventListener("click", () => choose(a));
      return li;
    }));
    list.hidden = false;
    highlight(0);
  };

  text.addEventListener("input", update);
  text.addEventListener("click", update);
  text.addEventListener("blur", close);
  text.addEventListener("keydown", (e) => {
    if (list.hidden || !shown.length) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      highlight(current + (e.key === "ArrowDown" ? 1 : -1));
    } else if (e.key === "Enter" || e.key === "Tab") {
      e.preventDefault();
      e.stopImmediatePropagation();
      choose(shown[current]);
    } else if (e.key === "Escape") {
      e.preventDefault();
      dismissedAt = atQuery(text)?.at ?? -1;
      close();
    }
  });
  return list;
}
