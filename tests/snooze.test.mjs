// Snooze (issue 22): an agent parks an open conversation until a time or
// until the customer replies. It leaves the open list ("Snoozed" shows it),
// and comes back by itself through the account's inbox object's Durable
// Object alarm (which fires by itself under wrangler dev), marked woken, with
// a live push; a customer message (chat, email) wakes it at once.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  call, chatting, sendChat, thread, agentGet, deliverMail, mailFixture, eventually, unique, KEY,
  launchChromium, signInToInbox, listItem, otherAccount, sql, URL_, newVisitor,
} from "./helpers.mjs";
import { inboxSocket, closeAll } from "./sockets.mjs";
import { axeViolations } from "./axe.mjs";

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await closeAll();
  await browser?.close();
});

const OTHER_ACCOUNT_KEY = "pk_other_account_000000000000000000000000000000000";
const snooze = (id, json, token = KEY) => call("PUT", `/api/conversations/${id}/snooze`, { token, json });
const unsnooze = (id, token = KEY) => call("DELETE", `/api/conversations/${id}/snooze`, { token });
const conversation = async (id) => (await thread(id)).conversation;
const listed = async (query) => (await agentGet(`/api/conversations?limit=100&${query}`)).conversations.map((c) => c.id);
/** Awaits a push that says this conversation changed. */
const changed = (live, id, timeout) => live.next((p) => p.type === "conversation" && p.conversation_id === id, { timeout });
/** Awaits the conversation woken by itself (its snooze gone, marked woken). */
const woken = (id) => eventually(async () => {
  const c = await conversation(id);
  return !c.snoozed && c.woken_at !== null ? c : null;
}, { what: `${id} woken`, timeout: 30_000 });

test("snoozed until a time, it leaves the open list and wakes by itself then: marked, listed, pushed live", async () => {
  const live = await inboxSocket({ key: KEY });
  const { conversation: id } = await chatting("snooze me for a moment");
  const until = Date.now() + 3000;
  const res = await snooze(id, { until });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.conversation.snoozed, true);
  assert.equal(res.body.conversation.snoozed_until, until);
  assert.equal(res.body.conversation.woken_at, null);
  await changed(live, id); // the snooze itself
  assert.ok(!(await listed("status=open")).includes(id), "out of the open list");
  assert.ok(!(await listed("")).includes(id), "out of the default list");
  assert.ok((await listed("snoozed=true")).includes(id), "in the Snoozed list");
  assert.ok((await listed("snoozed=true&status=open&channel=chat")).includes(id), "with the other filters");

  await changed(live, id, 30_000); // the wake, pushed by the alarm
  const back = await conversation(id);
  assert.equal(back.snoozed, false);
  assert.equal(back.snoozed_until, null);
  assert.ok(back.woken_at >= until, `woken at ${back.woken_at}, not before ${until}`);
  const open = (await agentGet("/api/conversations?status=open&limit=100")).conversations.find((c) => c.id === id);
  assert.ok(open, "back in the open list");
  assert.equal(open.woken_at, back.woken_at, "the list shows it woken");
  assert.ok(!(await listed("snoozed=true")).includes(id));
});

test("snooze times are checked: in the future, within a year, one kind of wake, an offset of a real time zone", async () => {
  const { conversation: id } = await chatting("check my snooze");
  const now = Date.now();
  const refusals = [
    [{ until: now - 1000 }, "snooze_in_past"],
    [{ until: now + 367 * 86_400_000 }, "snooze_too_far"],
    [{ preset: "tomorrow" }, "invalid_snooze"],
    [{ preset: "tomorrow", utc_offset_minutes: 900 }, "utc_offset_invalid"],
    [{ until: now + 60_000, until_reply: true }, "invalid_snooze"],
    [{ until_reply: false }, "invalid_snooze"],
    [{}, "invalid_snooze"],
  ];
  for (const [body, code] of refusals) {
    const res = await snooze(id, body);
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.equal(res.body.error.code, code, JSON.stringify(body));
  }
  assert.equal((await snooze(id, { preset: "yesterday", utc_offset_minutes: 0 })).status, 400);
  assert.equal((await conversation(id)).snoozed, false, "nothing written by a refusal");

  const tomorrow = await snooze(id, { preset: "tomorrow", utc_offset_minutes: 60 });
  assert.equal(tomorrow.status, 200);
  const at = tomorrow.body.conversation.snoozed_until;
  assert.ok(at > now && at <= now + 2 * 86_400_000, `tomorrow is ${at}`);
  assert.equal(new Date(at).getUTCHours(), 8, "09:00 in UTC+1 is 08:00 UTC");
  const later = await snooze(id, { preset: "later_today", utc_offset_minutes: 0 });
  assert.ok(later.body.conversation.snoozed_until >= now + 3 * 3_600_000);
  assert.equal(later.body.conversation.snoozed_until % 3_600_000, 0, "on the hour");
  const untilReply = await snooze(id, { until_reply: true });
  assert.equal(untilReply.body.conversation.snoozed, true);
  assert.equal(untilReply.body.conversation.snoozed_until, null, "no time: the reply wakes it");
});

