-- Labels (issue 22): the account's tags (name and colour), put on
-- conversations and contacts by agents; the inbox's list filters by them.

CREATE TABLE labels (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  -- Unique in the account, any case (ASCII).
  name TEXT NOT NULL COLLATE NOCASE,
  -- #rrggbb, lower case; the chip's text colour follows from it (shared::label).
  colour TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (account_id, name)
);

-- A conversation's labels. The list's order (last_message_at, id) is copied
-- here (and kept by the trigger below), so the list filtered by a label walks
-- this index in order within that label, as the unfiltered list walks
-- migration 0013's: no sort, no scan, the same cost at any depth.
CREATE TABLE conversation_labels (
  conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  label_id TEXT NOT NULL REFERENCES labels(id) ON DELETE CASCADE,
  last_message_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, label_id)
) WITHOUT ROWID;

CREATE INDEX conversation_labels_list ON conversation_labels(label_id, last_message_at DESC, conversation_id DESC);

CREATE TRIGGER conversation_labels_activity AFTER UPDATE OF last_message_at ON conversations
BEGIN
  UPDATE conversation_labels SET last_message_at = NEW.last_message_at WHERE conversation_id = NEW.id;
END;

-- A contact's labels.
CREATE TABLE contact_labels (
  contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  label_id TEXT NOT NULL REFERENCES labels(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (contact_id, label_id)
) WITHOUT ROWID;

CREATE INDEX contact_labels_by_label ON contact_labels(label_id);
