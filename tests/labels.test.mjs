// Labels on the real worker: the primary admin's CRUD with its validation (a
// 4xx naming the problem, nothing half-written), agents putting labels on
// conversations and contacts (idempotent, never across accounts), the list
// filtered by several labels combined with status and search, and a
// contact's export and erasure; and in Chromium, the list's label filter,
// editing a thread's and a contact's labels, and managing labels in
// Settings, by keyboard, with axe-core finding nothing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { AGENT_KEY, KEY, call, newVisitor, sendChat, sql, unique, launchChromium, signInToInbox, eventually, otherAccount } from "./helpers.mjs";
import { axeViolations } from "./axe.mjs";

let browser;
before(async () => {
  browser = await launchChromium();
});
after(() => browser?.close());

const createLabel = (json, token = KEY) => call("POST", "/api/labels", { token, json });
const labels = async (token = KEY) => (await call("GET", "/api/labels", { token })).body.labels;
const label = async (name = unique("L "), colour = "#1d4ed8") => {
  const made = await createLabel({ name, colour });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  return made.body;
};
const tag = (id, json, token = KEY) => call("PATCH", `/api/conversations/${id}/labels`, { token, json });
const tagContact = (id, json, token = KEY) => call("PATCH", `/api/contacts/${id}/labels`, { token, json });
const list = async (query, token = KEY) => {
  const res = await call("GET", `/api/conversations?${query}`, { token });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.conversations.map((c) => c.id);
};

/** A chat conversation; with `email`, given that contact by "click to add". */
async function chat(text = unique("hello "), email) {
  const token = await newVisitor();
  await sendChat(token, text);
  const { conversation_id: id } = (await call("GET", "/api/widget/conversation", { token })).body;
  let contact;
  if (email) {
    const added = await call("POST", `/api/conversations/${id}/contact`, { token: KEY, json: { email } });
    assert.equal(added.status, 200, JSON.stringify(added.body));
    contact = (await call("GET", `/api/conversations/${id}`, { token: KEY })).body.conversation.contact_id;
  }
  return { id, text, token, contact };
}


test("labels are validated (name, colour with its AA text colour), names unique per team in any case, and a refused write changes nothing", async () => {
  const name = unique("Billing ");
  const made = await label(` ${name} `, " #FDE68A ");
  assert.deepEqual([made.name, made.colour, made.text_colour], [name, "#fde68a", "#000000"]);
  assert.equal((await label(unique("Dark "), "#1e3a8a")).text_colour, "#ffffff");
  assert.ok((await labels()).some((l) => l.id === made.id));

  const before = await labels();
  const refusals = [
    [{ name, colour: "#000000" }, 409, "label_name_taken"],
    [{ name: name.toUpperCase(), colour: "#000000" }, 409, "label_name_taken"],
    [{ name: " ", colour: "#000000" }, 400, "label_name_invalid"],
    [{ name: "x".repeat(41), colour: "#000000" }, 400, "label_name_invalid"],
    [{ name: "two\nlines", colour: "#000000" }, 400, "label_name_invalid"],
    [{ name: unique("c "), colour: "red" }, 400, "label_colour_invalid"],
    [{ name: unique("c "), colour: "#fff" }, 400, "label_colour_invalid"],
    [{ name: unique("c "), colour: "#12345g" }, 400, "label_colour_invalid"],
  ];
  for (const [json, status, code] of refusals) {
    const res = await createLabel(json);
    assert.equal(res.status, status, JSON.stringify(json));
    assert.equal(res.body.error.code, code, JSON.stringify(json));
    assert.ok(res.body.error.message.length > 10);
  }
  assert.deepEqual(await labels(), before, "nothing written by a refusal");

  // Renaming and recolouring: checked alike; a refused change keeps the label as it was.
  const other = await label();
  const patch = (id, json, token = KEY) => call("PATCH", `/api/labels/${id}`, { token, json });
  assert.equal((await patch(other.id, { name })).body.error.code, "label_name_taken");
  assert.equal((await patch(other.id, { colour: "blue" })).body.error.code, "label_colour_invalid");
  assert.equal((await patch(other.id, { name: unique("ok "), colour: "nope" })).status, 400);
  assert.deepEqual((await labels()).find((l) => l.id === other.id), other);
  const renamed = await patch(other.id, { name: unique("Renamed "), colour: "#ffffff" });
  assert.equal(renamed.status, 200);
  assert.equal(renamed.body.text_colour, "#000000");
  assert.equal((await patch("lb_nope", { name: "x" })).status, 404);
});

