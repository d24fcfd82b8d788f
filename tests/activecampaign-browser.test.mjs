// Everything an admin or an agent sees of the ActiveCampaign connector, in
// real Chromium against the real worker and the fake ActiveCampaign
// (tests/fake-activecampaign.mjs): Settings › Integrations › ActiveCampaign
// connected by keyboard alone (a refused key is said, nothing stored; the key
// is never shown back), the field mapping from the fake's custom fields, a
// connection paused by a refused key (its reason, what waits, the log) and
// resumed by a new key typed there, a
// site's tags and note, the flow step's picker storing an ActiveCampaign
// automation, the contact panel's card (the fake's tags, lists and deals; not
// connected; not found) and the erase dialog saying where the contact also
// lives. axe finds nothing in each new view. Pictures of Settings and of the
// contact panel go to tests/artifacts/ (the ones in docs/ come from here).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { KEY, call, unique, eventually, launchChromium, signInToInbox, listItem, newVisitor, sendChat, form, sql, settled } from "./helpers.mjs";
import { axeViolations } from "./axe.mjs";
import { acCalls, acFail, acSeed } from "./fake-activecampaign.mjs";

const AC = process.env.PARLEY_AC_URL;
const browser = await launchChromium();
after(async () => {
  await call("DELETE", "/api/integrations/activecampaign", { token: KEY }); // the other suites find the account as it was
  await browser.close();
});

const shot = (name) => join(process.cwd(), `tests/artifacts/${name}.png`);

/** Tabs until `selector` has the focus (fails after `max` presses). */
async function tabTo(page, selector, max = 80) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press("Tab");
  }
  assert.fail(`${selector} is not reached by Tab`);
}

/**
 * Chooses `site` in Settings' picker and waits until every part has loaded it
 * (a site named "AC…" lists first, so the page may have loaded it already
 * before the choice: the choice loads it again, and that load must not land
 * over an edit the test begins).
 */
async function chooseSite(page, site) {
  await page.locator("#s-site").selectOption(site);
  await page.locator(`#settings[data-site=${site}]`).waitFor();
  await settled(page);
}

