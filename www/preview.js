// Settings' live preview: the real widget (the same facade and wasm visitors
// load), given the unsaved configuration from this page's `?config=` instead
// of the worker's. It runs as site "preview", which does not exist: nothing
// it sends is stored.
const config = JSON.parse(new URLSearchParams(location.search).get("config") || "null");
if (config) {
  window.parleyPreview = config;
  window.Parley = { q: [["on", ["open", () => (document.documentElement.dataset.ready = "true")]], ["open", []]] };
  const loader = document.createElement("script");
  loader.src = "/loader.js";
  loader.setAttribute("data-site", "preview");
  document.head.appendChild(loader);
}
