-- The Form step per visitor: which contact details this browser has given
-- (via the form or identify), and whether it already answered the form.
ALTER TABLE visitors ADD COLUMN provided_fields TEXT NOT NULL DEFAULT '';  -- comma-separated FormField names
ALTER TABLE visitors ADD COLUMN form_submitted_at INTEGER;
