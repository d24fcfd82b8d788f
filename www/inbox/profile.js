// @ts-check
// The profile pane: what the visitor claimed, the contact's facts with its
// conversations and recent activity, its ActiveCampaign card (crm-card.js)
// and, for the primary admin, "Erase contact…" (erase.js); or "click to add"
// for an anonymous visitor; behind the profile's request-order guard.
import { labelEditor } from "./labels.js";
import { mergeContact } from "./merge.js";
import { attributeEditor, attributeFacts, loadAttributes } from "./attributes.js";
import { crmCard } from "./crm-card.js";
import { eraseContact } from "./erase.js";
import { closeConversation } from "./thread.js";
import { client, latestOnly } from "./api.js";
import { $, el, alertBox, showError, when, STATED, UNVERIFIED, disclosure } from "./dom.js";

const fresh = latestOnly();
/** Whether the signed-in agent is the primary admin (who may erase a contact). */
let admin = false;

/** Tells the panel whether the signed-in agent is the primary admin. @param {boolean} isAdmin */
export function setAdmin(isAdmin) {
  admin = isAdmin;
}

/** Empties the profile pane and drops any profile answer still on its way. */
export function clearProfile() {
  fresh();
  $("profile").replaceChildren();
}

/** What the visitor typed about themselves, shown apart from the contact's own fields. */
/** @param {import("./api-types").Claim} claim */
function claimFacts(claim) {
  const box = el("section", "claim");
  box.id = "visitor-claim";
  box.append(el("h4", null, `Stated by the visitor (${UNVERIFIED})`));
  const facts = el("dl");
  for (const [label, value] of [["Email", claim.email], ["Phone", claim.phone], ["Company", claim.company], ["Full name", claim.full_name]]) {
    if (value) facts.append(el("dt", null, label), el("dd", null, value));
  }
  box.append(facts);
  return box;
}

/** The mark beside a value a visitor stated without proof: words, not only colour. */
function statedMark() {
  const mark = el("span", "badge warn stated", STATED);
  mark.title = "A visitor typed this; nothing proves it. A signed identify, mail that passes the sender check or an agent's edit replaces it.";
  return mark;
}

/** "Edit details": the agent's own values replace what is there, stated ones included; only changed fields are sent. */
/** @param {import("./api-types").Contact} contact @param {() => void} reopen */
function editContactForm(contact, reopen) {
  const toggle = el("button", "link", "Edit details");
  toggle.type = "button";
  toggle.id = "edit-contact";
  toggle.setAttribute("aria-expanded", "false");
  const form = el("form", "add-contact");
  form.id = "contact-edit";
  form.hidden = true;
  /** @type {[("phone" | "company" | "full_name"), string][]} */
  const fields = [["phone", "Phone"], ["company", "Company"], ["full_name", "Full name"]];
  const inputs = fields.map(([field, label]) => {
    const input = document.createElement("input");
    input.id = `ce-${field}`;
    input.setAttribute("aria-label", label);
    input.placeholder = label;
    input.value = contact[field] || "";
    return input;
  });
  const save = el("button", null, "Save details");
  save.type = "submit";
  const error = alertBox();
  form.append(...inputs, save, error);
  // Escape cancels: the typed values are dropped and the focus goes back to the button.
  disclosure(toggle, form, () => inputs[0], () => fields.forEach(([field], i) => (inputs[i].value = contact[field] || "")), error);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    showError(error, null);
    /** @type {{phone?: string | null, company?: string | null, full_name?: string | null}} */
    const edit = {};
    fields.forEach(([field], i) => {
      const value = inputs[i].value.trim();
      if (value !== (contact[field] || "")) edit[field] = value || null;
    });
    if (!Object.keys(edit).length) return showError(error, new Error("Nothing changed."));
    try {
      await client.editContact(contact.id, edit);
      reopen();
    } catch (err) {
      showError(error, err);
    }
  });
  return [toggle, form];
}

/** "Click to add": the form that gives an anonymous visitor contact details. */
/** @param {import("./api-types").Conversation} conversation @param {(id: string) => void} open */
function addContactForm(conversation, open) {
  const form = el("form", "add-contact");
  form.id = "add-contact";
  const email = document.createElement("input");
  email.type = "email";
  email.required = true;
  email.placeholder = "Email (required)";
  email.setAttribute("aria-label", "Email");
  email.id = "ac-email";
  const name = document.createElement("input");
  name.placeholder = "Full name";
  name.setAttribute("aria-label", "Full name");
  name.id = "ac-name";
  const add = el("button", null, "Add contact details");
  add.type = "submit";
  const error = alertBox();
  form.append(el("p", null, "Click to add the visitor's details:"), email, name, add, error);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    showError(error, null);
    try {
      await client.addContact(conversation.id, { email: email.value, ...(name.value ? { full_name: name.value } : {}) });
      open(conversation.id);
    } catch (err) {
      showError(error, err);
    }
  });
  return form;
}

/** A Messenger person's email row: "Click to add" opens the form that makes them a contact. */
/** @param {import("./api-types").Conversation} conversation @param {(id: string) => void} open */
function messengerEmailRow(conversation, open) {
  const box = el("div");
  const row = el("p", null, "Email: ");
  const add = el("button", "link", "Click to add");
  add.type = "button";
  add.id = "click-to-add";
  row.append(add);
  const form = addContactForm(conversation, open);
  form.hidden = true;
  add.addEventListener("click", () => {
    form.hidden = false;
    add.hidden = true;
    /** @type {HTMLInputElement} */ (form.querySelector("#ac-email")).focus();
  });
  box.append(row, form);
  return box;
}