test("another account's conversation is not found; a closed one cannot be snoozed; closing ends a snooze", async () => {
  const { conversation: id } = await chatting("not yours");
  assert.equal((await snooze(id, { until_reply: true }, OTHER_ACCOUNT_KEY)).status, 404);
  assert.equal((await unsnooze(id, OTHER_ACCOUNT_KEY)).status, 404);
  assert.equal((await snooze("c_nobody", { until_reply: true })).status, 404);
  assert.equal((await conversation(id)).snoozed, false);

  assert.equal((await snooze(id, { until: Date.now() + 86_400_000 })).status, 200);
  const closed = await call("PATCH", `/api/conversations/${id}`, { token: KEY, json: { status: "closed" } });
  assert.equal(closed.status, 200);
  assert.equal(closed.body.conversation.snoozed, false, "closing ends the snooze");
  assert.equal(closed.body.conversation.snoozed_until, null);
  const refused = await snooze(id, { until_reply: true });
  assert.equal(refused.status, 409);
  assert.equal(refused.body.error.code, "conversation_not_open");
  const reopened = await call("PATCH", `/api/conversations/${id}`, { token: KEY, json: { status: "open" } });
  assert.equal(reopened.body.conversation.snoozed, false, "reopening does not bring the snooze back");
});

test("unsnoozed by hand, it is back in the open list at once and never marked woken", async () => {
  const { conversation: id } = await chatting("back now");
  await snooze(id, { until: Date.now() + 86_400_000 });
  const res = await unsnooze(id);
  assert.equal(res.status, 200);
  assert.equal(res.body.conversation.snoozed, false);
  assert.equal(res.body.conversation.woken_at, null);
  assert.ok((await listed("status=open")).includes(id));
  assert.equal((await unsnooze(id)).status, 200, "unsnoozing twice changes nothing more");
});

test("a customer's chat message wakes a snoozed conversation at once, whatever its time", async () => {
  for (const body of [{ until_reply: true }, { until: Date.now() + 86_400_000 }]) {
    const { token, conversation: id } = await chatting("first");
    assert.equal((await snooze(id, body)).status, 200);
    const sent = await sendChat(token, "I'm back");
    assert.equal(sent.status, 201);
    const c = await conversation(id);
    assert.equal(c.snoozed, false, JSON.stringify(body));
    assert.equal(c.snoozed_until, null);
    assert.equal(c.woken_at, sent.body.message.created_at, "woken by the message, in its write");
    assert.ok((await listed("status=open")).includes(id));
  }
});

test("a customer's email reply (through the email handler) wakes its snoozed conversation", async () => {
  const tag = unique("");
  const v = { From: `Snooze+${tag}@Example.org`, from: `snooze+${tag}@example.org`, id: `${tag}.snooze@mail.example.org`, marker: `snooze-${tag}` };
  assert.equal((await deliverMail(mailFixture("plain.eml", v), { from: v.from })).status, 200);
  const found = (await agentGet("/api/conversations?channel=email&limit=100")).conversations.find((c) => c.contact_email === v.from);
  assert.ok(found, "the mail's conversation");
  assert.equal((await snooze(found.id, { until: Date.now() + 7 * 86_400_000 })).status, 200);
  const reply = { ...v, id: `${tag}.reply@mail.example.org`, parent: v.id, marker: `${v.marker}-reply` };
  assert.equal((await deliverMail(mailFixture("reply.eml", reply), { from: v.from })).status, 200);
  const c = await conversation(found.id);
  assert.equal(c.snoozed, false);
  assert.ok(c.woken_at > 0, "marked woken");
});

