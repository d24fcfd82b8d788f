/* Parley loader: injected by the snippet after the host page's load event,
 * so it never delays the page. Loads the wasm widget from the origin this
 * file came from, then replays the calls the page queued on window.Parley.
 *
 * API: Parley.identify({email, name?, phone?, account?, signature?}),
 *      Parley.open(), Parley.close(), Parley.reset(),
 *      Parley.on("ready" | "open" | "close" | "message", callback). */
(function () {
  var me = document.currentScript;
  if (!me) return;
  var site = me.getAttribute("data-site");
  var base = new URL(".", me.src).href.replace(/\/$/, "");
  var stub = window.Parley || { q: [] };
  var queued = stub.q || [];
  var ready = false;

  function on(name, callback) {
    if (typeof callback !== "function") return;
    if (name === "ready" && ready) return callback();
    window.addEventListener("parley:" + name, function (e) { callback(e.detail); });
  }

  import(base + "/widget/widget.js")
    .then(function (glue) {
      return glue.default({ module_or_path: base + "/widget/widget_bg.wasm" }).then(function () {
        return glue.start(site, base);
      });
    })
    .then(function (widget) {
      var api = {
        identify: function (who) { widget.identify(who); },
        open: function () { widget.open(); },
        close: function () { widget.close(); },
        reset: function () { widget.reset(); },
        on: on,
      };
      window.Parley = api;
      queued.forEach(function (call) {
        var fn = api[call[0]];
        if (fn) fn.apply(api, call[1]);
        else console.warn("Parley: unknown call " + call[0]);
      });
      ready = true;
      window.dispatchEvent(new CustomEvent("parley:ready"));
    })
    .catch(function (err) { console.error("Parley: the chat widget could not start:", err); });
})();
