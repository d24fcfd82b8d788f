// The ActiveCampaign connector's back end (issue 25), against the fake
// ActiveCampaign of tests/fake-activecampaign.mjs (PARLEY_AC_URL): the
// connection's live check, which calls each event makes and in which order
// (none twice), 5xx retries, 429 with Retry-After, 401 pausing and a new key
// resuming, 422 failing, the per-account bucket, the idempotency key under a
// race, unverified claims, erasure, and who may call what.
//
// Each test has an account of its own (otherAccount, with a site) connected
// with a key of its own, so its calls are told apart by their Api-Token.
import { test } from "node:test";
import assert from "node:assert/strict";
import { AGENT_KEY, call, deliverMail, eventually, form, identify, newVisitor, otherAccount, sendChat, signWith, spfPass, sql, unique, widgetView } from "./helpers.mjs";
import { acCalls, acFail } from "./fake-activecampaign.mjs";

const AC = process.env.PARLEY_AC_URL;
const CONNECTION = "/api/integrations/activecampaign";

/** An account of its own with a site whose contacts flow to ActiveCampaign, connected with a key of its own. */
async function connectedAccount({ tags = { chat: ["parley-chat"], email: [], messenger: [] }, note = true, pushUnverified = false } = {}) {
  const other = await otherAccount({ site: true });
  const acKey = unique("ac-key-");
  const as = (method, path, json) => call(method, path, { token: other.key, json });
  const connected = await as("PUT", CONNECTION, { api_url: AC, api_key: acKey, push_unverified: pushUnverified, field_map: [] });
  assert.equal(connected.status, 200, JSON.stringify(connected.body));
  const site = await as("PUT", `/api/sites/${other.site}/activecampaign`, { enabled: true, tags, note });
  assert.equal(site.status, 200, JSON.stringify(site.body));
  const secret = (await as("POST", `/api/sites/${other.site}/identity/secret`)).body.secret;
  assert.equal((await as("PATCH", `/api/sites/${other.site}/identity`, { mode: "optional" })).status, 200);
  return { ...other, acKey, as, secret };
}

/** A visitor of the account's site who wrote (so has a conversation) and was identified with a valid signature. */
async function verifiedVisitor(acct, email = `${unique("ann")}@example.org`, extra = {}) {
  const visitor = await newVisitor(acct.site);
  assert.equal((await sendChat(visitor, "Hello there")).status, 201);
  const tied = await identify(visitor, { email, signature: signWith(acct.secret, email), ...extra });
  assert.equal(tied.status, 200, JSON.stringify(tied.body));
  return { visitor, email, conversation: (await widgetView(visitor)).conversation_id };
}

/** The fake's calls for the account's key after the connection's own look-ups, as `METHOD path?query`. */
async function jobCalls(acct) {
  return (await acCalls(acct.acKey)).filter((c) => c.path !== "/api/3/users/me");
}
const line = (c) => `${c.method} ${c.path}${Object.keys(c.query).length ? `?${new URLSearchParams(c.query)}` : ""} ${c.status}`;

/** The account's call log, once every job is settled (none pending). */
async function settled(acct, what) {
  return eventually(async () => {
    const connection = (await acct.as("GET", CONNECTION)).body;
    if (connection.pending !== 0) return false;
    return (await acct.as("GET", `${CONNECTION}/calls`)).body;
  }, { what, timeout: 20_000 });
}

/** Waits until the fake saw `n` job calls for the account; returns them, oldest first. */
const calls = (acct, n, what) => eventually(async () => {
  const seen = await jobCalls(acct);
  return seen.length >= n && seen;
}, { what: () => `${n} calls: ${what}`, timeout: 20_000 });

/** Every call made exactly once: no (method, path, body) twice. */
function noneTwice(seen) {
  const keys = seen.filter((c) => c.status < 300).map((c) => `${c.method} ${c.path} ${JSON.stringify(c.query)} ${JSON.stringify(c.body)}`);
  assert.equal(new Set(keys).size, keys.length, `a call was made twice:\n${keys.join("\n")}`);
}

