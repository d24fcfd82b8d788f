// Settings' live preview: the real widget (the same facade and wasm visitors
// load), given the unsaved configuration from this page's `?config=` instead
// of the worker's. It runs as site "preview", which does not exist: nothing
// it sends is stored.
// With `?flow=` (the unsaved chatbot flow) and `?site=`, this page's own code
// shows the flow's opening in the open widget, under its greeting: the bot's
// lines up to the first step that waits, then its buttons (or its question,
// or the Form), which the admin clicks through. The worker runs the flow
// (POST /api/sites/{site}/flow/preview, the admin's session; it writes
// nothing): the preview shows what visitors would get, not a copy of the rules.
const params = new URLSearchParams(location.search);
const config = JSON.parse(params.get("config") || "null");
const flow = JSON.parse(params.get("flow") || "null");
const site = params.get("site");
let shown = false;
// The preview reloads as the admin types in Settings, and the widget focuses
// its own fields when it opens: it would take the keyboard away from the
// field being edited. Focus moves inside the preview only while it has the
// focus already (the admin is in it).
const focus = HTMLElement.prototype.focus;
HTMLElement.prototype.focus = function (options) {
  if (window.top === window || document.hasFocus()) focus.call(this, options);
};
if (config) {
  window.parleyPreview = config;
  const opened = () => {
    document.documentElement.dataset.ready = "true";
    if (flow && site && !shown) {
      shown = true;
      showFlow().catch((err) => console.error("flow preview", err));
    }
  };
  window.Parley = { q: [["on", ["open", opened]], ["open", []]] };
  const loader = document.createElement("script");
  loader.src = "/loader.js";
  loader.setAttribute("data-site", "preview");
  document.head.appendChild(loader);
}

/** Resolves with the element `selector` finds under `root` once it is there. */
function found(root, selector) {
  return new Promise((resolve) => {
    const now = root.querySelector(selector);
    if (now) return resolve(now);
    const watch = new MutationObserver(() => {
      const there = root.querySelector(selector);
      if (there) {
        watch.disconnect();
        resolve(there);
      }
    });
    watch.observe(root, { childList: true, subtree: true });
  });
}

const STYLE = ".pv-flow{padding-bottom:12px}.pv-flow .messages{padding-top:0}" +
  ".pv-note{align-self:stretch;margin:0;font-size:13px;font-style:italic;color:#374151}" +
  ".pv-choices{display:flex;flex-wrap:wrap;gap:8px;padding:0 12px}" +
  ".pv-choices button,.pv-answer button{border:0;border-radius:16px;padding:7px 14px;background:var(--accent);color:#fff;font-size:14px;cursor:pointer}" +
  ".pv-choices button:disabled{opacity:.6}.pv-answer{display:flex;gap:8px;width:100%}" +
  ".pv-answer input{flex:1;font-size:15px;padding:6px 8px;border:1px solid #6b7280;border-radius:8px}";

/** What a step that does something other than speak did, in words (the preview only). */
function said(effect) {
  switch (effect.type) {
    case "save": return `(The answer is kept as ${effect.to.type === "attribute" ? "the contact's" : "the conversation's"} "${effect.to.key}".)`;
    case "assign": return `(The conversation is assigned to the ${effect.to.type} ${effect.to.id}.)`;
    case "label": return `(The label ${effect.label_id} is put on the conversation.)`;
    case "enter_automation": return `(The contact enters the automation ${effect.automation_id}.)`;
    case "close": return "(The conversation is closed.)";
    default: return "";
  }
}

/** Draws the flow's preview in the open widget's thread and runs it from its start. */
async function showFlow() {
  const root = document.querySelector("parley-chat").shadowRoot;
  const scroll = await found(root, ".scroll");
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(STYLE);
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  const box = document.createElement("div");
  box.className = "pv-flow";
  const list = document.createElement("ol");
  list.className = "messages";
  list.setAttribute("aria-label", "The chatbot flow, previewed");
  list.setAttribute("aria-live", "polite");
  const choices = document.createElement("div");
  choices.className = "pv-choices";
  box.append(list, choices);
  scroll.append(box);
  const session = await fetch("/api/session", { credentials: "same-origin" }).then((r) => r.json());
  const csrf = session?.csrf_token ?? "";

  const line = (mine, text, cls = "") => {
    const li = document.createElement("li");
    li.className = `msg ${mine ? "mine" : "theirs"} ${cls}`.trim();
    li.dataset.author = mine ? "visitor" : "bot";
    li.dataset.flow = "";
    const body = document.createElement("p");
    body.className = "body";
    body.textContent = text;
    li.append(body);
    list.append(li);
    return li;
  };
  const note = (text) => {
    const p = document.createElement("li");
    p.className = "pv-note";
    p.textContent = text;
    list.append(p);
    return p;
  };
  const trigger = flow.trigger;
  if (trigger.type === "first_message") note("Starts when the visitor sends a first message (shown here as if they had).");
  if (trigger.type === "on_page") note(`Starts after ${trigger.seconds} s on a page matching ${trigger.url}.`);

  /** Runs the flow on (from its start, or with an answer to the step it waits at) and draws what it does. */
  const run = async (answer) => {
    choices.replaceChildren();
    const res = await fetch(`/api/sites/${encodeURIComponent(site)}/flow/preview`, {
      method: "POST", credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": csrf },
      body: JSON.stringify({ flow, ...answer }),
    });
    const body = await res.json().catch(() => null);
    if (!res.ok) {
      note(`Preview: ${body?.error?.message ?? `the server answered ${res.status}.`}`).classList.add("pv-refused");
      return;
    }
    if (body.echo != null) line(true, body.echo);
    for (const effect of body.effects) {
      if (effect.type === "say") line(false, effect.text);
      else note(said(effect));
    }
    const wait = body.wait;
    let first = null;
    if (!wait) {
      first = note("The flow ends here: the team has the conversation.");
    } else if (wait.prompt.type === "buttons") {
      wait.prompt.labels.forEach((label, i) => {
        const b = document.createElement("button");
        b.type = "button";
        b.textContent = label;
        b.addEventListener("click", () => run({ step: wait.step, choice: i }));
        choices.append(b);
        first ??= b;
      });
    } else if (wait.prompt.type === "question") {
      const form = document.createElement("form");
      form.className = "pv-answer";
      const input = document.createElement("input");
      input.setAttribute("aria-label", "The visitor's answer (preview)");
      input.required = true;
      const send = document.createElement("button");
      send.type = "submit";
      send.textContent = "Answer";
      form.append(input, send);
      form.addEventListener("submit", (e) => {
        e.preventDefault();
        run({ step: wait.step, text: input.value });
      });
      choices.append(form);
      first = input;
    } else {
      note("The Form asks for the visitor's email here.");
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = "Continue as if the Form was answered";
      b.addEventListener("click", () => run({ step: wait.step }));
      choices.append(b);
      first = b;
    }
    scroll.scrollTop = scroll.scrollHeight;
    if (answer && first) {
      if (!first.matches("button, input")) first.tabIndex = -1;
      first.focus(); // the keyboard goes on where the flow did
    }
  };
  await run(null);
}