test("raced creations of one name make one label, and raced adds of one label one link", async () => {
  const name = unique("Race ");
  const answers = await Promise.all(Array.from({ length: 6 }, () => createLabel({ name, colour: "#0f766e" })));
  assert.deepEqual(answers.map((r) => r.status).sort(), [201, 409, 409, 409, 409, 409]);
  const made = answers.find((r) => r.status === 201).body;
  const { id } = await chat();
  const adds = await Promise.all(Array.from({ length: 6 }, () => tag(id, { add: [made.id] })));
  assert.ok(adds.every((r) => r.status === 200 && r.body.label_ids.join() === made.id));
  const [links] = await sql(`SELECT COUNT(*) AS n FROM conversation_labels WHERE conversation_id = '${id}'`);
  assert.equal(links.n, 1);
});

test("only the primary admin defines labels; any agent lists and applies them", async () => {
  const made = await label();
  assert.equal((await createLabel({ name: unique("A "), colour: "#000000" }, AGENT_KEY)).status, 403);
  assert.equal((await call("PATCH", `/api/labels/${made.id}`, { token: AGENT_KEY, json: { name: "x" } })).status, 403);
  assert.equal((await call("DELETE", `/api/labels/${made.id}`, { token: AGENT_KEY })).status, 403);
  assert.ok((await labels(AGENT_KEY)).some((l) => l.id === made.id));
  const { id } = await chat();
  const res = await tag(id, { add: [made.id] }, AGENT_KEY);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body.label_ids, [made.id]);
});

test("adding and removing labels is idempotent, checked before anything is written, and shown on the conversation", async () => {
  const [a, b] = [await label(unique("a ")), await label(unique("b "))];
  const { id } = await chat();
  const first = await tag(id, { add: [a.id, b.id, a.id] });
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.deepEqual(first.body.label_ids, [a.id, b.id], "by name, each once");
  const again = await tag(id, { add: [a.id, b.id] });
  assert.deepEqual(again.body.label_ids, [a.id, b.id], "a retried add changes nothing");
  const [links] = await sql(`SELECT COUNT(*) AS n FROM conversation_labels WHERE conversation_id = '${id}'`);
  assert.equal(links.n, 2);
  assert.deepEqual((await call("GET", `/api/conversations/${id}`, { token: KEY })).body.conversation.label_ids, [a.id, b.id]);

  // Unknown label: 400, and the valid part of the change is not written either.
  const c = await label();
  const bad = await tag(id, { add: [c.id, "lb_nope"], remove: [a.id] });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, "label_unknown");
  assert.deepEqual((await call("GET", `/api/conversations/${id}`, { token: KEY })).body.conversation.label_ids, [a.id, b.id], "nothing of a refused change");
  for (const json of [{}, { add: [] }, { add: [a.id], remove: [a.id] }, { add: Array.from({ length: 21 }, (_, i) => `l${i}`) }]) {
    const res = await tag(id, json);
    assert.equal(res.status, 400, JSON.stringify(json));
    assert.equal(res.body.error.code, "label_change_invalid");
  }
  assert.deepEqual((await tag(id, { remove: [a.id] })).body.label_ids, [b.id]);
  assert.deepEqual((await tag(id, { remove: [a.id] })).body.label_ids, [b.id], "a retried remove changes nothing");
  assert.equal((await tag("c_nope", { add: [a.id] })).status, 404);
});

