// Teams in the inbox (issue 22), through real Chromium: the primary admin's
// Settings › Teams (teams, members, capacity, the chosen site's rules) and
// the thread's assign control and the list's "My teams" filter, all by
// keyboard, with axe-core finding nothing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { KEY, call, agentGet, newVisitor, sendChat, widgetView, unique, launchChromium, signInToInbox, eventually } from "./helpers.mjs";
import { axeViolations } from "./axe.mjs";

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  // The fixture agent's capacity back to none, as other suites expect it.
  await call("PUT", "/api/agents/ag_fixture_agent/capacity", { token: KEY, json: { capacity: null } });
});

const teams = async () => (await agentGet("/api/teams")).teams;

test("the primary admin makes a team, fills it, sets a capacity and a site's rule in Settings by keyboard; refusals show the reason; axe finds nothing", async () => {
  // A site of its own: its rule touches no other suite's conversations.
  const siteName = unique("Teams UI ");
  const site = (await call("POST", "/api/sites", { token: KEY, json: { name: siteName } })).body.id;
  const context = await browser.newContext({ bypassCSP: true });
  try {
    const page = await signInToInbox(context);
    await page.click("#to-settings");
    await page.locator("#capacity-admin li").first().waitFor(); // the section loaded
    const name = unique("Returns ");
    await page.fill("#tm-name", name);
    await page.press("#tm-name", "Enter");
    const row = page.locator("#teams-admin li", { has: page.locator(`input[value="${name}"]`) });
    await row.waitFor();
    const team = (await teams()).find((t) => t.name === name);
    assert.ok(team, "created");
    // (Each action aims at its field: the settings view's preview frame may take the focus while it loads.)
    await eventually(async () => (await page.inputValue("#tm-name")) === "", { what: "the form emptied for the next one" });

    // The same name again: refused with the worker's reason.
    await page.fill("#tm-name", name.toUpperCase());
    await page.press("#tm-name", "Enter");
    await eventually(async () => (await page.textContent("#tm-error")).includes("already has this name"), { what: "the refusal" });

    // A member ticked by keyboard; the focus stays on the box once the view is rebuilt.
    const box = `[data-focus="member:${team.id}:ag_fixture_agent"]`;
    await page.focus(box);
    await page.keyboard.press("Space");
    await eventually(async () => (await teams()).find((t) => t.id === team.id).agent_ids.includes("ag_fixture_agent"), { what: "Kit in the team" });
    await eventually(async () => page.evaluate((sel) => document.activeElement === document.querySelector(sel) && document.activeElement.checked, box), { what: "the focus kept on the ticked box" });

    // Kit's capacity.
    const capacity = '[data-focus="capacity:ag_fixture_agent"]';
    await page.focus(capacity);
    await page.keyboard.type("3");
    await page.keyboard.press("Enter");
    await eventually(async () => (await agentGet("/api/agents")).agents.find((a) => a.id === "ag_fixture_agent").capacity === 3, { what: "the capacity saved" });
    await eventually(async () => (await page.textContent("#tm-saved")) === "Saved.", { what: "the status line" });

    // The rule of the site chosen above: its chats go to the team.
    await page.selectOption("#s-site", site);
    await page.locator(`#rules-admin[data-site="${site}"] #rule-chat`).waitFor();
    await page.focus("#rule-chat");
    await page.selectOption("#rule-chat", team.id);
    await eventually(async () => {
      const { rules } = (await call("GET", `/api/sites/${site}/assignment-rules`, { token: KEY })).body;
      return rules.length === 1 && rules[0].channel === "chat" && rules[0].team_id === team.id;
    }, { what: "the chat rule" });
    const token = await newVisitor(site);
    await sendChat(token, "routed by the rule");
    const routed = (await agentGet(`/api/conversations/${(await widgetView(token)).conversation_id}`)).conversation;
    assert.equal(routed.team_id, team.id);

    for (const part of ["#teams-admin", "#tm-form", "#capacity-admin", "#rules-admin"]) {
      assert.deepEqual(await axeViolations(page, part), [], part);
    }
    // "No rule" deletes it.
    await page.focus("#rule-chat");
    await page.selectOption("#rule-chat", "");
    await eventually(async () => (await call("GET", `/api/sites/${site}/assignment-rules`, { token: KEY })).body.rules.length === 0, { what: "the rule deleted" });
  } finally {
    await context.close();
  }
});

test("the thread assigns to a team by keyboard, the trail says so, the list filters Mine, My teams and Unassigned; axe finds nothing", async () => {
  const { agent: me } = (await call("GET", "/api/session", { token: KEY })).body;
  const mine = (await call("POST", "/api/teams", { token: KEY, json: { name: unique("Front desk ") } })).body;
  await call("PATCH", `/api/teams/${mine.id}/members`, { token: KEY, json: { add: [me.id] } });
  const token = await newVisitor();
  const text = unique("assign me ");
  await sendChat(token, text);
  const id = (await widgetView(token)).conversation_id;
  const context = await browser.newContext({ bypassCSP: true });
  try {
    const page = await signInToInbox(context);
    const item = page.locator(`#list button[data-id="${id}"]`);
    await item.focus();
    await page.keyboard.press("Enter");
    await page.locator("#assign-team").waitFor();
    await page.focus("#assign-team");
    await page.selectOption("#assign-team", mine.id);
    await eventually(async () => (await agentGet(`/api/conversations/${id}`)).conversation.team_id === mine.id, { what: "the team assigned" });
    await page.locator("#messages .event", { hasText: `assigned it to the team ${mine.name}` }).waitFor();
    await eventually(async () => page.evaluate(() => document.activeElement?.id === "assign-team"), { what: "the focus kept on the team menu" });
    await item.locator(".preview", { hasText: `Team ${mine.name}` }).waitFor();
    assert.deepEqual(await axeViolations(page, ".thread-head"), []);

    // The list: My teams shows it, Mine (nobody assigned) and Unassigned follow the agent.
    await page.fill("#f-q", text);
    const listed = () => page.$$eval("#list button[data-id]", (bs) => bs.map((b) => b.dataset.id));
    await page.focus("#f-assignee");
    await page.selectOption("#f-assignee", "team:mine");
    await eventually(async () => (await listed()).join() === id, { what: "My teams" });
    await page.selectOption("#f-assignee", "me");
    await eventually(async () => (await page.textContent("#list")).includes("No conversations."), { what: "Mine: nothing yet" });
    await page.selectOption("#f-assignee", "unassigned");
    await eventually(async () => (await listed()).join() === id, { what: "Unassigned: no agent yet" });
    assert.deepEqual(await axeViolations(page, ".list-pane"), []);
  } finally {
    await context.close();
  }
});
