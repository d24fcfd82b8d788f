// Teams and assignment rules (issue 22): the primary admin makes teams, fills
// them, sets each agent's capacity and, per site and channel, a rule that
// assigns new conversations: to the team, then round robin among its agents
// who are online (a live inbox tab, not away) and under capacity, else to the
// team alone. The choice is one D1 statement inside the batch that starts the
// conversation; the race below starts many at once.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { call, agentGet, newVisitor, sendChat, widgetView, sql, unique, eventually, AGENT_KEY, KEY } from "./helpers.mjs";
import { inboxSocket, closeAll } from "./sockets.mjs";

after(closeAll);

const trips = (res) => Number(res.headers.get("x-d1-round-trips"));
const admin = (method, path, json) => call(method, path, { token: KEY, json });

/** New agents of the demo account, each with an API key (their credential), in one write. */
async function newAgents(names) {
  const agents = names.map((name) => {
    const id = unique("ag_");
    const key = `pk_${randomBytes(24).toString("hex")}`;
    return { id, key, name, hash: createHash("sha256").update(key).digest("hex") };
  });
  await sql(agents.map((a) =>
    `INSERT INTO agents (id, account_id, email, full_name, role, password_hash, created_at)
       VALUES ('${a.id}', 'a_demo', '${a.id}@juniperandpine.example', '${a.name} ${a.id.slice(3, 7)}', 'agent', 'x', 0);
     INSERT INTO api_keys (id, token_hash, prefix, agent_id, label, created_at)
       VALUES ('${unique("key_")}', '${a.hash}', '${a.key.slice(0, 10)}', '${a.id}', 'teams', 0);`).join("\n"));
  return agents;
}

/** Another account with its own primary admin and API key. */
async function otherAccount() {
  const [account, agent] = [unique("a_"), unique("ag_")];
  const key = `pk_${randomBytes(24).toString("hex")}`;
  await sql(`INSERT INTO accounts (id, name, created_at) VALUES ('${account}', 'Other team', 0);
     INSERT INTO agents (id, account_id, email, full_name, role, password_hash, created_at) VALUES ('${agent}', '${account}', '${agent}@other.example', 'Other Admin', 'primary_admin', 'x', 0);
     INSERT INTO api_keys (id, token_hash, prefix, agent_id, label, created_at) VALUES ('${unique("key_")}', '${createHash("sha256").update(key).digest("hex")}', '${key.slice(0, 10)}', '${agent}', 'other', 0);`);
  return { account, agent, key };
}

/** A site of its own (its rules touch no other suite), a team of `agents` and a chat rule to it. */
async function routed(agents, { channel = "chat" } = {}) {
  const site = (await admin("POST", "/api/sites", { name: unique("Teams shop ") })).body.id;
  const team = (await admin("POST", "/api/teams", { name: unique("Support ") })).body;
  if (agents.length) {
    const members = await admin("PATCH", `/api/teams/${team.id}/members`, { add: agents.map((a) => a.id) });
    assert.equal(members.status, 200, JSON.stringify(members.body));
  }
  const rule = await admin("PUT", `/api/sites/${site}/assignment-rules`, { channel, team_id: team.id });
  assert.equal(rule.status, 200, JSON.stringify(rule.body));
  return { site, team: team.id, rule: rule.body };
}

/** Puts agents online: one live inbox tab each (D1 counts it before the socket opens). */
const online = (agents) => Promise.all(agents.map((a) => inboxSocket({ key: a.key })));

/** A visitor of `site` starts a chat; the conversation as the inbox lists it. */
async function startChat(site, body = "hello") {
  const token = await newVisitor(site);
  const sent = await sendChat(token, body);
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
  const id = (await widgetView(token)).conversation_id;
  return { ...(await agentGet(`/api/conversations/${id}`)), sent };
}

