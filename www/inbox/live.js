// @ts-check
// The inbox's live socket (GET /api/live, authenticated by the session cookie):
// the team's pushes (InboxPush) come in, what this tab does (InboxSays) goes
// out. It reconnects after a drop with shared::live::reconnect_delay's backoff,
// pings to keep an idle connection open, and reports every (re)connection so
// the inbox can catch up from the API on what it missed. Nothing here polls:
// the only timers are the next reconnection and the next keep-alive ping.

import { PING, PONG, PING_MS, RECONNECT_FIRST_MS, RECONNECT_MAX_MS, MAX_DOUBLINGS } from "./constants.js";

/** The delay before the reconnection after `attempt` (0-based) failures in a row: 0.5 s doubling to 15 s (shared::live::reconnect_delay). */
export const reconnectDelay = (attempt) => Math.min(RECONNECT_FIRST_MS * 2 ** Math.min(attempt, MAX_DOUBLINGS), RECONNECT_MAX_MS);

/** @type {WebSocket | null} */
let socket = null;
let attempt = 0; // failures in a row since the last socket that opened
let retry = null; // the pending reconnection
let pinger = null; // the pending keep-alive ping
let wanted = false; // signed in: keep a socket open
/** @type {{push: (p: import("./api-types").InboxPush) => void, open: () => void, refused: () => void}} */
let hooks = { push: () => {}, open: () => {}, refused: () => {} };

/**
 * Opens the socket and keeps it open until stopLive(): `push` per push, `open` per (re)connection, `refused` per socket that never opened.
 * @param {{push: (p: import("./api-types").InboxPush) => void, open: () => void, refused: () => void}} handlers
 */
export function startLive(handlers) {
  hooks = handlers;
  wanted = true;
  if (!socket) connect();
}

/** Closes the socket for good (sign-out); no reconnection follows. */
export function stopLive() {
  wanted = false;
  clearTimeout(retry);
  clearTimeout(pinger);
  const s = socket;
  socket = null;
  s?.close(1000, "signed out");
}

/** Whether the socket is open now (what is said while it is not is dropped; the catch-up re-says it). */
export const liveOpen = () => socket?.readyState === WebSocket.OPEN;

/** Sends one InboxSays if the socket is open; returns whether it was sent. */
/** @param {import("./api-types").InboxSays} message */
export function say(message) {
  if (!liveOpen()) return false;
  socket.send(JSON.stringify(message));
  schedulePing();
  return true;
}

/** The next keep-alive, PING_MS after the last frame this tab sent. */
function schedulePing() {
  clearTimeout(pinger);
  pinger = setTimeout(() => {
    if (!liveOpen()) return;
    socket.send(PING);
    schedulePing();
  }, PING_MS);
}

function connect() {
  clearTimeout(retry);
  retry = null;
  const url = `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/api/live`;
  const s = new WebSocket(url);
  socket = s;
  let opened = false;
  s.addEventListener("open", () => {
    if (socket !== s) return;
    opened = true;
    attempt = 0;
    schedulePing();
    hooks.open();
  });
  s.addEventListener("message", (e) => {
    if (socket !== s || typeof e.data !== "string" || e.data === PONG) return;
    /** @type {import("./api-types").InboxPush} */
    let push;
    try {
      push = JSON.parse(e.data);
    } catch {
      return; // not a push this version knows
    }
    hooks.push(push);
  });
  // An error is always followed by close, where the reconnection is planned.
  s.addEventListener("close", () => {
    if (socket !== s) return; // replaced or stopped on purpose
    socket = null;
    clearTimeout(pinger);
    if (!wanted) return;
    if (!opened) hooks.refused();
    retry = setTimeout(connect, reconnectDelay(attempt++));
  });
}

// Back on the network: no need to wait out the backoff.
addEventListener("online", () => {
  if (wanted && !socket) {
    attempt = 0;
    connect();
  }
});
