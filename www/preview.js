// Settings' live preview: the real widget (the same wasm visitors load), given
// the unsaved configuration from this page's `?config=` instead of the worker's.
// It runs as site "preview", which does not exist: nothing it sends is stored.
const config = JSON.parse(new URLSearchParams(location.search).get("config") || "null");
if (config) {
  window.parleyPreview = config;
  const glue = await import("/widget/widget.js");
  await glue.default({ module_or_path: "/widget/widget_bg.wasm" });
  const widget = await glue.start("preview", location.origin);
  widget.open();
  document.documentElement.dataset.ready = "true";
}