test("the primary admin makes, renames and deletes teams; names are checked and unique in any case; agents list them, never change them", async () => {
  const name = unique("Billing ");
  const made = await admin("POST", "/api/teams", { name: `  ${name} ` });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  assert.deepEqual([made.body.name, made.body.agent_ids], [name, []]);
  assert.equal((await admin("POST", "/api/teams", { name: name.toUpperCase() })).body.error.code, "team_name_taken");
  for (const bad of ["", "   ", "a\nb", "x".repeat(41)]) {
    assert.equal((await admin("POST", "/api/teams", { name: bad })).body.error.code, "team_name_invalid", JSON.stringify(bad));
  }
  // Agents see the teams (to assign to one) and change nothing.
  assert.ok((await call("GET", "/api/teams", { token: AGENT_KEY })).body.teams.some((t) => t.id === made.body.id));
  for (const [method, path, json] of [["POST", "/api/teams", { name: unique("Mine ") }], ["PATCH", `/api/teams/${made.body.id}`, { name: "Hijack" }],
    ["DELETE", `/api/teams/${made.body.id}`], ["PATCH", `/api/teams/${made.body.id}/members`, { add: ["ag_fixture_agent"] }],
    ["PUT", "/api/agents/ag_fixture_agent/capacity", { capacity: 5 }], ["PUT", "/api/sites/s_demo/assignment-rules", { channel: "chat", team_id: made.body.id }]]) {
    assert.equal((await call(method, path, { token: AGENT_KEY, json })).status, 403, `${method} ${path}`);
  }
  const renamed = await admin("PATCH", `/api/teams/${made.body.id}`, { name: `${name} EU` });
  assert.equal(renamed.body.name, `${name} EU`);
  const other = (await admin("POST", "/api/teams", { name: unique("Other ") })).body;
  assert.equal((await admin("PATCH", `/api/teams/${other.id}`, { name: `${name} eu` })).body.error.code, "team_name_taken");
  assert.equal((await agentGet("/api/teams")).teams.find((t) => t.id === other.id).name, other.name, "a refused rename changes nothing");
  assert.equal((await admin("DELETE", `/api/teams/${other.id}`)).status, 200);
  assert.equal((await admin("DELETE", `/api/teams/${other.id}`)).status, 404);
  assert.ok(!(await agentGet("/api/teams")).teams.some((t) => t.id === other.id));
});

test("membership: agents belong to several teams, a change is idempotent, a stranger or a removed agent is refused with nothing written", async () => {
  const [ann, bo] = await newAgents(["Ann", "Bo"]);
  const [t1, t2] = [(await admin("POST", "/api/teams", { name: unique("One ") })).body.id, (await admin("POST", "/api/teams", { name: unique("Two ") })).body.id];
  assert.deepEqual((await admin("PATCH", `/api/teams/${t1}/members`, { add: [ann.id, bo.id] })).body.agent_ids.sort(), [ann.id, bo.id].sort());
  assert.deepEqual((await admin("PATCH", `/api/teams/${t2}/members`, { add: [ann.id, ann.id] })).body.agent_ids, [ann.id], "in two teams, once each");
  assert.deepEqual((await admin("PATCH", `/api/teams/${t2}/members`, { add: [ann.id] })).body.agent_ids, [ann.id], "a retry adds nothing");
  const { agent: stranger } = await otherAccount();
  const refused = await admin("PATCH", `/api/teams/${t1}/members`, { add: [stranger], remove: [bo.id] });
  assert.equal(refused.body.error.code, "team_agent_unknown");
  assert.equal((await agentGet("/api/teams")).teams.find((t) => t.id === t1).agent_ids.length, 2, "the removal in the refused change did not happen");
  for (const bad of [{}, { add: [] }, { add: [ann.id], remove: [ann.id] }]) {
    assert.equal((await admin("PATCH", `/api/teams/${t1}/members`, bad)).body.error.code, "team_change_invalid", JSON.stringify(bad));
  }
  assert.deepEqual((await admin("PATCH", `/api/teams/${t1}/members`, { remove: [bo.id] })).body.agent_ids, [ann.id]);
  // A removed agent leaves every team, and cannot be put back.
  assert.equal((await admin("DELETE", `/api/agents/${ann.id}`)).status, 200);
  const teams = (await agentGet("/api/teams")).teams;
  assert.deepEqual([t1, t2].map((id) => teams.find((t) => t.id === id).agent_ids), [[], []]);
  assert.equal((await admin("PATCH", `/api/teams/${t1}/members`, { add: [ann.id] })).body.error.code, "team_agent_unknown");
  assert.equal((await admin("PATCH", "/api/teams/tm_nowhere/members", { add: [bo.id] })).status, 404);
});

