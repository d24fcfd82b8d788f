// The mail floor: the least a worker can do with inbound mail (postal-mime
// parse, keep the original in R2, one D1 batch for contact, conversation and
// message). `make bench` sends it the same corpus as Parley's email handler.
// With the var PARSE = "0" it parses nothing and stores empty fields: the
// floor's two I/O operations alone, the ceiling of any worker that keeps each
// message with one R2 put and one D1 batch of its own.
import PostalMime from "postal-mime";

export default {
  async fetch(request) {
    if (new URL(request.url).pathname === "/api/health") return Response.json({ ok: true });
    return new Response("not found", { status: 404 });
  },
  async email(message, env) {
    const raw = new Uint8Array(await new Response(message.raw).arrayBuffer());
    const mail = env.PARSE === "0" ? {} : await PostalMime.parse(raw);
    const id = mail.messageId || crypto.randomUUID();
    await env.RAW_MAIL.put(`mail/${id}.eml`, raw);
    const now = Date.now();
    const from = mail.from?.address || message.from;
    await env.DB.batch([
      env.DB.prepare("INSERT OR IGNORE INTO contacts (email, name, created_at) VALUES (?1, ?2, ?3)").bind(from, mail.from?.name || null, now),
      env.DB.prepare("INSERT OR IGNORE INTO conversations (id, contact_email, subject, created_at) VALUES (?1, ?2, ?3, ?4)")
        .bind(id, from, mail.subject || null, now),
      env.DB.prepare("INSERT OR IGNORE INTO messages (id, conversation_id, body, html, created_at) VALUES (?1, ?1, ?2, ?3, ?4)")
        .bind(id, mail.text || "", mail.html || null, now),
    ]);
  },
};
