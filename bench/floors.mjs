// `make bench`, ratios to the floors: Parley's chat send and email handler
// against the least a worker can do (bench/floors/), each under its own
// `wrangler dev` on this machine, in the same run, with the same load.
import { readFileSync, readdirSync } from "node:fs";
import { randomUUID } from "node:crypto";
import http from "node:http";
import { startWorker } from "../tests/worker.mjs";
import { URL_, newVisitor, mailFixture } from "../tests/helpers.mjs";

const root = new URL("..", import.meta.url).pathname;

/** Requests per second of `request(i)` with `connections` in flight for `seconds`. */
async function load(url, { connections = 16, seconds = 10, request }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const until = Date.now() + seconds * 1000;
  let done = 0;
  let failed = 0;
  let n = 0;
  const one = (i) => new Promise((resolve) => {
    const { path, headers, body } = request(i);
    const req = http.request(url + path, { method: "POST", agent, headers: { ...headers, "content-length": Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on("end", () => { if (res.statusCode < 300) done++; else failed++; resolve(); });
    });
    req.on("error", () => { failed++; resolve(); });
    req.end(body);
  });
  const start = performance.now();
  await Promise.all(Array.from({ length: connections }, async () => { while (Date.now() < until) await one(n++); }));
  agent.destroy();
  return { perSecond: done / ((performance.now() - start) / 1000), failed };
}

/** CPU seconds (user + system) used so far by the workerd processes of a worker's process group. */
function workerdCpu(pgid) {
  const tick = 100; // USER_HZ on Linux
  let total = 0;
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    let stat;
    try { stat = readFileSync(`/proc/${pid}/stat`, "utf8"); } catch { continue; }
    const [, comm, rest] = /^\d+ \((.*)\) (.*)$/.exec(stat.trim()) || [];
    const fields = (rest || "").split(" ");
    if (comm === "workerd" && Number(fields[2]) === pgid) total += (Number(fields[11]) + Number(fields[12])) / tick;
  }
  return total;
}

/** A short note with a 200 KB base64 attachment. */
function withAttachment({ from, id, marker }) {
  const line = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\r\n";
  return [
    `From: Mia Chen <${from}>`, "To: support@juniper.inbound.example.com", `Subject: Invoice ${marker}`,
    "Date: Sat, 21 Nov 2026 10:00:00 +0000", `Message-ID: <${id}>`, "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="b"', "", "--b", "Content-Type: text/plain", "", `The invoice is attached. (${marker})`,
    "--b", "Content-Type: application/pdf", 'Content-Disposition: attachment; filename="big.pdf"', "Content-Transfer-Encoding: base64", "",
    line.repeat(Math.ceil(200_000 / line.length)) + "--b--", "",
  ].join("\r\n");
}

/** The corpus: `count` messages, every tenth with a 200 KB attachment, each with a fresh Message-ID. */
function corpus(count) {
  return Array.from({ length: count }, (_, i) => {
    const tag = randomUUID().slice(0, 8);
    const vars = { From: `floor+${tag}@example.org`, from: `floor+${tag}@example.org`, id: `${tag}.floor@example.org`, marker: tag };
    return { raw: i % 10 === 0 ? withAttachment(vars) : mailFixture("plain.eml", vars), from: vars.from };
  });
}

/** Messages per second and workerd CPU ms per message of delivering the corpus, 4 at a time. */
async function mailRate(url, pgid, messages, to) {
  const cpuBefore = workerdCpu(pgid);
  const start = performance.now();
  let next = 0;
  let refused = 0;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < messages.length) {
      const { raw, from } = messages[next++];
      const res = await fetch(`${url}/cdn-cgi/handler/email?${new URLSearchParams({ from, to })}`, { method: "POST", body: raw });
      if (!res.ok) refused++;
      await res.text();
    }
  }));
  const seconds = (performance.now() - start) / 1000;
  return { perSecond: messages.length / seconds, cpuMs: ((workerdCpu(pgid) - cpuBefore) * 1000) / messages.length, refused };
}

/** Starts a floor worker under its own wrangler dev (with wrangler `vars`). */
function floor(name, vars = {}) {
  return startWorker({ config: `${root}bench/floors/${name}/wrangler.toml`, vars });
}

