// A visitor (the widget on the demo shop) and an agent (the inbox), each in
// its own Chromium context, chat live: each sees the other type, and every
// message arrives without a reload, over the real worker and its objects.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { URL_, unique, launchChromium, signInToInbox } from "./helpers.mjs";

let browser;
before(async () => {
  browser = await launchChromium();
});
after(() => browser?.close());

test("a visitor and an agent exchange messages and see each other type, without a reload", async () => {
  const agentContext = await browser.newContext();
  const agent = await signInToInbox(agentContext);
  const visitor = await (await browser.newContext()).newPage();
  const loads = { agent: 0, visitor: 0 };
  agent.on("load", () => loads.agent++);
  visitor.on("load", () => loads.visitor++);
  await visitor.goto(URL_ + "/");
  await visitor.locator(".launcher").click();
  await visitor.locator(".panel").waitFor({ state: "visible" });

  // The visitor writes first: the conversation appears in the agent's list.
  const first = unique("Do you ship to Norway? ");
  await visitor.locator("#parley-input").fill(first);
  await visitor.keyboard.press("Enter");
  const item = agent.locator("#list button", { hasText: first });
  await item.waitFor();
  await item.click();
  await agent.locator("#messages .msg", { hasText: first }).waitFor();

  // The visitor types: the agent sees the preview, as it is typed.
  await visitor.locator("#parley-input").pressSequentially("And to Iceland", { delay: 20 });
  await agent.locator("#visitor-typing", { hasText: "Visitor is typing: And to Iceland" }).waitFor();

  // The agent types: the visitor sees who is typing.
  await agent.locator("#reply-body").pressSequentially("Yes, we", { delay: 20 });
  const typing = visitor.locator(".typing");
  await typing.filter({ hasText: "is typing" }).waitFor();
  assert.match(await typing.textContent(), /Robin Ash is typing/);

  // The agent's reply reaches the open widget, and the indicator goes.
  const answer = unique("Yes, we ship to both. ");
  await agent.locator("#reply-body").fill(answer);
  await agent.locator("#composer button[type=submit]").click();
  await visitor.locator("li.theirs", { hasText: answer }).waitFor();
  await typing.filter({ hasText: /^$/ }).waitFor({ state: "attached" });

  // The visitor's second message reaches the open thread in the inbox.
  await visitor.keyboard.press("Enter");
  await agent.locator("#messages .msg", { hasText: "And to Iceland" }).waitFor();
  assert.deepEqual(loads, { agent: 0, visitor: 1 }, "no page was reloaded (the visitor's one load is its first)");
  await agentContext.close();
  await visitor.context().close();
});
