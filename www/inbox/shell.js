// @ts-check
// The inbox as an installable app: registers the service worker
// (/inbox-sw.js, scope /inbox), which keeps the static shell (this page, its
// scripts and styles) so the inbox opens without the network, and never
// keeps what the API answers. Without a connection the inbox says so in a
// banner (role=status) under the header, and takes it away once the socket
// or the API answers again.
import { $ } from "./dom.js";
import { client } from "./api.js";

const OFFLINE = "Offline: Parley cannot be reached. What you see may be out of date; the inbox catches up by itself once the connection is back.";

/** Registers the service worker and follows the browser's online and offline events. */
export function initShell() {
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/inbox-sw.js", { scope: "/inbox" }).catch(() => {}); // the inbox works without it
  }
  addEventListener("offline", () => offline());
  addEventListener("online", () => {
    // The browser has a network again: the first load is retried, or the API says whether Parley answers.
    if (!retry) return void client.session().then(reachable, () => {});
    const again = retry;
    retry = null;
    again();
  });
  if (!navigator.onLine) offline();
}

/** @type {(() => void) | null} */
let retry = null;

/** Shows the offline state; `then` runs once the browser is online again (e.g. the first load, retried). @param {() => void} [then] */
export function offline(then) {
  const box = $("offline");
  box.hidden = false;
  if (box.textContent !== OFFLINE) box.textContent = OFFLINE;
  if (then) retry = then;
}

/** Parley answered (the socket opened): the offline state goes. */
export function reachable() {
  $("offline").hidden = true;
  $("offline").textContent = "";
}
