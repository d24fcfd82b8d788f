// An email the platform refuses to send is kept in the thread, marked failed
// with the reason, and the agent is told (502); a chat's transcript likewise,
// and its retry tries again. On a worker of its own whose configuration has
// no send_email binding, so every send fails for real.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { randomBytes, randomUUID } from "node:crypto";
import { seed } from "../scripts/seed.mjs";
import { startWorker, wrangler, derivedConfig } from "./worker.mjs";

test("a failed email send is recorded as failed with the reason", async () => {
  const root = new URL("..", import.meta.url).pathname;
  const config = derivedConfig("no-outbound", (toml) => toml.replace(/\[\[send_email\]\]\nname = "OUTBOUND"\n/, ""));
  assert.ok(!readFileSync(config, "utf8").includes("send_email"), "the test config has no send_email binding");
  const key = `pk_${randomBytes(24).toString("hex")}`;
  const worker = await startWorker({ config, prepare: (state, configArgs) => seed({ persistTo: state, key, password: "irrelevant-here", wrangler, config: configArgs }) });
  try {
    const raw = readFileSync(`${root}tests/mail/plain.eml`, "utf8")
      .replaceAll("{{From}}", "sol@example.org").replaceAll("{{from}}", "sol@example.org")
      .replaceAll("{{id}}", "fail-test@mail.example.org").replaceAll("{{marker}}", "fail").replace(/\r?\n/g, "\r\n");
    const qs = new URLSearchParams({ from: "sol@example.org", to: "support@juniper.inbound.example.com" });
    assert.equal((await fetch(`${worker.url}/cdn-cgi/handler/email?${qs}`, { method: "POST", body: raw })).status, 200);
    const auth = { authorization: `Bearer ${key}` };
    const { conversations } = await (await fetch(`${worker.url}/api/conversations`, { headers: auth })).json();
    const id = conversations[0].id;

    const res = await fetch(`${worker.url}/api/conversations/${id}/messages`, {
      method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ body: "This will not go out." }),
    });
    assert.equal(res.status, 502);
    assert.equal((await res.json()).error.code, "email_send_failed");
    const { messages } = await (await fetch(`${worker.url}/api/conversations/${id}`, { headers: auth })).json();
    const sent = messages.find((m) => m.direction === "outbound");
    assert.equal(sent.body, "This will not go out.", "the reply is kept, not lost");
    assert.equal(sent.delivery_status, "failed");
    assert.match(sent.delivery_error, /OUTBOUND/);

    // A chat's transcript the platform refuses: 502, recorded failed, so the same key tries again (not a 200 replay).
    const post = (path, json, headers = auth) =>
      fetch(`${worker.url}${path}`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(json) });
    const visitor = (await (await post("/api/widget/sites/s_demo/visitors", {}, {})).json()).token;
    assert.equal((await post("/api/widget/messages", { client_message_id: randomUUID(), body: "Transcript please" }, { authorization: `Bearer ${visitor}` })).status, 201);
    const chat = (await (await fetch(`${worker.url}/api/conversations?channel=chat`, { headers: auth })).json()).conversations[0].id;
    assert.equal((await post(`/api/conversations/${chat}/contact`, { email: "sol@example.org" })).status, 200);
    const request = { idempotency_key: randomUUID(), confirm_unverified: "sol@example.org" };
    for (const attempt of ["first", "retry"]) {
      const res = await post(`/api/conversations/${chat}/transcript`, request);
      assert.equal(res.status, 502, attempt);
      assert.equal((await res.json()).error.code, "transcript_send_failed", attempt);
    }
  } finally {
    await worker.stop();
  }
});