test("connecting checks the URL and the key live before anything is stored; the key is sealed and never shown", async () => {
  const other = await otherAccount({ site: true });
  const put = (json) => call("PUT", CONNECTION, { token: other.key, json });
  const acKey = unique("ac-key-");
  // Refused before any fetch: not an https URL of a public host.
  for (const api_url of ["https://10.0.0.1", "ftp://example.com", "https://localhost", "not a url"]) {
    const res = await put({ api_url, api_key: acKey });
    assert.deepEqual([res.status, res.body.error.code], [400, "crm_url_invalid"], api_url);
  }
  assert.deepEqual([(await put({ api_url: AC })).body.error.code], ["crm_key_missing"]);
  assert.equal((await put({ api_url: AC, api_key: "two\nlines" })).body.error.code, "crm_key_invalid");
  const badKey = `bad-${unique()}`;
  const refused = await put({ api_url: AC, api_key: badKey });
  assert.deepEqual([refused.status, refused.body.error.code], [422, "crm_key_refused"]);
  assert.deepEqual((await acCalls(badKey)).map((c) => `${c.method} ${c.path} ${c.status}`), ["GET /api/3/users/me 401"]);
  // A 5xx at the live check, and nobody listening: a 502-class answer, nothing stored.
  await acFail({ key: acKey, method: "GET", path: "/api/3/users/me", status: 503, times: 1 });
  const failing = await put({ api_url: AC, api_key: acKey });
  assert.deepEqual([failing.status, failing.body.error.code], [502, "crm_unreachable"]);
  const closed = await put({ api_url: "http://127.0.0.1:9", api_key: acKey });
  assert.deepEqual([closed.status, closed.body.error.code], [502, "crm_unreachable"]);
  // A field map naming an attribute the account lacks, or a field ActiveCampaign lacks.
  const unknownAttribute = await put({ api_url: AC, api_key: acKey, field_map: [{ attribute: "shoe_size", field_id: "1" }] });
  assert.deepEqual([unknownAttribute.status, unknownAttribute.body.error.code], [400, "crm_field_map_invalid"]);
  const unknownField = await put({ api_url: AC, api_key: acKey, field_map: [{ attribute: "company", field_id: "99" }] });
  assert.deepEqual([unknownField.status, unknownField.body.error.code], [400, "crm_field_unknown"]);
  const nothing = (await call("GET", CONNECTION, { token: other.key })).body;
  assert.deepEqual([nothing.connected, nothing.state, nothing.api_url], [false, "off", null]);
  assert.deepEqual(await sql(`SELECT COUNT(*) AS n FROM crm_connections WHERE account_id = '${other.account}'`), [{ n: 0 }]);

  const ok = await put({ api_url: `${AC}/some/path`, api_key: acKey, push_unverified: true, field_map: [{ attribute: "company", field_id: "1" }] });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.deepEqual(
    { ...ok.body, connected_at: typeof ok.body.connected_at },
    { connected: true, api_url: AC, state: "active", paused_reason: null, push_unverified: true, pending: 0, connected_at: "number",
      field_map: [{ attribute: "company", field_id: "1", field_title: "Company" }] },
  );
  assert.ok(!JSON.stringify(ok.body).includes(acKey), "the key is never answered");
  const [row] = await sql(`SELECT api_key FROM crm_connections WHERE account_id = '${other.account}'`);
  assert.match(row.api_key, /^v1\.[0-9a-f]+\.[0-9a-f]+$/, "sealed");
  assert.ok(!row.api_key.includes(acKey));
  // null keeps the stored key: the live check is made with it.
  const kept = await put({ api_url: AC, api_key: null, push_unverified: false });
  assert.equal(kept.status, 200);
  assert.equal(kept.body.push_unverified, false);
  assert.equal((await acCalls(acKey)).filter((c) => c.path === "/api/3/users/me").length, 4, "three checks passed with the stored key, one failed");

  const automations = await call("GET", `${CONNECTION}/automations`, { token: other.key });
  assert.deepEqual(automations.body, [{ id: "1", name: "Welcome series", active: true }, { id: "2", name: "Old newsletter", active: false }]);
  const fields = await call("GET", `${CONNECTION}/fields`, { token: other.key });
  assert.deepEqual(fields.body, [{ id: "1", title: "Company" }, { id: "7", title: "Plan" }]);
  const log = (await call("GET", `${CONNECTION}/calls`, { token: other.key })).body;
  assert.deepEqual(log.slice(0, 2).map((c) => [c.kind, c.method, c.path, c.status, c.state]), [
    ["list", "GET", "/api/3/fields?limit=100", 200, "done"],
    ["list", "GET", "/api/3/automations?limit=100", 200, "done"],
  ]);

  // Disconnecting erases the key; the calls' log stays.
  assert.equal((await call("DELETE", CONNECTION, { token: other.key })).status, 204);
  assert.deepEqual(await sql(`SELECT COUNT(*) AS n FROM crm_connections WHERE account_id = '${other.account}'`), [{ n: 0 }]);
  assert.equal((await call("GET", `${CONNECTION}/automations`, { token: other.key })).body.error.code, "crm_not_connected");
  assert.ok((await call("GET", `${CONNECTION}/calls`, { token: other.key })).body.length > 0);
});

