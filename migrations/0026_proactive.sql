-- Proactive messages (issue 26): a site's messages the widget shows, unasked,
-- as a bubble over the launcher on the pages they target (shared::proactive).
-- Showing one writes nothing: only a visitor's reply is recorded, and counted.

CREATE TABLE proactive_messages (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites(id),
  body TEXT NOT NULL,
  -- A pattern with * wildcards: from / against the page's path, else against its whole address.
  url_pattern TEXT NOT NULL,
  delay_seconds INTEGER NOT NULL CHECK (delay_seconds BETWEEN 0 AND 3600),
  audience TEXT NOT NULL CHECK (audience IN ('all', 'new', 'returning')),
  language TEXT NOT NULL CHECK (language IN ('any', 'en', 'fr')),
  frequency TEXT NOT NULL CHECK (frequency IN ('page', 'day', 'once')),
  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  -- Replies to it (each reply once), and those that started a conversation.
  replied INTEGER NOT NULL DEFAULT 0,
  started INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE INDEX proactive_by_site ON proactive_messages(site_id, created_at, id);

-- A visitor with the cookie opened the chat from a bubble: their next reply
-- (within shared::proactive::OPEN_TTL_MS) carries the message. One per visitor.
CREATE TABLE proactive_opens (
  visitor_id TEXT PRIMARY KEY REFERENCES visitors(id) ON DELETE CASCADE,
  message_id TEXT NOT NULL REFERENCES proactive_messages(id) ON DELETE CASCADE,
  opened_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Which reply a proactive message was attached to: one row per reply, so a
-- retried or raced send counts once. The bot line stored before the reply is
-- bot_message_id. Ids only (erasing the messages leaves no personal data here).
CREATE TABLE proactive_replies (
  reply_id TEXT PRIMARY KEY,
  message_id TEXT NOT NULL REFERENCES proactive_messages(id) ON DELETE CASCADE,
  bot_message_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  started INTEGER NOT NULL CHECK (started IN (0, 1)),
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
