// The one headless Chromium of a test run: tests/run.mjs starts it and every
// browser suite connects to it (PARLEY_CHROMIUM_WS), making its own contexts.
// Without it (a suite run by hand), a suite launches a Chromium of its own.

/** How the browser suites run Debian's headless Chromium (CHROMIUM overrides the path). */
const CHROMIUM = {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
         "--disable-background-networking", "--disable-component-update"],
};

/** Starts the shared Chromium (tests/run.mjs): its `wsEndpoint()` goes to the suites as PARLEY_CHROMIUM_WS. */
export async function startChromium() {
  const { chromium } = await import("playwright-core");
  return chromium.launchServer(CHROMIUM);
}

/**
 * The suite's connection to the shared Chromium (PARLEY_CHROMIUM_WS), or a
 * Chromium of its own without one. Closing it closes the contexts it made,
 * not the shared browser.
 */
export async function launchChromium() {
  const { chromium } = await import("playwright-core");
  const shared = process.env.PARLEY_CHROMIUM_WS;
  return shared ? chromium.connect(shared) : chromium.launch(CHROMIUM);
}