test("only the primary admin reaches the connection, and another account never sees this one's", async () => {
  const acct = await connectedAccount();
  const stranger = await otherAccount({ site: true });
  // The demo account's agent key is refused every admin route of the connector.
  for (const [method, path] of [["GET", CONNECTION], ["PUT", CONNECTION], ["DELETE", CONNECTION], ["GET", `${CONNECTION}/automations`],
    ["GET", `${CONNECTION}/fields`], ["GET", `${CONNECTION}/calls`], ["GET", "/api/sites/s_demo/activecampaign"], ["PUT", "/api/sites/s_demo/activecampaign"]]) {
    const res = await call(method, path, { token: AGENT_KEY, json: method === "PUT" ? {} : undefined });
    assert.equal(res.status, 403, `${method} ${path}`);
  }
  assert.equal((await call("GET", CONNECTION)).status, 401);
  // Another account: its own (absent) connection, an empty log, and no access to this account's site.
  const theirs = (await call("GET", CONNECTION, { token: stranger.key })).body;
  assert.deepEqual([theirs.connected, theirs.api_url], [false, null]);
  assert.deepEqual((await call("GET", `${CONNECTION}/calls`, { token: stranger.key })).body, []);
  assert.equal((await call("GET", `/api/sites/${acct.site}/activecampaign`, { token: stranger.key })).status, 404);
  const put = await call("PUT", `/api/sites/${acct.site}/activecampaign`, { token: stranger.key, json: { enabled: false, tags: {}, note: false } });
  assert.equal(put.status, 404);
  assert.equal((await acct.as("GET", `/api/sites/${acct.site}/activecampaign`)).body.enabled, true, "unchanged");
});

test("a site's settings: bad tags are refused with nothing written", async () => {
  const acct = await connectedAccount({ tags: { chat: ["kept"], email: [], messenger: [] } });
  const path = `/api/sites/${acct.site}/activecampaign`;
  for (const chat of [Array.from({ length: 11 }, (_, i) => `t${i}`), [""], ["x".repeat(81)], ["Same", "same"], ["two\nlines"]]) {
    const res = await acct.as("PUT", path, { enabled: false, tags: { chat, email: ["e"], messenger: [] }, note: false });
    assert.deepEqual([res.status, res.body.error.code], [400, "crm_tags_invalid"], JSON.stringify(chat));
  }
  const malformed = await acct.as("PUT", path, { enabled: "yes" });
  assert.equal(malformed.status, 400);
  assert.deepEqual((await acct.as("GET", path)).body, { enabled: true, tags: { chat: ["kept"], email: [], messenger: [] }, note: true });
  const trimmed = await acct.as("PUT", path, { enabled: true, tags: { chat: ["  spaced  "], email: [], messenger: ["fb"] }, note: false });
  assert.deepEqual(trimmed.body, { enabled: true, tags: { chat: ["spaced"], email: [], messenger: ["fb"] }, note: false });
});

