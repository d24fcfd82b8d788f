// Shared helpers of the end-to-end suites: the running worker's address and
// small clients for its visitor API, agent API and email handler.
import { before, after } from "node:test";
import { readFileSync } from "node:fs";
import { randomUUID, createHmac } from "node:crypto";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import http from "node:http";

const execFileAsync = promisify(execFile);

export const URL_ = process.env.PARLEY_URL;
export const KEY = process.env.PARLEY_KEY;
export const SITE = "s_demo";
/** What a host page downloads for the widget: the facade first, then on intent the glue and the wasm (its CSS inside). */
export const WIDGET_FILES = ["/loader.js", "/widget/widget.js", "/widget/widget_bg.wasm"];
export const MAILBOX = "support@juniper.inbound.example.com";
/** The result header Email Routing puts on mail whose envelope sender `from` passed SPF: what makes a sender verified. */
export const spfPass = (from) => `ARC-Authentication-Results: i=1; mx.cloudflare.net; spf=pass smtp.mailfrom=${from}`;
if (!URL_ || !KEY) throw new Error("run the suites through tests/run.mjs (make test)");

/** Calls the worker; returns { status, body } with the body parsed as JSON when it is JSON. */
export async function call(method, path, { token, json, body, headers = {} } = {}) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  if (json !== undefined) {
    h["content-type"] ??= "application/json";
    body = JSON.stringify(json);
  }
  let res;
  try {
    res = await fetch(URL_ + path, { method, headers: h, body });
  } catch (err) {
    // A keep-alive socket the worker closed while the test was busy elsewhere
    // (e.g. a synchronous browser step): the request never reached it. Safe to
    // resend a GET; writes are never retried, so they cannot hide a failure.
    if (method !== "GET" || err.cause?.code !== "UND_ERR_SOCKET") throw err;
    res = await fetch(URL_ + path, { method, headers: h, body });
  }
  const text = await res.text();
  let parsed = text;
  try { parsed = JSON.parse(text); } catch {}
  return { status: res.status, body: parsed, headers: res.headers };
}

/** A new visitor of a site (the demo shop by default); returns its token. */
export async function newVisitor(site = SITE) {
  const res = await call("POST", `/api/widget/sites/${site}/visitors`);
  if (res.status !== 201) throw new Error(`visitor creation failed: ${res.status}`);
  return res.body.token;
}

/** Sends a chat message as a visitor. */
export function sendChat(token, body, clientId = randomUUID()) {
  return call("POST", "/api/widget/messages", { token, json: { client_message_id: clientId, body } });
}

/** Types `text` into an open widget on `page` and sends it; resolves once the worker has stored it (its line shows its time). */
export async function sendFromWidget(page, text) {
  await page.locator("#parley-input").fill(text);
  await page.keyboard.press("Enter");
  await page.locator("li.mine", { hasText: text }).locator(".meta").filter({ hasText: /\d{1,2}:\d{2}/ }).waitFor();
}

