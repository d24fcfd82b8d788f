// Parley inbox: sign-in, the unified conversation list, threads with replies by
// chat or email, contact profiles, and (primary admin) email settings and team.
// Everything from the API is rendered with textContent; an email's HTML is only
// shown inside a sandboxed iframe, with scripts off.
const $ = (id) => document.getElementById(id);
const state = { csrf: null, agent: null, current: null, agents: [], refresh: null, listSeq: 0 };

class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message || `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code;
  }
}

async function api(method, path, json) {
  const headers = {};
  if (json !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && state.csrf) headers["x-csrf-token"] = state.csrf;
  const res = await fetch(path, { method, headers, body: json === undefined ? undefined : JSON.stringify(json), credentials: "same-origin" });
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text != null) e.textContent = text;
  return e;
}

const when = (ms) => new Date(ms).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
const nameOf = (c) => c.contact_name || c.contact_email || `Visitor ${String(c.visitor_id || "").slice(2, 8)}`;
const show = (...ids) => ["signin", "accept", "inbox", "settings"].forEach((id) => ($(id).hidden = !ids.includes(id)));

// ---- sign-in ---------------------------------------------------------------

function signedIn({ agent, csrf_token }) {
  state.agent = agent;
  state.csrf = csrf_token;
  $("nav").hidden = false;
  $("who").textContent = `${agent.full_name}${agent.role === "primary_admin" ? " (admin)" : ""}`;
  $("to-settings").hidden = agent.role !== "primary_admin";
  openInbox();
}

$("signin").addEventListener("submit", async (e) => {
  e.preventDefault();
  $("signin-error").textContent = "";
  try {
    signedIn(await api("POST", "/api/session", { email: $("email").value, password: $("password").value }));
  } catch (err) {
    $("signin-error").textContent = err.message;
  }
});

$("accept").addEventListener("submit", async (e) => {
  e.preventDefault();
  const token = new URLSearchParams(location.hash.slice(1)).get("invitation");
  try {
    const session = await api("POST", "/api/invitations/accept", { token, password: $("new-password").value });
    history.replaceState(null, "", location.pathname);
    signedIn(session);
  } catch (err) {
    $("accept-error").textContent = err.message;
  }
});

$("sign-out").addEventListener("click", async () => {
  await api("DELETE", "/api/session").catch(() => {});
  clearInterval(state.refresh);
  location.reload();
});

// ---- inbox -------------------------------------------------------------------

async function openInbox() {
  show("inbox");
  state.agents = (await api("GET", "/api/agents")).agents;
  await loadList();
  clearInterval(state.refresh);
  state.refresh = setInterval(() => loadList().catch(() => {}), 5000);
}

async function loadList() {
  const params = new URLSearchParams();
  for (const [key, id] of [["channel", "f-channel"], ["status", "f-status"], ["assignee", "f-assignee"], ["q", "f-q"]]) {
    if ($(id).value.trim()) params.set(key, $(id).value.trim());
  }
  const seq = ++state.listSeq;
  const { conversations } = await api("GET", `/api/conversations?${params}`);
  if (seq !== state.listSeq) return; // a newer load (other filters) is under way
  const list = $("list");
  list.replaceChildren();
  for (const c of conversations) {
    const item = el("li", c.unread ? "unread" : "");
    const b = el("button");
    b.type = "button";
    b.dataset.id = c.id;
    b.setAttribute("aria-current", String(c.id === state.current));
    const who = el("span", "who");
    who.append(el("span", "badge", c.channel), nameOf(c));
    if (c.unread) who.append(el("span", "sr-unread", " (unread)"));
    b.append(who);
    if (c.contact_email && c.contact_name) b.append(el("span", "preview", c.contact_email));
    b.append(el("span", "preview", c.subject || c.preview || ""));
    if (c.assignee_name) b.append(el("span", "preview", `Assigned to ${c.assignee_name}`));
    b.addEventListener("click", () => openConversation(c.id));
    item.append(b);
    list.append(item);
  }
  if (!conversations.length) list.append(el("li", "empty", "No conversations."));
}

for (const id of ["f-channel", "f-status", "f-assignee"]) $(id).addEventListener("change", loadList);
let searchTimer;
$("f-q").addEventListener("input", () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(loadList, 250);
});

async function openConversation(id) {
  state.current = id;
  const [{ conversation, messages }] = await Promise.all([
    api("GET", `/api/conversations/${encodeURIComponent(id)}`),
    api("POST", `/api/conversations/${encodeURIComponent(id)}/read`),
  ]);
  renderThread(conversation, messages);
  renderProfile(conversation);
  loadList().catch(() => {});
}

function renderMessage(m) {
  const box = el("article", `msg ${m.direction}${m.delivery_status === "failed" ? " failed" : ""}`);
  const who = m.email_from || m.author_name || m.author;
  const meta = el("div", "meta", `${who} · ${when(m.created_at)}`);
  if (m.email_subject) meta.append(el("div", null, `Subject: ${m.email_subject}`));
  if (m.flags?.length) meta.append(el("div", null, `Flagged: ${m.flags.join(", ")} (never auto-answered)`));
  if (m.flags?.includes("sender_unverified")) {
    meta.append(el("div", "error", "The sender could not be verified: the From address does not match the server that sent it"));
  }
  const skipped = m.email_headers?.not_processed;
  if (skipped) meta.append(el("div", null, `Too large to process whole (${skipped.message_bytes} bytes): only its headers and first text part were read; the rest is in the original.`));
  if (m.delivery_status === "failed") meta.append(el("div", "error", "Not delivered"));
  box.append(meta, el("p", "body", m.body));
  if (m.body_full) {
    const quoted = el("details");
    quoted.append(el("summary", null, "Show quoted text"), el("p", "full", m.body_full));
    box.append(quoted);
  }
  if (m.body_html) {
    const formatted = el("details");
    const frame = document.createElement("iframe");
    frame.setAttribute("sandbox", "");
    frame.title = "Formatted email";
    formatted.append(el("summary", null, "Show formatted email"), frame);
    formatted.addEventListener("toggle", () => { if (formatted.open && !frame.srcdoc) frame.srcdoc = m.body_html; });
    box.append(formatted);
  }
  if (m.attachments?.length) {
    const files = el("ul", "files");
    for (const a of m.attachments) files.append(el("li", null, `${a.filename || "attachment"} (${a.content_type}, ${a.size} bytes)`));
    box.append(files);
  }
  if (m.has_original) {
    const link = el("a", null, "View original");
    link.href = `/api/messages/${encodeURIComponent(m.id)}/original`;
    box.append(link);
  }
  return box;
}

function renderThread(conversation, messages) {
  const pane = $("thread");
  pane.replaceChildren();
  const head = el("div", "thread-head");
  head.append(el("h2", null, conversation.subject || nameOf(conversation)));
  const status = el("button", null, conversation.status === "open" ? "Close" : "Reopen");
  status.type = "button";
  status.id = "toggle-status";
  status.addEventListener("click", async () => {
    await api("PATCH", `/api/conversations/${conversation.id}`, { status: conversation.status === "open" ? "closed" : "open" });
    openConversation(conversation.id);
  });
  const assign = el("select");
  assign.id = "assign";
  assign.setAttribute("aria-label", "Assignee");
  assign.append(new Option("Unassigned", ""));
  for (const a of state.agents) assign.append(new Option(a.full_name, a.id, false, a.id === conversation.assignee_id));
  assign.addEventListener("change", async () => {
    await api("PATCH", `/api/conversations/${conversation.id}`, { assignee_id: assign.value || null });
    loadList();
  });
  head.append(status, assign);

  const list = el("div", "messages");
  list.id = "messages";
  for (const m of messages) list.append(renderMessage(m));
  pane.append(head, list, composer(conversation));
  list.scrollTop = list.scrollHeight;
}

function composer(conversation) {
  const form = el("form", "composer");
  form.id = "composer";
  const via = el("div", "via");
  const radio = (value, label) => {
    const wrap = el("label");
    const input = document.createElement("input");
    input.type = "radio";
    input.name = "via";
    input.value = value;
    input.id = `via-${value}`;
    wrap.append(input, ` ${label}`);
    return [wrap, input];
  };
  const [chatLabel, chat] = radio("chat", "Chat");
  const [emailLabel, email] = radio("email", "Email");
  const reason = el("span", "reason");
  reason.id = "email-reason";
  via.append("Reply by", chatLabel, emailLabel, reason);
  const subject = document.createElement("input");
  subject.id = "reply-subject";
  subject.setAttribute("aria-label", "Subject");
  subject.hidden = true;
  const from = el("div", "reason");
  from.id = "reply-from";
  const text = document.createElement("textarea");
  text.id = "reply-body";
  text.setAttribute("aria-label", "Reply");
  text.required = true;
  const send = el("button", null, "Send");
  send.type = "submit";
  const error = el("p", "error");
  error.setAttribute("role", "alert");
  form.append(via, from, subject, text, send, error);

  chat.disabled = !conversation.visitor_id;
  email.disabled = true;
  reason.textContent = "Checking email…";
  api("GET", `/api/conversations/${conversation.id}/email-draft`)
    .then((draft) => {
      email.disabled = false;
      reason.textContent = "";
      subject.value = draft.subject;
      from.textContent = `From ${draft.from} to ${draft.to}`;
      if (chat.disabled) email.checked = true;
      update();
    })
    .catch((err) => { reason.textContent = `Email unavailable: ${err.message}`; });
  if (!chat.disabled) chat.checked = true;

  const update = () => {
    subject.hidden = from.hidden = !email.checked;
  };
  chat.addEventListener("change", update);
  email.addEventListener("change", update);
  update();

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.textContent = "";
    const channel = email.checked ? "email" : "chat";
    try {
      await api("POST", `/api/conversations/${conversation.id}/messages`, {
        body: text.value, channel, ...(channel === "email" ? { subject: subject.value } : {}),
      });
      text.value = "";
      openConversation(conversation.id);
    } catch (err) {
      error.textContent = err.message;
      if (err.status === 502) openConversation(conversation.id);
    }
  });
  return form;
}

async function renderProfile(conversation) {
  const pane = $("profile");
  pane.replaceChildren();
  if (!conversation.contact_id) {
    pane.append(el("h3", null, "Anonymous visitor"));
    if (!conversation.visitor_id) return;
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
    const error = el("p", "error");
    error.setAttribute("role", "alert");
    form.append(el("p", null, "Click to add the visitor's details:"), email, name, add, error);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      try {
        await api("POST", `/api/conversations/${conversation.id}/contact`, { email: email.value, ...(name.value ? { full_name: name.value } : {}) });
        openConversation(conversation.id);
      } catch (err) {
        error.textContent = err.message;
      }
    });
    pane.append(form);
    return;
  }
  const { contact, channels, conversations, activity } = await api("GET", `/api/contacts/${encodeURIComponent(conversation.contact_id)}`);
  pane.append(el("h3", null, contact.full_name || contact.name_from_email || contact.email));
  const facts = el("dl");
  for (const [label, value] of [
    ["Email", contact.email], ["Phone", contact.phone], ["Company", contact.company], ["Full name", contact.full_name],
    ["Marketing opt-in", contact.marketing_opt_in ? "Yes" : "No"], ["First seen", when(contact.created_at)],
    ["Channels", channels.join(", ")],
  ]) facts.append(el("dt", null, label), el("dd", null, value || "—"));
  pane.append(facts);

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
      link.addEventListener("click", () => openConversation(c.id));
      li.append(link);
      ul.append(li);
    }
    return ul;
  });
  const actTab = tab("Recent activity", () => {
    const ul = el("ul");
    ul.id = "contact-activity";
    for (const a of activity) ul.append(el("li", null, `${when(a.created_at)} · ${a.author}: ${a.body}`));
    if (!activity.length) ul.append(el("li", null, "Nothing yet."));
    return ul;
  });
  tabs.append(convTab, actTab);
  pane.append(tabs, body);
  convTab.click();
}

// ---- settings (primary admin) --------------------------------------------------

const DATE = "{Start_Date}";
let previewTimer;

async function openSettings() {
  show("settings");
  clearInterval(state.refresh);
  const { sites } = await api("GET", "/api/sites");
  const select = $("s-site");
  if (!select.options.length) for (const s of sites) select.append(new Option(s.name, s.id));
  await loadSettings();
  await loadTeam();
}

async function loadSettings() {
  $("s-error").textContent = "";
  try {
    const { channel, forwarding_address } = await api("GET", `/api/sites/${$("s-site").value}/email-channel`);
    $("s-enabled").checked = channel.enabled === 1;
    $("s-address").textContent = forwarding_address || "Not set yet.";
    $("s-address-form").hidden = Boolean(forwarding_address);
    $("s-subject").value = channel.default_subject;
    $("s-from").value = channel.from_name;
    syncDateToggle();
    preview();
  } catch (err) {
    $("s-error").textContent = err.message;
  }
}

function syncDateToggle() {
  $("s-date-toggle").textContent = $("s-subject").value.includes(DATE) ? "Remove start date" : "Insert start date";
}

function preview() {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(async () => {
    try {
      const p = await api("POST", `/api/sites/${$("s-site").value}/email-channel/preview`, {
        default_subject: $("s-subject").value, from_name: $("s-from").value,
      });
      $("p-from").textContent = p.from;
      $("p-subject").textContent = p.subject;
    } catch (err) {
      $("p-subject").textContent = err.message;
    }
  }, 150);
}

$("s-site").addEventListener("change", loadSettings);
$("s-subject").addEventListener("input", () => { syncDateToggle(); preview(); });
$("s-from").addEventListener("input", preview);
$("s-date-toggle").addEventListener("click", () => {
  const input = $("s-subject");
  input.value = input.value.includes(DATE) ? input.value.replace(DATE, "").trim() : `${input.value.trim()} · ${DATE}`.trim();
  syncDateToggle();
  preview();
});
$("s-agent-name").addEventListener("click", () => {
  const input = $("s-from");
  if (!input.value.includes("{Agent_Name}")) input.value = `{Agent_Name} ${input.value}`.trim();
  preview();
});
$("s-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  $("s-saved").textContent = "";
  const changes = { enabled: $("s-enabled").checked, default_subject: $("s-subject").value, from_name: $("s-from").value };
  if (!$("s-address-form").hidden && $("s-username").value) {
    Object.assign(changes, { username: $("s-username").value, subdomain: $("s-subdomain").value });
  }
  try {
    await api("PATCH", `/api/sites/${$("s-site").value}/email-channel`, changes);
    $("s-saved").textContent = "Saved.";
    loadSettings();
  } catch (err) {
    $("s-error").textContent = err.message;
  }
});

async function loadTeam() {
  const { agents } = await api("GET", "/api/agents");
  const team = $("team");
  team.replaceChildren();
  for (const a of agents) {
    const li = el("li", null, `${a.full_name} <${a.email}> · ${a.role === "primary_admin" ? "primary admin" : a.active ? "agent" : "invited"}`);
    if (a.role !== "primary_admin") {
      const remove = el("button", "link", "Remove");
      remove.type = "button";
      remove.addEventListener("click", async () => { await api("DELETE", `/api/agents/${a.id}`); loadTeam(); });
      li.append(" ", remove);
    }
    team.append(li);
  }
}

$("invite").addEventListener("submit", async (e) => {
  e.preventDefault();
  try {
    const { invitation_url } = await api("POST", "/api/agents", { email: $("i-email").value, full_name: $("i-name").value });
    $("i-result").textContent = `Share this one-time link: ${invitation_url}`;
    loadTeam();
  } catch (err) {
    $("i-result").textContent = err.message;
  }
});

$("to-settings").addEventListener("click", openSettings);
$("to-inbox").addEventListener("click", openInbox);

// ---- start -------------------------------------------------------------------

(async () => {
  if (new URLSearchParams(location.hash.slice(1)).get("invitation")) return show("accept");
  try {
    signedIn(await api("GET", "/api/session"));
  } catch {
    show("signin");
  }
})();
