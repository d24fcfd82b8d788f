-- Contact attributes (issue 22): the account's own contact fields, defined by
-- the primary admin (shared::attribute holds their rules), and each
-- contact's values, set by agents and by signed identify() calls.

CREATE TABLE attributes (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  -- As the API and identify() name it: lower-case letters, digits, _.
  key TEXT NOT NULL,
  -- As the inbox shows it.
  name TEXT NOT NULL,
  -- text | number | date | boolean | list (shared::attribute::AttributeKind).
  kind TEXT NOT NULL,
  -- A list attribute's options, a JSON array of strings ('[]' otherwise).
  options TEXT NOT NULL DEFAULT '[]',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (account_id, key)
);

-- A contact's values, one row per attribute it has a value for; the value
-- is canonical JSON text (a number, true/false, or a string).
CREATE TABLE contact_attribute_values (
  contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  attribute_id TEXT NOT NULL REFERENCES attributes(id) ON DELETE CASCADE,
  value TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (contact_id, attribute_id)
) WITHOUT ROWID;

-- Deleting an attribute removes its values without a scan.
CREATE INDEX contact_attribute_values_by_attribute ON contact_attribute_values(attribute_id);
