// Saved replies on the real worker: the team's CRUD with its validation (4xx
// JSON, nothing half-written), any agent of the account may edit, another
// account sees and changes nothing, the per-account limit, the placeholders
// filled in by the worker for a conversation's contact; and in Chromium, the
// composer's `/` picker (filtered by typing, keyboard and click, fallback used)
// and managing replies from the inbox.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { AGENT_KEY, KEY, call, newVisitor, sendChat, sql, unique, launchChromium, signInToInbox, otherAccount } from "./helpers.mjs";

let browser;
before(async () => {
  browser = await launchChromium();
});
after(() => browser?.close());

const create = (json, token = KEY) => call("POST", "/api/saved-replies", { token, json });
const list = async (token = KEY) => (await call("GET", "/api/saved-replies", { token })).body.saved_replies;
const rendered = async (conversation, token = KEY) => call("GET", `/api/conversations/${conversation}/saved-replies`, { token });

/** A chat conversation; with `contact`, given that contact by "click to add". */
async function chat(text = unique("hello "), contact) {
  const token = await newVisitor();
  await sendChat(token, text);
  const { conversation_id: id } = (await call("GET", "/api/widget/conversation", { token })).body;
  if (contact) {
    const added = await call("POST", `/api/conversations/${id}/contact`, { token: KEY, json: contact });
    assert.equal(added.status, 200, JSON.stringify(added.body));
  }
  return { id, text, token };
}


test("saved replies are validated, shortcuts unique per team, and a refused write changes nothing", async () => {
  const shortcut = unique("refund-");
  const made = await create({ shortcut: ` /${shortcut.toUpperCase()} `, title: " Refund policy ", body: "Hi {contact.first_name|there},\r\nrefunds take 5 days." });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  assert.deepEqual([made.body.shortcut, made.body.title, made.body.body, made.body.updated_by_name], [shortcut, "Refund policy", "Hi {contact.first_name|there},\nrefunds take 5 days.", "Robin Ash"]);
  assert.ok((await list()).some((r) => r.id === made.body.id));

  const refusals = [
    [{ shortcut, title: "Again", body: "x" }, 409, "shortcut_taken"],
    [{ shortcut: `/${shortcut.toUpperCase()}`, title: "Again", body: "x" }, 409, "shortcut_taken"],
    [{ shortcut: "two words", title: "t", body: "x" }, 400, "shortcut_invalid"],
    [{ shortcut: "x".repeat(33), title: "t", body: "x" }, 400, "shortcut_invalid"],
    [{ shortcut: unique("ok-"), title: " ", body: "x" }, 400, "title_invalid"],
    [{ shortcut: unique("ok-"), title: "t", body: "x".repeat(4001) }, 400, "body_invalid"],
    [{ shortcut: unique("ok-"), title: "t", body: "Hi {contact.frist_name}" }, 400, "placeholder_unknown"],
    [{ shortcut: unique("ok-"), title: "t" }, 400, "malformed_json"],
    [{ shortcut: unique("ok-"), title: "t", body: "x", shared: true }, 400, "malformed_json"],
  ];
  const count = (await list()).length;
  for (const [json, status, code] of refusals) {
    const res = await create(json);
    assert.deepEqual([res.status, res.body.error?.code], [status, code], JSON.stringify(json));
    assert.equal(typeof res.body.error.message, "string");
  }
  assert.equal((await list()).length, count, "no refused create wrote anything");

  const other = await create({ shortcut: unique("other-"), title: "Other", body: "Other text" });
  const path = `/api/saved-replies/${made.body.id}`;
  const clash = await call("PATCH", path, { token: KEY, json: { shortcut: other.body.shortcut, title: "Renamed" } });
  assert.deepEqual([clash.status, clash.body.error.code], [409, "shortcut_taken"]);
  const half = await call("PATCH", path, { token: KEY, json: { title: "Renamed", body: "{nope}" } });
  assert.deepEqual([half.status, half.body.error.code], [400, "placeholder_unknown"]);
  assert.equal((await list()).find((r) => r.id === made.body.id).title, "Refund policy", "neither refused change touched the title");
  assert.equal((await call("PATCH", path, { token: KEY, json: {} })).body.error.code, "nothing_to_change");
  assert.equal((await call("PATCH", "/api/saved-replies/sr_nope", { token: KEY, json: { title: "x" } })).status, 404);

  // Any agent of the team may edit and delete: Kit (not the admin) renames Robin's reply.
  const edited = await call("PATCH", path, { token: AGENT_KEY, json: { title: "Refunds (5 days)" } });
  assert.equal(edited.status, 200, JSON.stringify(edited.body));
  assert.deepEqual([edited.body.title, edited.body.shortcut, edited.body.updated_by_name], ["Refunds (5 days)", shortcut, "Kit Fern"]);
  assert.equal((await call("DELETE", path, { token: AGENT_KEY })).status, 200);
  assert.equal((await call("DELETE", path, { token: KEY })).status, 404, "gone");
  assert.ok(!(await list()).some((r) => r.id === made.body.id));
  assert.equal((await create({ shortcut, title: "Back", body: "Reused" })).status, 201, "a deleted reply's shortcut is free again");
});