test("a verified identify syncs the contact, then its chat tags (found or created once), then the note, in order, none twice", async () => {
  const acct = await connectedAccount({ tags: { chat: ["parley-chat", "VIP"], email: ["by-mail"], messenger: [] } });
  // VIP already exists in ActiveCampaign: found, not created.
  const vip = await fetch(`${AC}/api/3/tags`, { method: "POST", headers: { "api-token": acct.acKey, "content-type": "application/json" }, body: JSON.stringify({ tag: { tag: "VIP", tagType: "contact" } }) });
  const vipId = (await vip.json()).tag.id;
  const ann = await verifiedVisitor(acct, `${unique("ann")}@example.org`, { name: "Ann Marie Smith", phone: "+442071838750" });
  const log = await settled(acct, "the identify's job");
  const seen = (await jobCalls(acct)).filter((c) => !(c.method === "POST" && c.path === "/api/3/tags" && c.body?.tag?.tag === "VIP"));
  assert.deepEqual(seen.map(line), [
    "POST /api/3/contact/sync 201",
    "GET /api/3/tags?search=parley-chat 200",
    "POST /api/3/tags 201",
    "POST /api/3/contactTags 201",
    "GET /api/3/tags?search=VIP 200",
    "POST /api/3/contactTags 201",
    "POST /api/3/notes 201",
  ]);
  noneTwice(seen);
  assert.deepEqual(seen[0].body, { contact: { email: ann.email, firstName: "Ann", lastName: "Marie Smith", phone: "+442071838750" } });
  const contactId = (await acCalls(acct.acKey)).find((c) => c.path === "/api/3/contactTags").body.contactTag.contact;
  assert.deepEqual(seen[2].body.tag.tag, "parley-chat");
  assert.deepEqual(seen[5].body, { contactTag: { contact: contactId, tag: vipId } });
  assert.equal(seen[6].body.note.relid, contactId);
  assert.equal(seen[6].body.note.reltype, "Subscriber");
  assert.ok(seen[6].body.note.note.endsWith(`/inbox#conversation=${ann.conversation}`), seen[6].body.note.note);
  assert.ok(log.filter((c) => c.kind !== "check").every((c) => c.state === "done" && c.email === ann.email && c.site_id === acct.site), JSON.stringify(log));
  assert.equal(log.length, 7 + 1, "the seven calls and the live check");

  // A second contact: the tags are known now, so no search and no create.
  const bo = await verifiedVisitor(acct, `${unique("bo")}@example.org`);
  const more = await calls(acct, 7 + 5, "Bo's job");
  assert.deepEqual(more.slice(7 - 0).filter((c) => c.body?.tag?.tag !== "VIP").slice(-4).map(line), [
    "POST /api/3/contact/sync 201",
    "POST /api/3/contactTags 201",
    "POST /api/3/contactTags 201",
    "POST /api/3/notes 201",
  ]);
  assert.equal(more.at(-4).body.contact.email, bo.email);
  noneTwice(more);
  // The same identify again is the same cause: no new job.
  const again = await identify(bo.visitor, { email: bo.email, signature: signWith(acct.secret, bo.email) });
  assert.equal(again.status, 200);
  const [{ n }] = await sql(`SELECT COUNT(*) AS n FROM crm_jobs WHERE account_id = '${acct.account}'`);
  assert.equal(n, 2);
});

