// @ts-check
// The thread's "Email transcript" button for chat conversations: the worker
// emails the contact the chat so far. Each transcript gets a request key that
// is kept until the worker answers for it, so clicking again after a lost
// answer or a failed send retries the same transcript and never sends two.
import { client } from "./api.js";
import { el } from "./dom.js";
import { CONFIRM_UNVERIFIED_EMAIL } from "./constants.js";

/** The button and its status line, for a chat conversation. */
/** @param {import("./api-types").Conversation} conversation */
export function transcriptButton(conversation) {
  const box = el("span", "transcript");
  const button = el("button", null, "Email transcript");
  button.type = "button";
  button.id = "send-transcript";
  const status = el("span", "reason");
  status.id = "transcript-status";
  status.setAttribute("role", "status");
  box.append(button, " ", status);
  if (!conversation.contact_email) {
    button.disabled = true;
    status.textContent = "No transcript: this contact has no email address yet.";
    return box;
  }
  let key = null;
  /** @type {string | null} the unverified address the agent confirmed, as the button named it */
  let confirmed = null;
  button.addEventListener("click", async () => {
    key ??= crypto.randomUUID();
    button.disabled = true;
    status.textContent = "Sending the transcript…";
    try {
      const sent = await client.sendTranscript(conversation.id, { idempotency_key: key, ...(confirmed ? { confirm_unverified: confirmed } : {}) });
      status.textContent = sent.status === "sending" ? `The transcript is on its way to ${sent.to}.` : `Transcript sent to ${sent.to}.`;
      key = null; // the next click is a new transcript
      confirmed = null;
      button.textContent = "Email transcript";
    } catch (err) {
      if (err.code === CONFIRM_UNVERIFIED_EMAIL) {
        // The visitor typed this address: the agent confirms, then the same request goes again.
        confirmed = conversation.contact_email;
        button.textContent = `Send transcript to ${confirmed} anyway`;
      }
      status.textContent = err.message;
    } finally {
      button.disabled = false;
    }
  });
  return box;
}
