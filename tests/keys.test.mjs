// Keyboard-first inbox and the list's times (issue 22). On the real worker:
// each conversation says since when its customer has waited (their first
// message after the team's latest reply; nothing once the team wrote last).
// In Chromium: every shortcut driven by real key presses (j/k, Enter, r, n,
// e, s, l, a, /, ?), none firing while the focus is in a field or with a
// modifier held; the help dialog keeps the focus, closes on Escape and gives
// the focus back; the list's relative times carry their exact time; axe
// finds nothing in the list or the dialog. (The waiting time's query plan is
// in tests/search.test.mjs.)
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  KEY, call, chatting, eventually, reply, sendChat, thread, unique, agentGet, browserAndHostPages, signInToInbox, listItem,
} from "./helpers.mjs";
import { axeViolations } from "./axe.mjs";

const listedAs = async (id) => (await agentGet("/api/conversations?limit=100")).conversations.find((c) => c.id === id);

test("a conversation says since when its customer has waited: from their first message after the team's latest reply, nothing once the team wrote last", async () => {
  const { token, conversation: id, first } = await chatting("waiting for you");
  let c = (await thread(id)).conversation;
  assert.equal(c.waiting_since, first.created_at, "from their first message");
  assert.equal(c.last_message_at, first.created_at);
  const second = (await sendChat(token, "still waiting")).body.message;
  c = (await thread(id)).conversation;
  assert.equal(c.waiting_since, first.created_at, "a second message does not restart the wait");
  assert.equal(c.last_message_at, second.created_at, "but it is the last activity");
  assert.equal((await listedAs(id)).waiting_since, first.created_at, "the list says the same");

  assert.equal((await call("POST", `/api/conversations/${id}/notes`, { token: KEY, json: { body: "a note is no answer" } })).status, 201);
  assert.equal((await thread(id)).conversation.waiting_since, first.created_at, "a private note is not an answer");

  const answered = await reply(id, "here we are");
  assert.equal(answered.status, 201, JSON.stringify(answered.body));
  assert.equal((await thread(id)).conversation.waiting_since, null, "the team wrote last");
  assert.equal((await listedAs(id)).waiting_since, null);

  const third = (await sendChat(token, "one more question")).body.message;
  assert.equal((await thread(id)).conversation.waiting_since, third.created_at, "a new wait, from the new message");
});

const pages = browserAndHostPages();

/** The element that has the focus, described: its id, else its tag and data-id. */
const focused = (page) => page.evaluate(() => {
  const a = /** @type {HTMLElement} */ (document.activeElement);
  return a?.id || `${a?.tagName.toLowerCase()}${a?.dataset.id ? `:${a.dataset.id}` : ""}`;
});
/** Takes the focus out of whatever field has it (as a click on the page's background would). */
const leaveField = (page) => page.evaluate(() => /** @type {HTMLElement} */ (document.activeElement)?.blur());

