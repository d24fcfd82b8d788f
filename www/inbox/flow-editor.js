// @ts-check
// Settings › Chatbot's steps: the flow as a list (no canvas), each button's
// branch indented under it. Every step can be edited, moved up or down in its
// own list, or deleted; a step of any kind is added at the end of the flow or
// of a branch. Choices (teams, agents, labels, automations, attributes) are
// the account's (an automation: a Parley webhook's, or, while ActiveCampaign
// is connected, one of its automations). Everything is a native control with a visible label, so the
// keyboard and screen readers work as everywhere else; after a structural
// change the focus goes where the change happened. The worker's refusal of
// a save is shown in the step it names, which then takes the focus.
import { $, el } from "./dom.js";
import { KINDS, kindName, locate, move, newStep, remove, summary, allSteps } from "./flow-model.js";

/** @typedef {import("./api-types").Step} Step */
/** @typedef {import("./api-types").FieldMode} FieldMode */
/**
 * @typedef {{teams: {id: string, name: string}[], agents: {id: string, full_name: string}[],
 *   labels: {id: string, name: string}[], automations: {id: string, name: string}[],
 *   attributes: {key: string, name: string}[], crm?: {id: string, name: string, active?: boolean}[] | null,
 *   crmError?: string}} Choices
 */

/** The steps being edited: the whole tree, changed in place. @type {Step[]} */
let steps = [];
/** @type {Choices} */
let choices = { teams: [], agents: [], labels: [], automations: [], attributes: [] };
/** The refusal shown in a step, until the next save or load. @type {{step: string, message: string} | null} */
let refusal = null;
/** Each rendered list's key (its add control's id prefix). @type {WeakMap<Step[], string>} */
let keys = new WeakMap();

/** Shows a loaded flow's steps with the account's choices (null: the same as before). @param {Step[]} loaded @param {Choices | null} account */
export function showSteps(loaded, account) {
  steps = structuredClone(loaded);
  if (account) choices = account;
  refusal = null;
  render();
}

/** The steps as edited. */
export const editedSteps = () => steps;

/** Clears a refusal shown in a step (a save begins). */
export function clearRefusal() {
  if (!refusal) return;
  refusal = null;
  render();
}

/**
 * Shows the worker's refusal in the step it names and focuses that step;
 * false when it names no step of the list (the caller shows it).
 * @param {string | undefined} step @param {string} message
 */
export function showRefusal(step, message) {
  if (!step || !locate(steps, step)) return false;
  refusal = { step, message };
  render();
  focusStep(step);
  return true;
}

/** `[data-step=id]`, escaped. @param {string} id */
const stepSel = (id) => `#flow-steps li[data-step="${CSS.escape(id)}"]`;

/** Focuses a step's first field (or the step itself when it has none). @param {string} id */
function focusStep(id) {
  const li = document.querySelector(stepSel(id));
  const field = li?.querySelector(":scope > .step-fields :is(input, textarea, select)");
  /** @type {HTMLElement | null} */ (field ?? li)?.focus();
}

/** Redraws the steps, then focuses `then` (a selector), if given. @param {string} [then] */
function render(then) {
  keys = new WeakMap();
  const list = stepList(steps, "flow", "The flow's steps");
  list.id = "flow-steps";
  $("flow-editor").replaceChildren(list, addControl(steps, "flow", "Add a step at the end of the flow"));
  if (then) /** @type {HTMLElement | null} */ (document.querySelector(then))?.focus();
}

/** An <ol> of steps, with its key. @param {Step[]} list @param {string} key @param {string} name */
function stepList(list, key, name) {
  keys.set(list, key);
  const ol = el("ol", "flow-steps");
  ol.setAttribute("aria-label", name);
  ol.append(...list.map((step, i) => stepItem(step, list, i)));
  return ol;
}

/** A labelled control: `<label for>` and the control, in a div. @param {string} text @param {HTMLElement} control @param {string} id */
function labelled(text, control, id) {
  control.id = id;
  const label = el("label", null, text);
  label.htmlFor = id;
  const wrap = el("div", "step-field");
  wrap.append(label, control);
  return wrap;
}

/** A select of `[value, text]` options, set to `value` (an unknown one is kept, marked). @param {[string, string][]} options @param {string} value */
function select(options, value) {
  const s = /** @type {HTMLSelectElement} */ (el("select"));
  if (!options.some(([v]) => v === value)) options = [[value, value ? `${value} (not in this account)` : "Choose…"], ...options];
  for (const [v, text] of options) s.append(new Option(text, v));
  s.value = value;
  return s;
}