export async function floors({ parleyPgid }) {
  console.log("\nRatios to the floors (same machine, same run; higher is better for rates, lower for CPU)");
  // BENCH_FLOORS=chat, =mail or =io runs one of them.
  const which = (name) => !process.env.BENCH_FLOORS || process.env.BENCH_FLOORS === name;
  if (which("chat")) await chatRatio();
  if (which("mail")) await mailRatio(parleyPgid);
  if (which("io")) await ioCosts();
}

/** Workerd CPU per request of each runtime operation alone (the I/O floor). */
async function ioCosts() {
  const io = await floor("io");
  try {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    const get = (path) => new Promise((resolve, reject) => {
      http.get(io.url + path, { agent }, (res) => { res.resume(); res.on("end", resolve); }).on("error", reject);
    });
    const perRequest = async (path, n = 600) => {
      for (let i = 0; i < 30; i++) await get(path);
      const before = workerdCpu(io.pgid);
      let next = 0;
      await Promise.all(Array.from({ length: 4 }, async () => { while (next++ < n) await get(path); }));
      return ((workerdCpu(io.pgid) - before) * 1000) / n;
    };
    const nothing = await perRequest("/nothing");
    const parts = [];
    for (const [path, label] of [["/d1", "one D1 batch"], ["/r2", "one R2 put"], ["/object", "one Durable Object request"]]) {
      parts.push(`${label} +${((await perRequest(path)) - nothing).toFixed(1)} ms`);
    }
    agent.destroy();
    console.log(`  workerd CPU per request, a JS worker: doing nothing ${nothing.toFixed(1)} ms; ${parts.join(", ")}`);
  } finally {
    await io.stop();
  }
}

/** Chat send requests/s, Parley against the chat floor. */
async function chatRatio() {
  const chatFloor = await floor("chat");
  try {
    const tokens = await Promise.all(Array.from({ length: 16 }, () => newVisitor()));
    const request = (i) => ({
      path: "/api/widget/messages",
      headers: { "content-type": "application/json", authorization: `Bearer ${tokens[i % tokens.length]}` },
      body: JSON.stringify({ client_message_id: randomUUID(), body: "load" }),
    });
    const parley = await load(URL_, { request });
    const base = await load(chatFloor.url, { request });
    console.log(`  chat send: Parley ${parley.perSecond.toFixed(0)} req/s, floor ${base.perSecond.toFixed(0)} req/s, ratio ${(parley.perSecond / base.perSecond).toFixed(2)}× (failed: ${parley.failed} / ${base.failed}; 16 connections, 10 s)`);
  } finally {
    await chatFloor.stop();
  }
}

/**
 * Inbound mail messages/s and workerd CPU per message, Parley against the
 * mail floor; then the floor with its parsing switched off, which is the most
 * any worker that keeps each message with one R2 put and one D1 batch can do.
 */
async function mailRatio(parleyPgid) {
  const mailFloor = await floor("mail");
  const ceiling = await floor("mail", { PARSE: "0" });
  try {
    const parley = await mailRate(URL_, parleyPgid, corpus(300), "support@juniper.inbound.example.com");
    const base = await mailRate(mailFloor.url, mailFloor.pgid, corpus(300), "support@floor.example.com");
    const io = await mailRate(ceiling.url, ceiling.pgid, corpus(300), "support@floor.example.com");
    const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
    console.log(`  inbound mail (300 messages, 30 with 200 KB attachments, 4 at a time):`);
    console.log(`    Parley ${parley.perSecond.toFixed(1)} msg/s, floor ${base.perSecond.toFixed(1)} msg/s, ratio ${ratio(parley.perSecond, base.perSecond)} (refused: ${parley.refused} / ${base.refused})`);
    console.log(`    workerd CPU per message: Parley ${parley.cpuMs.toFixed(1)} ms, floor ${base.cpuMs.toFixed(1)} ms, ratio ${ratio(parley.cpuMs, base.cpuMs)}`);
    console.log(`    the floor without parsing (its R2 put and D1 batch alone): ${io.perSecond.toFixed(1)} msg/s, ${ratio(io.perSecond, base.perSecond)} the floor; ${io.cpuMs.toFixed(1)} ms CPU, ${ratio(io.cpuMs, base.cpuMs)} (refused: ${io.refused})`);
  } finally {
    await mailFloor.stop();
    await ceiling.stop();
  }
}
