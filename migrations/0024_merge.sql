-- Merging (issue 22): an agent merges a conversation into another of the same
-- contact, and a contact into a duplicate. Nothing is deleted: the merged-away
-- row stays, pointing at its survivor, so its id keeps answering (the API
-- answers the survivor), and mail threaded by its reply address, a widget of
-- its visitor and a Messenger person's next message land in the survivor.
-- A merge is one D1 batch; its first statement decides it by compare-and-set
-- (`merged_into IS NULL` on both sides), writing `merge_id`, which gates every
-- other statement of that batch: a retry or a concurrent merge changes nothing
-- more. Chains never form: merging X into Y re-points whatever was merged into X.
-- No foreign keys on these columns: an erasure deletes merged-away rows with
-- their survivor's, in any order.

--   merged_into: the survivor (NULL while the conversation is its own)
--   merged_at:   when, ms
--   merge_id:    the merge's trail event (the survivor's `merged` event)
ALTER TABLE conversations ADD COLUMN merged_into TEXT;
ALTER TABLE conversations ADD COLUMN merged_at INTEGER;
ALTER TABLE conversations ADD COLUMN merge_id TEXT;
-- "What was merged into Y" (re-pointing chains, the survivor's history), without a scan.
CREATE INDEX conversations_merged_into ON conversations(merged_into) WHERE merged_into IS NOT NULL;

-- A moved message remembers the conversation it was written in (its first
-- one, across merges): an unverified visitor sees, in a survivor, only the
-- messages of its own conversations and its own new ones (a claim grants no
-- one else's history).
ALTER TABLE messages ADD COLUMN merged_from TEXT;

-- The same for contacts: the merged-away row keeps what the survivor could not
-- take (a second email address: lookups by email follow `merged_into`).
ALTER TABLE contacts ADD COLUMN merged_into TEXT;
ALTER TABLE contacts ADD COLUMN merged_at INTEGER;
ALTER TABLE contacts ADD COLUMN merge_id TEXT;
CREATE INDEX contacts_merged_into ON contacts(merged_into) WHERE merged_into IS NOT NULL;

-- A contact merge moves the messages a copied person wrote under their own
-- contact (migration 0018), and the mentions of a merged conversation move to
-- its survivor: both by index.
CREATE INDEX messages_by_contact ON messages(contact_id) WHERE contact_id IS NOT NULL;
CREATE INDEX mentions_by_conversation ON mentions(conversation_id);
-- The contact panel suggests duplicates: the account's contacts with the same phone.
CREATE INDEX contacts_by_phone ON contacts(account_id, phone) WHERE phone IS NOT NULL;
