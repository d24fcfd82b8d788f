// @ts-check
// The reply form under a thread: reply by chat, by Messenger (for Messenger
// conversations, disabled with the reason once the person's 7-day window has
// closed) or by email (From, To, the conversation's Cc, an optional Bcc and an
// editable subject from the email draft, and the signature it will carry),
// with a confirmation before emailing an address the visitor never proved.
// Typing `/` offers the team's saved replies (reply-picker.js).
// Its third mode, Note, writes a private note for the team instead: never
// sent, shown only in the thread's trail; `@` completes a teammate's name
// (mention-picker.js), and the teammate is told live.
import { client } from "./api.js";
import { el, alertBox, showError, UNVERIFIED } from "./dom.js";
import { replyPicker } from "./reply-picker.js";
import { mentionPicker } from "./mention-picker.js";
import { UPLOAD_ACCEPT, CONFIRM_UNVERIFIED_EMAIL } from "./constants.js";

/** A labelled radio button of the "Reply by" choice; returns [label, input]. */
function radio(value, label) {
  const wrap = el("label");
  const input = document.createElement("input");
  input.type = "radio";
  input.name = "via";
  input.value = value;
  input.id = `via-${value}`;
  wrap.append(input, ` ${label}`);
  return [wrap, input];
}

/** A labelled text field of the email's addresses (Cc, Bcc): [its wrapper, the input]. */
/** @param {string} id @param {string} label @param {string} hint */
function addressField(id, label, hint) {
  const wrap = el("div", "addresses");
  const name = el("label", null, label);
  name.htmlFor = id;
  const input = document.createElement("input");
  input.id = id;
  input.type = "text";
  input.autocomplete = "off";
  input.spellcheck = false;
  input.placeholder = "name@example.com, …";
  const note = el("span", "hint", hint);
  note.id = `${id}-hint`;
  input.setAttribute("aria-describedby", note.id);
  wrap.append(name, input, note);
  return [wrap, input];
}

/** What the composer says about the Messenger window: why replies are off, or how they are sent. */
/** @param {import("./api-types").MessengerThread} messenger */
function windowNote(messenger) {
  if (messenger.window === "closed") return `Messenger unavailable: ${messenger.closed_reason}`;
  if (messenger.window === "human_agent") return "More than 24 hours since their last message: sent with Messenger's HUMAN_AGENT tag.";
  return "";
}

/** The composer for a conversation; `reopen()` reloads the thread after a send (the composer stays, emptied). */
/**
 * @param {import("./api-types").Conversation} conversation
 * @param {() => void} reopen
 * @param {import("./api-types").MessengerThread | null} [messenger] the Messenger side of the thread, for Messenger conversations
 * @param {() => import("./api-types").Agent[]} [team] the team a note's `@` completes from
 */
