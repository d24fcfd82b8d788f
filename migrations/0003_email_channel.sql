-- Email channel, second pass.
-- A subdomain belongs to one channel: reply addresses (reply+…@{subdomain}.…)
-- then name their channel by the subdomain alone.
DROP INDEX email_channels_address;
CREATE UNIQUE INDEX email_channels_subdomain ON email_channels(subdomain) WHERE subdomain IS NOT NULL;

-- The contact who wrote an inbound email (a CC'd colleague may answer in a thread).
ALTER TABLE messages ADD COLUMN contact_id TEXT REFERENCES contacts(id);

-- Idempotency for messages posted without a visitor (form submissions):
-- the poster's submission id, unique per site.
CREATE UNIQUE INDEX messages_submission_id ON messages(site_id, client_message_id)
  WHERE visitor_id IS NULL AND client_message_id IS NOT NULL;
