// The inbox as an installable app (issue 28), in real Chromium against the
// real worker: the web app manifest is served, linked and valid (Chromium's
// own parser reports no error; its icons are PNGs of the sizes it says); the
// service worker (/inbox-sw.js, no-cache) installs at scope /inbox under the
// inbox's own CSP (no violation), precaches exactly the shell its build
// listed, and Chromium's installability check finds nothing missing; it keeps nothing else (the API's answers, files: looked for in
// `caches` from the page after a conversation with a file was opened), a
// reload offline still shows the shell with the offline state, which goes
// once the network is back; and a new version of the worker replaces the
// old shell cache.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, statSync, utimesSync } from "node:fs";
import { URL_, eventually, newVisitor, sendChat, upload, unique, browserAndHostPages, signInToInbox, listItem } from "./helpers.mjs";

const pages = browserAndHostPages();
const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

/** The shell the build listed in www/inbox-sw.js, and its version. */
function built() {
  const source = readFileSync("www/inbox-sw.js", "utf8");
  return {
    version: /const VERSION = "([0-9a-f]{16})";/.exec(source)[1],
    shell: JSON.parse(/const SHELL = (\[[^\]]*\]);/.exec(source)[1]),
    source,
  };
}

/** The page's CSP violations, from `securitypolicyviolation` events (an init script). */
function recordViolations() {
  window.__violations = [];
  document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`), true);
}

/** Every cache's name and the paths it holds, as the page sees them. */
const cached = (page) => page.evaluate(async () => {
  const out = {};
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    out[name] = (await cache.keys()).map((r) => new URL(r.url).pathname + new URL(r.url).search);
  }
  return out;
});

/** Signs in on a phone and waits until the service worker controls the page. */
async function installed(context) {
  const page = await signInToInbox(context);
  await page.evaluate(() => navigator.serviceWorker.ready);
  if (!(await page.evaluate(() => !!navigator.serviceWorker.controller))) {
    await page.waitForFunction(() => !!navigator.serviceWorker.controller); // clients.claim() on activation
  }
  return page;
}

test("the manifest is served, linked from the inbox and valid: standalone, start_url /inbox, PNG icons 192, 512 and maskable", async () => {
  const res = await fetch(URL_ + "/inbox.webmanifest");
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type"), /^application\/manifest\+json/);
  const manifest = await res.json();
  assert.equal(manifest.display, "standalone");
  assert.equal(manifest.start_url, "/inbox");
  assert.ok(manifest.name && manifest.short_name && manifest.short_name.length <= 12);
  assert.match(manifest.theme_color, /^#[0-9a-f]{6}$/);
  const sizes = [];
  for (const icon of manifest.icons) {
    const png = Buffer.from(await (await fetch(URL_ + icon.src)).arrayBuffer());
    assert.equal(png.subarray(1, 4).toString(), "PNG", icon.src);
    const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    assert.equal(icon.sizes, `${w}x${h}`, `${icon.src} is as large as it says`);
    sizes.push(`${icon.sizes} ${icon.purpose}`);
  }
  assert.deepEqual(sizes.sort(), ["192x192 any", "512x512 any", "512x512 maskable"]);

  const context = await pages.browser.newContext(PHONE);
  const page = await context.newPage();
  await page.goto(URL_ + "/inbox");
  assert.equal(await page.getAttribute('link[rel="manifest"]', "href"), "/inbox.webmanifest");
  const cdp = await context.newCDPSession(page);
  const parsed = await cdp.send("Page.getAppManifest");
  assert.equal(parsed.url, URL_ + "/inbox.webmanifest");
  assert.deepEqual(parsed.errors, [], "Chromium's manifest parser finds nothing wrong");
  await context.close();
});

test("the service worker is served no-cache, installs at scope /inbox under the inbox's CSP and precaches exactly the built shell", async () => {
  const res = await fetch(URL_ + "/inbox-sw.js");
  assert.equal(res.status, 200);
  assert.match(res.headers.get("cache-control"), /no-cache/);
  assert.match(res.headers.get("content-type"), /javascript/);
  const { version, shell } = built();
  assert.ok(shell.includes("/inbox") && shell.includes("/inbox.js") && shell.includes("/inbox.css"));
  assert.ok(!shell.some((path) => path.startsWith("/api/")));

  const context = await pages.browser.newContext(PHONE);
  await context.addInitScript(recordViolations);
  const page = await installed(context);
  assert.equal(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).scope), URL_ + "/inbox");
  const caches = await cached(page);
  assert.deepEqual(Object.keys(caches), [`parley-shell-${version}`]);
  assert.deepEqual(caches[`parley-shell-${version}`].sort(), [...shell].sort());
  assert.deepEqual(await page.evaluate(() => window.__violations), [], "the inbox's CSP allows the worker and the manifest");
  // Chromium's own installability check: nothing missing (manifest, icons, a worker with a fetch handler controlling
  // the page), but that a test context is an incognito profile, where nothing installs.
  await page.reload();
  await page.locator("#inbox").waitFor();
  const cdp = await context.newCDPSession(page);
  const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
  assert.deepEqual(installabilityErrors.map((e) => e.errorId), ["in-incognito"]);
  await context.close();
});

test("what the API answers, files included, never reaches the cache; offline, a reload shows the shell with the offline state", async () => {
  const token = await newVisitor();
  const text = unique("A photo of the damaged tin ");
  assert.equal((await upload(token, PNG, { name: "tin.png" })).status, 201);
  assert.equal((await sendChat(token, text)).status, 201);
  const context = await pages.browser.newContext(PHONE);
  const page = await installed(context);
  await listItem(page, text).tap();
  await page.locator("#messages .files img.thumb").first().waitFor();
  const thumb = page.locator("#messages img.thumb").first();
  await page.waitForFunction((img) => img.complete && img.naturalWidth > 0, await thumb.elementHandle());
  const file = await thumb.evaluate((img) => img.src);
  assert.ok(page.requests.includes(file), `the page fetched the file (${file})`);
  assert.ok(page.requests.some((u) => u.startsWith(URL_ + "/api/conversations/")), "and the API's answers");
  const { shell } = built();
  for (const [name, paths] of Object.entries(await cached(page))) {
    assert.deepEqual(paths.filter((p) => !shell.includes(p)), [], `${name} holds only the shell`);
  }

  // The network goes: the open inbox says so at once, and stops saying it when the network is back.
  await context.setOffline(true);
  await page.locator("#offline").waitFor();
  await context.setOffline(false);
  await page.locator("#offline").waitFor({ state: "hidden" });

  // A reload without a network: the shell from the service worker, with the offline state.
  await context.setOffline(true);
  const shown = await page.reload();
  assert.equal(shown.fromServiceWorker(), true, "the page came from the service worker");
  await page.locator("#offline").waitFor();
  assert.match(await page.locator("#offline").textContent(), /^Offline: Parley cannot be reached/);
  assert.equal(await page.locator(".bar h1").textContent(), "Parley");
  assert.equal(await page.locator("#signin").isVisible(), false, "no sign-in form: the session is only unreachable");
  assert.deepEqual(page.errors, []);

  // The network is back: the inbox loads again and the offline state goes.
  await context.setOffline(false);
  await page.locator("#inbox").waitFor();
  await page.locator("#messages .msg", { hasText: text }).waitFor(); // the thread it was on (its hash)
  assert.equal(await page.locator("#offline").isVisible(), false);
  await context.close();
});

test("a new version of the service worker replaces the cached shell and deletes the old one", async () => {
  const { version, source } = built();
  const next = "ffffffffffffffff";
  const context = await pages.browser.newContext(PHONE);
  const page = await installed(context);
  assert.deepEqual(Object.keys(await cached(page)), [`parley-shell-${version}`]);
  // The next deploy: the worker serves www/inbox-sw.js with another version (as the build writes it when a shell
  // file changed). Chromium fetches a service worker's script itself (a route cannot answer it), so the file
  // served changes for the time of the test, then gets its bytes and time back.
  const path = "www/inbox-sw.js";
  const { atime, mtime } = statSync(path);
  try {
    writeFileSync(path, source.replace(`const VERSION = "${version}";`, `const VERSION = "${next}";`));
    await eventually(async () => (await (await fetch(URL_ + "/inbox-sw.js")).text()).includes(next), { what: "the new worker served" });
    // The browser looks for a new worker (as it does on each navigation); asked again until the new shell is in.
    await eventually(async () => {
      await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update().catch(() => {}));
      return Object.keys(await cached(page)).join() === `parley-shell-${next}`;
    }, { what: "the new shell cache alone", timeout: 20_000, interval: 500 });
  } finally {
    writeFileSync(path, source);
    utimesSync(path, atime, mtime);
  }
  const after = await cached(page);
  assert.deepEqual(Object.keys(after), [`parley-shell-${next}`], "only the new shell is kept");
  assert.deepEqual(after[`parley-shell-${next}`].sort(), [...built().shell].sort());
  await context.close();
});
