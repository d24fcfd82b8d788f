/* Parley's facade, served minified as /loader.js (esbuild, in the Makefile's
 * www/loader.js rule).
 * The snippet injects it after the host page's load event. It fetches the
 * site's config (cached a minute), draws the launcher and its unread badge in
 * a shadow root, and answers the snippet API. The wasm widget loads only on
 * intent: the pointer over or focus on the launcher, a click, open(), an
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
 * the file mark, the locale rule) are literal copies of
 * www/inbox/constants.js, generated from shared: importing that module here
 * costs bytes the 2 KB budget does not have (measured), so
 * shared/src/api/typescript_constants.rs checks that each copy here is exact. */
(/** @param {typeof window & {Parley?: any, parleyPreview?: any}} w @param {Document} d */ function (w, d) {
  var me = /** @type {HTMLScriptElement} */ (d.currentScript);
  if (!me) return;
  var site = me.getAttribute("data-site");
  var base = new URL(".", me.src).href.slice(0, -1);
  var stub = w.Parley || { q: [] };
  // The widget's marker: replies unread when the last page closed ("0": the
  // visitor awaits a reply); written by the widget (State::marker in
  // widget/src/state.rs). A cookie beside the visitor's, read without blocking
  // the page: localStorage's first read is a synchronous call to the browser.
  // MARKER_COOKIE_PREFIX (shared::visitor).
  var KEY = "parley_unread_" + site;
  // The visitor cookie (VISITOR_COOKIE: shared::visitor::COOKIE_NAME), written by the widget.
  var VISITOR = "parley_visitor";
  var queue = [];
  var idle = w.requestIdleCallback || setTimeout;
  var config, fr, root, button, widget, loading, ready, marker, known, forgot, fails;

  /** The value of this page's cookie `name`, or undefined (a synchronous read: never at start-up). */
  function cookie(name) {
    return (RegExp("(^|; )" + name + "=([^;]+)").exec(d.cookie) || [])[2];
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

  /** The marker the last page left, as a promise: from cookieStore without blocking, else from document.cookie in idle time. */
  function remembered() {
    return w.cookieStore
      ? cookieStore.get(KEY).then(function (c) {
          return c && c.value;
        }, function () {}) // refused (e.g. a sandboxed frame): no marker
      : new Promise(function (resolve) {
          idle(function () {
            resolve(cookie(KEY));
          });
        });
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
      import(base + "/widget/widget.js")
        .then(function (glue) {
          return Promise.all([glue.default({ module_or_path: base + "/widget/widget_bg.wasm" }), known]).then(function () {
            widget = glue.start(site, base, config, button, marker == null ? null : +marker, fr, mark, sheet);
            // Before the queued calls: an open() among them builds the panel and focuses it.
            if (config.files) files();
            // The chatbot flow's buttons and questions (widget/flow.js), only for a site whose flow has them.
            if (config.flow) import(base + "/widget/flow.js").then(function (m) { m.default(base, root, widget, config.flow); });
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

  /**
   * Files, for a site that takes them, set up once the widget runs (there is
   * no panel before). The first focus in the panel (it takes focus when it opens)
   * or event in it puts a paperclip (a label around a file picker) before its
   * Send button; what it picks, a drop or a paste is sent, and a click on a
   * line naming a file (📎, FILE_MARK) opens its files. The files module
   * (widget/files.js) loads then, never before.
   */
  function files() {
    ["focusin", "change", "drop", "paste", "click", "dragover"].forEach(function (type, i) {
      root.addEventListener(type, function (e) {
        var send = root.querySelector(".send"),
          t = e.target,
          token = cookie(VISITOR),
          // Files only from a pick, a drop or a paste; a line's (by its text) from a click on it.
          list = i && i < 4 && (e.clipboardData || e.dataTransfer || t).files,
          line = i == 4 && t.closest(".body"),
          what = list && list.length ? [...list] : line && /📎/.test(line = line.textContent) && line;
        if (send && !root.querySelector(".clip"))
          send.insertAdjacentHTML("beforebegin", '<label class="clip">📎<input type="file" class="sr-only" aria-label="' +
            (fr ? "Joindre un fichier" : "Attach a file") + '"></label>');
        // dragover and drop, always: the panel takes drops, and a drop never opens the file in the page.
        if (i > 4 || i == 2 || what) e.preventDefault();
        if (!what) return;
        import(base + "/widget/files.js").then(function (m) {
          m.default(what, base, token, root, fr, widget);
        });
      });
    });
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

  /** Draws the launcher for the site's `c`onfig, unless chat is switched off. */
  function draw(c) {
    if (!c || c.enabled === false) return;
    config = c;
    // Proactive messages: the bubble module (widget/bubble.js), in idle time, only for a site with some.
    if (c.proactive?.[0]) idle(() => import(base + "/widget/bubble.js").then((m) => m.default(c, root, fr)));
    // As shared::i18n::Locale::resolve: a fixed language wins, `auto` follows the browser.
    fr = c.language == "fr" || (c.language != "en" && /^fr/i.test(navigator.language));
    // A custom element: no page rule written for a div reaches it, and its
    // shadow CSS resets what it would inherit, !important so that it beats
    // the page's !important rules too (the inner context wins those).
    var host = d.createElement("parley-chat");
    root = host.attachShadow({ mode: "open" });
    root.innerHTML =
      '<button type="button" class="launcher ' + (c.position == "left" ? "left" : "right") +
      '" aria-expanded="false" aria-controls="parley-panel"><svg viewBox="0 0 24 24" width="26" height="26" aria-hidden="true">' +
      '<path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>' +
      '<span class="badge" aria-hidden="true"></span></button>';
    button = root.lastChild;
    // After the button: a <style> fallback goes before it, and the button stays last.
    sheet(":host{all:initial!important}*{box-sizing:border-box;font-family:system-ui,sans-serif}" +
      ".launcher{position:fixed;bottom:20px;right:20px;z-index:2147483646;width:56px;height:56px;border-radius:50%;border:0;" +
      "background:var(--accent);color:#fff;cursor:pointer;box-shadow:0 4px 14px #00000040;display:grid;place-items:center}" +
      ".left{right:auto;left:20px}:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}" +
      ".badge{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 5px;border-radius:10px;background:#c0392b;" +
      "color:#fff;font:700 12px/20px system-ui,sans-serif}.badge:empty{display:none}");
    // The accent through the CSSOM (no CSP governs it), inherited by the launcher and the panel.
    host.style.setProperty("--accent", c.color);
    badge(0);
    // A marker shows its count, and has the widget load in idle time. No
    // check of the visitor cookie (a synchronous read): a marker the cookie
    // outlived is cleared by the widget it loads.
    known = remembered().then(function (m) {
      if (m == null || forgot) return;
      badge((marker = m));
      idle(load);
    });
    ["pointerover", "focus"].forEach(function (intent) {
      button.addEventListener(intent, load);
    });
    button.addEventListener("click", function () {
      if (!widget) call("open", []);
    });
    d.body.appendChild(host);
    // In the top layer, where no transform, overflow or z-index of the page reaches it.
    host.popover = "manual";
    host.showPopover?.();
    w.Parley = api;
    (stub.q || []).forEach(function (c) {
      var fn = api[c[0]];
      if (fn) fn.apply(api, c[1]);
      else console.warn("Parley: unknown call " + c[0]);
    });
    ready = 1;
    w.dispatchEvent(new CustomEvent("parley:ready"));
  }

  if (w.parleyPreview) draw(w.parleyPreview); // Settings' live preview: the unsaved config (www/preview.js)
  else
    fetch(base + "/api/widget/sites/" + site + "/config")
      .then(function (r) {
        return r.ok && r.json();
      })
      .then(draw)
      .catch(fail); // no launcher to open anything: only the console says why
})(window, document);