test("every shortcut works by its key, none fires in a field or with a modifier, and the help dialog is a proper dialog", async () => {
  const tag = unique("keys");
  const older = await chatting(`${tag} older question`);
  const newer = await chatting(`${tag} newer question`);
  const label = await call("POST", "/api/labels", { token: KEY, json: { name: unique("Key "), colour: "#7c3aed" } });
  assert.equal(label.status, 201);
  const context = await pages.browser.newContext({ bypassCSP: true });
  const agent = await signInToInbox(context);
  agent.errors = [];
  agent.on("pageerror", (e) => agent.errors.push(String(e)));
  await agent.locator("#f-q").fill(tag);
  await listItem(agent, `${tag} older`).waitFor();
  await eventually(async () => (await agent.locator("#list button[data-id]").count()) === 2, { what: "only the two conversations listed" });
  // The list's times: relative words, the exact time for assistive technology and in the tooltip.
  const time = agent.locator(`#list button[data-id="${newer.conversation}"] .waiting time`);
  assert.equal(await time.getAttribute("datetime"), new Date(newer.first.created_at).toISOString());
  assert.ok((await time.getAttribute("title")).length > 0);
  assert.match(await time.locator(".sr-unread").textContent(), /\(.+\)$/);
  assert.equal(await time.locator("[aria-hidden=true]").count(), 1);
  await agent.locator(`#list button[data-id="${newer.conversation}"] .last-activity time`).waitFor();
  assert.deepEqual(await axeViolations(agent, ".list-pane"), []);

  // Typed in the search field, a key is text, never a shortcut.
  await agent.locator("#f-q").focus();
  await agent.keyboard.type(" j");
  assert.equal(await agent.locator("#f-q").inputValue(), `${tag} j`);
  assert.equal(await focused(agent), "f-q");
  await agent.locator("#f-q").fill(tag);
  await leaveField(agent);

  // j/k move in the list (newest first), Enter opens.
  await agent.keyboard.press("j");
  assert.equal(await focused(agent), `button:${newer.conversation}`);
  await agent.keyboard.press("j");
  assert.equal(await focused(agent), `button:${older.conversation}`);
  await agent.keyboard.press("j");
  assert.equal(await focused(agent), `button:${older.conversation}`, "the end of the list stays");
  await agent.keyboard.press("k");
  assert.equal(await focused(agent), `button:${newer.conversation}`);
  await agent.keyboard.press("Alt+j");
  assert.equal(await focused(agent), `button:${newer.conversation}`, "not with a modifier");
  await agent.keyboard.press("Enter");
  await agent.locator(`#thread[data-id="${newer.conversation}"] #composer`).waitFor();

  // r: the composer in reply mode, its text focused; typed there, no key is a shortcut.
  await agent.keyboard.press("r");
  assert.equal(await focused(agent), "reply-body");
  assert.equal(await agent.locator("#via-chat").isChecked(), true);
  assert.equal(await agent.getAttribute("#reply-body", "aria-label"), "Reply");
  await agent.keyboard.type("jk e?/snla");
  assert.equal(await agent.locator("#reply-body").inputValue(), "jk e?/snla");
  assert.equal(await focused(agent), "reply-body");
  assert.equal(await agent.locator("#keys-help").evaluate((d) => d.open), false);
  assert.equal(await agent.locator("#toggle-status").textContent(), "Close", "e typed is not a close");
  await agent.locator("#reply-body").fill("");
  await leaveField(agent);

  // n: note mode.
  await agent.keyboard.press("n");
  assert.equal(await focused(agent), "reply-body");
  assert.equal(await agent.locator("#via-note").isChecked(), true);
  assert.equal(await agent.getAttribute("#reply-body", "aria-label"), "Private note");
  await leaveField(agent);

  // l: the label editor, its first label focused (a checkbox: keys there are the field's).
  await agent.keyboard.press("l");
  assert.equal(await agent.locator("#thread-labels details").evaluate((d) => d.open), true);
  assert.equal(await agent.evaluate(() => document.activeElement?.matches("#thread-labels fieldset input[type=checkbox]")), true);
  await agent.keyboard.press("a");
  assert.equal(await agent.evaluate(() => document.activeElement?.matches("#thread-labels input")), true, "a in a field stays there");
  await leaveField(agent);

  // a: the assignee menu; ? inside it (a select) is the select's.
  await agent.keyboard.press("a");
  assert.equal(await focused(agent), "assign");
  await agent.keyboard.press("?");
  assert.equal(await agent.locator("#keys-help").evaluate((d) => d.open), false);
  await leaveField(agent);

  // s: the snooze menu, its first entry focused; Escape gives the focus back to Snooze.
  await agent.keyboard.press("s");
  await agent.locator("#snooze-menu:not([hidden])").waitFor();
  assert.equal(await agent.evaluate(() => document.activeElement?.getAttribute("role")), "menuitem");
  await agent.keyboard.press("Escape");
  assert.equal(await focused(agent), "snooze");

  // /: the search, with nothing typed into it.
  await agent.keyboard.press("/");
  assert.equal(await focused(agent), "f-q");
  assert.equal(await agent.locator("#f-q").inputValue(), tag);
  await leaveField(agent);

  // e: closes it (not with a modifier).
  await agent.keyboard.press("Alt+e");
  assert.equal(await agent.locator("#toggle-status").textContent(), "Close");
  await agent.keyboard.press("e");
  await agent.locator("#toggle-status", { hasText: "Reopen" }).waitFor();
  assert.equal((await thread(newer.conversation)).conversation.status, "closed");

  // ?: the help dialog, modal; the focus stays in it; Escape closes it and the focus comes back.
  await agent.locator("#toggle-status").focus();
  await agent.keyboard.press("?");
  const dialog = agent.locator("#keys-help");
  await dialog.locator("#keys-close:focus").waitFor();
  assert.equal(await dialog.evaluate((d) => d.open && d.matches(":modal")), true);
  assert.deepEqual(await dialog.locator("tbody kbd").allTextContents(), ["j", "k", "Enter", "r", "n", "e", "s", "l", "a", "/", "?"]);
  assert.deepEqual(await axeViolations(agent, "#keys-help"), []);
  for (const key of ["Tab", "Tab", "Shift+Tab", "j", "e"]) {
    await agent.keyboard.press(key);
    assert.equal(await agent.evaluate(() => !!document.activeElement?.closest("#keys-help")), true, `the focus stays in the dialog after ${key}`);
  }
  assert.equal(await agent.locator("#toggle-status").textContent(), "Reopen", "no shortcut runs behind the dialog");
  await agent.keyboard.press("Escape");
  assert.equal(await dialog.evaluate((d) => d.open), false);
  assert.equal(await focused(agent), "toggle-status", "the focus is back where it was");
  // The nav's Shortcuts button opens it too, by keyboard; it turns the one-key shortcuts off (WCAG 2.1.4), remembered.
  await agent.locator("#to-keys").focus();
  await agent.keyboard.press("Enter");
  await dialog.locator("#keys-close:focus").waitFor();
  await agent.keyboard.press("Shift+Tab");
  assert.equal(await focused(agent), "keys-on");
  await agent.keyboard.press("Space");
  assert.equal(await agent.locator("#keys-on").isChecked(), false);
  await agent.keyboard.press("Escape");
  assert.equal(await focused(agent), "to-keys");
  await leaveField(agent);
  for (const key of ["j", "?", "/"]) await agent.keyboard.press(key);
  assert.equal(await focused(agent), "body", "off: no key moves, opens or focuses anything");
  assert.equal(await dialog.evaluate((d) => d.open), false);
  await agent.reload();
  await agent.locator("#list button").first().waitFor();
  assert.equal(await agent.locator("#keys-on").isChecked(), false, "remembered in this browser");
  await agent.locator("#to-keys").click();
  await agent.locator("#keys-on").check();
  await agent.keyboard.press("Escape");
  await leaveField(agent);
  await agent.keyboard.press("j");
  assert.match(await focused(agent), /^button:/, "on again");
  assert.deepEqual(agent.errors, []);
  await context.close();
});

test("a conversation focused in the list keeps the focus when a push reloads the list, so Enter still opens it", async () => {
  const { conversation: id } = await chatting(unique("focus me "));
  const context = await pages.browser.newContext({ bypassCSP: true });
  try {
    const agent = await signInToInbox(context);
    const item = agent.locator(`#list button[data-id="${id}"]`);
    await item.focus();
    // Another customer writes: the inbox hears it and reloads the list, rebuilding every row.
    const { conversation: newer } = await chatting(unique("pushed in "));
    await agent.locator(`#list button[data-id="${newer}"]`).waitFor();
    assert.equal(await focused(agent), `button:${id}`, "the same conversation has the focus after the reload");
    await agent.keyboard.press("Enter");
    await agent.locator(`#thread[data-id="${id}"] #composer`).waitFor();
  } finally {
    await context.close();
  }
});
