// Contact attributes on the real worker: the primary admin defines them
// (validated, capped, agents refused), agents and agent-role keys set a
// contact's values (each kind checked by shared::attribute: a wrong type or
// an unknown key is a 400 naming the attribute, with nothing written), a
// signed identify sets them and an unsigned one sets nothing, and they
// reach the contact's export, leave with its erasure, and ride in the
// automation payloads; never across accounts. In Chromium, the contact
// panel's editor, by keyboard, with axe-core finding nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import {
  AGENT_KEY, KEY, call, newVisitor, sendChat, identify, sign, signWith, sql, unique, eventually,
  browserAndHostPages, signInToInbox, visit,
} from "./helpers.mjs";
import { axeViolations } from "./axe.mjs";

const pages = browserAndHostPages();

const key = (prefix = "k") => `${prefix}_${randomUUID().slice(0, 8)}`;
const define = (json, token = KEY) => call("POST", "/api/attributes", { token, json });
const attributes = async (token = KEY) => (await call("GET", "/api/attributes", { token })).body.attributes;
const setValues = (contact, json, token = KEY) => call("PATCH", `/api/contacts/${contact}/attributes`, { token, json });
const contactOf = async (id, token = KEY) => (await call("GET", `/api/contacts/${id}`, { token })).body.contact;

/** One attribute of each kind, with fresh keys; answers them by kind. */
async function kinds() {
  const made = {};
  for (const [kind, extra] of [["text", {}], ["number", {}], ["date", {}], ["boolean", {}], ["list", { options: ["Free", "Pro", "Enterprise"] }]]) {
    const res = await define({ key: key(kind), name: unique(`${kind} `), kind, ...extra });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    made[kind] = res.body;
  }
  return made;
}

/** A contact, by "click to add" on a new chat. */
async function contact(email = `${unique("attr")}@example.org`) {
  const token = await newVisitor();
  await sendChat(token, unique("hello "));
  const { conversation_id: id } = (await call("GET", "/api/widget/conversation", { token })).body;
  const added = await call("POST", `/api/conversations/${id}/contact`, { token: KEY, json: { email } });
  assert.equal(added.status, 200, JSON.stringify(added.body));
  return { conversation: id, contact: (await call("GET", `/api/conversations/${id}`, { token: KEY })).body.conversation.contact_id, email };
}

/** Another account with its own admin and API key. */
async function otherAccount() {
  const account = unique("a_");
  const agent = unique("ag_");
  const apiKey = `pk_${randomBytes(24).toString("hex")}`;
  const hash = createHash("sha256").update(apiKey).digest("hex");
  await sql(
    `INSERT INTO accounts (id, name, created_at) VALUES ('${account}', 'Other team', 0);
     INSERT INTO agents (id, account_id, email, full_name, role, password_hash, created_at) VALUES ('${agent}', '${account}', '${agent}@other.example', 'Other Agent', 'primary_admin', 'x', 0);
     INSERT INTO api_keys (id, token_hash, prefix, agent_id, label, created_at) VALUES ('${unique("key_")}', '${hash}', '${apiKey.slice(0, 10)}', '${agent}', 'other', 0);`,
  );
  return { account, agent, key: apiKey };
}

