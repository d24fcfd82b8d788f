// Settings › Tracking and API keys on the real worker: the snippet as served
// per site and origin, identity verification (mode, a secret shown once and
// stored sealed, rotation, a plaintext secret from before migration 0009
// sealed on first use, the server-side examples run for real), and API keys
// (shown once, listed by prefix, revoked at once, last use marked hourly).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { call, agentGet, newVisitor, signWith, sql, startHostPages, unique, AGENT_KEY, KEY, URL_, launchChromium, signInToInbox, sendFromWidget, identify, eventually } from "./helpers.mjs";

const run = promisify(execFile);
const root = new URL("..", import.meta.url).pathname;
const email = () => `id+${unique("")}@example.org`;

test("the snippet names this deployment and the site, exactly as the demo shop pastes it", async () => {
  const res = await call("GET", "/api/sites/s_form_a/snippet", { token: AGENT_KEY });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.site_id, "s_form_a");
  assert.match(res.body.snippet, new RegExp(`s\\.src = "${URL_.replace(/[.]/g, "\\.")}/loader\\.js";`));
  assert.match(res.body.snippet, /s\.setAttribute\("data-site", "s_form_a"\);/);
  const demo = await (await fetch(URL_ + "/")).text();
  const ours = (await call("GET", "/api/sites/s_demo/snippet", { token: KEY })).body.snippet;
  const indented = ours.replace(`"${URL_}/loader.js"`, '"/loader.js"').split("\n").map((l) => `  ${l}`).join("\n");
  assert.ok(demo.includes(indented), "the same snippet as www/index.html's");
  assert.equal((await call("GET", "/api/sites/s_nowhere/snippet", { token: KEY })).status, 404);
});

test("identity: the admin sets the mode and rotates the secret, shown once; old signatures fail at once", async () => {
  const site = "s_form_b";
  assert.deepEqual((await call("GET", `/api/sites/${site}/identity`, { token: KEY })).body, { site_id: site, mode: "off", has_secret: false });
  const first = await call("POST", `/api/sites/${site}/identity/secret`, { token: KEY });
  assert.equal(first.status, 201, JSON.stringify(first.body));
  assert.match(first.body.secret, /^[0-9a-f]{64}$/);
  const mode = await call("PATCH", `/api/sites/${site}/identity`, { token: KEY, json: { mode: "required" } });
  assert.deepEqual(mode.body, { site_id: site, mode: "required", has_secret: true });
  assert.equal((await call("PATCH", `/api/sites/${site}/identity`, { token: KEY, json: { mode: "sometimes" } })).status, 400);
  const shown = JSON.stringify((await call("GET", `/api/sites/${site}/identity`, { token: KEY })).body);
  assert.ok(!shown.includes(first.body.secret), "never shown again");

  const [stored] = await sql(`SELECT identity_secret, identity_secret_enc FROM sites WHERE id = '${site}'`);
  assert.equal(stored.identity_secret, null);
  assert.match(stored.identity_secret_enc, /^v1\.[0-9a-f]{24}\.[0-9a-f]+$/);
  assert.ok(!stored.identity_secret_enc.includes(first.body.secret), "stored sealed, not in clear");

  const address = email();
  assert.equal((await identify(await newVisitor(site), { email: address, signature: signWith(first.body.secret, address) })).body.visitor.verified, true);

  const second = (await call("POST", `/api/sites/${site}/identity/secret`, { token: KEY })).body.secret;
  assert.notEqual(second, first.body.secret);
  const old = await identify(await newVisitor(site), { email: address, signature: signWith(first.body.secret, address) });
  assert.deepEqual([old.status, old.body.error.code], [403, "identity_signature_invalid"]);
  const now = await identify(await newVisitor(site), { email: address, signature: signWith(second, address) });
  assert.deepEqual([now.status, now.body.visitor.verified], [200, true]);
  await call("PATCH", `/api/sites/${site}/identity`, { token: KEY, json: { mode: "off" } });
});

test("identity settings are the primary admin's: agents get 403, an unknown site 404", async () => {
  for (const [method, path, json] of [
    ["GET", "/api/sites/s_form_c/identity"],
    ["PATCH", "/api/sites/s_form_c/identity", { mode: "optional" }],
    ["POST", "/api/sites/s_form_c/identity/secret"],
  ]) {
    const res = await call(method, path, { token: AGENT_KEY, json });
    assert.deepEqual([res.status, res.body.error.code], [403, "admin_only"], `${method} ${path}`);
  }
  assert.equal((await call("POST", "/api/sites/s_nowhere/identity/secret", { token: KEY })).status, 404);
});

