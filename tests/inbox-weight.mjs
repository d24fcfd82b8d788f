// The inbox's first load as Chromium makes it: a fresh profile signs in at a
// given size, and every static file the page fetched from the worker (not
// the API's answers) is counted, brotli at quality 11 as the widget's budget
// counts. Used by the phone's byte budget (tests/mobile.test.mjs) and by
// `make bench` (bench/inbox.mjs), which prints the phone's beside the desktop's.
import { brotliCompressSync, constants } from "node:zlib";
import { readFileSync } from "node:fs";
import { URL_ } from "./helpers.mjs";
import { signInToInbox, listItem } from "./browser.mjs";

/** Bytes of `b` compressed with brotli at quality 11. */
const brotli = (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

/** The phone of issue 28 and a desktop window. */
export const SIZES = {
  phone: { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true },
  desktop: { viewport: { width: 1280, height: 800 } },
};

/**
 * The static files a fresh profile's inbox loads at `size` until its list
 * shows `listed` (a conversation's text): `{files: [{path, raw, br}], total}`
 * (total in brotli bytes). The service worker's own precache, fetched after
 * the page, is not part of it (see precacheWeight).
 */
export async function firstLoad(browser, size, listed) {
  const context = await browser.newContext(SIZES[size]);
  const files = [];
  const seen = [];
  context.on("response", (res) => {
    const url = new URL(res.url());
    // The page's own requests: the service worker's precache (its requests have a serviceWorker()) comes after.
    if (url.origin === URL_ && !url.pathname.startsWith("/api/") && !res.request().serviceWorker()) seen.push(res);
  });
  try {
    const page = await signInToInbox(context);
    await listItem(page, listed).waitFor();
    for (const res of seen) {
      if (res.status() !== 200 || files.some((f) => f.path === new URL(res.url()).pathname)) continue;
      const body = await res.body();
      files.push({ path: new URL(res.url()).pathname, raw: body.length, br: brotli(body) });
    }
  } finally {
    await context.close();
  }
  return { files, total: files.reduce((n, f) => n + f.br, 0) };
}

/** The service worker's precache (the shell www/inbox-sw.js lists), in brotli bytes as served. */
export async function precacheWeight() {
  const shell = JSON.parse(/const SHELL = (\[[^\]]*\]);/.exec(readFileSync("www/inbox-sw.js", "utf8"))[1]);
  let total = 0;
  for (const path of shell) total += brotli(Buffer.from(await (await fetch(URL_ + path)).arrayBuffer()));
  return { files: shell.length, total };
}
