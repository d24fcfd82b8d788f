-- Files both ways (issue 14). An attachment's bytes are kept in R2 (bucket
-- FILES) under files/{site}/{sha256}: one object per site and content, so a
-- redelivered mail or a retried upload stores nothing twice. Files listed
-- before this migration keep r2_key NULL (their bytes stay in the original).
ALTER TABLE attachments ADD COLUMN r2_key TEXT;
-- What the bytes are (shared::files::FileType, as its MIME type); the file is
-- served as this, never as the declared content_type.
ALTER TABLE attachments ADD COLUMN sniffed_type TEXT;
ALTER TABLE attachments ADD COLUMN sha256 TEXT;
-- Erasing a contact deletes an object only when no other attachment shares it.
CREATE INDEX attachments_by_key ON attachments(r2_key) WHERE r2_key IS NOT NULL;

-- Whether the site's widget lets visitors send files (the primary admin's choice).
ALTER TABLE sites ADD COLUMN files_enabled INTEGER NOT NULL DEFAULT 1 CHECK (files_enabled IN (0, 1));
