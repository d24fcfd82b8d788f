-- Satisfaction ratings (issue 23, shared::csat). Per site, off by default:
-- a site that asks has resolved conversations ask their visitor (the widget)
-- or contact (a link in the resolution email) for a score of 1 to 5 and an
-- optional comment, given or changed for 7 days after the ask.
ALTER TABLE sites ADD COLUMN csat_enabled INTEGER NOT NULL DEFAULT 0 CHECK (csat_enabled IN (0, 1));

-- One row per conversation asked (its first resolve on a site with ratings
-- on); the score arrives later. Rating and changing it are one UPDATE
-- guarded by the window (`asked_at > now - 7 days`): a compare-and-set.
-- `first_write` is the write that gave the first score (a random id), so
-- of two racing first ratings exactly one is told it created the rating.
-- account, site, channel, agent and team are copied from the conversation
-- when it was asked, so the report reads this table alone.
CREATE TABLE conversation_ratings (
  conversation_id TEXT PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
  account_id      TEXT NOT NULL,
  site_id         TEXT NOT NULL,
  channel         TEXT NOT NULL CHECK (channel IN ('chat', 'email', 'messenger')),
  agent_id        TEXT,
  team_id         TEXT,
  asked_at        INTEGER NOT NULL,
  score           INTEGER CHECK (score BETWEEN 1 AND 5),
  comment         TEXT,
  source          TEXT CHECK (source IN ('widget', 'email')),
  rated_at        INTEGER,
  last_write      TEXT,
  first_write     TEXT
) WITHOUT ROWID;
CREATE INDEX conversation_ratings_asked ON conversation_ratings(account_id, asked_at);

-- `conversation.rated` joins the automation events: SQLite cannot change a
-- CHECK, so the deliveries' table is rebuilt with the new list (rows kept).
CREATE TABLE automation_deliveries_new (
  id              TEXT PRIMARY KEY,
  automation_id   TEXT NOT NULL REFERENCES automations(id) ON DELETE CASCADE,
  event_id        TEXT NOT NULL,
  event           TEXT NOT NULL CHECK (event IN ('contact.created', 'contact.entered_automation',
                                                 'conversation.created', 'message.created',
                                                 'conversation.rated', 'test')),
  payload         TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_status     INTEGER,
  last_error      TEXT,
  last_attempt_at INTEGER,
  created_at      INTEGER NOT NULL
);
INSERT INTO automation_deliveries_new SELECT id, automation_id, event_id, event, payload, status,
  attempts, last_status, last_error, last_attempt_at, created_at FROM automation_deliveries;
DROP TABLE automation_deliveries;
ALTER TABLE automation_deliveries_new RENAME TO automation_deliveries;
CREATE INDEX automation_deliveries_log ON automation_deliveries(automation_id, created_at);
