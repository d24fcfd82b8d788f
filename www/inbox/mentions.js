// @ts-check
// The Mentions view: the conversations a teammate's note mentioned me in, most
// recently mentioned first (GET /api/mentions), each a button that opens it;
// and what a mention pushed live does when I am not looking at it: the nav's
// count, a desktop notification where permitted, the view reloaded if shown.
import { client } from "./api.js";
import { $, el, show, showError, when } from "./dom.js";
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
  await loadMentions();
}

/** Loads the list into the view. */
async function loadMentions() {
  const list = $("mentions-list");
  showError($("mentions-error"), null);
  try {
    const { conversations } = await client.mentions();
    $("mentions-empty").hidden = conversations.length > 0;
    list.replaceChildren(...conversations.map(({ conversation, mentioned_at }) => {
      const item = el("li");
      const button = el("button", null, conversation.subject || conversation.display_name);
      button.type = "button";
      button.append(el("span", "when", `Mentioned ${when(mentioned_at)}`));
      button.addEventListener("click", () => open(conversation.id));
      item.append(button);
      return item;
    }));
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
  if (!$("mentions").hidden) loadMentions();
  else if (!looking) {
    unseen += 1;
    showCount();
  }
  if (!looking) {
    notify({ title: `${push.author_name} mentioned you`, body: push.preview, tag: `note:${push.note_id}`, open: () => open(push.conversation_id) });
  }
}
