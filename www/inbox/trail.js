// @ts-check
// The activity trail in a thread: the team's private notes (marked as such,
// never sent) and small events with who and when (closed, reopened, assigned,
// spam), interleaved with the messages by time.
import { el, when } from "./dom.js";

/** How each event kind reads after the agent's name (a note is rendered on its own). */
/** @type {Record<Exclude<import("./api-types").TrailKind, "note">, (e: import("./api-types").TrailEvent) => string>} */
const SAID = {
  closed: () => "closed the conversation",
  reopened: () => "reopened the conversation",
  assigned: (e) => `assigned it to ${e.assignee_name ?? "a former teammate"}`,
  unassigned: () => "unassigned it",
  marked_spam: () => "marked it as spam (its visitor is blocked)",
  unmarked_spam: () => "took back the spam mark (its visitor is unblocked)",
  merged: (e) => `merged another conversation of the contact into this one (${e.detail ?? "its id"}: its messages, labels and notes are here now)`,
};

/** What an event's rendering depends on (kept as it is while unchanged). */
/** @param {import("./api-types").TrailEvent} e */
export const eventKey = (e) => `trail:${e.id}`;

/** One event of the trail: a note as a marked box, anything else as one small line. */
/** @param {import("./api-types").TrailEvent} e */
export function renderEvent(e) {
  const who = e.agent_name ?? "Parley";
  if (e.kind === "note") {
    const box = el("article", "note");
    box.setAttribute("aria-label", `Private note by ${who}`);
    box.append(el("div", "meta", `Private note · ${who} · ${when(e.created_at)}`), el("p", "body", e.body ?? ""));
    box.dataset.key = eventKey(e);
    box.dataset.id = e.id;
    return box;
  }
  const line = el("p", "event", `${who} ${SAID[e.kind](e)} · ${when(e.created_at)}`);
  line.dataset.key = eventKey(e);
  return line;
}
