// The one-time set-up of a new deployment, on a worker of its own with an
// empty D1: it needs the deployment's SETUP_TOKEN, creates the first account,
// site and primary admin, signs them in, and then closes for good.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startWorker } from "./worker.mjs";

test("set-up needs the deployment's token, creates the primary admin once, then closes", async () => {
  const worker = await startWorker({ vars: { SETUP_TOKEN: "the-deployment-setup-token", PUBLIC_URL: "https://support.fenwick.example/" } });
  try {
    const post = (path, json, headers = {}) =>
      fetch(worker.url + path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(json) });
    const admin = { account_name: "Fenwick Books", site_name: "fenwick.example", full_name: "Ada Fenwick", email: "Ada@Fenwick.example", password: "long enough secret", setup_token: "the-deployment-setup-token" };

    const stranger = await post("/api/setup", { ...admin, setup_token: "first to arrive" });
    assert.equal(stranger.status, 403, "a stranger who reaches a fresh deployment first cannot claim it");
    assert.equal((await stranger.json()).error.code, "setup_token_invalid");

    const weak = await post("/api/setup", { ...admin, password: "short" });
    assert.equal((await weak.json()).error.code, "password_too_short");

    const res = await post("/api/setup", admin);
    assert.equal(res.status, 201);
    const body = await res.json();
    assert.deepEqual([body.agent.role, body.agent.email, body.agent.full_name], ["primary_admin", "ada@fenwick.example", "Ada Fenwick"]);
    const cookie = res.headers.get("set-cookie").split(";")[0];
    const me = await fetch(worker.url + "/api/session", { headers: { cookie } });
    assert.equal(me.status, 200, "signed in right away");
    const sites = await (await fetch(worker.url + "/api/sites", { headers: { cookie } })).json();
    assert.deepEqual(sites.sites.map((s) => s.name), ["fenwick.example"]);
    // Links and the snippet come from the deployment's PUBLIC_URL, never from the request's Host.
    const invited = await post("/api/agents", { email: "kit@fenwick.example", full_name: "Kit Fenwick" }, { cookie, "x-csrf-token": body.csrf_token });
    assert.equal(invited.status, 201);
    assert.match((await invited.json()).invitation_url, /^https:\/\/support\.fenwick\.example\/inbox\.html#invitation=[0-9a-f]{64}$/);
    const snippet = await (await fetch(worker.url + `/api/sites/${sites.sites[0].id}/snippet`, { headers: { cookie } })).json();
    assert.match(snippet.snippet, /https:\/\/support\.fenwick\.example\/loader\.js/);
    assert.ok(!snippet.snippet.includes(worker.url), "not the address the request came to");
    const channel = await fetch(worker.url + `/api/sites/${sites.sites[0].id}/email-channel`, { headers: { cookie } });
    const settings = (await channel.json()).channel;
    assert.equal(settings.enabled, true, "the site has its email channel, enabled");
    assert.equal(settings.default_subject, "Following up on our chat · {Start_Date}", "with the one default subject");

    const again = await post("/api/setup", { ...admin, email: "eve@example.org" });
    assert.equal(again.status, 409);
    assert.equal((await again.json()).error.code, "setup_closed");
    const signIn = await post("/api/session", { email: "ada@fenwick.example", password: "long enough secret" });
    assert.equal(signIn.status, 200, "the admin signs in with the chosen password");
  } finally {
    await worker.stop();
  }
});