test("capacity: the primary admin sets it (0 to 1000, null for none), the team shows it", async () => {
  const [cy] = await newAgents(["Cy"]);
  assert.equal((await agentGet("/api/agents")).agents.find((a) => a.id === cy.id).capacity, null);
  assert.equal((await admin("PUT", `/api/agents/${cy.id}/capacity`, { capacity: 3 })).status, 200);
  assert.equal((await agentGet("/api/agents")).agents.find((a) => a.id === cy.id).capacity, 3);
  for (const bad of [-1, 1001, 2.5, "3"]) {
    assert.equal((await admin("PUT", `/api/agents/${cy.id}/capacity`, { capacity: bad })).status, 400, JSON.stringify(bad));
  }
  assert.equal((await agentGet("/api/agents")).agents.find((a) => a.id === cy.id).capacity, 3, "refused: unchanged");
  assert.equal((await admin("PUT", `/api/agents/${cy.id}/capacity`, { capacity: null })).status, 200);
  assert.equal((await admin("PUT", "/api/agents/ag_other_admin/capacity", { capacity: 1 })).status, 404, "another account's agent");
});

test("rules: per site and channel, replaced by a new one, another account's site or team is refused, deleting one stops it", async () => {
  const [di] = await newAgents(["Di"]);
  const { site, team, rule } = await routed([di]);
  assert.deepEqual([rule.site_id, rule.channel, rule.team_id], [site, "chat", team]);
  const second = (await admin("POST", "/api/teams", { name: unique("Second ") })).body.id;
  const replaced = (await admin("PUT", `/api/sites/${site}/assignment-rules`, { channel: "chat", team_id: second })).body;
  const email = (await admin("PUT", `/api/sites/${site}/assignment-rules`, { channel: "email", team_id: team })).body;
  assert.deepEqual((await admin("GET", `/api/sites/${site}/assignment-rules`)).body.rules.map((r) => [r.channel, r.team_id]), [["chat", second], ["email", team]]);
  assert.equal(replaced.id, rule.id, "one rule per site and channel");
  const other = await otherAccount();
  assert.equal((await call("GET", `/api/sites/${site}/assignment-rules`, { token: other.key })).status, 404);
  assert.equal((await call("PUT", `/api/sites/${site}/assignment-rules`, { token: other.key, json: { channel: "chat", team_id: team } })).status, 404);
  assert.equal((await call("DELETE", `/api/sites/${site}/assignment-rules/${email.id}`, { token: other.key })).status, 404);
  const theirTeam = (await call("POST", "/api/teams", { token: other.key, json: { name: "Theirs" } })).body.id;
  assert.equal((await admin("PUT", `/api/sites/${site}/assignment-rules`, { channel: "chat", team_id: theirTeam })).body.error.code, "team_invalid");
  assert.equal((await admin("PUT", `/api/sites/${site}/assignment-rules`, { channel: "fax", team_id: team })).status, 400);
  // Another account sees none of our teams and changes none.
  assert.ok(!(await call("GET", "/api/teams", { token: other.key })).body.teams.some((t) => t.id === team));
  for (const [method, path, json] of [["PATCH", `/api/teams/${team}`, { name: "Taken over" }], ["DELETE", `/api/teams/${team}`],
    ["PATCH", `/api/teams/${team}/members`, { add: [other.agent] }]]) {
    assert.equal((await call(method, path, { token: other.key, json })).status, 404, `${method} ${path}`);
  }
  // Email (a ticket opens an email conversation) follows the email rule.
  const ticket = await admin("POST", `/api/sites/${site}/tickets`, { email: `${unique("t")}@example.org`, body: "help by mail" });
  assert.equal(ticket.status, 201, JSON.stringify(ticket.body));
  const mailed = (await agentGet(`/api/conversations/${ticket.body.conversation_id}`)).conversation;
  assert.deepEqual([mailed.team_id, mailed.channel], [team, "email"]);
  assert.equal((await admin("DELETE", `/api/sites/${site}/assignment-rules/${replaced.id}`)).status, 200);
  const { conversation } = await startChat(site);
  assert.deepEqual([conversation.team_id, conversation.assignee_id], [null, null], "no rule: left unassigned");
});

