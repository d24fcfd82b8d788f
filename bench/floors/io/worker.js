// The I/O floor: what each runtime operation the hot paths use costs workerd
// on its own (`make bench` prints CPU per request for each path): a request
// that does nothing, one D1 batch, one R2 put, one Durable Object request.
import { DurableObject } from "cloudflare:workers";

/** An object that reads what it is sent and answers. */
export class Echo extends DurableObject {
  async fetch(request) {
    await request.text();
    return new Response("ok");
  }
}

export default {
  async fetch(request, env) {
    switch (new URL(request.url).pathname) {
      case "/api/health":
        return Response.json({ ok: true });
      case "/nothing":
        return new Response("ok");
      case "/d1":
        await env.DB.batch([env.DB.prepare("INSERT INTO t (x) VALUES (?1)").bind(Date.now()), env.DB.prepare("SELECT COUNT(*) AS n FROM t")]);
        return new Response("ok");
      case "/r2":
        await env.R2.put(`k/${crypto.randomUUID()}`, "a short original, as a small mail would be");
        return new Response("ok");
      case "/object":
        await env.ECHO.get(env.ECHO.idFromName("one")).fetch("https://echo/push", { method: "POST", body: '{"type":"message"}' });
        return new Response("ok");
      default:
        return new Response("not found", { status: 404 });
    }
  },
};
