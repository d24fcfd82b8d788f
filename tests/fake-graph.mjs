// A fake Graph API for the Messenger channel, started by tests/run.mjs before
// the worker (GRAPH_API_BASE points here) and shared by every suite through
// PARLEY_GRAPH_URL. It answers like Graph:
//   GET  /{psid}?fields=first_name,last_name,profile_pic  -> a profile
//   POST /{page-id}/messages                               -> {recipient_id, message_id}
// and records every call. On demand it fails like Graph: a recipient or PSID
// starting with `fail_` gets a Graph error (400, OAuthException).
// Suites read what it recorded from GET /_calls (JSON list, oldest first).
import { createServer } from "node:http";
import { randomUUID } from "node:crypto";

/** The error Graph answers for a recipient it cannot message. */
export const GRAPH_ERROR = "(#100) No matching user found";

/** What the fake recorded, oldest first (from a suite: the run's fake at PARLEY_GRAPH_URL). */
export const graphCalls = async (url = process.env.PARLEY_GRAPH_URL) => (await fetch(`${url}/_calls`)).json();

/** Starts the fake on a free port of 127.0.0.1; resolves to `{url, calls, close}`. */
export async function startFakeGraph() {
  const calls = [];
  const server = createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => (raw += chunk));
    req.on("end", () => {
      const url = new URL(req.url, "http://fake");
      const answer = (status, body) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      if (url.pathname === "/_calls") return answer(200, calls);
      const parts = url.pathname.split("/").filter(Boolean);
      const call = { method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), authorization: req.headers.authorization ?? null, body: raw ? JSON.parse(raw) : null, at: Date.now() };
      calls.push(call);
      const graphError = () => answer(400, { error: { message: GRAPH_ERROR, type: "OAuthException", code: 100, error_subcode: 2018001, fbtrace_id: "fake" } });
      if (req.method === "POST" && parts.length === 2 && parts[1] === "messages") {
        const recipient = call.body?.recipient?.id ?? "";
        if (recipient.startsWith("fail_")) return graphError();
        call.answer = { recipient_id: recipient, message_id: `m_${randomUUID()}` };
        return answer(200, call.answer);
      }
      if (req.method === "GET" && parts.length === 1) {
        const psid = parts[0];
        if (psid.startsWith("fail_")) return graphError();
        return answer(200, { first_name: "Robin", last_name: `Meta ${psid.slice(-4)}`, profile_pic: `https://cdn.example/${psid}.jpg`, id: psid });
      }
      answer(404, { error: { message: `Unknown path ${req.method} ${url.pathname}`, type: "GraphMethodException", code: 100 } });
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    calls,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