test("another account's labels, conversations and contacts are 404 or unknown, and it never sees ours", async () => {
  const other = await otherAccount();
  const ours = await label();
  const { id, contact } = await chat(unique("mine "), `${unique("own")}@example.org`);
  const theirs = (await createLabel({ name: unique("Theirs "), colour: "#b91c1c" }, other.key)).body;
  assert.ok(theirs.id);
  assert.ok(!(await labels(other.key)).some((l) => l.id === ours.id));
  assert.ok(!(await labels()).some((l) => l.id === theirs.id));
  assert.equal((await call("PATCH", `/api/labels/${ours.id}`, { token: other.key, json: { name: "stolen" } })).status, 404);
  assert.equal((await call("DELETE", `/api/labels/${ours.id}`, { token: other.key })).status, 404);
  assert.equal((await tag(id, { add: [theirs.id] }, other.key)).status, 404);
  assert.equal((await tagContact(contact, { add: [theirs.id] }, other.key)).status, 404);
  assert.equal((await tag(id, { add: [theirs.id] })).body.error.code, "label_unknown");
  assert.equal((await tagContact(contact, { add: [theirs.id] })).body.error.code, "label_unknown");
  assert.deepEqual(await list(`labels=${ours.id}`, other.key), []);
  assert.ok((await labels()).find((l) => l.id === ours.id).name === ours.name);
});

test("the list filters by several labels (all of them), combined with status, assignee and search, paged without gaps", async () => {
  const [vip, late] = [await label(unique("vip ")), await label(unique("late "))];
  const word = unique("teapot");
  const both = await chat(`${word} both`);
  const onlyVip = await chat(`${word} vip`);
  const onlyLate = await chat(unique("plain "));
  const bothClosed = await chat(`${word} closed`);
  for (const c of [both, bothClosed]) await tag(c.id, { add: [vip.id, late.id] });
  await tag(onlyVip.id, { add: [vip.id] });
  await tag(onlyLate.id, { add: [late.id] });
  await call("PATCH", `/api/conversations/${bothClosed.id}`, { token: KEY, json: { status: "closed" } });

  assert.deepEqual(new Set(await list(`labels=${vip.id}`)), new Set([both.id, onlyVip.id, bothClosed.id]));
  assert.deepEqual(new Set(await list(`labels=${vip.id},${late.id}`)), new Set([both.id, bothClosed.id]));
  assert.deepEqual(new Set(await list(`labels=${late.id},${vip.id}`)), new Set([both.id, bothClosed.id]), "in any order");
  assert.deepEqual(await list(`labels=${vip.id},${late.id}&status=open`), [both.id]);
  assert.deepEqual(await list(`labels=${vip.id},${late.id}&status=closed`), [bothClosed.id]);
  assert.deepEqual(await list(`labels=${vip.id},${late.id}&assignee=unassigned&status=open&channel=chat`), [both.id]);
  assert.deepEqual(new Set(await list(`labels=${vip.id}&q=${word}`)), new Set([both.id, onlyVip.id, bothClosed.id]));
  assert.deepEqual(await list(`labels=${vip.id},${late.id}&q=${word}&status=open`), [both.id]);
  assert.deepEqual(await list(`labels=${late.id}&q=${word}&status=open`), [both.id]);
  assert.equal((await list(`labels=${vip.id},${late.id}`))[0], bothClosed.id, "newest activity first");

  // Each listed conversation says its labels; a new message moves it to the top of the filtered list too.
  const listed = (await call("GET", `/api/conversations?labels=${vip.id}`, { token: KEY })).body.conversations;
  assert.deepEqual(listed.find((c) => c.id === onlyVip.id).label_ids, [vip.id]);
  await sendChat(onlyVip.token, "one more");
  assert.equal((await list(`labels=${vip.id}`))[0], onlyVip.id);

  // Pages of one: the same rows in the same order, none twice.
  const all = await list(`labels=${vip.id}`);
  const paged = [];
  let next = "";
  do {
    const page = (await call("GET", `/api/conversations?labels=${vip.id}&limit=1${next ? `&before=${encodeURIComponent(next)}` : ""}`, { token: KEY })).body;
    paged.push(...page.conversations.map((c) => c.id));
    next = page.next;
  } while (next && paged.length < 10);
  assert.deepEqual(paged, all);

  for (const bad of ["labels=", "labels=,", `labels=${Array.from({ length: 11 }, (_, i) => `l${i}`).join(",")}`]) {
    const res = await call("GET", `/api/conversations?${bad}`, { token: KEY });
    assert.equal(res.status, 400, bad);
    assert.equal(res.body.error.code, "invalid_filter");
  }
  assert.deepEqual(await list("labels=lb_unknown"), []);
});