/** A step's row: its title, move and delete buttons, its fields, its refusal. @param {Step} step @param {Step[]} list @param {number} i */
function stepItem(step, list, i) {
  const li = el("li", "flow-step");
  li.dataset.step = step.id;
  li.tabIndex = -1;
  const title = el("span", "step-title", `${kindName(step.type)} · ${step.id}`);
  title.id = `fs-${step.id}-title`;
  li.setAttribute("aria-labelledby", title.id);
  const head = el("div", "step-head");
  head.append(title,
    action(step.id, "up", "↑", `Move step ${step.id} up`, i === 0),
    action(step.id, "down", "↓", `Move step ${step.id} down`, i === list.length - 1),
    action(step.id, "delete", "Delete", `Delete step ${step.id}`, false));
  const body = el("div", "step-fields");
  body.append(...fields(step));
  li.append(head, body);
  if (refusal?.step === step.id) {
    const error = el("p", "error", refusal.message);
    error.setAttribute("role", "alert");
    error.id = `fs-${step.id}-error`;
    li.setAttribute("aria-describedby", error.id);
    li.classList.add("refused");
    li.insertBefore(error, body);
  }
  if (step.type === "buttons") li.append(buttonsEditor(step));
  return li;
}

/** Move up, move down or delete, for a step. @param {string} id @param {"up" | "down" | "delete"} act @param {string} text @param {string} name @param {boolean} off */
function action(id, act, text, name, off) {
  const b = el("button", "link", text);
  b.type = "button";
  b.dataset.act = act;
  b.setAttribute("aria-label", name);
  if (off) b.setAttribute("aria-disabled", "true"); // stays focusable: the focus is not lost at an end
  b.addEventListener("click", () => {
    if (off) return;
    if (act === "delete") {
      const at = locate(steps, id);
      const key = at ? keys.get(at.list) : "flow";
      const next = remove(steps, id);
      render(next ? stepSel(next) : `#${CSS.escape(`${key}-add-kind`)}`);
    } else if (move(steps, id, act === "up" ? -1 : 1)) {
      render(`${stepSel(id)} > .step-head [data-act=${act}]`);
    }
  });
  return b;
}

/** What is edited in a step of each kind. @param {Step} step @returns {HTMLElement[]} */
function fields(step) {
  const id = `fs-${step.id}`;
  /** @param {string} text @param {string} value @param {(v: string) => void} set @param {string} name */
  const area = (text, value, set, name = "text") => {
    const t = /** @type {HTMLTextAreaElement} */ (el("textarea"));
    t.rows = 2;
    t.value = value;
    t.addEventListener("input", () => set(t.value));
    return labelled(text, t, `${id}-${name}`);
  };
  switch (step.type) {
    case "message":
      return [area("Message", step.text, (v) => (step.text = v))];
    case "buttons":
      return [area("Question", step.text, (v) => (step.text = v))];
    case "question":
      return [area("Question", step.text, (v) => (step.text = v)), ...saveTo(step, id)];
    case "form":
      return /** @type {const} */ ([["phone", "Phone"], ["company", "Company"], ["full_name", "Full name"]]).map(([field, text]) => {
        const s = select([["hidden", "Not asked"], ["optional", "Optional"], ["required", "Required"]], step[field]);
        s.addEventListener("change", () => (step[field] = /** @type {FieldMode} */ (s.value)));
        return labelled(`${text} (email is always asked)`, s, `${id}-${field}`);
      });
    case "wait_for_agent":
      return [area("Said while the team is there (optional; otherwise the offline text is said)", step.text ?? "", (v) => {
        if (v.trim()) step.text = v;
        else delete step.text;
      })];
    case "assign": {
      const s = select([...choices.teams.map((t) => /** @type {[string, string]} */ ([`team:${t.id}`, `Team: ${t.name}`])),
        ...choices.agents.map((a) => /** @type {[string, string]} */ ([`agent:${a.id}`, `Agent: ${a.full_name}`]))], `${step.to.type}:${step.to.id}`);
      s.addEventListener("change", () => {
        const [type, ...rest] = s.value.split(":");
        step.to = { type: type === "agent" ? "agent" : "team", id: rest.join(":") };
      });
      return [labelled("Assign to", s, `${id}-to`)];
    }
    case "label": {
      const s = select(choices.labels.map((l) => [l.id, l.name]), step.label_id);
      s.addEventListener("change", () => (step.label_id = s.value));
      return [labelled("Label", s, `${id}-label`)];
    }
    case "enter_automation":
      return automationFields(step, id);
    case "goto": {
      const s = select(allSteps(steps).filter((o) => o.id !== step.id).map((o) => [o.id, summary(o)]), step.target);
      s.addEventListener("change", () => (step.target = s.value));
      return [labelled("Go to step", s, `${id}-target`)];
    }
    default:
      return [el("p", "hint", "Closes the conversation; the flow ends.")];
  }
}

/**
 * An "Enter an automation" step: where to (a Parley webhook, or one of the
 * account's ActiveCampaign automations, offered only while ActiveCampaign is
 * connected or when the step already names one), then which.
 * @param {Extract<Step, {type: "enter_automation"}>} step @param {string} id
 */
