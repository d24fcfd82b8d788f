// Copies the platform refuses to deliver: on a worker of its own whose
// send_email binding may only send to two addresses (the binding's
// `allowed_destination_addresses`, enforced by the local binding as in
// production), an email reply goes out to the contact and the allowed copy,
// records the copies that were refused, and a refused contact means nothing
// is sent to anyone (the agent's retry reaches no one twice).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { seed } from "../scripts/seed.mjs";
import { startWorker, wrangler, derivedConfig } from "./worker.mjs";
import { eventually } from "./helpers.mjs";

const ALLOWED = ["sol@example.org", "ben@example.net"];

/** Paths of the .eml files the local binding wrote, from the worker's log. */
const written = (log) =>
  [...readFileSync(log, "utf8").matchAll(/send_email binding called with the following message:\s*\n\s*(\S+\.eml)/g)].map((m) => m[1]);

test("refused copies are recorded; a refused contact sends nothing to anyone", async () => {
  const root = new URL("..", import.meta.url).pathname;
  const config = derivedConfig("two-recipients", (toml) =>
    toml.replace(/\[\[send_email\]\]\nname = "OUTBOUND"\n/, `[[send_email]]\nname = "OUTBOUND"\nallowed_destination_addresses = ${JSON.stringify(ALLOWED)}\n`));
  assert.ok(readFileSync(config, "utf8").includes("allowed_destination_addresses"), "the test config limits the binding");
  mkdirSync(join(root, "tests/artifacts"), { recursive: true });
  const log = join(root, "tests/artifacts/send-copies.log");
  const key = `pk_${randomBytes(24).toString("hex")}`;
  const worker = await startWorker({ config, log, prepare: (state, configArgs) => seed({ persistTo: state, key, password: "irrelevant-here", wrangler, config: configArgs }) });
  const auth = { authorization: `Bearer ${key}`, "content-type": "application/json" };
  const get = async (path) => (await fetch(`${worker.url}${path}`, { headers: auth })).json();
  const reply = (id, json) => fetch(`${worker.url}/api/conversations/${id}/messages`, { method: "POST", headers: auth, body: JSON.stringify(json) });
  /** Delivers a message from `from` copying `cc`; the id of its conversation. */
  const mail = async (from, cc, id) => {
    const raw = [`ARC-Authentication-Results: i=1; mx.cloudflare.net; spf=pass smtp.mailfrom=${from}`, `From: <${from}>`, "To: support@juniper.inbound.example.com", `Cc: ${cc}`, "Subject: Copies",
      `Message-ID: <${id}@mail.example.org>`, "Content-Type: text/plain", "", `Hello (${id})`, ""].join("\r\n");
    const qs = new URLSearchParams({ from, to: "support@juniper.inbound.example.com" });
    assert.equal((await fetch(`${worker.url}/cdn-cgi/handler/email?${qs}`, { method: "POST", body: raw })).status, 200);
    const { conversations } = await get(`/api/conversations?channel=email&q=${encodeURIComponent(from)}`);
    return conversations.find((c) => c.contact_email === from).id;
  };
  try {
    const id = await mail("sol@example.org", "ben@example.net, zed@example.com", "copies-1");
    const before = written(log).length;
    const res = await reply(id, { body: "Shipped.", channel: "email", bcc: ["amy@example.org"] });
    assert.equal(res.status, 201, "the contact's copy left: the email is sent");
    const { message } = await res.json();
    assert.equal(message.delivery_status, "sent");
    assert.deepEqual(message.email_headers.undelivered.map((u) => u.address), ["zed@example.com", "amy@example.org"]);
    assert.ok(message.email_headers.undelivered.every((u) => /not allowed/.test(u.error)), JSON.stringify(message.email_headers.undelivered));
    // A refused contact: nothing goes to the copy either. A later reply is the marker that every earlier send is logged.
    const nobody = await mail("nobody@example.org", "ben@example.net", "copies-2");
    const refused = await reply(nobody, { body: "Never leaves.", channel: "email" });
    assert.equal(refused.status, 502);
    assert.equal((await refused.json()).error.code, "email_send_failed");
    const marker = await reply(id, { body: "Marker.", channel: "email", cc: [] });
    assert.equal(marker.status, 201);
    const markerLogged = () => written(log).some((path) => readFileSync(path, "utf8").includes("Marker."));
    await eventually(markerLogged, { what: "the marker reply written", timeout: 5000 }); // the log lags the answer
    assert.equal(written(log).length, before + 3, "Sol and Ben got the first; nobody's copy to Ben was never sent; Sol got the marker");
    const thread = await get(`/api/conversations/${nobody}`);
    assert.equal(thread.messages.at(-1).delivery_status, "failed", "kept, marked failed");
  } finally {
    await worker.stop();
  }
});
