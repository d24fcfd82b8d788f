// Abuse limits, on a worker of its own running the project's wrangler.toml as
// deployed (the other suites raise the limits): each limit is hit, and the
// limited call gets 429 with Retry-After and the JSON error, and writes nothing.
// Each test speaks from its own client IP (CF-Connecting-IP, which Cloudflare
// sets and wrangler dev keeps when the client sends it).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import { seed } from "../scripts/seed.mjs";
import { startWorker, wrangler, quiet } from "./worker.mjs";

const key = `pk_${randomBytes(24).toString("hex")}`;
const password = randomBytes(12).toString("base64url");
const ADMIN = "admin@juniperandpine.example";
let worker;

/** The `limit` of a `[[ratelimits]]` binding in wrangler.toml: the tests follow the configuration. */
function configured(name) {
  const toml = readFileSync(new URL("../wrangler.toml", import.meta.url), "utf8");
  const match = toml.match(new RegExp(`name = "${name}"[^\\n]*\\n[^\\n]*\\nsimple = \\{ limit = (\\d+), period = (\\d+) \\}`));
  if (!match) throw new Error(`no [[ratelimits]] binding ${name} in wrangler.toml`);
  return { limit: Number(match[1]), period: Number(match[2]) };
}

before(async () => {
  worker = await startWorker({
    vars: { REPLY_SIGNING_SECRET: randomBytes(32).toString("hex"), SETUP_TOKEN: "setup-token-for-tests" },
    prepare: (state) => seed({ persistTo: state, key, password, wrangler }),
  });
});
after(() => worker?.stop());

/**
 * A client IP no other call in this run has used: a random one could repeat
 * an address an earlier burst already counted against, and its limit would
 * then arrive one call early.
 */
let lastIp = 0;
const ip = () => { lastIp += 1; return `198.51.${100 + (lastIp >> 8)}.${lastIp & 255}`; };

/**
 * One request on a connection of its own: the suite waits up to 20 s for a
 * fresh limit window, long enough for the worker to close an idle keep-alive
 * socket, and a write sent on such a socket would fail (writes are never
 * resent: they cannot hide a failure).
 */
function call(method, path, { json, token, from, cookie } = {}) {
  const headers = { "cf-connecting-ip": from ?? ip() };
  if (cookie) headers.cookie = cookie;
  const payload = json === undefined ? undefined : JSON.stringify(json);
  if (payload !== undefined) headers["content-type"] = "application/json";
  if (token) headers.authorization = `Bearer ${token}`;
  return new Promise((resolve, reject) => {
    const req = http.request(worker.url + path, { method, headers, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => {
        let body = text;
        try { body = JSON.parse(text); } catch {}
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) [value].flat().forEach((v) => headers.append(name, v));
        resolve({ status: res.statusCode, body, headers });
      });
    });
    req.on("error", reject);
    req.end(payload);
  });
}

function count(table, where = "1") {
  const out = execFileSync(wrangler, ["d1", "execute", "DB", "--local", "--persist-to", worker.state, "--json", "--command", `SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`], { env: quiet, stdio: ["ignore", "pipe", "inherit"] });
  return JSON.parse(out.toString())[0].results[0].n;
}

/**
 * Local limits count in windows aligned to the clock (miniflare's in-memory
 * limiter, like Cloudflare's, resets each `period`); a burst that straddled a
 * boundary would be counted in two windows. Starts the burst in a fresh window
 * when fewer than `seconds` remain in this one.
 */
async function windowWithRoom(period, seconds = 20) {
  const left = period * 1000 - (Date.now() % (period * 1000));
  if (left < seconds * 1000) await new Promise((r) => setTimeout(r, left + 50));
}

/** Calls `attempt(i)` until it is limited; returns the successful answers, the limited one, and the calls made. */
async function untilLimited(limit, attempt) {
  const answers = [];
  for (let i = 0; i <= limit; i++) {
    const res = await attempt(i);
    if (res.status === 429) return { answers, limited: res };
    answers.push(res);
  }
  return { answers, limited: null };
}

function assertLimited(res, period) {
  assert.ok(res, "the limit was never reached");
  assert.equal(res.status, 429);
  assert.equal(res.body.error.code, "rate_limited");
  assert.match(res.body.error.message, /Try again in \d+ seconds/);
  assert.equal(res.headers.get("retry-after"), String(period));
}

