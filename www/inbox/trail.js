// @ts-check
// The activity trail in a thread: the team's private notes (marked as such,
// never sent) and small events with who and when (closed, reopened, assigned,
// spam, labels, snoozes; the system's and the customer's wakes and reopenings;
// the customer's satisfaction rating),
// interleaved with the messages by time.
import { el, when } from "./dom.js";

/** How each event kind reads, given who did it (a note is rendered on its own). */
/** @type {Record<Exclude<import("./api-types").TrailKind, "note">, (e: import("./api-types").TrailEvent, who: string) => string>} */
const SAID = {
  closed: (_, who) => `${who} closed the conversation`,
  reopened: (_, who) => `${who} reopened the conversation`,
  assigned: (e, who) => `${who} assigned it to ${e.assignee_name ?? "a former teammate"}`,
  unassigned: (_, who) => `${who} unassigned it`,
  marked_spam: (_, who) => `${who} marked it as spam (its visitor is blocked)`,
  unmarked_spam: (_, who) => `${who} took back the spam mark (its visitor is unblocked)`,
  label_added: (e, who) => `${who} added the label ${labelName(e)}`,
  label_removed: (e, who) => `${who} removed the label ${labelName(e)}`,
  snoozed: (e, who) => `${who} snoozed it ${e.detail ? `until ${when(Number(e.detail))}` : "until the customer replies"}`,
  unsnoozed: (_, who) => `${who} unsnoozed it`,
  woke: () => "Back from snooze: its time came",
  woke_by_reply: () => "Back from snooze: the customer replied",
  reopened_by_reply: () => "Reopened: the customer replied",
  assigned_team: (e, who) => `${who} assigned it to the team ${e.team_name ?? "(deleted)"}`,
  unassigned_team: (_, who) => `${who} took it from its team`,
  rated: (e) => `Rated ${e.detail}/5${e.body ? `: ${e.body}` : ""} by the customer`,
  merged: (e, who) => `${who} merged another conversation of the contact into this one (${e.detail ?? "its id"}: its messages, labels and notes are here now)`,
};

/** A label event's label, by name (a deleted one by what it was). @param {import("./api-types").TrailEvent} e */
const labelName = (e) => (e.label_name ? `“${e.label_name}”` : "(since deleted)");

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
  const line = el("p", `event ${e.kind}`, `${SAID[e.kind](e, who)} · ${when(e.created_at)}`);
  line.dataset.key = eventKey(e);
  return line;
}
