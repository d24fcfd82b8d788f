-- The default subject of follow-up emails has one source: this column default.
-- (0001 declared an older one and 0004 rewrote the rows; SQLite cannot change
-- a column default in place, so the table is rebuilt with the current one.)
-- Set-up and the demo seed insert channels without a subject and get this.
CREATE TABLE email_channels_next (
  site_id              TEXT PRIMARY KEY REFERENCES sites(id),
  enabled              INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  username             TEXT,              -- immutable once set
  subdomain            TEXT,              -- immutable once set
  default_subject      TEXT NOT NULL DEFAULT 'Following up on our chat · {Start_Date}',
  from_name            TEXT NOT NULL DEFAULT '{Agent_Name}',
  max_message_bytes    INTEGER NOT NULL DEFAULT 26214400,
  created_at           INTEGER NOT NULL
);
INSERT INTO email_channels_next (site_id, enabled, username, subdomain, default_subject, from_name, max_message_bytes, created_at)
  SELECT site_id, enabled, username, subdomain, default_subject, from_name, max_message_bytes, created_at FROM email_channels;
DROP TABLE email_channels;
ALTER TABLE email_channels_next RENAME TO email_channels;
CREATE UNIQUE INDEX email_channels_subdomain ON email_channels(subdomain) WHERE subdomain IS NOT NULL;