test("sign-in is limited per email, before the password is checked", async () => {
  const { limit, period } = configured("SIGN_IN_EMAIL_LIMIT");
  await windowWithRoom(period);
  const sessions = count("agent_sessions");
  const { answers, limited } = await untilLimited(limit, (i) =>
    call("POST", "/api/session", { json: { email: ADMIN, password: i < limit ? "wrong password" : password } }));
  assert.deepEqual(answers.map((a) => a.status), Array(limit).fill(401), "each guess before the limit is judged");
  assertLimited(limited, period);
  assert.equal(limited.headers.get("set-cookie"), null, "even the right password gets no session");
  assert.equal(count("agent_sessions"), sessions, "nothing written");
});

/** The `parley_device` cookie a successful sign-in set, as a Cookie header value. */
function deviceCookie(res) {
  const set = res.headers.getSetCookie().find((c) => c.startsWith("parley_device="));
  assert.ok(set, "a successful sign-in sets a device cookie");
  assert.match(set, /HttpOnly/);
  assert.match(set, /SameSite=Strict/);
  return set.split(";")[0];
}

/** A new agent of the demo account with a password of their own (invited with the key, invitation accepted). */
async function newAgent() {
  const email = `agent+${randomUUID().slice(0, 8)}@juniperandpine.example`;
  const invited = await call("POST", "/api/agents", { token: key, json: { email, full_name: "Fern Device" } });
  assert.equal(invited.status, 201, JSON.stringify(invited.body));
  const secret = "a long enough password";
  const accepted = await call("POST", "/api/invitations/accept", { json: { token: invited.body.invitation_token, password: secret } });
  assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
  return { email, password: secret };
}

test("strangers' guesses never lock out a browser the agent signed in from: its device cookie is limited on its own", async () => {
  const email = configured("SIGN_IN_EMAIL_LIMIT");
  const device = configured("SIGN_IN_DEVICE_LIMIT");
  const [fern, rowan] = [await newAgent(), await newAgent()];
  await windowWithRoom(Math.max(email.period, device.period), 30);
  const first = await call("POST", "/api/session", { json: fern });
  assert.equal(first.status, 200, JSON.stringify(first.body));
  const cookie = deviceCookie(first);

  // Strangers, each from an address of their own, use up the email's limit.
  const guess = { email: fern.email, password: "a stranger's guess" };
  const { limited } = await untilLimited(email.limit, () => call("POST", "/api/session", { json: guess }));
  assertLimited(limited, email.period);
  assert.equal((await call("POST", "/api/session", { json: fern })).status, 429, "the right password from a browser without the cookie is still limited");

  // The agent's browser, from a fresh address, still signs in.
  const back = await call("POST", "/api/session", { json: fern, cookie });
  assert.equal(back.status, 200, JSON.stringify(back.body));
  assert.ok(back.headers.getSetCookie().some((c) => /^(__Host-)?parley_session=[^;]+/.test(c)), "a session");

  // A forged cookie, or one of another agent, is no exemption.
  const forged = cookie.replace(/\.([0-9a-f])/, (_, c) => `.${c === "0" ? "1" : "0"}`);
  assert.equal((await call("POST", "/api/session", { json: fern, cookie: forged })).status, 429, "forged");
  await untilLimited(email.limit, () => call("POST", "/api/session", { json: { email: rowan.email, password: "a stranger's guess" } }));
  assert.equal((await call("POST", "/api/session", { json: rowan, cookie })).status, 429, "fern's cookie does not exempt rowan");

  // Guesses through the trusted browser are limited per device.
  const { answers, limited: byDevice } = await untilLimited(device.limit, () => call("POST", "/api/session", { json: { email: fern.email, password: "wrong password" }, cookie }));
  assert.ok(answers.every((a) => a.status === 401));
  assertLimited(byDevice, device.period);
});

test("sign-in is limited per client IP, across emails", async () => {
  const { limit, period } = configured("SIGN_IN_IP_LIMIT");
  await windowWithRoom(period);
  const from = ip();
  const { answers, limited } = await untilLimited(limit, () =>
    call("POST", "/api/session", { from, json: { email: `guess+${randomUUID()}@example.org`, password: "guess guess" } }));
  assert.equal(answers.length, limit);
  assertLimited(limited, period);
  const other = await call("POST", "/api/session", { json: { email: `guess+${randomUUID()}@example.org`, password: "x" } });
  assert.equal(other.status, 401, "another IP is not limited");
});

test("visitor creation is limited per client IP", async () => {
  const { limit, period } = configured("VISITOR_LIMIT");
  await windowWithRoom(period);
  const from = ip();
  const visitors = count("visitors");
  const { answers, limited } = await untilLimited(limit, () => call("POST", "/api/widget/sites/s_demo/visitors", { from }));
  assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([201]));
  assert.equal(answers.length, limit);
  assertLimited(limited, period);
  assert.equal(limited.headers.get("access-control-allow-origin"), "*", "the widget can read the answer");
  assert.equal(count("visitors"), visitors + limit, "the limited call created no visitor");
});

