// The chat floor: the least a worker can do to store a widget message (parse
// the JSON, one D1 batch that is idempotent on the client's id, answer the
// row). `make bench` gives it the same load as Parley's POST /api/widget/messages.
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/api/health") return Response.json({ ok: true });
    if (request.method !== "POST" || url.pathname !== "/api/widget/messages") return new Response("not found", { status: 404 });
    const visitor = (request.headers.get("authorization") || "").slice(7).split(".")[0];
    const { client_message_id, body } = await request.json();
    const now = Date.now();
    const id = crypto.randomUUID();
    const [, , stored] = await env.DB.batch([
      env.DB.prepare("INSERT OR IGNORE INTO conversations (id, visitor_id, last_message_at) VALUES (?1, ?1, ?2)").bind(visitor, now),
      env.DB.prepare("INSERT OR IGNORE INTO messages (id, conversation_id, client_message_id, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind(id, visitor, client_message_id, body, now),
      env.DB.prepare("SELECT * FROM messages WHERE conversation_id = ?1 AND client_message_id = ?2").bind(visitor, client_message_id),
    ]);
    return Response.json({ message: stored.results[0] }, { status: 201 });
  },
};
