// The widget's visitor features in real Chromium, on host pages of another
// origin that paste the snippet: the Form step in each configuration,
// identify(), agent replies arriving live, host-page events, reset(), keyboard use.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  call, agentGet, unique, KEY, browserAndHostPages, sendFromWidget, visit, visitorToken, conversationId, threadLoaded,
} from "./helpers.mjs";
import { inboxSocket } from "./sockets.mjs";

const pages = browserAndHostPages();

async function openAndSay(page, text) {
  await page.locator(".launcher").click();
  await sendFromWidget(page, text);
}

/** A fresh visitor on a host page of `site` that runs `script` after the snippet. */
const visitHost = (site, script) => visit(pages.browser, pages.hosts.page(site, script));
const labels = (page) => page.locator(".form-step label").evaluateAll((ls) => ls.map((l) => l.textContent));

test("the Form step asks each site's fields after the first message", async () => {
  // While nobody is online the Form comes first (widget-live.test.mjs): an inbox tab keeps the team online.
  const team = await inboxSocket({ key: KEY });
  await team.next((p) => p.type === "team");
  const expected = {
    s_demo: ["Email"],
    s_form_a: ["Email", "Company (optional)", "Full name"],
    s_form_b: ["Email", "Phone (optional)", "Company"],
    s_form_c: ["Email", "Phone", "Full name (optional)"],
  };
  for (const [site, fields] of Object.entries(expected)) {
    const page = await visitHost(site);
    // Listening from the socket's creation: its first frame may come before a later listener.
    const presence = new Promise((resolve) => page.on("websocket", (ws) => ws.on("framereceived", (f) => f.payload.includes('"presence"') && resolve())));
    await page.locator(".launcher").click();
    await presence;
    assert.equal(await page.locator(".form-step").count(), 0, "no form before the visitor writes");
    await page.locator(".launcher").click(); // closed again; openAndSay opens it
    await openAndSay(page, "hello");
    await page.locator(".form-step").waitFor();
    assert.deepEqual(await labels(page), fields, site);
    const required = await page.locator(".form-step input[aria-required=true]").evaluateAll((is) => is.map((i) => i.name));
    assert.deepEqual(required, fields.filter((f) => !f.includes("optional")).map((f) => ({ Email: "email", Phone: "phone", Company: "company", "Full name": "full_name" })[f]), site);
    assert.equal(await page.locator("#parley-f-email").evaluate((e) => getComputedStyle(e).fontSize), "16px");
    await page.context().close();
  }
  await team.close();
});

test("Form errors show beside their fields, typed text survives replies, and a valid answer creates the contact", async () => {
  const page = await visitHost("s_form_c"); // phone required, name optional
  await openAndSay(page, "I need a quote");
  const submit = page.locator(".form-submit");
  await submit.click();
  assert.equal(await page.locator("#parley-f-email-error").textContent(), "Please enter your email address.");
  assert.equal(await page.locator("#parley-f-phone-error").textContent(), "Please enter your phone number.");
  assert.equal(await page.locator("#parley-f-full_name-error").textContent(), "");
  assert.equal(await page.locator("#parley-f-email").getAttribute("aria-invalid"), "true");

  await page.fill("#parley-f-email", "grace@");
  await page.fill("#parley-f-phone", "020 7183 8750");
  await page.fill("#parley-f-full_name", "Grace Hopper");
  await submit.click();
  assert.match(await page.locator("#parley-f-email-error").textContent(), /valid email/);
  assert.match(await page.locator("#parley-f-phone-error").textContent(), /international form/);

  // An agent answers while the visitor is still typing: the thread re-renders, the typed text stays.
  const reply = await call("POST", `/api/conversations/${await conversationId(page, pages.hosts.origin)}/messages`, { token: KEY, json: { body: "Happy to help!" } });
  assert.equal(reply.status, 201);
  await page.locator("li.theirs", { hasText: "Happy to help!" }).waitFor();
  assert.deepEqual(
    [await page.inputValue("#parley-f-email"), await page.inputValue("#parley-f-phone"), await page.inputValue("#parley-f-full_name")],
    ["grace@", "020 7183 8750", "Grace Hopper"],
  );

  const address = `grace+${unique("")}@navy.example`;
  await page.fill("#parley-f-email", address);
  await page.fill("#parley-f-phone", "+1 202 555 0143");
  await submit.click();
  await page.locator(".form-slot", { hasText: "Thanks!" }).waitFor();
  assert.equal(await page.locator(".form-step").count(), 0);

  const conversation = (await agentGet(`/api/conversations/${await conversationId(page, pages.hosts.origin)}`)).conversation;
  const { contact } = await agentGet(`/api/contacts/${conversation.contact_id}`);
  assert.deepEqual([contact.email, contact.phone, contact.full_name, contact.marketing_opt_in], [address, "+12025550143", "Grace Hopper", false]);

  await page.reload();
  await page.locator(".launcher").click();
  await page.locator("li.mine", { hasText: "I need a quote" }).waitFor();
  await threadLoaded(page);
  assert.equal(await page.locator(".form-step").count(), 0, "an answered form is not asked again");
  assert.deepEqual(page.logged, []);
  await page.context().close();
});

