// @ts-check
// "Erase contact…" in the contact panel (primary admin; GDPR article 17): a
// modal <dialog> (focus kept inside, Escape closes, the focus returns to its
// button) that says what is erased and, when the contact was synced to
// ActiveCampaign, that it also lives there and is not deleted there, with the
// link that opens it. Erase is the worker's DELETE /api/contacts/{id}.
import { client } from "./api.js";
import { el, alertBox, showError } from "./dom.js";

/**
 * The button and its dialog; `crmId`: the contact's id in ActiveCampaign, if
 * synced there; `done()` runs once the contact is erased.
 * @param {import("./api-types").Contact} contact @param {string | null} crmId @param {() => void} done
 */
export function eraseContact(contact, crmId, done) {
  const button = el("button", null, "Erase contact…");
  button.type = "button";
  button.id = "erase-contact";
  button.setAttribute("aria-haspopup", "dialog");
  const dialog = document.createElement("dialog");
  dialog.className = "merge-dialog";
  dialog.id = "erase-dialog";
  dialog.setAttribute("aria-labelledby", "erase-title");
  dialog.setAttribute("aria-describedby", "erase-what");
  const title = el("h2", null, `Erase ${contact.display_name}?`);
  title.id = "erase-title";
  const what = el("p", null, "Parley erases the contact and everything it stores about them: their conversations, messages, files, " +
    "notes and the original emails. This cannot be undone.");
  what.id = "erase-what";
  const elsewhere = el("p", "crm-elsewhere");
  elsewhere.id = "erase-crm";
  elsewhere.hidden = true;
  const error = alertBox("erase-error");
  const form = el("form");
  form.method = "dialog";
  const submit = el("button", "danger", "Erase for good");
  submit.type = "submit";
  const cancel = el("button", null, "Cancel");
  cancel.type = "button";
  cancel.addEventListener("click", () => dialog.close());
  form.append(error, submit, cancel);
  dialog.append(title, what, elsewhere, form);
  dialog.addEventListener("close", () => button.isConnected && button.focus());
  button.addEventListener("click", () => {
    showError(error, null);
    dialog.showModal();
    cancel.focus();
    if (crmId) showElsewhere(contact.id, elsewhere);
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    showError(error, null);
    submit.disabled = true;
    try {
      await client.eraseContact(contact.id);
      dialog.close();
      done();
    } catch (err) {
      showError(error, err, "Not erased: ");
    } finally {
      submit.disabled = false;
    }
  });
  return [button, dialog];
}

/**
 * "Also lives in ActiveCampaign": said at once; the link follows from the
 * contact's card (the worker keeps it 60 s, so opening the dialog rarely calls ActiveCampaign).
 * @param {string} contactId @param {HTMLElement} box
 */
async function showElsewhere(contactId, box) {
  box.hidden = false;
  box.replaceChildren("This contact also lives in ActiveCampaign. Erasing it here does not delete it there: " +
    "if they asked to be forgotten, erase them in ActiveCampaign too.");
  try {
    const card = await client.crmCard(contactId);
    if (!card.url) return;
    const a = /** @type {HTMLAnchorElement} */ (el("a", null, "Open it in ActiveCampaign"));
    a.href = card.url;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    a.id = "erase-crm-link";
    box.append(" ", a);
  } catch {
    // The sentence stands without the link.
  }
}