test("the Form's ActiveCampaign automation: the contact is synced first, then added to it, once per visitor", async () => {
  const acct = await connectedAccount({ tags: { chat: [], email: [], messenger: [] }, note: false });
  const bot = await acct.as("PUT", `/api/sites/${acct.site}/chatbot`, {
    blocks: [{ type: "form", phone: "optional", company: "hidden", full_name: "hidden" }, { type: "enter_automation", automation_id: "1", target: "activecampaign" }],
  });
  assert.equal(bot.status, 200, JSON.stringify(bot.body));
  assert.equal((await acct.as("GET", `/api/sites/${acct.site}/chatbot`)).body.chatbot.blocks[1].target, "activecampaign");
  const ann = await verifiedVisitor(acct);
  await settled(acct, "the identify's job");
  const before = (await jobCalls(acct)).length;
  const answered = await form(ann.visitor, { phone: "+442071838750" });
  assert.equal(answered.status, 200, JSON.stringify(answered.body));
  const seen = await calls(acct, before + 2, "the Form's job");
  assert.deepEqual(seen.slice(before).map(line), ["POST /api/3/contact/sync 200", "POST /api/3/contactAutomations 201"]);
  assert.equal(seen[before].body.contact.phone, "+442071838750");
  assert.equal(seen[before + 1].body.contactAutomation.automation, "1");
  assert.match(seen[before + 1].body.contactAutomation.contact, /^\d+$/);
  // Submitting the Form again enters nothing again.
  assert.equal((await form(ann.visitor, { phone: "+442071838751" })).status, 200);
  await settled(acct, "no second Form job");
  assert.equal((await jobCalls(acct)).filter((c) => c.path === "/api/3/contactAutomations").length, 1);
  // An ActiveCampaign automation is named by its numeric id.
  const bad = await acct.as("PUT", `/api/sites/${acct.site}/chatbot`, {
    blocks: [{ type: "form", phone: "hidden", company: "hidden", full_name: "hidden" }, { type: "enter_automation", automation_id: "au_1", target: "activecampaign" }],
  });
  assert.deepEqual([bad.status, bad.body.error.code], [400, "chatbot_invalid"]);
});

test("unverified claims are not pushed unless the admin opts in, and then carry the parley-unverified tag", async () => {
  const acct = await connectedAccount({ tags: { chat: ["parley-chat"], email: [], messenger: [] }, note: false });
  const visitor = await newVisitor(acct.site);
  const email = `${unique("claim")}@example.org`;
  assert.equal((await form(visitor, { email })).status, 200);
  // The job would be written in the Form's own batch: none is there.
  assert.deepEqual(await sql(`SELECT COUNT(*) AS n FROM crm_jobs WHERE account_id = '${acct.account}'`), [{ n: 0 }]);
  const unsigned = await newVisitor(acct.site);
  assert.equal((await identify(unsigned, { email: `${unique("unsigned")}@example.org` })).status, 200);
  assert.deepEqual(await sql(`SELECT COUNT(*) AS n FROM crm_jobs WHERE account_id = '${acct.account}'`), [{ n: 0 }]);

  assert.equal((await acct.as("PUT", CONNECTION, { api_url: AC, api_key: null, push_unverified: true })).status, 200);
  const pushed = await newVisitor(acct.site);
  const pushedEmail = `${unique("pushed")}@example.org`;
  assert.equal((await form(pushed, { email: pushedEmail })).status, 200);
  const seen = await calls(acct, 6, "the pushed claim's job");
  assert.deepEqual(seen.map(line), [
    "POST /api/3/contact/sync 201",
    "GET /api/3/tags?search=parley-chat 200",
    "POST /api/3/tags 201",
    "POST /api/3/contactTags 201",
    "GET /api/3/tags?search=parley-unverified 200",
    "POST /api/3/tags 201",
  ].slice(0, 6));
  const all = await calls(acct, 7, "the unverified tag applied");
  assert.equal(line(all[6]), "POST /api/3/contactTags 201");
  assert.equal(all[0].body.contact.email, pushedEmail);
  assert.equal(all[5].body.tag.tag, "parley-unverified");
  noneTwice(all);
  // A claim of an address Parley already knew changes nothing of that contact: nothing is pushed.
  const claimant = await newVisitor(acct.site);
  assert.equal((await form(claimant, { email })).status, 200);
  assert.deepEqual(await sql(`SELECT COUNT(*) AS n FROM crm_jobs WHERE account_id = '${acct.account}'`), [{ n: 1 }]);
});

