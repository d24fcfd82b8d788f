-- Conversations with more than one person, as mail has them: the people an
-- email conversation copies (Cc), other than its contact and Parley's own
-- addresses. Inbound mail from a verified sender adds its Cc (at most 9 kept:
-- with the contact, 10 recipients); an email sent from the inbox replaces the
-- list with the Cc it went to. Erasing a conversation erases its list.
CREATE TABLE conversation_cc (
  conversation_id  TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  address          TEXT NOT NULL,   -- normalized (lower-case)
  name             TEXT,            -- as the mail named them
  position         INTEGER NOT NULL, -- order kept (ms of arrival, then place in the header)
  PRIMARY KEY (conversation_id, address)
);

-- Signatures of outgoing mail (email replies and transcripts; never chat or
-- Messenger): each agent's own, and each site's default set by the primary
-- admin. The agent's wins when set.
ALTER TABLE agents ADD COLUMN email_signature TEXT;
ALTER TABLE email_channels ADD COLUMN signature TEXT;
