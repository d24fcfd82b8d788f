#!/usr/bin/env node
// Runs the end-to-end suites against the real worker: `wrangler dev` (workerd)
// on free ports, with its own throwaway local D1, migrated and seeded.
//
//   node tests/run.mjs                         # every tests/*.test.mjs
//   node tests/run.mjs tests/email.test.mjs    # only the named suites
//   node tests/run.mjs --grep "Seen"           # only the tests whose name matches (a regular expression)
//   node tests/run.mjs --bench                 # the benchmark instead (bench/all.mjs, prints figures)
//   node tests/run.mjs --bench bench/widget.mjs   # one part of it
//
// The browser suites share one headless Chromium, started here (each suite
// connects to it through PARLEY_CHROMIUM_WS and makes its own contexts).
// Exits non-zero when any test fails; the worker and Chromium are always stopped.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { seed } from "../scripts/seed.mjs";
import { startWorker, d1Execute, wrangler, derivedConfig, raiseLimits } from "./worker.mjs";
import { startFakeGraph } from "./fake-graph.mjs";
import { startFakeActiveCampaign } from "./fake-activecampaign.mjs";
import { startChromium } from "./chromium.mjs";

const root = new URL("..", import.meta.url).pathname;
process.chdir(root);
const argv = process.argv.slice(2);
const bench = argv.includes("--bench");
const grepAt = argv.indexOf("--grep");
/** `--grep <pattern>`: node's --test-name-pattern, over the suites whose text matches it (all of them if none does). */
const grep = grepAt >= 0 ? argv[grepAt + 1] : undefined;
if (grepAt >= 0 && !grep) throw new Error("--grep needs a pattern: node tests/run.mjs --grep <name>");
const artifacts = join(root, "tests/artifacts");
mkdirSync(artifacts, { recursive: true });
const logPath = join(artifacts, "wrangler.log");
const key = `pk_${randomBytes(24).toString("hex")}`;
const replySecret = randomBytes(32).toString("hex");
const adminPassword = randomBytes(12).toString("base64url");
const setupToken = randomBytes(16).toString("hex");
const secretsKey = randomBytes(32).toString("hex");
/** Fixture sites whose identity secret is generated through the API (and stored sealed). */
const IDENTITY_SITES = ["s_id_optional", "s_id_required"];

let worker;
let graph;
let ac;
let chromium;
let code = 1;
try {
  // Messenger: a fake Graph API on 127.0.0.1 that every suite shares (PARLEY_GRAPH_URL).
  graph = await startFakeGraph();
  // ActiveCampaign: a fake API on 127.0.0.1 (PARLEY_AC_URL); suites connect to it with keys of their own.
  ac = await startFakeActiveCampaign();
  // The suites share one worker and one client IP, so the production limits
  // are raised here; tests/limits.test.mjs checks them on a worker of its own.
  const config = derivedConfig("e2e", raiseLimits);
  worker = await startWorker({
    config,
    // Automations: a receiver on 127.0.0.1 (the suite's own), and retries without waiting.
    vars: {
      REPLY_SIGNING_SECRET: replySecret, SETUP_TOKEN: setupToken, SECRETS_KEY: secretsKey,
      ALLOW_INSECURE_AUTOMATIONS: "1", AUTOMATION_RETRY_SECONDS: "0", GRAPH_API_BASE: graph.url,
    },
    log: logPath,
    prepare: (state, configArgs) => {
      seed({ persistTo: state, key, password: adminPassword, wrangler, config: configArgs });
      d1Execute(state, "tests/fixtures.sql", configArgs);
    },
  });
  console.log(`worker up at ${worker.url} (D1 state ${worker.state}, log ${logPath})`);
  const identitySecrets = {};
  for (const site of IDENTITY_SITES) {
    const res = await fetch(`${worker.url}/api/sites/${site}/identity/secret`, { method: "POST", headers: { authorization: `Bearer ${key}` } });
    if (res.status !== 201) throw new Error(`could not generate the identity secret of ${site}: ${res.status} ${await res.text()}`);
    identitySecrets[site] = (await res.json()).secret;
  }
  const env = {
    ...process.env, PARLEY_URL: worker.url, PARLEY_KEY: key, PARLEY_STATE: worker.state, PARLEY_LOG: logPath,
    PARLEY_REPLY_SECRET: replySecret, PARLEY_ADMIN_PASSWORD: adminPassword, PARLEY_SETUP_TOKEN: setupToken,
    PARLEY_IDENTITY_SECRETS: JSON.stringify(identitySecrets), PARLEY_PGID: String(worker.pgid), PARLEY_INSPECTOR: String(worker.inspector),
    PARLEY_GRAPH_URL: graph.url, PARLEY_AC_URL: ac.url,
  };
  const files = suites();
  if (files.some((f) => /launchChromium|browserAndHostPages|\.\/engines\.mjs/.test(readFileSync(f, "utf8")))) {
    chromium = await startChromium();
    env.PARLEY_CHROMIUM_WS = chromium.wsEndpoint();
  }
  const pattern = grep === undefined ? [] : [`--test-name-pattern=${grep}`];
  const args = bench ? files : ["--test", "--test-concurrency=1", "--test-reporter=spec", ...pattern, ...files];
  const run = spawn(process.execPath, args, { env, stdio: "inherit" });
  code = await new Promise((resolve) => run.on("exit", (c) => resolve(c ?? 1)));
} catch (err) {
  console.error(`e2e set-up failed: ${err.message}\n(see ${logPath})`);
} finally {
  await worker?.stop();
  await graph?.close();
  await ac?.close();
  await chromium?.close();
}
process.exit(code);

/** The files to run: the suites (or bench parts) named, else all of them; with --grep, those whose text matches. */
function suites() {
  const named = argv.filter((a, i) => a.endsWith(".mjs") && argv[i - 1] !== "--grep");
  if (bench) return named.length ? named : ["bench/all.mjs"];
  const files = named.length ? named : readdirSync("tests").filter((f) => f.endsWith(".test.mjs")).sort().map((f) => join("tests", f));
  if (grep === undefined) return files;
  const re = new RegExp(grep);
  const matching = files.filter((f) => re.test(readFileSync(f, "utf8")));
  return matching.length ? matching : files;
}
