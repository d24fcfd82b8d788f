// GET /api/contacts/{id}/activecampaign, the contact panel's card, against the
// fake ActiveCampaign: an agent may read it, another account may not; the
// calls it makes, in order (the contact by email, its tags, lists and deals,
// then their names); a second read within 60 s makes no call (the D1 cache),
// one after that reads anew; the states not connected, not found and busy
// (a 429 from ActiveCampaign, whose Retry-After then holds the account's
// calls) are answered, and busy is never kept.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { KEY, AGENT_KEY, call, unique, newVisitor, sendChat, form, otherAccount, sql } from "./helpers.mjs";
import { acCalls, acFail, acSeed } from "./fake-activecampaign.mjs";

const AC = process.env.PARLEY_AC_URL;
after(() => call("DELETE", "/api/integrations/activecampaign", { token: KEY }));

/** Connects the demo account to the fake with `key`. */
async function connect(key) {
  const res = await call("PUT", "/api/integrations/activecampaign", { token: KEY, json: { api_url: AC, api_key: key, push_unverified: false, field_map: [] } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

/** A contact of the demo shop with `email` from a visitor's Form (an unverified claim: never pushed by the sync). */
async function contactWith(email) {
  const token = await newVisitor();
  const sent = await sendChat(token, unique("card "));
  assert.equal(sent.status, 201);
  assert.ok((await form(token, { email })).status < 300);
  const { conversation } = (await call("GET", `/api/conversations/${sent.body.message.conversation_id}`, { token: KEY })).body;
  assert.ok(conversation.contact_id);
  return conversation.contact_id;
}

const card = (contact, token = KEY) => call("GET", `/api/contacts/${contact}/activecampaign`, { token });
/** The card's calls the fake recorded for `key` (its own test's; the connection's live checks left out), as "METHOD path?query". */
const made = async (key) => (await acCalls(key)).filter((c) => c.path !== "/api/3/users/me").map((c) => `${c.method} ${c.path}${c.query && Object.keys(c.query).length ? `?${new URLSearchParams(c.query)}` : ""}`);

test("the card: an agent reads the ActiveCampaign contact (tags, lists with status, deals with stages, the link), in these calls, kept 60 s", async () => {
  const key = `card-${unique()}`;
  await connect(key);
  const email = `${unique("card")}@example.org`;
  const contact = await contactWith(email);
  const seeded = await acSeed(key, { email, tags: ["vip", "wholesale"], lists: [{ name: "Newsletter", status: 1 }, { name: "Launch news", status: 2 }],
    deals: [{ title: "Wholesale tea", stage: "Qualified", value: 125000, currency: "eur" }] });
  const before = (await made(key)).length;

  const first = await card(contact, AGENT_KEY);
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.deepEqual({ ...first.body, fetched_at: 0 }, {
    state: "found", contact_id: seeded.contact_id, url: `${AC}/app/contacts/${seeded.contact_id}`, tags: ["vip", "wholesale"],
    lists: [{ name: "Newsletter", status: "active" }, { name: "Launch news", status: "unsubscribed" }],
    deals: [{ title: "Wholesale tea", stage: "Qualified", value: "1250.00", currency: "eur" }], fetched_at: 0,
  });
  const id = seeded.contact_id;
  assert.deepEqual((await made(key)).slice(before), [
    `GET /api/3/contacts?email=${encodeURIComponent(email).replace(/%20/g, "+")}`,
    `GET /api/3/contacts/${id}/contactTags`, `GET /api/3/contacts/${id}/contactLists`, `GET /api/3/contacts/${id}/deals`,
    ...seeded.tag_ids.map((t) => `GET /api/3/tags/${t}`), "GET /api/3/lists?limit=100", "GET /api/3/dealStages?limit=100",
  ], "the look-up, the contact's three parts, then their names; each once");

  // Within 60 s: the same answer, no call. The primary admin reads the same card.
  const calls = (await made(key)).length;
  const again = await card(contact);
  assert.deepEqual(again.body, first.body);
  assert.equal((await made(key)).length, calls, "no call to ActiveCampaign");

  // 61 s later (the kept answer dated back): read anew.
  await sql(`UPDATE crm_contact_cache SET fetched_at = fetched_at - 61000 WHERE contact_id = '${contact}'`);
  const later = await card(contact);
  assert.equal(later.body.state, "found");
  assert.ok(later.body.fetched_at > first.body.fetched_at);
  assert.ok((await made(key)).length > calls, "ActiveCampaign asked again");
});

test("the card is the account's: another account's key gets 404, no credentials 401, and nothing is asked of ActiveCampaign", async () => {
  const key = `acct-${unique()}`;
  await connect(key);
  const contact = await contactWith(`${unique("acct")}@example.org`);
  const other = await otherAccount();
  const refused = await card(contact, other.key);
  assert.equal(refused.status, 404);
  assert.equal(refused.body.error.code, "not_found");
  assert.equal((await call("GET", `/api/contacts/${contact}/activecampaign`)).status, 401);
  assert.deepEqual(await made(key), [], "no call for a refused reader");
});

test("the card's states: not connected (off), not found, busy (ActiveCampaign's 429); none is kept", async () => {
  await call("DELETE", "/api/integrations/activecampaign", { token: KEY });
  const contact = await contactWith(`${unique("state")}@example.org`);
  const off = await card(contact);
  assert.equal(off.status, 200);
  assert.deepEqual([off.body.state, off.body.url, off.body.tags], ["off", null, []]);

  const key = `state-${unique()}`;
  await connect(key);
  await acFail({ method: "GET", path: "/api/3/contacts", status: 429, times: 1, retry_after: 1, key });
  const busy = await card(contact);
  assert.equal(busy.body.state, "busy");
  const [held] = await sql("SELECT paused_until FROM crm_connections WHERE account_id = 'a_demo'");
  assert.ok(held.paused_until > busy.body.fetched_at, "the 429's Retry-After holds the account's calls (the sync jobs' too)");
  const notFound = await card(contact);
  assert.equal(notFound.body.state, "not_found", "busy was not kept: asked again");
  assert.deepEqual((await made(key)).map((c) => c.split("?")[0]), ["GET /api/3/contacts", "GET /api/3/contacts"], "the 429, then the look-up that found nothing");
  const [row] = await sql(`SELECT card FROM crm_contact_cache WHERE contact_id = '${contact}'`);
  assert.equal(JSON.parse(row.card).state, "not_found", "not found is kept (60 s), busy never");
  assert.equal((await card(contact)).body.state, "not_found");
  assert.equal((await made(key)).length, 2, "the kept answer: no third call");
});