test("the primary admin defines attributes (key, name, kind, a list's options), validated, at most 50; agents cannot", async () => {
  const k = key("plan");
  const made = await define({ key: k, name: "  Plan ", kind: "list", options: [" Free ", "Pro"] });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  assert.deepEqual([made.body.key, made.body.name, made.body.kind, made.body.options], [k, "Plan", "list", ["Free", "Pro"]]);
  assert.ok((await attributes()).some((a) => a.id === made.body.id));
  assert.ok((await attributes(AGENT_KEY)).some((a) => a.id === made.body.id), "agents list them");

  const before = await attributes();
  const refusals = [
    [{ key: k, name: "Again", kind: "text" }, 409, "attribute_key_taken"],
    [{ key: "Plan", name: "x", kind: "text" }, 400, "attribute_key_invalid"],
    [{ key: "2fa", name: "x", kind: "text" }, 400, "attribute_key_invalid"],
    [{ key: "has space", name: "x", kind: "text" }, 400, "attribute_key_invalid"],
    [{ key: "a".repeat(41), name: "x", kind: "text" }, 400, "attribute_key_invalid"],
    [{ key: key(), name: " ", kind: "text" }, 400, "attribute_name_invalid"],
    [{ key: key(), name: "two\nlines", kind: "text" }, 400, "attribute_name_invalid"],
    [{ key: key(), name: "x", kind: "list" }, 400, "attribute_options_invalid"],
    [{ key: key(), name: "x", kind: "list", options: ["Pro", "pro"] }, 400, "attribute_options_invalid"],
    [{ key: key(), name: "x", kind: "number", options: ["1"] }, 400, "attribute_options_invalid"],
    [{ key: key(), name: "x", kind: "colour" }, 400, "malformed_json"],
  ];
  for (const [json, status, code] of refusals) {
    const res = await define(json);
    assert.deepEqual([res.status, res.body.error?.code], [status, code], JSON.stringify(json));
  }
  assert.deepEqual(await attributes(), before, "no refusal wrote anything");

  // Agents (and agent-role keys) never define, rename or delete.
  const agentRole = (await call("POST", "/api/api-keys", { token: KEY, json: { label: "attributes agent role", role: "agent" } })).body.key;
  for (const token of [AGENT_KEY, agentRole]) {
    assert.equal((await define({ key: key(), name: "x", kind: "text" }, token)).status, 403);
    assert.equal((await call("PATCH", `/api/attributes/${made.body.id}`, { token, json: { name: "Mine" } })).status, 403);
    assert.equal((await call("DELETE", `/api/attributes/${made.body.id}`, { token })).status, 403);
  }

  // Renaming keeps key and kind; options only for a list; nothing to change is refused.
  const renamed = await call("PATCH", `/api/attributes/${made.body.id}`, { token: KEY, json: { name: "Plan name" } });
  assert.deepEqual([renamed.status, renamed.body.name, renamed.body.key], [200, "Plan name", k]);
  assert.equal((await call("PATCH", `/api/attributes/${made.body.id}`, { token: KEY, json: {} })).body.error.code, "attribute_nothing_to_change");
  assert.equal((await call("PATCH", `/api/attributes/${made.body.id}`, { token: KEY, json: { kind: "text" } })).status, 400);
  const text = (await define({ key: key("t"), name: "T", kind: "text" })).body;
  assert.equal((await call("PATCH", `/api/attributes/${text.id}`, { token: KEY, json: { options: ["a"] } })).body.error.code, "attribute_options_invalid");
  assert.equal((await call("PATCH", "/api/attributes/at_nope", { token: KEY, json: { name: "x" } })).status, 404);
  assert.equal((await call("DELETE", "/api/attributes/at_nope", { token: KEY })).status, 404);

  // The cap, in an account of its own, raced: 60 definitions at once, each decided in one statement: exactly 50 land.
  const other = await otherAccount();
  const raced = await Promise.all(Array.from({ length: 60 }, (_, i) => define({ key: `cap_${i}`, name: `Cap ${i}`, kind: "text" }, other.key)));
  const statuses = raced.map((r) => r.status);
  assert.deepEqual([statuses.filter((s) => s === 201).length, statuses.filter((s) => s === 409).length], [50, 10], statuses.join());
  assert.ok(raced.filter((r) => r.status === 409).every((r) => r.body.error.code === "attributes_full"));
  assert.equal((await attributes(other.key)).length, 50);
});

