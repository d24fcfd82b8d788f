// The live inbox in real Chromium against the real worker's sockets: new
// messages reach the list and the open thread with no polling, the visitor's
// typing shows, agents see who else is in a conversation and who replies,
// notifications and the unread count in the title, the online/away toggle as
// a visitor's widget hears it, and catching up after the socket dropped.
import { test, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { URL_, KEY, agentGet, call, newVisitor, sendChat, signIn, asAgent, unique, launchChromium, signInToInbox, chatting, listItem, settled, eventually } from "./helpers.mjs";
import { widgetSocket, closeAll } from "./sockets.mjs";

let browser;
before(async () => {
  browser = await launchChromium();
});
// A failed test must not leave an agent's tab online for the next (presence counts every open tab).
afterEach(() => Promise.all(browser.contexts().map((c) => c.close())));
after(async () => {
  await closeAll();
  await browser?.close();
});

/**
 * A signed-in inbox tab whose context may notify, records every notification
 * made (the real constructor still runs) in `window.__notes`, and counts the
 * API requests it makes (`page.requests`). `clock`: the page's clock is
 * Playwright's (time flows, and the test can run it ahead).
 */
async function inbox(email, password, { clock = false } = {}) {
  const context = await browser.newContext();
  if (clock) await context.clock.install();
  await context.grantPermissions(["notifications"], { origin: URL_ });
  await context.addInitScript(() => {
    const Real = window.Notification;
    window.__notes = [];
    window.Notification = class extends Real {
      constructor(title, options) {
        super(title, options);
        window.__notes.push({ title, body: options?.body, tag: options?.tag, note: this });
      }
    };
  });
  const requests = [];
  context.on("request", (r) => requests.push(new URL(r.url()).pathname));
  const page = await signInToInbox(context, email, password);
  page.requests = requests;
  await live(page);
  return page;
}

/** Resolves once the tab's socket is open: the server's `team` push on connect fills the nav. */
const live = (page) => page.locator("#team-online", { hasText: /Online|Nobody/ }).waitFor();

/** Says what a visitor types, at the pace of an honest widget (the server drops typing faster than TYPING_SEND_MS / 2). */
let lastTyped = 0;
async function typing(widget, text) {
  const wait = lastTyped + 300 - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  widget.say({ type: "typing", text });
  lastTyped = Date.now();
}
const notes = (page) => page.evaluate(() => window.__notes.map(({ title, body, tag }) => ({ title, body, tag })));

test("a visitor's message reaches the list and the open thread without polling, keeps the draft, and is seen", async () => {
  const first = unique("Do you ship to Oslo? ");
  const { token, conversation } = await chatting(first);
  const agent = await inbox(undefined, undefined, { clock: true });
  await listItem(agent, first).click();
  await agent.locator("#messages .msg", { hasText: first }).waitFor();
  await agent.fill("#reply-body", "Half-written answer");
  await agent.evaluate(() => { document.getElementById("composer").dataset.marker = "kept"; });

  const widget = await widgetSocket(token);
  await widget.next((p) => p.type === "presence");
  const sentAt = Date.now();
  const second = unique("And to Bergen? ");
  assert.equal((await sendChat(token, second)).status, 201);
  await agent.locator("#messages .msg", { hasText: second }).waitFor();
  await listItem(agent, second).waitFor(); // the list's preview is the new message
  assert.equal(await agent.inputValue("#reply-body"), "Half-written answer", "the draft survives the live update");
  assert.equal(await agent.locator("#composer").getAttribute("data-marker"), "kept", "the composer was not rebuilt");
  assert.equal(await agent.locator("#messages .msg", { hasText: first }).count(), 1, "nothing shown twice");
  const seen = await widget.next((p) => p.type === "seen" && p.at >= sentAt);
  assert.ok(seen.at >= sentAt, "the open conversation was marked read, so the visitor sees Seen");
  await agent.locator("#list li:not(.unread) button", { hasText: second }).waitFor();
  assert.equal(await agent.evaluate((id) => document.querySelector(`#list button[data-id="${id}"]`) !== null, conversation), true);

  // Nothing is asked for on a timer: with no events, the inbox stays silent (the old refresh ran every 5 s).
  // A minute of the inbox's time, every timer it set firing, passes its keep-alive
  // (shared::live::PING_MS, 45 s): the positive signal is the worker's pong to that ping.
  await settled(agent, 1000);
  const before = agent.requests.length;
  const pong = agent.sockets.at(-1).waitForEvent("framereceived", { predicate: (f) => f.payload === "pong", timeout: 10_000 });
  await agent.clock.runFor(60_000);
  await pong;
  const during = agent.requests.slice(before);
  assert.deepEqual(during, [], "no request without an event");
  assert.deepEqual(agent.errors, []);
  await widget.close();
  await agent.context().close();
});

test("the visitor's typing shows in the open thread as text, and goes on empty text, a message, or 6 s without news", async () => {
  const { token, conversation } = await chatting(unique("Typing test "));
  const agent = await inbox();
  await agent.locator(`#list button[data-id="${conversation}"]`).click();
  await agent.locator("#composer").waitFor();
  const widget = await widgetSocket(token);
  await widget.next((p) => p.type === "presence");
  const preview = agent.locator("#visitor-typing");

  await typing(widget, "Is the <b>oolong</b>");
  await preview.filter({ hasText: "Visitor is typing: Is the <b>oolong</b>" }).waitFor();
  assert.equal(await agent.locator("#visitor-typing b").count(), 0, "rendered as text");
  await typing(widget, "");
  await preview.waitFor({ state: "hidden" });

  await typing(widget, "Is it organic");
  await preview.filter({ hasText: "Is it organic" }).waitFor();
  await sendChat(token, "Is it organic?");
  await agent.locator("#messages .msg", { hasText: "Is it organic?" }).waitFor();
  await preview.waitFor({ state: "hidden" });

  await typing(widget, "Never mind");
  await preview.filter({ hasText: "Never mind" }).waitFor();
  const shownAt = Date.now();
  await preview.waitFor({ state: "hidden", timeout: 9000 });
  assert.ok(Date.now() - shownAt >= 5000, "taken down after about 6 s, not at once");

  // Another visitor's typing never shows in this conversation.
  const other = await chatting(unique("Other visitor "));
  const otherWidget = await widgetSocket(other.token);
  await otherWidget.next((p) => p.type === "presence");
  await typing(otherWidget, "not for this thread");
  await typing(widget, "for this thread");
  await preview.filter({ hasText: "for this thread" }).waitFor();
  assert.doesNotMatch(await preview.textContent(), /not for this thread/);
  assert.deepEqual(agent.errors, []);
  await Promise.all([widget.close(), otherWidget.close()]);
  await agent.context().close();
});

test("agents in the same conversation see each other, and who is replying", async () => {
  const admin = await signIn();
  const email = `fern+${unique("")}@juniperandpine.example`;
  const invited = await asAgent(admin, "POST", "/api/agents", { json: { email, full_name: "Fern Live" } });
  assert.equal(invited.status, 201);
  const password = "fern-fronds-live-1";
  assert.equal((await call("POST", "/api/invitations/accept", { json: { token: invited.body.invitation_token, password } })).status, 200);

  const { token, conversation } = await chatting(unique("Two agents "));
  const robin = await inbox();
  const fern = await inbox(email, password);
  const widget = await widgetSocket(token);
  await widget.next((p) => p.type === "presence");
  for (const page of [robin, fern]) {
    await page.locator("#team-online", { hasText: "Fern Live" }).waitFor();
    await page.locator(`#list button[data-id="${conversation}"]`).click();
    await page.locator("#composer").waitFor();
  }
  await robin.locator("#viewers", { hasText: /^Also here: Fern Live$/ }).waitFor();
  await fern.locator("#viewers", { hasText: /^Also here: Robin Ash$/ }).waitFor();

  await fern.locator("#reply-body").pressSequentially("We have it");
  await robin.locator("#viewers", { hasText: "Fern Live (replying…)" }).waitFor();
  assert.equal((await widget.next((p) => p.type === "typing" && p.name)).name, "Fern Live", "the visitor sees the agent type");
  await fern.locator("#reply-body").blur();
  await robin.locator("#viewers", { hasText: /^Also here: Fern Live$/ }).waitFor();
  await widget.next((p) => p.type === "typing" && p.name === null);

  await fern.locator("#reply-body").pressSequentially("Sent now");
  await robin.locator("#viewers", { hasText: "(replying…)" }).waitFor();
  await fern.click("#composer button[type=submit]");
  await robin.locator("#messages .msg.outbound", { hasText: "Sent now" }).waitFor();
  await robin.locator("#viewers", { hasText: /^Also here: Fern Live$/ }).waitFor();

  await fern.click("#sign-out");
  await fern.locator("#signin").waitFor();
  await robin.locator("#viewers").waitFor({ state: "hidden" });
  await robin.locator("#team-online", { hasText: /^Online: Robin Ash$/ }).waitFor();
  assert.deepEqual([...robin.errors, ...fern.errors], []);
  await widget.close();
  await Promise.all([robin.context().close(), fern.context().close()]);
});

test("a message elsewhere notifies with its text; clicking the notification opens that conversation", async () => {
  const open = await chatting(unique("Open one "));
  const agent = await inbox();
  await agent.locator(`#list button[data-id="${open.conversation}"]`).click();
  await agent.locator("#composer").waitFor();

  const here = unique("In the open thread ");
  await sendChat(open.token, here);
  await agent.locator("#messages .msg", { hasText: here }).waitFor();
  const elsewhere = unique("Somewhere else ");
  const other = await chatting(elsewhere);
  await agent.waitForFunction((text) => window.__notes.some((n) => n.body === text), elsewhere);
  const made = await notes(agent);
  assert.deepEqual(made.filter((n) => n.body === elsewhere), [{ title: "New message", body: elsewhere, tag: other.conversation }]);
  assert.equal(made.filter((n) => n.body === here).length, 0, "no notification for the conversation in front of the agent");

  // A second message of a conversation the list knows is titled with its name.
  await listItem(agent, elsewhere).waitFor();
  const again = unique("Still there? ");
  await sendChat(other.token, again);
  await agent.waitForFunction((text) => window.__notes.some((n) => n.body === text), again);
  const titled = (await notes(agent)).find((n) => n.body === again);
  assert.equal(titled.title, (await agentGet(`/api/conversations/${other.conversation}`)).conversation.display_name);

  await agent.evaluate((text) => window.__notes.find((n) => n.body === text).note.dispatchEvent(new Event("click")), again);
  await agent.locator("#messages .msg", { hasText: again }).waitFor();
  assert.equal(await agent.locator("#thread").getAttribute("data-id"), other.conversation);
  assert.deepEqual(agent.errors, []);
  await agent.context().close();
});

test("the tab's title counts the unread conversations of the list", async () => {
  const tag = unique("count");
  const agent = await inbox();
  await agent.fill("#f-q", tag);
  await agent.locator("#list .empty").waitFor();
  assert.equal(await agent.title(), "Parley — Inbox");
  const ticket = async (n) => {
    const res = await call("POST", "/api/sites/s_demo/tickets", { token: KEY, json: { email: `${tag}-${n}@example.com`, body: `Form question ${n}` } });
    assert.equal(res.status, 201);
    return res.body.conversation_id;
  };
  const firstTicket = await ticket(1);
  await agent.waitForFunction(() => document.title === "(1) Parley — Inbox");
  await ticket(2);
  await agent.waitForFunction(() => document.title === "(2) Parley — Inbox");
  await agent.locator(`#list button[data-id="${firstTicket}"]`).click();
  await agent.waitForFunction(() => document.title === "(1) Parley — Inbox");
  assert.equal(await agent.locator("#list li.unread").count(), 1);
  assert.deepEqual(agent.errors, []);
  await agent.context().close();
});

test("the header's view links stay put while who is online fills in (a click aimed at one never lands on its neighbour)", async () => {
  const page = await inbox("admin@juniperandpine.example", process.env.PARLEY_ADMIN_PASSWORD);
  const links = () => page.$$eval("#nav button.link:not([hidden])", (all) => all.map((b) => `${b.id}@${Math.round(b.getBoundingClientRect().left)}`));
  const before = await links();
  // What the socket's `team` push and the presence do to the status part, at its longest.
  await page.evaluate(() => {
    document.getElementById("team-online").textContent = "Online: Juniper Admin, Fern Live, Robin Ash · Away: Sam Stone";
  });
  assert.deepEqual(await links(), before);
  await page.evaluate(() => (document.getElementById("team-online").textContent = ""));
  assert.deepEqual(await links(), before);
});

test("the away toggle: a visitor's widget hears the team go away and come back", async () => {
  const { token } = await chatting(unique("Anyone there? "));
  const widget = await widgetSocket(token);
  const first = await widget.next((p) => p.type === "presence");
  const agent = await inbox();
  const toggle = agent.locator("#away");
  assert.equal(await toggle.textContent(), "Online");
  if (!first.online) await widget.next((p) => p.type === "presence" && p.online);
  await agent.locator("#team-online", { hasText: /^Online: Robin Ash$/ }).waitFor();

  await toggle.click();
  await agent.locator("#away", { hasText: "Away" }).waitFor();
  assert.equal(await toggle.getAttribute("aria-pressed"), "true");
  assert.equal((await widget.next((p) => p.type === "presence" && !p.online)).online, false, "nobody else online: the team is away");
  await agent.locator("#team-online", { hasText: "Nobody online · Away: Robin Ash" }).waitFor();

  await agent.reload(); // the toggle is kept with the agent
  await live(agent);
  assert.equal(await agent.locator("#away").textContent(), "Away");
  await agent.locator("#away").click();
  await agent.locator("#away", { hasText: "Online" }).waitFor();
  assert.equal((await widget.next((p) => p.type === "presence" && p.online)).online, true);
  assert.deepEqual(agent.errors, []);
  await agent.goto("about:blank");
  assert.equal((await widget.next((p) => p.type === "presence" && !p.online)).online, false, "the tab closed: offline");
  await agent.context().close();
  await widget.close();
});

test("after the socket drops, the inbox reconnects with growing delays and catches up on what it missed", async () => {
  const { token, conversation } = await chatting(unique("Before the drop "));
  const context = await browser.newContext();
  let refuse = false;
  const attempts = [];
  let socket;
  await context.routeWebSocket(/\/api\/live$/, (ws) => {
    attempts.push(Date.now());
    if (refuse) return ws.close();
    socket = ws;
    ws.connectToServer();
  });
  const agent = await signInToInbox(context);
  await live(agent);
  await agent.locator(`#list button[data-id="${conversation}"]`).click();
  await agent.locator("#composer").waitFor();

  refuse = true;
  const dropped = attempts.length;
  socket.close();
  const missed = unique("Sent while disconnected ");
  assert.equal((await sendChat(token, missed)).status, 201);
  const elsewhere = unique("New conversation while disconnected ");
  await chatting(elsewhere);
  await eventually(() => attempts.length >= dropped + 3, { what: "three refused reconnects", interval: 50 });
  refuse = false;
  await agent.locator("#messages .msg", { hasText: missed }).waitFor({ timeout: 10_000 });
  await listItem(agent, elsewhere).waitFor();
  const [a, b, c] = attempts.slice(dropped, dropped + 3);
  assert.ok(c - b > (b - a) * 1.5, `the delays grow: ${b - a} ms then ${c - b} ms`);
  assert.deepEqual(agent.errors, []);
  await context.close();
});
