// @ts-check
// The Mentions view: the conversations a teammate's note mentioned me in, most
// recently mentioned first (GET /api/mentions), each a button that opens it,
// a page at a time ("Load more" asks for the next with its cursor);
// and what a mention pushed live does when I am not looking at it: the nav's
// count, a desktop notification where permitted, the view reloaded if shown.
import { client } from "./api.js";
import { $, el, alertBox, show, showError, when } from "./dom.js";
import { notify } from "./notify.js";

let me = "";
let unseen = 0;
/** @type {(id: string) => void} */
let open = () => {};

/** Sets who I am and how a listed conversation opens; wires the nav button. */
/** @param {string} agentId @param {(id: string) => void} openConversation */
export function initMentions(agentId, openConversation) {
  me = agentId;
  open = openConversation;
}

/** The nav button's text: "Mentions", with the number of mentions since the view was last shown. */
function showCount() {
  $("to-mentions").textContent = unseen ? `Mentions (${unseen} new)` : "Mentions";
}

/** Shows the view and loads it. */
export async function openMentions() {
  show("mentions");
  unseen = 0;
  showCount();
  await reloadMentions();
}

/** The cursor of the next page of the view, if there is one. */
let next = null;

/** One conversation of the view: a button that opens it. @param {import("./api-types").MentionedIn} mention */
function item({ conversation, mentioned_at }) {
  const li = el("li");
  li.dataset.id = conversation.id;
  const button = el("button", null, conversation.subject || conversation.display_name);
  button.type = "button";
  button.append(el("span", "when", `Mentioned ${when(mentioned_at)}`));
  button.addEventListener("click", () => open(conversation.id));
  li.append(button);
  return li;
}

/** The "Load more" button under the view, with its own alert; it gives the focus to the first new entry. */
function moreItem() {
  const li = el("li", "more");
  const button = el("button", "link", "Load more");
  button.type = "button";
  button.id = "mentions-more";
  const error = alertBox("mentions-more-error");
  button.addEventListener("click", async () => {
    showError(error, null);
    try {
      const first = await loadMentions(true);
      first?.querySelector("button")?.focus();
    } catch (err) {
      showError(error, err, "Could not load more: ");
    }
  });
  li.append(button, error);
  return li;
}

/** Loads the first page into the view (or, with `more`, the next one after it); answers the first entry it added. */
async function loadMentions(more = false) {
  const list = $("mentions-list");
  const page = await client.mentions(more ? next : null);
  next = page.next;
  list.querySelector(".more")?.remove();
  if (!more) list.replaceChildren();
  $("mentions-empty").hidden = page.conversations.length > 0 || list.children.length > 0;
  // A conversation mentioned again since the page before moved up: shown once.
  const fresh = page.conversations.filter(({ conversation }) => !list.querySelector(`li[data-id="${CSS.escape(conversation.id)}"]`));
  const items = fresh.map(item);
  list.append(...items);
  if (next) list.append(moreItem());
  return items[0];
}

/** Loads the view's first page, a failure shown in the view. */
async function reloadMentions() {
  showError($("mentions-error"), null);
  try {
    await loadMentions();
  } catch (err) {
    showError($("mentions-error"), err, "Could not load your mentions: ");
  }
}

/**
 * A note was written: if it mentions me, tell me (unless I am looking at that conversation).
 * @param {Extract<import("./api-types").InboxPush, {type: "note"}>} push
 * @param {boolean} looking whether the conversation is shown, in front of me
 */
export function onNote(push, looking) {
  if (!push.mentions.includes(me)) return;
  if (!$("mentions").hidden) reloadMentions();
  else if (!looking) {
    unseen += 1;
    showCount();
  }
  if (!looking) {
    notify({ title: `${push.author_name} mentioned you`, body: push.preview, tag: `note:${push.note_id}`, open: () => open(push.conversation_id) });
  }
}
