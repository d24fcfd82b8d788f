// A small W3C WebDriver (classic, HTTP) client for WebKit: Debian's
// WebKitWebDriver driving WebKitGTK's MiniBrowser in automation mode, on a
// virtual X display (xvfb-run). Only what tests/engines.mjs needs; each call
// is one HTTP request, sent with node's fetch to the driver on 127.0.0.1.
import { spawn } from "node:child_process";
import { freePort } from "./worker.mjs";
import { readdirSync } from "node:fs";

/** The key WebDriver names element references by (W3C "web element identifier"). */
const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
/** The Enter key, as WebDriver spells it in Element Send Keys. */
export const ENTER = "\uE007";

/** WebKitGTK's MiniBrowser: MINIBROWSER, else the one Debian's libwebkit2gtk ships. */
export function miniBrowserPath() {
  if (process.env.MINIBROWSER) return process.env.MINIBROWSER;
  const lib = "/usr/lib/x86_64-linux-gnu";
  const dir = readdirSync(lib).filter((d) => /^webkit2?gtk-[\d.]+$/.test(d)).sort().pop();
  if (!dir) throw new Error("no WebKitGTK under /usr/lib/x86_64-linux-gnu: run scripts/setup.sh --browser");
  return `${lib}/${dir}/MiniBrowser`;
}

/**
 * Starts WebKitWebDriver under `xvfb-run` (its own process group, so stopping it
 * also stops the X server and every MiniBrowser). Resolves once it answers /status.
 */
export async function startDriver() {
  const port = await freePort();
  const child = spawn("xvfb-run", ["-a", "-s", "-screen 0 1280x1024x24 -nolisten tcp", "WebKitWebDriver", `--port=${port}`, "--host=local"],
    { stdio: ["ignore", "ignore", "pipe"], detached: true });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  let starting = true;
  const died = exited.then((code) => starting && `WebKitWebDriver exited (${code}): ${stderr}`);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ready = await Promise.race([fetch(`${url}/status`).then((r) => r.json()).then((s) => s.value?.ready, () => false), died]);
    if (typeof ready === "string") throw new Error(ready);
    if (ready) break;
    if (Date.now() > deadline) {
      try { process.kill(-child.pid, "SIGTERM"); } catch {}
      throw new Error(`WebKitWebDriver did not answer on ${url} within a minute: ${stderr}`);
    }
    // The driver is not listening yet: ask again on the next turn of its start-up.
    await new Promise((r) => setTimeout(r, 50));
  }
  starting = false;
  // Whatever ends this process, the driver, its X server and its browsers end with it.
  const stop = () => {
    try { process.kill(-child.pid, "SIGTERM"); } catch {}
  };
  process.once("exit", stop);
  return {
    url,
    /** A new session: a fresh MiniBrowser with an empty, ephemeral profile. */
    session: () => Session.start(url),
    stop() {
      process.off("exit", stop);
      stop();
      return exited;
    },
  };
}

/** One WebDriver session (one MiniBrowser window). */
export class Session {
  constructor(base) {
    this.base = base;
  }

  /** Opens a session with MiniBrowser in automation mode. */
  static async start(driver) {
    const session = new Session(driver);
    const created = await session.cmd("POST", "/session", {
      capabilities: { alwaysMatch: {
        browserName: "MiniBrowser",
        "webkitgtk:browserOptions": { binary: miniBrowserPath(), args: ["--automation"] },
      } },
    }, driver);
    session.base = `${driver}/session/${created.sessionId}`;
    session.version = created.capabilities.browserVersion;
    await session.cmd("POST", "/timeouts", { script: 30_000, pageLoad: 30_000 });
    await session.cmd("POST", "/window/rect", { width: 1024, height: 768 });
    return session;
  }

  /** Sends one command; resolves with its `value`, or throws the driver's error. */
  async cmd(method, path, body, base = this.base) {
    const res = await fetch(base + path, {
      method,
      headers: body ? { "content-type": "application/json; charset=utf-8" } : {},
      body: body && JSON.stringify(body),
    });
    const { value } = await res.json();
    if (!res.ok) throw new Error(`WebDriver ${method} ${path}: ${value?.error} ${value?.message}`);
    return value;
  }

  /** Runs `body` (a function body; `arguments` are `args`) in the page; element references come back as ids. */
  execute(body, args = []) {
    return this.cmd("POST", "/execute/sync", { script: body, args });
  }

  /** Runs `body` in the page until it calls its last argument; resolves with what it passed. */
  executeAsync(body, args = []) {
    return this.cmd("POST", "/execute/async", { script: body, args });
  }

  /** The id of an element reference the protocol returned. */
  static id(value) {
    return value?.[ELEMENT];
  }

  goto(url) { return this.cmd("POST", "/url", { url }); }
  reload() { return this.cmd("POST", "/refresh", {}); }
  click(id) { return this.cmd("POST", `/element/${id}/click`, {}); }
  clear(id) { return this.cmd("POST", `/element/${id}/clear`, {}); }
  /** Types `text` into the element (it takes focus first); a file input takes a path. */
  sendKeys(id, text) { return this.cmd("POST", `/element/${id}/value`, { text }); }
  /**
   * Awaits a window besides this session's current one (a window.open), then
   * makes it current; resolves with the session. Asks the driver again on
   * each turn until the window is there, for up to `within` ms.
   */
  async switchToNewWindow(within = 30_000) {
    const own = await this.cmd("GET", "/window");
    for (const deadline = Date.now() + within; Date.now() < deadline;) {
      const other = (await this.cmd("GET", "/window/handles")).find((h) => h !== own);
      if (other) {
        await this.cmd("POST", "/window", { handle: other });
        return this;
      }
      await new Promise((r) => setImmediate(r));
    }
    throw new Error(`no new window within ${within} ms`);
  }

  /** The page's cookies: `{name, value, expiry (s), httpOnly, ...}`. */
  cookies() { return this.cmd("GET", "/cookie"); }
  /** A PNG of the viewport, as a Buffer. */
  async screenshot() { return Buffer.from(await this.cmd("GET", "/screenshot"), "base64"); }
  close() { return this.cmd("DELETE", ""); }
}