test("a 5xx is retried with the automations' backoff and a 429's Retry-After is honoured: every call once, the wait kept", async () => {
  const acct = await connectedAccount({ tags: { chat: ["parley-chat"], email: [], messenger: [] }, note: false });
  await acFail({ key: acct.acKey, method: "POST", path: "/api/3/contact/sync", status: 502, times: 1 });
  await acFail({ key: acct.acKey, method: "GET", path: "/api/3/tags", status: 429, times: 1, retry_after: 2 });
  await verifiedVisitor(acct);
  const log = await settled(acct, "the job after a 502 and a 429");
  const seen = await jobCalls(acct);
  assert.deepEqual(seen.map(line), [
    "POST /api/3/contact/sync 502",
    "POST /api/3/contact/sync 201",
    "GET /api/3/tags?search=parley-chat 429",
    "GET /api/3/tags?search=parley-chat 200",
    "POST /api/3/tags 201",
    "POST /api/3/contactTags 201",
  ]);
  noneTwice(seen);
  assert.ok(seen[3].at - seen[2].at >= 2000, `Retry-After: 2 was honoured (waited ${seen[3].at - seen[2].at} ms)`);
  assert.deepEqual(log.filter((c) => c.kind !== "check").reverse().map((c) => [c.kind, c.status, c.state, c.attempt]), [
    ["sync", 502, "retrying", 1],
    ["sync", 201, "done", 2],
    ["find_tag", 429, "rate_limited", 1],
    ["find_tag", 200, "done", 1],
    ["create_tag", 201, "done", 1],
    ["tag", 201, "done", 1],
  ]);
});

test("a refused key (401) pauses the connection with its reason; a new key resumes it and nothing is lost", async () => {
  const acct = await connectedAccount({ tags: { chat: [], email: [], messenger: [] }, note: false });
  await acFail({ key: acct.acKey, method: "POST", path: "/api/3/contact/sync", status: 401, times: 1000 });
  const ann = await verifiedVisitor(acct);
  const paused = await eventually(async () => {
    const c = (await acct.as("GET", CONNECTION)).body;
    return c.state === "paused" && c;
  }, { what: "the connection paused" });
  assert.match(paused.paused_reason, /refused the API key/);
  assert.equal(paused.pending, 1, "the job waits");
  // While paused, a new cause is recorded and waits too: no call is made for it.
  const bo = await verifiedVisitor(acct);
  assert.equal((await acct.as("GET", CONNECTION)).body.pending, 2);
  assert.deepEqual((await jobCalls(acct)).map(line), ["POST /api/3/contact/sync 401"]);
  const log = (await acct.as("GET", `${CONNECTION}/calls`)).body;
  assert.deepEqual([log[0].state, log[0].status], ["paused", 401]);

  const newKey = unique("ac-new-");
  const resumed = await acct.as("PUT", CONNECTION, { api_url: AC, api_key: newKey });
  assert.deepEqual([resumed.body.state, resumed.body.paused_reason], ["active", null]);
  await settled({ ...acct, acKey: newKey }, "both jobs under the new key");
  const synced = (await acCalls(newKey)).filter((c) => c.path === "/api/3/contact/sync").map((c) => c.body.contact.email).sort();
  assert.deepEqual(synced, [ann.email, bo.email].sort());
});

test("a 422 fails the job with ActiveCampaign's message in the log, and it is not retried", async () => {
  const acct = await connectedAccount({ tags: { chat: ["never"], email: [], messenger: [] }, note: false });
  await verifiedVisitor(acct, `${unique("invalid-")}@example.org`);
  const log = await settled(acct, "the refused job");
  const [failed] = log.filter((c) => c.kind === "sync");
  assert.deepEqual([failed.status, failed.state], [422, "failed"]);
  assert.match(failed.error, /Contact Email Address is not valid/);
  assert.deepEqual((await jobCalls(acct)).map(line), ["POST /api/3/contact/sync 422"]);
  const [job] = await sql(`SELECT state, last_error FROM crm_jobs WHERE account_id = '${acct.account}'`);
  assert.equal(job.state, "failed");
  assert.match(job.last_error, /Contact Email Address is not valid/);
});

test("the bucket never lets more than 5 calls a second through for an account, however many jobs run at once", async () => {
  const acct = await connectedAccount({ tags: { chat: ["busy"], email: [], messenger: [] }, note: false });
  const people = 10;
  await Promise.all(Array.from({ length: people }, () => verifiedVisitor(acct)));
  await settled(acct, "every job");
  const seen = await jobCalls(acct);
  // Per contact a sync and its tag (the tag is looked up and created once).
  assert.equal(seen.length, people * 2 + 2, seen.map(line).join("\n"));
  noneTwice(seen);
  const at = seen.map((c) => c.at).sort((a, b) => a - b);
  for (let i = 0; i + 5 < at.length; i++) {
    assert.ok(at[i + 5] - at[i] >= 1000, `six calls within ${at[i + 5] - at[i]} ms`);
  }
});

