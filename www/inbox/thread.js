// @ts-check
// The thread pane: one conversation's messages, its actions (close/reopen,
// assign, spam, a chat's transcript by email) and the composer, behind the
// thread's request-order guard, so a slow answer for an earlier click never
// replaces the conversation shown now.
// A live reload of the conversation shown updates it in place: new messages are
// appended, the head and profile are rebuilt only when they changed, and the
// composer (with what the agent is typing) stays.
import { client, latestOnly, coalesced } from "./api.js";
import { $, el, alertBox, showError, when, NAME_STATED, UNVERIFIED } from "./dom.js";
import { refreshList } from "./list.js";
import { labelEditor, labelsKey, syncLabelEditor } from "./labels.js";
import { renderProfile, clearProfile } from "./profile.js";
import { composer } from "./composer.js";
import { renderEvent, eventKey } from "./trail.js";
import { transcriptButton } from "./transcript.js";
import { snoozeControls } from "./snooze.js";
import { mergeConversation } from "./merge.js";
import { view, shownThread, viewersBox, typingLine, watchTyping } from "./thread-live.js";
import { SENDER_UNVERIFIED, FOLD_LABELS } from "./constants.js";

const fresh = latestOnly();
let current = null; // the id of the conversation last asked for
/** The search hit to show once its conversation is rendered (by whichever load answers first). */
/** @type {{conversation: string, message: string} | null} */
let toFind = null;
/** @type {import("./api-types").Agent[]} */
let agents = [];
/** What the parts of the thread shown were built from (rebuilt only when it changes). */
let built = { head: "", labels: "", composer: "", profile: "" };

/** The id of the conversation last opened (or being opened). */
export const currentId = () => current;

/** Sets the team offered in the assignee menu. */
/** @param {import("./api-types").Agent[]} list */
export function setAgents(list) {
  agents = list;
}

/** @type {import("./api-types").AgentTeam[]} */
let teams = [];

/** Sets the teams offered in the team menu. */
/** @param {import("./api-types").AgentTeam[]} list */
export function setTeams(list) {
  teams = list;
}

/**
 * Opens a conversation: tells the team, marks it read, renders thread and
 * profile, refreshes the list. `found` (a search hit's message id) is scrolled
 * to and marked instead of the thread's end.
 * @param {string} id @param {string} [found]
 */
export async function openConversation(id, found) {
  current = id;
  toFind = found ? { conversation: id, message: found } : null;
  view(id);
  const isCurrent = fresh();
  /** @type {import("./api-types").Thread} */
  let answer;
  try {
    [answer] = await Promise.all([
      client.thread(id),
      client.markRead(id),
    ]);
  } catch (err) {
    if (isCurrent()) showLoadError(id, err);
    return;
  }
  if (!isCurrent()) return; // a newer click is under way; its answer is the one to show
  render(answer);
  refreshList();
}

/** Closes the conversation shown (erased with its contact): the pane says `note`, and nothing reloads it. @param {string} note */
export function closeConversation(note) {
  current = null;
  fresh(); // an answer still on its way is dropped
  view(null);
  const pane = $("thread");
  delete pane.dataset.id;
  pane.replaceChildren(el("p", "empty", note));
  refreshList();
}

/** Scrolls the thread to the message a search found, and marks it, once. @param {string} conversationId */
function showFound(conversationId) {
  if (toFind?.conversation !== conversationId) return;
  const messageId = toFind.message;
  toFind = null;
  const box = [...$("messages").children].find((e) => /** @type {HTMLElement} */ (e).dataset.id === messageId);
  if (!box) return;
  box.classList.add("found");
  box.scrollIntoView({ block: "center" });
}

/** Reloads the conversation shown (live push, reconnection, a change), in place; bursts coalesce. */
export const reloadThread = coalesced(async () => {
  const id = current;
  if (!id) return;
  const isCurrent = fresh();
  /** @type {import("./api-types").Thread} */
  let answer;
  try {
    answer = await client.thread(id);
  } catch (err) {
    if (isCurrent()) showLoadError(id, err);
    return;
  }
  if (isCurrent()) render(answer);
});

/** A failed load: by the actions when that conversation is shown, else in place of the thread. */
function showLoadError(id, err) {
  const pane = $("thread");
  if (pane.dataset.id === id && $("thread-error")) return showError($("thread-error"), err, "Could not reload: ");
  delete pane.dataset.id;
  const box = alertBox("thread-error");
  showError(box, err, "Could not open the conversation: ");
  pane.replaceChildren(box);
  clearProfile();
}

