/* Parley's facade, served minified as /loader.js (esbuild, in the Makefile's
 * www/loader.js rule).
 * The snippet injects it after the host page's load event. It draws the
 * launcher and its unread badge in a shadow root, and answers the snippet
 * API. The snippet Settings gives carries the site's colour, side and
 * language (data-color, data-position, data-language: the config's names):
 * the launcher is drawn at once, and nothing else happens until the visitor
 * first moves on the page (a pointer or a touch over it, a key) or shows
 * intent: then the unread marker is read and the site's config (cached a
 * minute) fetched; the launcher follows it (a site switched off since loses
 * its launcher), and the hooks that need it before intent run (proactive
 * messages). An older snippet without them has the config fetched first and
 * the launcher drawn from it. The wasm widget loads only on intent: the pointer over or focus on the launcher, a click, open(), an
 * identify() once there is a visitor to tie, or, in idle time, for a returning
 * visitor whose conversation waits on a reply (so live replies keep coming).
 * The widget then takes over the launcher and builds the panel on first open.
 *
 * API: Parley.identify({email, name?, phone?, account?, signature?, attributes?}),
 *      Parley.open(), Parley.close(), Parley.reset(),
 *      Parley.on("ready" | "open" | "close" | "message", callback).
 * "ready" fires once the launcher shows and the API answers.
 *
 * Its constants (cookie names, the cookie's lifetime, the launcher's texts,
 * the locale rule) are literal copies of
 * www/inbox/constants.js, generated from shared: importing that module here
 * costs bytes the 2 KB budget does not have (measured), so
 * shared/src/api/typescript_constants.rs checks that each copy here is exact. */
