// @ts-check
// The automations of the site chosen in Settings (primary admin): the list
// with name and URL, adding one (its signing secret is shown this once), a
// delivery log per automation, "Send test event", pause and delete.
import { client, latestOnly } from "./api.js";
import { $, el, showError, when } from "./dom.js";

const freshList = latestOnly();
const freshLog = latestOnly();

const site = () => $("s-site").value;

/** Lists the chosen site's automations; called when Settings opens and when the site changes. */
export async function loadAutomations() {
  const isCurrent = freshList();
  /** @type {import("./api-types").Automation[]} */
  let automations;
  try {
    ({ automations } = await client.automations(site()));
  } catch (err) {
    if (isCurrent()) showError($("a-error"), err, "Could not load the automations: ");
    return;
  }
  if (!isCurrent()) return;
  showError($("a-error"), null);
  $("a-log").hidden = true;
  const list = $("automations");
  list.replaceChildren();
  for (const a of automations) {
    const li = el("li", null, `${a.name} · ${a.url}${a.enabled ? "" : " · paused"} `);
    li.append(
      action("Delivery log", () => showLog(a)),
      " ",
      action("Send test event", () => run(() => client.testAutomation(site(), a.id), () => showLog(a))),
      " ",
      action(a.enabled ? "Pause" : "Resume", () => run(() => client.updateAutomation(site(), a.id, { enabled: !a.enabled }), loadAutomations)),
      " ",
      action("Delete", () => run(() => client.deleteAutomation(site(), a.id), loadAutomations)),
    );
    list.append(li);
  }
}

/** @param {string} label @param {() => void} onClick */
function action(label, onClick) {
  const button = el("button", "link", label);
  button.type = "button";
  button.addEventListener("click", onClick);
  return button;
}

/** Runs a change; a refusal shows by the list. @param {() => Promise<unknown>} change @param {() => void} then */
async function run(change, then) {
  showError($("a-error"), null);
  try {
    await change();
  } catch (err) {
    showError($("a-error"), err);
    return;
  }
  then();
}

/** Shows an automation's last 50 deliveries. @param {import("./api-types").Automation} automation */
async function showLog(automation) {
  const isCurrent = freshLog();
  /** @type {import("./api-types").Delivery[]} */
  let deliveries;
  try {
    ({ deliveries } = await client.deliveries(site(), automation.id));
  } catch (err) {
    if (isCurrent()) showError($("a-error"), err, "Could not load the delivery log: ");
    return;
  }
  if (!isCurrent()) return;
  $("a-log-title").textContent = `Deliveries to ${automation.name}`;
  const rows = deliveries.map((d) => {
    const tr = el("tr");
    const outcome = d.last_status !== null ? `${d.status} (HTTP ${d.last_status})` : d.last_error ? `${d.status} (${d.last_error})` : d.status;
    for (const text of [when(d.created_at), d.event, String(d.attempts), outcome]) tr.append(el("td", null, text));
    return tr;
  });
  $("a-log-rows").replaceChildren(...(rows.length ? rows : [el("tr", null, "No events yet.")]));
  $("a-log").hidden = false;
}

/** Adds an automation and shows its secret once. @param {SubmitEvent} e */
async function add(e) {
  e.preventDefault();
  $("a-secret").textContent = "";
  showError($("a-error"), null);
  try {
    const { automation, secret } = await client.createAutomation(site(), { name: $("a-name").value, url: $("a-url").value });
    $("a-secret").textContent = `Signing secret of ${automation.name} (shown only now; copy it to your receiver): ${secret}`;
    /** @type {HTMLFormElement} */ ($("a-form")).reset();
    loadAutomations();
  } catch (err) {
    showError($("a-error"), err, "Not added: ");
  }
}

/** Wires the add form and reloads the list when another site is chosen. */
export function initAutomations() {
  $("a-form").addEventListener("submit", add);
  $("s-site").addEventListener("change", () => {
    $("a-secret").textContent = "";
    loadAutomations();
  });
}
