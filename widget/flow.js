/* Parley's flow module, served minified as /widget/flow.js. The facade
 * (widget/facade.js) loads it once the widget runs, only for a site whose
 * chatbot flow shows buttons, asks questions or starts on opening (the
 * config's `flow`), so other sites never download it.
 *
 * default(base, root, widget, start): `start` is the config's flow
 * ({trigger, lines, wait}). The worker decides every step; this module only
 * shows what the flow waits for and reports the visitor's answer
 * (POST /api/widget/flow/answers):
 *  - buttons: real <button>s in a group labelled by the question, after the
 *    messages; a click (or Enter/Space) answers, the next step shows at once
 *    from the answer's response and the focus moves to it;
 *  - a question: the composer's next message is the answer (sent here, not
 *    as a chat message, so the worker checks and saves it);
 *  - the Form: the widget's own Form step, shown only while the flow waits
 *    at it (its slot is hidden otherwise).
 * The echo and the bot's lines are stored messages: they reach the thread
 * like any other, pushed on the widget's live socket. A flow the opening
 * starts shows its opening lines and buttons from the config, writing
 * nothing; the first answer makes the visitor (`widget.visit()`, then
 * `parley:visitor`) and the conversation. A returning visitor's thread read
 * says where their flow waits. An agent's reply ends the flow. */
import { VISITOR_COOKIE } from "../www/inbox/constants.js";

export default function (base, root, widget, start) {
  var api = base + "/api/widget/";
  var wait, opening = [], box, busy, lastSeen, started;
  var token = function () {
    return (document.cookie.match(VISITOR_COOKIE + "=([^;]+)") || [])[1];
  };
  var css = new CSSStyleSheet();
  css.replaceSync(".choices{display:flex;flex-wrap:wrap;gap:8px;margin:0 12px 12px}" +
    ".choice{border:2px solid var(--accent);background:#fff;color:#1f2328;border-radius:16px;padding:6px 12px;font:inherit;cursor:pointer}");
  root.adoptedStyleSheets = root.adoptedStyleSheets.concat(css);

  /** An element `tag` of class `name`, with `text`. */
  function el(tag, name, text) {
    var e = document.createElement(tag);
    e.className = name;
    e.textContent = text || "";
    return e;
  }

  /** Shows what the flow waits for (`w`), after the opening lines a visitor without a conversation sees. */
  function show(w, focus) {
    wait = w;
    var scroll = root.querySelector(".scroll");
    if (!scroll) return;
    if (!box) {
      scroll.append((box = el("div", "flow")));
      box.addEventListener("click", function (e) {
        var b = e.target.closest(".choice");
        if (b && !busy) answer({ choice: +b.dataset.i });
      });
    }
    box.textContent = "";
    var slot = root.querySelector(".form-slot");
    if (slot) slot.hidden = !!w && w.kind != "form";
    if (opening.length) {
      var ol = el("ol", "messages");
      opening.forEach(function (text) {
        // A bot line, as the widget draws one.
        var li = el("li", "msg theirs");
        li.dataset.author = "bot";
        li.append(el("span", "sr-only", "Support"), el("p", "body", text));
        ol.append(li);
      });
      box.append(ol);
    }
    if (!w || w.kind != "buttons") return;
    var group = el("div", "choices");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", w.text); // the question
    w.buttons.forEach(function (label, i) {
      var b = el("button", "choice", label);
      b.type = "button";
      b.dataset.i = i;
      group.append(b);
    });
    box.append(group);
    if (focus) group.firstChild.focus();
    scroll.scrollTop = scroll.scrollHeight;
  }

  /** Sends the visitor's answer to the step that waits (making the visitor first if need be). */
  function answer(given) {
    busy = 1;
    root.querySelectorAll(".choice").forEach(function (b) {
      b.disabled = true;
    });
    given.step = wait.step;
    given.client_message_id = crypto.randomUUID();
    if (token()) return post(given);
    addEventListener("parley:visitor", function () {
      post(given);
    }, { once: true });
    widget.visit();
  }

  function post(given) {
    fetch(api + "flow/answers", {
      method: "POST",
      headers: { authorization: "Bearer " + token(), "content-type": "application/json" },
      body: JSON.stringify(given),
    }).then(function (res) {
      return res.json().then(function (body) {
        busy = 0;
        var notice = root.querySelector(".notice");
        if (notice) notice.textContent = res.ok ? "" : body.message;
        if (res.ok) {
          opening = [];
          show(body.flow, 1);
          if (!body.flow || body.flow.kind != "buttons") root.querySelector("#parley-input").focus();
        } else refresh();
      });
    }, function () {
      // Offline or dropped: the buttons again (a click that had arrived meanwhile makes the next one 409: refresh).
      busy = 0;
      show(wait);
    });
  }

  /** Where the flow waits now: the thread's, or the opening's for a visitor without a conversation. */
  function refresh() {
    var t = token();
    if (!t) return (opening = start.lines, show(start.wait));
    fetch(api + "conversation", { headers: { authorization: "Bearer " + t } })
      .then(function (res) {
        return res.json();
      })
      .then(function (thread) {
        var fresh = !thread.conversation_id && start.wait;
        opening = fresh ? start.lines : [];
        show(fresh ? start.wait : thread.flow);
      });
  }

  // A question's answer is the composer's next message: taken here, before the widget sends it.
  function composed(e) {
    var input = root.querySelector("#parley-input");
    if (!wait || wait.kind != "question" || !input || busy) return;
    if (e.type == "keydown" && (e.target != input || e.key != "Enter" || e.shiftKey || e.isComposing)) return;
    if (e.type == "submit" && !e.target.matches(".composer")) return;
    e.preventDefault();
    e.stopPropagation();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    answer({ text: text });
  }
  root.addEventListener("keydown", composed, true);
  root.addEventListener("submit", composed, true);

  // The panel is built on first open; the thread's lines change as messages
  // arrive: an agent's reply ends the flow, and the bot's lines that follow a
  // first message or the Form are the time to ask where it waits now.
  // (The panel may be there already: the widget replays a queued open() before this module arrives.)
  function watch() {
    var list = root.querySelector(".scroll > .messages");
    if (!list) return;
    if (!started) started = refresh() || 1;
    var last = list.lastElementChild;
    if (!last || last.textContent == lastSeen) return;
    lastSeen = last.textContent;
    if (last.dataset.author == "agent") show(null);
    // A bot line while no buttons or question wait here: the flow started (a first message) or moved on (the Form).
    else if (last.dataset.author == "bot" && (!wait || wait.kind == "form") && !busy) refresh();
  }
  new MutationObserver(watch).observe(root, { childList: true, subtree: true });
  watch();
}