test("another account neither sees nor changes a team's saved replies, nor fills them for its conversations", async () => {
  const ours = await create({ shortcut: unique("ours-"), title: "Ours", body: "Only for Juniper & Pine" });
  const other = await otherAccount();
  assert.deepEqual(await list(other.key), [], "nothing of the demo team's");
  const path = `/api/saved-replies/${ours.body.id}`;
  assert.equal((await call("PATCH", path, { token: other.key, json: { title: "Stolen" } })).status, 404);
  assert.equal((await call("DELETE", path, { token: other.key })).status, 404);
  assert.equal((await list()).find((r) => r.id === ours.body.id).title, "Ours", "unchanged");
  const theirs = await create({ shortcut: ours.body.shortcut, title: "Theirs", body: "Same shortcut, other team" }, other.key);
  assert.equal(theirs.status, 201, "shortcuts are unique per account, not globally");
  const conversation = await chat();
  assert.equal((await rendered(conversation.id, other.key)).status, 404, "not their conversation");
  assert.ok(!(await rendered(conversation.id)).body.saved_replies.some((r) => r.id === theirs.body.id));

  // The per-account limit: 200, checked in the same statement that inserts.
  const rows = Array.from({ length: 199 }, (_, i) => `('${unique("sr_")}', '${other.account}', 'bulk-${i}', 'Bulk', 'Bulk', 0, 0)`);
  await sql(`INSERT INTO saved_replies (id, account_id, shortcut, title, body, created_at, updated_at) VALUES ${rows.join(", ")};`);
  const full = await create({ shortcut: "one-more", title: "One more", body: "x" }, other.key);
  assert.deepEqual([full.status, full.body.error.code], [409, "saved_replies_full"]);
  assert.equal((await list(other.key)).length, 200);
});

test("the worker fills a reply in for the conversation's contact, with fallbacks where a value is missing", async () => {
  const shortcut = unique("greet-");
  const body = "Hi {contact.first_name|there} {contact.last_name}, {agent.first_name} from {site.name} here. Company: {contact.company|not given}.";
  assert.equal((await create({ shortcut, title: "Greeting", body })).status, 201);
  const known = await chat(undefined, { email: `mia+${unique("")}@example.org`, full_name: "Mia van Chen" });
  const forKnown = await rendered(known.id);
  assert.equal(forKnown.status, 200);
  assert.equal(forKnown.body.conversation_id, known.id);
  const reply = forKnown.body.saved_replies.find((r) => r.shortcut === shortcut);
  assert.equal(reply.text, "Hi Mia van Chen, Robin from Juniper & Pine here. Company: not given.");
  assert.deepEqual(Object.keys(reply).sort(), ["id", "shortcut", "text", "title"], "only what the picker shows and inserts");

  const anonymous = await chat();
  const forAnonymous = (await rendered(anonymous.id, AGENT_KEY)).body.saved_replies.find((r) => r.shortcut === shortcut);
  assert.equal(forAnonymous.text, "Hi there , Kit from Juniper & Pine here. Company: not given.", "fallbacks, and the agent asking");
  assert.equal((await rendered("c_nope")).status, 404);
});

