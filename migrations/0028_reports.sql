-- Reports (issue 23). The metrics are defined once in `shared::report`; the
-- worker keeps what they need up to date in the same D1 batch that stores
-- each event, so a report reads these aggregates and never scans messages.

-- A conversation's report facts (`shared::report::Facts`): durations in ms,
-- the `_business_ms` ones within the site's business hours (NULL when the
-- site keeps none). Set by the batch that stores the message or status
-- change they follow from, each guarded in SQL by the state it assumes.
ALTER TABLE conversations ADD COLUMN first_inbound_at INTEGER;
ALTER TABLE conversations ADD COLUMN first_response_at INTEGER;
ALTER TABLE conversations ADD COLUMN first_response_ms INTEGER;
ALTER TABLE conversations ADD COLUMN first_response_business_ms INTEGER;
-- The agent whose reply was the first response (the agent report's column).
ALTER TABLE conversations ADD COLUMN first_response_by TEXT;
ALTER TABLE conversations ADD COLUMN resolved_at INTEGER;
ALTER TABLE conversations ADD COLUMN resolution_ms INTEGER;
ALTER TABLE conversations ADD COLUMN resolution_business_ms INTEGER;
ALTER TABLE conversations ADD COLUMN replies_to_resolve INTEGER;
ALTER TABLE conversations ADD COLUMN messages_in INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN messages_out INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN resolves INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN reopens INTEGER NOT NULL DEFAULT 0;

-- Durations are read by when they ended, counts of conversations by when they started.
CREATE INDEX conversations_report_started ON conversations(account_id, started_at);
-- The two duration indexes carry what a report reads of each row and what it
-- filters by (covering: about a third less time at 100,000 conversations).
CREATE INDEX conversations_report_response ON conversations(account_id, first_response_at,
  first_response_ms, first_response_business_ms, first_response_by, channel, site_id, team_id, assignee_id)
  WHERE first_response_at IS NOT NULL;
CREATE INDEX conversations_report_resolved ON conversations(account_id, resolved_at,
  resolution_ms, resolution_business_ms, assignee_id, replies_to_resolve, channel, site_id, team_id)
  WHERE resolved_at IS NOT NULL;

-- Counts per quarter hour (`shared::report::SLOT_MS`), by what a report cuts
-- by: site, channel, the agent (the assignee when it happened; the author for
-- messages out; '' for nobody) and the team ('' for none). Each event adds to
-- its row with one upsert in its batch; a period sums the rows of its slots.
CREATE TABLE report_slots (
  account_id TEXT NOT NULL,
  slot INTEGER NOT NULL,
  site_id TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('chat', 'email', 'messenger')),
  agent_id TEXT NOT NULL DEFAULT '',
  team_id TEXT NOT NULL DEFAULT '',
  opened INTEGER NOT NULL DEFAULT 0,
  resolved INTEGER NOT NULL DEFAULT 0,
  reopened INTEGER NOT NULL DEFAULT 0,
  messages_in INTEGER NOT NULL DEFAULT 0,
  messages_out INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, slot, site_id, channel, agent_id, team_id)
) WITHOUT ROWID;

-- The account's time zone (IANA name): report days and hours are local to it.
ALTER TABLE accounts ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';

-- Backfill (issue 23): best-effort facts and slots for the conversations
-- stored before this migration, from their messages and trail, by the
-- definitions of `shared::report` with these approximations:
-- * A customer message is an inbound one by the visitor or contact without
--   the auto_reply, bulk or bounce flag; a message out is an agent's whose
--   delivery did not fail (the write path counts only replies that left).
-- * The first response is the earliest agent message strictly later (in ms)
--   than the first customer message (a reply in the same millisecond is not
--   one); business-hours durations are left NULL (hours in SQL are not kept).
-- * A closed conversation was resolved at its latest `closed` trail event,
--   else (closed before the trail existed, or by a merge) when it was merged,
--   else at its last message; resolves and reopens count the trail's events
--   (a closed conversation with none counts one resolve).
-- * Slots put everything but messages out on the conversation's assignee and
--   team as they are now (the write path uses them as they were then).
UPDATE conversations SET
  messages_in = (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = conversations.id
    AND m.direction = 'inbound' AND m.author IN ('visitor', 'contact')
    AND COALESCE(m.flags, '') NOT LIKE '%auto_reply%' AND COALESCE(m.flags, '') NOT LIKE '%bulk%'
      AND COALESCE(m.flags, '') NOT LIKE '%bounce%'),
  messages_out = (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = conversations.id
    AND m.author = 'agent' AND m.delivery_status IS NOT 'failed'),
  first_inbound_at = (SELECT MIN(m.created_at) FROM messages m WHERE m.conversation_id = conversations.id
    AND m.direction = 'inbound' AND m.author IN ('visitor', 'contact')
    AND COALESCE(m.flags, '') NOT LIKE '%auto_reply%' AND COALESCE(m.flags, '') NOT LIKE '%bulk%'
      AND COALESCE(m.flags, '') NOT LIKE '%bounce%'),
  resolves = (SELECT COUNT(*) FROM trail t WHERE t.conversation_id = conversations.id AND t.kind = 'closed'),
  reopens = (SELECT COUNT(*) FROM trail t WHERE t.conversation_id = conversations.id
    AND t.kind IN ('reopened', 'reopened_by_reply'));