/** Messenger's attachment lines, as the worker writes them: `Image: https://…`. */
const ATTACHMENT_LINE = /^(Image|File|Video|Audio|Attachment): (https?:\/\/\S+)$/;

/** A message's text; with `links`, attachment lines become links that open in a new tab. */
/** @param {string} body @param {boolean} links */
function messageBody(body, links) {
  const p = el("p", "body");
  body.split("\n").forEach((line, i) => {
    if (i) p.append("\n");
    const found = links ? ATTACHMENT_LINE.exec(line) : null;
    if (!found) return p.append(line);
    const a = document.createElement("a");
    a.href = found[2];
    a.textContent = found[2];
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    p.append(`${found[1]}: `, a);
  });
  return p;
}

/**
 * One file of a message: a download link (the worker serves it as an
 * attachment), with a thumbnail for PNG, JPEG, GIF and WebP (by their bytes);
 * a file only the original email has is listed without a link.
 * @param {import("./api-types").Attachment} a
 */
function renderFile(a) {
  const name = a.filename || "attachment";
  const item = el("li", "file");
  const about = ` (${a.content_type}, ${a.size} bytes)`;
  if (!a.url) {
    item.append(`${name}${about} — in the original`);
    return item;
  }
  const link = el("a", null);
  link.href = a.url;
  link.setAttribute("download", name);
  if (a.preview) {
    const thumb = document.createElement("img");
    thumb.className = "thumb";
    thumb.src = a.url;
    thumb.alt = name;
    thumb.loading = "lazy";
    link.append(thumb);
  }
  link.append(name);
  item.append(link, about);
  return item;
}

/** One message: meta line, text, folded quote or signature, sandboxed HTML, attachments, original. */
/** @param {import("./api-types").Message} m @param {boolean} [messenger] whether the thread is a Messenger conversation */
function renderMessage(m, messenger = false) {
  const box = el("article", `msg ${m.direction}${m.delivery_status === "failed" ? " failed" : ""}`);
  box.dataset.key = messageKey(m);
  box.dataset.id = m.id;
  const who = m.email_from || m.author_name || (m.author === "bot" ? "Chatbot" : m.author);
  const meta = el("div", "meta", `${who} · ${when(m.created_at)}`);
  if (m.email_subject) meta.append(el("div", null, `Subject: ${m.email_subject}`));
  if (m.flags?.length) meta.append(el("div", null, `Flagged: ${m.flags.join(", ")} (never auto-answered)`));
  if (m.flags.includes(SENDER_UNVERIFIED)) {
    meta.append(el("div", "error", "The sender could not be verified: the receiving server found no DMARC pass for the From domain and no SPF pass for an aligned sender"));
  }
  const skipped = /** @type {{message_bytes?: number} | undefined} */ (m.email_headers?.not_processed);
  if (skipped) meta.append(el("div", null, `Too large to process whole (${skipped.message_bytes} bytes): only its headers and first text part were read; the rest is in the original.`));
  const bigHtml = /** @type {{bytes?: number} | undefined} */ (m.email_headers?.html_not_processed);
  if (bigHtml) meta.append(el("div", null, `Its HTML (${bigHtml.bytes} bytes) was too large to format here: the text shows its beginning; the original has it all.`));
  if (m.delivery_status === "failed") {
    meta.append(el("div", "error", m.delivery_error ? `Not delivered: ${m.delivery_error}` : "Not delivered"));
  }
  if (m.receipt) meta.append(el("div", "receipt", m.receipt === "read" ? "Seen on Messenger" : "Delivered on Messenger"));
  meta.append(...copies(m));
  box.append(meta, messageBody(m.body, messenger && m.direction === "inbound"));
  if (m.body_full) {
    const quoted = el("details");
    const folded = /** @type {import("./api-types").Fold | undefined} */ (m.email_headers?.folded);
    quoted.append(el("summary", null, FOLD_LABELS[folded ?? "quote"] ?? FOLD_LABELS.quote), el("p", "full", m.body_full));
    box.append(quoted);
  }
  if (m.body_html) {
    // The sanitised HTML only ever goes into a sandboxed frame: no scripts, no same-origin access.
    const formatted = el("details");
    const frame = document.createElement("iframe");
    frame.setAttribute("sandbox", "");
    frame.title = "Formatted email";
    formatted.append(el("summary", null, "Show formatted email"), frame);
    formatted.addEventListener("toggle", () => { if (formatted.open && !frame.srcdoc) frame.srcdoc = m.body_html; });
    box.append(formatted);
  }
  if (m.attachments?.length) {
    const files = el("ul", "files");
    for (const a of m.attachments) files.append(renderFile(a));
    box.append(files);
  }
  if (m.has_original) {
    const link = el("a", null, "View original");
    link.href = `/api/messages/${encodeURIComponent(m.id)}/original`;
    box.append(link);
  }
  return box;
}

