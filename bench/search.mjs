// `make bench`, the conversation list and search at scale: a bench worker of
// its own (wrangler dev, local D1) whose D1 is filled in bulk by SQL (recursive
// CTEs, written by bulkSql below) with 100,000 conversations of one account
// (200,000 messages, indexed by migration 0013's triggers as they are written)
// and 20,000 of another; then the p50 of the list's page 1 and page 100, and of
// searches, through the HTTP API.
import { timed } from "./timing.mjs";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { startWorker, d1Execute, derivedConfig, raiseLimits } from "../tests/worker.mjs";

const CONVERSATIONS = 100_000;
const OTHERS = 20_000;
const PAGE = 100;

/** SQL writing `count` conversations (two messages each) of a new account, with an API key for `key` when given. */
export function bulkSql({ account, count, key, offset = 0 }) {
  const hash = key ? createHash("sha256").update(key).digest("hex") : null;
  const n = `WITH RECURSIVE n(i) AS (SELECT ${offset + 1} UNION ALL SELECT i + 1 FROM n WHERE i < ${offset + count})`;
  const words = "'teapot','kettle','oolong','sencha','matcha','rooibos','darjeeling','assam','chai','infuser'";
  return `
INSERT INTO accounts (id, name, created_at) VALUES ('${account}', 'Bench ${account}', 0);
INSERT INTO sites (id, account_id, name, created_at) VALUES ('${account}_s1', '${account}', 'One', 0), ('${account}_s2', '${account}', 'Two', 0);
INSERT INTO agents (id, account_id, email, full_name, role, created_at)
  VALUES ('${account}_admin', '${account}', 'admin@${account}.example', 'Bench Admin', 'primary_admin', 0);
${hash ? `INSERT INTO api_keys (id, token_hash, prefix, agent_id, label, created_at)
  VALUES ('${account}_key', '${hash}', 'pk_bench', '${account}_admin', 'bench', 0);` : ""}
INSERT INTO contacts (id, account_id, email, full_name, source, created_at, updated_at)
  ${n} SELECT printf('ct_%08d', i), '${account}', printf('person%d@example.org', i), printf('Person %d', i), 'email', 0, 0 FROM n;
-- Three conversations share each time (ties), a quarter are closed, every tenth assigned.
INSERT INTO conversations (id, site_id, account_id, channel, status, contact_id, subject, assignee_id, started_at, last_message_at)
  ${n} SELECT printf('c_%08d', i), '${account}_s' || (1 + i % 2), '${account}', CASE WHEN i % 2 THEN 'chat' ELSE 'email' END,
    CASE WHEN i % 4 = 0 THEN 'closed' ELSE 'open' END, printf('ct_%08d', i),
    CASE WHEN i % 2 THEN NULL ELSE printf('Order %d', 500000 + i) END, CASE WHEN i % 10 = 0 THEN '${account}_admin' END,
    1700000000000 + (i / 3) * 1000, 1700000000000 + (i / 3) * 1000 FROM n;
-- Each conversation: a question (a refund in one of a hundred) and an answer.
INSERT INTO messages (id, conversation_id, site_id, direction, author, body, email_subject, created_at, seq)
  ${n} SELECT printf('m_%08d_1', i), printf('c_%08d', i), '${account}_s' || (1 + i % 2), 'inbound', 'contact',
    'Hello, my order ' || (500000 + i) || ' of ' || json_extract(json_array(${words}), '$[' || (i % 10) || ']') ||
    CASE WHEN i % 100 = 0 THEN ' arrived broken and I would like a refund' ELSE ' has not arrived yet, could you check on it' END ||
    ' please. Thanks, Person ' || i, CASE WHEN i % 2 THEN NULL ELSE printf('Order %d', 500000 + i) END,
    1700000000000 + (i / 3) * 1000 - 60000, 1 FROM n;
INSERT INTO messages (id, conversation_id, site_id, direction, author, agent_id, body, created_at, seq)
  ${n} SELECT printf('m_%08d_2', i), printf('c_%08d', i), '${account}_s' || (1 + i % 2), 'outbound', 'agent', '${account}_admin',
    'Thank you for writing; we are looking into it and will answer within a day.', 1700000000000 + (i / 3) * 1000, 2 FROM n;
`;
}


export async function search() {
  console.log(`\nConversation list and search at ${CONVERSATIONS.toLocaleString("en")} conversations (own worker, local D1; another account holds ${OTHERS.toLocaleString("en")})`);
  const key = `pk_bench_${randomBytes(16).toString("hex")}`;
  const started = performance.now();
  const worker = await startWorker({
    config: derivedConfig("bench-search", raiseLimits),
    prepare: (state, configArgs) => {
      const dir = mkdtempSync(join(tmpdir(), "parley-bench-search-"));
      writeFileSync(join(dir, "a.sql"), bulkSql({ account: "a_bench", count: CONVERSATIONS, key }));
      writeFileSync(join(dir, "b.sql"), bulkSql({ account: "a_other", count: OTHERS, offset: CONVERSATIONS }));
      d1Execute(state, join(dir, "a.sql"), configArgs);
      d1Execute(state, join(dir, "b.sql"), configArgs);
    },
  });
  console.log(`  (seeded and started in ${((performance.now() - started) / 1000).toFixed(0)} s)`);
  try {
    const get = async (query) => {
      const res = await fetch(`${worker.url}/api/conversations?${query}`, { headers: { authorization: `Bearer ${key}` } });
      const body = await res.json();
      if (res.status !== 200) throw new Error(`${query}: ${res.status} ${JSON.stringify(body)}`);
      return body;
    };
    /** The cursor of page `n` (1-based) of `query`, walking there. */
    const cursorOf = async (query, n) => {
      let next = null;
      for (let page = 1; page < n; page++) next = (await get(`${query}&limit=${PAGE}${next ? `&before=${next}` : ""}`)).next;
      return next;
    };
    for (const [label, query] of [["all", "spam=false"], ["open (the inbox's default)", "status=open"], ["assigned to me", "assignee=me"]]) {
      const page100 = await cursorOf(query, 100);
      const first = await get(`${query}&limit=${PAGE}`);
      const deep = await get(`${query}&limit=${PAGE}&before=${page100}`);
      if (first.conversations.length !== PAGE || deep.conversations.length !== PAGE) throw new Error(`${label}: short pages`);
      await timed(`GET /api/conversations ${label}: page 1`, 30, () => get(`${query}&limit=${PAGE}`), 52);
      await timed(`GET /api/conversations ${label}: page 100`, 30, () => get(`${query}&limit=${PAGE}&before=${page100}`), 52);
    }
    for (const [label, q, expect] of [
      ["an order number (1 conversation)", "500042", 1],
      ["'refund' (1,000 conversations)", "refund", PAGE],
      ["'refund teapot' (1,000)", "refund teapot", PAGE],
      ["a name (11 by name, also in their words)", "Person 4242", 11],
      ["'arrived' (every conversation)", "arrived", PAGE],
    ]) {
      const hits = await get(`q=${encodeURIComponent(q)}&limit=${PAGE}`);
      if (hits.conversations.length < expect) throw new Error(`search ${q}: ${hits.conversations.length} hits`);
      await timed(`search ${label}`, 20, () => get(`q=${encodeURIComponent(q)}&limit=${PAGE}`), 52);
    }
  } finally {
    await worker.stop();
  }
}

// Run by itself (`node tests/run.mjs --bench bench/search.mjs`).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await search();
