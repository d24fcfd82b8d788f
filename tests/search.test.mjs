// Search and paging on the real worker and its local D1 (FTS5): words written
// anywhere in a conversation are found, ranked (bm25) with a marked snippet,
// within the caller's account only, combined with the list's filters; hostile
// queries are refused or taken as words, never a 500; pages follow each other
// with no duplicate and no gap, ties included; migration 0013 indexes what was
// written before it, and its indexes serve the list in order (query plans).
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { call, newVisitor, sendChat, sql, unique, KEY } from "./helpers.mjs";

/** The second account: its own site, primary admin and API key (written into D1 as the seed writes the first). */
const OTHER_KEY = `pk_other_${randomBytes(20).toString("hex")}`;
before(async () => {
  const hash = createHash("sha256").update(OTHER_KEY).digest("hex");
  await sql(`INSERT INTO accounts (id, name, created_at) VALUES ('a_search_other', 'Other shop', 0);
    INSERT INTO sites (id, account_id, name, created_at) VALUES ('s_search_other', 'a_search_other', 'Other shop', 0);
    INSERT INTO agents (id, account_id, email, full_name, role, created_at)
      VALUES ('ag_search_other', 'a_search_other', 'olga@other.example', 'Olga Other', 'primary_admin', 0);
    INSERT INTO api_keys (id, token_hash, prefix, agent_id, label, created_at)
      VALUES ('key_search_other', '${hash}', 'pk_other', 'ag_search_other', 'other account', 0);`);
});

/** GET /api/conversations?… as `token` (the demo admin's key by default); the whole answer. */
const list = (query, token = KEY) => call("GET", `/api/conversations?${query}`, { token });
/** The ids a search finds, in order. */
async function found(query, token = KEY) {
  const res = await list(query, token);
  assert.equal(res.status, 200, `${query}: ${JSON.stringify(res.body)}`);
  return res.body.conversations.map((c) => c.id);
}
const q = (text) => `q=${encodeURIComponent(text)}`;

/** A chat of the demo shop (or `site`) with these messages from the visitor; its id. */
async function chat(bodies, site = "s_demo") {
  const token = await newVisitor(site);
  for (const body of bodies) assert.equal((await sendChat(token, body)).status, 201);
  return (await call("GET", "/api/widget/conversation", { token })).body.conversation_id;
}

