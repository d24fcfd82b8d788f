// Starting and stopping the real worker under `wrangler dev` (workerd) with
// its own throwaway local D1: used by tests/run.mjs, and by suites that need
// a worker of their own (e.g. an empty deployment for the set-up path).
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, createWriteStream, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
export const wrangler = join(root, "node_modules/.bin/wrangler");
export const quiet = { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

async function waitForHealth(url, child, seconds = 90) {
  for (let i = 0; i < seconds * 4; i++) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the worker did not answer on ${url} within ${seconds}s`);
}

/**
 * A variant of the project's wrangler.toml, written under tests/artifacts/ with
 * its paths made relative to there, after `change(toml)`. Returns its path.
 */
export function derivedConfig(name, change) {
  mkdirSync(join(root, "tests/artifacts"), { recursive: true });
  const path = join(root, `tests/artifacts/wrangler.${name}.toml`);
  const toml = readFileSync(join(root, "wrangler.toml"), "utf8")
    .replace('main = "edge/build/worker/shim.mjs"', 'main = "../../edge/build/worker/shim.mjs"')
    .replace('directory = "www"', 'directory = "../../www"')
    .replace('migrations_dir = "migrations"', 'migrations_dir = "../../migrations"');
  writeFileSync(path, change(toml));
  return path;
}

/** The production limits raised out of reach, for suites that are not about limits. */
export const raiseLimits = (toml) => toml.replace(/simple = \{ limit = \d+,/g, "simple = { limit = 1000000,");

/** Runs an SQL file against a local D1 state directory. */
export function d1Execute(state, file, config = []) {
  execFileSync(wrangler, ["d1", "execute", "DB", "--local", "--persist-to", state, "--file", file, ...config], { env: quiet, stdio: ["ignore", "ignore", "inherit"], cwd: root });
}

/**
 * A fresh local D1 with every migration applied, then `prepare(state)`, then
 * the worker on free ports. `config` is another wrangler configuration file
 * (default: the project's). Returns `{ url, state, pgid, inspector, stop() }` (`pgid`:
 * the process group of wrangler and its workerd, for CPU figures).
 */
export async function startWorker({ vars = {}, log, prepare = () => {}, config } = {}) {
  const state = mkdtempSync(join(tmpdir(), "parley-worker-"));
  const configArgs = config ? ["--config", config] : [];
  execFileSync(wrangler, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", state, ...configArgs], { env: quiet, stdio: ["ignore", "ignore", "inherit"], cwd: root });
  await prepare(state, configArgs);
  const [port, inspector] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${port}`;
  const args = ["dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector),
    "--persist-to", state, "--show-interactive-dev-session=false", "--test-scheduled", ...configArgs];
  for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
  const child = spawn(wrangler, args, { env: quiet, detached: true, stdio: ["ignore", "pipe", "pipe"], cwd: root });
  if (log) {
    const out = createWriteStream(log);
    child.stdout.pipe(out);
    child.stderr.pipe(out);
  } else {
    child.stdout.resume();
    child.stderr.resume();
  }
  const stop = async () => {
    if (child.exitCode === null) {
      try { process.kill(-child.pid, "SIGTERM"); } catch {}
      await new Promise((r) => setTimeout(r, 500));
      try { process.kill(-child.pid, "SIGKILL"); } catch {}
    }
    rmSync(state, { recursive: true, force: true });
  };
  try {
    await waitForHealth(url, child);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, state, pgid: child.pid, inspector, stop };
}
