// @ts-check
// Settings › Facebook Messenger (primary admin, per site): connect a Page with
// its id, Page access token and App secret (stored sealed; the API only says
// they are set), and the Callback URL and verify token to paste into the Meta
// app, with whether Meta's verification has succeeded.
import { client, latestOnly } from "./api.js";
import { $, showError, when } from "./dom.js";

const fresh = latestOnly();

/** @param {import("./api-types").MessengerSettings} m */
function showMessenger(m) {
  $("m-page").value = m.page_id ?? "";
  for (const [id, set] of /** @type {const} */ ([["m-token", m.page_access_token_set], ["m-secret", m.app_secret_set]])) {
    const input = /** @type {HTMLInputElement} */ ($(id));
    input.value = "";
    input.placeholder = set ? "Saved (leave empty to keep it)" : "Required to connect";
  }
  $("m-webhook").textContent = m.webhook_url;
  $("m-verify").textContent = m.verify_token ?? "Generated when the Page is connected";
  $("m-state").textContent = m.page_id
    ? `Connected to Page ${m.page_id}: Page access token ${m.page_access_token_set ? "set" : "missing"}, App secret ${m.app_secret_set ? "set" : "missing"}.`
    : "No Page connected.";
  $("m-verified").textContent = m.verified_at
    ? `Meta verified the webhook ${when(m.verified_at)}.`
    : "Meta has not verified the webhook yet: paste the Callback URL and the verify token into the Meta app.";
}

/** Loads the chosen site's Messenger connection (never its secrets). */
export async function loadMessenger() {
  const isCurrent = fresh();
  showError($("m-error"), null);
  $("m-saved").textContent = "";
  try {
    const m = await client.messenger($("s-site").value);
    if (isCurrent()) showMessenger(m);
  } catch (err) {
    if (isCurrent()) showError($("m-error"), err, "Could not load the Messenger settings: ");
  }
}

/** Saves the Page connection; empty secret fields keep the saved ones. */
async function save(/** @type {Event} */ e) {
  e.preventDefault();
  showError($("m-error"), null);
  $("m-saved").textContent = "";
  const token = $("m-token").value.trim();
  const secret = $("m-secret").value.trim();
  try {
    const m = await client.updateMessenger($("s-site").value, {
      page_id: $("m-page").value.trim(),
      ...(token ? { page_access_token: token } : {}),
      ...(secret ? { app_secret: secret } : {}),
    });
    showMessenger(m);
    $("m-saved").textContent = "Saved";
  } catch (err) {
    showError($("m-error"), err, "Not saved: ");
  }
}

/** Wires the Messenger form. */
export function initMessenger() {
  $("m-form").addEventListener("submit", save);
}
