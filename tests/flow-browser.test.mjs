// The chatbot flow in real Chromium (issue 26): a site's flow with buttons
// that branch, a question, the Form and a wait for the team, on a host page
// of another origin, driven by clicks and by the keyboard alone; axe over the
// widget while its buttons show; the inbox showing the bot's steps and the
// answers; a visitor who reloads resuming at the waiting step; an agent's
// reply stopping the flow; a flow that starts on a page (on_page): its
// bubble only on a matching page after its seconds, writing nothing, and its
// buttons once clicked; plain chat elsewhere until a first message.
import { test } from "node:test";
import assert from "node:assert/strict";
import { call, KEY, sql, unique } from "./helpers.mjs";
import { browserAndHostPages, openChat, visit, visitorToken, signInToInbox } from "./browser.mjs";
import { axeViolations } from "./axe.mjs";
import { saveFlow, siteWithFlow } from "./flows.mjs";

const pages = browserAndHostPages();

const closed = { message: { text: "We are away: we answer by email." }, hours: [null, null, null, null, null, null, null], time_zone: "UTC" };
const flow = {
  trigger: { type: "open" },
  offline: closed,
  steps: [
    { type: "message", id: "hi", text: "Welcome to the tea shop!" },
    {
      type: "buttons", id: "menu", text: "What brings you here?", buttons: [
        { label: "An order", steps: [{ type: "question", id: "order", text: "Your order number?", save: { type: "conversation", key: "order_number" } }] },
        { label: "Choosing a tea", steps: [{ type: "message", id: "advice", text: "Our sommeliers love a question." }] },
      ],
    },
    { type: "form", id: "form", phone: "hidden", company: "hidden", full_name: "optional" },
    { type: "wait_for_agent", id: "wait", text: "Someone will be with you shortly." },
  ],
};

/** A site running `steps`' flow in the demo shop's colour (the default accent, #2f6fed, fails axe's contrast for the time under the visitor's own lines: not the flow's doing). */
async function flowSite(f) {
  const site = await siteWithFlow(f);
  await sql(`UPDATE sites SET color = '#33503f' WHERE id = '${site}'`);
  return site;
}

const choices = (page) => page.locator('[role="group"].choices');
/** A stored bot line (it shows its time; the opening's lines and the offline note do not). */
const botLine = (page, text) => page.locator('.messages li[data-author="bot"]', { hasText: text, has: page.locator(".meta") });
const mine = (page, text) => page.locator(".messages li.mine", { hasText: text });

test("clicks on a phone-sized page: buttons branch, the question takes the composer's answer, the Form follows, then the team's offline text; axe finds nothing; the inbox shows every step", async () => {
  const site = await flowSite(flow);
  // A phone-sized page; its screenshots go to tests/artifacts (flow-phone-*.png) for the closing note.
  const page = await visit(pages.browser, pages.hosts.page(site), { context: { viewport: { width: 375, height: 667 } } });
  const shot = (name) => page.screenshot({ path: new URL(`./artifacts/flow-phone-${name}.png`, import.meta.url).pathname });
  await openChat(page);
  const group = choices(page);
  await group.waitFor();
  assert.equal(await group.getAttribute("aria-label"), "What brings you here?");
  assert.deepEqual(await group.locator("button").allTextContents(), ["An order", "Choosing a tea"]);
  await page.locator('.flow li[data-author="bot"]', { hasText: "Welcome to the tea shop!" }).waitFor();
  assert.equal(await visitorToken(page, pages.hosts.origin), undefined, "showing the opening set no cookie");
  assert.deepEqual(await axeViolations(page, "parley-chat"), [], "axe, with the buttons showing");
  await shot("1-buttons");

  await group.getByRole("button", { name: "An order" }).click();
  await mine(page, "An order").waitFor();
  await botLine(page, "Your order number?").waitFor();
  await choices(page).waitFor({ state: "detached" });
  await shot("2-question");
  assert.ok(await visitorToken(page, pages.hosts.origin), "the first answer made the visitor");
  await page.locator("#parley-input").fill("A-1234");
  await page.keyboard.press("Enter");
  await mine(page, "A-1234").waitFor();
  // The Form shows once the flow waits at it.
  await page.locator("#parley-f-email").waitFor();
  const focused = () => page.evaluate(() => document.querySelector("parley-chat").shadowRoot.activeElement?.id);
  assert.equal(await focused(), "parley-f-email", "the focus moved to the Form's first field");
  const box = await page.locator("#parley-f-email").boundingBox();
  assert.ok(box.y >= 0 && box.y + box.height <= 667, `the Form's first field is in view on the phone (y ${box.y})`);
  assert.deepEqual(await axeViolations(page, "parley-chat"), [], "axe, with the Form showing");
  await shot("3-form");
  const email = `${unique("flow")}@example.org`;
  await page.fill("#parley-f-email", email);
  await page.click(".form-submit");
  await botLine(page, "We are away: we answer by email.").waitFor();
  await shot("4-handed-over");
  assert.deepEqual(page.errors, []);

  // The inbox: the bot's lines as the bot, the visitor's answers.
  const token = await visitorToken(page, pages.hosts.origin);
  const { conversation_id } = (await call("GET", "/api/widget/conversation", { token })).body;
  const [row] = await sql(`SELECT flow_answers FROM conversations WHERE id = '${conversation_id}'`);
  assert.deepEqual(JSON.parse(row.flow_answers), { order_number: "A-1234" });
  const inbox = await signInToInbox(await pages.browser.newContext());
  await inbox.locator("#team-online", { hasText: /Online|Nobody/ }).waitFor();
  await inbox.locator(`#list button[data-id="${conversation_id}"]`).click();
  const thread = inbox.locator("#messages");
  await thread.getByText("Your order number?").waitFor();
  const metas = await thread.locator("article .meta").allTextContents();
  assert.ok(metas.filter((m) => m.startsWith("Chatbot")).length >= 3, metas.join(" | "));
  for (const text of ["Welcome to the tea shop!", "An order", "A-1234", "We are away: we answer by email."]) {
    await thread.getByText(text).first().waitFor();
  }
  await inbox.context().close();
  await page.context().close();
});