test("identify() queued before the widget loads skips what it already says", async () => {
  const address = `ada+${unique("")}@example.com`;
  const page = await visitHost("s_form_a", `Parley.identify({ email: ${JSON.stringify(address)}, name: "Ada Lovelace" });`);
  let creations = 0;
  // A slow network: the visitor's creation is held until the panel is open
  // and the message is on screen, so opening and sending overlap it.
  let release;
  const held = new Promise((r) => (release = r));
  await page.route("**/visitors", async (route) => {
    creations++;
    await held;
    await route.continue();
  });
  await page.locator(".launcher").click();
  await page.locator("#parley-input").fill("identified visitor here");
  await page.keyboard.press("Enter");
  const line = page.locator("li.mine", { hasText: "identified visitor here" });
  await line.waitFor();
  release();
  await line.locator(".meta").filter({ hasText: /\d{1,2}:\d{2}/ }).waitFor();
  assert.equal(creations, 1, "one visitor, however fast the visitor types");
  await page.locator(".form-step").waitFor();
  assert.deepEqual(await labels(page), ["Company (optional)"], "neither email nor name is asked again");
  const conversation = (await agentGet(`/api/conversations/${await conversationId(page, pages.hosts.origin)}`)).conversation;
  assert.equal(conversation.contact_email, address);
  assert.equal(conversation.contact_name, "Ada Lovelace");
  await page.context().close();
});

test("agent replies reach the open widget without a reload, and the host page hears of them", async () => {
  const page = await visitHost("s_demo", `
    window.heard = [];
    Parley.on("ready", () => heard.push("ready"));
    Parley.on("open", () => heard.push("open"));
    Parley.on("message", (m) => heard.push("message:" + m.author + ":" + m.author_name + ":" + m.body));`);
  // The widget's first thread load after its first message is history, not news (never announced): the
  // agent replies once it has been answered, or a fast reply lands in that history and the host hears nothing.
  const firstLoad = page.waitForResponse((r) => r.request().method() === "GET" && new URL(r.url()).pathname === "/api/widget/conversation");
  await openAndSay(page, "hello?");
  await firstLoad;
  const body = unique("We're here — ");
  await call("POST", `/api/conversations/${await conversationId(page, pages.hosts.origin)}/messages`, { token: KEY, json: { body } });
  const reply = page.locator("li.theirs", { hasText: body });
  await reply.waitFor({ timeout: 10_000 });
  assert.match(await reply.textContent(), /Robin Ash/);
  await page.waitForFunction((b) => window.heard.some((h) => h.endsWith(b)), body);
  const heard = await page.evaluate(() => window.heard);
  assert.deepEqual(heard.slice(0, 2), ["ready", "open"]);
  assert.deepEqual(heard.filter((h) => h.startsWith("message:")), [`message:agent:Robin Ash:${body}`]);
  await page.context().close();
});

test("reset() forgets the visitor on this browser", async () => {
  const page = await visitHost("s_demo");
  await openAndSay(page, "before reset");
  const first = await visitorToken(page, pages.hosts.origin);
  await page.evaluate(() => Parley.reset());
  assert.equal(await visitorToken(page, pages.hosts.origin), undefined, "the cookie is gone");
  assert.equal(await page.locator("li.mine").count(), 0, "the thread is cleared");
  await sendFromWidget(page, "after reset");
  const second = await visitorToken(page, pages.hosts.origin);
  assert.ok(second && second !== first, "a new visitor");
  const seen = await call("GET", "/api/widget/conversation", { token: second });
  assert.deepEqual(seen.body.messages.map((m) => m.body), ["after reset"]);
  await page.context().close();
});

test("the widget works from the keyboard alone", async () => {
  const page = await visitHost("s_demo");
  await page.locator(".launcher").waitFor();
  await page.locator(".launcher").focus();
  await page.keyboard.press("Enter");
  await page.locator(".panel").waitFor();
  assert.equal(await page.evaluate(() => document.querySelector("parley-chat").shadowRoot.activeElement?.id), "parley-input");
  await page.keyboard.type("typed without a mouse");
  await page.keyboard.press("Enter");
  await page.locator("li.mine", { hasText: "typed without a mouse" }).waitFor();
  await page.keyboard.press("Escape");
  assert.equal(await page.locator(".panel").isVisible(), false);
  assert.equal(await page.evaluate(() => document.querySelector("parley-chat").shadowRoot.activeElement?.className), "launcher right");
  await page.context().close();
});

test("the panel fits a 360px-wide phone screen", async () => {
  const context = await pages.browser.newContext({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await page.goto(pages.hosts.page("s_form_c"));
  await openAndSay(page, "on my phone");
  await page.locator(".form-step").waitFor();
  for (const selector of [".panel", ".launcher", "#parley-input", ".send", "#parley-f-phone", ".form-submit"]) {
    const box = await page.locator(selector).boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= 360, `${selector} within the screen: ${JSON.stringify(box)}`);
  }
  await context.close();
});

test("a browser with a French locale sees the widget in French", async () => {
  const context = await pages.browser.newContext({ locale: "fr-FR" });
  const page = await context.newPage();
  await page.goto(pages.hosts.page("s_form_c")); // phone required, name optional
  const launcher = page.locator(".launcher");
  await launcher.waitFor();
  assert.equal(await launcher.getAttribute("aria-label"), "Ouvrir le chat");
  await launcher.click();
  assert.equal(await page.locator("#parley-input").getAttribute("placeholder"), "Écrivez un message…");
  assert.equal(await page.locator("li[data-author=bot] .body").first().textContent(), "Bonjour ! Comment pouvons-nous vous aider ?", "the default greeting, in French");
  await page.locator("#parley-input").fill("Bonjour");
  await page.keyboard.press("Enter");
  await page.locator(".form-step").waitFor();
  assert.deepEqual(await page.locator(".form-step label").evaluateAll((ls) => ls.map((l) => l.textContent)), ["Email", "Téléphone", "Nom complet (facultatif)"]);
  await page.click(".form-submit");
  await page.locator("#parley-f-email-error", { hasText: "Indiquez votre adresse email." }).waitFor();
  await context.close();
});
