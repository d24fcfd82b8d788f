/* Parley's chatbot flow, served minified inside the bot module
 * (/widget/bot.js, with the proactive bubble). The facade (widget/facade.js)
 * loads it once the widget runs, only for a site whose
 * chatbot flow shows buttons, asks questions or starts on opening or on a
 * page (the config's `flow`), so other sites never download it.
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
 * `parley:visitor`) and the conversation. A flow that starts on a page
 * (on_page) shows its opening only once the bubble module (widget/bubble.js)
 * saw the page match for its seconds and marked `start.shown`; before, the
 * chat is plain (the worker starts the flow after a first message). A
 * returning visitor's thread read says where their flow waits. An agent's
 * reply ends the flow. */
import { VISITOR_COOKIE } from "../www/inbox/constants.js";

export default (base, root, widget, start) => {
  var api = base + "/api/widget/",
    wait, opening = [], box, busy, lastSeen, started,
    $ = (s) => root.querySelector(s),
    token = () => (document.cookie.match(VISITOR_COOKIE + "=([^;]+)") || [])[1],
    /** An element `tag` of class `name`, with `text`, in `parent`. */
    el = (parent, tag, name, text, e) => {
      parent.append((e = document.createElement(tag)));
      e.className = name;
      e.textContent = text; // undefined: none
      return e;
    },
    /** Shows what the flow waits for (`w`), after the opening lines a visitor without a conversation sees. */
    show = (w, focus, scroll, group, ol) => {
      wait = w;
      if (!(scroll = $(".scroll"))) return;
      box ||= el(scroll, "div", "flow");
      box.textContent = "";
      $(".form-slot").hidden = w && w.kind != "form";
      if (opening[0]) {
        ol = el(box, "ol", "messages");
        // Bot lines, as the widget draws them.
        opening.forEach((text, li) => {
          li = el(ol, "li", "msg theirs");
          li.dataset.author = "bot";
          el(li, "span", "sr-only", "Support");
          el(li, "p", "body", text);
        });
      }
      if (w?.kind != "buttons") return;
      // Laid out as the widget's list of messages (a column), the buttons as its Form's: no styles of their own.
      group = el(box, "div", "messages choices");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", w.text); // the question
      // (Outside any form: no type needed. Disabled once one is chosen, until the answer's response.)
      w.buttons.forEach((label, i) => (el(group, "button", "form-submit", label).onclick = () => answer({ choice: i })));
      if (focus) group.firstChild.focus();
      scroll.scrollTop = scroll.scrollHeight;
    },
    /** Sends the visitor's answer to the step that waits (making the visitor first if need be). */
    answer = (given) => {
      busy = 1;
      box.querySelectorAll("button").forEach((b) => (b.disabled = true));
      given.step = wait.step;
      given.client_message_id = crypto.randomUUID();
      if (token()) return post(given);
      addEventListener("parley:visitor", () => post(given), { once: true });
      widget.visit();
    },
    post = (given) =>
      fetch(api + "flow/answers", {
        method: "POST",
        headers: { authorization: "Bearer " + token(), "content-type": "application/json" },
        body: JSON.stringify(given),
      }).then(
        (res) =>
          res.json().then((body) => {
            busy = 0;
            $(".notice").textContent = res.ok ? "" : body.message;
            if (!res.ok) return refresh();
            opening = [];
            show(body.flow, 1);
            // The focus goes where the next answer is given: the Form's first field (in view on a phone), else the composer.
            if (body.flow?.kind != "buttons") ((body.flow?.kind == "form" && $(".form-slot input")) || $("#parley-input")).focus();
          }),
        // Offline or dropped: the buttons again (a click that had arrived meanwhile makes the next one 409: refresh).
        () => show(wait, (busy = 0))
      ),
    /** Where the flow waits now: the thread's, or the opening's for a visitor without a conversation (an on_page flow's once its bubble showed). */
    refresh = (t, s) => {
      s = start.trigger.url && !start.shown ? {} : start;
      if (!(t = token())) return (opening = s.lines || [], show(s.wait));
      fetch(api + "conversation", { headers: { authorization: "Bearer " + t } })
        .then((res) => res.json())
        .then((thread) => {
          t = !thread.conversation_id && s.wait;
          opening = t ? s.lines : [];
          show(t || thread.flow);
        });
    },
    // A question's answer is the composer's next message: taken here, before the widget sends it.
    composed = (e, input) => {
      input = $("#parley-input");
      // The composer's submit (the only form while a question waits: the Form's slot is hidden), or Enter in it
      // (keyCode 13: Enter, not while an input method composes, which reports 229).
      if (wait?.kind == "question" && !busy && (e.type == "submit" || (e.target == input && e.keyCode == 13 && !e.shiftKey))) {
        e.preventDefault();
        e.stopPropagation();
        if ((e = input.value.trim())) answer({ text: e }, (input.value = ""));
      }
    },
    // The panel is built on first open; the thread's lines change as messages
    // arrive: an agent's reply ends the flow, and the bot's lines that follow a
    // first message or the Form are the time to ask where it waits now.
    // (The panel may be there already: the widget replays a queued open() before this module arrives.)
    watch = (list, last) => {
      if (!(list = $(".scroll > .messages"))) return;
      started || refresh((started = 1));
      last = list.lastElementChild;
      if (!last || last.textContent == lastSeen) return;
      lastSeen = last.textContent;
      if (last.dataset.author == "agent") show(null);
      // A bot line while no buttons or question wait here: the flow started (a first message) or moved on (the Form).
      else if (last.dataset.author == "bot" && (!wait || wait.kind == "form") && !busy) refresh();
    };
  root.addEventListener("keydown", composed, true);
  root.addEventListener("submit", composed, true);
  new MutationObserver(watch).observe(root, { childList: true, subtree: true });
  watch();
};
