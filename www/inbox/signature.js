// @ts-check
// Signatures of outgoing mail: each agent's own (the Signature view, open to
// every agent) and the site's default (Settings › Email channel, the primary
// admin's). Both show a live preview of an email reply signed with what is
// typed, as the worker builds it: the text part, and the HTML part (everything
// typed escaped) in a sandboxed frame. The agent's signature wins when set.
import { client, latestOnly } from "./api.js";
import { $, el, showError, show } from "./dom.js";

const freshOwn = latestOnly();

/**
 * Shows, shortly after each keystroke in `input`, the email signed with it
 * in `box` (a text part and a sandboxed HTML part); returns the refresh.
 * @param {HTMLTextAreaElement} input @param {HTMLElement} box
 */
export function signaturePreview(input, box) {
  const fresh = latestOnly();
  const text = el("pre", "sig-text");
  const frame = document.createElement("iframe");
  frame.setAttribute("sandbox", ""); // no scripts, no same-origin access: it shows what the contact's mail client would
  frame.title = "Signed email as HTML";
  frame.className = "sig-html";
  const status = el("p", "hint");
  status.setAttribute("role", "status");
  box.replaceChildren(el("h3", null, "Preview"), el("p", "hint", "Text part"), text, el("p", "hint", "HTML part"), frame, status);
  let timer;
  const refresh = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const isCurrent = fresh();
      try {
        const preview = await client.previewSignature(input.value);
        if (!isCurrent()) return; // a newer keystroke's preview is on its way
        text.textContent = preview.text;
        frame.srcdoc = preview.html;
        status.textContent = "";
      } catch (err) {
        if (isCurrent()) status.textContent = err.message;
      }
    }, 150);
  };
  input.addEventListener("input", refresh);
  return refresh;
}

let refreshOwn = () => {};

/** Shows the Signature view with the agent's own signature and its preview. */
export async function openSignature() {
  show("signature");
  const isCurrent = freshOwn();
  $("sig-saved").textContent = "";
  showError($("sig-error"), null);
  const input = $("sig-own");
  input.disabled = true; // until the saved one is in: nothing typed meanwhile is overwritten
  try {
    const { signature } = await client.signature();
    if (!isCurrent()) return;
    input.value = signature ?? "";
    refreshOwn();
  } catch (err) {
    if (isCurrent()) showError($("sig-error"), err, "Could not load your signature: ");
  } finally {
    if (isCurrent()) input.disabled = false;
  }
}

/** Saves the agent's own signature; the outcome shows by the Save button. */
async function save(e) {
  e.preventDefault();
  $("sig-saved").textContent = "";
  showError($("sig-error"), null);
  try {
    const { signature } = await client.setSignature($("sig-own").value);
    $("sig-own").value = signature ?? "";
    $("sig-saved").textContent = signature ? "Saved." : "Removed: the site's signature applies.";
    refreshOwn();
  } catch (err) {
    showError($("sig-error"), err, "Not saved: ");
  }
}

/** Wires the Signature view. */
export function initSignature() {
  refreshOwn = signaturePreview($("sig-own"), $("sig-preview"));
  $("sig-form").addEventListener("submit", save);
}