test("agents set values of every kind; a wrong type or an unknown key is a 400 naming the attribute, and nothing is written", async () => {
  const a = await kinds();
  const { contact: id } = await contact();
  const values = { [a.text.key]: "  Ace  ", [a.number.key]: 12.5, [a.date.key]: "2027-02-28", [a.boolean.key]: true, [a.list.key]: "Pro" };
  const set = await setValues(id, values, AGENT_KEY);
  assert.equal(set.status, 200, JSON.stringify(set.body));
  const stored = { ...values, [a.text.key]: "Ace" };
  assert.deepEqual(set.body.attributes, stored);
  assert.deepEqual((await contactOf(id)).attributes, stored, "the profile carries them");

  const refusals = [
    [{ [a.number.key]: "12" }, "attribute_invalid", `${a.number.key}: expected a number.`],
    [{ [a.boolean.key]: "yes" }, "attribute_invalid", `${a.boolean.key}: expected yes or no (true or false).`],
    [{ [a.date.key]: "2027-02-30" }, "attribute_invalid", `${a.date.key}: expected a date written YYYY-MM-DD.`],
    [{ [a.list.key]: "Gold" }, "attribute_invalid", `${a.list.key}: expected one of: Free, Pro, Enterprise.`],
    [{ [a.text.key]: 5 }, "attribute_invalid", `${a.text.key}: expected text of at most 500 characters.`],
    // A good value beside a bad one: neither is written.
    [{ [a.text.key]: "Changed", [a.number.key]: "many" }, "attribute_invalid", `${a.number.key}: expected a number.`],
    [{ [a.text.key]: "Changed", nope_attribute: 1 }, "attribute_unknown", null],
  ];
  for (const [json, code, message] of refusals) {
    const res = await setValues(id, json);
    assert.equal(res.status, 400, JSON.stringify(json));
    assert.equal(res.body.error.code, code);
    const named = Object.keys(json).find((k) => res.body.error.message.startsWith(`${k}: `));
    assert.ok(named, `the message names the attribute: ${res.body.error.message}`);
    assert.equal(res.body.error.attribute, named);
    if (message) assert.equal(res.body.error.message, message);
  }
  assert.equal((await setValues(id, {})).body.error.code, "attribute_change_invalid");
  assert.equal((await setValues(id, [1])).status, 400);
  assert.deepEqual((await contactOf(id)).attributes, stored, "no refusal wrote anything");

  // null (or blank text) clears; a retry changes nothing more.
  const cleared = await setValues(id, { [a.number.key]: null, [a.text.key]: " " });
  assert.deepEqual(cleared.body.attributes, { [a.date.key]: "2027-02-28", [a.boolean.key]: true, [a.list.key]: "Pro" });
  assert.deepEqual((await setValues(id, { [a.number.key]: null })).body.attributes, cleared.body.attributes);

  // A list's options replaced: values no longer among them are cleared with it.
  const reshaped = await call("PATCH", `/api/attributes/${a.list.id}`, { token: KEY, json: { options: ["Free", "Team"] } });
  assert.deepEqual(reshaped.body.options, ["Free", "Team"]);
  assert.equal((await contactOf(id)).attributes[a.list.key], undefined);
  // Deleting an attribute deletes its values.
  assert.equal((await call("DELETE", `/api/attributes/${a.date.id}`, { token: KEY })).status, 200);
  assert.deepEqual((await contactOf(id)).attributes, { [a.boolean.key]: true });
  const [{ n }] = await sql(`SELECT COUNT(*) AS n FROM contact_attribute_values WHERE attribute_id = '${a.date.id}'`);
  assert.equal(n, 0);
  assert.equal((await setValues("ct_nope", { [a.boolean.key]: false })).status, 404);
});

test("another account's attributes and contacts are 404 and its keys unknown", async () => {
  const a = await kinds();
  const { contact: id } = await contact();
  await setValues(id, { [a.text.key]: "ours" });
  const other = await otherAccount();
  const theirs = (await define({ key: a.text.key, name: "Theirs", kind: "text" }, other.key)).body;
  assert.ok(!(await attributes(other.key)).some((x) => x.id === a.text.id));
  assert.equal((await setValues(id, { [a.text.key]: "hijack" }, other.key)).status, 404);
  assert.equal((await call("PATCH", `/api/attributes/${a.text.id}`, { token: other.key, json: { name: "Mine" } })).status, 404);
  assert.equal((await call("DELETE", `/api/attributes/${a.text.id}`, { token: other.key })).status, 404);
  assert.equal((await call("DELETE", `/api/attributes/${theirs.id}`, { token: KEY })).status, 404);
  // Our contact's values name only our attributes: their attribute of the same key is unknown to us.
  assert.equal((await setValues(id, { [a.number.key]: 1 }, other.key)).body.error.code, "attribute_unknown");
  assert.deepEqual((await contactOf(id)).attributes, { [a.text.key]: "ours" });
});