function automationFields(step, id) {
  const target = step.target ?? "webhook";
  const out = [];
  if (choices.crm || target === "activecampaign") {
    const where = select([["webhook", "A Parley webhook (a signed event to your automation's URL)"],
      ["activecampaign", `An ActiveCampaign automation${choices.crm ? "" : " (ActiveCampaign is not connected)"}`]], target);
    where.addEventListener("change", () => {
      step.target = /** @type {"webhook" | "activecampaign"} */ (where.value);
      const list = step.target === "activecampaign" ? choices.crm ?? [] : choices.automations;
      step.automation_id = list[0]?.id ?? "";
      render(`#${CSS.escape(`${id}-target`)}`);
    });
    out.push(labelled("Send the contact to", where, `${id}-target`));
  }
  if (target === "activecampaign") {
    const s = select((choices.crm ?? []).map((a) => [a.id, a.active === false ? `${a.name} (inactive)` : a.name]), step.automation_id);
    s.addEventListener("change", () => (step.automation_id = s.value));
    out.push(labelled("ActiveCampaign automation (the contact is synced, then added to it once; needs the Form before it; a visitor nobody verified enters it only when Settings › ActiveCampaign also sends unverified contacts)", s, `${id}-automation`));
    if (choices.crmError) out.push(el("p", "error", choices.crmError));
  } else {
    const s = select(choices.automations.map((a) => [a.id, a.name]), step.automation_id);
    s.addEventListener("change", () => (step.automation_id = s.value));
    out.push(labelled("Automation (its signed webhook event; needs the Form before it)", s, `${id}-automation`));
  }
  return out;
}

/** Where a question's answer is kept: a contact attribute, or the conversation under a key. @param {Extract<Step, {type: "question"}>} step @param {string} id */
function saveTo(step, id) {
  const where = step.save.type === "attribute" ? `attribute:${step.save.key}` : "conversation";
  const s = select([["conversation", "This conversation's answers"],
    ...choices.attributes.map((a) => /** @type {[string, string]} */ ([`attribute:${a.key}`, `Contact attribute: ${a.name}`]))], where);
  s.addEventListener("change", () => {
    step.save = s.value === "conversation" ? { type: "conversation", key: "answer" } : { type: "attribute", key: s.value.slice("attribute:".length) };
    render(`#${CSS.escape(`${id}-save`)}`);
  });
  const out = [labelled("Save the answer to", s, `${id}-save`)];
  if (step.save.type === "conversation") {
    const save = step.save;
    const key = /** @type {HTMLInputElement} */ (el("input"));
    key.value = save.key;
    key.addEventListener("input", () => (save.key = key.value.trim()));
    out.push(labelled("Under the key (lower-case letters, digits, _)", key, `${id}-key`));
  }
  return out;
}

/** A buttons step's buttons, each with its label and its branch, and "Add a button". @param {Extract<Step, {type: "buttons"}>} step */
function buttonsEditor(step) {
  const id = `fs-${step.id}`;
  const ul = el("ul", "flow-buttons");
  ul.setAttribute("aria-label", `Buttons of step ${step.id}`);
  step.buttons.forEach((button, b) => {
    const li = el("li", "flow-button");
    const label = /** @type {HTMLInputElement} */ (el("input"));
    label.value = button.label;
    label.maxLength = 40;
    label.addEventListener("input", () => (button.label = label.value));
    const row = labelled(`Button ${b + 1}`, label, `${id}-b${b}-label`);
    if (step.buttons.length > 1) {
      const drop = el("button", "link", "Remove");
      drop.type = "button";
      drop.setAttribute("aria-label", `Remove button ${b + 1} of step ${step.id} and its steps`);
      drop.addEventListener("click", () => {
        step.buttons.splice(b, 1);
        render(`#${CSS.escape(`${id}-b${Math.max(0, b - 1)}-label`)}`);
      });
      row.append(drop);
    }
    const key = `${id}-b${b}`;
    li.append(row, stepList(button.steps, key, `Steps after button ${b + 1} of step ${step.id}`),
      addControl(button.steps, key, `Add a step after button ${b + 1}`));
    ul.append(li);
  });
  const more = el("button", "link", "Add a button");
  more.type = "button";
  more.id = `${id}-add-button`;
  more.setAttribute("aria-label", `Add a button to step ${step.id}`);
  more.addEventListener("click", () => {
    step.buttons.push({ label: "", steps: [] });
    render(`#${CSS.escape(`${id}-b${step.buttons.length - 1}-label`)}`);
  });
  const wrap = el("div", "flow-branches");
  wrap.append(ul, more);
  return wrap;
}

/** "Add a step" to a list: the kind, then Add. @param {Step[]} list @param {string} key @param {string} text */
function addControl(list, key, text) {
  const kind = select(KINDS.map(([k, name]) => [k, name]), "message");
  const row = labelled(text, kind, `${key}-add-kind`);
  row.classList.add("flow-add");
  /** @type {HTMLElement} */ (row.firstElementChild).id = `${key}-add-label`;
  const add = el("button", null, "Add step");
  add.type = "button";
  add.id = `${key}-add`;
  add.setAttribute("aria-describedby", `${key}-add-label`);
  add.addEventListener("click", () => {
    const step = newStep(/** @type {Step["type"]} */ (kind.value), steps, choices);
    list.push(step);
    render();
    focusStep(step.id);
  });
  row.append(add);
  return row;
}