test("a plaintext secret from before migration 0009 still verifies, and is sealed on first use", async () => {
  const address = email();
  const res = await identify(await newVisitor("s_id_legacy"), { email: address, signature: signWith("legacy-plaintext-secret", address) });
  assert.deepEqual([res.status, res.body.visitor?.verified], [200, true], JSON.stringify(res.body));
  const [stored] = await sql("SELECT identity_secret, identity_secret_enc FROM sites WHERE id = 's_id_legacy'");
  assert.equal(stored.identity_secret, null, "the plaintext column is emptied");
  assert.match(stored.identity_secret_enc, /^v1\./);
  const again = await identify(await newVisitor("s_id_legacy"), { email: address, signature: signWith("legacy-plaintext-secret", address) });
  assert.equal(again.body.visitor.verified, true, "now verified from the sealed copy");
});

test("the Node and Python examples shown in Settings compute signatures the worker verifies", async () => {
  const site = "s_form_c";
  const { secret } = (await call("POST", `/api/sites/${site}/identity/secret`, { token: KEY })).body;
  await call("PATCH", `/api/sites/${site}/identity`, { token: KEY, json: { mode: "required" } });
  const env = { ...process.env, PARLEY_IDENTITY_SECRET: secret };
  for (const [cmd, file] of [[process.execPath, "sign.mjs"], ["python3", "sign.py"]]) {
    const address = email();
    const { stdout } = await run(cmd, [`${root}www/examples/identity/${file}`, address], { env });
    const signature = stdout.trim();
    assert.equal(signature, signWith(secret, address), file);
    const res = await identify(await newVisitor(site), { email: address, signature });
    assert.deepEqual([res.status, res.body.visitor?.verified], [200, true], `${file}: ${JSON.stringify(res.body)}`);
  }
  for (const file of ["sign.mjs", "sign.py", "sign.php", "sign.rb"]) {
    const served = await fetch(`${URL_}/examples/identity/${file}`);
    assert.equal(served.status, 200, `${file} is served for Settings`);
    assert.match(await served.text(), /HMAC|hmac/);
  }
  await call("PATCH", `/api/sites/${site}/identity`, { token: KEY, json: { mode: "off" } });
});

