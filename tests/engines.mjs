// The three browser engines behind one small page API, for suites that run the
// same steps in each: Chromium (Debian's, through playwright-core), Firefox ESR
// (Debian's, through puppeteer-core over WebDriver BiDi) and WebKit (WebKitGTK's
// MiniBrowser, through WebKitWebDriver and tests/webdriver.mjs, on a virtual
// display). Every element is found the same way in all three: a CSS selector
// matched in the document and every open shadow root (as playwright's locators
// do), optionally among elements whose text contains a string, and awaited in
// the page until it is there (and visible, unless told otherwise). Input is the
// engine's own: pointer clicks, key presses, file pickers.
import { writeFileSync } from "node:fs";
import { launchChromium } from "./helpers.mjs";
import { startDriver, Session, ENTER } from "./webdriver.mjs";

/** The engines, in the order suites run them (PARLEY_ENGINES, e.g. "webkit", narrows them while iterating). */
export const ENGINES = ["chromium", "firefox", "webkit"].filter((e) => !process.env.PARLEY_ENGINES || process.env.PARLEY_ENGINES.split(",").includes(e));

/** The widget's parts, as every browser suite finds them (CSS, matched inside its shadow root too). */
export const WIDGET = {
  /** The custom element that holds the widget's shadow root. */
  host: "parley-chat",
  launcher: ".launcher",
  panel: ".panel",
  /** The panel's title bar, and its Send button (both in the site's accent). */
  header: ".panel header",
  title: ".title",
  send: ".send",
  input: "#parley-input",
  /** The visitor's lines, and the team's. */
  mine: "li.mine",
  theirs: "li.theirs",
  /** The message list once the stored thread is applied (busy until then). */
  loaded: '[aria-label="Messages"][aria-busy="false"]',
  form: ".form-step",
  formEmail: "#parley-f-email",
  /** Where the Form thanks the visitor once answered. */
  formDone: ".form-slot",
  /** The paperclip's file picker (added once the panel has focus). */
  filePicker: ".clip input[type=file]",
};

/**
 * The first element matching `selector` in the document or any open shadow
 * root, whose text contains `text` and matches the regular expression
 * `pattern` (each when given) and which is visible (unless `visible` is
 * false), or null. Runs in the page: self-contained.
 */
function deep({ selector, text, pattern, visible }) {
  const roots = [document];
  for (let i = 0; i < roots.length; i++) {
    for (const el of roots[i].querySelectorAll("*")) if (el.shadowRoot) roots.push(el.shadowRoot);
  }
  for (const root of roots) {
    for (const el of root.querySelectorAll(selector)) {
      if (text != null && !el.textContent.includes(text)) continue;
      if (pattern != null && !new RegExp(pattern).test(el.textContent)) continue;
      if (visible !== false && !el.getClientRects().length) continue;
      return el;
    }
  }
  return null;
}

/** Starts `engine`; resolves with `{name, version, newPage(), close()}`, each page a fresh profile. */
export async function launch(engine) {
  const drivers = { chromium, firefox, webkit };
  if (!drivers[engine]) throw new Error(`no engine ${engine}`);
  const browser = await drivers[engine]();
  return { ...browser, name: engine, newPage: async () => pageOf(engine, await browser.newPage()) };
}

/**
 * The suites' page API over an engine's primitives (`raw`): `find(selector,
 * {text, pattern, visible})` awaits an element (see `deep`); `click`, `fill`,
 * `type` (then Enter) and `setFiles` act on what it finds, with the engine's own input.
 */
function pageOf(engine, raw) {
  const find = async (selector, opts = {}) => {
    try {
      return await raw.find({ selector, ...opts });
    } catch (err) {
      const what = [selector, opts.text && `with "${opts.text}"`, opts.pattern && `matching /${opts.pattern}/`].filter(Boolean).join(" ");
      throw new Error(`${engine}: no ${what}: ${err.message}`);
    }
  };
  return {
    goto: raw.goto,
    reload: raw.reload,
    find,
    click: async (selector, opts) => raw.click(await find(selector, opts)),
    /** Types `value` into the field (replacing what it held). */
    fill: async (selector, value) => raw.fill(await find(selector), value),
    /** Types `value` into the field, then presses Enter. */
    type: async (selector, value) => {
      const field = await find(selector);
      await raw.fill(field, value);
      await raw.enter(field);
    },
    setFiles: async (selector, path) => raw.setFiles(await find(selector, { visible: false }), path),
    evaluate: raw.evaluate,
    /** Awaits `fn(arg)` (run in the page, self-contained) returning something truthy; resolves with it (as JSON). */
    until: raw.until,
    /**
     * The window this page opens next (window.open), as a page: call before
     * the action that opens it, await after. In WebKit the session moves to it.
     */
    popup: () => {
      const next = raw.popup();
      return { then: (resolve, reject) => Promise.resolve(next).then((r) => pageOf(engine, r)).then(resolve, reject) };
    },
    /** The page's cookies, as `{name, value, expires (s), httpOnly}`. */
    cookies: raw.cookies,
    screenshot: raw.screenshot,
    close: raw.close,
  };
}

