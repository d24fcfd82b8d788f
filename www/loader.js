/* Parley loader: loaded async by the snippet, never blocks the host page.
 * Loads the wasm widget from the same origin as this file, then replays the
 * calls the page queued on window.Parley before the widget was ready. */
(function () {
  var me = document.currentScript;
  if (!me) return;
  var site = me.getAttribute("data-site");
  var base = new URL(".", me.src).href.replace(/\/$/, "");
  var stub = window.Parley || (window.Parley = { q: [] });
  var queued = stub.q || [];
  import(base + "/widget/widget.js")
    .then(function (glue) {
      return glue.default({ module_or_path: base + "/widget/widget_bg.wasm" }).then(function () {
        return glue.start(site, base);
      });
    })
    .then(function (widget) {
      var api = {
        open: function () { widget.open(); },
        close: function () { widget.close(); },
      };
      window.Parley = api;
      queued.forEach(function (call) {
        var fn = api[call[0]];
        if (fn) fn.apply(api, call[1]);
        else console.warn("Parley: unknown call " + call[0]);
      });
    })
    .catch(function (err) { console.error("Parley: the chat widget could not start:", err); });
})();
