// @ts-check
// Settings › Teams (the primary admin's): the account's teams, each renamed,
// deleted or given its members in place (a checkbox per agent; an agent may
// belong to several teams), a form adding one; each agent's capacity (the
// most open conversations a rule gives them); and, for the site chosen above,
// the rule of each channel (the team its new conversations go to). Refusals
// show in the section's alert with the worker's reason.
import { client, latestOnly } from "./api.js";
import { $, el, showError } from "./dom.js";
import { TEAM_NAME_CHARS, MAX_CAPACITY } from "./constants.js";

const fresh = latestOnly();
const freshRules = latestOnly();
/** The channels a rule may name, with their names in the view. */
/** @type {[import("./api-types").Channel, string][]} */
const CHANNELS = [["chat", "Chat"], ["email", "Email"], ["messenger", "Messenger"]];
/** @type {import("./api-types").AgentTeam[]} */
let teams = [];

/** Lists the teams, the agents' capacities and the chosen site's rules. */
export async function loadTeamSettings() {
  const isCurrent = fresh();
  /** @type {import("./api-types").Agent[]} */
  let agents;
  try {
    [{ teams }, { agents }] = await Promise.all([client.teams(), client.agents()]);
  } catch (err) {
    if (isCurrent()) showError($("tm-error"), err, "Could not load the teams: ");
    return;
  }
  if (!isCurrent()) return; // (a refusal shown stays: `change` clears it before the next)
  $("teams-admin").replaceChildren(...teams.map((t) => teamRow(t, agents)));
  $("capacity-admin").replaceChildren(...agents.map(capacityRow));
  await loadRules();
}

/** One team's row: its name (Save renames), Delete, and a checkbox per agent. */
/** @param {import("./api-types").AgentTeam} team @param {import("./api-types").Agent[]} agents */
function teamRow(team, agents) {
  const li = el("li");
  const form = el("form", "label-row");
  const name = el("input");
  name.defaultValue = team.name;
  name.maxLength = TEAM_NAME_CHARS;
  name.required = true;
  name.setAttribute("aria-label", `Name of team ${team.name}`);
  name.dataset.focus = `name:${team.id}`;
  const save = el("button", null, "Save");
  save.type = "submit";
  save.setAttribute("aria-label", `Save team ${team.name}`);
  save.dataset.focus = `save:${team.id}`;
  const remove = el("button", "link", "Delete");
  remove.type = "button";
  remove.setAttribute("aria-label", `Delete team ${team.name}`);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    change(() => client.renameTeam(team.id, name.value), `Could not rename ${team.name}: `);
  });
  remove.addEventListener("click", () => {
    if (confirm(`Delete the team "${team.name}"? Its conversations keep their agent; its rules go.`)) {
      change(() => client.deleteTeam(team.id), `Could not delete ${team.name}: `);
    }
  });
  form.append(name, save, remove);
  const members = el("fieldset", "label-row team-members");
  members.append(el("legend", null, `Members of ${team.name}`));
  for (const agent of agents) {
    const box = el("input");
    box.type = "checkbox";
    box.checked = team.agent_ids.includes(agent.id);
    box.dataset.focus = `member:${team.id}:${agent.id}`;
    box.addEventListener("change", () => {
      const update = box.checked ? { add: [agent.id] } : { remove: [agent.id] };
      change(() => client.teamMembers(team.id, update), `Could not change ${team.name}: `);
    });
    const label = el("label");
    label.append(box, ` ${agent.full_name}`);
    members.append(label);
  }
  li.append(form, members);
  return li;
}

/** One agent's capacity: a number (empty: no limit) and Save. */
/** @param {import("./api-types").Agent} agent */
function capacityRow(agent) {
  const li = el("li");
  const form = el("form", "label-row");
  const input = el("input");
  input.type = "number";
  input.min = "0";
  input.max = String(MAX_CAPACITY);
  input.placeholder = "No limit";
  input.defaultValue = agent.capacity == null ? "" : String(agent.capacity);
  input.setAttribute("aria-label", `Capacity of ${agent.full_name}`);
  input.dataset.focus = `capacity:${agent.id}`;
  const save = el("button", null, "Save");
  save.type = "submit";
  save.setAttribute("aria-label", `Save the capacity of ${agent.full_name}`);
  save.dataset.focus = `capacity-save:${agent.id}`;
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const value = input.value.trim() === "" ? null : Number(input.value);
    change(() => client.setCapacity(agent.id, value), `Could not set the capacity of ${agent.full_name}: `);
  });
  form.append(el("span", null, agent.full_name), input, save);
  li.append(form);
  return li;
}

/** The chosen site's rules: per channel, the team its new conversations go to (or none). */
async function loadRules() {
  const isCurrent = freshRules();
  const site = $("s-site").value;
  /** @type {import("./api-types").AssignmentRule[]} */
  let rules;
  try {
    ({ rules } = await client.assignmentRules(site));
  } catch (err) {
    if (isCurrent()) showError($("tm-error"), err, "Could not load the assignment rules: ");
    return;
  }
  if (!isCurrent()) return;
  $("rules-admin").dataset.site = site; // whose rules these are
  $("rules-admin").replaceChildren(...CHANNELS.map(([channel, name]) => {
    const rule = rules.find((r) => r.channel === channel);
    const select = el("select");
    select.id = `rule-${channel}`;
    select.dataset.focus = `rule:${channel}`;
    select.append(new Option("No rule: left unassigned", ""));
    for (const t of teams) select.append(new Option(t.name, t.id, false, t.id === rule?.team_id));
    select.addEventListener("change", () => {
      const send = select.value
        ? () => client.setAssignmentRule(site, { channel, team_id: select.value })
        : () => (rule ? client.deleteAssignmentRule(site, rule.id) : Promise.resolve());
      change(send, `Could not change the ${name} rule: `);
    });
    const label = el("label", null, `${name}: new conversations go to `);
    label.append(select);
    return label;
  }));
}

/**
 * Sends a change; then everything again (and a status line), or the refusal.
 * The control that had the focus has it again once rebuilt (a deleted
 * team's: the new team's name), so the keyboard keeps its place.
 * @param {() => Promise<unknown>} send @param {string} prefix
 */
async function change(send, prefix) {
  const focused = /** @type {HTMLElement | null} */ (document.activeElement);
  const key = focused?.dataset?.focus;
  showError($("tm-error"), null);
  $("tm-saved").textContent = "";
  try {
    await send();
  } catch (err) {
    showError($("tm-error"), err, prefix);
    return false;
  }
  await loadTeamSettings();
  $("tm-saved").textContent = "Saved.";
  const again = key ? /** @type {HTMLElement | null} */ (document.querySelector(`[data-focus="${CSS.escape(key)}"]`)) : null;
  if (focused && !focused.isConnected) (again ?? $("tm-name")).focus();
  return true;
}

/** Wires the form that adds a team, and the rules to the site chosen. */
export function initTeamSettings() {
  $("tm-name").maxLength = TEAM_NAME_CHARS;
  $("tm-form").addEventListener("submit", async (/** @type {Event} */ e) => {
    e.preventDefault();
    if (await change(() => client.createTeam($("tm-name").value), "Team not added: ")) {
      $("tm-name").value = "";
      $("tm-name").focus();
    }
  });
  $("s-site").addEventListener("change", () => loadRules().catch(() => {}));
}