/** Connects the demo account to the fake with `key` through the API (the UI's own test is the first one). */
async function connect(key, extra = {}) {
  const res = await call("PUT", "/api/integrations/activecampaign", { token: KEY, json: { api_url: AC, api_key: key, push_unverified: false, field_map: [], ...extra } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

/** Settings, as the primary admin, once the ActiveCampaign section has drawn its state. */
async function settings() {
  const page = await signInToInbox(await browser.newContext({ bypassCSP: true })); // axe is injected as a script
  await page.click("#to-settings");
  await page.locator("#settings[data-crm]").waitFor({ state: "attached" });
  return page;
}

test("the admin connects ActiveCampaign by keyboard: a refused key is said and nothing is stored; the right one connects and is never shown back", async () => {
  await call("DELETE", "/api/integrations/activecampaign", { token: KEY });
  const page = await settings();
  assert.equal(await page.locator("#ac-state").textContent(), "Not connected.");
  assert.deepEqual(await axeViolations(page, "#ac"), [], "axe finds nothing in the section before connecting");

  await page.focus("#at-form button[type=submit]"); // the control just before the section
  await tabTo(page, "#ac-url", 3);
  await page.keyboard.type(AC);
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "ac-key");
  await page.keyboard.type(`bad-${unique()}`);
  await tabTo(page, "#ac-save");
  assert.equal(await page.locator("#ac-save").textContent(), "Connect");
  await page.keyboard.press("Enter");
  await page.locator("#ac-error", { hasText: "ActiveCampaign refused this API key" }).waitFor();
  assert.equal((await call("GET", "/api/integrations/activecampaign", { token: KEY })).body.connected, false, "nothing stored");

  const key = `ui-${unique()}`;
  await page.locator("#ac-key").focus();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type(key);
  await page.keyboard.press("Enter"); // submits the form
  await page.locator("#ac-saved", { hasText: "Connected" }).waitFor();
  assert.match(await page.locator("#ac-state").textContent(), new RegExp(`Connected to ${AC.replace(/[.]/g, "\\.")}`));
  assert.equal(await page.locator("#ac-key").inputValue(), "", "the key field is never filled");
  assert.ok(!(await page.content()).includes(key), "the key is nowhere on the page");
  assert.equal(await page.locator("#ac-disconnect").isVisible(), true);
  await page.locator("#ac-calls-rows tr").first().waitFor();
  const checks = (await acCalls(key)).filter((c) => c.path === "/api/3/users/me");
  assert.equal(checks.length, 1, "one live check of the right key");
  assert.deepEqual(await axeViolations(page, "#ac"), [], "axe finds nothing once connected (mapping, log)");

  // Disconnect, by keyboard: confirmed, the key erased.
  page.once("dialog", (d) => d.accept());
  await page.locator("#ac-disconnect").focus();
  await page.keyboard.press("Enter");
  await page.locator("#ac-state", { hasText: "Not connected." }).waitFor();
  assert.equal((await call("GET", "/api/integrations/activecampaign", { token: KEY })).body.connected, false);
  await page.context().close();
});

test("the field mapping offers ActiveCampaign's custom fields for company and each contact attribute, and saves them", async () => {
  const key = `map-${unique()}`;
  await connect(key);
  const attribute = unique("plan_").toLowerCase();
  assert.equal((await call("POST", "/api/attributes", { token: KEY, json: { key: attribute, name: "Plan", kind: "text" } })).status, 201);
  const fields = (await call("GET", "/api/integrations/activecampaign/fields", { token: KEY })).body;
  assert.ok(fields.length >= 2, "the fake has custom fields");
  const page = await settings();
  await page.locator(`#ac-map-${attribute}`).waitFor();
  const offered = await page.locator("#ac-map-company option").evaluateAll((os) => os.map((o) => o.textContent));
  assert.deepEqual(offered, ["Not sent", ...fields.map((f) => f.title)]);
  await page.locator("#ac-map-company").selectOption(fields[0].id);
  await page.locator(`#ac-map-${attribute}`).selectOption(fields[1].id);
  await page.locator("#ac-save").click();
  await page.locator("#ac-saved", { hasText: "Saved." }).waitFor();
  const saved = (await call("GET", "/api/integrations/activecampaign", { token: KEY })).body;
  assert.deepEqual(saved.field_map.map((m) => [m.attribute, m.field_id]).sort(), [["company", fields[0].id], [attribute, fields[1].id]].sort());
  assert.deepEqual((await acCalls(key)).filter((c) => c.path === "/api/3/users/me").length, 2, "the save checked the stored key again");
  await page.locator("#ac-calls-rows tr", { hasText: "/api/3/fields" }).first().waitFor();
  await page.locator("#ac").screenshot({ path: shot("activecampaign-settings") });
  await page.context().close();
  await call("DELETE", `/api/attributes/${attribute}`, { token: KEY });
});

test("a refused key pauses the connection: Settings says so, why and how to resume, with the calls waiting; a new key typed there resumes it", async () => {
  const key = `pause-${unique()}`;
  await connect(key);
  const site = (await call("POST", "/api/sites", { token: KEY, json: { name: unique("Paused shop ") } })).body.id;
  assert.equal((await call("PUT", `/api/sites/${site}/activecampaign`, { token: KEY, json: { enabled: true, tags: { chat: [], email: [], messenger: [] }, note: false } })).status, 200);
  await acFail({ key, method: "POST", path: "/api/3/contact/sync", status: 401, times: 1000 });
  // An agent's "click to add" on the site's chat (a verified source) makes a sync job; ActiveCampaign refuses the key.
  const token = await newVisitor(site);
  const sent = await sendChat(token, unique("pause-words-"));
  const email = `${unique("paused")}@example.org`;
  assert.ok((await call("POST", `/api/conversations/${sent.body.message.conversation_id}/contact`, { token: KEY, json: { email } })).status < 300);
  await eventually(async () => (await call("GET", "/api/integrations/activecampaign", { token: KEY })).body.state === "paused", { what: "the connection paused" });

  const page = await settings();
  await page.locator("#ac-state", { hasText: "Paused. ActiveCampaign refused the API key" }).waitFor();
  assert.match(await page.locator("#ac-state").textContent(), /To resume, paste a new API key/);
  assert.equal(await page.locator("#ac-pending").textContent(), "1 contact's update is waiting to be sent.");
  assert.match(await page.locator("#ac-calls-rows tr", { hasText: "contact/sync" }).first().textContent(), /sync: POST \/api\/3\/contact\/sync.*paused · HTTP 401/);
  assert.deepEqual(await axeViolations(page, "#ac"), [], "axe finds nothing in the paused state");

  // By keyboard: the new key, Enter; the connection resumes and the waiting call goes.
  const fresh = `pause-new-${unique()}`;
  await page.locator("#ac-key").focus();
  await page.keyboard.type(fresh);
  await page.keyboard.press("Enter");
  await page.locator("#ac-saved", { hasText: "Saved." }).waitFor();
  assert.match(await page.locator("#ac-state").textContent(), /Active: calls are sent as they come\./);
  await eventually(async () => {
    await page.locator("#ac-calls-reload").click();
    return (await page.locator("#ac-pending").textContent()) === "Nothing is waiting to be sent.";
  }, { what: "the waiting call sent under the new key", timeout: 20_000 });
  assert.deepEqual((await acCalls(fresh)).filter((c) => c.path === "/api/3/contact/sync").map((c) => c.body.contact.email), [email]);
  await page.context().close();
});

test("a site's ActiveCampaign part: on, tags per channel, the note; saved and shown back; a refusal is said", async () => {
  await connect(`site-${unique()}`);
  const site = (await call("POST", "/api/sites", { token: KEY, json: { name: unique("AC shop ") } })).body.id;
  const page = await settings();
  await chooseSite(page, site);
  assert.equal(await page.locator("#acs-form").getAttribute("data-site"), site);
  await page.locator("#acs-enabled").focus();
  await page.keyboard.press("Space");
  await page.locator("#acs-chat").fill("parley-chat, vip");
  await page.locator("#acs-email").fill("parley-email");
  await page.locator("#acs-note").focus();
  await page.keyboard.press("Space");
  assert.equal(await page.locator("#acs-note").isChecked(), true);
  await page.locator("#acs-form button[type=submit]").click();
  await page.locator("#acs-saved", { hasText: "Saved." }).waitFor();
  assert.deepEqual((await call("GET", `/api/sites/${site}/activecampaign`, { token: KEY })).body,
    { enabled: true, tags: { chat: ["parley-chat", "vip"], email: ["parley-email"], messenger: [] }, note: true });
  assert.deepEqual(await axeViolations(page, "#acs-form"), []);

  await page.locator("#acs-messenger").fill("x".repeat(81));
  await page.locator("#acs-form button[type=submit]").click();
  await page.locator("#acs-error", { hasText: "Tags are 1 to 80 characters" }).waitFor();
  assert.deepEqual((await call("GET", `/api/sites/${site}/activecampaign`, { token: KEY })).body.tags.messenger, [], "nothing written");
  await page.context().close();
});

test("the flow's Enter an automation step picks an ActiveCampaign automation (listed live) and stores target activecampaign", async () => {
  await connect(`flow-${unique()}`);
  const automations = (await call("GET", "/api/integrations/activecampaign/automations", { token: KEY })).body;
  assert.ok(automations.length >= 1, "the fake has automations");
  const site = (await call("POST", "/api/sites", { token: KEY, json: { name: unique("AC flow ") } })).body.id;
  const page = await settings();
  await chooseSite(page, site);
  await page.locator("#flow-add-kind").selectOption("enter_automation");
  await page.locator("#flow-add").click();
  // By keyboard: the arrow picks ActiveCampaign (the step is redrawn, the focus kept), Tab, the arrow picks the last automation.
  await page.locator("#fs-automation-1-target").focus();
  await page.keyboard.press("ArrowDown");
  await page.locator("#fs-automation-1-target:focus").waitFor();
  assert.equal(await page.locator("#fs-automation-1-target").inputValue(), "activecampaign");
  const offered = await page.locator("#fs-automation-1-automation option").evaluateAll((os) => os.map((o) => o.value));
  assert.deepEqual(offered, automations.map((a) => a.id), "the account's ActiveCampaign automations, as listed live");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "fs-automation-1-automation");
  for (let i = 1; i < automations.length; i++) await page.keyboard.press("ArrowDown");
  assert.equal(await page.locator("#fs-automation-1-automation").inputValue(), automations.at(-1).id);
  assert.deepEqual(await axeViolations(page, "#flow-editor"), []);
  await page.click("#bot-form button[type=submit]");
  await page.locator("#bot-saved", { hasText: /Saved: version \d+ is live/ }).waitFor();
  const { flow } = (await call("GET", `/api/sites/${site}/flow`, { token: KEY })).body;
  assert.deepEqual(flow.steps.find((s) => s.id === "automation-1"),
    { type: "enter_automation", id: "automation-1", automation_id: automations.at(-1).id, target: "activecampaign" });
  await page.context().close();
});

test("not connected: the picker offers Parley webhooks only", async () => {
  await call("DELETE", "/api/integrations/activecampaign", { token: KEY });
  const site = (await call("POST", "/api/sites", { token: KEY, json: { name: unique("No AC ") } })).body.id;
  const page = await settings();
  await chooseSite(page, site);
  await page.locator("#flow-add-kind").selectOption("enter_automation");
  await page.locator("#flow-add").click();
  await page.locator("#fs-automation-1-automation").waitFor();
  assert.equal(await page.locator("#fs-automation-1-target").count(), 0, "no choice of target");
  await page.context().close();
});

/** A visitor of the demo shop who wrote `body` and typed `email` in the Form (an unverified claim: never pushed). */
async function claimed(email, body) {
  const token = await newVisitor();
  assert.equal((await sendChat(token, body)).status, 201);
  assert.ok((await form(token, { email })).status < 300);
}

test("the contact panel's card shows the ActiveCampaign contact's tags, lists and deals with the link; the erase dialog says it also lives there", async () => {
  const key = `card-${unique()}`;
  await connect(key);
  const email = `${unique("card")}@example.org`;
  const words = unique("card-words-");
  await claimed(email, words);
  const seeded = await acSeed(key, { email, tags: ["vip", "wholesale"], lists: [{ name: "Newsletter", status: 1 }, { name: "Launch news", status: 2 }],
    deals: [{ title: "Wholesale tea", stage: "Qualified", value: 125000, currency: "eur" }] });
  const synced = seeded.contact_id;
  // The contact as the sync pipeline records one it pushed (crm_contacts): what makes the erase dialog speak of ActiveCampaign.
  const contact = (await sql(`SELECT id FROM contacts WHERE email = '${email}'`))[0].id;
  await sql(`INSERT INTO crm_contacts (contact_id, account_id, crm_contact_id, synced_at) VALUES ('${contact}', 'a_demo', '${synced}', 0)`);
  assert.equal((await call("GET", `/api/contacts/${contact}`, { token: KEY })).body.crm_contact_id, synced);

  // Tall enough for the whole panel in the picture.
  const page = await signInToInbox(await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 1100 } }));
  await listItem(page, words).click();
  const card = page.locator("#crm-card[data-state=found]");
  await card.waitFor();
  assert.deepEqual(await page.locator("#crm-tags li").allTextContents(), ["vip", "wholesale"]);
  assert.deepEqual(await page.locator("#crm-lists li").allTextContents(), ["Newsletter · active", "Launch news · unsubscribed"]);
  const deal = await page.locator("#crm-deals li").allTextContents();
  assert.equal(deal.length, 1);
  assert.match(deal[0], /^Wholesale tea · Qualified · €1,250\.00$/);
  assert.equal(await page.locator("#crm-open").getAttribute("href"), `${AC}/app/contacts/${synced}`);
  assert.equal(await page.locator("#crm-open").getAttribute("target"), "_blank");
  assert.deepEqual(await axeViolations(page, "#profile"), [], "axe finds nothing in the panel with the card");
  await page.locator("#profile").screenshot({ path: shot("activecampaign-contact") });

  // The erase dialog, by keyboard: it says the contact also lives in ActiveCampaign, with the link; Escape keeps everything.
  await tabTo(page, "#erase-contact");
  await page.keyboard.press("Enter");
  const dialog = page.locator("#erase-dialog");
  await dialog.locator("#erase-crm-link").waitFor();
  assert.match(await dialog.locator("#erase-crm").textContent(), /also lives in ActiveCampaign\. Erasing it here does not delete it there/);
  assert.equal(await dialog.locator("#erase-crm-link").getAttribute("href"), `${AC}/app/contacts/${synced}`);
  assert.deepEqual(await axeViolations(page, "#erase-dialog"), []);
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  assert.equal(await page.evaluate(() => document.activeElement?.id), "erase-contact", "the focus is back on the button");
  assert.equal((await call("GET", `/api/contacts/${contact}`, { token: KEY })).status, 200, "nothing erased");

  // Erase for good: Enter on the button, Tab past Cancel to Erase.
  await page.keyboard.press("Enter");
  await dialog.locator("#erase-crm-link").waitFor();
  await tabTo(page, "#erase-dialog button.danger");
  await page.keyboard.press("Enter");
  await page.locator("#erased", { hasText: "was erased from Parley" }).waitFor();
  await page.locator("#thread", { hasText: "This conversation was erased with its contact." }).waitFor();
  await listItem(page, words).waitFor({ state: "detached" });
  assert.equal((await call("GET", `/api/contacts/${contact}`, { token: KEY })).status, 404);
  assert.equal((await acCalls(key)).filter((c) => c.method === "DELETE").length, 0, "nothing deleted in ActiveCampaign");
  await page.context().close();
});


