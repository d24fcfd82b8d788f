// @ts-check
// Parley inbox, the entry module: sign-in, invitation acceptance and sign-out,
// switching between inbox and settings, and the list's periodic refresh.
// Everything from the API is rendered with textContent; an email's HTML is only
// shown inside a sandboxed iframe, with scripts off (see thread.js).
import { client, setCsrf } from "./api.js";
import { $, showError, show } from "./dom.js";
import { initList, loadList, refreshList } from "./list.js";
import { openConversation, currentId, setAgents } from "./thread.js";
import { openSettings, initSettings } from "./settings.js";

let refresh = null; // the list's refresh timer while the inbox is shown

/** Enters the app with a session: the agent's name, the admin's Settings, the inbox. */
/** @param {import("./api-types").Session} session */
function signedIn({ agent, csrf_token }) {
  setCsrf(csrf_token);
  $("nav").hidden = false;
  $("who").textContent = `${agent.full_name}${agent.role === "primary_admin" ? " (admin)" : ""}`;
  $("to-settings").hidden = agent.role !== "primary_admin";
  openInbox();
}

/** Shows the inbox: the team (for the assignee menu), the list, and its refresh. */
async function openInbox() {
  show("inbox");
  try {
    setAgents((await client.agents()).agents);
  } catch (err) {
    showError($("list-error"), err, "Could not load the team: ");
  }
  await loadList().catch(() => {}); // shown in #list-error
  clearInterval(refresh);
  // The refresh keeps the first page current; it pauses while older pages are shown.
  refresh = setInterval(refreshList, 5000);
}

$("signin").addEventListener("submit", async (e) => {
  e.preventDefault();
  $("signin-error").textContent = "";
  try {
    signedIn(await client.signIn($("email").value, $("password").value));
  } catch (err) {
    showError($("signin-error"), err);
  }
});

$("accept").addEventListener("submit", async (e) => {
  e.preventDefault();
  const token = new URLSearchParams(location.hash.slice(1)).get("invitation");
  showError($("accept-error"), null);
  try {
    const session = await client.acceptInvitation(token, $("new-password").value);
    history.replaceState(null, "", location.pathname);
    signedIn(session);
  } catch (err) {
    showError($("accept-error"), err);
  }
});

$("sign-out").addEventListener("click", async () => {
  showError($("nav-error"), null);
  try {
    await client.signOut();
  } catch (err) {
    // 401: the session is already gone, which is what signing out wants.
    if (err.status !== 401) return showError($("nav-error"), err, "Could not sign out: ");
  }
  clearInterval(refresh);
  location.reload();
});

$("to-settings").addEventListener("click", () => {
  clearInterval(refresh);
  openSettings();
});
$("to-inbox").addEventListener("click", openInbox);
initList({ open: openConversation, currentId });
initSettings();

(async () => {
  if (new URLSearchParams(location.hash.slice(1)).get("invitation")) return show("accept");
  try {
    signedIn(await client.session());
  } catch {
    show("signin");
  }
})();
