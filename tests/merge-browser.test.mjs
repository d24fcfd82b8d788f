// The inbox's merge actions in real Chromium (issue 22): "Merge into…" in the
// thread's head and "Merge a duplicate…" in the contact panel, each a modal
// dialog worked by keyboard alone, with axe finding nothing; a tab showing a
// conversation that another tab merges away follows it to the survivor (live).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { call, form, newVisitor, sendChat, thread, unique, widgetView, KEY, launchChromium, signInToInbox, listItem } from "./helpers.mjs";
import { axeViolations } from "./axe.mjs";

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

/** A visitor of the demo shop who wrote `body` and answered the Form with `email`; its conversation id. */
async function claimed(email, body) {
  const token = await newVisitor();
  assert.equal((await sendChat(token, body)).status, 201);
  assert.ok((await form(token, { email })).status < 300);
  return (await widgetView(token)).conversation_id;
}

test("Merge into… works by keyboard alone in a modal dialog, axe finds nothing, and the thread follows the survivor", async () => {
  const email = `${unique("ui")}@example.org`;
  const [keepTag, awayTag] = [unique("keep-"), unique("away-")];
  const kept = await claimed(email, `first ${keepTag}`);
  const away = await claimed(email, `second ${awayTag}`);
  const agent = await signInToInbox(await browser.newContext({ bypassCSP: true })); // axe is injected as a script
  const found = [];
  const check = async (view, part) => found.push(...(await axeViolations(agent, part)).map((v) => `${view} ${part}: ${v}`));
  await listItem(agent, awayTag).click();
  const button = agent.locator("#merge");
  await button.waitFor();
  await check("thread", "#thread");
  // Enter opens the dialog: the focus is on the first choice (the contact's other conversation).
  await button.focus();
  await agent.keyboard.press("Enter");
  const dialog = agent.locator("#merge-dialog");
  await dialog.locator("input[type=radio]").first().waitFor();
  assert.equal(await agent.evaluate(() => /** @type {HTMLInputElement} */ (document.activeElement)?.value), kept);
  await check("dialog open", "#merge-dialog");
  // Escape closes it, back on the button; nothing merged.
  await agent.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  assert.equal(await agent.evaluate(() => document.activeElement?.id), "merge");
  assert.equal((await thread(away)).conversation.id, away);
  // Again, and Tab to Merge, Enter: the survivor opens with both messages.
  await agent.keyboard.press("Enter");
  await dialog.locator("input[type=radio]").first().waitFor();
  await agent.keyboard.press("Tab");
  assert.equal(await agent.evaluate(() => document.activeElement?.textContent), "Merge");
  await agent.keyboard.press("Enter");
  await agent.locator(`#thread[data-id="${kept}"]`).waitFor();
  await agent.locator("#messages", { hasText: awayTag }).waitFor();
  await agent.locator("#messages .event", { hasText: "merged another conversation" }).waitFor();
  assert.equal((await thread(away)).conversation.id, kept, "the old id answers for the survivor");
  await listItem(agent, awayTag).waitFor(); // the survivor holds both messages' words (search is not needed: its preview)
  await check("after the merge", "#thread");
  assert.deepEqual(found, []);
});

test("a tab showing a conversation merged away elsewhere follows it live; the contact panel merges a duplicate by keyboard", async () => {
  const email = `${unique("live")}@example.org`;
  const awayTag = unique("gone-");
  const kept = await claimed(email, `stays ${unique("s-")}`);
  const away = await claimed(email, `moves ${awayTag}`);
  const agent = await signInToInbox(await browser.newContext({ bypassCSP: true }));
  await listItem(agent, awayTag).click();
  await agent.locator(`#thread[data-id="${away}"]`).waitFor();
  assert.equal((await call("POST", `/api/conversations/${away}/merge`, { token: KEY, json: { into: kept } })).status, 200);
  await agent.locator(`#thread[data-id="${kept}"]`).waitFor();

  // A duplicate by phone: another contact with the same number, merged into this one from the panel.
  const contact = (await thread(kept)).conversation.contact_id;
  const other = await claimed(`${unique("dup")}@example.org`, "the duplicate");
  const otherContact = (await thread(other)).conversation.contact_id;
  const phone = `+4420${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;
  for (const id of [contact, otherContact]) {
    assert.equal((await call("PATCH", `/api/contacts/${id}`, { token: KEY, json: { phone } })).status, 200);
  }
  await agent.reload();
  await listItem(agent, awayTag).click();
  const button = agent.locator("#merge-contact");
  await button.waitFor();
  await button.focus();
  await agent.keyboard.press("Enter");
  const dialog = agent.locator("#merge-contact-dialog");
  await dialog.locator("input[type=radio]").first().waitFor();
  assert.equal(await agent.evaluate(() => /** @type {HTMLInputElement} */ (document.activeElement)?.value), otherContact);
  const found = (await axeViolations(agent, "#merge-contact-dialog")).map((v) => `contact dialog: ${v}`);
  await agent.keyboard.press("Tab");
  await agent.keyboard.press("Enter");
  await dialog.waitFor({ state: "hidden" });
  const profile = (await call("GET", `/api/contacts/${contact}`, { token: KEY })).body;
  assert.ok(profile.conversations.some((c) => c.id === other), "the duplicate's conversation is the contact's now");
  await agent.locator("#profile", { hasText: "the duplicate" }).waitFor();
  assert.deepEqual(found, []);
});
