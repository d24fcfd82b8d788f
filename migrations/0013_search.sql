-- Search and paging (issue 14): full-text search over what was written in a
-- conversation, and a conversation list that pages fast at any depth.

-- Full text of every message (body and subject), with FTS5. The text stays
-- in `messages` (external content): the index holds only the words, keyed by
-- the message's rowid. Diacritics are folded (café finds cafe) and English
-- words stemmed (refunds finds refund).
CREATE VIRTUAL TABLE messages_fts USING fts5(
  body, email_subject,
  content = 'messages', content_rowid = 'rowid',
  tokenize = 'porter unicode61 remove_diacritics 2'
);

-- Existing messages are indexed here, once.
INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');

-- Every insert path (chat, mail, Messenger, tickets, agent replies) is
-- indexed by the statement that writes the message, in its own batch; an
-- erasure takes the words out with the message. (Should the index ever drift,
-- `INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')` rebuilds it.)
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
BEGIN
  INSERT INTO messages_fts(rowid, body, email_subject) VALUES (NEW.rowid, NEW.body, NEW.email_subject);
END;

CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, body, email_subject) VALUES ('delete', OLD.rowid, OLD.body, OLD.email_subject);
END;

CREATE TRIGGER messages_fts_update AFTER UPDATE OF body, email_subject ON messages
BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, body, email_subject) VALUES ('delete', OLD.rowid, OLD.body, OLD.email_subject);
  INSERT INTO messages_fts(rowid, body, email_subject) VALUES (NEW.rowid, NEW.body, NEW.email_subject);
END;

-- The list pages within one account in one index walk, whatever the number
-- of its sites: the account is copied onto its conversations (by the trigger
-- below, so no insert path has to name it).
ALTER TABLE conversations ADD COLUMN account_id TEXT REFERENCES accounts(id);
UPDATE conversations SET account_id = (SELECT account_id FROM sites WHERE sites.id = conversations.site_id);

CREATE TRIGGER conversations_account AFTER INSERT ON conversations WHEN NEW.account_id IS NULL
BEGIN
  UPDATE conversations SET account_id = (SELECT account_id FROM sites WHERE id = NEW.site_id) WHERE rowid = NEW.rowid;
END;

-- The list's order is (last_message_at, id), newest first; spam is a list of
-- its own. Each filter the inbox offers by itself walks one of these in order
-- (no sort): everything, by status, by assignee (or unassigned), the spam.
CREATE INDEX conversations_inbox ON conversations(account_id, last_message_at DESC, id DESC) WHERE spam_at IS NULL;
CREATE INDEX conversations_inbox_status ON conversations(account_id, status, last_message_at DESC, id DESC) WHERE spam_at IS NULL;
CREATE INDEX conversations_inbox_assignee ON conversations(account_id, assignee_id, last_message_at DESC, id DESC) WHERE spam_at IS NULL;
CREATE INDEX conversations_spam ON conversations(account_id, last_message_at DESC, id DESC) WHERE spam_at IS NOT NULL;

-- A search also finds conversations by their person: the account's contacts,
-- and the visitors of its sites who stated an email, are read without a scan
-- of every conversation (or of every visitor).
CREATE INDEX contacts_by_account ON contacts(account_id);
CREATE INDEX visitors_claimed ON visitors(site_id) WHERE claimed_email IS NOT NULL;

-- Replaced: by the assignee index above (within the account, with the id),
-- and by conversations_by_site_page (the same columns and the id).
DROP INDEX conversations_by_assignee;
DROP INDEX conversations_by_site_activity;
