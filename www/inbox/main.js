// @ts-check
// Parley inbox, the entry module: sign-in, invitation acceptance and sign-out,
// switching between the inbox and the other views (settings, reports, …), and the live
// socket's pushes routed to the list, the thread, notifications and presence. Nothing polls: the list and
// the thread reload when a push says something changed, and catch up from the
// API on every (re)connection of the socket.
// Everything from the API is rendered with textContent; an email's HTML is only
// shown inside a sandboxed iframe, with scripts off (see thread.js).
import { client, setCsrf } from "./api.js";
import { $, showError, show } from "./dom.js";
import { initList, loadList, refreshList, listed } from "./list.js";
import { loadLabels } from "./labels.js";
import { openConversation, reloadThread, currentId, setAgents, setTeams } from "./thread.js";
import { openSettings, initSettings } from "./settings.js";
import { openReplies, initReplies } from "./saved-replies.js";
import { openSignature, initSignature } from "./signature.js";
import { startLive, stopLive } from "./live.js";
import { setMe, view, resendView, onViewers, onVisitorTyping, hidePreview } from "./thread-live.js";
import { askPermission, showUnread, initSound, notify } from "./notify.js";
import { initPresence, onTeam } from "./presence.js";
import { initMentions, openMentions, onNote } from "./mentions.js";
import { initKeys } from "./keys.js";
import { initReports, openReports } from "./reports.js";
import { initPanes, showPane, hashRoute } from "./panes.js";
import { initShell, offline, reachable } from "./shell.js";
import { setAdmin } from "./profile.js";
import { SAVED_REPLY_SHORTCUT_CHARS, SAVED_REPLY_TITLE_CHARS, SAVED_REPLY_BODY_CHARS, SIGNATURE_CHARS, LINE_CHARS, BOT_MESSAGE_CHARS } from "./constants.js";

// The fields' limits, the worker's own (constants.js, generated from shared):
// inbox.html writes none. A shortcut may be typed with its leading "/".
const LIMITS = {
  "sr-shortcut": SAVED_REPLY_SHORTCUT_CHARS + 1,
  "sr-title": SAVED_REPLY_TITLE_CHARS,
  "sr-body": SAVED_REPLY_BODY_CHARS,
  "sig-own": SIGNATURE_CHARS,
  "s-signature": SIGNATURE_CHARS,
  "site-name": LINE_CHARS,
  "new-site-name": LINE_CHARS,
  "bot-greeting": BOT_MESSAGE_CHARS,
  "bot-greeting-fr": BOT_MESSAGE_CHARS,
  "bot-offline-text": BOT_MESSAGE_CHARS,
  "bot-offline-fr": BOT_MESSAGE_CHARS,
};
for (const [id, max] of Object.entries(LIMITS)) $(id).maxLength = max;

let readWhenShown = null; // the open conversation that got a message while the tab was hidden

/** Enters the app with a session: the agent's name and status, the admin's Settings, the live socket, the inbox. */
/** @param {import("./api-types").Session} session */
function signedIn({ agent, csrf_token }) {
  setCsrf(csrf_token);
  $("nav").hidden = false;
  $("menu-toggle").hidden = false;
  $("who").textContent = `${agent.full_name}${agent.role === "primary_admin" ? " (admin)" : ""}`;
  $("to-settings").hidden = agent.role !== "primary_admin";
  setAdmin(agent.role === "primary_admin");
  setMe(agent.id);
  initMentions(agent.id, openFromNotice);
  initPresence(agent);
  startLive({ push: onPush, open: catchUp, refused: checkSession });
  openInbox();
}

/** Whether the inbox view shows conversation `id` now. */
const isOpen = (id) => !$("inbox").hidden && currentId() === id;

