// The Settings page in real Chromium, as a site owner uses it: the chatbot's
// Form step of the chatbot's flow edited without SQL reaches a fresh visitor's widget.
import { test } from "node:test";
import assert from "node:assert/strict";
import { call, KEY, signInToInbox, browserAndHostPages } from "./helpers.mjs";

const pages = browserAndHostPages();

async function settingsAsAdmin() {
  const page = await signInToInbox(await pages.browser.newContext());
  await page.click("#to-settings");
  await page.locator("#settings").waitFor();
  return page;
}

test("the admin makes Account not asked and Phone required in the flow's Form step and saves; a fresh visitor is asked exactly that", async () => {
  const before = (await call("GET", "/api/widget/sites/s_bot/config")).body.form;
  assert.deepEqual(before, { phone: "optional", company: "optional", full_name: "hidden" });

  const admin = await settingsAsAdmin();
  await admin.selectOption("#s-site", "s_bot");
  await admin.locator("#settings[data-site=s_bot]").waitFor();
  // The chatbot is a flow now: the Form is its step "form" (the blocks' flow until one is saved).
  await admin.selectOption("#fs-form-company", "hidden");
  await admin.selectOption("#fs-form-phone", "required");
  await admin.click("#bot-form button[type=submit]");
  await admin.locator("#bot-saved", { hasText: /Saved: version \d+ is live/ }).waitFor();
  assert.equal(await admin.locator("#fs-form-company").inputValue(), "hidden", "the saved flow is shown back");
  await admin.context().close();

  const visitor = await (await pages.browser.newContext()).newPage();
  await visitor.goto(pages.hosts.page("s_bot"));
  await visitor.locator(".launcher").click();
  await visitor.locator("#parley-input").fill("Do you ship to Oslo?");
  await visitor.keyboard.press("Enter");
  await visitor.locator(".form-step").waitFor();
  const labels = await visitor.locator(".form-step label").evaluateAll((ls) => ls.map((l) => l.textContent));
  assert.deepEqual(labels, ["Email", "Phone"], "email and phone, never account");
  const required = await visitor.locator(".form-step input[aria-required=true]").evaluateAll((is) => is.map((i) => i.name));
  assert.deepEqual(required, ["email", "phone"]);
  await visitor.context().close();

  const { flow } = (await call("GET", "/api/sites/s_bot/flow", { token: KEY })).body;
  assert.deepEqual(flow.steps.find((s) => s.type === "form"), { type: "form", id: "form", phone: "required", company: "hidden", full_name: "hidden" });
});

test("a colour white text cannot be read on is refused in Settings with the rule", async () => {
  const admin = await settingsAsAdmin();
  await admin.selectOption("#s-site", "s_bot");
  await admin.locator("#settings[data-site=s_bot]").waitFor();
  await admin.locator("#w-color").fill("#ffdd55");
  await admin.click("#widget-form button[type=submit]");
  await admin.locator("#w-error", { hasText: "WCAG AA" }).waitFor();
  assert.notEqual((await call("GET", "/api/widget/sites/s_bot/config")).body.color, "#ffdd55");
  await admin.context().close();
});

test("a visitor outside the site's business hours sees its offline message under the greeting", async () => {
  const site = (await call("POST", "/api/sites", { token: KEY, json: { name: "Closed shop" } })).body.id;
  const blocks = [
    { type: "greeting", text: "Hello from the closed shop." },
    { type: "form", phone: "hidden", company: "hidden", full_name: "hidden" },
    { type: "offline", text: "We are closed today; leave your email and we will write back.", hours: Array(7).fill(null), time_zone: "Europe/Paris" },
  ];
  assert.equal((await call("PUT", `/api/sites/${site}/chatbot`, { token: KEY, json: { blocks } })).status, 200);
  const visitor = await (await pages.browser.newContext()).newPage();
  await visitor.goto(pages.hosts.page(site));
  await visitor.locator(".launcher").click();
  const bot = visitor.locator("li[data-author=bot]");
  await bot.nth(1).waitFor();
  assert.deepEqual(await bot.locator(".body").allTextContents(), [blocks[0].text, blocks[2].text]);
  await visitor.context().close();
});

