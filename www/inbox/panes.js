// @ts-check
// The inbox on a phone (below 768 CSS px: inbox.css's phone block): one pane
// at a time, the list, then the thread with a back control, then the contact
// on request. Each pane is a history entry in the address's hash
// (#conversation=<id>, then &pane=contact), so the browser's Back goes back a
// pane; the focus moves to the pane shown (and back to what opened it). The
// header's links fold into a menu (a disclosure button), the list's filters
// into a sheet (a modal dialog), and the inbox follows the visual viewport so
// the composer stays above the on-screen keyboard. At desktop widths none of
// this shows: the three panes stay side by side and nothing is pushed to the history.
import { $ } from "./dom.js";

/** The phone layout's query: inbox.css's phone block uses the same width. */
const PHONE = matchMedia("(max-width: 767.98px)");

/** Whether the phone layout (one pane at a time) is on now. */
export const isPhone = () => PHONE.matches;

/** @typedef {"list" | "thread" | "contact"} Pane */

/** The conversation and pane the address's hash names (an invitation's hash names neither). */
export function hashRoute() {
  const params = new URLSearchParams(location.hash.slice(1));
  const id = params.get("conversation");
  /** @type {Pane} */
  const pane = !id ? "list" : params.get("pane") === "contact" ? "contact" : "thread";
  return { id, pane };
}

/** The hash of `pane` for conversation `id`. @param {Pane} pane @param {string | null} id */
const hashOf = (pane, id) => (pane === "list" || !id ? location.pathname + location.search : `#conversation=${encodeURIComponent(id)}${pane === "contact" ? "&pane=contact" : ""}`);

/** @type {() => string | null} */
let currentId = () => null;
/** @type {(id: string) => void} */
let open = () => {};

/** The pane shown now. @returns {Pane} */
const shown = () => /** @type {Pane} */ ($("inbox").dataset.pane || "list");

/**
 * Shows `pane` (on a phone: alone, the focus moved into it). `how` says what
 * the history does: "push" a new entry, "replace" this one, or "none" (Back
 * or Forward already moved it).
 * @param {Pane} pane @param {"push" | "replace" | "none"} [how]
 */
export function showPane(pane, how = "push") {
  const from = shown();
  $("inbox").dataset.pane = pane;
  $("pane-back").replaceChildren(arrow(), pane === "contact" ? "Conversation" : "Conversations");
  $("pane-contact").setAttribute("aria-expanded", String(pane === "contact"));
  if (!isPhone()) return;
  const url = hashOf(pane, currentId());
  if (how === "push" && from !== pane) history.pushState({ pane }, "", url);
  else if (how !== "none") history.replaceState({ pane }, "", url);
  if (from !== pane) focusPane(pane, from);
}

/** The back arrow, hidden from assistive technology (the button's words say where it goes). */
function arrow() {
  const span = document.createElement("span");
  span.setAttribute("aria-hidden", "true");
  span.textContent = "‹ ";
  return span;
}

/** The focus after a pane change: into the new pane, or back on the control that led away from it. @param {Pane} pane @param {Pane} from */
function focusPane(pane, from) {
  if (pane === "list") {
    const item = $("list").querySelector('button[aria-current="true"]') ?? $("list").querySelector("button[data-id]");
    return (item ?? focusable($("list-pane"))).focus();
  }
  if (pane === "thread" && from === "contact") return $("pane-contact").focus();
  focusable(pane === "thread" ? $("thread") : $("profile")).focus();
}

/** `pane`, focusable by script only (never in the Tab order). @param {HTMLElement} pane */
function focusable(pane) {
  pane.tabIndex = -1;
  return pane;
}

/** Back a pane: through the history when this tab pushed the pane shown, else in place. */
function back() {
  if (history.state?.pane === shown()) return history.back();
  showPane(shown() === "contact" ? "thread" : "list", "replace");
}

/** Back or Forward: the pane (and conversation) the hash names. */
function followHash() {
  const { id, pane } = hashRoute();
  if ($("inbox").hidden) return;
  if (id && id !== currentId()) open(id);
  showPane(pane, "none");
}

