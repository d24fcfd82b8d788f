-- The ActiveCampaign connector (issue 25): one connection per account, a
-- site's part of it, the sync jobs carried by the queue, the call log, the
-- Parley contact → ActiveCampaign contact map, the tags found or created,
-- and the contact card's short-lived cache.

-- One connection per account. The key is sealed (edge/src/secrets.rs,
-- context `activecampaign:{account id}`); no endpoint returns it.
CREATE TABLE crm_connections (
  account_id      TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  api_url         TEXT NOT NULL,
  api_key         TEXT NOT NULL,
  -- active: calls are made; paused: ActiveCampaign refused the key (401/403),
  -- jobs wait for a new one.
  state           TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'paused')),
  paused_reason   TEXT,
  -- A 429's Retry-After: no call of the account is made before this time (ms).
  paused_until    INTEGER NOT NULL DEFAULT 0,
  -- The bucket (shared::crm::take_token): the time the account's next call
  -- may be made (ms); taken by one compare-and-set statement.
  bucket_next_at  INTEGER NOT NULL DEFAULT 0,
  push_unverified INTEGER NOT NULL DEFAULT 0 CHECK (push_unverified IN (0, 1)),
  -- JSON [{attribute, field_id, field_title}].
  field_map       TEXT NOT NULL DEFAULT '[]',
  connected_at    INTEGER NOT NULL
);

-- A site's part: whether its contacts flow, the tags per channel (JSON
-- {chat: [..], email: [..], messenger: [..]}), and the note to the conversation.
CREATE TABLE crm_site_settings (
  site_id     TEXT PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
  enabled     INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)),
  tags        TEXT NOT NULL DEFAULT '{"chat":[],"email":[],"messenger":[]}',
  note        INTEGER NOT NULL DEFAULT 0 CHECK (note IN (0, 1)),
  updated_at  INTEGER NOT NULL
);

-- One job: a contact to sync (and tag, note, enter an automation), written in
-- the same D1 batch as its cause. No personal data: the contact is read when
-- the job runs. `idempotency_key` names the cause (a second identical cause
-- inserts nothing); `done_steps` (JSON keys of shared::crm::Step) is the
-- progress, so a retry resumes after the last step done.
CREATE TABLE crm_jobs (
  id              TEXT PRIMARY KEY,
  idempotency_key TEXT NOT NULL UNIQUE,
  account_id      TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  site_id         TEXT,
  contact_id      TEXT NOT NULL,
  conversation_id TEXT,
  channel         TEXT NOT NULL CHECK (channel IN ('chat', 'email', 'messenger')),
  cause           TEXT NOT NULL CHECK (cause IN ('form', 'identify', 'agent', 'email')),
  unverified      INTEGER NOT NULL DEFAULT 0 CHECK (unverified IN (0, 1)),
  automation_id   TEXT,
  -- pending (queued or retrying), waiting (paused connection), done, failed.
  state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'waiting', 'done', 'failed')),
  done_steps      TEXT NOT NULL DEFAULT '[]',
  -- Attempts of the current step (reset when it is done).
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT,
  -- A consumer runs the job only while it holds this lease (ms; taken by one
  -- compare-and-set), so a redelivered message never makes a call twice.
  lease_until     INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
CREATE INDEX crm_jobs_account ON crm_jobs(account_id, state);
CREATE INDEX crm_jobs_contact ON crm_jobs(contact_id);

-- Every call made to ActiveCampaign (the delivery log). `email` is the
-- contact's when the call was made; erasing the contact clears it.
CREATE TABLE crm_calls (
  id          TEXT PRIMARY KEY,
  account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  job_id      TEXT,
  kind        TEXT NOT NULL,
  contact_id  TEXT,
  email       TEXT,
  site_id     TEXT,
  method      TEXT NOT NULL,
  path        TEXT NOT NULL,
  status      INTEGER,
  error       TEXT,
  state       TEXT NOT NULL CHECK (state IN ('done', 'retrying', 'rate_limited', 'paused', 'failed')),
  attempt     INTEGER NOT NULL,
  at          INTEGER NOT NULL
);
CREATE INDEX crm_calls_log ON crm_calls(account_id, at);
CREATE INDEX crm_calls_contact ON crm_calls(contact_id);

-- A Parley contact's id in ActiveCampaign, once synced, and what was applied
-- to that contact there once and for all (JSON keys of shared::crm::Step:
-- its tags, the notes of its conversations), so no later job repeats them.
CREATE TABLE crm_contacts (
  contact_id     TEXT PRIMARY KEY,
  account_id     TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  crm_contact_id TEXT NOT NULL,
  applied        TEXT NOT NULL DEFAULT '[]',
  synced_at      INTEGER NOT NULL
);

-- Tags found or created in ActiveCampaign, by lower-case name: each is
-- looked up once per account.
CREATE TABLE crm_tags (
  account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  tag_id      TEXT NOT NULL,
  PRIMARY KEY (account_id, name)
);

-- The contact card's answer (GET /api/contacts/{id}/activecampaign), kept
-- 60 s; deleted with the contact.
CREATE TABLE crm_contact_cache (
  contact_id  TEXT PRIMARY KEY,
  account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  card        TEXT NOT NULL,
  fetched_at  INTEGER NOT NULL
);
