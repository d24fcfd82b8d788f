-- Live conversations (issue 11): every message gets a sequence number within
-- its conversation, so a client that reconnects asks for what it missed
-- (`seq > last`) and shows nothing twice; agents get an online/away toggle.

ALTER TABLE messages ADD COLUMN seq INTEGER;

-- Existing messages are numbered in the order they were written (one pass).
UPDATE messages SET seq = numbered.n
  FROM (SELECT rowid AS r, ROW_NUMBER() OVER (PARTITION BY conversation_id ORDER BY created_at, rowid) AS n FROM messages) AS numbered
 WHERE messages.rowid = numbered.r;

CREATE UNIQUE INDEX messages_by_seq ON messages(conversation_id, seq);

-- Every insert path (chat, agent replies, inbound and sent mail, tickets) is
-- numbered here, once: the next number of the message's conversation. D1 runs
-- a statement (and a batch) as one transaction, so two messages never share one.
CREATE TRIGGER messages_number AFTER INSERT ON messages WHEN NEW.seq IS NULL
BEGIN
  UPDATE messages
     SET seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE conversation_id = NEW.conversation_id)
   WHERE id = NEW.id;
END;

-- 1 while the agent set themselves away: an open inbox then does not count as online.
ALTER TABLE agents ADD COLUMN away INTEGER NOT NULL DEFAULT 0 CHECK (away IN (0, 1));
