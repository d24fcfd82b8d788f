#!/usr/bin/env node
// Seeds a local D1 with the demo account: a site (the demo shop), its email
// channel, a primary admin and an API key. Idempotent: run it as often as you like.
//
//   node scripts/seed.mjs --persist-to DIR --key pk_...    (the key to register)
//
// Local development only: production accounts are created through the product.
import { createHash } from "node:crypto";
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

/** The SQL that seeds the demo account, registering `key` as the admin's API key. */
export function seedSql(key, now = Date.now()) {
  const keyHash = createHash("sha256").update(key).digest("hex");
  return `
INSERT OR IGNORE INTO accounts (id, name, created_at) VALUES (${q(DEMO.account)}, 'Juniper & Pine', ${now});
INSERT OR IGNORE INTO sites (id, account_id, name, greeting, color, created_at)
  VALUES (${q(DEMO.site)}, ${q(DEMO.account)}, 'Juniper & Pine', 'Hi! Questions about tea or an order? Ask away.', '#33503f', ${now});
INSERT OR IGNORE INTO agents (id, account_id, email, full_name, role, created_at)
  VALUES (${q(DEMO.agent)}, ${q(DEMO.account)}, ${q(DEMO.adminEmail)}, 'Robin Ash', 'primary_admin', ${now});
INSERT OR IGNORE INTO email_channels (site_id, username, subdomain, created_at)
  VALUES (${q(DEMO.site)}, ${q(DEMO.mailbox.username)}, ${q(DEMO.mailbox.subdomain)}, ${now});
INSERT OR IGNORE INTO api_keys (token_hash, agent_id, label, created_at)
  VALUES (${q(keyHash)}, ${q(DEMO.agent)}, 'local development', ${now});
`;
}

/** Runs `seedSql(key)` against the local D1 stored under `persistTo`. */
export function seed({ persistTo, key, wrangler = "node_modules/.bin/wrangler" }) {
  const file = join(mkdtempSync(join(tmpdir(), "parley-seed-")), "seed.sql");
  writeFileSync(file, seedSql(key));
  execFileSync(wrangler, ["d1", "execute", "DB", "--local", "--persist-to", persistTo, "--file", file], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" },
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { "persist-to": { type: "string" }, key: { type: "string" } } });
  if (!values["persist-to"] || !values.key?.startsWith("pk_")) {
    console.error("usage: node scripts/seed.mjs --persist-to DIR --key pk_...");
    process.exit(2);
  }
  seed({ persistTo: values["persist-to"], key: values.key });
}