test("two identical causes racing make one job", async () => {
  const acct = await connectedAccount({ tags: { chat: [], email: [], messenger: [] }, note: false });
  const visitor = await newVisitor(acct.site);
  assert.equal((await sendChat(visitor, "hi")).status, 201);
  const email = `${unique("race")}@example.org`;
  const same = { email, signature: signWith(acct.secret, email), name: "Race Case" };
  const answers = await Promise.all([identify(visitor, same), identify(visitor, same), identify(visitor, same)]);
  assert.deepEqual(answers.map((a) => a.status), [200, 200, 200]);
  assert.deepEqual(await sql(`SELECT COUNT(*) AS n FROM crm_jobs WHERE account_id = '${acct.account}'`), [{ n: 1 }]);
  await settled(acct, "the one job");
  assert.deepEqual((await jobCalls(acct)).map(line), ["POST /api/3/contact/sync 201"]);
});

test("erasing a contact cancels its waiting jobs, keeps no email in the log, and says it still lives in ActiveCampaign", async () => {
  const acct = await connectedAccount({ tags: { chat: [], email: [], messenger: [] }, note: false });
  const ann = await verifiedVisitor(acct);
  const log = await settled(acct, "Ann synced");
  const contactId = log.find((c) => c.kind === "sync").contact_id;
  const profile = await acct.as("GET", `/api/contacts/${contactId}`);
  const crmId = profile.body.crm_contact_id;
  assert.match(crmId, /^\d+$/);
  // A second job for Ann waits behind a refused key.
  await acFail({ key: acct.acKey, method: "POST", path: "/api/3/contact/sync", status: 403, times: 1000 });
  const again = await newVisitor(acct.site);
  assert.equal((await identify(again, { email: ann.email, signature: signWith(acct.secret, ann.email) })).status, 200);
  await eventually(async () => (await acct.as("GET", CONNECTION)).body.state === "paused", { what: "paused" });
  const erased = await acct.as("DELETE", `/api/contacts/${contactId}`);
  assert.equal(erased.status, 200, JSON.stringify(erased.body));
  assert.equal(erased.body.erased.crm_contact_id, crmId, "the erase dialog can say it also lives in ActiveCampaign");
  assert.deepEqual(await sql(`SELECT COUNT(*) AS n FROM crm_jobs WHERE contact_id = '${contactId}'`), [{ n: 0 }]);
  assert.deepEqual(await sql(`SELECT COUNT(*) AS n FROM crm_calls WHERE email = '${ann.email}' OR contact_id = '${contactId}'`), [{ n: 0 }]);
  assert.deepEqual(await sql(`SELECT COUNT(*) AS n FROM crm_contacts WHERE contact_id = '${contactId}'`), [{ n: 0 }]);
  // A new key resumes the connection: the erased contact's job is gone, nothing is sent for it.
  const newKey = unique("ac-after-");
  assert.equal((await acct.as("PUT", CONNECTION, { api_url: AC, api_key: newKey })).body.pending, 0);
  const bo = await verifiedVisitor(acct);
  await settled({ ...acct, acKey: newKey }, "Bo synced");
  assert.deepEqual((await acCalls(newKey)).filter((c) => c.path === "/api/3/contact/sync").map((c) => c.body.contact.email), [bo.email]);
});

/** A plain message from `from` to `to`, with the SPF pass that makes its sender verified when `verified`. */
function mail(from, to, verified) {
  const tag = unique("m");
  return [
    ...(verified ? [spfPass(from.split("@")[1])] : []),
    `From: "Mae Mailer" <${from}>`,
    `To: ${to}`,
    `Subject: Question ${tag}`,
    "Date: Mon, 07 Dec 2026 09:15:00 +0000",
    `Message-ID: <${tag}@example.org>`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    "Do you ship abroad?",
    "",
  ].join("\r\n");
}

