/* Parley's files module, served minified as /widget/files.js. The facade
 * (widget/facade.js) loads it once the widget runs on a site that takes files
 * (never before intent, never for a site without files), and calls listen().
 *
 * listen(root, base, fr, widget): the panel (in the shadow `root`) gets a
 * paperclip (a label around a file picker) before its Send button, at once
 * and on the first focus in or event in it (it takes focus when it opens);
 * what it picks, a drop or a paste is sent, and a click on a line naming a
 * file (FILE_MARK) opens its files, through default().
 *
 * default(what, base, token, root, fr, widget):
 *  - `what` an array of File: each is sent as a chat message of its own
 *    (POST /api/widget/files), retried after a network failure with the same
 *    client id (the worker never stores it twice). Without a token yet (a
 *    file is the first thing the visitor writes), the widget makes the
 *    visitor first (`widget.visit()`), as a first message would, and says
 *    when its cookie is set (`parley:visitor`). The stored message reaches
 *    the thread like any other, pushed on the widget's live socket. A refusal
 *    (the worker checks size and kind by the bytes) shows in the panel's notice.
 *  - `what` a line's text (the widget names a message's files in it): the
 *    files of the visitor's latest message with that text are downloaded with
 *    the visitor's token and saved under their names (never opened in the page).
 * Its constants come from www/inbox/constants.js (generated from shared),
 * bundled in by esbuild (the Makefile's build step). */
import { ATTACH_FILE, FILE_MARK, FILE_NOT_SENT, MAX_UPLOAD_BYTES, VISITOR_COOKIE } from "../www/inbox/constants.js";

export function listen(root, base, fr, widget) {
  var mark = FILE_MARK.trim();
  var clip = function () {
    var send = root.querySelector(".send");
    if (send && !root.querySelector(".clip"))
      send.insertAdjacentHTML("beforebegin", '<label class="clip">' + mark + '<input type="file" class="sr-only" aria-label="' +
        ATTACH_FILE[+fr] + '"></label>');
  };
  clip();
  ["focusin", "change", "drop", "paste", "click", "dragover"].forEach(function (type, i) {
    root.addEventListener(type, function (e) {
      var t = e.target,
        // Files only from a pick, a drop or a paste; a line's (by its text) from a click on it.
        list = i && i < 4 && (e.clipboardData || e.dataTransfer || t).files,
        line = i == 4 && t.closest(".body"),
        what = list && list.length ? [...list] : line && (line = line.textContent).includes(mark) && line;
      clip();
      // dragover and drop, always: the panel takes drops, and a drop never opens the file in the page.
      if (i > 4 || i == 2 || what) e.preventDefault();
      if (what) files(what, base, (RegExp("(^|; )" + VISITOR_COOKIE + "=([^;]+)").exec(document.cookie) || [])[2], root, fr, widget);
    });
  });
}

export default function files(what, base, token, root, fr, widget) {
  var auth = { authorization: "Bearer " + token };
  var api = base + "/api/widget/";
  var notice = function (text) {
    var n = root.querySelector(".notice");
    if (n) n.textContent = text;
  };
  if (typeof what == "string") {
    // The thread has the message's files; the page has only its text.
    if (token) fetch(api + "conversation", { headers: auth })
      .then(function (res) { return res.json(); })
      .then(function (thread) {
        var found = thread.messages.filter(function (m) { return m.body == what; }).pop();
        if (found) found.attachments.forEach(save);
      });
    return;
  }
  function save(file) {
    fetch(api + "attachments/" + encodeURIComponent(file.id), { headers: auth })
      .then(function (res) { return res.ok && res.blob(); })
      .then(function (blob) {
        if (!blob) return;
        var a = document.createElement("a");
        a.href = URL.createObjectURL(blob);
        a.download = file.filename;
        a.click();
        setTimeout(function () { URL.revokeObjectURL(a.href); }, 60000);
      });
  }
  var refused = FILE_NOT_SENT[+fr];
  what = what.filter(function (file) {
    return file.size <= MAX_UPLOAD_BYTES || notice(refused);
  });
  if (!what.length) return;
  if (!token) {
    addEventListener("parley:visitor", function () {
      auth.authorization = "Bearer " + document.cookie.match(VISITOR_COOKIE + "=([^;]+)")[1];
      what.forEach(upload);
    }, { once: true });
    return widget.visit();
  }
  what.forEach(upload);
  function upload(file) {
    var id = crypto.randomUUID(), tries = 0;
    (function send() {
      fetch(api + "files?client_message_id=" + id + "&name=" + encodeURIComponent(file.name), {
        method: "POST",
        headers: { authorization: auth.authorization, "content-type": file.type || "application/octet-stream" },
        body: file,
      }).then(function (res) {
        notice(res.ok ? "" : refused);
      }, function () {
        // Offline or dropped: again with the same id, a little later; then say so.
        ++tries < 3 ? setTimeout(send, 2000 * tries) : notice(refused);
      });
    })();
  }
}
