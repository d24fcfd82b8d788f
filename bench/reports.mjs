// `make bench`, reports at scale (issue 23): a bench worker of its own whose
// D1 is filled in bulk by SQL with 100,000 conversations of one account over
// the last 365 days and 1,000,000 messages (five from the customer, five from
// the assignee, each), their report facts set as the write path sets them,
// and report_slots built FROM those rows by one GROUP BY (so the two agree by
// construction); a label on every tenth conversation. Then the p50/p95 of the
// 30-day report (the target is 100 ms p95), its variants, and the time of the
// CSV exports, through the HTTP API.
import { timed } from "./timing.mjs";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { startWorker, d1Execute, derivedConfig, raiseLimits } from "../tests/worker.mjs";

const CONVERSATIONS = 100_000;
const MESSAGES_EACH = 10;
const DAY = 86_400_000;

/** SQL writing the account, its agents and teams, `count` conversations ending now, their messages, facts and slots. */
export function reportsSql({ account, count, key, agentKey, now }) {
  const hash = (k) => createHash("sha256").update(k).digest("hex");
  const n = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count})`;
  const k = `WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < ${MESSAGES_EACH / 2 - 1})`;
  const span = 365 * DAY;
  // Conversation i: started (i / count) of a year ago; first response 30 s to an hour later; three in four
  // resolved 10 minutes to 2 days after the start (when that is past); assigned round robin to 5 agents, 2 teams.
  const started = `(${now} - ${span} + i * ${Math.floor(span / count)})`;
  const response = `(30000 + (i * 7919) % 3600 * 1000)`;
  const resolution = `(600000 + (i * 104729) % 172800 * 1000)`;
  const resolved = `(i % 4 <> 0 AND ${started} + ${resolution} < ${now})`;
  return `
INSERT INTO accounts (id, name, created_at) VALUES ('${account}', 'Bench reports', 0);
INSERT INTO sites (id, account_id, name, created_at) VALUES ('${account}_s1', '${account}', 'One', 0), ('${account}_s2', '${account}', 'Two', 0);
INSERT INTO agents (id, account_id, email, full_name, role, created_at)
  WITH RECURSIVE a(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM a WHERE x < 4)
  SELECT '${account}_ag' || x, '${account}', 'agent' || x || '@${account}.example', 'Agent ' || x, CASE WHEN x = 0 THEN 'primary_admin' ELSE 'agent' END, 0 FROM a;
INSERT INTO api_keys (id, token_hash, prefix, agent_id, label, created_at) VALUES
  ('${account}_key', '${hash(key)}', 'pk_bench', '${account}_ag0', 'bench', 0),
  ('${account}_key1', '${hash(agentKey)}', 'pk_bench', '${account}_ag1', 'bench agent', 0);
INSERT INTO teams (id, account_id, name, created_at, updated_at) VALUES ('${account}_t0', '${account}', 'Team 0', 0, 0), ('${account}_t1', '${account}', 'Team 1', 0, 0);
INSERT INTO team_members (team_id, agent_id, added_at) VALUES ('${account}_t1', '${account}_ag1', 0), ('${account}_t1', '${account}_ag3', 0);
INSERT INTO labels (id, account_id, name, colour, created_at, updated_at) VALUES ('${account}_lb', '${account}', 'Refund', '#1d4ed8', 0, 0);
INSERT INTO conversations (id, site_id, account_id, channel, status, assignee_id, team_id, started_at, last_message_at,
    first_inbound_at, first_response_at, first_response_ms, first_response_business_ms, first_response_by,
    resolved_at, resolution_ms, resolution_business_ms, replies_to_resolve, messages_in, messages_out, resolves, reopens)
  ${n} SELECT printf('c_%08d', i), '${account}_s' || (1 + i % 2), '${account}', CASE i % 3 WHEN 0 THEN 'chat' WHEN 1 THEN 'email' ELSE 'messenger' END,
    CASE WHEN ${resolved} THEN 'closed' ELSE 'open' END, '${account}_ag' || (i % 5), '${account}_t' || (i % 2), ${started}, ${started} + ${response} + 480000,
    ${started}, ${started} + ${response}, ${response}, CASE WHEN i % 2 THEN ${response} / 2 END, '${account}_ag' || (i % 5),
    CASE WHEN ${resolved} THEN ${started} + ${resolution} END, CASE WHEN ${resolved} THEN ${resolution} END,
    CASE WHEN ${resolved} AND i % 2 THEN ${resolution} / 3 END, CASE WHEN ${resolved} THEN ${MESSAGES_EACH / 2} END,
    ${MESSAGES_EACH / 2}, ${MESSAGES_EACH / 2}, CASE WHEN ${resolved} THEN 1 ELSE 0 END, CASE WHEN i % 10 = 0 AND ${resolved} THEN 1 ELSE 0 END FROM n;
INSERT INTO conversation_labels (conversation_id, label_id, last_message_at, created_at)
  SELECT id, '${account}_lb', last_message_at, 0 FROM conversations WHERE account_id = '${account}' AND rowid % 10 = 0;
-- Five messages from the customer two minutes apart from the start, five from the assignee from the first response on.
INSERT INTO messages (id, conversation_id, site_id, direction, author, body, created_at, seq)
  ${k}, c AS (SELECT * FROM conversations WHERE account_id = '${account}')
  SELECT c.id || '_i' || k.j, c.id, c.site_id, 'inbound', 'contact', 'Hello', c.started_at + k.j * 120000, 2 * k.j + 1 FROM c, k;
