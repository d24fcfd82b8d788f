#!/usr/bin/env node
// Seeds a local D1 with the demo account: a site (the demo shop), its email
// channel, a primary admin and an API key. Idempotent: run it as often as you like.
//
//   node scripts/seed.mjs --persist-to DIR --key pk_... --password SECRET
//   (the API key to register, and the demo admin's password)
//
// Local development only: production accounts are created through the product.
import { createHash, pbkdf2Sync, randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

export const DEMO = {
  account: "a_demo",
  site: "s_demo",
  agent: "ag_demo_admin",
  adminEmail: "admin@juniperandpine.example",
  mailbox: { username: "support", subdomain: "juniper" },
};

const q = (s) => (s == null ? "NULL" : `'${String(s).replaceAll("'", "''")}'`);

/** PBKDF2-HMAC-SHA256 as the worker computes it (edge/src/password.rs). */
export function passwordHash(password, iterations = 100_000) {
  const salt = randomBytes(16);
  return { hash: pbkdf2Sync(password, salt, iterations, 32, "sha256").toString("hex"), salt: salt.toString("hex"), iterations };
}

/** The SQL that seeds the demo account: `key` is the admin's API key, `password` the admin's password. */
export function seedSql(key, password, now = Date.now()) {
  const keyHash = createHash("sha256").update(key).digest("hex");
  const pw = passwordHash(password);
  return `
INSERT OR IGNORE INTO accounts (id, name, created_at) VALUES (${q(DEMO.account)}, 'Juniper & Pine', ${now});
INSERT OR IGNORE INTO sites (id, account_id, name, greeting, color, created_at)
  VALUES (${q(DEMO.site)}, ${q(DEMO.account)}, 'Juniper & Pine', 'Hi! Questions about tea or an order? Ask away.', '#33503f', ${now});
INSERT OR IGNORE INTO agents (id, account_id, email, full_name, role, created_at)
  VALUES (${q(DEMO.agent)}, ${q(DEMO.account)}, ${q(DEMO.adminEmail)}, 'Robin Ash', 'primary_admin', ${now});
UPDATE agents SET password_hash = ${q(pw.hash)}, password_salt = ${q(pw.salt)}, password_iterations = ${pw.iterations}
  WHERE id = ${q(DEMO.agent)};
INSERT OR IGNORE INTO email_channels (site_id, username, subdomain, from_name, created_at)
  VALUES (${q(DEMO.site)}, ${q(DEMO.mailbox.username)}, ${q(DEMO.mailbox.subdomain)}, '{Agent_Name} at Juniper & Pine', ${now});
INSERT OR IGNORE INTO api_keys (id, token_hash, prefix, agent_id, label, created_at)
  VALUES (${q("key_" + keyHash.slice(0, 32))}, ${q(keyHash)}, ${q(key.slice(0, 11))}, ${q(DEMO.agent)}, 'local development', ${now});
`;
}

/** Runs `seedSql(key)` against the local D1 stored under `persistTo`. */
export function seed({ persistTo, key, password, wrangler = "node_modules/.bin/wrangler", config = [] }) {
  const file = join(mkdtempSync(join(tmpdir(), "parley-seed-")), "seed.sql");
  writeFileSync(file, seedSql(key, password));
  execFileSync(wrangler, ["d1", "execute", "DB", "--local", "--persist-to", persistTo, "--file", file, ...config], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" },
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { "persist-to": { type: "string" }, key: { type: "string" }, password: { type: "string" } } });
  if (!values["persist-to"] || !values.key?.startsWith("pk_") || !(values.password?.length >= 10)) {
    console.error("usage: node scripts/seed.mjs --persist-to DIR --key pk_... --password SECRET (10+ characters)");
    process.exit(2);
  }
  seed({ persistTo: values["persist-to"], key: values.key, password: values.password });
}