(/** @param {typeof window & {Parley?: any, parleyPreview?: any}} w @param {Document} d */ function (w, d) {
  var me = /** @type {HTMLScriptElement} */ (d.currentScript);
  if (!me) return;
  var site = me.getAttribute("data-site");
  var look = me.dataset;
  var base = new URL(".", me.src).href.slice(0, -1);
  var stub = w.Parley || { q: [] };
  // The widget's marker: replies unread when the last page closed ("0": the
  // visitor awaits a reply); written by the widget (State::marker in
  // widget/src/state.rs). A cookie beside the visitor's, read on the visitor's
  // first move (wake()), never while the page loads. MARKER_COOKIE_PREFIX (shared::visitor).
  var KEY = "parley_unread_" + site;
  // The visitor cookie (VISITOR_COOKIE: shared::visitor::COOKIE_NAME), written by the widget.
  var VISITOR = "parley_visitor";
  var queue = [];
  var idle = w.requestIdleCallback || setTimeout;
  var config, got, fr, host, root, button, widget, loading, ready, marker, known, forgot, fails;

  /** The value of this page's cookie `name`, or undefined (a synchronous read: never at start-up; none where cookies are refused, as in a sandboxed frame). */
  function cookie(name) {
    try {
      return (RegExp("(^|; )" + name + "=([^;]+)").exec(d.cookie) || [])[2];
    } catch (e) {}
  }

  /** Shows `n` unread replies on the launcher, and says so in its label (OPEN_CHAT and UNREAD: shared::i18n). */
  function badge(n) {
    button.lastChild.textContent = n > 0 ? n : "";
    button.setAttribute("aria-label", (fr ? "Ouvrir le chat" : "Open chat") +
      (n > 0 ? (fr ? ". Réponses non lues : " : ". Unread replies: ") + n : ""));
  }

  /** The widget's `mark`: remembers its marker (a number, or null for none) for the next page, as long as the visitor cookie (VISITOR_COOKIE_MAX_AGE). */
  function mark(n) {
    d.cookie = KEY + "=" + (n == null ? "; Max-Age=0" : n + "; Max-Age=2592000") + "; Path=/; SameSite=Lax" +
      (location.protocol == "https:" ? "; Secure" : "");
  }

  /**
   * The visitor's first move on the page (a pointer or a touch over anything, a key) or
   * first intent, once: reads the marker the last page left (a count shows as
   * the badge and has the widget load in idle time) and fetches the config
   * (see fetched()). A page nobody touches does neither. No check of the
   * visitor cookie: a marker the cookie outlived is cleared by the widget it
   * loads. Returns the config's promise.
   */
  function wake() {
    known = known || Promise.resolve(!forgot && cookie(KEY)).then(function (m) {
      if (m) {
        badge((marker = m));
        idle(load);
      }
    });
    return fetched();
  }

  /**
   * The site's config, once, as a promise (resolved once it is taken, see
   * configure()): an XMLHttpRequest, whose first use costs the page a third
   * of fetch()'s (measured).
   */
  function fetched() {
    return got || (got = new Promise(function (resolve) {
      var x = new XMLHttpRequest();
      x.open("GET", base + "/api/widget/sites/" + site + "/config");
      x.responseType = "json";
      x.onloadend = function () {
        resolve(x.status == 200 && x.response);
      };
      x.send();
    }).then(configure));
  }

  /**
   * Loads and starts the wasm widget (once), then replays the calls made
   * meanwhile. Where the wasm cannot start (a Content-Security-Policy without
   * 'wasm-unsafe-eval', a browser without WebAssembly, a download that failed
   * twice), the launcher opens the hosted chat page instead: see chat().
   */
  function load() {
    if (loading) return;
    // A CSP refuses even an empty module, at once: the launcher's click (this
    // intent's, or the next) then opens the hosted chat while the browser still
    // counts it a gesture (Safari blocks a window opened later).
    try {
      new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
      loading = 1;
      // The glue and the config (if not there yet) at once; no widget for a site switched off.
      Promise.all([import(base + "/widget/widget.js"), wake()])
        .then(function (r) {
          var glue = r[0];
          return config && Promise.all([glue.default({ module_or_path: base + "/widget/widget_bg.wasm" }), known]).then(function () {
            // A rating asked (widget/csat.js), only once the widget says so.
            w.addEventListener("parley:rate", function (/** @type {CustomEvent} */ e) {
              import(base + "/widget/csat.js").then(function (m) { m.default(base, root, e.detail, fr); });
            });
            widget = glue.start(site, base, config, button, marker == null ? null : +marker, fr, mark, sheet);
            // Files, for a site that takes them: the files module (widget/files.js) sets them up, before
            // the queued calls (an open() among them builds the panel and focuses it, which it watches).
            if (config.files) import(base + "/widget/files.js").then(function (m) {
              m.listen(root, base, fr, widget);
            });
            // The chatbot flow's buttons and questions (widget/bot.js), only for a site whose flow has them.
            if (config.flow) import(base + "/widget/bot.js").then(function (m) { m.flow(base, root, widget, config.flow); });
            queue.splice(0).forEach(function (call) {
              widget[call[0]].apply(widget, call[1]);
            });
          });
        })
        .catch(function (err) {
          loading = 0;
          // A failed download (TypeError) is tried again at once, once (`fails` turns true, then false).
          if (err.name == "TypeError" && (fails = !fails)) load();
          else fail(err);
        });
    } catch (err) {
      fail(err);
    }
  }

  /**
   * The wasm cannot start: says why (a refused compile names the directive a
   * CSP lacks), and from now on the launcher opens the hosted chat (now, if
   * it was asked to).
   */
  function fail(err) {
    loading = 2;
    console.error("Parley: the chat widget could not start" +
      (err.name == "CompileError" ? " (script-src needs 'wasm-unsafe-eval')" : "") +
      ":", err);
    if (/open/.test(/** @type {any} */ (queue))) chat(); // an open() waits (no other call's name or arguments, as text, holds "open")
  }

  /**
   * The hosted chat page (/chat/{site} on the worker's origin: the same widget,
   * full-page, under the worker's own CSP) in a new window, for a page where
   * the wasm cannot start.
   */
  function chat() {
    w.open(base + "/chat/" + site);
  }

  /** Styles the shadow root with `css`: a constructable stylesheet, which no CSP governs, else (an older browser) a <style> element. */
  function sheet(css) {
    var sheets = root.adoptedStyleSheets, s;
    if (sheets) {
      root.adoptedStyleSheets = sheets.concat((s = new CSSStyleSheet()));
      s.replaceSync(css);
    } else {
      root.prepend((s = d.createElement("style")));
      s.textContent = css;
    }
  }

  /** A snippet call: to the widget once it runs, else queued (loading it when the call needs it). */
  function call(name, args) {
    if (widget) return widget[name].apply(widget, args);
    if (name == "open" && loading > 1) return chat();
    if (name == "reset") {
      // Forget the visitor now: the page may never load the widget.
      d.cookie = VISITOR + "=; Max-Age=0; Path=/";
      mark(marker = null);
      forgot = 1;
      badge(0);
    }
    queue.push([name, args]);
    if (name == "open" || (name == "identify" && cookie(VISITOR))) load();
  }

  var api = { on: function (name, callback) {
    if (typeof callback != "function") return;
    if (name == "ready" && ready) return callback();
    w.addEventListener("parley:" + name, function (/** @type {CustomEvent} */ e) {
      callback(e.detail);
    });
  } };
  ["identify", "open", "close", "reset"].forEach(function (name) {
    api[name] = function () {
      call(name, [].slice.call(arguments));
    };
  });

  /**
   * Takes the site's config `c` (from the worker, or the preview's): the
   * launcher follows its colour, side and language; a site switched off (or
   * none: the request failed) shows nothing. (Hooks that need the config
   * before intent belong here.)
   */
  function configure(c) {
    // Switched off: no launcher, and no widget loads (as if it were loading).
    if (!c || c.enabled === false) return (loading = 1), host && host.remove();
    config = c;
    if (host) style(c);
    // Proactive messages: the bubble (widget/bot.js), in idle time (the launcher drawn by then), only for a site with some.
    if (c.proactive?.[0]) idle(() => import(base + "/widget/bot.js").then((m) => m.bubble(c, root, fr)));
  }

  /** The launcher's colour, side and language (its label) from `c`: the config, or the snippet's data. */
  function style(c) {
    // As shared::i18n::Locale::resolve: a fixed language wins, `auto` follows the browser.
    fr = c.language == "fr" || (c.language != "en" && /^fr/i.test(navigator.language));
    button.className = "launcher " + (c.position == "left" ? "left" : "right");
    // The accent through the CSSOM (no CSP governs it), inherited by the launcher and the panel.
    host.style.setProperty("--accent", c.color);
    badge(marker);
  }

  /** Draws the launcher as `c` (the config, or the snippet's data) says. */
  function draw(c) {
    // A custom element: no page rule written for a div reaches it, and its
    // shadow CSS resets what it would inherit, !important so that it beats
    // the page's !important rules too (the inner context wins those).
    host = d.createElement("parley-chat");
    // In the top layer, where no transform, overflow or z-index of the page
    // reaches it; shown while still empty, so that the style it computes at
    // once is this element's alone (the rest waits for the page's next frame).
    host.popover = "manual";
    d.body.appendChild(host);
    host.showPopover?.();
    root = host.attachShadow({ mode: "open" });
    root.innerHTML =
      '<button type="button" aria-expanded="false" aria-controls="parley-panel">' +
      '<span class="badge" aria-hidden="true"></span></button>';
    button = root.lastChild;
    // After the button: a <style> fallback goes before it, and the button stays last. The speech-bubble
    // icon is two bordered pseudo-elements, not an SVG: Lighthouse (make bench) measured 9.6 ms of main
    // thread against 10.6 with the SVG (median of 25 runs each); in forced colours both draw alike.
    sheet(":host{all:initial!important}*{box-sizing:border-box;font-family:system-ui,sans-serif}" +
      ".launcher{position:fixed;bottom:20px;right:20px;z-index:2147483646;width:56px;height:56px;border-radius:50%;border:0;" +
      "background:var(--accent);color:#fff;cursor:pointer;box-shadow:0 4px 14px #00000040;display:grid;place-items:center}" +
      ".launcher:before,.launcher:after{content:'';position:absolute;left:17px;top:19px;border:solid;border-width:7px 11px 8px}" +
      ".launcher:before{border-radius:2px}.launcher:after{left:19px;top:34px;border-width:4px 5px 0 0;border-right-color:transparent}" +
      ".left{right:auto;left:20px}:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}" +
      ".badge{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 5px;border-radius:10px;background:#c0392b;" +
      "color:#fff;font:700 12px/20px system-ui,sans-serif}.badge:empty{display:none}");
    style(c);
    ["pointerover", "keydown"].forEach(function (first) {
      d.addEventListener(first, wake, { once: true });
    });
    ["pointerover", "focus"].forEach(function (intent) {
      button.addEventListener(intent, load);
    });
    button.addEventListener("click", function () {
      if (!widget) call("open", []);
    });
    w.Parley = api;
    (stub.q || []).forEach(function (c) {
      var fn = api[c[0]];
      if (fn) fn.apply(api, c[1]);
      else console.warn("Parley: unknown call " + c[0]);
    });
    ready = 1;
    w.dispatchEvent(new CustomEvent("parley:ready"));
  }

  if (w.parleyPreview) {
    // Settings' live preview: the unsaved config (www/preview.js)
    got = Promise.resolve(configure(w.parleyPreview));
    draw(config);
  } else if (look.color) {
    // The snippet says how the launcher looks: drawn now, the config on the visitor's first move (wake()).
    draw(look);
  } else
    fetched().then(function () {
      if (config) draw(config);
    });
})(window, document);
