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
CREATE INDEX conversations_report_response ON conversations(account_id, first_response_at)
  WHERE first_response_at IS NOT NULL;
CREATE INDEX conversations_report_resolved ON conversations(account_id, resolved_at)
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
