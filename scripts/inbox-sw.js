// The inbox's service worker (scope /inbox), built into www/inbox-sw.js by
// scripts/build-inbox-sw.mjs, which puts VERSION (a hash of the shell's
// files) and SHELL (their paths) above this. It keeps the static shell (the
// inbox page, its scripts, its stylesheet, the manifest and icon) in a cache
// named after VERSION, serves those files from it first, and answers nothing
// else: the API, files, originals and the live socket always go to the
// network and are never stored (personal data stays out of the cache). A
// deploy changes VERSION, so the browser installs the new worker, which
// fetches the new shell, takes over at once and deletes every older shell cache.
/* global VERSION, SHELL */
const CACHE = `parley-shell-${VERSION}`;
const PREFIX = "parley-shell-";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(SHELL.map((path) => new Request(path, { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith(PREFIX) && key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

/** The shell's path a request asks for, or null: the inbox page under either of its addresses, else the exact path. */
function shellPath(request) {
  if (request.method !== "GET") return null;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return null;
  const path = request.mode === "navigate" && (url.pathname === "/inbox.html" || url.pathname === "/inbox") ? "/inbox" : url.pathname;
  return url.search === "" || request.mode === "navigate" ? (SHELL.includes(path) ? path : null) : null;
}

self.addEventListener("fetch", (event) => {
  const path = shellPath(event.request);
  if (!path) return; // not the shell: the browser fetches it as if there were no service worker
  event.respondWith(
    caches.open(CACHE)
      .then((cache) => cache.match(path))
      .then((hit) => hit || fetch(event.request)),
  );
});
