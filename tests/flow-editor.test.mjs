// Settings › Chatbot as a flow, in real Chromium and by keyboard: the
// trigger, a buttons step with two branches, a question, the Form, a go-to,
// reordering and deleting; the save says which version is live; a refusal
// shows in the step it names, which takes the focus; after a reload the saved
// flow is back; the live preview shows its opening and clicks through its
// buttons; axe finds nothing in the editor nor in the preview.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { KEY, call, unique, launchChromium, signInToInbox, eventually } from "./helpers.mjs";
import { axeViolations } from "./axe.mjs";

const browser = await launchChromium();
after(() => browser.close());

/** The id of the element that has the focus. */
const focused = (page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.closest("[data-step]")?.getAttribute("data-step"));
/** The steps' ids as listed, in order, at one level (the flow's own, or a branch's). */
const listed = (page, list = "#flow-steps") => page.locator(`${list} > li[data-step]`).evaluateAll((lis) => lis.map((li) => li.dataset.step));

/** Adds a step of `kind` to the list whose add control is `key`, by keyboard: the kind, Tab to Add, Enter. */
async function addStep(page, key, kind) {
  await page.locator(`#${key}-add-kind`).selectOption(kind);
  await page.focus(`#${key}-add-kind`);
  await page.keyboard.press("Tab");
  assert.equal(await focused(page), `${key}-add`);
  await page.keyboard.press("Enter");
}

/** Focuses a control and presses Enter on it. */
async function press(page, selector) {
  await page.focus(selector);
  await page.keyboard.press("Enter");
}

