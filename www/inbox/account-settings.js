// @ts-check
// Settings › Account (primary admin): the account's time zone, chosen among
// the zones the browser's Intl knows (the worker checks the name through its own).
import { client, latestOnly } from "./api.js";
import { $, showError } from "./dom.js";

const fresh = latestOnly();

/** The IANA zones to offer: the browser's, with UTC and the saved one among them. */
function zones(/** @type {string} */ saved) {
  const known = /** @type {any} */ (Intl).supportedValuesOf?.("timeZone") ?? [];
  return [...new Set(["UTC", saved, ...known])];
}

/** Loads the account's time zone into its select. */
export async function loadAccountSettings() {
  const isCurrent = fresh();
  showError($("acct-error"), null);
  $("a-saved").textContent = "";
  try {
    const { time_zone } = await client.timeZone();
    if (!isCurrent()) return;
    const select = /** @type {HTMLSelectElement} */ ($("a-time-zone"));
    select.replaceChildren(...zones(time_zone).map((z) => new Option(z.replaceAll("_", " "), z)));
    select.value = time_zone;
  } catch (err) {
    if (isCurrent()) showError($("acct-error"), err, "Could not load the time zone: ");
  }
}

/** Saves the chosen time zone; the outcome shows by the Save button. */
async function save(/** @type {Event} */ e) {
  e.preventDefault();
  showError($("acct-error"), null);
  $("a-saved").textContent = "";
  try {
    const { time_zone } = await client.setTimeZone($("a-time-zone").value);
    $("a-time-zone").value = time_zone;
    $("a-saved").textContent = "Saved";
  } catch (err) {
    showError($("acct-error"), err, "Not saved: ");
  }
}

/** Wires the account form. */
export function initAccountSettings() {
  $("account-form").addEventListener("submit", save);
}
