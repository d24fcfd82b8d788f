// Parley inbox (read-only first cut): lists the account's conversations and shows a thread.
// Everything from the API is rendered with textContent, never as HTML.
const $ = (id) => document.getElementById(id);
let key = sessionStorage.getItem("parley.key");

async function api(path) {
  const res = await fetch(path, { headers: { authorization: `Bearer ${key}` } });
  const body = await res.json();
  if (!res.ok) throw Object.assign(new Error(body.error?.message || res.statusText), { status: res.status });
  return body;
}

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text != null) e.textContent = text;
  return e;
}

const when = (ms) => new Date(ms).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
const who = (c) => c.contact_name || c.contact_email || `Visitor ${String(c.visitor_id || "").slice(2, 8)}`;

async function loadList() {
  const params = new URLSearchParams();
  if ($("channel").value) params.set("channel", $("channel").value);
  if ($("status").value) params.set("status", $("status").value);
  const { conversations } = await api(`/api/conversations?${params}`);
  const list = $("list");
  list.replaceChildren();
  for (const c of conversations) {
    const b = el("button");
    b.type = "button";
    b.dataset.id = c.id;
    const name = el("span", "who");
    name.append(el("span", "badge", c.channel), who(c));
    b.append(name, el("span", "preview", c.subject || c.preview || ""));
    b.addEventListener("click", () => openThread(c.id));
    const item = el("li");
    item.append(b);
    list.append(item);
  }
  if (!conversations.length) list.append(el("li", "empty", "No conversations."));
}

async function openThread(id) {
  for (const b of $("list").querySelectorAll("button")) b.setAttribute("aria-current", String(b.dataset.id === id));
  const { conversation, messages } = await api(`/api/conversations/${encodeURIComponent(id)}`);
  const thread = $("thread");
  thread.replaceChildren(el("h2", null, conversation.subject || who(conversation)));
  for (const m of messages) {
    const box = el("article", `msg ${m.direction}`);
    box.append(el("div", "meta", `${m.email_from || m.author} · ${when(m.created_at)}`), el("p", "body", m.body));
    thread.append(box);
  }
}

async function start() {
  try {
    await loadList();
    $("signin").hidden = true;
    $("inbox").hidden = false;
  } catch (err) {
    if (err.status === 401) sessionStorage.removeItem("parley.key");
    $("signin").hidden = false;
  }
}

$("signin").addEventListener("submit", (e) => {
  e.preventDefault();
  key = $("key").value.trim();
  sessionStorage.setItem("parley.key", key);
  start();
});
$("channel").addEventListener("change", loadList);
$("status").addEventListener("change", loadList);
if (key) start(); else $("signin").hidden = false;
