-- Saved replies and chat transcripts by email (issue 14).

-- The team's canned answers, per account: any agent of the account may add,
-- edit and delete them. The shortcut (shared::saved_reply::validate_shortcut:
-- lower-case, 1 to 32 characters) is unique per account; the body keeps its
-- {contact.first_name|there} placeholders as written and is filled in per
-- conversation when used.
CREATE TABLE saved_replies (
  id          TEXT PRIMARY KEY,
  account_id  TEXT NOT NULL REFERENCES accounts(id),
  shortcut    TEXT NOT NULL,
  title       TEXT NOT NULL,
  body        TEXT NOT NULL,
  created_by  TEXT REFERENCES agents(id),
  updated_by  TEXT REFERENCES agents(id),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX saved_replies_shortcut ON saved_replies(account_id, shortcut);

-- A chat's transcript emailed to its contact, one row per request key: the
-- request that inserts the row (or takes over a failed one) is the only one
-- that sends, so a retried request never sends twice. Erasing a contact
-- (GDPR) deletes its conversations, and their transcripts with them.
CREATE TABLE transcripts (
  id                TEXT PRIMARY KEY,
  conversation_id   TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  idempotency_key   TEXT NOT NULL,
  agent_id          TEXT NOT NULL REFERENCES agents(id),
  to_address        TEXT NOT NULL,
  status            TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed')),
  email_message_id  TEXT,
  error             TEXT,
  created_at        INTEGER NOT NULL,
  sent_at           INTEGER
);
CREATE UNIQUE INDEX transcripts_key ON transcripts(conversation_id, idempotency_key);
