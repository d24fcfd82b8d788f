// Settings › Chatbot as a flow, through HTTP: a site's flow and its version,
// saves that are checked (the step at fault named) and checked against the
// account, each save a new version (racing saves too), and the preview of an
// unsaved flow that writes nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { call, KEY, otherAccount, sql, unique } from "./helpers.mjs";

const admin = (method, path, json) => call(method, path, { token: KEY, json });
const newSite = async () => (await admin("POST", "/api/sites", { name: unique("Flow shop ") })).body.id;
const flowOf = (site) => admin("GET", `/api/sites/${site}/flow`);
const save = (site, flow) => admin("PUT", `/api/sites/${site}/flow`, flow);
const preview = (site, json) => admin("POST", `/api/sites/${site}/flow/preview`, json);
const versions = async (site) => (await sql(`SELECT COUNT(*) AS n FROM flow_versions WHERE site_id = '${site}'`))[0].n;

const form = { type: "form", id: "form", phone: "optional", company: "hidden", full_name: "required" };
/** A flow that greets, asks with two buttons (each its own branch, joined by a go-to), asks a question, then the Form and a handover. */
function tea() {
  return {
    trigger: { type: "on_page", url: "/pricing*", seconds: 30 },
    greeting: { text: "Hello! Need help choosing a tea?" },
    steps: [
      { type: "message", id: "hi", text: "I am the tea bot." },
      {
        type: "buttons", id: "kind", text: "Green or black?",
        buttons: [
          { label: "Green", steps: [{ type: "message", id: "green", text: "Try the sencha." }] },
          { label: "Black", steps: [{ type: "message", id: "black", text: "Try the assam." }, { type: "goto", id: "rejoin", target: "ask" }] },
        ],
      },
      { type: "question", id: "ask", text: "How many cups a day?", save: { type: "conversation", key: "cups" } },
      form,
      { type: "wait_for_agent", id: "handover", text: "Someone will answer shortly." },
    ],
  };
}

test("a site that never saved a flow shows its blocks' flow as version 0; saves are versions 1, 2, … and the newest is the site's", async () => {
  const site = await newSite();
  const before = await flowOf(site);
  assert.equal(before.status, 200);
  assert.equal(before.body.version, 0);
  assert.equal(before.body.site_id, site);
  assert.deepEqual(before.body.flow.trigger, { type: "first_message" });
  assert.ok(before.body.flow.steps.some((s) => s.type === "form"), "the blocks' Form is a step");

  const first = await save(site, tea());
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.deepEqual(first.body, { site_id: site, version: 1, flow: tea() });
  const changed = { ...tea(), trigger: { type: "open" } };
  const second = await save(site, changed);
  assert.equal(second.body.version, 2);
  assert.deepEqual((await flowOf(site)).body, { site_id: site, version: 2, flow: changed });
  const rows = await sql(`SELECT version, flow, created_by FROM flow_versions WHERE site_id = '${site}' ORDER BY version`);
  assert.deepEqual(rows.map((r) => r.version), [1, 2], "the first version is kept, not replaced");
  assert.deepEqual(JSON.parse(rows[0].flow), tea());
  assert.ok(rows[0].created_by, "who saved it is kept");
});