test("chat messages are limited per visitor", async () => {
  const { limit, period } = configured("MESSAGE_LIMIT");
  await windowWithRoom(period);
  const token = (await call("POST", "/api/widget/sites/s_demo/visitors")).body.token;
  const send = () => call("POST", "/api/widget/messages", { token, json: { client_message_id: randomUUID(), body: "flood" } });
  const { answers, limited } = await untilLimited(limit, send);
  assert.equal(answers.length, limit);
  assertLimited(limited, period);
  assert.equal(count("messages", `visitor_id = '${token.split(".")[0]}'`), limit, "the limited message was not stored");
  const other = (await call("POST", "/api/widget/sites/s_demo/visitors")).body.token;
  assert.equal((await call("POST", "/api/widget/messages", { token: other, json: { client_message_id: randomUUID(), body: "hi" } })).status, 201, "other visitors are not limited");
});

test("tickets are limited per site", async () => {
  const { limit, period } = configured("TICKET_LIMIT");
  await windowWithRoom(period, 30);
  const tag = randomUUID().slice(0, 8);
  const ticket = (i) => call("POST", "/api/sites/s_demo/tickets", { token: key, json: { email: `form+${tag}-${i}@example.org`, body: "help", submission_id: `${tag}-${i}-submission` } });
  const { answers, limited } = await untilLimited(limit, ticket);
  assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([201]));
  assertLimited(limited, period);
  assert.equal(count("contacts", `email LIKE 'form+${tag}-%'`), limit, "the limited ticket wrote nothing");
});

test("set-up and invitation acceptance are limited per client IP, before any password work", async () => {
  const { limit, period } = configured("SETUP_LIMIT");
  await windowWithRoom(period);
  const from = ip();
  const setup = { account_name: "A", site_name: "a.example", full_name: "A", email: "a@a.example", password: "long enough secret", setup_token: "setup-token-for-tests" };
  const { answers, limited } = await untilLimited(limit, (i) =>
    i % 2 ? call("POST", "/api/setup", { from, json: setup }) : call("POST", "/api/invitations/accept", { from, json: { token: "bogus", password: "long enough secret" } }));
  assert.deepEqual(answers.map((a) => a.body.error.code), Array.from({ length: limit }, (_, i) => (i % 2 ? "setup_closed" : "invitation_invalid")));
  assertLimited(limited, period);
});

test("claims (identify and the Form step) are limited per visitor, and the limited one writes nothing", async () => {
  const { limit, period } = configured("CLAIM_VISITOR_LIMIT");
  await windowWithRoom(period);
  const token = (await call("POST", "/api/widget/sites/s_demo/visitors")).body.token;
  const tag = randomUUID().slice(0, 8);
  const claim = (i) => call("POST", i % 2 ? "/api/widget/contact" : "/api/widget/identify", { token, json: { email: `claim+${tag}-${i}@example.org` } });
  const { answers, limited } = await untilLimited(limit, claim);
  assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([200]));
  assert.equal(answers.length, limit);
  assertLimited(limited, period);
  assert.equal(limited.headers.get("access-control-allow-origin"), "*", "the widget can read the answer");
  assert.equal(count("contacts", `email LIKE 'claim+${tag}-%'`), limit, "the limited claim created no contact");
  const other = (await call("POST", "/api/widget/sites/s_demo/visitors")).body.token;
  assert.equal((await call("POST", "/api/widget/identify", { token: other, json: { email: `claim+${tag}-other@example.org` } })).status, 200, "other visitors are not limited");
});

test("claims are limited per client IP, across visitors", async () => {
  const { limit, period } = configured("CLAIM_IP_LIMIT");
  await windowWithRoom(period);
  const from = ip();
  const tag = randomUUID().slice(0, 8);
  // Each visitor made from an address of its own (visitor creation has its own limit), all claiming from `from`.
  const { answers, limited } = await untilLimited(limit, async (i) => {
    const token = (await call("POST", "/api/widget/sites/s_demo/visitors")).body.token;
    return call("POST", "/api/widget/identify", { from, token, json: { email: `ip+${tag}-${i}@example.org` } });
  });
  assert.equal(answers.length, limit);
  assertLimited(limited, period);
  assert.equal(count("contacts", `email LIKE 'ip+${tag}-%'`), limit, "the limited claim created no contact");
});
