// @ts-check
// Merging, from the thread's head ("Merge into…": another conversation of the
// same contact) and from the contact panel ("Merge a duplicate…": a contact
// with the same phone merged into this one). Each opens a modal <dialog>
// (focus kept inside, Escape closes, the focus returns to its button) with a
// radio group of the choices and a Merge button; the worker decides and
// moves everything in one batch, and a refusal is said in the dialog.
import { client } from "./api.js";
import { el, alertBox, showError, when } from "./dom.js";

/**
 * A button and the modal dialog it opens: a titled radio group of `choices`
 * (loaded when it opens) and a Merge button that sends the chosen id.
 * @param {{id: string, label: string, title: string, empty: string, load: () => Promise<{id: string, text: string}[]>, merge: (chosen: string) => Promise<unknown>, done: () => void}} spec
 */
function mergeDialog(spec) {
  const button = el("button", null, spec.label);
  button.type = "button";
  button.id = spec.id;
  button.setAttribute("aria-haspopup", "dialog");
  const dialog = document.createElement("dialog");
  dialog.className = "merge-dialog";
  dialog.id = `${spec.id}-dialog`;
  dialog.setAttribute("aria-labelledby", `${spec.id}-title`);
  const title = el("h2", null, spec.title);
  title.id = `${spec.id}-title`;
  const form = el("form");
  form.method = "dialog";
  const group = el("fieldset");
  const legend = el("legend", null, "Choose one");
  const error = alertBox(`${spec.id}-error`);
  const submit = el("button", null, "Merge");
  submit.type = "submit";
  const cancel = el("button", null, "Cancel");
  cancel.type = "button";
  cancel.addEventListener("click", () => dialog.close());
  form.append(group, error, submit, cancel);
  dialog.append(title, form);
  dialog.addEventListener("close", () => button.focus());
  button.addEventListener("click", async () => {
    showError(error, null);
    group.replaceChildren(legend, el("p", null, "Loading…"));
    dialog.showModal();
    let choices = [];
    try {
      choices = await spec.load();
    } catch (err) {
      showError(error, err, "Could not load the choices: ");
    }
    group.replaceChildren(legend);
    if (!choices.length) group.append(el("p", null, spec.empty));
    choices.forEach((c, i) => {
      const input = document.createElement("input");
      input.type = "radio";
      input.name = `${spec.id}-choice`;
      input.value = c.id;
      input.id = `${spec.id}-${i}`;
      input.checked = i === 0;
      const label = el("label", null, c.text);
      label.htmlFor = input.id;
      const row = el("div", "merge-choice");
      row.append(input, label);
      group.append(row);
    });
    submit.disabled = !choices.length;
    /** @type {HTMLElement | null} */ (group.querySelector("input") ?? cancel).focus();
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const chosen = /** @type {HTMLInputElement | null} */ (group.querySelector("input:checked"));
    if (!chosen) return;
    showError(error, null);
    submit.disabled = true;
    try {
      await spec.merge(chosen.value);
      dialog.close();
      spec.done();
    } catch (err) {
      showError(error, err, "Could not merge: ");
    } finally {
      submit.disabled = false;
    }
  });
  return [button, dialog];
}

/**
 * "Merge into…" of a conversation with a contact: its other conversations;
 * `open(id)` opens the survivor.
 * @param {import("./api-types").Conversation} conversation @param {(id: string) => void} open
 */
export function mergeConversation(conversation, open) {
  let into = "";
  return mergeDialog({
    id: "merge",
    label: "Merge into…",
    title: "Merge this conversation into another of the contact's",
    empty: "The contact has no other conversation.",
    load: async () => {
      const { conversations } = await client.contact(/** @type {string} */ (conversation.contact_id));
      return conversations
        .filter((c) => c.id !== conversation.id)
        .map((c) => ({ id: c.id, text: `${c.subject || c.preview || c.display_name} (${c.channel}, ${c.status}, ${when(c.last_message_at)})` }));
    },
    merge: async (chosen) => {
      into = chosen;
      await client.mergeConversation(conversation.id, chosen);
    },
    done: () => open(into),
  });
}

/**
 * "Merge a duplicate…" of a contact: the account's contacts with its phone,
 * each merged into this one; `done()` reloads the panel.
 * @param {import("./api-types").Contact} contact @param {() => void} done
 */
export function mergeContact(contact, done) {
  return mergeDialog({
    id: "merge-contact",
    label: "Merge a duplicate…",
    title: `Merge a duplicate into ${contact.display_name}`,
    empty: "No other contact has this phone number.",
    load: async () => (await client.duplicates(contact.id)).contacts
      .map((c) => ({ id: c.id, text: `${c.display_name} (${[c.email, c.phone].filter(Boolean).join(", ")}, first seen ${when(c.created_at)})` })),
    merge: (chosen) => client.mergeContact(chosen, contact.id),
    done,
  });
}
