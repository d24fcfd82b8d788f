// The inbox on a phone (issue 28), in real Chromium at 390 × 844 with touch
// (hasTouch, isMobile): one pane at a time (the list, the thread with its
// back control, the contact on request), each pane a history entry so the
// browser's Back goes back a pane, the focus moved to the pane shown; the
// header's menu (a disclosure button) and the filters' sheet (a modal
// dialog); all of it by touch and again by keyboard alone, with axe-core
// finding nothing in each state (its target-size rule included: WCAG 2.2's
// 24 px targets). The composer stays inside the visual viewport when it
// shrinks; Settings, Saved replies, Signature, Mentions and Reports fit the
// width (no horizontal scroll of the page). At 1280 px the desktop layout is
// unchanged. The phone's first load (static files) stays within 50 KB
// brotli (`make bench` prints it beside the desktop's). Pictures at 390 × 844 go to tests/artifacts/mobile-*.png (the
// ones in docs/ are copies).
import { test } from "node:test";
import assert from "node:assert/strict";
import { newVisitor, sendChat, form, unique, browserAndHostPages, signInToInbox, listItem } from "./helpers.mjs";
import { axeViolations } from "./axe.mjs";
import { firstLoad } from "./inbox-weight.mjs";

const pages = browserAndHostPages();
const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2, bypassCSP: true };
const shot = (page, name) => page.screenshot({ path: `tests/artifacts/mobile-${name}.png` });

/** A chat conversation from a new visitor, with a recognizable first message (and, with `email`, the Form answered). */
async function chat(email) {
  const token = await newVisitor();
  const text = unique("Is the Hearth Chai in stock? ");
  assert.equal((await sendChat(token, text)).status, 201);
  if (email) assert.ok((await form(token, { email, company: "Fern & Kettle" })).status < 300);
  return text;
}

/** Axe's findings on the whole page, named by the state they were found in. */
async function axe(page, state) {
  return (await axeViolations(page, "body")).map((v) => `${state}: ${v}`);
}

/** Which of the inbox's three panes show. */
const visiblePanes = async (page) => {
  const shown = [];
  for (const [name, selector] of [["list", ".list-pane"], ["thread", "#thread"], ["contact", "#profile"]]) {
    if (await page.locator(selector).isVisible()) shown.push(name);
  }
  return shown;
};

/** The focused element's id (or its selector-ish description). */
const focused = (page) => page.evaluate(() => {
  const e = document.activeElement;
  return e?.id || `${e?.tagName.toLowerCase()}${e?.getAttribute("aria-current") === "true" ? "[aria-current]" : ""}`;
});