test("a signed identify sets attributes (checked the same way); an unsigned one sets nothing", async () => {
  const a = await kinds();
  const site = "s_id_optional";
  const email = `${unique("signed")}@example.org`;

  // Signed but with a wrong type: 400 naming it, and nothing is tied or created.
  const refused = await newVisitor(site);
  const bad = await identify(refused, { email, signature: sign(email, site), attributes: { [a.number.key]: "lots" } });
  assert.deepEqual([bad.status, bad.body.error.code, bad.body.error.attribute], [400, "attribute_invalid", a.number.key]);
  assert.equal((await sql(`SELECT COUNT(*) AS n FROM contacts WHERE email = '${email}'`))[0].n, 0);

  const signed = await newVisitor(site);
  const res = await identify(signed, { email, signature: sign(email, site), attributes: { [a.list.key]: "Enterprise", [a.number.key]: 40 } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.visitor.verified, true);
  const [{ id }] = await sql(`SELECT id FROM contacts WHERE email = '${email}'`);
  assert.deepEqual((await contactOf(id)).attributes, { [a.list.key]: "Enterprise", [a.number.key]: 40 });

  // Unsigned, from another browser: its attributes are ignored (good or bad), the claim grants nothing.
  const unsigned = await newVisitor(site);
  const claim = await identify(unsigned, { email, attributes: { [a.list.key]: "Free", [a.boolean.key]: true } });
  assert.equal(claim.status, 200, JSON.stringify(claim.body));
  assert.equal(claim.body.visitor.verified, false);
  const probe = await identify(await newVisitor(site), { email, attributes: { [a.number.key]: "not a number", unknown_key: 1 } });
  assert.equal(probe.status, 200, "an unsigned identify's attributes are not even read");
  // A wrong signature is refused as before, attributes and all.
  const forged = await identify(await newVisitor(site), { email, signature: signWith("not the secret", email), attributes: { [a.list.key]: "Free" } });
  assert.equal(forged.status, 403);
  assert.deepEqual((await contactOf(id)).attributes, { [a.list.key]: "Enterprise", [a.number.key]: 40 });

  // Signed again: changes and clears.
  const again = await identify(signed, { email, signature: sign(email, site), attributes: { [a.list.key]: "Pro", [a.number.key]: null } });
  assert.equal(again.status, 200, JSON.stringify(again.body));
  assert.deepEqual((await contactOf(id)).attributes, { [a.list.key]: "Pro" });
});

test("a contact's export lists its values with names and kinds, and erasure removes them", async () => {
  const a = await kinds();
  const { contact: id } = await contact();
  await setValues(id, { [a.date.key]: "2026-12-24", [a.boolean.key]: false });
  const exported = await call("GET", `/api/contacts/${id}/export`, { token: KEY });
  assert.equal(exported.status, 200);
  const byKey = Object.fromEntries(exported.body.attributes.map((v) => [v.key, v]));
  assert.deepEqual([byKey[a.date.key].value, byKey[a.date.key].kind, byKey[a.date.key].name], ["2026-12-24", "date", a.date.name]);
  assert.deepEqual([byKey[a.boolean.key].value, byKey[a.boolean.key].kind], [false, "boolean"]);
  assert.equal(exported.body.attributes.length, 2);
  assert.equal((await call("GET", `/api/contacts/${id}/export`, { token: AGENT_KEY })).status, 403);

  assert.equal((await call("DELETE", `/api/contacts/${id}`, { token: KEY })).status, 200);
  const [{ n }] = await sql(`SELECT COUNT(*) AS n FROM contact_attribute_values WHERE contact_id = '${id}'`);
  assert.equal(n, 0);
  assert.ok((await attributes()).some((x) => x.id === a.date.id), "the attributes stay the team's");
});

/** A receiver on 127.0.0.1 that records every POST. */
async function receiver() {
  const received = [];
  const server = createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => (raw += chunk));
    req.on("end", () => {
      received.push(JSON.parse(raw));
      res.writeHead(204).end();
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${server.address().port}/hook`, received, close: () => new Promise((r) => server.close(r)) };
}

test("automation payloads carry the contact's attributes: set by a signed identify, then by an agent", async () => {
  const a = await kinds();
  const site = (await call("POST", "/api/sites", { token: KEY, json: { name: unique("Attributes ") } })).body.id;
  const secret = (await call("POST", `/api/sites/${site}/identity/secret`, { token: KEY })).body.secret;
  assert.equal((await call("PATCH", `/api/sites/${site}/identity`, { token: KEY, json: { mode: "optional" } })).status, 200);
  const hook = await receiver();
  try {
    const made = await call("POST", `/api/sites/${site}/automations`, { token: KEY, json: { name: "attributes", url: hook.url } });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const visitor = await newVisitor(site);
    const email = `${unique("hooked")}@example.org`;
    const tied = await identify(visitor, { email, signature: signWith(secret, email), attributes: { [a.list.key]: "Pro", [a.number.key]: 3 } });
    assert.equal(tied.status, 200, JSON.stringify(tied.body));
    const created = await eventually(() => hook.received.find((b) => b.event === "contact.created" && b.contact?.email === email), { what: "contact.created" });
    assert.deepEqual(created.contact.attributes, { [a.list.key]: "Pro", [a.number.key]: 3 });

    await setValues(created.contact.id, { [a.boolean.key]: true, [a.number.key]: null }, AGENT_KEY);
    const marker = unique("after the edit ");
    assert.equal((await sendChat(visitor, marker)).status, 201);
    const message = await eventually(() => hook.received.find((b) => b.event === "message.created" && b.message?.body === marker), { what: "message.created" });
    assert.deepEqual(message.contact.attributes, { [a.list.key]: "Pro", [a.boolean.key]: true });
    // A contact without values carries an empty object, never null.
    const bare = await newVisitor(site);
    const bareEmail = `${unique("bare")}@example.org`;
    await identify(bare, { email: bareEmail, signature: signWith(secret, bareEmail) });
    const bareCreated = await eventually(() => hook.received.find((b) => b.event === "contact.created" && b.contact?.email === bareEmail), { what: "the bare contact.created" });
    assert.deepEqual(bareCreated.contact.attributes, {});
  } finally {
    await call("PATCH", `/api/sites/${site}`, { token: KEY, json: { enabled: false } });
    await hook.close();
  }
});

test("Parley.identify({..., attributes}) on a host page reaches the worker as given: signed, they are set", async () => {
  const a = await kinds();
  const site = "s_id_optional";
  const email = `${unique("page")}@example.org`;
  const identity = { email, signature: sign(email, site), attributes: { [a.list.key]: "Pro", [a.boolean.key]: false, [a.date.key]: "2027-05-01" } };
  const page = await visit(pages.browser, pages.hosts.page(site, `Parley.identify(${JSON.stringify(identity)});`));
  try {
    await page.locator(".launcher").click();
    const found = await eventually(async () => (await sql(`SELECT id FROM contacts WHERE email = '${email}'`))[0], { what: "the contact the page identified" });
    assert.deepEqual((await contactOf(found.id)).attributes, identity.attributes);
    assert.deepEqual(page.errors, []);
  } finally {
    await page.context().close();
  }
});

test("the primary admin defines, renames and deletes attributes in Settings by keyboard; a refusal shows the reason; axe finds nothing", async () => {
  const context = await pages.browser.newContext({ bypassCSP: true });
  try {
    const page = await signInToInbox(context);
    await page.click("#to-settings");
    await page.locator("#at-form").waitFor();
    const k = key("tier");
    await page.fill("#at-key", k);
    await page.fill("#at-name", "Tier");
    await page.focus("#at-kind");
    await page.selectOption("#at-kind", "list");
    assert.equal(await page.locator("#at-options").isVisible(), true, "a list asks for its options");
    await page.fill("#at-options", "Bronze\nSilver\nGold");
    await page.press("#at-name", "Enter");
    const row = page.locator("#attributes-admin li", { hasText: k });
    await row.waitFor();
    const made = (await attributes()).find((a) => a.key === k);
    assert.deepEqual([made.name, made.kind, made.options], ["Tier", "list", ["Bronze", "Silver", "Gold"]]);
    await eventually(async () => (await page.inputValue("#at-key")) === "", { what: "the form emptied for the next one" });

    // The same key again: refused with the worker's reason.
    await page.fill("#at-key", k);
    await page.fill("#at-name", "Again");
    await page.selectOption("#at-kind", "text");
    await page.press("#at-name", "Enter");
    let shown = "";
    await eventually(async () => (shown = await page.textContent("#at-error")).includes("already has this key"), { what: () => `the refusal (shown: ${shown})` });
    assert.deepEqual(await axeViolations(page, "#attributes-admin"), []);
    assert.deepEqual(await axeViolations(page, "#at-form"), []);

    // Renamed and its options changed in place, then deleted.
    await row.getByLabel(`Name of attribute ${k}`).fill("Level");
    await row.getByLabel(`Options of attribute ${k}, one per line`).fill("Bronze\nPlatinum");
    await row.getByLabel(`Save attribute ${k}`).press("Enter");
    await eventually(async () => JSON.stringify((await attributes()).find((a) => a.key === k)?.options) === '["Bronze","Platinum"]', { what: "the options saved" });
    assert.equal((await attributes()).find((a) => a.key === k).name, "Level");
    await page.locator("#attributes-admin li", { hasText: k }).getByRole("button", { name: `Delete attribute ${k}` }).press("Enter");
    await eventually(async () => !(await attributes()).some((a) => a.key === k), { what: "the attribute deleted" });
  } finally {
    await context.close();
  }
});

test("the contact panel edits attributes by keyboard, one labelled input per kind; a refusal names the attribute; axe finds nothing", async () => {
  const a = await kinds();
  const { conversation, contact: id } = await contact();
  await setValues(id, { [a.list.key]: "Free" });
  const context = await pages.browser.newContext({ bypassCSP: true });
  try {
    const page = await signInToInbox(context);
    const item = page.locator(`#list button[data-id="${conversation}"]`);
    await item.focus();
    await page.keyboard.press("Enter");
    const toggle = page.locator("#edit-attributes");
    await toggle.waitFor();
    assert.equal(await page.textContent(`#contact-facts dd[data-attribute="${a.list.key}"]`), "Free");
    await toggle.focus();
    await page.keyboard.press("Enter");
    assert.equal(await toggle.getAttribute("aria-expanded"), "true");
    // Every input has its label, of the kind's type.
    for (const [kind, tag, type] of [["text", "INPUT", "text"], ["number", "INPUT", "text"], ["date", "INPUT", "date"], ["boolean", "SELECT", "select-one"], ["list", "SELECT", "select-one"]]) {
      const field = page.getByLabel(a[kind].name, { exact: true });
      assert.deepEqual(await field.evaluate((e) => [e.tagName, /** @type {HTMLInputElement} */ (e).type]), [tag, type], kind);
    }
    assert.match(await page.evaluate(() => document.activeElement?.id ?? ""), /^ca-/, "the focus moved into the form");
    assert.deepEqual(await axeViolations(page, "#profile"), []);

    // By keyboard: type a bad number, submit with Enter; the worker's refusal names it.
    await page.getByLabel(a.number.name, { exact: true }).focus();
    await page.keyboard.type("many");
    await page.keyboard.press("Enter");
    await eventually(async () => (await page.textContent("#contact-attributes-error")).includes(`${a.number.key}: expected a number.`), { what: "the refusal naming the attribute" });
    assert.deepEqual((await contactOf(id)).attributes, { [a.list.key]: "Free" }, "nothing written");

    await page.getByLabel(a.number.name, { exact: true }).fill("");
    await page.getByLabel(a.number.name, { exact: true }).focus();
    await page.keyboard.type("7");
    await page.getByLabel(a.text.name, { exact: true }).focus();
    await page.keyboard.type("Night owl");
    await page.getByLabel(a.boolean.name, { exact: true }).focus();
    await page.keyboard.press("ArrowDown"); // — not set — → Yes
    await page.getByLabel(a.list.name, { exact: true }).selectOption("Enterprise");
    await page.getByLabel(a.date.name, { exact: true }).fill("2027-03-01");
    await page.getByLabel(a.text.name, { exact: true }).focus();
    await page.keyboard.press("Enter");
    await eventually(async () => JSON.stringify((await contactOf(id)).attributes) === JSON.stringify({
      [a.boolean.key]: true, [a.date.key]: "2027-03-01", [a.list.key]: "Enterprise", [a.number.key]: 7, [a.text.key]: "Night owl",
    }), { what: `the values saved (${JSON.stringify((await contactOf(id)).attributes)})` });
    await page.locator(`#contact-facts dd[data-attribute="${a.boolean.key}"]`, { hasText: "Yes" }).waitFor();
    await eventually(async () => (await page.evaluate(() => document.activeElement?.id)) === "edit-attributes", { what: "the focus back on Edit attributes" });

    // Escape cancels: what was typed is dropped and the focus returns to the button.
    await page.keyboard.press("Enter");
    await page.getByLabel(a.text.name, { exact: true }).fill("Dropped");
    await page.keyboard.press("Escape");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "edit-attributes");
    assert.equal(await page.locator("#contact-attributes").isHidden(), true);
    assert.equal((await contactOf(id)).attributes[a.text.key], "Night owl");
    assert.deepEqual(await axeViolations(page, "#profile"), []);
  } finally {
    await context.close();
  }
});
