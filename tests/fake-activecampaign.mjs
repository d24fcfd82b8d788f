// A fake ActiveCampaign (API v3) for the connector, started by tests/run.mjs
// and shared by every suite through PARLEY_AC_URL. Each API key is its own
// ActiveCampaign account (suites isolate by using a unique key per test):
//   GET  /api/3/users/me                      -> {user}          (the live check)
//   POST /api/3/contact/sync                  -> {contact}       (by email; 201 created, 200 updated)
//   GET  /api/3/tags?search=                  -> {tags, meta}
//   POST /api/3/tags                          -> {tag}
//   POST /api/3/contactTags                   -> {contactTag}
//   POST /api/3/notes                         -> {note}
//   POST /api/3/contactAutomations            -> {contactAutomation}
//   GET  /api/3/automations, /api/3/fields    -> {automations|fields, meta}
//   GET  /api/3/contacts?email=               -> {contacts}
//   GET  /api/3/contacts/{id}/contactTags|contactLists|deals, /api/3/lists, /api/3/dealStages
// It checks the `Api-Token` header (missing, or a key starting `bad`: 401),
// answers 422 with AC's error shape for an email it cannot take (one with
// `invalid` in it, or without `@`), and records every call (GET /_calls,
// oldest first: {method, path, query, key, body, status, at}; `?key=` filters).
// POST /_fail {method, path, status, times, retry_after?, key?} makes the next
// `times` matching calls answer `status` (429 with Retry-After when given).
// POST /_seed {key, email, tags: [name], lists: [{name, status}], deals: [{title,
// stage, value (cents), currency}]} gives the key's contact with that email
// (made if need be) what the contact card reads; answers {contact_id, tag_ids}.
import { createServer } from "node:http";

/** What the fake recorded for this key, oldest first (from a suite: the run's fake at PARLEY_AC_URL). */
export const acCalls = async (key, url = process.env.PARLEY_AC_URL) =>
  (await fetch(`${url}/_calls${key ? `?key=${encodeURIComponent(key)}` : ""}`)).json();

/** Makes the next `times` calls matching `method` and `path` (and `key`) answer `status`. */
export const acFail = async (rule, url = process.env.PARLEY_AC_URL) => {
  const res = await fetch(`${url}/_fail`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(rule) });
  if (res.status !== 204) throw new Error(`the fake refused the rule: ${res.status}`);
};

/** Gives the key's contact with `spec.email` tags, lists and deals (see POST /_seed): `{contact_id, tag_ids}`. */
export const acSeed = async (key, spec, url = process.env.PARLEY_AC_URL) =>
  (await fetch(`${url}/_seed`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ key, ...spec }) })).json();

/** The automations and custom fields every fake account has. */
export const AC_AUTOMATIONS = [{ id: "1", name: "Welcome series", status: "1" }, { id: "2", name: "Old newsletter", status: "2" }];
export const AC_FIELDS = [{ id: "1", title: "Company", type: "text" }, { id: "7", title: "Plan", type: "text" }];

