// @ts-check
// What happens live around the open thread: which conversation this tab views
// (told to the server, so others see "also here"), the other agents viewing it
// and replying, the visitor's typing preview, and this agent's own typing
// (sent at most every 2 s while it continues, stopped on send, empty or blur).
// Everything is rendered with textContent.
import { say } from "./live.js";
import { el } from "./dom.js";
import { TYPING_SHOW_MS } from "./constants.js";

/** While the agent keeps typing, `typing: true` is repeated at most this often (the widget shows it for TYPING_SHOW_MS). */
const TYPING_REPEAT_MS = 2_000;

let me = null; // this agent's id: its own tabs are not "also here"
let viewing = null; // the conversation this tab views (null: none, or not the inbox)
let visitor = null; // that conversation's visitor, once its thread is shown
/** @type {Map<string, import("./api-types").Viewer[]>} */
const viewers = new Map();
let previewTimer = null;
let typingSince = 0; // when `typing: true` was last sent (0: not typing)

/** Names the signed-in agent, whose own tabs never count as someone else here. */
/** @param {string} agentId */
export function setMe(agentId) {
  me = agentId;
}

/** Tells the server this tab views `id` now (null: none), and forgets the previous thread's typing. */
/** @param {string | null} id */
export function view(id) {
  if (id !== viewing) {
    visitor = null;
    hidePreview();
  }
  viewing = id;
  typingSince = 0; // the server resets "replying" on every view
  say({ type: "view", conversation_id: id });
}

/** Re-says what this tab views after a reconnection (the new socket starts viewing nothing). */
export function resendView() {
  if (viewing) view(viewing);
}

/** Names the visitor of the conversation shown, so its typing can be matched. */
/** @param {string} id @param {string | null} visitorId */
export function shownThread(id, visitorId) {
  if (id === viewing) visitor = visitorId;
}

/** A `viewers` push: remembered, and shown if it is about the conversation on screen. */
/** @param {{conversation_id: string, agents: import("./api-types").Viewer[]}} push */
export function onViewers({ conversation_id, agents }) {
  const others = agents.filter((a) => a.agent_id !== me);
  if (others.length) viewers.set(conversation_id, others);
  else viewers.delete(conversation_id);
  const box = document.getElementById("viewers");
  if (box?.dataset.id === conversation_id) fillViewers(box, conversation_id);
}

/** The "also here" line of a thread's head, filled from what is known now. */
/** @param {string} conversationId */
export function viewersBox(conversationId) {
  const box = el("p", "viewers");
  box.id = "viewers";
  box.dataset.id = conversationId;
  box.setAttribute("role", "status");
  fillViewers(box, conversationId);
  return box;
}

/** @param {HTMLElement} box @param {string} conversationId */
function fillViewers(box, conversationId) {
  const others = viewers.get(conversationId) || [];
  box.textContent = others.length
    ? `Also here: ${others.map((a) => (a.replying ? `${a.name} (replying…)` : a.name)).join(", ")}`
    : "";
  box.hidden = !others.length;
}

/** The line under the messages where the visitor's typing shows. */
export function typingLine() {
  const line = el("p", "visitor-typing");
  line.id = "visitor-typing";
  line.setAttribute("aria-live", "polite");
  line.hidden = true;
  return line;
}

/** A `visitor_typing` push: shown when it is the open conversation's visitor, taken down on empty text or after 6 s without news. */
/** @param {{visitor_id: string, text: string}} push */
export function onVisitorTyping({ visitor_id, text }) {
  if (!visitor || visitor_id !== visitor) return;
  if (!text) return hidePreview();
  const line = document.getElementById("visitor-typing");
  if (!line) return;
  line.textContent = `Visitor is typing: ${text}`;
  line.hidden = false;
  clearTimeout(previewTimer);
  previewTimer = setTimeout(hidePreview, TYPING_SHOW_MS);
}

/** Takes the visitor's typing preview down (a message arrived, or the visitor stopped). */
export function hidePreview() {
  clearTimeout(previewTimer);
  const line = document.getElementById("visitor-typing");
  if (line) {
    line.hidden = true;
    line.textContent = "";
  }
}

/** Sends this agent's chat or Messenger reply typing from a composer: true while typing (every 2 s at most), false on send, empty, blur or email. */
/** @param {HTMLFormElement} form */
export function watchTyping(form) {
  const text = /** @type {HTMLTextAreaElement} */ (form.querySelector("textarea"));
  const chat = /** @type {HTMLInputElement} */ (form.querySelector("#via-chat, #via-messenger"));
  const stop = () => {
    if (typingSince) say({ type: "typing", typing: false });
    typingSince = 0;
  };
  form.addEventListener("change", () => { if (!chat.checked) stop(); });
  text.addEventListener("input", () => {
    if (!text.value.trim() || !chat.checked) return stop();
    const now = Date.now();
    if (now - typingSince < TYPING_REPEAT_MS) return;
    if (say({ type: "typing", typing: true })) typingSince = now;
  });
  text.addEventListener("blur", stop);
  form.addEventListener("submit", stop);
}