test("inbound mail that passes the sender check syncs its sender with the email tags and a note, and enters no automation; other mail pushes nothing", async () => {
  const acct = await connectedAccount({ tags: { chat: ["parley-chat"], email: ["parley-email"], messenger: [] } });
  const subdomain = unique("crm").toLowerCase();
  await sql(`INSERT INTO email_channels (site_id, created_at) VALUES ('${acct.site}', 0)`);
  const channel = await acct.as("PATCH", `/api/sites/${acct.site}/email-channel`, { username: "help", subdomain });
  assert.equal(channel.status, 200, JSON.stringify(channel.body));
  const mailbox = channel.body.forwarding_address;
  assert.ok(mailbox, JSON.stringify(channel.body));
  // Unverified: stored, but nothing goes to ActiveCampaign.
  const spoofed = `${unique("spoof")}@example.org`;
  assert.equal((await deliverMail(mail(spoofed, mailbox, false), { from: spoofed, to: mailbox })).status, 200);
  assert.deepEqual(await sql(`SELECT COUNT(*) AS n FROM crm_jobs WHERE account_id = '${acct.account}'`), [{ n: 0 }]);
  const from = `${unique("mae")}@example.org`;
  assert.equal((await deliverMail(mail(from, mailbox, true), { from, to: mailbox })).status, 200);
  const [conversation] = await sql(`SELECT c.id FROM conversations c JOIN contacts ct ON ct.id = c.contact_id WHERE ct.email = '${from}'`);
  await settled(acct, "the mail's job");
  const seen = await jobCalls(acct);
  assert.deepEqual(seen.map(line), [
    "POST /api/3/contact/sync 201",
    "GET /api/3/tags?search=parley-email 200",
    "POST /api/3/tags 201",
    "POST /api/3/contactTags 201",
    "POST /api/3/notes 201",
  ]);
  assert.deepEqual(seen[0].body, { contact: { email: from } }, "an unproven name from a header is not sent");
  assert.ok(seen[4].body.note.note.endsWith(`/inbox#conversation=${conversation.id}`));
  // A reply in the same conversation is no new cause.
  const [{ n }] = await sql(`SELECT COUNT(*) AS n FROM crm_jobs WHERE account_id = '${acct.account}'`);
  assert.equal(n, 1);
});

test("a flow's step entering an ActiveCampaign automation: the Form's contact is synced, then added to it once", async () => {
  const acct = await connectedAccount({ tags: { chat: [], email: [], messenger: [] }, note: false });
  const flow = {
    trigger: { type: "first_message" },
    steps: [
      { type: "form", id: "form", phone: "hidden", company: "hidden", full_name: "hidden" },
      { type: "enter_automation", id: "enter", automation_id: "1", target: "activecampaign" },
      { type: "message", id: "bye", text: "You are in." },
    ],
  };
  const saved = await acct.as("PUT", `/api/sites/${acct.site}/flow`, flow);
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  const refused = await acct.as("PUT", `/api/sites/${acct.site}/flow`, { ...flow, steps: [flow.steps[0], { ...flow.steps[1], automation_id: "au_1" }, flow.steps[2]] });
  assert.deepEqual([refused.status, refused.body.error.step], [400, "enter"], "an ActiveCampaign automation is named by its numeric id");
  const visitor = await newVisitor(acct.site);
  assert.equal((await sendChat(visitor, "Hi")).status, 201);
  const email = `${unique("flow")}@example.org`;
  assert.equal((await identify(visitor, { email, signature: signWith(acct.secret, email) })).status, 200);
  assert.equal((await form(visitor, {})).status, 200);
  await eventually(async () => (await jobCalls(acct)).some((c) => c.path === "/api/3/contactAutomations"), { what: "the contact entered", timeout: 20_000 });
  assert.equal((await form(visitor, {})).status, 200);
  await settled(acct, "every job");
  const seen = await jobCalls(acct);
  const entered = seen.filter((c) => c.path === "/api/3/contactAutomations");
  assert.equal(entered.length, 1, seen.map(line).join("\n"));
  assert.equal(entered[0].body.contactAutomation.automation, "1");
  assert.ok(seen.findIndex((c) => c.path === "/api/3/contact/sync") < seen.indexOf(entered[0]), "synced first");
  assert.ok(seen.every((c) => c.status < 300 && (c.body?.contact?.email ?? email) === email));
});
