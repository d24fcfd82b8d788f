-- Parley: the whole product's schema.
-- Times are integer milliseconds since the Unix epoch (UTC).
-- Ids are opaque text: a type prefix and 32 hex digits of randomness.
-- Enumerated values mirror the enums in shared/ (Channel, Status, Author, ...).

-- A customer of Parley: owns sites, agents and contacts.
CREATE TABLE accounts (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);

-- A website that embeds the widget; carries its widget and Form configuration.
CREATE TABLE sites (
  id                TEXT PRIMARY KEY,
  account_id        TEXT NOT NULL REFERENCES accounts(id),
  name              TEXT NOT NULL,
  greeting          TEXT NOT NULL DEFAULT 'Hi! How can we help?',
  color             TEXT NOT NULL DEFAULT '#2f6fed',
  position          TEXT NOT NULL DEFAULT 'right' CHECK (position IN ('left', 'right')),
  form_phone        TEXT NOT NULL DEFAULT 'hidden' CHECK (form_phone IN ('hidden', 'optional', 'required')),
  form_company      TEXT NOT NULL DEFAULT 'hidden' CHECK (form_company IN ('hidden', 'optional', 'required')),
  form_full_name    TEXT NOT NULL DEFAULT 'hidden' CHECK (form_full_name IN ('hidden', 'optional', 'required')),
  identity_mode     TEXT NOT NULL DEFAULT 'off' CHECK (identity_mode IN ('off', 'optional', 'required')),
  identity_secret   TEXT,
  created_at        INTEGER NOT NULL
);
CREATE INDEX sites_by_account ON sites(account_id);

-- Members of the support team. Exactly one primary admin per account.
CREATE TABLE agents (
  id                   TEXT PRIMARY KEY,
  account_id           TEXT NOT NULL REFERENCES accounts(id),
  email                TEXT NOT NULL,
  full_name            TEXT NOT NULL,
  role                 TEXT NOT NULL CHECK (role IN ('primary_admin', 'agent')),
  password_hash        TEXT,             -- PBKDF2-SHA256, hex
  password_salt        TEXT,             -- hex
  password_iterations  INTEGER,
  created_at           INTEGER NOT NULL,
  removed_at           INTEGER
);
CREATE UNIQUE INDEX agents_email ON agents(account_id, email);
CREATE UNIQUE INDEX agents_one_primary_admin ON agents(account_id) WHERE role = 'primary_admin';

-- Signed-in browser sessions of agents (cookie holds the token; only its hash is stored).
CREATE TABLE agent_sessions (
  token_hash  TEXT PRIMARY KEY,
  agent_id    TEXT NOT NULL REFERENCES agents(id),
  csrf_token  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
);
CREATE INDEX agent_sessions_by_agent ON agent_sessions(agent_id);

-- API keys for automations and form back-ends; each acts as one agent.
CREATE TABLE api_keys (
  token_hash    TEXT PRIMARY KEY,
  agent_id      TEXT NOT NULL REFERENCES agents(id),
  label         TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  last_used_at  INTEGER,
  revoked_at    INTEGER
);

-- People the team talks to. One contact per email address and account.
CREATE TABLE contacts (
  id                TEXT PRIMARY KEY,
  account_id        TEXT NOT NULL REFERENCES accounts(id),
  email             TEXT,              -- normalized: trimmed, lower-case
  name_from_email   TEXT,              -- display name seen in a From header
  phone             TEXT,              -- international form, e.g. +442071838750
  company           TEXT,              -- the Form step's "account" field
  full_name         TEXT,
  marketing_opt_in  INTEGER NOT NULL DEFAULT 0 CHECK (marketing_opt_in IN (0, 1)),
  source            TEXT NOT NULL CHECK (source IN ('chat', 'email', 'form', 'agent')),
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL
);
CREATE UNIQUE INDEX contacts_email ON contacts(account_id, email) WHERE email IS NOT NULL;

-- A browser that chatted through the widget; remembered 30 days after its last visit.
CREATE TABLE visitors (
  id                 TEXT PRIMARY KEY,
  site_id            TEXT NOT NULL REFERENCES sites(id),
  token_hash         TEXT NOT NULL,     -- SHA-256 of the secret half of the cookie token
  contact_id         TEXT REFERENCES contacts(id),
  contact_verified   INTEGER NOT NULL DEFAULT 0 CHECK (contact_verified IN (0, 1)),
  created_at         INTEGER NOT NULL,
  last_seen_at       INTEGER NOT NULL
);
CREATE INDEX visitors_by_contact ON visitors(contact_id);

