// @ts-check
// The saved-reply picker of the composer: typing `/` (at the start or after a
// space) opens a list of the team's saved replies, filtered by what follows
// (shortcut, title or text); up/down move, Enter or a click inserts, Escape
// closes. The worker fills the placeholders in for the conversation
// (GET /api/conversations/{id}/saved-replies): the inbox only inserts its text.
import { client } from "./api.js";
import { el } from "./dom.js";

/** Longest query after `/` that keeps the picker open. */
const MAX_QUERY = 60;

/** The `/query` being typed before the caret: where its `/` is, and the query; null if none. */
/** @param {HTMLTextAreaElement} text */
function slashQuery(text) {
  const caret = text.selectionStart;
  if (caret !== text.selectionEnd) return null;
  const before = text.value.slice(Math.max(0, caret - MAX_QUERY - 1), caret);
  const slash = before.lastIndexOf("/");
  if (slash < 0) return null;
  const at = caret - before.length + slash;
  if (at > 0 && !/\s/.test(text.value[at - 1])) return null; // "and/or" is text, not a shortcut
  const query = text.value.slice(at + 1, caret);
  if (query.includes("\n")) return null;
  return { at, query: query.toLowerCase() };
}

/** The replies matching a query: shortcuts starting with it first, then any shortcut, title or text holding it. */
/** @param {import("./api-types").RenderedReply[]} replies @param {string} query */
function matching(replies, query) {
  const q = query.trim();
  const starts = replies.filter((r) => r.shortcut.startsWith(q));
  const holds = replies.filter((r) => !r.shortcut.startsWith(q)
    && (r.shortcut.includes(q) || r.title.toLowerCase().includes(q) || r.text.toLowerCase().includes(q)));
  return [...starts, ...holds];
}

/**
 * Attaches the picker to a composer's textarea; returns the list element to place after it.
 * @param {HTMLTextAreaElement} text
 * @param {string} conversationId
 */
export function replyPicker(text, conversationId) {
  const list = el("ul", "reply-picker");
  list.id = "reply-picker";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Saved replies");
  list.hidden = true;
  text.setAttribute("aria-controls", list.id);
  text.setAttribute("aria-autocomplete", "list");
  /** @type {Promise<import("./api-types").RenderedReply[]> | null} */
  let loading = null;
  /** @type {import("./api-types").RenderedReply[]} */
  let shown = [];
  let active = 0;
  let dismissedAt = -1; // the `/` Escape closed the picker for (it stays closed until another `/`)
  let trigger = null;

  const close = () => {
    list.hidden = true;
    shown = [];
    text.removeAttribute("aria-activedescendant");
  };

  const highlight = (i) => {
    active = (i + shown.length) % shown.length;
    [...list.children].forEach((li, n) => li.setAttribute("aria-selected", String(n === active)));
    text.setAttribute("aria-activedescendant", `reply-option-${active}`);
    list.children[active]?.scrollIntoView({ block: "nearest" });
  };

  /** Replaces the `/query` with the reply's filled-in text. */
  const choose = (reply) => {
    const found = slashQuery(text);
    if (!found) return close();
    const end = text.selectionStart;
    text.setRangeText(reply.text, found.at, end, "end");
    text.dispatchEvent(new Event("input", { bubbles: true }));
    close();
    text.focus();
  };

  const update = async () => {
    const found = slashQuery(text);
    if (!found) dismissedAt = -1; // that `/` is gone: the next one opens the picker again
    if (!found || found.at === dismissedAt) return close();
    if (found.at !== trigger) {
      trigger = found.at;
      loading = null; // a new `/`: ask again, so replies edited meanwhile show
    }
    loading ??= client.savedRepliesFor(conversationId).then((r) => r.saved_replies).catch(() => []);
    const replies = await loading;
    const now = slashQuery(text); // the agent may have typed on while the replies loaded
    if (!now || now.at !== found.at || now.at === dismissedAt) return close();
    shown = matching(replies, now.query);
    if (!shown.length) return close();
    list.replaceChildren(...shown.map((r, i) => {
      const li = el("li", null);
      li.id = `reply-option-${i}`;
      li.setAttribute("role", "option");
      li.append(el("b", null, `/${r.shortcut}`), " ", el("span", null, r.title), el("div", "reason", r.text));
      li.addEventListener("mousedown", (e) => e.preventDefault()); // keep the caret in the textarea
      li.addEventListener("click", () => choose(r));
      return li;
    }));
    list.hidden = false;
    highlight(0);
  };

  text.addEventListener("input", () => { update(); });
  text.addEventListener("click", () => { update(); });
  text.addEventListener("blur", close);
  text.addEventListener("keydown", (e) => {
    if (list.hidden || !shown.length) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      highlight(active + (e.key === "ArrowDown" ? 1 : -1));
    } else if (e.key === "Enter" || e.key === "Tab") {
      e.preventDefault();
      choose(shown[active]);
    } else if (e.key === "Escape") {
      e.preventDefault();
      dismissedAt = slashQuery(text)?.at ?? -1;
      close();
    }
  });
  return list;
}