/** Reads through the agent API with the seeded key. */
export async function agentGet(path) {
  const res = await call("GET", path, { token: KEY });
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Delivers a raw RFC 5322 message to the worker's email handler, as Email Routing would. */
export async function deliverMail(raw, { from = "sender@example.org", to = MAILBOX } = {}) {
  const qs = new URLSearchParams({ from, to });
  const res = await fetch(`${URL_}/cdn-cgi/handler/email?${qs}`, { method: "POST", body: raw });
  return { status: res.status, text: await res.text() };
}

/** The D1 round trips the worker logged for storing the mail with this Message-ID (awaits the log line). */
export async function mailTrips(messageId) {
  for (let waited = 0; waited < 5000; waited += 50) {
    const line = readFileSync(process.env.PARLEY_LOG, "utf8").split("\n").find((l) => l.includes(`stored mail ${messageId} `));
    if (line) return Number(/\((\d+) D1 round trips\)/.exec(line)?.[1]);
    await new Promise((r) => setTimeout(r, 50)); // the log reaches the file a moment after the answer
  }
  throw new Error(`no "stored mail ${messageId}" line in the worker's log`);
}

/** A .eml file of the corpus under tests/mail/, with {{placeholders}} filled in. */
export function mailFixture(name, vars = {}) {
  let raw = readFileSync(new URL(`./mail/${name}`, import.meta.url), "utf8");
  for (const [k, v] of Object.entries(vars)) raw = raw.replaceAll(`{{${k}}}`, v);
  return raw.replace(/\r?\n/g, "\r\n");
}

/** A unique token for test data, so suites never see each other's rows. */
export const unique = (prefix = "t") => `${prefix}${randomUUID().slice(0, 8)}`;

/**
 * The identity secrets of the fixture sites s_id_optional and s_id_required,
 * generated through the API by tests/run.mjs when the worker started.
 */
export const IDENTITY_SECRETS = JSON.parse(process.env.PARLEY_IDENTITY_SECRETS || "{}");

/** What a host page's server computes for identify(): hex(HMAC-SHA256(secret, email)). */
export const signWith = (secret, email) => createHmac("sha256", secret).update(email).digest("hex");

/** The signature `site`'s server would compute for `email`, with the site's current secret. */
export function sign(email, site) {
  const secret = IDENTITY_SECRETS[site];
  if (!secret) throw new Error(`no identity secret for ${site}: run the suites through tests/run.mjs`);
  return signWith(secret, email);
}

/**
 * Runs SQL directly on the test worker's local D1 (for arranging time, e.g. a
 * visitor unseen for 31 days). Asynchronous on purpose: a synchronous child
 * process would stall the event loop for seconds, so the HTTP client would
 * miss the worker closing idle keep-alive sockets and the next write would
 * fail on a dead one.
 */
export async function sql(command) {
  const { stdout } = await execFileAsync("node_modules/.bin/wrangler",
    ["d1", "execute", "DB", "--local", "--persist-to", process.env.PARLEY_STATE, "--json", "--command", command],
    { env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" }, maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout)[0].results;
}

/**
 * The suite's Chromium and host pages, started before its tests and closed
 * after them: `pages.browser`, `pages.hosts` (see startHostPages).
 */
export function browserAndHostPages() {
  const pages = {};
  before(async () => {
    pages.browser = await launchChromium();
    pages.hosts = await startHostPages();
  });
  after(async () => {
    await pages.browser?.close();
    await pages.hosts?.close();
  });
  return pages;
}

/** What Settings › Tracking gives for the demo shop: `{snippet, csp}` (the snippet, and the CSP list a strict site must allow). */
export async function trackingSettings() {
  const res = await call("GET", `/api/sites/${SITE}/snippet`, { token: KEY });
  if (res.status !== 200) throw new Error(`Settings › Tracking: ${res.status}`);
  return res.body;
}

/** Settings' CSP list as a policy's directives, without the source `drop` names. */
export const cspPolicy = (csp, drop = "") => csp.map((d) => [d.directive, ...d.sources.filter((s) => s !== drop)].join(" ")).join("; ");

/** A stylesheet that fights every widget: inherited typography forced with !important, resets, transforms on ancestors, a z-index wall. */
export const HOSTILE = `<style>
  * { letter-spacing: 2px !important; word-spacing: 9px !important; font: italic 700 22px/3 Georgia, serif !important;
      text-transform: uppercase !important; text-align: right !important; color: #f0f !important; box-sizing: content-box !important;
      white-space: pre !important; visibility: visible !important; direction: ltr; }
  html, body { transform: translate(31px, -17px) !important; margin: 40px !important; padding: 20px !important; filter: saturate(1.5) !important; }
  div, section, button, parley-chat { display: block !important; position: relative !important; z-index: 2147483647 !important;
      opacity: .3 !important; transform: scale(.5) !important; }
  .wall { position: fixed !important; inset: -2000px; background: rgba(200, 0, 0, .2);
      z-index: 2147483647 !important; transform: none !important; opacity: 1 !important; }
</style><div class="wall">An overlay over everything</div><p>${"Lorem ipsum dolor sit amet. ".repeat(40)}</p>`;

/**
 * Serves host pages on another origin, each pasting the demo page's own
 * snippet for `site`, followed by optional host-page script (`script`) that
 * uses the snippet API: the way a site owner's page embeds the widget.
 */
export async function startHostPages() {
  const { createServer } = await import("node:http");
  const demo = await (await fetch(URL_ + "/")).text();
  const snippet = demo.slice(demo.indexOf("<!-- Parley chat"), demo.indexOf("</body>")).replace('"/loader.js"', `"${URL_}/loader.js"`);
  const pages = new Map();
  const server = createServer((req, res) => {
    const page = pages.get(req.url);
    res.writeHead(page ? 200 : 404, { "content-type": "text/html", ...page?.headers }).end(page?.html ?? "no such page");
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    /** A page for `site`; `script` is host-page script run right after the snippet. */
    page(site, script = "") {
      const path = `/${unique("p")}`;
      const body = snippet.replace('"s_demo"', JSON.stringify(site));
      pages.set(path, { html: `<!doctype html><html><head><meta name="viewport" content="width=device-width, initial-scale=1"><title>${site}</title></head><body><h1>Host of ${site}</h1>${body}<script>${script}</script></body></html>` });
      return origin + path;
    },
    /** A page that pastes `html` (e.g. a snippet copied from Settings) as it is, answered with extra `headers` (e.g. a CSP). */
    pageWith(html, headers = {}) {
      const path = `/${unique("p")}`;
      pages.set(path, { headers, html: `<!doctype html><html><head><title>Pasted</title></head><body><h1>A site owner's page</h1>\n${html}\n</body></html>` });
      return origin + path;
    },
    close: () => new Promise((r) => server.close(r)),
  };
}

/** Debian's headless Chromium, as every browser suite starts it (CHROMIUM overrides the path). */
export async function launchChromium() {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
           "--disable-background-networking", "--disable-component-update"],
  });
}

/** Opens the inbox in `context` and signs in (the seeded primary admin by default); records page errors in `page.errors`. */
export async function signInToInbox(context, email = "admin@juniperandpine.example", password = process.env.PARLEY_ADMIN_PASSWORD) {
  const page = await context.newPage();
  page.errors = [];
  page.on("pageerror", (e) => page.errors.push(String(e)));
  await page.goto(URL_ + "/inbox.html");
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.click("#signin button[type=submit]");
  await page.locator("#inbox").waitFor();
  return page;
}

/** API key of the fixture agent who is not the primary admin. */
export const AGENT_KEY = "pk_fixture_agent_0000000000000000000000000000000000";

/** The signed reply address of a conversation, as the worker makes it. */
export function replyAddress(conversation, subdomain = "juniper", secret = process.env.PARLEY_REPLY_SECRET) {
  const signature = createHmac("sha256", secret).update(`reply-address:${conversation}`).digest("hex").slice(0, 20);
  return `reply+${conversation}.${signature}@${subdomain}.inbound.example.com`;
}

/** Signs in through the API; returns `{cookie, csrf, agent}` for cookie-authenticated calls. */
export async function signIn(email = "admin@juniperandpine.example", password = process.env.PARLEY_ADMIN_PASSWORD) {
  const res = await fetch(URL_ + "/api/session", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${JSON.stringify(body)}`);
  const setCookie = res.headers.getSetCookie().find((c) => /^(__Host-)?parley_session=/.test(c));
  return { cookie: setCookie.split(";")[0], csrf: body.csrf_token, agent: body.agent, setCookie };
}

/** Calls the worker as a signed-in agent (cookie + CSRF header unless `csrf: false`). */
export function asAgent(session, method, path, { json, csrf = true } = {}) {
  const headers = { cookie: session.cookie };
  if (csrf) headers["x-csrf-token"] = session.csrf;
  return call(method, path, { json, headers });
}

/** Paths of the .eml files the local send_email binding wrote, in order. */
export function sentEmails() {
  const log = readFileSync(process.env.PARLEY_LOG, "utf8");
  return [...log.matchAll(/send_email binding called with the following message:\s*\n\s*(\S+\.eml)/g)].map((m) => m[1]);
}

/** The text of the next .eml the binding writes after `before` were written. */
export async function nextSentEmail(before) {
  for (let i = 0; i < 40; i++) {
    const paths = sentEmails();
    if (paths.length > before) return readFileSync(paths[before], "utf8");
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("no email was sent");
}

/** An RFC 5322 header of a raw message (unfolded). */
export function header(raw, name) {
  const head = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, " ");
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(name.toLowerCase() + ":"));
  return line?.slice(name.length + 1).trim();
}

/** Decodes RFC 2047 encoded words (UTF-8, B or Q) in a header value. */
export function decodeWords(value) {
  return value.replace(/=\?utf-8\?([BQ])\?([^?]*)\?=/gi, (_, enc, text) =>
    enc.toUpperCase() === "B"
      ? Buffer.from(text, "base64").toString("utf8")
      : Buffer.from(text.replace(/_/g, " ").replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16))), "latin1").toString("utf8"),
  );
}

/** POSTs `chunks` to `path` as written, with `headers` (a chunked stream when they give no Content-Length): `{status, body}`. */
export function rawPost(path, headers, chunks) {
  return new Promise((resolve, reject) => {
    const req = http.request(URL_ + path, { method: "POST", agent: false, headers }, (res) => {
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode, body: JSON.parse(text) }));
    });
    req.on("error", reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}
