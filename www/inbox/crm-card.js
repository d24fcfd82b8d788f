// @ts-check
// The contact panel's ActiveCampaign card: fetched when the panel opens (the
// worker keeps each answer 60 s), it shows the ActiveCampaign contact's tags,
// its lists with their status and its deals (title, stage, value), with a
// link that opens it in ActiveCampaign; or says plainly that ActiveCampaign is
// not connected, that no contact there has this email, or that it is busy
// (with a button to try again). Everything is text, never HTML.
import { client } from "./api.js";
import { el, when } from "./dom.js";

/** @typedef {import("./api-types").CrmContactCard} CrmContactCard */

/** The card of a contact: a titled section filled once its answer comes; `isCurrent` drops a late one. @param {string} contactId @param {() => boolean} isCurrent */
export function crmCard(contactId, isCurrent) {
  const section = el("section", "crm-card");
  section.id = "crm-card";
  section.setAttribute("aria-labelledby", "crm-card-title");
  const title = el("h4", null, "ActiveCampaign");
  title.id = "crm-card-title";
  const body = el("div");
  body.id = "crm-card-body";
  body.setAttribute("aria-live", "polite");
  section.append(title, body);
  const load = async () => {
    section.setAttribute("aria-busy", "true");
    body.replaceChildren(el("p", "hint", "Loading…"));
    let card;
    try {
      card = await client.crmCard(contactId);
    } catch (err) {
      if (!isCurrent()) return;
      body.replaceChildren(el("p", "error", `Could not read ActiveCampaign: ${err.message}`), retry(load));
      section.dataset.state = "error";
      section.setAttribute("aria-busy", "false");
      return;
    }
    if (!isCurrent()) return;
    body.replaceChildren(...cardBody(card, load));
    section.dataset.state = card.state;
    section.setAttribute("aria-busy", "false");
  };
  load();
  return section;
}

/** "Try again": reads the card anew. @param {() => void} load */
function retry(load) {
  const b = el("button", "link", "Try again");
  b.type = "button";
  b.id = "crm-card-retry";
  b.addEventListener("click", load);
  return b;
}

/** What the card shows for each state. @param {CrmContactCard} card @param {() => void} load @returns {HTMLElement[]} */
function cardBody(card, load) {
  switch (card.state) {
    case "off":
      return [el("p", "hint", "ActiveCampaign is not connected (the primary admin connects it in Settings › Integrations).")];
    case "not_found":
      return [el("p", null, "No ActiveCampaign contact has this email (yet).")];
    case "busy":
      return [el("p", null, "ActiveCampaign is busy (its limit of 5 requests a second is reached). Try again in a moment."), retry(load)];
    default:
      return found(card);
  }
}

/** A found contact: tags, lists, deals, the link, and when it was read. @param {CrmContactCard} card */
function found(card) {
  const out = [];
  const list = (id, name, items) => {
    const h = el("h5", null, name);
    h.id = `${id}-title`;
    if (!items.length) return [h, el("p", "hint", "None.")];
    const ul = el("ul");
    ul.id = id;
    ul.setAttribute("aria-labelledby", h.id);
    ul.append(...items.map((text) => el("li", null, text)));
    return [h, ul];
  };
  out.push(...list("crm-tags", "Tags", card.tags));
  out.push(...list("crm-lists", "Lists", card.lists.map((l) => `${l.name} · ${l.status}`)));
  out.push(...list("crm-deals", "Deals", card.deals.map((d) => [d.title, d.stage, money(d.value, d.currency)].filter(Boolean).join(" · "))));
  if (card.url) {
    const a = /** @type {HTMLAnchorElement} */ (el("a", null, "Open in ActiveCampaign"));
    a.href = card.url;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    a.id = "crm-open";
    const line = el("p");
    line.append(a);
    out.push(line);
  }
  out.push(el("p", "hint", `Read from ActiveCampaign ${when(card.fetched_at)}.`));
  return out;
}

/** A deal's value (in the currency's major unit, e.g. "1250.00") in its currency, or null. @param {string | null} value @param {string | null} currency */
function money(value, currency) {
  if (value == null || value === "") return null;
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency: (currency ?? "usd").toUpperCase() }).format(Number(value));
  } catch {
    return `${value} ${(currency ?? "").toUpperCase()}`.trim();
  }
}
