/* Parley's proactive bubble, served minified inside the bot module
 * (/widget/bot.js, with the chatbot flow). The facade (widget/facade.js) loads it in idle time only when the site's config lists
 * proactive messages, its chatbot flow's on_page trigger among them.
 *
 * default(config, root, fr): picks the message for this page (pick: the
 * first of config.proactive whose URL pattern, audience and language match
 * and whose frequency cap allows it), waits until the page has been open its
 * time on page, then shows it over the launcher: one bubble per page. The
 * first of config.proactive may be the site's flow's (trigger on_page: the
 * one without an id, shared::api::FlowStart::bubble). Showing writes nothing: no request, no storage, and
 * no cookie for a visitor without Parley's visitor cookie (their cap is once
 * per page view). For a visitor with it (who consented by writing), the day
 * a message showed is recorded in the first-party cookie
 * PROACTIVE_SEEN_COOKIE (a `page` cap records nothing).
 *
 * A click (or Enter) on a proactive message opens the chat with the message
 * as the bot's first line, and tells the worker (POST /api/widget/proactive)
 * once the visitor has a token, so their reply carries it: at once for a
 * visitor with the cookie, else when the widget makes the visitor as they
 * write (`parley:visitor`). The flow's bubble marks the config's flow
 * `shown` (the flow module, widget/flow.js, then shows the opening's lines
 * and buttons), and a click on it opens the chat. The chat opened another
 * way first: no bubble on this page (the flow then starts, if at all, after
 * the visitor's first message, as the worker runs it).
 *
 * glob and pick are JavaScript copies of shared::proactive's (url_matches
 * is pick's glob on the path or the whole address); the
 * tests/proactive-cases.json cases, written from Rust, check both.
 * Its constants come from www/inbox/constants.js (generated from shared),
 * bundled in by esbuild (the Makefile's build step). */
import { PROACTIVE_DAY_MS, PROACTIVE_DISMISS, PROACTIVE_SEEN_COOKIE, VISITOR_COOKIE, VISITOR_COOKIE_MAX_AGE } from "../www/inbox/constants.js";

var d = document;

/** The value of this page's cookie `name`, or undefined. */
var cookie = (name) => (RegExp("(^|; )" + name + "=([^;]+)").exec(d.cookie) || [])[2];

/** Whether `text` matches `pattern` as a whole, `*` standing for any characters (shared::proactive::glob). */
export var glob = (pattern, text) =>
  RegExp("^" + pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^]*") + "$").test(text);

/** The day `id` (letters, digits, `_`) was last shown by the record `seen` (shared::proactive::Seen::day_of), or undefined. */
var shownOn = (seen, id) => (RegExp("(^|\\|)" + id + "\\.(\\d+)(\\||$)").exec(seen) || [])[2];

/**
 * The index of the message a page shows, or -1 (shared::proactive::pick):
 * the page's path (decoded) and address (no fragment), whether the visitor
 * cookie is there, whether the widget speaks French, today (days since the
 * epoch) and the record of shown messages.
 */
export var pick = (messages, path, href, returning, fr, today, seen) =>
  messages.findIndex((m, day) =>
    (day = shownOn(seen, m.id),
    (m.audience == "all" || (m.audience == "returning") == returning) &&
      (m.language == "any" || (m.language == "fr") == fr) &&
      glob(m.url, m.url[0] == "/" ? path : href) &&
      (m.frequency == "page" || day == null || (m.frequency == "day" && day < today))));

export default (config, root, fr) => {
  var messages = config.proactive,
    returning = !!cookie(VISITOR_COOKIE),
    seen = (returning && cookie(PROACTIVE_SEEN_COOKIE)) || "",
    today = Math.floor(Date.now() / PROACTIVE_DAY_MS),
    path = location.pathname,
    m,
    timer,
    box = d.createElement("div"),
    launcher = root.querySelector(".launcher"),
    /** Takes the bubble down; the focus it held goes to the launcher, not to the page's start. */
    gone = (had) => {
      had = box.contains(root.activeElement);
      box.remove();
      if (had) launcher.focus();
    },
    /** Tells the worker the chat opened from this message (`replied`: the visitor's first message is on its way). */
    opened = (replied) =>
      fetch(new URL("../api/widget/proactive", import.meta.url), {
        method: "POST",
        headers: { authorization: "Bearer " + cookie(VISITOR_COOKIE), "content-type": "application/json" },
        body: JSON.stringify({ message_id: m.id, replied: replied }),
      }).catch(() => {}); // not recorded: the reply is stored without it
  try {
    path = decodeURI(path);
  } catch (e) {} // a malformed escape: as the browser gives it
  m = messages[pick(messages, path, location.href.split("#")[0], returning, fr, today, seen)];
  if (!m) return;
  // The chat opened another way: no bubble on this page.
  addEventListener("parley:open", () => {
    clearTimeout(timer);
    gone();
  });
  timer = setTimeout(() => {
    // Only a visitor who has the cookie gets a record (kept as long as it, for the site's messages only).
    if (returning && m.frequency != "page")
      d.cookie = PROACTIVE_SEEN_COOKIE + "=" + messages.flatMap((n, day) => (day = n == m ? today : shownOn(seen, n.id)) == null ? [] : n.id + "." + day)
        .join("|") + ";max-age=" + VISITOR_COOKIE_MAX_AGE + ";path=/;samesite=lax" +
        (location.protocol == "https:" ? ";secure" : "");
    // The flow's message (it has no id): the flow module shows the opening from now on.
    if (!m.id) config.flow.shown = 1;
    // Over the launcher, on its side, styled through the CSSOM (no CSP governs it): dark, so the facade's focus ring shows on it.
    box.style.cssText = "position:fixed;bottom:88px;" + config.position + ":20px;z-index:2147483646;max-width:300px;display:flex;" +
      "background:#1f2937;color:#fff;border-radius:12px";
    box.className = "pb";
    // A live region: what arrives in it is read out, without taking the focus.
    box.setAttribute("role", "status");
    root.insertBefore(box, launcher);
    // Filled once it is in the page, so the region announces it.
    requestAnimationFrame(() => {
      box.innerHTML = '<button class=po></button><button class=px aria-label="' + PROACTIVE_DISMISS[+fr] + '">×</button>';
      box.firstChild.textContent = m.text; // text, never HTML
      for (var b of box.children)
        b.style.cssText = "border:0;background:none;color:inherit;font:inherit;cursor:pointer;padding:12px;text-align:start;white-space:pre-wrap;overflow-wrap:anywhere";
      box.lastChild.onclick = gone;
      // (Braces: a handler property that returns false cancels the key, Enter's click included.)
      box.onkeydown = (e) => {
        if (e.key == "Escape") gone();
      };
      box.firstChild.onclick = async () => {
        gone();
        // A proactive message is the bot's first line in the panel (the widget reads it when it starts).
        if (m.id) {
          config.greeting = m.text;
          config.greetings = {};
          if (cookie(VISITOR_COOKIE)) await opened(false);
          else addEventListener("parley:visitor", () => opened(true), { once: true });
        }
        Parley.open();
      };
    });
  }, m.delay_seconds * 1000 - performance.now()); // a negative delay is none
};