/** Whether the page scrolls sideways (it must not: only a wide table's own region may). */
const sideways = (page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** The first elements reaching past the screen's right edge (tag, id, class, right edge, text), to say what widened a view. */
const widerThanScreen = (page) => page.evaluate(() => [...document.querySelectorAll("body *")]
  .filter((e) => e.getClientRects().length && e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
  .slice(0, 8).map((e) => [e.tagName, e.id, String(e.className), Math.round(e.getBoundingClientRect().right), (e.textContent ?? "").slice(0, 40)]));

/** Presses Tab (or `key`, e.g. Shift+Tab) until `selector` has the focus (at most `max` presses): reached by keyboard alone. */
async function tabTo(page, selector, max = 80, key = "Tab") {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press(key);
  }
  assert.fail(`${selector} is not reached by ${key}`);
}

test("at 390 × 844 with touch: the list, a conversation opened from it, a reply, Back, the contact, each pane alone, axe finds nothing", async () => {
  const text = await chat(`mia.chen+${unique("")}@example.org`);
  const context = await pages.browser.newContext(PHONE);
  const page = await signInToInbox(context);
  const found = [];
  await listItem(page, text).waitFor();
  assert.deepEqual(await visiblePanes(page), ["list"]);
  assert.equal(await page.locator("#nav").isVisible(), false, "the header's links are folded into the menu");
  assert.equal(await page.locator(".filters").isVisible(), false, "the filters are folded into their sheet");
  assert.equal(await sideways(page), 0);
  found.push(...(await axe(page, "list")));
  await shot(page, "list");

  await listItem(page, text).tap();
  await page.locator("#messages .msg", { hasText: text }).waitFor();
  assert.deepEqual(await visiblePanes(page), ["thread"]);
  assert.equal(await focused(page), "thread", "the focus moves into the thread");
  assert.match(await page.evaluate(() => location.hash), /^#conversation=c_/);
  assert.equal(await page.locator("#pane-back").textContent(), "‹ Conversations");

  const answer = unique("Yes, 40 tins left. ");
  await page.locator("#reply-body").tap();
  await page.fill("#reply-body", answer);
  await page.locator("#composer button[type=submit]").tap();
  await page.locator("#messages .msg.outbound", { hasText: answer }).waitFor();
  const composer = await page.locator("#composer").boundingBox();
  assert.ok(composer.y + composer.height <= 844 + 0.5, "the composer is on screen");
  assert.equal(await sideways(page), 0);
  found.push(...(await axe(page, "thread")));
  await shot(page, "thread");

  await page.locator("#pane-contact").tap();
  assert.deepEqual(await visiblePanes(page), ["contact"]);
  assert.equal(await focused(page), "profile", "the focus moves into the contact");
  assert.match(await page.evaluate(() => location.hash), /&pane=contact$/);
  assert.equal(await page.locator("#pane-back").textContent(), "‹ Conversation");
  await page.locator("#profile h3").first().waitFor();
  found.push(...(await axe(page, "contact")));
  await shot(page, "contact");

  // The browser's Back: the contact, then the thread, then the list, the focus back where each was opened.
  await page.goBack();
  assert.deepEqual(await visiblePanes(page), ["thread"]);
  assert.equal(await focused(page), "pane-contact");
  await page.goBack();
  assert.deepEqual(await visiblePanes(page), ["list"]);
  assert.equal(await focused(page), "button[aria-current]", "the conversation that was open");
  assert.equal(await page.evaluate(() => location.hash), "");
  // And Forward goes to the thread again.
  await page.goForward();
  assert.deepEqual(await visiblePanes(page), ["thread"]);
  // The on-screen back control: the list again.
  await page.locator("#pane-back").tap();
  assert.deepEqual(await visiblePanes(page), ["list"]);
  assert.deepEqual(found, []);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("at 390 × 844 by keyboard alone: a conversation, the contact, back, the header's menu and the filters' sheet; axe finds nothing", async () => {
  const text = await chat();
  const context = await pages.browser.newContext(PHONE);
  const page = await signInToInbox(context);
  const found = [];
  await listItem(page, text).waitFor();

  // The header's menu: a disclosure button; Escape folds it and gives the focus back.
  // Back from where the sign-in form was (the list after it may be long): the menu's button comes first in the page.
  await tabTo(page, "#menu-toggle", 10, "Shift+Tab");
  assert.equal(await page.getAttribute("#menu-toggle", "aria-expanded"), "false");
  await page.keyboard.press("Enter");
  assert.equal(await page.getAttribute("#menu-toggle", "aria-expanded"), "true");
  await page.locator("#nav").waitFor({ state: "visible" });
  found.push(...(await axe(page, "the header's menu open")));
  await page.keyboard.press("Tab");
  assert.equal(await focused(page), "to-inbox", "the menu's first link follows its button");
  await page.keyboard.press("Escape");
  assert.equal(await page.locator("#nav").isVisible(), false);
  assert.equal(await focused(page), "menu-toggle");

  // The filters' sheet: a modal dialog; its controls work by keyboard; Escape closes it, the focus back on its button.
  await tabTo(page, "#filters-open");
  await page.keyboard.press("Enter");
  await page.locator("#filters-sheet").waitFor({ state: "visible" });
  assert.equal(await page.evaluate(() => document.getElementById("filters-sheet").open && document.querySelector("#filters-sheet:modal") !== null), true);
  await tabTo(page, "#f-channel", 10);
  await page.keyboard.press("ArrowDown"); // All → chat
  assert.equal(await page.inputValue("#f-channel"), "chat");
  await listItem(page, text).waitFor();
  found.push(...(await axe(page, "the filters' sheet open")));
  await shot(page, "filters");
  await page.keyboard.press("Escape");
  assert.equal(await page.locator("#filters-sheet").isVisible(), false);
  assert.equal(await focused(page), "filters-open");

  // A conversation by Enter, the contact by Enter, back by Enter: the focus follows each pane.
  const id = await listItem(page, text).getAttribute("data-id");
  await tabTo(page, `#list button[data-id="${id}"]`);
  await page.keyboard.press("Enter");
  await page.locator("#messages .msg", { hasText: text }).waitFor();
  assert.equal(await focused(page), "thread");
  await page.keyboard.press("Shift+Tab");
  assert.equal(await focused(page), "pane-contact", "the pane's controls come just before it");
  await page.keyboard.press("Enter");
  assert.deepEqual(await visiblePanes(page), ["contact"]);
  assert.equal(await focused(page), "profile");
  await page.keyboard.press("Shift+Tab");
  assert.equal(await focused(page), "pane-back");
  await page.keyboard.press("Enter");
  assert.deepEqual(await visiblePanes(page), ["thread"]);
  assert.equal(await focused(page), "pane-contact");
  await page.keyboard.press("Shift+Tab");
  await page.keyboard.press("Enter");
  assert.deepEqual(await visiblePanes(page), ["list"]);
  assert.equal(await focused(page), "button[aria-current]");
  found.push(...(await axe(page, "the list again")));
  // The search shortcut opens the sheet at its search box.
  await page.keyboard.press("/");
  assert.equal(await focused(page), "f-q");
  assert.ok(await page.locator("#filters-sheet").isVisible());
  await page.keyboard.press("Escape");
  // The dialog's close event (a task after Escape) hands the focus back to the Filters button: awaited, not raced.
  await page.waitForFunction(() => document.activeElement?.id === "filters-open").catch(() => {});
  assert.equal(await focused(page), "filters-open");
  assert.deepEqual(found, []);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("at 390 px the pane controls are large touch targets, and a reload on a thread shows that thread", async () => {
  const text = await chat();
  const context = await pages.browser.newContext(PHONE);
  const page = await signInToInbox(context);
  await listItem(page, text).tap();
  await page.locator("#messages .msg", { hasText: text }).waitFor();
  for (const id of ["pane-back", "pane-contact", "menu-toggle"]) {
    const box = await page.locator(`#${id}`).boundingBox();
    assert.ok(box.width >= 44 && box.height >= 44, `#${id} is ${box.width} × ${box.height}`);
  }
  await page.reload();
  await page.locator("#messages .msg", { hasText: text }).waitFor();
  assert.deepEqual(await visiblePanes(page), ["thread"]);
  await context.close();
});

test("the composer stays inside the visual viewport when it shrinks (the on-screen keyboard)", async () => {
  const text = await chat();
  const context = await pages.browser.newContext(PHONE);
  const page = await signInToInbox(context);
  await listItem(page, text).tap();
  await page.locator("#messages .msg", { hasText: text }).waitFor();
  await page.locator("#reply-body").focus();
  // A keyboard over the lower part of the screen leaves 430 px of visual viewport (headless Chromium has no
  // on-screen keyboard: the viewport is made smaller, which fires the visual viewport's resize as a keyboard does).
  await page.setViewportSize({ width: 390, height: 430 });
  await page.waitForFunction(() => getComputedStyle(document.documentElement).getPropertyValue("--vvh") === `${visualViewport.height}px`);
  const { bottom, viewport } = await page.evaluate(() => ({
    bottom: document.getElementById("composer").getBoundingClientRect().bottom,
    viewport: visualViewport.offsetTop + visualViewport.height,
  }));
  assert.ok(bottom <= viewport + 0.5, `the composer ends at ${bottom}, the visual viewport at ${viewport}`);
  assert.ok(await page.locator("#reply-body").isVisible());
  await context.close();
});

test("at 390 px Settings, Saved replies, Signature, Mentions and Reports fit the width, reached through the menu; axe finds nothing", async () => {
  const context = await pages.browser.newContext(PHONE);
  const page = await signInToInbox(context);
  const found = [];
  for (const [button, view] of [["to-settings", "settings"], ["to-replies", "replies"], ["to-signature", "signature"], ["to-mentions", "mentions"], ["to-reports", "reports"]]) {
    await page.locator("#menu-toggle").tap();
    await page.locator(`#${button}`).tap();
    await page.locator(`#${view}`).waitFor();
    assert.equal(await page.locator("#nav").isVisible(), false, "choosing a view folds the menu");
    if (view === "settings") {
      await page.locator("#s-site option").first().waitFor({ state: "attached" });
      await page.waitForFunction(() => document.getElementById("site-name").value !== "");
      await shot(page, "settings");
    }
    if (view === "settings") {
      // A message quoting a long URL (an automation's, ActiveCampaign's, as the full run's data may show) wraps too.
      await page.evaluate(() => { const e = document.getElementById("a-error"); e.textContent = "Could not load: http://127.0.0.1:65535/" + "x".repeat(120); });
      assert.equal(await sideways(page), 0, "a long unbroken message wraps in Settings");
      await page.evaluate(() => { document.getElementById("a-error").textContent = ""; });
    }
    if (view === "reports") await page.locator("#r-totals tbody tr").first().waitFor();
    const wide = await sideways(page);
    assert.equal(wide, 0, `${view} does not scroll sideways${wide ? `; wider than the screen: ${JSON.stringify(await widerThanScreen(page))}` : ""}`);
    found.push(...(await axe(page, view)));
  }
  assert.deepEqual(found, []);
  await context.close();
});

test("at 1280 px the desktop layout is unchanged: three panes side by side, the links in the header, the filters in the list, no history entries", async () => {
  const text = await chat();
  const context = await pages.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await signInToInbox(context);
  const entries = await page.evaluate(() => history.length);
  await listItem(page, text).click();
  await page.locator("#messages .msg", { hasText: text }).waitFor();
  await page.locator("#profile h3").first().waitFor();
  assert.deepEqual(await visiblePanes(page), ["list", "thread", "contact"]);
  for (const id of ["menu-toggle", "pane-nav", "filters-open"]) assert.equal(await page.locator(`#${id}`).isVisible(), false, `#${id} is phone only`);
  assert.ok(await page.locator("#nav").isVisible());
  assert.ok(await page.locator(".list-pane > .filters").isVisible());
  assert.equal(await page.evaluate(() => location.hash), "");
  assert.equal(await page.evaluate(() => history.length), entries);
  const list = await page.locator(".list-pane").boundingBox();
  const thread = await page.locator("#thread").boundingBox();
  assert.equal(list.y, thread.y, "side by side");
  assert.ok(thread.x >= list.x + list.width - 1);
  await context.close();
});

test("the phone inbox's first load (its static files, as Chromium fetched them) weighs at most 50 KB brotli", async () => {
  const text = await chat();
  const { files, total } = await firstLoad(pages.browser, "phone", text);
  const paths = files.map((f) => f.path);
  assert.ok(paths.includes("/inbox.js") && paths.includes("/inbox.css"), "the shell was counted");
  assert.ok(!paths.some((p) => p.startsWith("/vendor/")), "the charts load only with Reports");
  assert.ok(total <= 50 * 1024, `the phone's first load is ${total} B brotli (${files.length} files), budget ${50 * 1024}`);
});
