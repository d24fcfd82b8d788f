// @ts-check
// The team's saved replies (every agent may manage them): the list by
// shortcut, a form that adds one or edits the one chosen, and Delete. What the
// worker refuses (a taken shortcut, an unknown placeholder) shows its reason,
// and nothing is half-saved.
import { client, latestOnly } from "./api.js";
import { $, el, showError, show } from "./dom.js";

const fresh = latestOnly();
/** The saved reply being edited, or null when the form adds one. */
let editing = null;

/** Shows the saved replies view and loads the list. */
export async function openReplies() {
  show("replies");
  resetForm();
  await loadReplies();
}

async function loadReplies() {
  const isCurrent = fresh();
  /** @type {import("./api-types").SavedReply[]} */
  let replies;
  try {
    ({ saved_replies: replies } = await client.savedReplies());
  } catch (err) {
    if (isCurrent()) showError($("sr-error"), err, "Could not load the saved replies: ");
    return;
  }
  if (!isCurrent()) return;
  const list = $("sr-list");
  list.replaceChildren();
  if (!replies.length) list.append(el("li", "hint", "No saved replies yet."));
  for (const r of replies) {
    const li = el("li");
    li.append(el("b", null, `/${r.shortcut}`), ` · ${r.title}`, el("p", "body", r.body));
    const edit = el("button", "link", "Edit");
    edit.type = "button";
    edit.addEventListener("click", () => startEditing(r));
    const remove = el("button", "link", "Delete");
    remove.type = "button";
    remove.addEventListener("click", () => removeReply(r));
    li.append(edit, " ", remove);
    list.append(li);
  }
}

/** @param {import("./api-types").SavedReply} reply */
function startEditing(reply) {
  editing = reply;
  $("sr-shortcut").value = reply.shortcut;
  $("sr-title").value = reply.title;
  $("sr-body").value = reply.body;
  $("sr-save").textContent = "Save changes";
  $("sr-cancel").hidden = false;
  showError($("sr-error"), null);
  $("sr-title").focus();
}

function resetForm() {
  editing = null;
  $("sr-form").reset();
  $("sr-save").textContent = "Add saved reply";
  $("sr-cancel").hidden = true;
  showError($("sr-error"), null);
}

/** @param {import("./api-types").SavedReply} reply */
async function removeReply(reply) {
  showError($("sr-error"), null);
  if (!confirm(`Delete the saved reply /${reply.shortcut} for the whole team?`)) return;
  try {
    await client.deleteSavedReply(reply.id);
    if (editing?.id === reply.id) resetForm();
  } catch (err) {
    showError($("sr-error"), err, "Not deleted: ");
  }
  await loadReplies();
}

/** Wires the form (once, at start-up). */
export function initReplies() {
  $("sr-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    showError($("sr-error"), null);
    const fields = { shortcut: $("sr-shortcut").value, title: $("sr-title").value, body: $("sr-body").value };
    try {
      if (editing) await client.updateSavedReply(editing.id, fields);
      else await client.createSavedReply(fields);
      resetForm();
    } catch (err) {
      showError($("sr-error"), err, "Not saved: ");
      return;
    }
    await loadReplies();
  });
  $("sr-cancel").addEventListener("click", resetForm);
}
