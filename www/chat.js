// The hosted chat page (/chat/{site}, written by the worker: shared/src/chat_page.rs).
// It loads the same facade (/loader.js) and widget as a host page, and asks
// them, through the snippet API's queue, to open the panel at once; chat.css,
// linked into the widget's shadow root, makes the panel fill the page. Closing
// it shows the page and the launcher, which opens it again.
// Where the widget cannot start here either (a browser without WebAssembly),
// its launcher must not open this very page again.
window.open = () => null;
window.Parley = {
  q: [
    ["on", ["ready", () => {
      const root = document.querySelector("parley-chat").shadowRoot;
      const link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = "/chat.css";
      root.prepend(link);
    }]],
    ["open", []],
  ],
};