UPDATE conversations SET
  first_response_at = (SELECT MIN(m.created_at) FROM messages m WHERE m.conversation_id = conversations.id
    AND m.author = 'agent' AND m.delivery_status IS NOT 'failed' AND m.created_at > conversations.first_inbound_at),
  resolves = CASE WHEN status = 'closed' AND resolves = 0 THEN 1 ELSE resolves END,
  resolved_at = CASE WHEN status = 'closed' THEN COALESCE(
    (SELECT MAX(t.created_at) FROM trail t WHERE t.conversation_id = conversations.id AND t.kind = 'closed'),
    merged_at, last_message_at) END
WHERE first_inbound_at IS NOT NULL OR status = 'closed';

UPDATE conversations SET
  first_response_ms = first_response_at - first_inbound_at,
  first_response_by = (SELECT m.agent_id FROM messages m WHERE m.conversation_id = conversations.id
    AND m.author = 'agent' AND m.created_at = conversations.first_response_at ORDER BY m.rowid LIMIT 1)
WHERE first_response_at IS NOT NULL;

UPDATE conversations SET
  resolution_ms = MAX(resolved_at - started_at, 0),
  replies_to_resolve = (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = conversations.id
    AND m.author = 'agent' AND m.delivery_status IS NOT 'failed' AND m.created_at <= conversations.resolved_at)
WHERE resolved_at IS NOT NULL;

-- Slots: conversations opened (by their start), messages in and out (by
-- when they were stored), resolves and reopens (by their trail events, or
-- the resolve the facts above assumed).
INSERT INTO report_slots (account_id, slot, site_id, channel, agent_id, team_id, opened)
SELECT c.account_id, c.started_at - c.started_at % 900000, c.site_id, c.channel,
  COALESCE(c.assignee_id, ''), COALESCE(c.team_id, ''), COUNT(*)
FROM conversations c WHERE c.account_id IS NOT NULL AND c.merged_into IS NULL
GROUP BY 1, 2, 3, 4, 5, 6
ON CONFLICT (account_id, slot, site_id, channel, agent_id, team_id) DO UPDATE SET opened = opened + excluded.opened;

INSERT INTO report_slots (account_id, slot, site_id, channel, agent_id, team_id, messages_in)
SELECT c.account_id, m.created_at - m.created_at % 900000, c.site_id, c.channel,
  COALESCE(c.assignee_id, ''), COALESCE(c.team_id, ''), COUNT(*)
FROM messages m JOIN conversations c ON c.id = m.conversation_id
WHERE c.account_id IS NOT NULL AND m.direction = 'inbound' AND m.author IN ('visitor', 'contact')
  AND COALESCE(m.flags, '') NOT LIKE '%auto_reply%' AND COALESCE(m.flags, '') NOT LIKE '%bulk%'
      AND COALESCE(m.flags, '') NOT LIKE '%bounce%'
GROUP BY 1, 2, 3, 4, 5, 6
ON CONFLICT (account_id, slot, site_id, channel, agent_id, team_id) DO UPDATE SET messages_in = messages_in + excluded.messages_in;

INSERT INTO report_slots (account_id, slot, site_id, channel, agent_id, team_id, messages_out)
SELECT c.account_id, m.created_at - m.created_at % 900000, c.site_id, c.channel,
  COALESCE(m.agent_id, ''), COALESCE(c.team_id, ''), COUNT(*)
FROM messages m JOIN conversations c ON c.id = m.conversation_id
WHERE c.account_id IS NOT NULL AND m.author = 'agent' AND m.delivery_status IS NOT 'failed'
GROUP BY 1, 2, 3, 4, 5, 6
ON CONFLICT (account_id, slot, site_id, channel, agent_id, team_id) DO UPDATE SET messages_out = messages_out + excluded.messages_out;

INSERT INTO report_slots (account_id, slot, site_id, channel, agent_id, team_id, resolved, reopened)
SELECT c.account_id, t.created_at - t.created_at % 900000, c.site_id, c.channel,
  COALESCE(c.assignee_id, ''), COALESCE(c.team_id, ''),
  SUM(t.kind = 'closed'), SUM(t.kind IN ('reopened', 'reopened_by_reply'))
FROM trail t JOIN conversations c ON c.id = t.conversation_id
WHERE c.account_id IS NOT NULL AND t.kind IN ('closed', 'reopened', 'reopened_by_reply')
GROUP BY 1, 2, 3, 4, 5, 6
ON CONFLICT (account_id, slot, site_id, channel, agent_id, team_id) DO UPDATE SET
  resolved = resolved + excluded.resolved, reopened = reopened + excluded.reopened;

INSERT INTO report_slots (account_id, slot, site_id, channel, agent_id, team_id, resolved)
SELECT c.account_id, c.resolved_at - c.resolved_at % 900000, c.site_id, c.channel,
  COALESCE(c.assignee_id, ''), COALESCE(c.team_id, ''), COUNT(*)
FROM conversations c
WHERE c.account_id IS NOT NULL AND c.resolved_at IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM trail t WHERE t.conversation_id = c.id AND t.kind = 'closed')
GROUP BY 1, 2, 3, 4, 5, 6
ON CONFLICT (account_id, slot, site_id, channel, agent_id, team_id) DO UPDATE SET resolved = resolved + excluded.resolved;