/** An email's copies as lines (`Cc: …`, `Bcc: …` for what the team sent), and the copies a send did not reach. */
/** @param {import("./api-types").Message} m */
function copies(m) {
  const lines = [];
  for (const [key, label] of [["cc", "Cc"], ["bcc", "Bcc"]]) {
    const list = m.email_headers?.[key];
    if (Array.isArray(list) && list.length) lines.push(el("div", "email-copies", `${label}: ${list.join(", ")}`));
  }
  const missed = m.email_headers?.undelivered;
  if (Array.isArray(missed) && missed.length) {
    lines.push(el("div", "error", `Not delivered to ${missed.map((u) => `${u.address} (${u.error})`).join(", ")}`));
  }
  return lines;
}

/** Sends a change of the conversation; a refusal shows in the thread's alert. */
/** @param {import("./api-types").Conversation} conversation @param {Parameters<typeof client.update>[1]} fields @param {HTMLElement} error */
async function change(conversation, fields, error) {
  showError(error, null);
  try {
    await client.update(conversation.id, fields);
    return true;
  } catch (err) {
    showError(error, err);
    return false;
  }
}

/** The thread's head: title, the people it copies, the three actions, their alert, the unverified-address warning. */
/** @param {import("./api-types").Conversation} conversation @param {import("./api-types").CcAddress[]} cc */
function head(conversation, cc) {
  const box = el("div", "thread-head");
  box.append(el("h2", null, conversation.subject || conversation.display_name));
  box.append(labelEditor("thread-labels", "conversation", conversation.label_ids, async (change) => {
    const answer = await client.labelConversation(conversation.id, change);
    conversation.label_ids = answer.label_ids;
    built.labels = JSON.stringify(answer.label_ids);
    refreshList();
    return answer;
  }));
  if (cc.length) box.append(el("p", "thread-cc", `Cc: ${cc.map((c) => (c.name ? `${c.name} <${c.address}>` : c.address)).join(", ")}`));
  const error = alertBox("thread-error");
  const status = el("button", null, conversation.status === "open" ? "Close" : "Reopen");
  status.type = "button";
  status.id = "toggle-status";
  status.addEventListener("click", async () => {
    if (await change(conversation, { status: conversation.status === "open" ? "closed" : "open" }, error)) reloadThread();
  });
  const assign = el("select");
  assign.id = "assign";
  assign.setAttribute("aria-label", "Assignee");
  assign.append(new Option("Unassigned", ""));
  for (const a of agents) assign.append(new Option(a.full_name, a.id, false, a.id === conversation.assignee_id));
  assign.addEventListener("change", async () => {
    if (await change(conversation, { assignee_id: assign.value || null }, error)) refreshList();
    else assign.value = conversation.assignee_id || ""; // the assignment did not happen
  });
  const team = el("select");
  team.id = "assign-team";
  team.setAttribute("aria-label", "Team");
  team.append(new Option("No team", ""));
  for (const t of teams) team.append(new Option(t.name, t.id, false, t.id === conversation.team_id));
  team.addEventListener("change", async () => {
    if (await change(conversation, { team_id: team.value || null }, error)) refreshList();
    else team.value = conversation.team_id || ""; // the assignment did not happen
  });
  const spam = el("button", null, conversation.spam_at ? "Not spam" : "Mark as spam");
  spam.type = "button";
  spam.id = "toggle-spam";
  spam.addEventListener("click", async () => {
    if (await change(conversation, { spam: !conversation.spam_at }, error)) reloadThread();
  });
  box.append(status, assign, team, spam);
  if (conversation.status === "open" && !conversation.spam_at) {
    box.append(snoozeControls(conversation, error, () => {
      reloadThread();
      refreshList();
    }));
  }
  if (conversation.channel === "chat") box.append(transcriptButton(conversation));
  if (conversation.contact_id) box.append(...mergeConversation(conversation, openConversation));
  box.append(error, viewersBox(conversation.id));
  if (conversation.unverified_email) {
    box.append(el("p", "warn", `${conversation.unverified_email}: ${UNVERIFIED}. The visitor typed this address; nothing proves it is theirs.`));
  }
  if (conversation.name_stated) {
    box.append(el("p", "warn", `${conversation.contact_name}: ${NAME_STATED}. A visitor typed this name; nothing proves it is theirs.`));
  }
  return box;
}