INSERT INTO messages (id, conversation_id, site_id, direction, author, agent_id, body, created_at, seq)
  ${k}, c AS (SELECT * FROM conversations WHERE account_id = '${account}')
  SELECT c.id || '_o' || k.j, c.id, c.site_id, 'outbound', 'agent', c.assignee_id, 'Thanks', c.first_response_at + k.j * 120000, 2 * k.j + 2 FROM c, k;
-- The rollup, from the rows above: opened at the start, resolved at the resolve, messages where they were written
-- (in: under the assignee; out: under the author), reopened an hour after the start.
INSERT INTO report_slots (account_id, slot, site_id, channel, agent_id, team_id, opened, resolved, reopened, messages_in, messages_out)
  SELECT '${account}', at - at % 900000, site_id, channel, agent, team, SUM(o), SUM(r), SUM(ro), SUM(mi), SUM(mo) FROM (
    SELECT started_at AS at, site_id, channel, assignee_id AS agent, team_id AS team, 1 AS o, 0 AS r, 0 AS ro, 0 AS mi, 0 AS mo
      FROM conversations WHERE account_id = '${account}'
    UNION ALL SELECT resolved_at, site_id, channel, assignee_id, team_id, 0, 1, 0, 0, 0
      FROM conversations WHERE account_id = '${account}' AND resolved_at IS NOT NULL
    UNION ALL SELECT started_at + 3600000, site_id, channel, assignee_id, team_id, 0, 0, 1, 0, 0
      FROM conversations WHERE account_id = '${account}' AND reopens = 1
    UNION ALL SELECT m.created_at, c.site_id, c.channel, CASE WHEN m.direction = 'outbound' THEN m.agent_id ELSE c.assignee_id END, c.team_id,
        0, 0, 0, m.direction = 'inbound', m.direction = 'outbound'
      FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.account_id = '${account}'
  ) GROUP BY 2, 3, 4, 5, 6;
`;
}

/** Times one whole download of `path` (read to its end), returning its bytes and lines. */
async function download(url, key) {
  const t = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${text.slice(0, 200)}`);
  return { ms: performance.now() - t, bytes: text.length, lines: text.split("\r\n").length - 2 };
}

export async function reports() {
  console.log(`\nReports at ${CONVERSATIONS.toLocaleString("en")} conversations and ${(CONVERSATIONS * MESSAGES_EACH).toLocaleString("en")} messages over a year (own worker, local D1)`);
  const key = `pk_bench_${randomBytes(16).toString("hex")}`;
  const agentKey = `pk_bench_${randomBytes(16).toString("hex")}`;
  const now = Date.now();
  const started = performance.now();
  const worker = await startWorker({
    config: derivedConfig("bench-reports", raiseLimits),
    prepare: (state, configArgs) => {
      const dir = mkdtempSync(join(tmpdir(), "parley-bench-reports-"));
      writeFileSync(join(dir, "r.sql"), reportsSql({ account: "a_rep", count: CONVERSATIONS, key, agentKey, now }));
      d1Execute(state, join(dir, "r.sql"), configArgs);
    },
  });
  console.log(`  (seeded and started in ${((performance.now() - started) / 1000).toFixed(0)} s)`);
  try {
    const get = async (query, token = key) => {
      const res = await fetch(`${worker.url}/api/reports?${query}`, { headers: { authorization: `Bearer ${token}` } });
      const body = await res.json();
      if (res.status !== 200) throw new Error(`${query}: ${res.status} ${JSON.stringify(body)}`);
      return body;
    };
    const month = await get("range=30d");
    const { opened, messages_in, first_response_ms } = month.current;
    if (opened < 8000 || messages_in < 40_000 || first_response_ms.count < 8000) throw new Error(`30 days: ${JSON.stringify(month.current)}`);
    console.log(`  30 days: ${opened.toLocaleString("en")} opened, ${messages_in.toLocaleString("en")} messages in, ${first_response_ms.count.toLocaleString("en")} first responses (median ${first_response_ms.median} ms), previous ${month.previous.opened.toLocaleString("en")} opened`);
    await timed("GET /api/reports 30 days (primary admin)", 50, () => get("range=30d"), 52);
    await timed("GET /api/reports 30 days by the hour", 20, () => get("range=30d&unit=hour"), 52);
    await timed("GET /api/reports 30 days (an agent: mine)", 20, () => get("range=30d", agentKey), 52);
    await timed("GET /api/reports 30 days, channel and team cut", 20, () => get("range=30d&channel=chat&team=a_rep_t1"), 52);
    await timed("GET /api/reports 30 days, label cut", 20, () => get("range=30d&label=a_rep_lb"), 52);
    await timed("GET /api/reports 7 days", 20, () => get("range=7d"), 52);
    const from = new Date(now - 364 * DAY).toISOString().slice(0, 10);
    const to = new Date(now).toISOString().slice(0, 10);
    await timed("GET /api/reports a year by day", 10, () => get(`range=custom&from=${from}&to=${to}`), 52);
    for (const [label, path] of [
      ["series.csv, 30 days", "series.csv?range=30d"],
      ["agents.csv, 30 days", "agents.csv?range=30d"],
      ["conversations.csv, 30 days", "conversations.csv?range=30d"],
      ["conversations.csv, a year (streamed)", `conversations.csv?range=custom&from=${from}&to=${to}`],
    ]) {
      const { ms, bytes, lines } = await download(`${worker.url}/api/reports/${path}`, key);
      console.log(`  ${label.padEnd(52)} ${ms.toFixed(0).padStart(6)} ms   ${lines.toLocaleString("en")} lines, ${(bytes / 1024 / 1024).toFixed(1)} MB`);
    }
  } finally {
    await worker.stop();
  }
}

// Run by itself (`node tests/run.mjs --bench bench/reports.mjs`).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await reports();