test("a refused flow names the step at fault in error.step and its message, and writes nothing", async () => {
  const site = await newSite();
  assert.equal((await save(site, tea())).status, 200);
  const steps = tea().steps;
  const cases = [
    ["unreachable", { ...tea(), steps: [...steps, { type: "message", id: "orphan", text: "Nobody gets here." }] }, "flow_unreachable", "orphan"],
    ["loops", { ...tea(), steps: [{ type: "message", id: "top", text: "Again" }, { type: "goto", id: "again", target: "top" }] }, "flow_loops", "again"],
    ["automation without Form", { ...tea(), steps: [{ type: "enter_automation", id: "hook", automation_id: "au_x" }, { type: "close", id: "end" }] }, "flow_needs_form", "hook"],
    ["empty text", { ...tea(), steps: [steps[0], { ...steps[1], text: " " }, ...steps.slice(2)] }, "flow_invalid", "kind"],
    ["same id twice", { ...tea(), steps: [steps[0], steps[0], ...steps.slice(1)] }, "flow_invalid", "hi"],
  ];
  for (const [what, flow, code, step] of cases) {
    const res = await save(site, flow);
    assert.equal(res.status, 400, what);
    assert.equal(res.body.error.code, code, what);
    assert.equal(res.body.error.step, step, what);
    assert.match(res.body.error.message, new RegExp(`"${step}"`), what);
  }
  const tooMany = { ...tea(), steps: Array.from({ length: 101 }, (_, i) => ({ type: "message", id: `m${i}`, text: "x" })) };
  const res = await save(site, tooMany);
  assert.equal(res.body.error.code, "flow_invalid");
  assert.equal(res.body.error.step, undefined, "a fault of the whole flow names no step");
  const zone = await save(site, { ...tea(), offline: { message: { text: "Closed." }, hours: Array(7).fill(null), time_zone: "Mars/Olympus" } });
  assert.equal(zone.body.error.code, "time_zone_invalid");
  assert.equal((await save(site, { ...tea(), colour: "red" })).body.error.code, "malformed_json", "unknown fields are refused");
  assert.equal(await versions(site), 1, "no refusal wrote a version");
  assert.equal((await flowOf(site)).body.version, 1);
});

test("teams, agents, labels, attribute keys of another account and automations of another site are refused by step", async () => {
  const site = await newSite();
  const other = await otherAccount({ site: true });
  const theirs = (method, path, json) => call(method, path, { token: other.key, json });
  const [myTeam, theirTeam] = [(await admin("POST", "/api/teams", { name: unique("Flow team ") })).body.id, (await theirs("POST", "/api/teams", { name: unique("Their team ") })).body.id];
  const [myLabel, theirLabel] = [(await admin("POST", "/api/labels", { name: unique("flow "), colour: "#fde68a" })).body.id, (await theirs("POST", "/api/labels", { name: unique("their "), colour: "#fde68a" })).body.id];
  const myKey = unique("plan_").replace(/[^a-z0-9_]/g, "a");
  const theirKey = unique("tier_").replace(/[^a-z0-9_]/g, "a");
  assert.equal((await admin("POST", "/api/attributes", { key: myKey, name: "Plan", kind: "text" })).status, 201);
  assert.equal((await theirs("POST", "/api/attributes", { key: theirKey, name: "Tier", kind: "text" })).status, 201);
  const hook = (s) => admin("POST", `/api/sites/${s}/automations`, { name: "flow", url: "http://127.0.0.1:9/hook" });
  const [myHook, otherSitesHook] = [(await hook(site)).body.automation.id, (await hook(await newSite())).body.automation.id];
  const uses = ({ team = myTeam, agent = "ag_fixture_agent", label = myLabel, key = myKey, automation = myHook } = {}) => ({
    trigger: { type: "first_message" },
    steps: [
      { type: "question", id: "plan", text: "Which plan?", save: { type: "attribute", key } },
      form,
      { type: "assign", id: "team", to: { type: "team", id: team } },
      { type: "assign", id: "agent", to: { type: "agent", id: agent } },
      { type: "label", id: "tag", label_id: label },
      { type: "enter_automation", id: "hook", automation_id: automation },
      { type: "wait_for_agent", id: "wait" },
    ],
  });
  for (const [what, change, step] of [
    ["their team", { team: theirTeam }, "team"],
    ["their agent", { agent: other.agent }, "agent"],
    ["their label", { label: theirLabel }, "tag"],
    ["their attribute key", { key: theirKey }, "plan"],
    ["another site's automation", { automation: otherSitesHook }, "hook"],
  ]) {
    const res = await save(site, uses(change));
    assert.equal(res.status, 400, what);
    assert.equal(res.body.error.code, "flow_reference_unknown", `${what}: ${res.body.error.message}`);
    assert.equal(res.body.error.step, step, what);
  }
  assert.equal(await versions(site), 0);
  const ok = await save(site, uses());
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.version, 1);
  // Another account's admin neither reads, saves nor previews this site's flow.
  assert.equal((await theirs("GET", `/api/sites/${site}/flow`)).status, 404);
  assert.equal((await theirs("PUT", `/api/sites/${site}/flow`, tea())).status, 404);
  assert.equal((await theirs("POST", `/api/sites/${site}/flow/preview`, { flow: tea() })).status, 404);
  assert.equal(await versions(site), 1);
});