test("a rule assigns new chats round robin among the team's online agents, in the same single D1 round trip, and says so in the trail", async () => {
  const agents = await newAgents(["Eli", "Fay", "Gus"]);
  const tabs = await online(agents);
  const { site, team } = await routed(agents);
  const order = [];
  for (let i = 0; i < 6; i += 1) {
    const { conversation, trail, sent } = await startChat(site, `round ${i}`);
    assert.equal(trips(sent), 1, "the new conversation, its assignment and trail: one batch");
    assert.equal(conversation.team_id, team);
    order.push(conversation.assignee_id);
    const rule = trail.filter((e) => e.agent_id === null).map((e) => [e.kind, e.kind === "assigned" ? e.detail : e.team_name]);
    const teamName = (await agentGet("/api/teams")).teams.find((t) => t.id === team).name;
    assert.deepEqual(rule, [["assigned_team", teamName], ["assigned", conversation.assignee_id]], "by the rule (no agent)");
  }
  assert.equal(new Set(order.slice(0, 3)).size, 3, `each agent once in a turn: ${order}`);
  assert.deepEqual(order.slice(3), order.slice(0, 3), "then the same order again");
  await Promise.all(tabs.map((t) => t.close()));
});

test("offline and away agents are skipped, capacity is respected, and with nobody available the conversation goes to the team alone", async () => {
  const [hal, ivy, jo] = await newAgents(["Hal", "Ivy", "Jo"]);
  await admin("PUT", `/api/agents/${hal.id}/capacity`, { capacity: 1 });
  const { site, team } = await routed([hal, ivy, jo]);
  // Hal online, Ivy online but away, Jo offline.
  const [halTab] = await online([hal, ivy]);
  assert.equal((await call("PUT", "/api/presence", { token: ivy.key, json: { away: true } })).status, 200);
  const first = (await startChat(site)).conversation;
  assert.equal(first.assignee_id, hal.id);
  const second = (await startChat(site)).conversation;
  assert.deepEqual([second.team_id, second.assignee_id], [team, null], "Hal is full, Ivy away, Jo offline: the team alone");
  assert.deepEqual((await agentGet(`/api/conversations/${second.id}`)).trail.map((e) => e.kind), ["assigned_team"]);
  // Closing Hal's conversation frees his place; Ivy back online joins the turn.
  await admin("PATCH", `/api/conversations/${first.id}`, { status: "closed" });
  assert.equal((await startChat(site)).conversation.assignee_id, hal.id);
  await call("PUT", "/api/presence", { token: ivy.key, json: { away: false } });
  assert.equal((await startChat(site)).conversation.assignee_id, ivy.id, "Hal full again: Ivy");
  // Hal closes his inbox: offline, skipped even with room.
  await admin("PUT", `/api/agents/${hal.id}/capacity`, { capacity: 10 });
  await halTab.close();
  // The hub records the closed tab as the socket closes: await it in D1.
  await eventually(async () => (await sql(`SELECT live_tabs FROM agents WHERE id = '${hal.id}'`))[0].live_tabs === 0, { what: "Hal's tab counted closed" });
  assert.equal((await startChat(site)).conversation.assignee_id, ivy.id, "only Ivy is online");
});

test("many chats started at once never push an agent past capacity: the places are filled exactly, the rest go to the team", async () => {
  const agents = await newAgents(["Kai", "Lea", "Max"]);
  await Promise.all(agents.map((a, i) => admin("PUT", `/api/agents/${a.id}/capacity`, { capacity: i === 0 ? 1 : 2 })));
  await online(agents);
  const { site, team } = await routed(agents);
  const tokens = await Promise.all(Array.from({ length: 14 }, () => newVisitor(site)));
  const sent = await Promise.all(tokens.map((t, i) => sendChat(t, `rush ${i}`)));
  assert.ok(sent.every((r) => r.status === 201), sent.map((r) => r.status).join());
  const rows = await sql(`SELECT assignee_id, team_id, COUNT(*) AS n FROM conversations WHERE site_id = '${site}' GROUP BY assignee_id, team_id`);
  const byAgent = Object.fromEntries(rows.filter((r) => r.assignee_id).map((r) => [r.assignee_id, r.n]));
  assert.deepEqual(byAgent, { [agents[0].id]: 1, [agents[1].id]: 2, [agents[2].id]: 2 }, "each agent exactly at capacity, never past it");
  assert.ok(rows.every((r) => r.team_id === team));
  assert.equal(rows.find((r) => r.assignee_id === null).n, 9, "the rest: the team alone");
});