-- A thread on one channel with one contact and/or visitor.
CREATE TABLE conversations (
  id                 TEXT PRIMARY KEY,
  site_id            TEXT NOT NULL REFERENCES sites(id),
  channel            TEXT NOT NULL CHECK (channel IN ('chat', 'email', 'messenger')),
  status             TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  contact_id         TEXT REFERENCES contacts(id),
  visitor_id         TEXT REFERENCES visitors(id),
  subject            TEXT,
  assignee_id        TEXT REFERENCES agents(id),
  started_at         INTEGER NOT NULL,
  last_message_at    INTEGER NOT NULL,
  agent_read_at      INTEGER NOT NULL DEFAULT 0  -- last time an agent opened it (unread marker)
);
CREATE INDEX conversations_by_site_activity ON conversations(site_id, last_message_at DESC);
CREATE INDEX conversations_by_contact ON conversations(contact_id, last_message_at DESC);
CREATE INDEX conversations_by_visitor ON conversations(visitor_id, last_message_at DESC);
-- A visitor has at most one open chat: concurrent first messages cannot fork it.
CREATE UNIQUE INDEX conversations_one_open_chat ON conversations(visitor_id)
  WHERE channel = 'chat' AND status = 'open';

-- One message of a conversation, on any channel.
CREATE TABLE messages (
  id                 TEXT PRIMARY KEY,
  conversation_id    TEXT NOT NULL REFERENCES conversations(id),
  site_id            TEXT NOT NULL REFERENCES sites(id),
  direction          TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  author             TEXT NOT NULL CHECK (author IN ('visitor', 'contact', 'agent', 'bot')),
  agent_id           TEXT REFERENCES agents(id),
  visitor_id         TEXT REFERENCES visitors(id),     -- the browser that wrote it, for chat
  body               TEXT NOT NULL,                     -- plain text: the new part of the message
  body_full          TEXT,                              -- plain text including quoted history (email)
  body_html          TEXT,                              -- sanitised HTML (email)
  client_message_id  TEXT,                              -- widget-generated; retries reuse it
  email_message_id   TEXT,                              -- RFC 5322 Message-ID, without <>
  email_subject      TEXT,
  email_from         TEXT,                              -- "Name <address>"
  email_headers      TEXT,                              -- JSON: to, cc, reply-to, in-reply-to, references, date
  raw_key            TEXT,                              -- key of the whole raw message in R2
  flags              TEXT,                              -- JSON list: 'auto_reply', 'bulk', 'bounce'
  delivery_status    TEXT CHECK (delivery_status IN ('sent', 'failed')),
  delivery_error     TEXT,
  created_at         INTEGER NOT NULL
);
CREATE INDEX messages_by_conversation ON messages(conversation_id, created_at);
CREATE UNIQUE INDEX messages_client_id ON messages(visitor_id, client_message_id)
  WHERE client_message_id IS NOT NULL;
CREATE UNIQUE INDEX messages_email_id ON messages(site_id, email_message_id)
  WHERE email_message_id IS NOT NULL;

-- Files attached to email messages; the bytes live in the raw message in R2.
CREATE TABLE attachments (
  id            TEXT PRIMARY KEY,
  message_id    TEXT NOT NULL REFERENCES messages(id),
  filename      TEXT,
  content_type  TEXT NOT NULL,
  size          INTEGER NOT NULL
);
CREATE INDEX attachments_by_message ON attachments(message_id);

-- A site's email channel: forwarding address {username}@{subdomain}.{INBOUND_DOMAIN}.
CREATE TABLE email_channels (
  site_id              TEXT PRIMARY KEY REFERENCES sites(id),
  enabled              INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  username             TEXT,              -- immutable once set
  subdomain            TEXT,              -- immutable once set
  default_subject      TEXT NOT NULL DEFAULT 'Following up on our chat {Start_Date}',
  from_name            TEXT NOT NULL DEFAULT '{Agent_Name}',
  max_message_bytes    INTEGER NOT NULL DEFAULT 26214400,
  created_at           INTEGER NOT NULL
);
CREATE UNIQUE INDEX email_channels_address ON email_channels(subdomain, username)
  WHERE subdomain IS NOT NULL AND username IS NOT NULL;

-- Inbound mail the worker refused (setReject), with the reason: nothing disappears silently.
CREATE TABLE email_rejections (
  id                TEXT PRIMARY KEY,
  site_id           TEXT REFERENCES sites(id),
  envelope_from     TEXT NOT NULL,
  envelope_to       TEXT NOT NULL,
  email_message_id  TEXT,
  size              INTEGER NOT NULL,
  reason            TEXT NOT NULL,
  created_at        INTEGER NOT NULL
);
CREATE INDEX email_rejections_by_site ON email_rejections(site_id, created_at);