test("deleting a label takes it off every conversation and contact", async () => {
  const gone = await label();
  const kept = await label();
  const { id, contact } = await chat(unique("bye "), `${unique("del")}@example.org`);
  await tag(id, { add: [gone.id, kept.id] });
  await tagContact(contact, { add: [gone.id] });
  const res = await call("DELETE", `/api/labels/${gone.id}`, { token: KEY });
  assert.equal(res.status, 200);
  assert.equal((await call("DELETE", `/api/labels/${gone.id}`, { token: KEY })).status, 404);
  const [links] = await sql(`SELECT (SELECT COUNT(*) FROM conversation_labels WHERE label_id = '${gone.id}') + (SELECT COUNT(*) FROM contact_labels WHERE label_id = '${gone.id}') AS n`);
  assert.equal(links.n, 0);
  assert.deepEqual((await call("GET", `/api/conversations/${id}`, { token: KEY })).body.conversation.label_ids, [kept.id]);
  assert.deepEqual((await call("GET", `/api/contacts/${contact}`, { token: KEY })).body.contact.label_ids, []);
});

test("contacts carry labels: shown on the profile, in the export, and erased with the contact", async () => {
  const [a, b] = [await label(unique("Lead ")), await label(unique("Partner "))];
  const email = `${unique("lab")}@example.org`;
  const { id, contact } = await chat(unique("export me "), email);
  const added = await tagContact(contact, { add: [a.id, b.id] });
  assert.equal(added.status, 200, JSON.stringify(added.body));
  assert.deepEqual((await tagContact(contact, { add: [a.id] })).body.label_ids, [a.id, b.id]);
  assert.deepEqual((await call("GET", `/api/contacts/${contact}`, { token: KEY })).body.contact.label_ids, [a.id, b.id]);
  await tag(id, { add: [b.id] });

  const exported = (await call("GET", `/api/contacts/${contact}/export`, { token: KEY })).body;
  assert.deepEqual(exported.labels.map((l) => l.name), [a.name, b.name]);
  assert.deepEqual(exported.conversation_labels.map((l) => [l.conversation_id, l.name]), [[id, b.name]]);

  const erased = await call("DELETE", `/api/contacts/${contact}`, { token: KEY });
  assert.equal(erased.status, 200, JSON.stringify(erased.body));
  const [left] = await sql(`SELECT (SELECT COUNT(*) FROM contact_labels WHERE contact_id = '${contact}') AS contact,
    (SELECT COUNT(*) FROM conversation_labels WHERE conversation_id = '${id}') AS conversation,
    (SELECT COUNT(*) FROM labels WHERE id IN ('${a.id}', '${b.id}')) AS labels`);
  assert.deepEqual({ ...left }, { contact: 0, conversation: 0, labels: 2 });
});

test("a team keeps 100 labels at most", async () => {
  const other = await otherAccount();
  const values = Array.from({ length: 99 }, (_, i) => `('${other.account}_l${i}', '${other.account}', 'n${i}', '#000000', 0, 0)`).join(", ");
  await sql(`INSERT INTO labels (id, account_id, name, colour, created_at, updated_at) VALUES ${values}`);
  assert.equal((await createLabel({ name: "the hundredth", colour: "#000000" }, other.key)).status, 201);
  const full = await createLabel({ name: "one too many", colour: "#000000" }, other.key);
  assert.equal(full.status, 409);
  assert.equal(full.body.error.code, "labels_full");
  assert.equal((await labels(other.key)).length, 100);
});

// In Chromium: the inbox's label filter, chips and editors, and Settings › Labels.

