// @ts-check
// The list pane: the unified conversation list with its filters (labels
// included: labels.js) and search (a
// search lists the best matches first, each with a snippet of the message that
// matched, its words in <mark>), a "Load more" cursor, and the list's
// request-order guard (a newer load wins).
// Live pushes ask for refreshes, which coalesce and pause while older pages
// are shown (a "show the latest" button appears instead).
import { client, latestOnly, coalesced } from "./api.js";
import { chips, filterLabels, initLabelFilter } from "./labels.js";
import { $, el, alertBox, showError, when, relativeTime, ago, since, tick, NAME_STATED, UNVERIFIED } from "./dom.js";
import { snoozeLine } from "./snooze.js";
import { slaBadge } from "./sla.js";

const fresh = latestOnly();
let next = null; // the cursor of the next older page
let more = false; // older pages are shown (the refresh pauses)
/** @type {Map<string, import("./api-types").Conversation>} */
const shown = new Map(); // the conversations in the list, by id
/** @typedef {{open: (id: string, found?: string) => void, currentId: () => string | null, loaded: (unread: number) => void}} ListHooks */
/** @type {ListHooks} */
let hooks = { open: () => {}, currentId: () => null, loaded: () => {} };

/** Wires the filters and search; `open(id, found?)` opens a conversation (at a search hit's message), `currentId()` names the open one, `loaded(unread)` follows each load. */
/** @param {ListHooks} listHooks */
export function initList(listHooks) {
  hooks = listHooks;
  $("list-stale").addEventListener("click", () => loadList().catch(() => {}));
  for (const id of ["f-channel", "f-status", "f-assignee", "f-sort"]) $(id).addEventListener("change", () => loadList().catch(() => {}));
  initLabelFilter(() => loadList().catch(() => {}));
  let searchTimer;
  $("f-q").addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => loadList().catch(() => {}), 250);
  });
}

/** The list's query from the filters ("spam" is a flag of its own, not a status). */
function listParams() {
  const params = new URLSearchParams();
  for (const [key, id] of [["channel", "f-channel"], ["status", "f-status"], ["assignee", "f-assignee"], ["q", "f-q"]]) {
    if ($(id).value.trim()) params.set(key, $(id).value.trim());
  }
  const labels = filterLabels();
  if (labels.length) params.set("labels", labels.join(","));
  if (params.get("status") === "spam") {
    params.delete("status");
    params.set("spam", "true");
  }
  // "My teams" is a filter of its own (team=mine), offered beside Mine and Unassigned.
  if (params.get("assignee") === "team:mine") {
    params.delete("assignee");
    params.set("team", "mine");
  }
  if (params.get("status") === "snoozed") {
    params.delete("status");
    params.set("snoozed", "true");
  }
  // By time left on the response targets; a search keeps its own ranking.
  if ($("f-sort").value && !params.has("q")) params.set("sort", $("f-sort").value);
  return params;
}

/**
 * A search hit's snippet: its runs as text nodes, the matched words in <mark>
 * elements (built with the DOM, so the message's text never runs as HTML).
 * @param {import("./api-types").MatchSnippet} snippet
 */
function snippetLine(snippet) {
  const line = el("span", "preview snippet");
  for (const part of snippet.parts) line.append(part.mark ? el("mark", "", part.text) : document.createTextNode(part.text));
  return line;
}

/** One conversation as a list item. */
/** @param {import("./api-types").Conversation} c */
function item(c) {
  const li = el("li", c.unread ? "unread" : "");
  const b = el("button");
  b.type = "button";
  b.dataset.id = c.id;
  b.setAttribute("aria-current", String(c.id === hooks.currentId()));
  const who = el("span", "who");
  who.append(el("span", "badge", c.channel), c.display_name);
  if (c.unread) who.append(el("span", "sr-unread", " (unread)"));
  if (c.unverified_email) who.append(el("span", "badge warn", UNVERIFIED));
  if (c.name_stated) who.append(el("span", "badge warn", NAME_STATED));
  b.append(who);
  const sla = slaBadge(c);
  if (sla) b.append(sla);
  if (c.label_ids.length) b.append(chips(c.label_ids));
  if (c.contact_email && c.contact_name) b.append(el("span", "preview", c.contact_email));
  b.append(c.snippet ? snippetLine(c.snippet) : el("span", "preview", c.subject || c.preview || ""));
  if (c.assignee_name) b.append(el("span", "preview", `Assigned to ${c.assignee_name}`));
  if (c.team_name) b.append(el("span", "preview", `Team ${c.team_name}`));
  if (c.snoozed) b.append(el("span", "preview snoozed", snoozeLine(c)));
  else if (c.woken_at && c.status === "open") b.append(el("span", "preview woken", `Back from snooze ${when(c.woken_at)}`));
  b.append(times(c));
  b.addEventListener("click", () => hooks.open(c.id, c.snippet?.message_id));
  li.append(b);
  return li;
}

