-- Unproven values look unproven. A contact's phone, company or full name that
-- a visitor stated without proof (the Form step or an unsigned identify that
-- created the contact) stays marked as stated until a verified source replaces
-- it: a verified identify, the sender name of mail that passes the sender
-- check, or an agent's click to add.
ALTER TABLE contacts ADD COLUMN phone_stated INTEGER NOT NULL DEFAULT 0 CHECK (phone_stated IN (0, 1));
ALTER TABLE contacts ADD COLUMN company_stated INTEGER NOT NULL DEFAULT 0 CHECK (company_stated IN (0, 1));
ALTER TABLE contacts ADD COLUMN full_name_stated INTEGER NOT NULL DEFAULT 0 CHECK (full_name_stated IN (0, 1));

-- Contacts made from the widget before this migration, with no browser
-- verified for them: their fields came from a visitor's claim (a claim never
-- filled an existing contact, and verified or agent fills need a verified
-- browser or an agent's contact).
UPDATE contacts SET
  phone_stated = phone IS NOT NULL,
  company_stated = company IS NOT NULL,
  full_name_stated = full_name IS NOT NULL
WHERE source = 'chat'
  AND NOT EXISTS (SELECT 1 FROM visitors v WHERE v.contact_id = contacts.id AND v.contact_verified = 1);