/** Debian's Chromium through playwright-core (as every other browser suite). */
async function chromium() {
  const browser = await launchChromium();
  return {
    version: browser.version(),
    async newPage() {
      const context = await browser.newContext();
      return rawChromium(context, await context.newPage());
    },
    close: () => browser.close(),
  };
}

/** The primitives over one playwright page of `context`. */
function rawChromium(context, page) {
  return {
    goto: (url) => page.goto(url),
    reload: () => page.reload(),
    find: async (arg) => (await page.waitForFunction(deep, arg)).asElement(),
    click: (el) => el.click(),
    fill: (el, value) => el.fill(value),
    enter: (el) => el.press("Enter"),
    setFiles: (el, path) => el.setInputFiles(path),
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    until: async (fn, arg) => (await page.waitForFunction(fn, arg)).jsonValue(),
    popup: async () => rawChromium(context, await page.waitForEvent("popup")),
    cookies: async () => (await context.cookies(page.url())).map(({ name, value, expires, httpOnly }) => ({ name, value, expires, httpOnly })),
    screenshot: (path) => page.screenshot({ path }),
    close: () => context.close(),
  };
}

/** Debian's Firefox ESR through puppeteer-core over WebDriver BiDi (FIREFOX overrides the path). */
async function firefox() {
  const { default: puppeteer } = await import("puppeteer-core");
  const browser = await puppeteer.launch({
    browser: "firefox",
    protocol: "webDriverBiDi",
    executablePath: process.env.FIREFOX || "/usr/bin/firefox-esr",
    headless: true,
    // No update checks or telemetry: nothing leaves 127.0.0.1.
    extraPrefsFirefox: { "app.update.enabled": false, "toolkit.telemetry.enabled": false },
  });
  return {
    version: await browser.version(),
    async newPage() {
      const context = await browser.createBrowserContext();
      return rawFirefox(context, await context.newPage());
    },
    close: () => browser.close(),
  };
}

/** The primitives over one puppeteer page of `context`. */
function rawFirefox(context, page) {
  return {
    goto: (url) => page.goto(url),
    reload: () => page.reload(),
    find: async (arg) => (await page.waitForFunction(deep, {}, arg)).asElement(),
    click: (el) => el.click(),
    fill: async (el, value) => {
      await el.evaluate((input) => (input.value = ""));
      await el.type(value);
    },
    enter: (el) => el.press("Enter"),
    setFiles: (el, path) => el.uploadFile(path),
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    until: async (fn, arg) => (await page.waitForFunction(fn, {}, arg)).jsonValue(),
    popup: async () => rawFirefox(context, await new Promise((resolve) => page.once("popup", resolve))),
    cookies: async () => (await page.cookies()).map(({ name, value, expires, httpOnly }) => ({ name, value, expires, httpOnly })),
    screenshot: (path) => page.screenshot({ path }),
    close: () => context.close(),
  };
}

/** WebKitGTK's MiniBrowser through WebKitWebDriver under xvfb-run (tests/webdriver.mjs); a session per page. */
async function webkit() {
  const driver = await startDriver();
  const sessions = new Set();
  let first;
  try {
    first = await driver.session(); // the browser's version, and proof that a session starts
    await first.close();
  } catch (err) {
    await driver.stop();
    throw err;
  }
  return {
    version: `WebKitGTK ${first.version}`,
    async newPage() {
      const session = await driver.session();
      sessions.add(session);
      return rawWebKit(session, async () => {
        sessions.delete(session);
        await session.close();
      });
    },
    async close() {
      await Promise.allSettled([...sessions].map((s) => s.close()));
      await driver.stop();
    },
  };
}

/**
 * The primitives over the WebDriver `session`'s current window; `close` ends it.
 * Waits poll in the page on each frame until they hold (the driver's script
 * time-out ends a wait).
 */
function rawWebKit(session, close) {
  const until = (fn, arg) => session.executeAsync(
    `const fn = ${fn}; const [arg, done] = arguments;
     (function poll() { const got = fn(arg); if (got) done(got); else requestAnimationFrame(poll); })();`, [arg ?? null]);
  return {
    goto: (url) => session.goto(url),
    reload: () => session.reload(),
    find: (arg) => until(deep, arg),
    click: (el) => session.click(Session.id(el)),
    fill: async (el, value) => {
      await session.clear(Session.id(el));
      await session.sendKeys(Session.id(el), value);
    },
    enter: (el) => session.sendKeys(Session.id(el), ENTER),
    setFiles: (el, path) => session.sendKeys(Session.id(el), path),
    evaluate: (fn, arg) => session.execute(`return (${fn})(arguments[0]);`, [arg ?? null]),
    until,
    // Looked for once awaited (after the action that opens it): the session's commands go to one window at a time.
    popup: () => ({ then: (resolve, reject) => session.switchToNewWindow().then((s) => rawWebKit(s, close)).then(resolve, reject) }),
    cookies: async () => (await session.cookies()).map(({ name, value, expiry, httpOnly }) => ({ name, value, expires: expiry, httpOnly })),
    screenshot: async (path) => writeFileSync(path, await session.screenshot()),
    close,
  };
}
