// Site-owner settings over HTTP, on the real worker: sites (add, rename,
// switch off without losing data), each site's widget (a colour white text
// cannot be read on is refused) and its chatbot (blocks, exactly one Form),
// and what reaches the widget's config. The Settings page is in settings.test.mjs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { call, newVisitor, sendChat, agentGet, unique, AGENT_KEY, KEY } from "./helpers.mjs";

const config = async (site) => (await call("GET", `/api/widget/sites/${site}/config`)).body;

test("the primary admin adds and renames sites; agents list them but change nothing", async () => {
  const name = unique("Shop ");
  assert.equal((await call("POST", "/api/sites", { token: AGENT_KEY, json: { name } })).status, 403);
  const created = await call("POST", "/api/sites", { token: KEY, json: { name: `  ${name} ` } });
  assert.equal(created.status, 201);
  assert.deepEqual({ ...created.body, id: undefined }, { id: undefined, name, enabled: true });
  const renamed = await call("PATCH", `/api/sites/${created.body.id}`, { token: KEY, json: { name: `${name} (EU)` } });
  assert.equal(renamed.body.name, `${name} (EU)`);
  const listed = (await call("GET", "/api/sites", { token: AGENT_KEY })).body.sites;
  assert.ok(listed.some((s) => s.id === created.body.id && s.name === `${name} (EU)`), "any agent lists the account's sites");
  assert.equal((await call("PATCH", `/api/sites/${created.body.id}`, { token: AGENT_KEY, json: { name: "x" } })).status, 403);
  assert.equal((await call("POST", "/api/sites", { token: KEY, json: { name: " " } })).body.error.code, "site_name_invalid");
  assert.equal((await call("PATCH", "/api/sites/s_nowhere", { token: KEY, json: { name: "x" } })).status, 404);
  const widget = await config(created.body.id);
  assert.equal(widget.name, `${name} (EU)`, "the new site's widget works at once");
});

test("a switched-off site shows no widget and takes no new visitor, and loses nothing", async () => {
  const site = (await call("POST", "/api/sites", { token: KEY, json: { name: unique("Pop-up ") } })).body.id;
  const token = await newVisitor(site);
  const text = unique("before the switch ");
  await sendChat(token, text);
  assert.equal((await call("PATCH", `/api/sites/${site}`, { token: KEY, json: { enabled: false } })).body.enabled, false);
  assert.equal((await config(site)).enabled, false, "the config says so");
  const refused = await call("POST", `/api/widget/sites/${site}/visitors`);
  assert.equal(refused.status, 403);
  assert.equal(refused.body.error.code, "site_disabled");
  const { conversations } = await agentGet("/api/conversations?channel=chat");
  assert.ok(conversations.some((c) => c.site_id === site && c.preview === text), "its conversation is still there");
  await call("PATCH", `/api/sites/${site}`, { token: KEY, json: { enabled: true } });
  assert.equal((await config(site)).enabled, true);
  assert.equal((await call("POST", `/api/widget/sites/${site}/visitors`)).status, 201);
});

test("widget settings: colour (WCAG AA under white text), launcher, language", async () => {
  const site = (await call("POST", "/api/sites", { token: KEY, json: { name: unique("Widget ") } })).body.id;
  const yellow = await call("PATCH", `/api/sites/${site}/widget`, { token: KEY, json: { color: "#ffcc00" } });
  assert.equal(yellow.status, 400);
  assert.equal(yellow.body.error.code, "color_invalid");
  assert.match(yellow.body.error.message, /4\.5:1/);
  const saved = await call("PATCH", `/api/sites/${site}/widget`, { token: KEY, json: { color: "#33503F", position: "left", language: "fr" } });
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  assert.deepEqual([saved.body.color, saved.body.position, saved.body.language], ["#33503f", "left", "fr"]);
  const widget = await config(site);
  assert.deepEqual([widget.color, widget.position, widget.language], ["#33503f", "left", "fr"]);
  assert.equal((await call("PATCH", `/api/sites/${site}/widget`, { token: KEY, json: { position: "top" } })).body.error.code, "malformed_json");
  assert.equal((await call("GET", `/api/sites/${site}/widget`, { token: AGENT_KEY })).status, 403);
});

test("the greeting speaks French by default and takes a site's own translation", async () => {
  const site = (await call("POST", "/api/sites", { token: KEY, json: { name: unique("Langues ") } })).body.id;
  const start = await config(site);
  assert.equal(start.greeting, "Hi! How can we help?");
  assert.deepEqual(start.greetings, { fr: "Bonjour ! Comment pouvons-nous vous aider ?" }, "the default greeting in French");
  const blocks = [
    { type: "greeting", text: "Questions about tea?", translations: { fr: "Une question sur le thé ?" } },
    { type: "form", phone: "hidden", company: "hidden", full_name: "hidden" },
  ];
  assert.equal((await call("PUT", `/api/sites/${site}/chatbot`, { token: KEY, json: { blocks } })).status, 200);
  const saved = await config(site);
  assert.deepEqual([saved.greeting, saved.greetings], ["Questions about tea?", { fr: "Une question sur le thé ?" }]);
});

