// Shared helpers of the end-to-end suites: the running worker's address,
// small clients for its visitor API, agent API and email handler, and
// eventually() for awaiting a state the worker reaches a moment after its
// answer. The browser helpers (tests/browser.mjs) are exported from here too.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { randomUUID, createHmac, createHash, randomBytes } from "node:crypto";
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

/**
 * Awaits a positive signal: calls `fn` every `interval` ms until it returns
 * something truthy (resolving with it) or `timeout` ms have passed, then
 * fails naming `what` (a string, or a function giving one at that moment) and
 * the last value or error seen. `fn` may throw (e.g. an assertion) while the
 * state is not there yet.
 */
export async function eventually(fn, { what = "the expected state", timeout = 10_000, interval = 100 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      const seen = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`${typeof what === "function" ? what() : what}: not reached within ${timeout} ms (last: ${seen})`, { cause: last });
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

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

/** What the visitor's widget reads of its own conversation (`GET /api/widget/conversation`). */
export const widgetView = async (token) => (await call("GET", "/api/widget/conversation", { token })).body;

/** The visitor's answer to the Form. */
export const form = (token, json) => call("POST", "/api/widget/contact", { token, json });

/** The host page's identify() for the visitor, as the widget sends it. */
export const identify = (token, json) => call("POST", "/api/widget/identify", { token, json });

/** Uploads `bytes` as a visitor's file (`POST /api/widget/files`). */
export function upload(token, bytes, { name = "photo.png", clientId = randomUUID(), type = "image/png" } = {}) {
  const qs = new URLSearchParams({ client_message_id: clientId, name });
  return call("POST", `/api/widget/files?${qs}`, { token, body: bytes, headers: { "content-type": type } });
}

/** An agent's reply (the seeded key's) in `conversation`. */
export const reply = (conversation, body) => call("POST", `/api/conversations/${conversation}/messages`, { token: KEY, json: { body } });

/** A new visitor of the demo shop who wrote `body`: `{token, conversation, first, visitorId}` (`first`: the stored message). */
export async function chatting(body = "hello") {
  const token = await newVisitor();
  const sent = await sendChat(token, body);
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
  return { token, conversation: sent.body.message.conversation_id, first: sent.body.message, visitorId: token.split(".")[0] };
}

/** Reads through the agent API with the seeded key. */
export async function agentGet(path) {
  const res = await call("GET", path, { token: KEY });
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** The agent's view of a conversation (`{conversation, messages, …}`) by its id. */
export const thread = (id) => agentGet(`/api/conversations/${id}`);

/** The agent's view of the visitor's conversation (see thread), by the visitor's token. */
export const conversationOf = async (token) => thread((await widgetView(token)).conversation_id);

/** Delivers a raw RFC 5322 message to the worker's email handler, as Email Routing would. */
export async function deliverMail(raw, { from = "sender@example.org", to = MAILBOX } = {}) {
  const qs = new URLSearchParams({ from, to });
  const res = await fetch(`${URL_}/cdn-cgi/handler/email?${qs}`, { method: "POST", body: raw });
  return { status: res.status, text: await res.text() };
}

/** The D1 round trips the worker logged for storing the mail with this Message-ID (awaits the log line). */
export async function mailTrips(messageId) {
  // The log reaches the file a moment after the answer.
  const line = await eventually(() => readFileSync(process.env.PARLEY_LOG, "utf8").split("\n").find((l) => l.includes(`stored mail ${messageId} `)),
    { what: `a "stored mail ${messageId}" line in the worker's log`, timeout: 5000, interval: 50 });
  return Number(/\((\d+) D1 round trips\)/.exec(line)?.[1]);
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

/** What Settings › Tracking gives for the demo shop: `{snippet, csp}` (the snippet, and the CSP list a strict site must allow). */
export async function trackingSettings() {
  const res = await call("GET", `/api/sites/${SITE}/snippet`, { token: KEY });
  if (res.status !== 200) throw new Error(`Settings › Tracking: ${res.status}`);
  return res.body;
}

/** Settings' CSP list as a policy's directives, without the source `drop` names. */
export const cspPolicy = (csp, drop = "") => csp.map((d) => [d.directive, ...d.sources.filter((s) => s !== drop)].join(" ")).join("; ");

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
  const path = await eventually(() => sentEmails()[before], { what: "an email sent", timeout: 4000 });
  return readFileSync(path, "utf8");
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

/**
 * Another account with its own primary admin and API key (and a site, when
 * `site` is true), for proving one account never reaches another's data.
 */
export async function otherAccount({ site = false } = {}) {
  const account = unique("a_");
  const agent = unique("ag_");
  const siteId = site ? unique("s_") : undefined;
  const key = `pk_${randomBytes(24).toString("hex")}`;
  const hash = createHash("sha256").update(key).digest("hex");
  await sql(
    `INSERT INTO accounts (id, name, created_at) VALUES ('${account}', 'Other team', 0);
     ${site ? `INSERT INTO sites (id, account_id, name, created_at) VALUES ('${siteId}', '${account}', 'Other shop', 0);` : ""}
     INSERT INTO agents (id, account_id, email, full_name, role, password_hash, created_at) VALUES ('${agent}', '${account}', '${agent}@other.example', 'Other Agent', 'primary_admin', 'x', 0);
     INSERT INTO api_keys (id, token_hash, prefix, agent_id, label, created_at) VALUES ('${unique("key_")}', '${hash}', '${key.slice(0, 10)}', '${agent}', 'other', 0);`,
  );
  return { account, agent, key, site: siteId };
}

export * from "./browser.mjs";