test("keyboard alone: the buttons take focus and answer with Enter and Space; a reload resumes at the waiting step; an agent's reply ends the flow", async () => {
  const site = await flowSite(flow);
  const page = await visit(pages.browser, pages.hosts.page(site));
  await page.locator(".launcher").focus();
  await page.keyboard.press("Enter");
  await choices(page).waitFor();
  // From the composer (the panel's focus on opening), back to the buttons.
  const first = choices(page).getByRole("button", { name: "An order" });
  for (let i = 0; i < 10 && !(await first.evaluate((b) => b.getRootNode().activeElement === b)); i++) await page.keyboard.press("Shift+Tab");
  assert.ok(await first.evaluate((b) => b.getRootNode().activeElement === b), "the first button is reachable by keyboard");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Space"); // "Choosing a tea"
  await mine(page, "Choosing a tea").waitFor();
  await botLine(page, "Our sommeliers love a question.").waitFor();
  // The branch joins the main line at the Form.
  await page.locator("#parley-f-email").waitFor();

  // A reload: the same visitor comes back to the Form, the thread as it was.
  await page.reload();
  await openChat(page);
  await botLine(page, "Our sommeliers love a question.").waitFor();
  await page.locator("#parley-f-email").waitFor();
  assert.equal(await choices(page).count(), 0);

  // An agent replies: the flow stops.
  const token = await visitorToken(page, pages.hosts.origin);
  const { conversation_id } = (await call("GET", "/api/widget/conversation", { token })).body;
  const reply = await call("POST", `/api/conversations/${conversation_id}/messages`, { token: KEY, json: { body: "Happy to help!", channel: "chat" } });
  assert.equal(reply.status, 201);
  await page.locator(".messages li", { hasText: "Happy to help!" }).waitFor();
  assert.equal((await call("GET", "/api/widget/conversation", { token })).body.flow, null);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("a reload while buttons wait shows them again, and Enter answers", async () => {
  const site = await flowSite({
    ...flow,
    steps: [
      { type: "buttons", id: "size", text: "Which size?", buttons: [{ label: "Small" }, { label: "Large" }] },
      { type: "buttons", id: "leaf", text: "Loose leaf or bags?", buttons: [{ label: "Loose leaf" }, { label: "Bags" }] },
      { type: "wait_for_agent", id: "wait" },
    ],
  });
  const page = await visit(pages.browser, pages.hosts.page(site));
  await openChat(page);
  await choices(page).getByRole("button", { name: "Large" }).click();
  await mine(page, "Large").waitFor();
  const next = choices(page);
  await next.getByRole("button", { name: "Loose leaf" }).waitFor();
  assert.equal(await next.getAttribute("aria-label"), "Loose leaf or bags?");
  assert.ok(await next.getByRole("button", { name: "Loose leaf" }).evaluate((b) => b.getRootNode().activeElement === b), "the focus moved to the next step's buttons");
  await page.reload();
  await openChat(page);
  await choices(page).getByRole("button", { name: "Bags" }).waitFor();
  assert.equal(await choices(page).getAttribute("aria-label"), "Loose leaf or bags?");
  await choices(page).getByRole("button", { name: "Bags" }).focus();
  await page.keyboard.press("Enter");
  await mine(page, "Bags").waitFor();
  await botLine(page, "We are away: we answer by email.").waitFor();
  await choices(page).waitFor({ state: "detached" });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("a flow the first message starts: its buttons show once the bot's lines follow the visitor's message", async () => {
  const site = await flowSite({
    trigger: { type: "first_message" },
    offline: closed,
    steps: [
      { type: "message", id: "hi", text: "Thanks for writing!" },
      { type: "buttons", id: "topic", text: "Is it about an order?", buttons: [{ label: "Yes" }, { label: "No" }] },
      { type: "wait_for_agent", id: "wait" },
    ],
  });
  const page = await visit(pages.browser, pages.hosts.page(site));
  await openChat(page);
  await page.locator("#parley-input").fill("Hello there");
  await page.keyboard.press("Enter");
  await botLine(page, "Is it about an order?").waitFor();
  const group = choices(page);
  await group.getByRole("button", { name: "No" }).click();
  await mine(page, "No").waitFor();
  await botLine(page, "We are away: we answer by email.").waitFor();
  await group.waitFor({ state: "detached" });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("a flow that starts on a page: its bubble shows only on a matching page after its seconds, writes nothing, and a click runs its buttons; elsewhere the chat is plain until a first message", async () => {
  const steps = [
    { type: "message", id: "hi", text: unique("Need help choosing a tea? ") },
    { type: "buttons", id: "kind", text: "Which kind?", buttons: [{ label: "Green" }, { label: "Black" }] },
    { type: "wait_for_agent", id: "wait" },
  ];
  const site = await flowSite({ trigger: { type: "first_message" }, offline: closed, steps });
  const [pricing, other] = [pages.hosts.page(site), pages.hosts.page(site)];
  await saveFlow(site, { trigger: { type: "on_page", url: new URL(pricing).pathname, seconds: 1 }, offline: closed, steps }, 2);
  // A proactive message for every page, after 2 s: where it shows, the flow's bubble (1 s, tried first) did not apply.
  const other2s = await call("POST", `/api/sites/${site}/proactive`, { token: KEY, json: { text: unique("Anything else? "), url: "/*", delay_seconds: 2, audience: "all", language: "any", frequency: "page" } });
  assert.equal(other2s.status, 201, JSON.stringify(other2s.body));
  const flowBubble = (page) => page.locator(".pb", { hasText: steps[0].text });
  const visitors = async () => (await sql(`SELECT COUNT(*) AS n FROM visitors WHERE site_id = '${site}'`))[0].n;

  // Another page: no flow bubble, and the chat opens plain.
  const elsewhere = await visit(pages.browser, other);
  await elsewhere.locator(".pb", { hasText: other2s.body.text }).waitFor();
  assert.equal(await flowBubble(elsewhere).count(), 0, "the flow's bubble never showed on a page its pattern does not match");
  await openChat(elsewhere);
  await elsewhere.locator(".scroll > .flow").waitFor({ state: "attached" }); // the flow module ran
  assert.equal(await elsewhere.locator(".flow li, .choices").count(), 0, "no opening lines, no buttons");
  // There, a first message starts the flow after it (as the worker runs every conversation's flow).
  await elsewhere.locator("#parley-input").fill("Do you ship abroad?");
  await elsewhere.keyboard.press("Enter");
  await botLine(elsewhere, steps[0].text).waitFor();
  await choices(elsewhere).getByRole("button", { name: "Black" }).waitFor();
  await elsewhere.context().close();

  // The matching page: the bubble after its seconds; showing it wrote nothing.
  const rows = await visitors();
  const page = await visit(pages.browser, pricing);
  await flowBubble(page).waitFor();
  assert.ok(await page.evaluate(() => performance.now()) >= 1000, "not before its seconds on the page");
  assert.equal(await page.locator(".pb", { hasText: other2s.body.text }).count(), 0, "one bubble per page");
  assert.deepEqual(await page.context().cookies(), [], "no cookie");
  assert.deepEqual(page.posts, [], "no request wrote anything");
  assert.equal(await visitors(), rows, "no visitor row");
  assert.deepEqual(await axeViolations(page, "body"), [], "the bubble is axe-clean");
  // A click: the chat opens with the flow's opening and its buttons.
  await flowBubble(page).locator(".po").click();
  const group = choices(page);
  await group.getByRole("button", { name: "Green" }).waitFor();
  assert.equal(await page.locator('.flow li[data-author="bot"]').first().textContent(), "Support" + steps[0].text);
  assert.equal(await flowBubble(page).count(), 0, "the bubble went");
  assert.deepEqual(await page.context().cookies(), [], "opening is not writing: still no cookie");
  assert.deepEqual(await axeViolations(page, "parley-chat"), [], "axe, with the buttons showing");
  await group.getByRole("button", { name: "Green" }).click();
  await mine(page, "Green").waitFor();
  await botLine(page, "We are away: we answer by email.").waitFor();
  assert.ok(await visitorToken(page, pages.hosts.origin), "the answer made the visitor");
  const token = await visitorToken(page, pages.hosts.origin);
  const stored = (await call("GET", "/api/widget/conversation", { token })).body.messages.map((m) => [m.author, m.body]);
  assert.deepEqual(stored.slice(0, 3), [["bot", steps[0].text], ["bot", "Which kind?"], ["visitor", "Green"]], "the opening's lines, then the answer");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