test("the chatbot is blocks with exactly one Form; the widget's config follows it", async () => {
  const site = (await call("POST", "/api/sites", { token: KEY, json: { name: unique("Bot ") } })).body.id;
  const automation = (await call("POST", `/api/sites/${site}/automations`, { token: KEY, json: { name: "Newsletter", url: "https://hooks.example.org/parley" } })).body.automation.id;
  const start = (await call("GET", `/api/sites/${site}/chatbot`, { token: KEY })).body.chatbot;
  assert.deepEqual(start.blocks.map((b) => b.type), ["greeting", "form"], "the default chatbot greets, then asks the Form");
  const blocks = [
    { type: "greeting", text: "Bonjour ! Une question sur le thé ?" },
    { type: "form", phone: "required", company: "hidden", full_name: "optional" },
    { type: "enter_automation", automation_id: automation },
    { type: "offline", text: "Nous sommes absents.", hours: [{ open: 540, close: 1080 }, null, null, null, null, null, null], time_zone: "Europe/Paris" },
  ];
  const saved = await call("PUT", `/api/sites/${site}/chatbot`, { token: KEY, json: { blocks } });
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  // A block saved without a target enters a Parley automation (a webhook), and says so.
  const answered = blocks.map((b) => (b.type === "enter_automation" ? { ...b, target: "webhook" } : b));
  assert.deepEqual(saved.body.chatbot.blocks, answered);
  assert.deepEqual((await call("GET", `/api/sites/${site}/chatbot`, { token: KEY })).body.chatbot.blocks, answered);
  const widget = await config(site);
  assert.equal(widget.greeting, "Bonjour ! Une question sur le thé ?");
  assert.deepEqual(widget.greetings, {}, "no translation was given");
  assert.deepEqual(widget.form, { phone: "required", company: "hidden", full_name: "optional" });

  const elsewhere = await call("PUT", `/api/sites/${site}/chatbot`, { token: KEY, json: { blocks: [blocks[1], { type: "enter_automation", automation_id: "au_of_another_site" }] } });
  assert.equal(elsewhere.body.error.code, "automation_unknown");
  for (const bad of [[], [blocks[1], blocks[1]], [{ type: "greeting", text: " " }, blocks[1]]]) {
    const res = await call("PUT", `/api/sites/${site}/chatbot`, { token: KEY, json: { blocks: bad } });
    assert.equal(res.body.error.code, "chatbot_invalid", JSON.stringify(bad));
  }
  assert.equal((await call("PUT", `/api/sites/${site}/chatbot`, { token: KEY, json: { blocks: [{ type: "confetti" }] } })).body.error.code, "malformed_json");
  assert.equal((await call("PUT", `/api/sites/${site}/chatbot`, { token: AGENT_KEY, json: { blocks } })).status, 403);
  assert.deepEqual((await config(site)).form, { phone: "required", company: "hidden", full_name: "optional" }, "refused saves changed nothing");
});

test("outside its business hours, in its own time zone, a site's widget config carries the offline message", async () => {
  const site = (await call("POST", "/api/sites", { token: KEY, json: { name: unique("Hours ") } })).body.id;
  const form = { type: "form", phone: "hidden", company: "hidden", full_name: "hidden" };
  const offline = (hours, time_zone = "Pacific/Auckland") => ({ type: "offline", text: "We are away; we will answer by email.", hours, time_zone, translations: { fr: "Nous sommes absents ; nous répondrons par email." } });
  const closed = Array(7).fill(null);
  const open = Array(7).fill({ open: 0, close: 1440 });
  assert.equal((await call("PUT", `/api/sites/${site}/chatbot`, { token: KEY, json: { blocks: [form, offline(closed)] } })).status, 200);
  const away = await config(site);
  assert.equal(away.offline, "We are away; we will answer by email.");
  assert.deepEqual(away.offlines, { fr: "Nous sommes absents ; nous répondrons par email." });
  assert.equal((await call("PUT", `/api/sites/${site}/chatbot`, { token: KEY, json: { blocks: [form, offline(open)] } })).status, 200);
  assert.equal((await config(site)).offline, null, "open around the clock: no offline message");

  // Open only from the current hour in the site's zone for two hours (into the
  // next day when it is 23:00 there): open now, whatever the test's clock.
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-US", { timeZone: "Pacific/Auckland", weekday: "short", hour: "2-digit", hourCycle: "h23" })
    .formatToParts(new Date()).map((p) => [p.type, p.value]));
  const day = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(parts.weekday);
  const hour = Number(parts.hour);
  const nowOpen = closed.map((_, d) => {
    if (d === day) return { open: hour * 60, close: Math.min(1440, hour * 60 + 120) };
    if (hour === 23 && d === (day + 1) % 7) return { open: 0, close: 60 };
    return null;
  });
  await call("PUT", `/api/sites/${site}/chatbot`, { token: KEY, json: { blocks: [form, offline(nowOpen)] } });
  assert.equal((await config(site)).offline, null, "within today's hours in Auckland");

  const bad = await call("PUT", `/api/sites/${site}/chatbot`, { token: KEY, json: { blocks: [form, offline(closed, "Mars/Olympus_Mons")] } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, "time_zone_invalid");
});