/** What a message's rendering depends on (a message whose key is unchanged is kept as it is). */
/** @param {import("./api-types").Message} m */
const messageKey = (m) => `${m.id}:${m.delivery_status}:${m.receipt}`;

/** The composer of a conversation, with this agent's typing told to the team. */
/** @param {import("./api-types").Conversation} conversation @param {import("./api-types").MessengerThread | null} messenger */
function replyForm(conversation, messenger) {
  const form = composer(conversation, reloadThread, messenger, () => agents);
  watchTyping(form);
  return form;
}

/** Renders a thread: whole for another conversation, in place for the one shown. */
/** @param {import("./api-types").Thread} thread */
function render({ conversation, messages: stored, claim, messenger, cc, trail, rating }) {
  const pane = $("thread");
  if (current !== conversation.id) {
    // The conversation asked for was merged away: the API answered its survivor, which is shown from now on.
    current = conversation.id;
    view(conversation.id);
  }
  const keys = {
    head: JSON.stringify([conversation.subject, conversation.display_name, conversation.status, conversation.assignee_id, conversation.team_id, conversation.spam_at, conversation.unverified_email, conversation.contact_email, conversation.name_stated, conversation.contact_name, cc, labelsKey(), conversation.snoozed, conversation.snoozed_until]),
    labels: JSON.stringify(conversation.label_ids),
    composer: JSON.stringify([conversation.channel, conversation.visitor_id, conversation.contact_id, conversation.contact_email, conversation.unverified_email, messenger?.window]),
    profile: JSON.stringify([conversation.contact_id, conversation.contact_email, conversation.contact_name, conversation.name_stated, claim, labelsKey(), rating]),
  };
  shownThread(conversation.id, conversation.visitor_id);
  const links = conversation.channel === "messenger";
  // Messages and the trail's notes and events, by time (a message first at the same millisecond).
  const messages = [
    ...stored.map((m) => ({ at: m.created_at, key: messageKey(m), node: () => renderMessage(m, links) })),
    ...trail.map((e) => ({ at: e.created_at, key: eventKey(e), node: () => renderEvent(e) })),
  ].sort((a, b) => a.at - b.at);
  const list = $("messages");
  if (pane.dataset.id !== conversation.id || !list || !$("composer")) {
    pane.dataset.id = conversation.id;
    const box = el("div", "messages");
    box.id = "messages";
    for (const m of messages) box.append(m.node());
    pane.replaceChildren(head(conversation, cc), box, typingLine(), replyForm(conversation, messenger));
    box.scrollTop = box.scrollHeight;
    renderProfile(conversation, claim, openConversation, rating);
    built = keys;
    showFound(conversation.id);
    return;
  }
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const kept = [...list.children].map((e) => /** @type {HTMLElement} */ (e).dataset.key);
  if (kept.every((key, i) => messages[i]?.key === key)) {
    for (const m of messages.slice(kept.length)) list.append(m.node()); // only what is new
  } else {
    list.replaceChildren(...messages.map((m) => m.node()));
  }
  if (atBottom) list.scrollTop = list.scrollHeight;
  if (keys.head !== built.head) {
    // Rebuilt after a change (an assignment, say): the control that had the focus has it again.
    const focused = document.activeElement?.closest(".thread-head") ? document.activeElement.id : "";
    pane.querySelector(".thread-head").replaceWith(head(conversation, cc));
    if (focused) $(focused)?.focus();
  } else if (keys.labels !== built.labels) syncLabelEditor($("thread-labels"), conversation.label_ids);
  if (keys.composer !== built.composer) {
    // What the contact can be answered by changed: a new composer, with the text carried over.
    const old = $("composer");
    const text = old.querySelector("textarea").value;
    const form = replyForm(conversation, messenger);
    form.querySelector("textarea").value = text;
    old.replaceWith(form);
  }
  if (keys.profile !== built.profile) renderProfile(conversation, claim, openConversation, rating);
  built = keys;
  showFound(conversation.id);
}
