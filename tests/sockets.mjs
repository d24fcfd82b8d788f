// Live socket clients for the suites and the bench: a widget's socket (the
// visitor token offered as the second subprotocol, as the widget does) and an
// inbox tab's (the session cookie or an API key), each with a queue of the
// JSON pushes it received and a way to await the next one that matches.
import WebSocket from "ws";

const wsBase = () => process.env.PARLEY_URL.replace(/^http/, "ws");
/** Every socket opened, so a suite can close what a failed test left open. */
const opened = new Set();

/** Closes every socket still open (a suite's `after`). */
export function closeAll() {
  return Promise.all([...opened].map((live) => live.close()));
}

/** A connected socket with its received pushes; `next(match)` awaits one. */
export class Live {
  /** @param {WebSocket} ws */
  constructor(ws) {
    this.ws = ws;
    this.pushes = [];
    this.waiters = [];
    /** Resolves with the close code once the socket is closed. */
    this.closed = new Promise((resolve) => ws.once("close", (code) => resolve(code)));
    ws.on("message", (data) => {
      const text = data.toString();
      if (text === "pong") return;
      const push = JSON.parse(text);
      this.pushes.push(push);
      for (const w of [...this.waiters]) if (w.match(push)) { this.waiters.splice(this.waiters.indexOf(w), 1); w.resolve(push); }
    });
  }

  /** Resolves with the first push (already received or still to come) that matches. */
  next(match = () => true, { timeout = 5000, after = 0 } = {}) {
    const seen = this.pushes.slice(after).find(match);
    if (seen) {
      this.pushes.splice(this.pushes.indexOf(seen), 1);
      return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const waiter = { match, resolve: (p) => { clearTimeout(timer); this.pushes.splice(this.pushes.indexOf(p), 1); resolve(p); } };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no matching push within ${timeout} ms; got ${JSON.stringify(this.pushes)}`));
      }, timeout);
      this.waiters.push(waiter);
    });
  }

  /** Sends one JSON message. */
  say(message) {
    this.ws.send(JSON.stringify(message));
  }

  /** Closes the socket and waits until it is closed. */
  close() {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => { this.ws.once("close", resolve); this.ws.close(); });
  }
}

/** Opens a socket; resolves with a Live, or rejects with `{status, body}` of a refused upgrade. */
function open(path, { protocols, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsBase() + path, protocols, { headers });
    const live = new Live(ws); // listening from the first frame
    opened.add(live);
    ws.once("close", () => opened.delete(live));
    ws.once("open", () => resolve(live));
    ws.once("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => {
        let parsed = body;
        try { parsed = JSON.parse(body); } catch {}
        reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode, body: parsed }));
      });
    });
    ws.once("error", (err) => reject(err));
  });
}

/** A widget's socket for the visitor with this token; with `null`, a socket with no visitor on `site` (presence only). */
export function widgetSocket(token, site) {
  return open(`/api/widget/live${site ? `?site=${site}` : ""}`, { protocols: token === null ? ["parley"] : ["parley", token] });
}

/** An inbox tab's socket: `{cookie}` of a session (from the inbox's origin) or `{key}`. */
export function inboxSocket({ cookie, key, origin = process.env.PARLEY_URL } = {}) {
  const headers = { origin };
  if (cookie) headers.cookie = cookie;
  if (key) headers.authorization = `Bearer ${key}`;
  return open("/api/live", { headers });
}