/** "rgb(r, g, b)" of "#rrggbb", as computed styles give colours. */
const rgb = (hex) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(", ")})`;

/** The ids the inbox's list shows now. */
const listedIds = (page) => page.$$eval("#list button[data-id]", (bs) => bs.map((b) => b.dataset.id));

test("the inbox's list filters by labels ticked by keyboard, and shows each conversation's chips in AA colours (under the inbox's own CSP)", async () => {
  const [vip, late] = [await label(unique("Vip "), "#fde68a"), await label(unique("Late "), "#7f1d1d")];
  const both = await chat(unique("both "));
  const onlyVip = await chat(unique("vip only "));
  await tag(both.id, { add: [vip.id, late.id] });
  await tag(onlyVip.id, { add: [vip.id] });
  const context = await browser.newContext();
  try {
    const page = await signInToInbox(context);
    await page.locator("#f-labels").waitFor();
    await page.focus("#f-labels-summary");
    await page.keyboard.press("Enter");
    await page.focus(`#f-labels-options input[value="${vip.id}"]`);
    await page.keyboard.press("Space");
    await eventually(async () => {
      const ids = await listedIds(page);
      return ids.length === 2 && ids.includes(both.id) && ids.includes(onlyVip.id);
    }, { what: "the list of the vip label" });
    await page.focus(`#f-labels-options input[value="${late.id}"]`);
    await page.keyboard.press("Space");
    await eventually(async () => (await listedIds(page)).join() === both.id, { what: "the list of both labels" });
    assert.equal(await page.textContent("#f-labels-summary"), "Labels (2)");

    // With the search too: a word of the other conversation finds nothing here.
    await page.fill("#f-q", onlyVip.text);
    await eventually(async () => (await page.textContent("#list")).includes("No conversations."), { what: "an empty filtered search" });
    await page.fill("#f-q", both.text);
    await eventually(async () => (await listedIds(page)).join() === both.id, { what: "the filtered search" });

    const chips = page.locator(`#list button[data-id="${both.id}"] .label-chip`);
    assert.deepEqual(await chips.allTextContents(), [late.name, vip.name], "by name");
    const vipChip = page.locator(`#list button[data-id="${both.id}"] .label-chip`, { hasText: vip.name });
    const style = await vipChip.evaluate((e) => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]);
    assert.deepEqual(style, [rgb("#fde68a"), rgb("#000000")]);
    const lateChip = page.locator(`#list button[data-id="${both.id}"] .label-chip`, { hasText: late.name });
    assert.deepEqual(await lateChip.evaluate((e) => getComputedStyle(e).color), rgb("#ffffff"));
  } finally {
    await context.close();
  }
});

test("a thread's and a contact's labels are edited by keyboard, the focus kept, and axe finds nothing in the editors", async () => {
  const [red, teal] = [await label(unique("Red "), "#b91c1c"), await label(unique("Teal "), "#5eead4")];
  const { id, contact } = await chat(unique("edit me "), `${unique("kb")}@example.org`);
  const context = await browser.newContext({ bypassCSP: true });
  try {
    const page = await signInToInbox(context);
    const item = page.locator(`#list button[data-id="${id}"]`);
    await item.focus();
    await page.keyboard.press("Enter");
    await page.locator("#thread-labels summary").waitFor();
    await page.focus("#thread-labels summary");
    await page.keyboard.press("Enter");
    const box = `#thread-labels input[value="${red.id}"]`;
    await page.focus(box);
    await page.keyboard.press("Space");
    await eventually(async () => (await call("GET", `/api/conversations/${id}`, { token: KEY })).body.conversation.label_ids.join() === red.id, { what: "the label on the conversation" });
    await page.locator("#thread-labels .label-chips .label-chip", { hasText: red.name }).waitFor();
    assert.equal(await page.evaluate(() => /** @type {HTMLInputElement} */ (document.activeElement).value), red.id, "the focus stays on the checkbox");
    await item.locator(".label-chip", { hasText: red.name }).waitFor(); // the list shows it too
    assert.deepEqual(await axeViolations(page, "#thread-labels"), []);

    await page.keyboard.press("Space"); // and off again
    await eventually(async () => (await call("GET", `/api/conversations/${id}`, { token: KEY })).body.conversation.label_ids.length === 0, { what: "the label taken off" });
    await page.locator("#thread-labels .label-chips .label-chip").waitFor({ state: "detached" });

    // The contact panel.
    await page.locator("#contact-labels summary").waitFor();
    await page.focus("#contact-labels summary");
    await page.keyboard.press("Enter");
    await page.focus(`#contact-labels input[value="${teal.id}"]`);
    await page.keyboard.press("Space");
    await eventually(async () => (await call("GET", `/api/contacts/${contact}`, { token: KEY })).body.contact.label_ids.join() === teal.id, { what: "the label on the contact" });
    await page.locator("#contact-labels .label-chips .label-chip", { hasText: teal.name }).waitFor();
    assert.deepEqual(await axeViolations(page, "#contact-labels"), []);
    assert.deepEqual(await axeViolations(page, ".list-pane"), []);
  } finally {
    await context.close();
  }
});