export function composer(conversation, reopen, messenger = null, team = () => []) {
  const form = el("form", "composer");
  form.id = "composer";
  const via = el("div", "via");
  const byMessenger = conversation.channel === "messenger";
  const [chatLabel, chat] = byMessenger ? radio("messenger", "Messenger") : radio("chat", "Chat");
  const [emailLabel, email] = radio("email", "Email");
  const [noteLabel, noting] = radio("note", "Note");
  const reason = el("span", "reason");
  reason.id = "email-reason";
  via.append("Reply by", chatLabel, emailLabel, "or write a", noteLabel, reason);
  if (byMessenger) {
    const note = el("div", "reason", messenger ? windowNote(messenger) : "");
    note.id = "messenger-reason";
    via.append(note);
  }
  const subject = document.createElement("input");
  subject.id = "reply-subject";
  subject.setAttribute("aria-label", "Subject");
  subject.hidden = true;
  const from = el("div", "reason");
  from.id = "reply-from";
  const [ccBox, cc] = addressField("reply-cc", "Cc", "Everyone sees these addresses.");
  const [bccBox, bcc] = addressField("reply-bcc", "Bcc", "Sent a copy, never named to the others.");
  const signed = el("div", "reason");
  signed.id = "reply-signature";
  const text = document.createElement("textarea");
  text.id = "reply-body";
  text.setAttribute("aria-label", "Reply");
  // Not required: a reply may be files alone (checked on submit).
  text.placeholder = "Type / for saved replies";
  const picker = replyPicker(text, conversation.id);
  const mentions = mentionPicker(text, team, () => noting.checked);
  const private_ = el("p", "note-hint", "Private note: only your team sees it, never the customer. Type @ to mention a teammate.");
  private_.id = "note-hint";
  const files = document.createElement("input");
  files.type = "file";
  files.id = "reply-files";
  files.multiple = true;
  files.accept = UPLOAD_ACCEPT;
  const attach = el("label", "attach", "Attach files ");
  attach.append(files);
  const send = el("button", null, "Send");
  send.type = "submit";
  const error = alertBox();
  form.append(via, from, ccBox, bccBox, subject, private_, text, picker, mentions, signed, attach, send, error);

  const update = () => {
    subject.hidden = from.hidden = ccBox.hidden = bccBox.hidden = signed.hidden = !email.checked;
    form.classList.toggle("noting", noting.checked);
    private_.hidden = !noting.checked;
    attach.hidden = noting.checked;
    text.setAttribute("aria-label", noting.checked ? "Private note" : "Reply");
    if (noting.checked) text.setAttribute("aria-describedby", private_.id);
    else text.removeAttribute("aria-describedby");
    text.placeholder = noting.checked ? "Only your team sees this. Type @ to mention someone" : "Type / for saved replies";
    send.textContent = noting.checked ? "Add note" : "Send";
  };
  chat.disabled = !conversation.visitor_id || (byMessenger && messenger?.window !== "standard" && messenger?.window !== "human_agent");
  email.disabled = true;
  reason.textContent = "Checking email…";
  /** @type {string | null} the unverified address the agent confirmed: the one the draft showed */
  let confirmed = null;
  /** @type {string | null} the draft's address when the visitor never proved it */
  let unverifiedTo = null;
  const loadDraft = () => client.emailDraft(conversation.id)
    .then((draft) => {
      email.disabled = false;
      reason.textContent = "";
      subject.value = draft.subject;
      unverifiedTo = draft.to_unverified ? draft.to : null;
      from.textContent = `From ${draft.from} to ${draft.to}${unverifiedTo ? ` (${UNVERIFIED})` : ""}`;
      cc.value = draft.cc.join(", ");
      bcc.parentElement.querySelector(".hint").textContent += ` At most ${draft.max_recipients} addresses in all.`;
      signed.textContent = draft.signature ? `Signed: ${draft.signature.split("\n")[0]}${draft.signature.includes("\n") ? " …" : ""}` : "No signature (set one under Signature).";
      if (chat.disabled && !noting.checked) email.checked = true;
      update();
    })
    .catch((err) => { reason.textContent = `Email unavailable: ${err.message}`; });
  loadDraft();
  if (!chat.disabled) chat.checked = true;
  chat.addEventListener("change", update);
  email.addEventListener("change", update);
  noting.addEventListener("change", update);
  update();

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    showError(error, null);
    if (noting.checked) return addNote();
    /** @type {"chat" | "email" | "messenger"} */
    const channel = email.checked ? "email" : byMessenger ? "messenger" : "chat";
    if (channel === "email" && unverifiedTo && !confirmed) {
      // Ask once: the address was typed by the visitor and may belong to someone else.
      confirmed = unverifiedTo;
      error.textContent = "This email address is not verified: the email may reach someone other than the person chatting. Send anyway?";
      send.textContent = "Send anyway";
      return;
    }
    const chosen = [...(files.files ?? [])];
    if (!text.value.trim() && !chosen.length) {
      showError(error, new Error("Write a reply or attach a file."));
      return;
    }
    try {
      const reply = {
        body: text.value, channel,
        ...(channel === "email" ? { subject: subject.value, ...(confirmed ? { confirm_unverified: confirmed } : {}), cc: [cc.value], bcc: [bcc.value] } : {}),
      };
      await (chosen.length ? client.replyWithFiles(conversation.id, reply, chosen) : client.reply(conversation.id, reply));
      text.value = "";
      files.value = "";
      bcc.value = ""; // a blind copy is for this email only; the Cc stays the conversation's
      confirmed = null; // the next email to an unverified address asks again
      send.textContent = "Send";
      reopen();
    } catch (err) {
      showError(error, err);
      if (err.code === CONFIRM_UNVERIFIED_EMAIL) {
        // The visitor claimed another address since the draft was shown: show it, and ask again.
        confirmed = null;
        send.textContent = "Send";
        loadDraft();
      }
      if (err.status === 502) reopen(); // stored but not delivered: the thread shows it as failed
    }
  });
  /** @type {{body: string, key: string} | null} the note being written and its id: a retry after a failure stores it once */
  let pending = null;
  /** Stores the note (never sent): the thread shows it in its trail. */
  async function addNote() {
    if (!text.value.trim()) return showError(error, new Error("Write the note first."));
    if (pending?.body !== text.value) pending = { body: text.value, key: crypto.randomUUID() };
    try {
      await client.addNote(conversation.id, { body: pending.body, client_note_id: pending.key });
      pending = null;
      text.value = "";
      reopen();
    } catch (err) {
      showError(error, err);
    }
  }
  return form;
}