/** Starts the fake on a free port of 127.0.0.1; resolves to `{url, calls, close}`. */
export async function startFakeActiveCampaign() {
  const calls = [];
  const rules = [];
  const accounts = new Map();
  let nextId = 100;
  const id = () => String(nextId++);
  const account = (key) => {
    if (!accounts.has(key)) accounts.set(key, { contacts: [], tags: [], contactTags: [], notes: [], contactAutomations: [] });
    return accounts.get(key);
  };
  const server = createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => (raw += chunk));
    req.on("end", () => {
      const at = Date.now();
      const url = new URL(req.url, "http://fake");
      const send = (status, body, headers = {}) =>
        res.writeHead(status, { "content-type": "application/json", ...headers }).end(body === undefined ? "" : JSON.stringify(body));
      if (url.pathname === "/_calls") {
        const key = url.searchParams.get("key");
        return send(200, key ? calls.filter((c) => c.key === key) : calls);
      }
      if (url.pathname === "/_fail" && req.method === "POST") {
        const rule = JSON.parse(raw);
        rules.push({ times: 1, ...rule });
        return send(204);
      }
      if (url.pathname === "/_seed" && req.method === "POST") return send(200, seed(JSON.parse(raw)));
      const key = req.headers["api-token"] ?? null;
      let body = null;
      try { body = raw ? JSON.parse(raw) : null; } catch { body = raw; }
      const call = { method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), key, body, at, status: 0 };
      calls.push(call);
      const answer = (status, json, headers) => { call.status = status; send(status, json, headers); };
      if (!key || key.startsWith("bad")) return answer(401, { message: "Unauthorized: the API token is missing or invalid." });
      const rule = rules.find((r) => r.times > 0 && r.method === req.method && r.path === url.pathname && (!r.key || r.key === key));
      if (rule) {
        rule.times -= 1;
        if (rule.status === 429) return answer(429, { message: "Too Many Requests" }, rule.retry_after === undefined ? {} : { "retry-after": String(rule.retry_after) });
        if (rule.status === 422) return answer(422, { errors: [{ title: rule.title ?? "The request could not be processed.", detail: "", code: "invalid", source: { pointer: "/data" } }] });
        return answer(rule.status, { message: `Failing on purpose (${rule.status})` });
      }
      route(account(key), req.method, url, body, answer);
    });
  });

  /** The contact card's data for the key's contact with `email` (see POST /_seed). */
  function seed({ key, email, tags = [], lists = [], deals = [] }) {
    const acct = account(key);
    Object.assign(acct, { lists: acct.lists ?? [], contactLists: acct.contactLists ?? [], deals: acct.deals ?? [], dealStages: acct.dealStages ?? [] });
    const lower = String(email).toLowerCase();
    let contact = acct.contacts.find((c) => c.email === lower);
    if (!contact) {
      contact = { id: id(), email: lower };
      acct.contacts.push(contact);
    }
    /** The item of `items` whose `field` is `name`, made by `make` if there is none. */
    const named = (items, field, name, make) => items.find((x) => x[field] === name) ?? items[items.push(make()) - 1];
    const tag_ids = tags.map((name) => {
      const tag = named(acct.tags, "tag", name, () => ({ id: id(), tag: name, tagType: "contact", description: "" }));
      acct.contactTags.push({ id: id(), contact: contact.id, tag: tag.id });
      return tag.id;
    });
    for (const l of lists) {
      const found = named(acct.lists, "name", l.name, () => ({ id: id(), name: l.name, stringid: l.name.toLowerCase().replace(/\W+/g, "-") }));
      acct.contactLists.push({ id: id(), contact: contact.id, list: found.id, status: String(l.status) });
    }
    for (const d of deals) {
      const stage = named(acct.dealStages, "title", d.stage, () => ({ id: id(), title: d.stage, group: "1" }));
      acct.deals.push({ id: id(), contact: contact.id, title: d.title, stage: stage.id, value: String(d.value ?? ""), currency: d.currency ?? "usd" });
    }
    return { contact_id: contact.id, tag_ids };
  }

  /** Answers one API call for the key's account. */
  function route(acct, method, url, body, answer) {
    const path = url.pathname;
    const parts = path.split("/").filter(Boolean); // api, 3, ...
    const list = (name, items) => answer(200, { [name]: items, meta: { total: String(items.length) } });
    if (method === "GET" && path === "/api/3/users/me") return answer(200, { user: { id: "1", username: "admin", email: "owner@example.org" } });
    if (method === "POST" && path === "/api/3/contact/sync") {
      const c = body?.contact ?? {};
      const email = String(c.email ?? "").toLowerCase();
      if (!email.includes("@") || email.includes("invalid")) {
        return answer(422, { errors: [{ title: "Contact Email Address is not valid.", detail: "", code: "email_invalid", source: { pointer: "/data/attributes/email" } }] });
      }
      let contact = acct.contacts.find((x) => x.email === email);
      const created = !contact;
      if (!contact) { contact = { id: id(), email }; acct.contacts.push(contact); }
      for (const f of ["firstName", "lastName", "phone"]) if (c[f] !== undefined) contact[f] = c[f];
      contact.fieldValues = c.fieldValues ?? contact.fieldValues ?? [];
      return answer(created ? 201 : 200, { contact: { ...contact, cdate: new Date().toISOString() }, fieldValues: contact.fieldValues });
    }
    if (method === "GET" && path === "/api/3/tags") {
      const search = (url.searchParams.get("search") ?? "").toLowerCase();
      return list("tags", acct.tags.filter((t) => t.tag.toLowerCase().includes(search)));
    }
    if (method === "POST" && path === "/api/3/tags") {
      const tag = { id: id(), tag: body?.tag?.tag, tagType: body?.tag?.tagType ?? "contact", description: body?.tag?.description ?? "" };
      acct.tags.push(tag);
      return answer(201, { tag });
    }
    if (method === "POST" && path === "/api/3/contactTags") {
      const contactTag = { id: id(), contact: String(body?.contactTag?.contact), tag: String(body?.contactTag?.tag) };
      acct.contactTags.push(contactTag);
      return answer(201, { contactTag });
    }
    if (method === "POST" && path === "/api/3/notes") {
      const note = { id: id(), note: body?.note?.note, relid: String(body?.note?.relid), reltype: body?.note?.reltype };
      acct.notes.push(note);
      return answer(201, { note });
    }
    if (method === "POST" && path === "/api/3/contactAutomations") {
      const automation = String(body?.contactAutomation?.automation);
      if (!AC_AUTOMATIONS.some((a) => a.id === automation)) {
        return answer(422, { errors: [{ title: "The automation does not exist.", detail: "", code: "related_missing", source: { pointer: "/data/attributes/automation" } }] });
      }
      const contactAutomation = { id: id(), contact: String(body?.contactAutomation?.contact), automation };
      acct.contactAutomations.push(contactAutomation);
      return answer(201, { contactAutomation });
    }
    if (method === "GET" && path === "/api/3/automations") return list("automations", AC_AUTOMATIONS);
    if (method === "GET" && path === "/api/3/fields") return list("fields", AC_FIELDS);
    if (method === "GET" && path === "/api/3/contacts") {
      const email = (url.searchParams.get("email") ?? "").toLowerCase();
      return list("contacts", acct.contacts.filter((c) => c.email === email));
    }
    if (method === "GET" && parts[2] === "contacts" && parts.length === 5) {
      const [, , , contactId, what] = parts;
      if (what === "contactTags") return list("contactTags", acct.contactTags.filter((t) => t.contact === contactId));
      if (what === "contactLists") return list("contactLists", (acct.contactLists ?? []).filter((m) => m.contact === contactId));
      if (what === "deals") return list("deals", (acct.deals ?? []).filter((d) => d.contact === contactId));
    }
    if (method === "GET" && path === "/api/3/lists") return list("lists", acct.lists ?? []);
    if (method === "GET" && path === "/api/3/dealStages") return list("dealStages", acct.dealStages ?? []);
    if (method === "GET" && parts[2] === "tags" && parts.length === 4) {
      const tag = acct.tags.find((t) => t.id === parts[3]);
      return tag ? answer(200, { tag }) : answer(404, { message: "No Result found for Tag" });
    }
    answer(404, { message: `No Result found for ${method} ${path}` });
  }

  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    calls,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
