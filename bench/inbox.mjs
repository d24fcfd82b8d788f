// The inbox's first load (issue 28): the static files Chromium fetches for a
// fresh profile signing in, on a phone (390 × 844, touch) beside a desktop
// window (1280 × 800), in brotli bytes (the phone's budget is 50 KB:
// tests/mobile.test.mjs), and what the service worker precaches after it.
import { pathToFileURL } from "node:url";
import { launchChromium } from "../tests/chromium.mjs";
import { firstLoad, precacheWeight } from "../tests/inbox-weight.mjs";
import { newVisitor, sendChat, unique } from "../tests/helpers.mjs";

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

/** Prints the phone's and the desktop's first load, file by file where they differ, and the precache. */
export async function inboxWeight() {
  const text = unique("bench inbox weight ");
  await sendChat(await newVisitor(), text);
  const browser = await launchChromium();
  try {
    console.log("\nInbox first load (static files Chromium fetched, brotli; the API's answers not counted)");
    const phone = await firstLoad(browser, "phone", text);
    const desktop = await firstLoad(browser, "desktop", text);
    console.log(`  phone 390 × 844    ${String(phone.files.length).padStart(3)} files ${kb(phone.total).padStart(9)} (${phone.total} B; budget 50.0 KB)`);
    console.log(`  desktop 1280 × 800 ${String(desktop.files.length).padStart(3)} files ${kb(desktop.total).padStart(9)} (${desktop.total} B)`);
    const pre = await precacheWeight();
    console.log(`  service worker precache (after the first load) ${pre.files} files ${kb(pre.total)}`);
  } finally {
    await browser.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await inboxWeight();