/** Shows the inbox: the team and its teams (for the assign menus), the list, and the conversation left open. */
async function openInbox() {
  show("inbox");
  // First, so the thread, the list and the filter show the labels as they are now (Settings may have changed them).
  await loadLabels().catch((err) => showError($("list-error"), err, "Could not load the labels: "));
  // The agents and teams before the thread, whose assign menus offer them.
  try {
    const [{ agents }, { teams }] = await Promise.all([client.agents(), client.teams()]);
    setAgents(agents);
    setTeams(teams);
  } catch (err) {
    showError($("list-error"), err, "Could not load the team: ");
  }
  if (currentId()) {
    view(currentId());
    reloadThread();
  } else if (hashRoute().id) {
    openConversation(hashRoute().id); // a reload on a phone's thread or contact pane
  }
  await loadList().catch(() => {}); // shown in #list-error
}

/** After every (re)connection: asks the API for what the socket may have missed, and re-says what this tab views. */
function catchUp() {
  reachable();
  refreshList();
  if ($("inbox").hidden) return;
  resendView();
  if (currentId()) reloadThread();
}

/** A socket that never opened: if the session has ended, back to sign-in. */
function checkSession() {
  client.session().catch((err) => {
    if (err.status === 401) location.reload();
    if (err.status === 0) offline();
  });
}

/** Marks the open conversation read, so its visitor sees "Seen". */
function markRead(id) {
  client.markRead(id).catch(() => {}); // the unread marker stays; the next open clears it
}

/** Routes one push of the live socket. */
/** @param {import("./api-types").InboxPush} push */
function onPush(push) {
  switch (push.type) {
    case "message": {
      const id = push.conversation_id;
      const fromOutside = push.author !== "agent";
      if (isOpen(id)) {
        reloadThread();
        if (fromOutside) {
          hidePreview();
          if (document.visibilityState === "visible") markRead(id);
          else readWhenShown = id;
        }
      }
      refreshList();
      if (fromOutside && (document.hidden || !isOpen(id))) {
        notify({ title: listed(id)?.display_name || "New message", body: push.preview, tag: id, open: () => openFromNotice(id) });
      }
      break;
    }
    case "note":
      if (isOpen(push.conversation_id)) reloadThread();
      onNote(push, isOpen(push.conversation_id) && document.visibilityState === "visible");
      break;
    case "conversation":
      refreshList();
      if (isOpen(push.conversation_id)) reloadThread();
      break;
    case "merged":
      // The open conversation was merged into another: follow it there.
      refreshList();
      if (isOpen(push.conversation_id)) openConversation(push.into);
      break;
    case "visitor_typing":
      onVisitorTyping(push);
      break;
    case "viewers":
      onViewers(push);
      break;
    case "team":
      onTeam(push);
      break;
  }
}

/** A notification was clicked: the inbox, with that conversation open. */
function openFromNotice(id) {
  if ($("inbox").hidden) openInbox();
  openFromList(id);
}

/** Opens a conversation from the list (or a notice): on a phone its thread shows in place of the list. */
function openFromList(id, found) {
  openConversation(id, found);
  showPane("thread");
}

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState !== "visible" || !readWhenShown) return;
  if (isOpen(readWhenShown)) markRead(readWhenShown);
  readWhenShown = null;
});

$("signin").addEventListener("submit", async (e) => {
  e.preventDefault();
  $("signin-error").textContent = "";
  askPermission(); // the form's submit is the user gesture browsers want
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
  askPermission();
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
  view(null);
  stopLive();
  location.reload();
});

$("to-settings").addEventListener("click", () => {
  view(null);
  openSettings();
});
$("to-replies").addEventListener("click", () => {
  view(null);
  openReplies();
});
$("to-signature").addEventListener("click", () => {
  view(null);
  openSignature();
});
$("to-reports").addEventListener("click", () => {
  view(null);
  openReports();
});
$("to-inbox").addEventListener("click", openInbox);
$("to-mentions").addEventListener("click", () => {
  view(null);
  openMentions();
});
initList({ open: openFromList, currentId, loaded: showUnread });
initPanes({ currentId, openConversation });
initShell();
initSettings();
initReplies();
initSignature();
initReports();
initSound();
initKeys();

(async () => {
  if (new URLSearchParams(location.hash.slice(1)).get("invitation")) return show("accept");
  try {
    signedIn(await client.session());
  } catch (err) {
    // No network (the shell came from the service worker's cache): say so, and try again once it is back.
    if (err.status === 0) return offline(() => location.reload());
    show("signin");
  }
})();
