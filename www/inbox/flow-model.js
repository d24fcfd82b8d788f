// @ts-check
// The chatbot flow as Settings › Chatbot edits it, without the DOM: the kinds
// of step and their words, a new step of a kind (with an id unique in the
// flow), and where a step sits (its list and index) to move or delete it.
// The rules (what a valid flow is) are the worker's (shared::flow): the
// editor shows its refusals, it does not repeat them.

/** @typedef {import("./api-types").Flow} Flow */
/** @typedef {import("./api-types").Step} Step */
/** @typedef {Step["type"]} Kind */

/** Each kind of step, as the editor's menus name it, in the menus' order. */
export const KINDS = /** @type {const} */ ([
  ["message", "Send a message"],
  ["buttons", "Ask with buttons"],
  ["question", "Ask a question"],
  ["form", "The Form (email, phone, company, name)"],
  ["wait_for_agent", "Wait for an agent"],
  ["assign", "Assign to a team or an agent"],
  ["label", "Add a label"],
  ["enter_automation", "Enter an automation"],
  ["goto", "Go to another step"],
  ["close", "Close the conversation"],
]);

/** The short word a kind's new ids start with. */
const ID_STEM = {
  message: "message", buttons: "buttons", question: "question", form: "form", wait_for_agent: "wait",
  assign: "assign", label: "label", enter_automation: "automation", goto: "goto", close: "close",
};

/** A kind's name in the menus. @param {Kind} kind */
export const kindName = (kind) => KINDS.find(([k]) => k === kind)?.[1] ?? kind;

/** Every step of the flow, branches included, depth first (the editor's order). @param {Step[]} steps @returns {Step[]} */
export function allSteps(steps) {
  return steps.flatMap((s) => [s, ...(s.type === "buttons" ? s.buttons.flatMap((b) => allSteps(b.steps)) : [])]);
}

/** The first id `stem-N` no step of the flow has. @param {Step[]} steps @param {string} stem */
function freshId(steps, stem) {
  const taken = new Set(allSteps(steps).map((s) => s.id));
  let n = 1;
  while (taken.has(`${stem}-${n}`)) n++;
  return `${stem}-${n}`;
}

/**
 * What a new step starts as; its choices start on the account's first team,
 * label or automation (empty when there is none: the save names the step).
 * @param {Kind} kind @param {Step[]} flowSteps the whole flow's steps (for a unique id)
 * @param {{teams: {id: string}[], agents: {id: string}[], labels: {id: string}[], automations: {id: string}[]}} choices
 * @returns {Step}
 */
export function newStep(kind, flowSteps, choices) {
  const id = freshId(flowSteps, ID_STEM[kind]);
  switch (kind) {
    case "message": return { type: kind, id, text: "" };
    case "buttons": return { type: kind, id, text: "", buttons: [{ label: "", steps: [] }] };
    case "question": return { type: kind, id, text: "", save: { type: "conversation", key: "answer" } };
    case "form": return { type: kind, id, phone: "hidden", company: "hidden", full_name: "hidden" };
    case "wait_for_agent": return { type: kind, id };
    case "assign": {
      const team = choices.teams[0];
      return { type: kind, id, to: team ? { type: "team", id: team.id } : { type: "agent", id: choices.agents[0]?.id ?? "" } };
    }
    case "label": return { type: kind, id, label_id: choices.labels[0]?.id ?? "" };
    case "enter_automation": return { type: kind, id, automation_id: choices.automations[0]?.id ?? "", target: "webhook" };
    case "goto": return { type: kind, id, target: allSteps(flowSteps)[0]?.id ?? "" };
    default: return { type: "close", id };
  }
}

/**
 * The list holding the step with this id, and its index there.
 * @param {Step[]} steps @param {string} id @returns {{list: Step[], index: number} | null}
 */
export function locate(steps, id) {
  const index = steps.findIndex((s) => s.id === id);
  if (index >= 0) return { list: steps, index };
  for (const step of steps) {
    if (step.type !== "buttons") continue;
    for (const button of step.buttons) {
      const found = locate(button.steps, id);
      if (found) return found;
    }
  }
  return null;
}

/** Moves a step one place up (-1) or down (+1) in its own list; false at an end. @param {Step[]} steps @param {string} id @param {-1 | 1} by */
export function move(steps, id, by) {
  const at = locate(steps, id);
  if (!at || at.index + by < 0 || at.index + by >= at.list.length) return false;
  const [step] = at.list.splice(at.index, 1);
  at.list.splice(at.index + by, 0, step);
  return true;
}

/**
 * Deletes a step (with its branches); answers the id of the step that takes
 * its place in the list (the next, else the previous), or null when the list is now empty.
 * @param {Step[]} steps @param {string} id @returns {string | null}
 */
export function remove(steps, id) {
  const at = locate(steps, id);
  if (!at) return null;
  at.list.splice(at.index, 1);
  return (at.list[at.index] ?? at.list[at.index - 1])?.id ?? null;
}

/** One line saying what a step does, for the Go-to menus. @param {Step} step */
export function summary(step) {
  const text = "text" in step && step.text ? `: ${step.text.slice(0, 40)}` : "";
  return `${step.id} (${kindName(step.type)}${text})`;
}