test("a flow is built in Settings by keyboard, refused by step, saved as a version, back after a reload, and previewed", async () => {
  const site = (await call("POST", "/api/sites", { token: KEY, json: { name: unique("Tea flow ") } })).body.id;
  const context = await browser.newContext({ bypassCSP: true });
  try {
    let page = await signInToInbox(context);
    const openSite = async () => {
      await page.click("#to-settings");
      await page.locator("#s-site").selectOption(site);
      await page.locator(`#settings[data-site=${site}]`).waitFor();
    };
    await openSite();
    await page.locator("#flow-version", { hasText: "version 0" }).waitFor();
    assert.deepEqual(await listed(page), ["form"], "the blocks' flow: the Form");

    // The trigger: 45 s on the pricing pages.
    await page.focus("input[name=flow-trigger][value=first_message]");
    await page.keyboard.press("ArrowDown"); // the radio group moves, and checks, by arrow
    assert.equal(await page.locator("input[name=flow-trigger]:checked").getAttribute("value"), "on_page");
    await page.locator("#flow-url").waitFor();
    await page.focus("#flow-url");
    await page.keyboard.type("/pricing*");
    await page.focus("#flow-seconds");
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.type("45");

    // A buttons step: the focus is in its question; a second button; a step in each branch, a go-to in the second.
    await addStep(page, "flow", "buttons");
    assert.equal(await focused(page), "fs-buttons-1-text");
    await page.keyboard.type("Green or black?");
    await page.focus("#fs-buttons-1-b0-label");
    await page.keyboard.type("Green");
    await press(page, "#fs-buttons-1-add-button");
    assert.equal(await focused(page), "fs-buttons-1-b1-label", "the new button's label has the focus");
    await page.keyboard.type("Black");
    await addStep(page, "fs-buttons-1-b0", "message");
    assert.equal(await focused(page), "fs-message-1-text");
    await page.keyboard.type("Try the sencha.");
    await addStep(page, "fs-buttons-1-b1", "message");
    await page.keyboard.type("Try the assam.");
    await addStep(page, "flow", "question");
    assert.equal(await focused(page), "fs-question-1-text");
    await page.keyboard.type("How many cups a day?");
    await addStep(page, "fs-buttons-1-b1", "goto");
    await page.locator("#fs-goto-1-target").selectOption("question-1");
    await addStep(page, "flow", "wait_for_agent");
    await page.keyboard.type("Someone will answer shortly.");
    assert.deepEqual(await listed(page, "#flow-steps li[data-step=buttons-1] li:nth-child(2) > .flow-steps"), ["message-2", "goto-1"], "the branch, indented under its button");

    // One step too many: deleted, the focus on the step before it.
    await addStep(page, "flow", "close");
    assert.deepEqual(await listed(page), ["form", "buttons-1", "question-1", "wait-1", "close-1"]);
    await press(page, "li[data-step=close-1] [aria-label='Delete step close-1']");
    assert.equal(await focused(page), "wait-1");
    // Reordered: the buttons first, the Form after the question.
    await press(page, "li[data-step=buttons-1] > .step-head [data-act=up]");
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute("aria-label")), "Move step buttons-1 up", "the focus stays on the moved step's button");
    await press(page, "li[data-step=form] > .step-head [data-act=down]");
    const order = ["buttons-1", "question-1", "form", "wait-1"];
    assert.deepEqual(await listed(page), order);
    await page.locator("#fs-form-company").selectOption("required");
    assert.deepEqual(await axeViolations(page, "#bot-form"), []);

    await press(page, "#bot-form button[type=submit]");
    await page.locator("#bot-saved", { hasText: "Saved: version 1 is live." }).waitFor();
    const saved = (await call("GET", `/api/sites/${site}/flow`, { token: KEY })).body;
    assert.equal(saved.version, 1);
    assert.deepEqual(saved.flow.trigger, { type: "on_page", url: "/pricing*", seconds: 45 });
    assert.deepEqual(saved.flow.steps.map((s) => s.id), order);
    const [buttons] = saved.flow.steps;
    assert.deepEqual(buttons.buttons.map((b) => [b.label, b.steps.map((s) => s.id)]), [["Green", ["message-1"]], ["Black", ["message-2", "goto-1"]]]);
    assert.deepEqual(saved.flow.steps[2], { type: "form", id: "form", phone: "hidden", company: "required", full_name: "hidden" });

    // A step after "Wait for an agent" is never reached: refused, named, focused; nothing saved.
    await addStep(page, "flow", "message");
    await page.keyboard.type("Nobody hears this.");
    await press(page, "#bot-form button[type=submit]");
    const refused = page.locator("li[data-step=message-3] > .error");
    await refused.filter({ hasText: 'Step "message-3" is never reached' }).waitFor();
    assert.equal(await focused(page), "fs-message-3-text", "the step named has the focus");
    assert.equal(await page.locator("li[data-step=message-3]").getAttribute("aria-describedby"), "fs-message-3-error");
    assert.equal((await call("GET", `/api/sites/${site}/flow`, { token: KEY })).body.version, 1);
    assert.deepEqual(await axeViolations(page, "#bot-form"), [], "axe with a refusal shown");

    // After a reload, the saved flow is back (not the refused one).
    await page.reload();
    await page.locator("#inbox").waitFor();
    await openSite();
    await page.locator("#flow-version", { hasText: "Live: version 1." }).waitFor();
    assert.deepEqual(await listed(page), order);
    assert.equal(await page.inputValue("#fs-buttons-1-b1-label"), "Black");
    assert.equal(await page.inputValue("#fs-message-2-text"), "Try the assam.");
    assert.equal(await page.inputValue("#flow-url"), "/pricing*");

    // The live preview: the opening up to the buttons, then Black, its branch, and the go-to's question.
    const preview = page.frameLocator("#w-preview");
    const bot = preview.locator("li[data-flow][data-author=bot] .body");
    await bot.filter({ hasText: "Green or black?" }).waitFor();
    await preview.locator(".pv-note", { hasText: "45 s on a page matching /pricing*" }).waitFor();
    await preview.locator(".pv-choices button", { hasText: "Black" }).press("Enter");
    await preview.locator("li[data-flow][data-author=visitor] .body", { hasText: "Black" }).waitFor();
    await bot.filter({ hasText: "How many cups a day?" }).waitFor();
    assert.deepEqual(await bot.allTextContents(), ["Green or black?", "Try the assam.", "How many cups a day?"]);
    const answer = preview.locator(".pv-answer input");
    await eventually(async () => (await answer.evaluate((i) => i === i.getRootNode().activeElement)), { what: "the answer field focused" });
    await answer.fill("Three");
    await answer.press("Enter");
    await preview.locator(".pv-choices button", { hasText: "Continue as if the Form was answered" }).waitFor();
    const frame = await (await page.locator("#w-preview").elementHandle()).contentFrame(); // (record() takes page.frames)
    assert.deepEqual(await axeViolations(frame, "body"), []);
    assert.equal((await call("GET", `/api/sites/${site}/flow`, { token: KEY })).body.version, 1, "the preview wrote nothing");
    await page.locator("#w-preview").screenshot({ path: "tests/artifacts/flow-preview.png" });
    await page.locator("#bot-form").screenshot({ path: "tests/artifacts/flow-editor.png" });

    // The steps that choose among the account's things offer them, by name; axe finds nothing in them either.
    const team = (await call("POST", "/api/teams", { token: KEY, json: { name: unique("Tea team ") } })).body;
    await page.reload();
    await page.locator("#inbox").waitFor();
    await openSite();
    for (const kind of ["assign", "label", "enter_automation"]) await addStep(page, "fs-buttons-1-b0", kind);
    assert.ok((await page.locator("#fs-assign-1-to option").allTextContents()).includes(`Team: ${team.name}`));
    assert.deepEqual(await listed(page, "#flow-steps li[data-step=buttons-1] li:nth-child(1) > .flow-steps"), ["message-1", "assign-1", "label-1", "automation-1"]);
    assert.deepEqual(await axeViolations(page, "#bot-form"), []);
  } finally {
    await context.close();
  }
});
