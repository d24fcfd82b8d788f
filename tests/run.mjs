#!/usr/bin/env node
// Runs the end-to-end suites against the real worker: `wrangler dev` (workerd)
// on free ports, with its own throwaway local D1, migrated and seeded.
//
//   node tests/run.mjs            # every tests/*.test.mjs
//   node tests/run.mjs --bench    # the benchmark instead (prints figures)
//
// Exits non-zero when any test fails; the worker is always stopped.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, readdirSync, createWriteStream, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { seed } from "../scripts/seed.mjs";

const root = new URL("..", import.meta.url).pathname;
process.chdir(root);
const bench = process.argv.includes("--bench");
const wrangler = join(root, "node_modules/.bin/wrangler");
const quiet = { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

async function waitForHealth(url, worker, seconds = 90) {
  for (let i = 0; i < seconds * 4; i++) {
    if (worker.exitCode !== null) throw new Error(`wrangler dev exited with ${worker.exitCode}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the worker did not answer on ${url} within ${seconds}s`);
}

const state = mkdtempSync(join(tmpdir(), "parley-test-"));
const artifacts = join(root, "tests/artifacts");
mkdirSync(artifacts, { recursive: true });
const logPath = join(artifacts, "wrangler.log");
const key = `pk_${randomBytes(24).toString("hex")}`;
const replySecret = randomBytes(32).toString("hex");
const adminPassword = randomBytes(12).toString("base64url");
let worker;
let code = 1;
try {
  execFileSync(wrangler, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", state], { env: quiet, stdio: ["ignore", "ignore", "inherit"] });
  seed({ persistTo: state, key, password: adminPassword, wrangler });
  execFileSync(wrangler, ["d1", "execute", "DB", "--local", "--persist-to", state, "--file", "tests/fixtures.sql"], { env: quiet, stdio: ["ignore", "ignore", "inherit"] });

  const [port, inspector] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${port}`;
  const log = createWriteStream(logPath);
  worker = spawn(
    wrangler,
    ["dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector),
     "--persist-to", state, "--show-interactive-dev-session=false", "--var", `REPLY_SIGNING_SECRET:${replySecret}`],
    { env: quiet, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  worker.stdout.pipe(log);
  worker.stderr.pipe(log);
  await waitForHealth(url, worker);
  console.log(`worker up at ${url} (D1 state ${state}, log ${logPath})`);

  const env = { ...process.env, PARLEY_URL: url, PARLEY_KEY: key, PARLEY_STATE: state, PARLEY_LOG: logPath, PARLEY_REPLY_SECRET: replySecret, PARLEY_ADMIN_PASSWORD: adminPassword };
  const files = bench
    ? ["tests/bench.mjs"]
    : readdirSync("tests").filter((f) => f.endsWith(".test.mjs")).sort().map((f) => join("tests", f));
  const args = bench ? files : ["--test", "--test-concurrency=1", "--test-reporter=spec", ...files];
  const run = spawn(process.execPath, args, { env, stdio: "inherit" });
  code = await new Promise((resolve) => run.on("exit", (c) => resolve(c ?? 1)));
} catch (err) {
  console.error(`e2e set-up failed: ${err.message}\n(see ${logPath})`);
} finally {
  if (worker && worker.exitCode === null) {
    try { process.kill(-worker.pid, "SIGTERM"); } catch {}
    await new Promise((r) => setTimeout(r, 500));
    try { process.kill(-worker.pid, "SIGKILL"); } catch {}
  }
  rmSync(state, { recursive: true, force: true });
}
process.exit(code);