test("a snooze moved later or cancelled is not woken at its old time, while one still due is", async () => {
  const [moved, cancelled, due] = await Promise.all(["moved", "cancelled", "due"].map((w) => chatting(w).then((c) => c.conversation)));
  const soon = Date.now() + 2500;
  for (const id of [moved, cancelled]) assert.equal((await snooze(id, { until: soon })).status, 200);
  assert.equal((await snooze(due, { until: soon + 1000 })).status, 200);
  const later = Date.now() + 86_400_000;
  assert.equal((await snooze(moved, { until: later })).status, 200);
  assert.equal((await unsnooze(cancelled)).status, 200);
  // The alarm, armed for `soon`, ran past it once `due` is woken.
  await woken(due);
  const m = await conversation(moved);
  assert.equal(m.snoozed, true, "the moved snooze still holds");
  assert.equal(m.snoozed_until, later);
  assert.equal(m.woken_at, null);
  const c = await conversation(cancelled);
  assert.equal(c.snoozed, false);
  assert.equal(c.woken_at, null, "a cancelled snooze is not marked woken");
});

test("the alarm wakes a conversation once: a later alarm (as a retry would) changes nothing more", async () => {
  const live = await inboxSocket({ key: KEY });
  const { conversation: first } = await chatting("wake once");
  assert.equal((await snooze(first, { until: Date.now() + 2000 })).status, 200);
  const once = await woken(first);
  const { conversation: second } = await chatting("wake later");
  await snooze(second, { until: Date.now() + 2000 });
  await changed(live, second); // its snooze
  await woken(second); // the alarm ran again
  const again = await conversation(first);
  assert.equal(again.woken_at, once.woken_at, "not woken twice");
  assert.equal(again.snoozed, false);
  const wakes = live.pushes.filter((p) => p.type === "conversation" && p.conversation_id === first);
  assert.ok(wakes.length <= 2, `at most its snooze and its one wake: ${JSON.stringify(wakes)}`);
});

test("a customer's reply racing the alarm: each conversation wakes once, nothing is lost or doubled", async () => {
  const chats = await Promise.all([1, 2, 3, 4].map((n) => chatting(`race ${n}`)));
  const until = Date.now() + 2500;
  for (const { conversation: id } of chats) assert.equal((await snooze(id, { until })).status, 200);
  // Each reply is sent as the alarm is due: whichever lands first wakes it.
  const replies = chats.map(({ token }, i) => new Promise((resolve) => setTimeout(resolve, until - Date.now() + (i - 2) * 40))
    .then(() => sendChat(token, "racing the alarm")));
  for (const sent of await Promise.all(replies)) assert.equal(sent.status, 201);
  for (const { conversation: id } of chats) {
    const c = await woken(id);
    assert.equal(c.snoozed_until, null);
    assert.ok(c.woken_at >= until - 200, `woken at ${c.woken_at}, around ${until}`);
    const { messages } = await thread(id);
    assert.deepEqual(messages.filter((m) => m.direction === "inbound").map((m) => m.body), [messages[0].body, "racing the alarm"].slice(0, 2));
  }
  // After the race, the next alarm changes none of them.
  const before = await Promise.all(chats.map(({ conversation: id }) => conversation(id)));
  const { conversation: witness } = await chatting("witness");
  await snooze(witness, { until: Date.now() + 1500 });
  await woken(witness);
  const after_ = await Promise.all(chats.map(({ conversation: id }) => conversation(id)));
  assert.deepEqual(after_.map((c) => [c.snoozed, c.woken_at]), before.map((c) => [c.snoozed, c.woken_at]));
});

