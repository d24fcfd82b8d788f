/* Parley's rating module, served minified as /widget/csat.js. The facade
 * (widget/facade.js) imports it only when the widget says a rating is asked
 * (`parley:rate`: the worker's `rate` push when an agent resolves the chat on
 * a site with ratings on, or the thread read of a resolved conversation
 * whose rating is still open), so no other visitor, and no site without
 * ratings, ever downloads it.
 *
 * default(base, root, rating, fr): `rating` is {conversation_id, asked_at,
 * open_until, score, comment}. Once the panel is there, it shows below the
 * messages: the question, five buttons in a group labelled by it (the
 * chosen one aria-pressed; Tab and Enter/Space like any button), an
 * optional comment, and Send, which POSTs /api/widget/rating with the
 * visitor's token. The answer (or the worker's refusal, e.g. the 7 days
 * over) shows in a status line. Texts go in as text, never as HTML. */
import { VISITOR_COOKIE } from "../www/inbox/constants.js";

var shown, box;

export default (base, root, rating, fr) => {
  var words = fr
      ? ["Êtes-vous satisfait de cette conversation ?", ["très insatisfait", "insatisfait", "neutre", "satisfait", "très satisfait"],
         "Un commentaire (facultatif)", "Envoyer ma note", "Merci ! Vous pouvez changer votre note pendant 7 jours.", " sur 5 : "]
      : ["How satisfied are you with this conversation?", ["very dissatisfied", "dissatisfied", "neutral", "satisfied", "very satisfied"],
         "A comment (optional)", "Send my rating", "Thank you! You can change your rating for 7 days.", " of 5: "],
    score = rating.score,
    /** An element `tag` of class `name` with `text` (as text), in `parent`. */
    el = (parent, tag, name, text, e) => {
      parent.append((e = document.createElement(tag)));
      e.className = name;
      if (text) e.textContent = text;
      return e;
    },
    draw = (scroll, group, status, note, send) => {
      if (!(scroll = root.querySelector(".scroll"))) return;
      shown = rating.conversation_id;
      box && box.remove();
      box = el(scroll, "div", "form-step csat");
      el(box, "p", "form-intro", words[0]).id = "parley-csat-q";
      group = el(box, "div", "");
      group.setAttribute("role", "group");
      group.setAttribute("aria-labelledby", "parley-csat-q");
      group.style.cssText = "display:flex;gap:6px;margin-bottom:8px";
      words[1].forEach((label, i) => {
        var b = el(group, "button", "form-submit", "" + (i + 1));
        b.type = "button";
        b.setAttribute("aria-label", i + 1 + words[5] + label);
        b.setAttribute("aria-pressed", score == i + 1);
        b.onclick = () => {
          score = i + 1;
          group.querySelectorAll("button").forEach((o, j) => o.setAttribute("aria-pressed", j == i));
          send.disabled = false;
        };
      });
      note = el(box, "div", "field");
      el(note, "label", "", words[2]).htmlFor = "parley-csat-c";
      note = el(note, "textarea", "");
      note.id = "parley-csat-c";
      note.maxLength = 1000;
      note.value = rating.comment || "";
      note.style.width = "100%";
      send = el(box, "button", "form-submit", words[3]);
      send.type = "button";
      send.disabled = !score;
      status = el(box, "p", "notice");
      status.setAttribute("role", "status");
      send.onclick = () => {
        send.disabled = true;
        fetch(base + "/api/widget/rating", {
          method: "POST",
          headers: {
            authorization: "Bearer " + (document.cookie.match(VISITOR_COOKIE + "=([^;]+)") || [])[1],
            "content-type": "application/json",
          },
          body: JSON.stringify({ conversation_id: rating.conversation_id, score, comment: note.value }),
        })
          .then((res) => res.json().then((body) => (status.textContent = res.ok ? words[4] : body.error.message)))
          .catch(() => {})
          .then(() => (send.disabled = false));
      };
      scroll.scrollTop = scroll.scrollHeight;
    };
  if (shown == rating.conversation_id && box && box.isConnected) return;
  // The panel may not be built yet (the push came while it was closed): drawn once it is.
  draw();
  if (!box || !box.isConnected) {
    var watch = new MutationObserver(() => {
      if (root.querySelector(".scroll")) watch.disconnect(draw());
    });
    watch.observe(root, { childList: true, subtree: true });
  }
};