test("agents assign to a team and/or an agent; the list filters mine, my teams, unassigned and by team, each account its own", async () => {
  const [nia, oz] = await newAgents(["Nia", "Oz"]);
  const site = (await admin("POST", "/api/sites", { name: unique("Filters ") })).body.id;
  const mine = (await admin("POST", "/api/teams", { name: unique("Nia's ") })).body.id;
  const theirs = (await admin("POST", "/api/teams", { name: unique("Oz's ") })).body.id;
  await admin("PATCH", `/api/teams/${mine}/members`, { add: [nia.id] });
  await admin("PATCH", `/api/teams/${theirs}/members`, { add: [oz.id] });
  const [a, b, c] = [(await startChat(site)).conversation.id, (await startChat(site)).conversation.id, (await startChat(site)).conversation.id];
  const patch = (key, id, json) => call("PATCH", `/api/conversations/${id}`, { token: key, json });
  // Any agent applies a team (Nia is not in Oz's team) and an agent together.
  const both = await patch(nia.key, a, { team_id: mine, assignee_id: nia.id });
  assert.equal(both.status, 200, JSON.stringify(both.body));
  assert.deepEqual([both.body.conversation.team_id, both.body.conversation.assignee_id, both.body.conversation.team_name !== null], [mine, nia.id, true]);
  assert.equal((await patch(nia.key, b, { team_id: theirs })).status, 200);
  const trail = (await agentGet(`/api/conversations/${a}`)).trail.map((e) => [e.kind, e.agent_id]);
  assert.deepEqual(trail.filter(([k]) => k.startsWith("assigned")).sort(), [["assigned", nia.id], ["assigned_team", nia.id]]);
  // Refused with nothing written: another account's team; an agent removed meanwhile.
  const other = await otherAccount();
  const theirTeam = (await call("POST", "/api/teams", { token: other.key, json: { name: "Elsewhere" } })).body.id;
  const foreign = await patch(nia.key, c, { team_id: theirTeam, status: "closed" });
  assert.equal(foreign.body.error.code, "team_invalid");
  assert.deepEqual([(await agentGet(`/api/conversations/${c}`)).conversation.status], ["open"]);
  const list = async (key, query) => (await call("GET", `/api/conversations?site=${site}&${query}`, { token: key })).body.conversations.map((x) => x.id).sort();
  assert.deepEqual(await list(nia.key, "assignee=me"), [a]);
  assert.deepEqual(await list(nia.key, "team=mine"), [a]);
  assert.deepEqual(await list(oz.key, "team=mine"), [b]);
  assert.deepEqual(await list(nia.key, "assignee=unassigned"), [b, c].sort());
  assert.deepEqual(await list(nia.key, "team=none"), [c]);
  assert.deepEqual(await list(nia.key, `team=${theirs}`), [b]);
  assert.deepEqual(await list(nia.key, "team=mine&assignee=unassigned"), []);
  assert.deepEqual(await list(nia.key, "q=hello&team=mine"), [a], "search filters alike");
  assert.equal((await call("GET", `/api/conversations?team=`, { token: nia.key })).status, 400);
  assert.deepEqual((await call("GET", `/api/conversations?team=${mine}`, { token: other.key })).body.conversations, [], "another account: nothing");
  assert.equal((await call("PATCH", `/api/conversations/${a}`, { token: other.key, json: { team_id: theirTeam } })).status, 404);
  // Taking it off the team; deleting a team takes it off its conversations, which keep their agent.
  assert.equal((await patch(nia.key, b, { team_id: null })).body.conversation.team_id, null);
  assert.equal((await admin("DELETE", `/api/teams/${mine}`)).status, 200);
  const after = (await agentGet(`/api/conversations/${a}`)).conversation;
  assert.deepEqual([after.team_id, after.assignee_id], [null, nia.id]);
});