test("the inbox's snooze menu works by keyboard alone, axe finds nothing, and a wake comes back live", async () => {
  const tag = unique("snooze-ui-");
  const { conversation: id } = await chatting(`please wait ${tag}`);
  const agent = await signInToInbox(await browser.newContext({ bypassCSP: true })); // axe is injected as a script
  const found = [];
  const check = async (view) => {
    for (const part of ["#thread", "#list", ".filters"]) found.push(...(await axeViolations(agent, part)).map((v) => `${view} ${part}: ${v}`));
  };
  await listItem(agent, tag).click();
  const menuButton = agent.locator("#snooze");
  await menuButton.waitFor();
  const focused = () => agent.evaluate(() => document.activeElement?.textContent ?? "");

  // Open with Enter: the first entry has the focus; arrows, Home and End move; Escape closes back on the button.
  await menuButton.focus();
  await agent.keyboard.press("Enter");
  assert.equal(await menuButton.getAttribute("aria-expanded"), "true");
  assert.equal(await focused(), "Later today");
  await check("menu open");
  await agent.keyboard.press("ArrowDown");
  assert.equal(await focused(), "Tomorrow");
  await agent.keyboard.press("End");
  assert.equal(await focused(), "Pick a date and time…");
  await agent.keyboard.press("ArrowDown");
  assert.equal(await focused(), "Later today", "the arrows wrap");
  await agent.keyboard.press("Escape");
  assert.equal(await agent.locator("#snooze-menu").isHidden(), true);
  assert.equal(await agent.evaluate(() => document.activeElement?.id), "snooze");

  // ArrowDown opens it too; Enter on "Tomorrow" snoozes: the head says until when, the list lets it go.
  await agent.keyboard.press("ArrowDown");
  await agent.keyboard.press("ArrowDown");
  await agent.keyboard.press("Enter");
  await agent.locator(".snoozed-until", { hasText: "Snoozed until" }).waitFor();
  const snoozed = await conversation(id);
  assert.equal(snoozed.snoozed, true);
  assert.ok(snoozed.snoozed_until > Date.now() && snoozed.snoozed_until <= Date.now() + 2 * 86_400_000);
  await listItem(agent, tag).waitFor({ state: "detached" });
  await agent.selectOption("#f-status", "snoozed");
  await listItem(agent, tag).locator(".snoozed").waitFor();
  await check("snoozed, in the Snoozed list");

  // Unsnooze by keyboard, then a chosen date and time through the form.
  await agent.locator("#unsnooze").focus();
  await agent.keyboard.press("Enter");
  await menuButton.waitFor();
  assert.equal((await conversation(id)).snoozed, false);
  await menuButton.focus();
  await agent.keyboard.press("ArrowUp");
  assert.equal(await focused(), "Pick a date and time…");
  await agent.keyboard.press("Enter");
  assert.equal(await agent.evaluate(() => document.activeElement?.id), "snooze-at");
  await check("the date and time form");
  const wanted = new Date(Date.now() + 3 * 86_400_000);
  wanted.setSeconds(0, 0);
  const local = new Date(wanted.getTime() - wanted.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  await agent.fill("#snooze-at", local);
  await agent.keyboard.press("Enter");
  await agent.locator("#unsnooze").waitFor();
  assert.equal((await conversation(id)).snoozed_until, wanted.getTime());

  // Woken by its alarm while the Snoozed list is shown: it leaves it live, and the open list marks it.
  assert.equal((await snooze(id, { until: Date.now() + 2500 })).status, 200);
  await listItem(agent, tag).waitFor();
  await listItem(agent, tag).waitFor({ state: "detached", timeout: 30_000 });
  await agent.selectOption("#f-status", "open");
  await listItem(agent, tag).locator(".woken").waitFor();
  await check("woken, in the open list");
  assert.deepEqual(found, []);
  assert.deepEqual(agent.errors, []);
});

test("a snooze whose alarm was never set still wakes: the cron's backstop finds its account overdue and sets the alarm", async () => {
  // A fresh account's conversation, snoozed for a day; then its wake time is
  // moved into the past behind the worker's back, as if the alarm for it had
  // never been set: the account's object still waits for tomorrow.
  const other = await otherAccount({ site: true });
  const token = await newVisitor(other.site);
  const sent = await sendChat(token, "wake me even if the alarm is lost");
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
  const id = sent.body.message.conversation_id;
  const live = await inboxSocket({ key: other.key });
  await live.next((p) => p.type === "team");
  assert.equal((await snooze(id, { until: Date.now() + 86_400_000 }, other.key)).status, 200);
  await changed(live, id); // the snooze itself
  const now = Date.now();
  await sql(`UPDATE conversations SET wake_at = ${now - 1000} WHERE id = '${id}'`);
  const mine = async () => (await call("GET", `/api/conversations/${id}`, { token: other.key })).body.conversation;
  assert.equal((await mine()).snoozed, true, "overdue, and nothing has woken it");

  // What Cron Triggers run (wrangler dev --test-scheduled exposes it).
  const cron = await fetch(`${URL_}/__scheduled?cron=${encodeURIComponent("*/5 * * * *")}`);
  assert.equal(cron.status, 200, await cron.text());
  await changed(live, id, 30_000);
  const back = await mine();
  assert.equal(back.snoozed, false);
  assert.ok(back.woken_at >= now, `woken at ${back.woken_at}, by the cron's alarm`);
});