test("API keys: created and shown once, listed by prefix and label, revoked keys get 401 at once", async () => {
  const label = unique("zapier ");
  const created = await call("POST", "/api/api-keys", { token: KEY, json: { label } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const { key, api_key } = created.body;
  assert.match(key, /^pk_[0-9a-f]{64}$/);
  assert.deepEqual([api_key.prefix, api_key.label, api_key.last_used_at], [key.slice(0, 11), label, null]);

  const listed = (await call("GET", "/api/api-keys", { token: KEY })).body.keys;
  const mine = listed.find((k) => k.id === api_key.id);
  assert.deepEqual(mine, api_key);
  assert.ok(!JSON.stringify(listed).includes(key), "the key is never listed");
  assert.ok(listed.some((k) => k.label === "fixture agent" && k.agent_name === "Kit Fern"), "every agent's keys of the account");
  const [row] = await sql(`SELECT token_hash FROM api_keys WHERE id = '${api_key.id}'`);
  assert.match(row.token_hash, /^[0-9a-f]{64}$/, "only the hash is stored");

  assert.equal((await call("GET", "/api/conversations?limit=1", { token: key })).status, 200);
  assert.equal((await call("POST", "/api/api-keys", { token: KEY, json: { label: "  " } })).body.error.code, "label_missing");

  const revoked = await call("DELETE", `/api/api-keys/${api_key.id}`, { token: KEY });
  assert.equal(revoked.status, 200);
  const refused = await call("GET", "/api/conversations?limit=1", { token: key });
  assert.deepEqual([refused.status, refused.body.error.code], [401, "unauthorized"]);
  assert.ok(!(await call("GET", "/api/api-keys", { token: KEY })).body.keys.some((k) => k.id === api_key.id), "no longer listed");
  assert.equal((await call("DELETE", `/api/api-keys/${api_key.id}`, { token: KEY })).status, 404);
  assert.equal((await call("POST", "/api/api-keys", { token: AGENT_KEY, json: { label } })).status, 403);
});

test("API keys have a role chosen when made: an agent key gets 403 on the primary admin's routes; keys made before roles stay admin", async () => {
  const make = async (role) => {
    const res = await call("POST", "/api/api-keys", { token: KEY, json: role === undefined ? { label: unique("role ") } : { label: unique(`${role} `), role } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body;
  };
  const agent = await make("agent");
  const admin = await make("admin");
  const unstated = await make(undefined);
  assert.deepEqual([agent.api_key.role, admin.api_key.role, unstated.api_key.role], ["agent", "admin", "agent"], "the least power unless asked");
  for (const [method, path] of [["GET", "/api/api-keys"], ["GET", "/api/sites/s_demo/email-channel"], ["GET", "/api/sites/s_demo/automations"], ["POST", "/api/api-keys"]]) {
    const json = method === "POST" ? { label: "escalate", role: "admin" } : undefined;
    const refused = await call(method, path, { token: agent.key, json });
    assert.deepEqual([refused.status, refused.body.error?.code], [403, "admin_only"], `${method} ${path}`);
    assert.equal((await call(method, path, { token: unstated.key, json })).status, 403);
  }
  assert.equal((await call("GET", "/api/sites/s_demo/email-channel", { token: admin.key })).status, 200);
  assert.equal((await call("GET", "/api/conversations?limit=1", { token: agent.key })).status, 200, "an agent's work is allowed");
  const me = await call("GET", "/api/session", { token: agent.key });
  assert.equal(me.body.agent.role, "agent", "the key acts as an agent");
  assert.equal((await call("POST", "/api/api-keys", { token: KEY, json: { label: "x", role: "owner" } })).status, 400);

  // A key stored before roles existed (no role written) keeps the admin's powers.
  const old = `pk_${randomUUID().replaceAll("-", "")}${randomUUID().replaceAll("-", "")}`;
  const hash = createHash("sha256").update(old).digest("hex");
  await sql(`INSERT INTO api_keys (id, token_hash, agent_id, label, created_at) VALUES ('key_${hash.slice(0, 16)}', '${hash}', 'ag_demo_admin', 'older key', 0)`);
  assert.equal((await call("GET", "/api/api-keys", { token: old })).status, 200);
  for (const k of [agent, admin, unstated]) await call("DELETE", `/api/api-keys/${k.api_key.id}`, { token: KEY });
});

test("a key's last use is written at most once an hour, not on every call", async () => {
  const { key, api_key } = (await call("POST", "/api/api-keys", { token: KEY, json: { label: unique("hourly ") } })).body;
  const lastUsed = async () => (await sql(`SELECT last_used_at FROM api_keys WHERE id = '${api_key.id}'`))[0].last_used_at;
  const before = Date.now();
  await call("GET", "/api/agents", { token: key });
  const first = await lastUsed();
  assert.ok(first >= before, "marked on first use");
  // A second write now would store a later time: wait until the clock has moved on.
  await eventually(() => Date.now() > first, { what: "the clock to pass the first use" });
  await call("GET", "/api/agents", { token: key });
  assert.equal(await lastUsed(), first, "not written again within the hour");
  const hourAgo = Date.now() - 60 * 60 * 1000 - 1000;
  await sql(`UPDATE api_keys SET last_used_at = ${hourAgo} WHERE id = '${api_key.id}'`);
  await call("GET", "/api/agents", { token: key });
  assert.ok((await lastUsed()) > hourAgo + 1000, "written again after an hour");
  const listed = (await call("GET", "/api/api-keys", { token: KEY })).body.keys.find((k) => k.id === api_key.id);
  assert.equal(listed.last_used_at, await lastUsed());
  await call("DELETE", `/api/api-keys/${api_key.id}`, { token: KEY });
});

let browser, hosts;
after(async () => {
  await browser?.close();
  await hosts?.close();
});

async function settings() {
  browser ??= await launchChromium();
  const context = await browser.newContext();
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: URL_ });
  const page = await signInToInbox(context);
  page.on("dialog", (d) => d.accept());
  await page.click("#to-settings");
  await page.locator("#settings").waitFor();
  return page;
}

test("browser: the snippet copied from Settings, pasted on another origin whose CSP is exactly Settings' list, loads that site's widget", async () => {
  const admin = await settings();
  await admin.selectOption("#s-site", "s_form_a");
  await admin.locator("#t-snippet", { hasText: '"s_form_a"' }).waitFor();
  await admin.click("#t-copy");
  await admin.locator("#t-copied", { hasText: "Copied." }).waitFor();
  const copied = await admin.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, await admin.locator("#t-snippet").textContent());
  assert.ok(copied.includes(`${URL_}/loader.js`));

  // The page sends a Content-Security-Policy of exactly what Settings lists, and nothing more.
  const csp = await admin.locator("#t-csp").textContent();
  assert.match(csp, /^script-src .*'wasm-unsafe-eval';\nconnect-src .*;$/);
  assert.equal(await admin.locator("#t-csp-why li").count(), 2);
  hosts ??= await startHostPages();
  const visitor = await browser.newPage();
  const violations = [];
  visitor.on("console", (m) => /Content Security Policy/i.test(m.text()) && violations.push(m.text()));
  await visitor.goto(hosts.pageWith(copied, { "content-security-policy": `default-src 'none'; ${csp.replace(/\n/g, " ")}` }));
  await visitor.locator(".launcher").click();
  const text = unique("pasted snippet works ");
  await sendFromWidget(visitor, text);
  const token = (await visitor.context().cookies(hosts.origin)).find((c) => c.name === "parley_visitor").value;
  const { conversation_id } = (await call("GET", "/api/widget/conversation", { token })).body;
  const thread = await agentGet(`/api/conversations/${conversation_id}`);
  assert.equal(thread.conversation.site_id, "s_form_a");
  assert.deepEqual(thread.messages.map((m) => m.body), [text]);
  assert.deepEqual(violations, [], "the listed sources were enough");
  assert.deepEqual(admin.errors, []);
  await visitor.close();
  await admin.context().close();
});

test("browser: Settings sets the identity mode, shows a rotated secret once, the examples, and API keys once", async () => {
  const admin = await settings();
  await admin.selectOption("#s-site", "s_mail_small");
  await admin.locator("#t-snippet", { hasText: '"s_mail_small"' }).waitFor();
  // The examples load one after another: wait for each, then check what it says.
  for (const [file, says] of [
    ...["sign.mjs", "sign.py", "sign.php", "sign.rb"].map((file) => [`identity/${file}`, /hmac/i]),
    ["visitor-cookie/keep-visitor.mjs", /Safari keeps cookies[^]*parley_visitor=\$\{token\}; Max-Age=/],
  ]) {
    const pre = admin.locator(`pre[data-example='${file}']`);
    await pre.filter({ hasText: /\S/ }).waitFor({ state: "attached" });
    assert.match(await pre.textContent(), says, file);
  }
  assert.match(await admin.locator("#tracking").textContent(), /Safari keeps cookies that scripts write for 7 days only/);
  await admin.click("#t-rotate");
  await admin.locator("#t-secret-once").waitFor();
  const secret = (await admin.locator("#t-secret").textContent()).trim();
  assert.match(secret, /^[0-9a-f]{64}$/);
  await admin.selectOption("#t-mode", "required");
  await admin.locator("#t-mode-saved", { hasText: "Saved." }).waitFor();
  const address = email();
  const res = await identify(await newVisitor("s_mail_small"), { email: address, signature: signWith(secret, address) });
  assert.equal(res.body.visitor?.verified, true, JSON.stringify(res.body));
  await admin.reload();
  await admin.click("#to-settings");
  await admin.selectOption("#s-site", "s_mail_small");
  await admin.locator("#t-secret-state", { hasText: "A secret is set" }).waitFor();
  assert.equal(await admin.locator("#t-mode").inputValue(), "required");
  assert.ok(!(await admin.content()).includes(secret), "shown only once");
  await call("PATCH", "/api/sites/s_mail_small/identity", { token: KEY, json: { mode: "off" } });

  const label = unique("browser key ");
  await admin.fill("#k-label", label);
  await admin.click("#k-form button[type=submit]");
  await admin.locator("#k-once").waitFor();
  const key = (await admin.locator("#k-key").textContent()).trim();
  assert.equal((await call("GET", "/api/agents", { token: key })).status, 200);
  const row = admin.locator("#keys li", { hasText: label });
  assert.match(await row.textContent(), new RegExp(`${key.slice(0, 11)}… · ${label} · agent key of`), "an agent key unless the admin chooses");
  assert.equal((await call("GET", "/api/api-keys", { token: key })).status, 403);
  const adminLabel = unique("browser admin key ");
  await admin.fill("#k-label", adminLabel);
  await admin.selectOption("#k-role", "admin");
  await admin.click("#k-form button[type=submit]");
  await admin.locator("#keys li", { hasText: adminLabel }).waitFor();
  const adminKey = (await admin.locator("#k-key").textContent()).trim();
  assert.equal((await call("GET", "/api/api-keys", { token: adminKey })).status, 200, "the admin chose the admin role");
  assert.match(await admin.locator("#keys li", { hasText: adminLabel }).textContent(), /admin key of/);
  await row.locator("button", { hasText: "Revoke" }).click();
  await row.waitFor({ state: "detached" });
  assert.equal((await call("GET", "/api/agents", { token: key })).status, 401);
  assert.deepEqual(admin.errors, []);
  await admin.context().close();
});