/** The tabs "Conversations" and "Recent activity" of a contact; the first is selected. */
/** @param {import("./api-types").Conversation[]} conversations @param {import("./api-types").Activity[]} activity @param {(id: string) => void} open */
function contactTabs(conversations, activity, open) {
  const tabs = el("div", "tabs");
  tabs.setAttribute("role", "tablist");
  const body = el("div");
  const tab = (label, render) => {
    const b = el("button", "link", label);
    b.type = "button";
    b.setAttribute("role", "tab");
    b.addEventListener("click", () => {
      tabs.querySelectorAll("button").forEach((x) => x.setAttribute("aria-selected", String(x === b)));
      body.replaceChildren(render());
    });
    return b;
  };
  const convTab = tab("Conversations", () => {
    const ul = el("ul");
    ul.id = "contact-conversations";
    for (const c of conversations) {
      const li = el("li");
      const link = el("button", "link", `${c.channel}: ${c.subject || c.preview || c.id}`);
      link.type = "button";
      link.addEventListener("click", () => open(c.id));
      li.append(link);
      ul.append(li);
    }
    return ul;
  });
  const actTab = tab("Recent activity", () => {
    const ul = el("ul");
    ul.id = "contact-activity";
    for (const a of activity) ul.append(el("li", null, `${when(a.created_at)} · ${a.author}${a.unverified ? ` (${UNVERIFIED})` : ""}: ${a.body}`));
    if (!activity.length) ul.append(el("li", null, "Nothing yet."));
    return ul;
  });
  tabs.append(convTab, actTab);
  convTab.click();
  return [tabs, body];
}

/** The conversation's satisfaction rating, as the customer gave it (text, never HTML). */
/** @param {import("./api-types").Rating} rating */
function ratingFact(rating) {
  const line = el("p", "rating", `Rated ${rating.score}/5${rating.comment ? `: ${rating.comment}` : ""}`);
  line.id = "profile-rating";
  line.append(el("span", "meta", ` · ${rating.source === "email" ? "by email" : "in the chat"}, ${when(rating.rated_at)}`));
  return [el("h4", null, "Satisfaction"), line];
}

/** Renders the profile of a conversation's person (with the conversation's rating, if given); `open(id)` opens another conversation. */
/** @param {import("./api-types").Conversation} conversation @param {import("./api-types").Claim | null} claim @param {(id: string) => void} open @param {import("./api-types").Rating | null} [rating] */
export async function renderProfile(conversation, claim, open, rating = null) {
  const isCurrent = fresh(); // from here on, an older profile answer is stale
  const pane = $("profile");
  pane.replaceChildren();
  if (rating) pane.append(...ratingFact(rating));
  if (claim) pane.append(claimFacts(claim));
  if (!conversation.contact_id && conversation.channel === "messenger") {
    pane.append(el("h3", null, `${conversation.display_name} (Messenger)`), messengerEmailRow(conversation, open));
    return;
  }
  if (!conversation.contact_id) {
    pane.append(el("h3", null, "Anonymous visitor"));
    if (conversation.visitor_id) pane.append(addContactForm(conversation, open));
    return;
  }
  const error = alertBox("profile-error");
  pane.append(error);
  /** @type {import("./api-types").ContactProfile} */
  let answer;
  try {
    // The attributes' definitions with it, side by side: the editor always offers them as they are now.
    [answer] = await Promise.all([client.contact(conversation.contact_id), loadAttributes()]);
  } catch (err) {
    if (isCurrent()) showError(error, err, "Could not load the contact: ");
    return;
  }
  if (!isCurrent()) return;
  const { contact, channels, conversations, activity, crm_contact_id } = answer;
  error.remove();
  const title = el("h3", null, contact.display_name);
  if (contact.full_name && contact.stated.includes("full_name")) title.append(" ", statedMark());
  pane.append(title);
  const facts = el("dl");
  facts.id = "contact-facts";
  for (const [label, value, field] of /** @type {[string, string | null, import("./api-types").FormField | null][]} */ ([
    ["Email", contact.email, null], ["Phone", contact.phone, "phone"], ["Company", contact.company, "company"],
    ["Full name", contact.full_name, "full_name"], ["Marketing opt-in", contact.marketing_opt_in ? "Yes" : "No", null],
    ["First seen", when(contact.created_at), null], ["Channels", channels.join(", "), null],
  ])) {
    const dd = el("dd", null, value || "—");
    if (value && field && contact.stated.includes(field)) dd.append(" ", statedMark());
    facts.append(el("dt", null, label), dd);
  }
  facts.append(...attributeFacts(contact));
  // After an edit: the thread (its head names the contact) and this profile, whose facts the thread's keys do not cover.
  const reopen = async (focus = "edit-contact") => {
    open(conversation.id);
    await renderProfile(conversation, claim, open, rating);
    document.getElementById(focus)?.focus();
  };
  const labels = labelEditor("contact-labels", "contact", contact.label_ids, (change) => client.labelContact(contact.id, change));
  const attributes = attributeEditor(contact, () => reopen("edit-attributes"));
  pane.append(facts, labels, ...editContactForm(contact, reopen), ...attributes, ...mergeContact(contact, reopen),
    crmCard(contact.id, isCurrent), ...contactTabs(conversations, activity, open));
  if (admin) pane.append(...eraseContact(contact, crm_contact_id, () => erased(contact)));
}

/** After an erase: the thread (gone with the contact) closes, the list reloads, the panel says so. */
/** @param {import("./api-types").Contact} contact */
function erased(contact) {
  closeConversation("This conversation was erased with its contact.");
  const done = el("p", null, `${contact.display_name} was erased from Parley.`);
  done.id = "erased";
  done.setAttribute("role", "status");
  $("profile").replaceChildren(done);
}