test("the primary admin adds, renames, recolours and deletes labels in Settings by keyboard; refusals show the reason; axe finds nothing", async () => {
  const context = await browser.newContext({ bypassCSP: true });
  try {
    const { id } = await chat(unique("open while labels change "));
    const page = await signInToInbox(context);
    await page.click(`#list button[data-id="${id}"]`);
    await page.locator("#thread-labels summary").waitFor();
    await page.click("#to-settings");
    await page.locator("#lb-form").waitFor();
    const name = unique("Urgent ");
    await page.fill("#lb-colour", "#facc15");
    // Each action aims at its field (the settings view may still be loading its preview frame, which can take the focus).
    await page.fill("#lb-name", name);
    await page.press("#lb-name", "Enter");
    const row = page.locator("#labels-admin li", { has: page.locator(`input[value="${name}"]`) });
    await row.waitFor();
    const made = (await labels()).find((l) => l.name === name);
    assert.deepEqual([made.colour, made.text_colour], ["#facc15", "#000000"]);
    await eventually(async () => (await page.inputValue("#lb-name")) === "", { what: "the form emptied for the next one" });

    // The same name again: refused with the worker's reason, nothing added.
    await page.fill("#lb-name", name.toUpperCase());
    await page.press("#lb-name", "Enter");
    await eventually(async () => (await page.textContent("#lb-error")).includes("already has this name"), { what: `the refusal (${await page.inputValue("#lb-name")})` });
    assert.equal((await labels()).filter((l) => l.name.toLowerCase() === name.toLowerCase()).length, 1);

    // Rename and recolour in place.
    const renamed = unique("Later ");
    await row.locator("input[type=color]").fill("#1e3a8a");
    const nameBox = row.locator("input:not([type=color])");
    await nameBox.fill(renamed);
    await nameBox.press("Enter");
    await eventually(async () => (await labels()).some((l) => l.id === made.id && l.name === renamed && l.colour === "#1e3a8a"), { what: "the label renamed and recoloured" });
    const renamedRow = page.locator("#labels-admin li", { has: page.locator(`input[value="${renamed}"]`) });
    await renamedRow.waitFor();
    assert.equal(await renamedRow.locator(".label-chip").evaluate((e) => getComputedStyle(e).color), rgb("#ffffff"));
    assert.deepEqual(await axeViolations(page, "#labels-admin"), []);
    assert.deepEqual(await axeViolations(page, "#lb-form"), []);

    // Back in the inbox, the open thread's editor and the list's filter offer the new label.
    await page.click("#to-inbox");
    await page.locator(`#thread-labels input[value="${made.id}"]`).waitFor({ state: "attached" });
    await page.locator(`#f-labels-options input[value="${made.id}"]`).waitFor({ state: "attached" });
    await page.click("#to-settings");
    await renamedRow.waitFor();
    await renamedRow.locator("button", { hasText: "Delete" }).press("Enter");
    await eventually(async () => !(await labels()).some((l) => l.id === made.id), { what: "the label deleted" });
    await renamedRow.waitFor({ state: "detached" });
  } finally {
    await context.close();
  }
});

test("a conversation's labels changed in one tab are pushed to the team's other tabs, once per change", async () => {
  const { inboxSocket, closeAll } = await import("./sockets.mjs");
  try {
    const l = await label();
    const { id, contact } = await chat(unique("pushed "), `pushed+${unique("")}@example.org`);
    const live = await inboxSocket({ key: AGENT_KEY });
    const changed = (p) => p.type === "conversation" && p.conversation_id === id;
    assert.equal((await tag(id, { add: [l.id] })).status, 200);
    await live.next(changed);
    assert.equal((await tagContact(contact, { add: [l.id] })).status, 200);
    assert.equal((await tag(id, { remove: [l.id] })).status, 200);
    await live.next(changed);
    assert.deepEqual(live.pushes.filter(changed), [], "one push per change of the conversation's labels, none for the contact's");
  } finally {
    await closeAll();
  }
});
