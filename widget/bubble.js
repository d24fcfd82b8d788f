/* Parley's bubble module, served minified as /widget/bubble.js. The facade
 * (widget/facade.js) loads it in idle time only when the site's config lists
 * proactive messages, so a site without any never downloads it.
 *
 * default(config, root, fr): picks the message for this page (pick: the
 * first of config.proactive whose URL pattern, audience and language match
 * and whose frequency cap allows it), waits until the page has been open its
 * time on page, then shows it over the launcher (show). Showing writes
 * nothing: no request, no storage, and no cookie for a visitor without
 * Parley's visitor cookie (their cap is once per page view). For a visitor
 * with it (who consented by writing), the day it showed is recorded in the
 * first-party cookie PROACTIVE_SEEN_COOKIE (a `page` cap records nothing).
 * A click (or Enter) on it opens the chat with the message as the bot's
 * first line, and tells the worker (POST /api/widget/proactive) once the
 * visitor has a token, so their reply carries it: at once for a visitor with
 * the cookie, else when the widget makes the visitor as they write
 * (`parley:visitor`).
 *
 * show(root, text, left, fr, onOpen) shows any bot text as a bubble with a
 * click action (the flow's page trigger reuses it); it answers a function
 * that takes the bubble down.
 *
 * glob and pick are JavaScript copies of shared::proactive's; the
 * tests/proactive-cases.json cases, written from Rust, check both.
 * Its constants come from www/inbox/constants.js (generated from shared),
 * bundled in by esbuild (the Makefile's build step). */
import { PROACTIVE_DAY_MS, PROACTIVE_DISMISS, PROACTIVE_SEEN_COOKIE, VISITOR_COOKIE, VISITOR_COOKIE_MAX_AGE } from "../www/inbox/constants.js";

var d = document;

/** The value of this page's cookie `name`, or undefined. */
function cookie(name) {
  return (RegExp("(^|; )" + name + "=([^;]+)").exec(d.cookie) || [])[2];
}

/** Whether `text` matches `pattern` as a whole, `*` standing for any characters (shared::proactive::glob). */
export function glob(pattern, text) {
  return RegExp("^" + pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^]*") + "$").test(text);
}

/** The day `id` (letters, digits, `_`) was last shown by the record `seen` (shared::proactive::Seen::day_of), or undefined. */
function shownOn(seen, id) {
  var day = RegExp("(^|\\|)" + id + "\\.(\\d+)(\\||$)").exec(seen);
  return day ? +day[2] : undefined;
}

/**
 * The index of the message `page` shows, or -1 (shared::proactive::pick).
 * page: {path, href, returning, fr, today, seen}.
 */
export function pick(messages, page) {
  return messages.findIndex(function (m) {
    var day = shownOn(page.seen, m.id);
    return (m.audience == "all" || (m.audience == "returning") == page.returning) &&
      (m.language == "any" || (m.language == "fr") == page.fr) &&
      glob(m.url, m.url[0] == "/" ? page.path : page.href) &&
      (m.frequency == "page" || day == null || (m.frequency == "day" && day < page.today));
  });
}

/** Shows `text` over the launcher of `root` (on its `left` side or right), with a dismiss button; `onOpen` on a click or Enter. */
export function show(root, text, left, fr, onOpen) {
  var css = ".pb{position:fixed;bottom:88px;right:20px;z-index:2147483646;max-width:min(300px,calc(100vw - 40px));" +
    "display:flex;align-items:flex-start;background:#fff;color:#1f2937;border-radius:12px;box-shadow:0 4px 18px #00000040}" +
    ".pb.left{right:auto;left:20px}.pb button{font:15px/1.4 system-ui,sans-serif;border:0;background:none;color:inherit;cursor:pointer}" +
    ".po{flex:1;text-align:start;padding:12px 4px 12px 14px;white-space:pre-wrap;overflow-wrap:anywhere}" +
    ".px{padding:8px 12px;font-size:20px!important}.pb button:focus-visible{outline:3px solid #1d4ed8;outline-offset:-3px}";
  var s, box = d.createElement("div");
  if (root.adoptedStyleSheets) (root.adoptedStyleSheets = root.adoptedStyleSheets.concat((s = new CSSStyleSheet()))), s.replaceSync(css);
  else box.appendChild(d.createElement("style")).textContent = css;
  box.className = "pb" + (left ? " left" : "");
  // A live region: what arrives in it is read out, without taking the focus.
  box.setAttribute("role", "status");
  var launcher = root.querySelector(".launcher");
  root.insertBefore(box, launcher);
  /** Takes it down; the focus it held goes to the launcher, not to the page's start. */
  function gone() {
    var had = box.contains(root.activeElement);
    box.remove();
    if (had) launcher.focus();
  }
  // Filled once it is in the page, so the region announces it.
  requestAnimationFrame(function () {
    var open = box.appendChild(d.createElement("button")),
      x = box.appendChild(d.createElement("button"));
    open.className = "po";
    open.textContent = text; // text, never HTML
    x.className = "px";
    x.textContent = "×";
    x.setAttribute("aria-label", PROACTIVE_DISMISS[+fr]);
    open.onclick = function () {
      onOpen();
      gone();
    };
    x.onclick = gone;
    box.onkeydown = function (e) {
      if (e.key == "Escape") gone();
    };
  });
  return gone;
}

export default function (config, root, fr) {
  var messages = config.proactive,
    returning = !!cookie(VISITOR_COOKIE),
    seen = (returning && cookie(PROACTIVE_SEEN_COOKIE)) || "",
    today = Math.floor(Date.now() / PROACTIVE_DAY_MS),
    path = location.pathname,
    i,
    timer,
    hide;
  try {
    path = decodeURI(path);
  } catch (e) {} // a malformed escape: as the browser gives it
  i = pick(messages, { path: path, href: location.href.split("#")[0], returning: returning, fr: fr, today: today, seen: seen });
  if (i < 0) return;
  var m = messages[i],
    api = new URL("../api/widget/proactive", import.meta.url).href;
  // The chat opened another way: no bubble on this page.
  addEventListener("parley:open", function () {
    clearTimeout(timer);
    if (hide) hide();
  });
  /** Tells the worker the chat opened from this message (`replied`: the visitor's first message is on its way). */
  function opened(replied) {
    return fetch(api, {
      method: "POST",
      headers: { authorization: "Bearer " + cookie(VISITOR_COOKIE), "content-type": "application/json" },
      body: JSON.stringify({ message_id: m.id, replied: replied }),
    }).catch(function () {}); // not recorded: the reply is stored without it
  }
  timer = setTimeout(function () {
    // Only a visitor who has the cookie gets a record (kept as long as it, for the site's messages only).
    if (returning && m.frequency != "page")
      d.cookie = PROACTIVE_SEEN_COOKIE + "=" + messages.map(function (n) {
        var day = n == m ? today : shownOn(seen, n.id);
        return day == null ? "" : n.id + "." + day;
      }).filter(String).join("|") + "; Max-Age=" + VISITOR_COOKIE_MAX_AGE + "; Path=/; SameSite=Lax" +
        (location.protocol == "https:" ? "; Secure" : "");
    hide = show(root, m.text, config.position == "left", fr, function () {
      // The bot's first line in the panel (the widget reads it when it starts).
      config.greeting = m.text;
      config.greetings = {};
      if (cookie(VISITOR_COOKIE)) opened(false).then(function () {
        Parley.open();
      });
      else {
        addEventListener("parley:visitor", function () {
          opened(true);
        }, { once: true });
        Parley.open();
      }
    });
  }, Math.max(0, m.delay_seconds * 1000 - performance.now()));
}