test("the admin sets business hours and the offline message in Settings", async () => {
  const site = (await call("POST", "/api/sites", { token: KEY, json: { name: "Hours by hand" } })).body.id;
  const admin = await settingsAsAdmin();
  await admin.selectOption("#s-site", site);
  await admin.locator(`#settings[data-site=${site}]`).waitFor();
  await admin.check("#bot-offline-on");
  await admin.fill("#bot-offline-text", "Closed for the holidays.");
  await admin.fill("#bot-offline-fr", "Fermé pour les fêtes.");
  await admin.fill("#bot-greeting-fr", "Bonjour des fêtes !");
  await admin.fill("#bot-offline-zone", "Europe/Paris");
  await admin.fill("#bot-hours input[aria-label='Monday opens']", "08:30");
  await admin.fill("#bot-hours input[aria-label='Monday closes']", "12:00");
  await admin.check("#bot-hours input[aria-label='Tuesday closed']");
  await admin.click("#bot-form button[type=submit]");
  await admin.locator("#bot-saved", { hasText: "Saved: version 1 is live." }).waitFor();
  const { flow } = (await call("GET", `/api/sites/${site}/flow`, { token: KEY })).body;
  const offline = flow.offline;
  assert.equal(offline.message.text, "Closed for the holidays.");
  assert.deepEqual(offline.message.translations, { fr: "Fermé pour les fêtes." });
  assert.deepEqual(flow.greeting.translations, { fr: "Bonjour des fêtes !" });
  assert.equal(offline.time_zone, "Europe/Paris");
  assert.deepEqual(offline.hours.slice(0, 3), [{ open: 510, close: 720 }, null, { open: 540, close: 1020 }], "Monday as typed, Tuesday closed, Wednesday the default 9 to 5");

  await admin.fill("#bot-offline-zone", "Nowhere/Special");
  await admin.click("#bot-form button[type=submit]");
  await admin.locator("#bot-error", { hasText: "IANA time zone" }).waitFor();
  await admin.context().close();
});

test("the admin sets the account's time zone by keyboard in Settings; a zone Intl does not know is a 400 with nothing written", async () => {
  const admin = await settingsAsAdmin();
  const select = admin.locator("#a-time-zone");
  await admin.locator("#a-time-zone option[value='Europe/Paris']").waitFor({ state: "attached" });
  assert.equal(await select.inputValue(), "UTC", "the account starts in UTC");
  await select.focus();
  await admin.keyboard.type("Europe/Paris");
  assert.equal(await select.inputValue(), "Europe/Paris", "typing picks the zone");
  await admin.keyboard.press("Tab");
  assert.equal(await admin.evaluate(() => document.activeElement?.textContent), "Save time zone");
  await admin.keyboard.press("Enter");
  await admin.locator("#a-saved", { hasText: "Saved" }).waitFor();
  assert.deepEqual((await call("GET", "/api/account/time-zone", { token: KEY })).body, { time_zone: "Europe/Paris" });

  const refused = await call("PUT", "/api/account/time-zone", { token: KEY, json: { time_zone: "Nowhere/Special" } });
  assert.equal(refused.status, 400);
  assert.equal(refused.body.error.code, "time_zone_invalid");
  assert.deepEqual((await call("GET", "/api/account/time-zone", { token: KEY })).body, { time_zone: "Europe/Paris" }, "nothing written");
  assert.equal((await call("PUT", "/api/account/time-zone", { token: KEY, json: { time_zone: "UTC" } })).status, 200, "back to UTC for the other suites");
  await admin.context().close();
});

test("the live preview runs the real widget with unsaved settings", async () => {
  const admin = await settingsAsAdmin();
  await admin.selectOption("#s-site", "s_form_c");
  await admin.locator("#settings[data-site=s_form_c]").waitFor();
  await admin.fill("#w-color", "#33503f");
  await admin.selectOption("#w-position", "left");
  await admin.fill("#bot-greeting", "Unsaved greeting for the preview");
  const preview = admin.frameLocator("#w-preview");
  const greeting = preview.locator("li[data-author=bot] .body", { hasText: "Unsaved greeting for the preview" });
  await greeting.waitFor();
  const launcher = preview.locator(".launcher");
  assert.equal(await launcher.evaluate((b) => getComputedStyle(b).backgroundColor), "rgb(51, 80, 63)", "the unsaved accent");
  assert.match(await launcher.getAttribute("class"), /\bleft\b/);
  const saved = (await call("GET", "/api/widget/sites/s_form_c/config")).body;
  assert.notEqual(saved.greeting, "Unsaved greeting for the preview", "nothing was saved");
  await admin.context().close();
});