/** A conversation's last activity, and how long the customer has waited for the team (when they have). */
/** @param {import("./api-types").Conversation} c */
function times(c) {
  const line = el("span", "times");
  const last = el("span", "last-activity", "Last activity ");
  last.append(relativeTime(c.last_message_at, ago));
  line.append(last);
  if (c.waiting_since != null) {
    const waiting = el("span", "waiting", "Customer waiting ");
    waiting.append(relativeTime(c.waiting_since, since));
    line.append(waiting);
  }
  return line;
}

// The relative times follow the clock (a minute at a time), without reloading the list.
setInterval(() => tick($("list")), 60_000);

/** The "Load more" button, with its own alert for a failed page. */
function moreItem() {
  const li = el("li", "more");
  const button = el("button", "link", "Load more");
  button.type = "button";
  button.id = "load-more";
  const error = alertBox("load-more-error");
  button.addEventListener("click", () => {
    showError(error, null);
    loadList({ append: true }).catch((err) => showError(error, err, "Could not load more: "));
  });
  li.append(button, error);
  return li;
}

/**
 * Loads the first page (or, with append, the next older one) into the list.
 * A failure of the first page shows in #list-error; a stale answer is dropped.
 * Rejects with the ApiError so a caller (Load more) can show it by its control.
 */
export async function loadList({ append = false } = {}) {
  const params = listParams();
  if (append && next) params.set("before", next);
  const current = fresh();
  /** @type {import("./api-types").ConversationPage} */
  let page;
  try {
    page = await client.conversations(params);
  } catch (err) {
    if (!current()) return; // a newer load (other filters) is under way
    if (!append) showError($("list-error"), err, "Could not load conversations: ");
    throw err;
  }
  if (!current()) return;
  showError($("list-error"), null);
  next = page.next;
  more = append;
  const list = $("list");
  // A reload rebuilds the list: the conversation that had the keyboard's
  // focus gets it back (a push must not throw a keyboard user out of the list).
  const focused = list.contains(document.activeElement) ? /** @type {HTMLElement} */ (document.activeElement).closest("[data-id]") : null;
  const focusedId = focused instanceof HTMLElement ? focused.dataset.id : undefined;
  if (!append) {
    list.replaceChildren();
    shown.clear();
    $("list-stale").hidden = true;
  }
  list.querySelector(".more")?.remove();
  for (const c of page.conversations) {
    // A conversation can move between pages (new mail, a search's ranks): shown once.
    if (shown.has(c.id)) continue;
    shown.set(c.id, c);
    list.append(item(c));
  }
  if (!list.children.length) list.append(el("li", "empty", "No conversations."));
  if (next) list.append(moreItem());
  if (focusedId && !list.contains(document.activeElement)) {
    /** @type {HTMLElement | null} */ (list.querySelector(`button[data-id="${CSS.escape(focusedId)}"]`) ?? list.querySelector("button[data-id]"))?.focus();
  }
  hooks.loaded([...shown.values()].filter((c) => c.unread).length);
}

/** Reloads the first page, coalescing bursts (one load in flight, one queued). */
const reloadFirstPage = coalesced(() => loadList());

/** Asks for a fresh first page; while older pages are shown it only offers "show the latest". */
export function refreshList() {
  if (more) {
    $("list-stale").hidden = false;
    return Promise.resolve();
  }
  return reloadFirstPage();
}

/** The conversation as the loaded list has it, if it is there. */
/** @param {string} id */
export const listed = (id) => shown.get(id);
