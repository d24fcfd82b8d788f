// @ts-check
// Keyboard-first inbox: one-key shortcuts (j/k move in the list, Enter opens,
// r reply, n note, e close, s snooze, l labels, a assign, / search, ? help),
// each a press of the control it stands for, so it does exactly what the
// pointer would. None fires while the agent types in a field (input,
// textarea, select, contenteditable), inside a menu, list box or dialog that
// takes keys itself, or with Ctrl, Alt or Meta held (the browser's and the
// system's shortcuts stay theirs). `?` shows them in a modal dialog that
// keeps the focus inside, closes on Escape and gives the focus back; it can
// turn them all off (WCAG 2.1.4, Character Key Shortcuts), remembered in this
// browser; the nav's Shortcuts button still opens it to turn them back on.
import { $, el } from "./dom.js";
import { openFilters } from "./panes.js";

/** What a shortcut does, when the inbox (or for `?`, any signed-in view) is shown. */
/** @typedef {{key: string, shown: string, does: string, run?: () => void, anywhere?: boolean}} Shortcut */

/** @type {Shortcut[]} */
export const SHORTCUTS = [
  { key: "j", shown: "j", does: "Next conversation in the list", run: () => move(1) },
  { key: "k", shown: "k", does: "Previous conversation in the list", run: () => move(-1) },
  { key: "Enter", shown: "Enter", does: "Open the conversation chosen in the list" },
  { key: "r", shown: "r", does: "Reply: the composer, by chat (or email where chat is off)", run: () => compose("reply") },
  { key: "n", shown: "n", does: "Write a private note for the team", run: () => compose("note") },
  { key: "e", shown: "e", does: "Close the conversation", run: closeConversation },
  { key: "s", shown: "s", does: "Snooze: opens the snooze menu (or goes to Unsnooze)", run: snooze },
  { key: "l", shown: "l", does: "Labels: opens the conversation's label editor", run: labels },
  { key: "a", shown: "a", does: "Assign: goes to the assignee menu", run: () => $("assign")?.focus() },
  { key: "/", shown: "/", does: "Search the conversations", run: search },
  { key: "?", shown: "?", does: "Show these shortcuts", run: openHelp, anywhere: true },
];

/** Where a key press belongs to what has the focus, not to the shortcuts. */
const TAKES_KEYS = "input, textarea, select, [contenteditable]:not([contenteditable=false]), [role=menu], [role=listbox], dialog";

/** Whether a key press is the agent's typing or another shortcut's, not ours. @param {KeyboardEvent} e */
export function isTyping(e) {
  if (e.ctrlKey || e.metaKey || e.altKey || e.isComposing || e.defaultPrevented) return true;
  const target = /** @type {HTMLElement | null} */ (e.target instanceof HTMLElement ? e.target : null);
  return !!target && (target.isContentEditable || !!target.closest(TAKES_KEYS));
}

/** The search box, in the filters' sheet (opened first) on a phone. */
function search() {
  openFilters();
  $("f-q").focus();
}

/** Moves the focus `step` conversations down (1) or up (-1) the list, from the focused or open one. @param {number} step */
function move(step) {
  const items = /** @type {HTMLElement[]} */ ([...$("list").querySelectorAll("button[data-id]")]);
  if (!items.length) return;
  let at = items.indexOf(/** @type {HTMLElement} */ (document.activeElement));
  if (at < 0) at = items.findIndex((b) => b.getAttribute("aria-current") === "true");
  const next = at < 0 ? (step > 0 ? 0 : items.length - 1) : Math.min(Math.max(at + step, 0), items.length - 1);
  items[next].focus();
  items[next].scrollIntoView({ block: "nearest" });
}

/** The composer of the open conversation in reply or note mode, its text focused. @param {"reply" | "note"} mode */
function compose(mode) {
  const choices = mode === "note" ? ["via-note"] : ["via-chat", "via-messenger", "via-email"];
  const via = /** @type {HTMLInputElement | undefined} */ (choices.map((id) => $(id)).find((input) => input && !input.disabled));
  if (!via) return;
  if (!via.checked) {
    via.checked = true;
    via.dispatchEvent(new Event("change", { bubbles: true }));
  }
  $("reply-body")?.focus();
}