test("saves that race each land as their own version, and the site runs the last one written", async () => {
  const site = await newSite();
  const flows = Array.from({ length: 6 }, (_, i) => ({ trigger: { type: "open" }, steps: [{ type: "message", id: "m", text: `Racer ${i}` }, { type: "close", id: "end" }] }));
  const answers = await Promise.all(flows.map((f) => save(site, f)));
  assert.deepEqual(answers.map((a) => a.status), flows.map(() => 200));
  const got = answers.map((a) => a.body.version).sort((a, b) => a - b);
  assert.deepEqual(got, [1, 2, 3, 4, 5, 6], "distinct versions, none lost");
  const newest = answers.find((a) => a.body.version === 6).body.flow;
  assert.deepEqual((await flowOf(site)).body, { site_id: site, version: 6, flow: newest });
});

test("the preview runs an unsaved flow to each wait, through the buttons and the question, and writes nothing", async () => {
  const site = await newSite();
  const start = await preview(site, { flow: tea() });
  assert.equal(start.status, 200, JSON.stringify(start.body));
  assert.deepEqual(start.body, {
    echo: null,
    effects: [{ type: "say", text: "I am the tea bot." }, { type: "say", text: "Green or black?" }],
    wait: { step: "kind", prompt: { type: "buttons", labels: ["Green", "Black"] } },
  });
  const black = await preview(site, { flow: tea(), step: "kind", choice: 1 });
  assert.deepEqual(black.body, {
    echo: "Black",
    effects: [{ type: "say", text: "Try the assam." }, { type: "say", text: "How many cups a day?" }],
    wait: { step: "ask", prompt: { type: "question" } },
  });
  const cups = await preview(site, { flow: tea(), step: "ask", text: " Three " });
  assert.equal(cups.body.echo, "Three");
  assert.deepEqual(cups.body.effects, [{ type: "save", to: { type: "conversation", key: "cups" }, value: "Three" }]);
  assert.deepEqual(cups.body.wait, { step: "form", prompt: { type: "form", phone: "optional", company: "hidden", full_name: "required" } });
  const done = await preview(site, { flow: tea(), step: "form" });
  assert.deepEqual(done.body, { echo: null, effects: [{ type: "say", text: "Someone will answer shortly." }], wait: null });

  const refused = await preview(site, { flow: tea(), step: "hi", choice: 0 });
  assert.equal(refused.status, 400);
  assert.equal(refused.body.error.code, "flow_answer_refused");
  assert.equal(refused.body.error.step, "hi");
  const invalid = await preview(site, { flow: { ...tea(), steps: [...tea().steps, { type: "close", id: "lost" }] } });
  assert.equal(invalid.body.error.step, "lost", "a flow that could not be saved is not previewed");
  assert.equal((await preview(site, { flow: tea(), step: "kind", choice: 0, text: "both" })).body.error.code, "preview_invalid");

  assert.equal(await versions(site), 0, "no version written");
  assert.equal((await flowOf(site)).body.version, 0);
  assert.equal((await sql(`SELECT flow_version FROM sites WHERE id = '${site}'`))[0].flow_version, null);
});

test("saving the chatbot's blocks after a flow makes the site run the blocks' flow again; the versions stay", async () => {
  const site = await newSite();
  assert.equal((await save(site, tea())).body.version, 1);
  const blocks = [{ type: "greeting", text: "Blocks again." }, { type: "form", phone: "hidden", company: "hidden", full_name: "hidden" }];
  assert.equal((await admin("PUT", `/api/sites/${site}/chatbot`, { blocks })).status, 200);
  const now = (await flowOf(site)).body;
  assert.equal(now.version, 0);
  assert.equal(now.flow.greeting.text, "Blocks again.");
  assert.equal((await call("GET", `/api/widget/sites/${site}/config`)).body.greeting, "Blocks again.");
  assert.equal(await versions(site), 1, "version 1 is kept for the conversations on it");
  assert.equal((await save(site, tea())).body.version, 2, "the next save goes on from the highest");
});