test("typing / in the composer picks a saved reply, filtered as the agent types, with placeholders filled in", async () => {
  const tag = unique("").toLowerCase();
  const wanted = await create({ shortcut: `thanks-${tag}`, title: `Thank you ${tag}`, body: "Hi {contact.first_name|there}, thanks for waiting! {agent.first_name}" });
  await create({ shortcut: `shipping-${tag}`, title: `Shipping times ${tag}`, body: "Orders ship in 2 days." });
  assert.equal(wanted.status, 201);
  const known = await chat(unique("Where is my tea? "), { email: `ana+${tag}@example.org`, full_name: "Ana Lima" });
  const anonymous = await chat(unique("Anyone there? "));

  const page = await signInToInbox(await browser.newContext());
  await page.locator("#list button", { hasText: "Ana Lima" }).first().click();
  await page.locator("#messages .msg", { hasText: known.text }).waitFor();
  await page.click("#reply-body");
  await page.keyboard.type(`/thanks-${tag.slice(0, 4)}`);
  const options = page.locator("#reply-picker [role=option]");
  await page.locator("#reply-picker [role=option]", { hasText: `/thanks-${tag}` }).waitFor();
  assert.equal(await options.count(), 1, "filtered by the shortcut typed");
  await page.keyboard.press("Escape");
  await page.locator("#reply-picker").waitFor({ state: "hidden" });
  assert.equal(await page.inputValue("#reply-body"), `/thanks-${tag.slice(0, 4)}`, "escape leaves the text as typed");

  await page.fill("#reply-body", "");
  await page.keyboard.type(`/${tag}`); // both replies match (their shortcuts hold the tag)
  await page.locator("#reply-picker [role=option]", { hasText: `/shipping-${tag}` }).waitFor();
  assert.equal(await options.count(), 2);
  await page.keyboard.press("ArrowDown"); // the first (shipping, by shortcut order) is active; down moves to thanks
  assert.match(await page.locator("#reply-picker [aria-selected=true]").textContent(), new RegExp(`/thanks-${tag}`));
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await page.locator("#reply-picker").waitFor({ state: "hidden" });
  assert.equal(await page.inputValue("#reply-body"), "Hi Ana, thanks for waiting! Robin");

  // Another conversation: matched by the title's words, chosen with a click, the fallback used.
  await page.locator("#list button", { hasText: anonymous.text }).click();
  await page.locator("#messages .msg", { hasText: anonymous.text }).waitFor();
  await page.fill("#reply-body", "Sure. ");
  await page.focus("#reply-body");
  await page.keyboard.press("End");
  await page.keyboard.type(`/thank you ${tag}`);
  await page.locator("#reply-picker [role=option]", { hasText: `Thank you ${tag}` }).click();
  assert.equal(await page.inputValue("#reply-body"), "Sure. Hi there, thanks for waiting! Robin");
  await page.click("#composer button[type=submit]");
  await page.locator("#messages .msg.outbound", { hasText: "Hi there, thanks for waiting! Robin" }).waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("agents manage the team's saved replies in the inbox", async () => {
  const tag = unique("").toLowerCase();
  const page = await signInToInbox(await browser.newContext(), "admin@juniperandpine.example");
  await page.click("#to-replies");
  await page.locator("#replies").waitFor();
  await page.fill("#sr-shortcut", `hours-${tag}`);
  await page.fill("#sr-title", "Opening hours");
  await page.fill("#sr-body", "Hi {contact.first_name|there}, we are open 9 to 5.");
  await page.click("#sr-form button[type=submit]");
  const row = page.locator("#sr-list li", { hasText: `/hours-${tag}` });
  await row.waitFor();
  assert.ok((await list()).some((r) => r.shortcut === `hours-${tag}` && r.title === "Opening hours"));

  await page.fill("#sr-shortcut", `hours-${tag}`);
  await page.fill("#sr-title", "Duplicate");
  await page.fill("#sr-body", "x");
  await page.click("#sr-form button[type=submit]");
  await page.locator("#sr-error", { hasText: "already uses this shortcut" }).waitFor();

  await row.locator("button", { hasText: "Edit" }).click();
  assert.equal(await page.inputValue("#sr-title"), "Opening hours");
  await page.fill("#sr-title", "Opening hours (weekdays)");
  await page.click("#sr-form button[type=submit]");
  await page.locator("#sr-list li", { hasText: "Opening hours (weekdays)" }).waitFor();
  page.once("dialog", (d) => d.accept());
  await page.locator("#sr-list li", { hasText: `/hours-${tag}` }).locator("button", { hasText: "Delete" }).click();
  await page.locator("#sr-list li", { hasText: `/hours-${tag}` }).waitFor({ state: "detached" });
  assert.ok(!(await list()).some((r) => r.shortcut === `hours-${tag}`));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