/**
 * Wires the panes, the header's menu, the filters' sheet and the visual
 * viewport. `currentId()` names the open conversation; `openConversation(id)` opens one.
 * @param {{currentId: () => string | null, openConversation: (id: string) => void}} hooks
 */
export function initPanes(hooks) {
  currentId = hooks.currentId;
  open = hooks.openConversation;
  $("pane-back").addEventListener("click", back);
  $("pane-contact").addEventListener("click", () => showPane("contact"));
  addEventListener("popstate", followHash);
  // A conversation opened another way (a notice, a mention, the contact's other conversations): its thread shows.
  new MutationObserver(() => {
    if ($("thread").dataset.id && shown() === "list" && !$("inbox").hidden) showPane("thread");
    else if ($("thread").dataset.id && shown() !== "list") showPane(shown(), "replace");
  }).observe($("thread"), { attributeFilter: ["data-id"] });
  initMenu();
  initSheet();
  followViewport();
  showPane(hashRoute().pane, "none");
}

/** The header's menu: a disclosure button that shows the nav under the bar (phone only; Escape closes it). */
function initMenu() {
  const toggle = $("menu-toggle");
  const bar = toggle.closest(".bar");
  const setOpen = (/** @type {boolean} */ on) => {
    bar.classList.toggle("menu-open", on);
    toggle.setAttribute("aria-expanded", String(on));
  };
  toggle.addEventListener("click", () => setOpen(toggle.getAttribute("aria-expanded") !== "true"));
  // A view chosen (or sign-out): the menu folds away. The presence and sound toggles keep it open.
  $("nav").addEventListener("click", (/** @type {MouseEvent} */ e) => {
    if (/** @type {HTMLElement} */ (e.target).closest("button.link")) setOpen(false);
  });
  bar.addEventListener("keydown", (/** @type {KeyboardEvent} */ e) => {
    if (e.key !== "Escape" || toggle.getAttribute("aria-expanded") !== "true") return;
    setOpen(false);
    toggle.focus();
  });
  document.addEventListener("click", (e) => {
    if (!bar.contains(/** @type {Node} */ (e.target))) setOpen(false);
  });
}

/** Shows the filters (on a phone, their sheet; at desktop widths they always show). */
export function openFilters() {
  const sheet = /** @type {HTMLDialogElement} */ ($("filters-sheet"));
  if (isPhone() && !sheet.open) sheet.showModal();
}

/** The list's filters: in the list pane at desktop widths, in a sheet (a modal dialog) on a phone. */
function initSheet() {
  const sheet = /** @type {HTMLDialogElement} */ ($("filters-sheet"));
  const place = () => {
    if (isPhone()) sheet.append($("filters"));
    else {
      if (sheet.open) sheet.close();
      $("filters-open").after($("filters"));
    }
  };
  PHONE.addEventListener("change", place);
  place();
  $("filters-open").addEventListener("click", openFilters);
  $("filters-done").addEventListener("click", () => sheet.close());
  sheet.addEventListener("close", () => {
    if (isPhone()) $("filters-open").focus();
  });
}

/**
 * Keeps --vvh and --vvtop to the visual viewport (the part of the page not
 * under the on-screen keyboard): the phone layout sizes the inbox by them.
 * iOS Safari does not resize the page for its keyboard but scrolls it
 * (offsetTop), so both the height and the offset count.
 */
function followViewport() {
  const vv = window.visualViewport;
  if (!vv) return;
  const root = document.documentElement.style;
  const fit = () => {
    root.setProperty("--vvh", `${vv.height}px`);
    root.setProperty("--vvtop", `${vv.offsetTop}px`);
    const typing = document.activeElement?.closest("#composer");
    if (typing && isPhone()) typing.scrollIntoView({ block: "nearest" });
  };
  vv.addEventListener("resize", fit);
  vv.addEventListener("scroll", fit);
  fit();
}
