-- Trust and abuse.

-- What a visitor said about themselves without a verified signature (the Form
-- step, or identify() without one). Recorded for the agents; it never changes
-- an existing contact and never grants history.
ALTER TABLE visitors ADD COLUMN claimed_email TEXT;
ALTER TABLE visitors ADD COLUMN claimed_phone TEXT;
ALTER TABLE visitors ADD COLUMN claimed_company TEXT;
ALTER TABLE visitors ADD COLUMN claimed_full_name TEXT;

-- An agent marked one of this visitor's conversations as spam: it may not
-- write again (until an agent takes the mark back).
ALTER TABLE visitors ADD COLUMN blocked_at INTEGER;

-- Spam is hidden from the default inbox list.
ALTER TABLE conversations ADD COLUMN spam_at INTEGER;

-- The inbox pages by (last_message_at, id) within the account's sites.
CREATE INDEX conversations_by_site_page ON conversations(site_id, last_message_at DESC, id DESC);