/** A form submission (an email conversation with a contact); its conversation id. */
async function ticket({ site = "s_demo", name, body, token = KEY }) {
  const res = await call("POST", `/api/sites/${site}/tickets`, { token, json: { email: `${unique("t")}@example.org`, name, body } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.conversation_id;
}

/** An agent's chat reply. */
async function reply(id, body) {
  assert.equal((await call("POST", `/api/conversations/${id}/messages`, { token: KEY, json: { body, channel: "chat" } })).status, 201);
}

/** Three conversations with the word `w`: by its person's name, three times in a short message, once in a long one. */
async function arranged() {
  const w = unique("kw");
  const byName = await ticket({ site: "s_form_a", name: `Ada ${w}`, body: "Just a question about tins." });
  const dense = await chat(["Hello", `${w} ${w} ${w}`, "Thanks"]);
  const sparse = await ticket({
    body: `Hello, I bought a teapot and two tins of Morning Fog last month, and the order number was ${w}; ` +
      "the lid was cracked when it arrived, so I would like to ask what you can do about it, please, if anything at all.",
  });
  await call("POST", `/api/conversations/${sparse}/messages`, { token: KEY, json: { body: "We are sorry to hear that.", channel: "email" } });
  return { w, byName, dense, sparse };
}

test("a search finds words from the middle of a thread, ranked, with the matched words marked", async () => {
  const w = unique("kw");
  const id = await chat(["Hi, a question about my order", `I would like a refund for order ${w}, the tin was dented`, "Is anyone there?"]);
  await reply(id, "Let me check that for you.");
  const { body } = await list(q(w));
  assert.deepEqual(body.conversations.map((c) => c.id), [id]);
  const [hit] = body.conversations;
  const thread = (await call("GET", `/api/conversations/${id}`, { token: KEY })).body;
  assert.equal(hit.snippet.message_id, thread.messages[1].id, "the message that matched, not the newest");
  assert.deepEqual(hit.snippet.parts.filter((p) => p.mark).map((p) => p.text), [w]);
  assert.equal(hit.snippet.parts.map((p) => p.text).join(""), `I would like a refund for order ${w}, the tin was dented`);
  assert.equal(hit.preview, "Let me check that for you.", "the list's own fields are unchanged");

  // Stems, diacritics, a prefix of the last word, the subject of a ticket, any case.
  assert.deepEqual(await found(q(`REFUNDS ${w}`)), [id]);
  assert.deepEqual(await found(q(`dent ${w.slice(0, 6)}`)), [id], "the last word is also a prefix");
  const accent = unique("caf");
  const french = await chat([`Le thé était froid, café ${accent} aussi`]);
  assert.deepEqual(await found(q(`the etait ${accent}`)), [french]);
  const subject = unique("subj");
  const res = await call("POST", "/api/sites/s_demo/tickets", { token: KEY, json: { email: `${unique("s")}@example.org`, subject: `Damaged ${subject}`, body: "See subject." } });
  const hits = (await list(q(subject))).body.conversations;
  assert.deepEqual(hits.map((c) => c.id), [res.body.conversation_id]);
  assert.deepEqual(hits[0].snippet.parts.map((p) => [p.text, p.mark]), [["Damaged ", false], [subject, true]]);
});

test("results are ranked: the person's name first, then by bm25 (a dense mention before a passing one)", async () => {
  const { w, byName, dense, sparse } = await arranged();
  const { body } = await list(q(w));
  assert.deepEqual(body.conversations.map((c) => c.id), [byName, dense, sparse]);
  assert.equal(body.conversations[0].snippet, null, "a match by name has no snippet");
  assert.equal(body.next, null);
  const sparseHit = body.conversations[2].snippet;
  assert.ok(sparseHit.parts[0].text.startsWith("…"), "a long message is cut around the match");
  assert.deepEqual(sparseHit.parts.filter((p) => p.mark).map((p) => p.text), [w]);
});

test("filters combine with the search", async () => {
  const { w, byName, dense, sparse } = await arranged();
  assert.equal((await call("PATCH", `/api/conversations/${dense}`, { token: KEY, json: { status: "closed" } })).status, 200);
  assert.equal((await call("PATCH", `/api/conversations/${sparse}`, { token: KEY, json: { assignee_id: "ag_fixture_agent" } })).status, 200);
  assert.deepEqual(await found(`${q(w)}&status=closed`), [dense]);
  assert.deepEqual(await found(`${q(w)}&status=open`), [byName, sparse]);
  assert.deepEqual(await found(`${q(w)}&channel=chat`), [dense]);
  assert.deepEqual(await found(`${q(w)}&channel=email&status=open`), [byName, sparse]);
  assert.deepEqual(await found(`${q(w)}&assignee=ag_fixture_agent`), [sparse]);
  assert.deepEqual(await found(`${q(w)}&assignee=unassigned`), [byName, dense]);
  assert.deepEqual(await found(`${q(w)}&site=s_form_a`), [byName]);
  assert.deepEqual(await found(`${q(w)}&spam=true`), []);
  assert.equal((await call("PATCH", `/api/conversations/${sparse}`, { token: KEY, json: { spam: true } })).status, 200);
  assert.deepEqual(await found(q(w)), [byName, dense]);
  assert.deepEqual(await found(`${q(w)}&spam=true`), [sparse]);
});

test("a search never finds another account's conversations, by words or by person", async () => {
  const { w, byName, dense, sparse } = await arranged();
  const theirs = await chat([`Our own note about ${w}`], "s_search_other");
  const theirTicket = await ticket({ site: "s_search_other", name: `Bo ${w}`, body: `Also ${w}`, token: OTHER_KEY });
  assert.deepEqual(await found(q(w)), [byName, dense, sparse], "the demo account sees only its own");
  assert.deepEqual(await found(q(w), OTHER_KEY), [theirTicket, theirs], "the other account sees only its own");
  const mine = unique("mine");
  await chat([`Only the demo shop wrote ${mine}`]);
  assert.deepEqual(await found(q(mine), OTHER_KEY), []);
  assert.deepEqual(await found(q("Ada"), OTHER_KEY), [], "nor the demo's people");
  assert.deepEqual(await found(`${q(w)}&site=s_demo`, OTHER_KEY), [], "naming a site of another account finds nothing");
  assert.deepEqual(await found(`site=s_demo`, OTHER_KEY), []);
  const plain = (await list("", OTHER_KEY)).body.conversations.map((c) => c.id);
  assert.deepEqual(plain, [theirTicket, theirs], "nor does the plain list");
});

test("hostile searches are taken as words or refused with a 4xx, never a 500", async () => {
  const { w, dense } = await arranged();
  const hostile = [
    "\"", "\"\"", "'", "(", ")", "()", "(refund", "refund)", "\"refund", "AND", "OR", "NOT", "NEAR", "NEAR(a b)", "NEAR(a b, 2)",
    "a AND", "OR b", "a OR OR b", "*", "**", "a*", "*a", "^", "^a", "a:b", "body:refund", "{body}:a", "-a", "+", "a - b",
    "%", "_", "\\", "\\\"", "%_%", "' OR 1=1 --", "\"); DROP TABLE messages; --", "\u0000", "a\u0000b", "\u0002\u0003",
    "😀", "注文", "ÅÄÖ", "é".repeat(200), "a".repeat(200), "x ".repeat(100), "\u202e", "\ufeff",
  ];
  for (const text of hostile) {
    const res = await list(q(text));
    assert.ok(res.status === 200 || (res.status >= 400 && res.status < 500), `${JSON.stringify(text)}: ${res.status}`);
    if (res.status === 200) assert.ok(Array.isArray(res.body.conversations), JSON.stringify(text));
    else assert.equal(typeof res.body.error?.code, "string", JSON.stringify(text));
  }
  for (const size of [201, 10 * 1024]) {
    const res = await list(q("a".repeat(size)));
    assert.equal(res.status, 400, `${size} characters`);
    assert.equal(res.body.error.code, "query_too_long");
  }
  // FTS5 operators are words the messages must hold, never operators.
  assert.deepEqual(await found(q(`${w} OR nothing`)), []);
  assert.deepEqual(await found(q(`NEAR(${w} nothing)`)), []);
  assert.deepEqual(await found(`${q(`"${w}" -`)}&channel=chat`), [dense], "quotes and dashes are dropped");
  assert.deepEqual(await found(`${q(`${w}*`)}&channel=chat`), [dense]);
});

test("pages follow each other with no duplicate and no gap, ties broken by id", async () => {
  const site = "s_form_b";
  const ids = [];
  for (let i = 0; i < 7; i++) ids.push(await chat([unique("page ")], site));
  const tied = ids.slice(0, 5);
  const t = Date.now();
  await sql(`UPDATE conversations SET last_message_at = ${t} WHERE id IN (${tied.map((id) => `'${id}'`).join(", ")});
    UPDATE conversations SET last_message_at = ${t + 1} WHERE id = '${ids[5]}';
    UPDATE conversations SET last_message_at = ${t + 2} WHERE id = '${ids[6]}';`);
  const all = await found(`site=${site}&limit=100`);
  assert.ok(all.length >= 7 && all.length < 100);
  assert.deepEqual(all.slice(0, 7), [ids[6], ids[5], ...[...tied].sort().reverse()], "equal times: by id, descending");
  for (const size of [1, 2, 3]) {
    const seen = [];
    let next = null;
    for (let n = 0; n <= all.length; n++) {
      const res = await list(`site=${site}&limit=${size}${next ? `&before=${next}` : ""}`);
      assert.equal(res.status, 200);
      seen.push(...res.body.conversations.map((c) => c.id));
      next = res.body.next;
      if (!next) break;
    }
    assert.deepEqual(seen, all, `pages of ${size}: the same sequence as one page`);
  }

  const { w, byName, dense, sparse } = await arranged();
  const pages = [];
  let next = null;
  do {
    const res = await list(`${q(w)}&limit=1${next ? `&before=${next}` : ""}`);
    pages.push(res.body.conversations.map((c) => c.id));
    next = res.body.next;
  } while (next && pages.length < 10);
  assert.deepEqual(pages.flat(), [byName, dense, sparse], "a search pages in its own order");

  const listCursor = (await list(`site=${site}&limit=1`)).body.next;
  const searchCursor = (await list(`${q(w)}&limit=1`)).body.next;
  assert.match(listCursor, /^[0-9a-f]+$/, "cursors are opaque");
  for (const [query, why] of [
    ["before=nonsense", "not a cursor"],
    [`before=${listCursor.slice(0, -2)}`, "cut"],
    [`before=${listCursor}00`, "extended"],
    [`before=${Buffer.from("1l.12.c_'; --").toString("hex")}`, "a forged id"],
    [`before=${"0".repeat(10_000)}`, "10 KB"],
    [`${q(w)}&before=${listCursor}`, "the list's cursor in a search"],
    [`before=${searchCursor}`, "a search's cursor in the list"],
  ]) {
    const res = await list(query);
    assert.equal(res.status, 400, why);
    assert.equal(res.body.error.code, "invalid_cursor", why);
  }
});

test("an erased contact's words leave the index with it", async () => {
  const w = unique("gone");
  const id = await ticket({ body: `Please forget ${w}` });
  const contact = (await call("GET", `/api/conversations/${id}`, { token: KEY })).body.conversation.contact_id;
  assert.deepEqual(await found(q(w)), [id]);
  const erased = await call("DELETE", `/api/contacts/${contact}`, { token: KEY });
  assert.equal(erased.status, 200);
  assert.equal(erased.body.erased.messages, 1, "the index's own writes are not counted as messages");
  assert.deepEqual(await found(q(w)), []);
  const left = await sql(`SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH '"${w}"'`);
  assert.equal(left[0].n, 0);
});

test("migration 0013 indexes the messages written before it", async () => {
  const root = new URL("..", import.meta.url).pathname;
  const dir = mkdtempSync(join(tmpdir(), "parley-0013-"));
  try {
    const files = readdirSync(join(root, "migrations")).filter((f) => /^\d{4}_.*\.sql$/.test(f)).sort();
    const before = files.filter((f) => Number(f.slice(0, 4)) < 13);
    writeFileSync(join(dir, "before.sql"), before.map((f) => readFileSync(join(root, "migrations", f), "utf8")).join("\n"));
    writeFileSync(join(dir, "data.sql"), `INSERT INTO accounts (id, name, created_at) VALUES ('a1', 'A', 0);
      INSERT INTO sites (id, account_id, name, created_at) VALUES ('s1', 'a1', 'S', 0);
      INSERT INTO conversations (id, site_id, channel, started_at, last_message_at) VALUES ('c1', 's1', 'email', 0, 0);
      INSERT INTO messages (id, conversation_id, site_id, direction, author, body, email_subject, created_at)
        VALUES ('m1', 'c1', 's1', 'inbound', 'contact', 'Where is parcel 4242?', 'Lost teapot', 0);`);
    const d1 = (file) => promisify(execFile)("node_modules/.bin/wrangler", ["d1", "execute", "DB", "--local", "--persist-to", join(dir, "state"), "--json", "--file", file],
      { cwd: root, env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" }, maxBuffer: 16 * 1024 * 1024 });
    await d1(join(dir, "before.sql"));
    await d1(join(dir, "data.sql"));
    await d1(join(root, "migrations", files.find((f) => f.startsWith("0013_"))));
    writeFileSync(join(dir, "check.sql"), `SELECT (SELECT group_concat(rowid) FROM messages_fts WHERE messages_fts MATCH '"parcel" "4242"') AS body,
      (SELECT group_concat(rowid) FROM messages_fts WHERE messages_fts MATCH 'teapot') AS subject,
      (SELECT account_id FROM conversations WHERE id = 'c1') AS account;`);
    const out = JSON.parse((await d1(join(dir, "check.sql"))).stdout);
    assert.deepEqual(out.at(-1).results, [{ body: "1", subject: "1", account: "a1" }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("filtered by labels, the list's page query walks migration 0020's index of the first label in order, the others by key", async () => {
  // The shape of store/list.rs's `conversations` with labels=…: rows come from the first label's links.
  const label = (id) => `AND EXISTS (SELECT 1 FROM conversation_labels k WHERE k.conversation_id = c.id AND k.label_id = '${id}')`;
  const filters = ["", "AND c.status = 'open'", "AND c.assignee_id IS NULL", `AND c.channel = 'chat' ${label("lb_b")}`, `${label("lb_b")} ${label("lb_c")}`];
  const cases = filters.flatMap((where) => ["IS NULL", "IS NOT NULL"].flatMap((spam) =>
    ["", "AND (l.last_message_at, l.conversation_id) < (1763000000000, 'c_x')"].map((cursor) => ({
      label: `spam_at ${spam} ${where} ${cursor}`,
      sql: `EXPLAIN QUERY PLAN SELECT c.id FROM conversation_labels l CROSS JOIN conversations c ON c.id = l.conversation_id
        WHERE c.account_id = 'a_demo' AND l.label_id = 'lb_a' AND c.spam_at ${spam} ${where} ${cursor}
        ORDER BY l.last_message_at DESC, l.conversation_id DESC LIMIT 100`,
    }))));
  const { stdout } = await promisify(execFile)("node_modules/.bin/wrangler",
    ["d1", "execute", "DB", "--local", "--persist-to", process.env.PARLEY_STATE, "--json", "--command", cases.map((c) => c.sql).join(";\n")],
    { env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" }, maxBuffer: 16 * 1024 * 1024 });
  const plans = JSON.parse(stdout).map((r) => r.results.map((row) => row.detail));
  assert.equal(plans.length, cases.length);
  cases.forEach(({ label: name }, i) => {
    const plan = plans[i];
    assert.ok(plan.some((d) => /^SEARCH l USING (COVERING )?INDEX conversation_labels_list \(label_id=\?/.test(d)), `${name}: ${plan}`);
    assert.ok(plan.some((d) => /^SEARCH c USING INDEX sqlite_autoindex_conversations_1 \(id=\?\)/.test(d)), `${name}: ${plan}`);
    assert.ok(!plan.some((d) => /^SCAN|TEMP B-TREE/.test(d)), `${name}: ${plan}`);
    // Each further label is one lookup by the link's key, never a walk of the links.
    if (name.includes("lb_b")) assert.ok(plan.some((d) => /SEARCH k USING PRIMARY KEY \(conversation_id=\? AND label_id=\?\)/.test(d)), `${name}: ${plan}`);
  });
});

test("the list's page query walks one of migration 0013's (or 0021's) indexes in order, for every filter the inbox offers, and the snooze alarm's queries use 0021's", async () => {
  // The shape of store/list.rs's `conversations` (its columns left out): a filter is written only when given.
  const filters = {
    "": "conversations_inbox",
    "AND c.status = 'open'": "conversations_inbox_status",
    "AND c.assignee_id = 'ag_fixture_agent'": "conversations_inbox_assignee",
    "AND c.assignee_id IS NULL": "conversations_inbox_assignee",
    "AND c.channel = 'chat' AND c.status = 'closed'": "conversations_inbox_status",
    // Teams (migration 0023): one team, no team, and "my teams" (read through the agent's memberships while
    // the list walks its usual index: the `+` keeps SQLite off several ranges of the team index, which would sort).
    "AND c.team_id = 'tm_x'": "conversations_inbox_team",
    "AND c.team_id IS NULL": "conversations_inbox_team",
    "AND +c.team_id IN (SELECT m.team_id FROM team_members m WHERE m.agent_id = 'ag_fixture_agent')": "conversations_inbox",
    "AND c.assignee_id IS NULL AND +c.team_id IN (SELECT m.team_id FROM team_members m WHERE m.agent_id = 'ag_fixture_agent')": "conversations_inbox_assignee",
  };
  const cases = Object.entries(filters).flatMap(([where, index]) => ["IS NULL", "IS NOT NULL"].flatMap((spam) =>
    ["", "AND (c.last_message_at, c.id) < (1763000000000, 'c_x')"].map((cursor) => ({
      label: `spam_at ${spam} ${where} ${cursor}`,
      expected: spam === "IS NULL" ? index : "conversations_spam",
      sql: `EXPLAIN QUERY PLAN SELECT c.id FROM conversations c WHERE c.account_id = 'a_demo' AND c.spam_at ${spam} AND c.snoozed_at IS NULL ${where} ${cursor}
        ORDER BY c.last_message_at DESC, c.id DESC LIMIT 100`,
    }))));
  // The "Snoozed" list (migration 0021): its own index, alone or with a cursor or a channel; with an
  // assignee SQLite may walk the assignee's index instead, in the same order (no sort either way).
  for (const [where, expected] of [["", "conversations_snoozed"], ["AND (c.last_message_at, c.id) < (1763000000000, 'c_x')", "conversations_snoozed"],
    ["AND c.channel = 'email'", "conversations_snoozed"], ["AND c.assignee_id IS NULL", "(?:conversations_snoozed|conversations_inbox_assignee)"]]) {
    cases.push({
      label: `snoozed ${where}`,
      expected,
      sql: `EXPLAIN QUERY PLAN SELECT c.id FROM conversations c WHERE c.account_id = 'a_demo' AND c.spam_at IS NULL AND c.snoozed_at IS NOT NULL ${where}
        ORDER BY c.last_message_at DESC, c.id DESC LIMIT 100`,
    });
  }
  // The snooze alarm's wake and next-time queries (store/snooze.rs), on migration 0021's index.
  for (const sql of ["SELECT id FROM conversations WHERE account_id = 'a_demo' AND wake_at IS NOT NULL AND wake_at <= 1763000000000",
    "SELECT MIN(wake_at) AS at FROM conversations WHERE account_id = 'a_demo' AND wake_at IS NOT NULL"]) {
    cases.push({ label: sql, expected: "conversations_wake", sql: `EXPLAIN QUERY PLAN ${sql}`, table: "conversations" });
  }
  // The cron's backstop (store/snooze.rs `accounts_overdue`): one pass over
  // the accounts, each a lookup in the same index; never a walk of conversations.
  const overdue = `SELECT a.id FROM accounts a WHERE EXISTS (SELECT 1 FROM conversations c
    WHERE c.account_id = a.id AND c.wake_at IS NOT NULL AND c.wake_at <= 1763000000000)`;
  cases.push({ label: overdue, expected: "conversations_wake", sql: `EXPLAIN QUERY PLAN ${overdue}`, scans: /^SCAN a\b/ });
  // One wrangler call for every plan.
  const { stdout } = await promisify(execFile)("node_modules/.bin/wrangler",
    ["d1", "execute", "DB", "--local", "--persist-to", process.env.PARLEY_STATE, "--json", "--command", cases.map((c) => c.sql).join(";\n")],
    { env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" }, maxBuffer: 16 * 1024 * 1024 });
  const plans = JSON.parse(stdout).map((r) => r.results.map((row) => row.detail));
  assert.equal(plans.length, cases.length);
  cases.forEach(({ label, expected, table, scans }, i) => {
    const plan = plans[i];
    const walk = new RegExp(`^SEARCH ${table ?? "c"} USING (COVERING )?INDEX ${expected} \\(account_id=\\?`);
    assert.ok(plan.some((d) => walk.test(d)), `${label}: ${plan}`);
    assert.ok(!plan.some((d) => /^SCAN|TEMP B-TREE/.test(d) && !scans?.test(d)), `${label}: ${plan}`);
  });
});

test("a conversation's waiting time (store/conversations.rs) walks its messages by index, never the table", async () => {
  // The shape of store/conversations.rs's waiting_since, for one conversation.
  const sqlText = `EXPLAIN QUERY PLAN SELECT (SELECT MIN(w.created_at) FROM messages w WHERE w.conversation_id = c.id AND w.direction = 'inbound'
      AND w.created_at > COALESCE((SELECT r.created_at FROM messages r WHERE r.conversation_id = c.id AND r.author = 'agent'
        ORDER BY r.created_at DESC LIMIT 1), -1)) AS waiting_since FROM conversations c WHERE c.account_id = 'a_demo' AND c.id = 'c_x'`;
  const { stdout } = await promisify(execFile)("node_modules/.bin/wrangler",
    ["d1", "execute", "DB", "--local", "--persist-to", process.env.PARLEY_STATE, "--json", "--command", sqlText],
    { env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" }, maxBuffer: 16 * 1024 * 1024 });
  const plan = JSON.parse(stdout)[0].results.map((row) => row.detail);
  assert.ok(plan.some((d) => /^SEARCH w USING INDEX messages_by_conversation \(conversation_id=\? AND created_at>\?\)/.test(d)), `${plan}`);
  assert.ok(plan.some((d) => /^SEARCH r USING INDEX messages_by_conversation \(conversation_id=\?\)/.test(d)), `${plan}`);
  assert.ok(!plan.some((d) => /^SCAN|TEMP B-TREE/.test(d)), `${plan}`);
});

test("a rule's assignment (store/teams.rs) reads the rule, the team's members in turn order and each one's open count by index: no scan, no sort", async () => {
  // The shape of `assign_by_rule`'s statements.
  const statements = [
    `UPDATE conversations SET team_id = (SELECT r.team_id FROM assignment_rules r WHERE r.site_id = conversations.site_id AND r.channel = conversations.channel),
       assignee_id = (SELECT m.agent_id FROM assignment_rules r JOIN team_members m ON m.team_id = r.team_id JOIN agents a ON a.id = m.agent_id
         WHERE r.site_id = conversations.site_id AND r.channel = conversations.channel AND a.removed_at IS NULL AND a.away = 0 AND a.live_tabs > 0
           AND (a.capacity IS NULL OR a.capacity > (SELECT COUNT(*) FROM conversations o WHERE o.assignee_id = a.id AND o.status = 'open'))
         ORDER BY m.turn, m.added_at, m.agent_id LIMIT 1)
     WHERE id = 'c_x' AND team_id IS NULL AND assignee_id IS NULL
       AND EXISTS (SELECT 1 FROM assignment_rules r WHERE r.site_id = conversations.site_id AND r.channel = conversations.channel)`,
    `UPDATE team_members SET turn = (SELECT MAX(t.turn) + 1 FROM team_members t WHERE t.team_id = team_members.team_id)
     WHERE (team_id, agent_id) = (SELECT team_id, assignee_id FROM conversations WHERE id = 'c_x')`,
  ];
  const { stdout } = await promisify(execFile)("node_modules/.bin/wrangler",
    ["d1", "execute", "DB", "--local", "--persist-to", process.env.PARLEY_STATE, "--json", "--command", statements.map((s) => `EXPLAIN QUERY PLAN ${s}`).join(";\n")],
    { env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" }, maxBuffer: 16 * 1024 * 1024 });
  const [assign, turn] = JSON.parse(stdout).map((r) => r.results.map((row) => row.detail));
  for (const plan of [assign, turn]) assert.ok(!plan.some((d) => /^SCAN|TEMP B-TREE/.test(d)), `${plan}`);
  for (const walk of [/SEARCH m USING (COVERING )?INDEX team_members_turn \(team_id=\?\)/, /SEARCH o USING (COVERING )?INDEX conversations_open_by_assignee \(assignee_id=\?\)/,
    /SEARCH r USING INDEX sqlite_autoindex_assignment_rules_2 \(site_id=\? AND channel=\?\)/]) {
    assert.ok(assign.some((d) => walk.test(d)), `${walk}: ${assign}`);
  }
});