test("the card says plainly when ActiveCampaign is not connected, when it has no such contact, and when it is busy", async () => {
  await call("DELETE", "/api/integrations/activecampaign", { token: KEY });
  const words = unique("off-words-");
  await claimed(`${unique("off")}@example.org`, words);
  const page = await signInToInbox(await browser.newContext());
  await listItem(page, words).click();
  await page.locator("#crm-card[data-state=off]", { hasText: "not connected" }).waitFor();

  // Connected; the Form's email was a claim nobody verified, so it was never pushed: ActiveCampaign has no such contact.
  const key = `none-${unique()}`;
  await connect(key);
  await page.locator("#crm-card").waitFor();
  await page.reload();
  await page.locator("#inbox").waitFor();
  await listItem(page, words).click();
  await page.locator("#crm-card[data-state=not_found]", { hasText: "No ActiveCampaign contact has this email" }).waitFor();

  // Busy: ActiveCampaign answers 429 to the look-up; "Try again" reads it anew.
  const busyWords = unique("busy-words-");
  await claimed(`${unique("busy")}@example.org`, busyWords);
  await acFail({ method: "GET", path: "/api/3/contacts", status: 429, times: 1, retry_after: 1, key });
  await listItem(page, busyWords).click();
  await page.locator("#crm-card[data-state=busy]", { hasText: "busy" }).waitFor();
  await page.locator("#crm-card-retry").focus();
  await page.keyboard.press("Enter");
  await page.locator("#crm-card[data-state=not_found]").waitFor();
  await page.context().close();
});