/** Closes the open conversation (an already closed one stays so). */
function closeConversation() {
  const toggle = $("toggle-status");
  if (toggle?.textContent === "Close") toggle.click();
}

/** Opens the snooze menu, its first entry focused; a snoozed conversation's Unsnooze gets the focus instead. */
function snooze() {
  if ($("snooze")) $("snooze").click();
  else $("unsnooze")?.focus();
}

/** Opens the thread's label editor and focuses its first label (or its summary, with no labels yet). */
function labels() {
  const details = $("thread-labels")?.querySelector("details");
  if (!details) return;
  details.open = true;
  (details.querySelector("fieldset input") ?? details.querySelector("summary")).focus();
}

/** The element that had the focus before the help opened (it gets it back). */
let opener = null;

/** Shows the shortcuts' dialog, modal, its Close button focused. */
function openHelp() {
  const dialog = $("keys-help");
  if (dialog.open) return;
  opener = document.activeElement;
  dialog.showModal();
  $("keys-close").focus();
}

/** Fills the help dialog's table from SHORTCUTS and wires its closing and focus trap. */
function initHelp() {
  const dialog = /** @type {HTMLDialogElement} */ ($("keys-help"));
  $("keys-table").querySelector("tbody").replaceChildren(...SHORTCUTS.map((s) => {
    const row = el("tr");
    const key = el("th");
    key.scope = "row";
    key.append(el("kbd", null, s.shown));
    row.append(key, el("td", null, s.does));
    return row;
  }));
  // Closing gives the focus back where it was, at once: the dialog's own
  // "close" event comes a task later, after the agent may have moved on.
  const close = () => {
    dialog.close();
    if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    opener = null;
  };
  $("keys-close").addEventListener("click", close);
  $("to-keys").addEventListener("click", openHelp);
  // Escape: the dialog's "cancel" comes first and synchronously; it closes the same way.
  dialog.addEventListener("cancel", (e) => {
    e.preventDefault();
    close();
  });
  // Tab and Shift+Tab go round the dialog's controls, never out of it.
  dialog.addEventListener("keydown", (e) => {
    if (e.key !== "Tab") return;
    const controls = /** @type {HTMLElement[]} */ ([...dialog.querySelectorAll("button, [href], input, select, textarea, [tabindex]:not([tabindex='-1'])")]);
    const at = controls.indexOf(/** @type {HTMLElement} */ (document.activeElement));
    e.preventDefault();
    controls[(at + (e.shiftKey ? -1 : 1) + controls.length) % controls.length]?.focus();
  });
}

/** Where this browser remembers that the agent turned the shortcuts off. */
const OFF_KEY = "parley_shortcuts_off";

/** Whether the agent turned the shortcuts off in this browser. */
const turnedOff = () => {
  try {
    return localStorage.getItem(OFF_KEY) === "1";
  } catch {
    return false; // storage refused: they stay on
  }
};

/** The dialog's on/off checkbox, kept and remembered. */
function initSwitch() {
  const on = /** @type {HTMLInputElement} */ ($("keys-on"));
  on.checked = !turnedOff();
  on.addEventListener("change", () => {
    try {
      if (on.checked) localStorage.removeItem(OFF_KEY);
      else localStorage.setItem(OFF_KEY, "1");
    } catch {
      // storage refused: the choice lasts as long as the page
    }
  });
}

/** Listens for the shortcuts on the whole inbox page. */
export function initKeys() {
  initHelp();
  initSwitch();
  document.addEventListener("keydown", (e) => {
    if (isTyping(e) || !$("keys-on").checked) return;
    const shortcut = SHORTCUTS.find((s) => s.key === e.key && s.run);
    if (!shortcut || $("nav").hidden) return;
    if (!shortcut.anywhere && $("inbox").hidden) return;
    e.preventDefault();
    shortcut.run();
  });
}
