// @ts-check
// The agent's online/away toggle in the nav (PUT /api/presence; an away agent
// does not make visitors' widgets say "online"), and who on the team has the
// inbox open, from the `team` pushes.
import { client } from "./api.js";
import { $, showError } from "./dom.js";

let me = null; // the signed-in agent's id
let away = false;

/** Shows the toggle's state: "Online" or "Away", pressed while away. */
function showToggle() {
  const button = $("away");
  button.textContent = away ? "Away" : "Online";
  button.setAttribute("aria-pressed", String(away));
  button.title = away ? "You are away: click to be online" : "You are online: click to be away";
}

/** Wires the toggle for the signed-in agent, starting from the session's state. */
/** @param {import("./api-types").Agent} agent */
export function initPresence(agent) {
  me = agent.id;
  away = agent.away;
  showToggle();
}

$("away").addEventListener("click", async () => {
  const button = $("away");
  showError($("nav-error"), null);
  button.disabled = true;
  try {
    away = (await client.presence(!away)).away;
    showToggle();
  } catch (err) {
    showError($("nav-error"), err, "Could not change your status: ");
  } finally {
    button.disabled = false;
  }
});

/** A `team` push: who is online and who is away; this agent's own state follows its other tabs. */
/** @param {{agents: import("./api-types").TeamMember[]}} push */
export function onTeam({ agents }) {
  const mine = agents.find((a) => a.agent_id === me);
  if (mine) {
    away = mine.away;
    showToggle();
  }
  const online = agents.filter((a) => !a.away).map((a) => a.name);
  const gone = agents.filter((a) => a.away).map((a) => a.name);
  $("team-online").textContent = [
    online.length ? `Online: ${online.join(", ")}` : "Nobody online",
    ...(gone.length ? [`Away: ${gone.join(", ")}`] : []),
  ].join(" · ");
}
