-- Snooze (issue 22): an agent parks an open conversation until a time or
-- until the customer replies. While snoozed it is out of the open list; the
-- account's inbox object (InboxHub) holds a Durable Object alarm for the
-- earliest wake time and wakes every conversation due in one statement.
--   snoozed_at: when it was snoozed (NULL: not snoozed)
--   wake_at:    when it wakes by itself (NULL while snoozed: at the customer's reply only)
--   woken_at:   when it last woke (by its time or a customer message); cleared by a new snooze or closing
ALTER TABLE conversations ADD COLUMN snoozed_at INTEGER;
ALTER TABLE conversations ADD COLUMN wake_at INTEGER;
ALTER TABLE conversations ADD COLUMN woken_at INTEGER;

-- The alarm's query: the account's conversations due, and its next wake time (MIN), without a scan.
CREATE INDEX conversations_wake ON conversations(account_id, wake_at) WHERE wake_at IS NOT NULL;
-- The "Snoozed" list, in the list's order, within the account.
CREATE INDEX conversations_snoozed ON conversations(account_id, last_message_at DESC, id DESC)
  WHERE snoozed_at IS NOT NULL AND spam_at IS NULL;
