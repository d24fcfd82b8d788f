-- Automations (signed outbound webhooks): per site, a receiver URL that Parley
-- POSTs events to, signed with the automation's secret.
CREATE TABLE automations (
  id          TEXT PRIMARY KEY,
  site_id     TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  url         TEXT NOT NULL,
  -- Signs every delivery (HMAC-SHA256). Shown to the admin once, when the
  -- automation is created; no endpoint returns it afterwards.
  secret      TEXT NOT NULL,
  enabled     INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  created_at  INTEGER NOT NULL
);
CREATE INDEX automations_site ON automations(site_id);

-- One event for one automation: written in the same D1 batch as what caused
-- it (so an event exists exactly when its cause does), then carried by the
-- AUTOMATION_DELIVERIES queue. Each attempt updates the row.
CREATE TABLE automation_deliveries (
  id              TEXT PRIMARY KEY,
  automation_id   TEXT NOT NULL REFERENCES automations(id) ON DELETE CASCADE,
  event_id        TEXT NOT NULL,
  event           TEXT NOT NULL CHECK (event IN ('contact.created', 'contact.entered_automation',
                                                 'conversation.created', 'message.created', 'test')),
  -- The JSON body, fixed when the event happened: every attempt sends the same bytes.
  payload         TEXT NOT NULL,
  -- pending (queued or retrying), delivered (2xx), failed (gave up).
  status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_status     INTEGER,
  last_error      TEXT,
  last_attempt_at INTEGER,
  created_at      INTEGER NOT NULL
);
CREATE INDEX automation_deliveries_log ON automation_deliveries(automation_id, created_at);
