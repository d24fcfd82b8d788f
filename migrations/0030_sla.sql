-- Response targets (issue 23). The rules are `shared::sla`'s; this keeps a
-- conversation's deadlines on it, so the inbox sorts by time left through an
-- index and reports count breaches without scanning messages.
--
-- Chosen: SQL, no Rust on the write path. A conversation's two deadlines
-- (first response, resolution) depend only on when its clocks start
-- (`first_inbound_at` of migration 0028, `started_at`) and its site's
-- targets: a trigger sets them when those are written (only on a site with
-- targets for the channel), and saving the targets recomputes the site's
-- open conversations, one statement per channel. Which deadline is next,
-- and whether any (open, not merged), follows from `status`, `merged_into`
-- and `first_response_at`: `sla_due_at` and `sla_soon_at` are generated
-- columns, so a reply or a close moves them (and the index) without a
-- write of their own. (D1 counts a trigger's writes in its statement's
-- `changes`, so a trigger on status or replies would change what every
-- such statement reports; these fire only where targets exist, and only on
-- what sets a clock's start.)
-- Business hours need the site's calendar (its zone, DST): the worker writes
-- the site's open spans with their running totals (`sla_hours`, from
-- `shared::sla::open_spans`) whenever the targets or the hours are saved,
-- and the SQL reads a deadline from them as `shared::sla::due_from_spans`
-- does (held equal to the calendar walk by shared's tests).

-- A site's targets per channel, in minutes (NULL: none).
CREATE TABLE sla_targets (
  site_id TEXT NOT NULL REFERENCES sites(id),
  channel TEXT NOT NULL CHECK (channel IN ('chat', 'email', 'messenger')),
  first_response_minutes INTEGER CHECK (first_response_minutes BETWEEN 1 AND 43200),
  resolution_minutes INTEGER CHECK (resolution_minutes BETWEEN 1 AND 43200),
  business_hours INTEGER NOT NULL DEFAULT 0 CHECK (business_hours IN (0, 1)),
  PRIMARY KEY (site_id, channel)
) WITHOUT ROWID;

-- A site's open spans (its business hours as instants), from 35 days back
-- to 400 days ahead of when they were written; `total_ms` is the open time
-- from the first span to this one's end.
CREATE TABLE sla_hours (
  site_id TEXT NOT NULL,
  start_ms INTEGER NOT NULL,
  end_ms INTEGER NOT NULL,
  total_ms INTEGER NOT NULL,
  PRIMARY KEY (site_id, start_ms)
) WITHOUT ROWID;
CREATE INDEX sla_hours_total ON sla_hours(site_id, total_ms);

-- The deadlines (ms), each with when it becomes due soon: a quarter of its
-- target or 15 minutes before it, whichever is less (`shared::sla::soon_window_ms`).
ALTER TABLE conversations ADD COLUMN sla_response_due_at INTEGER;
ALTER TABLE conversations ADD COLUMN sla_response_soon_at INTEGER;
ALTER TABLE conversations ADD COLUMN sla_resolve_due_at INTEGER;
ALTER TABLE conversations ADD COLUMN sla_resolve_soon_at INTEGER;
-- The next deadline: the first response's while unanswered (when it has
-- one), else the resolution's; none once closed or merged away.
ALTER TABLE conversations ADD COLUMN sla_due_at INTEGER GENERATED ALWAYS AS (
  CASE WHEN status <> 'open' OR merged_into IS NOT NULL THEN NULL
    WHEN first_response_at IS NULL AND sla_response_due_at IS NOT NULL THEN sla_response_due_at
    ELSE sla_resolve_due_at END) VIRTUAL;
ALTER TABLE conversations ADD COLUMN sla_soon_at INTEGER GENERATED ALWAYS AS (
  CASE WHEN status <> 'open' OR merged_into IS NOT NULL THEN NULL
    WHEN first_response_at IS NULL AND sla_response_due_at IS NOT NULL THEN sla_response_soon_at
    ELSE sla_resolve_soon_at END) VIRTUAL;

-- The inbox sorted by time left walks this, soonest first (no sort).
CREATE INDEX conversations_sla_due ON conversations(account_id, sla_due_at, id)
  WHERE sla_due_at IS NOT NULL;
-- A site's open conversations of a channel, recomputed when its targets change.
CREATE INDEX conversations_sla_open ON conversations(site_id, channel) WHERE status = 'open';

-- Each target as a goal: on the clock, the deadline itself; within business
-- hours, the open time from the site's first span to the deadline (the open
-- time before the start, plus the target).
CREATE VIEW sla_goals AS
SELECT c.id, c.site_id,
  t.business_hours AS business,
  t.first_response_minutes AS response_minutes,
  t.resolution_minutes AS resolve_minutes,
  CASE WHEN c.first_inbound_at IS NULL OR t.first_response_minutes IS NULL THEN NULL
    ELSE t.first_response_minutes * 60000 + CASE WHEN t.business_hours = 0 THEN c.first_inbound_at
      ELSE COALESCE((SELECT b.total_ms - MAX(0, b.end_ms - c.first_inbound_at) FROM sla_hours b
        WHERE b.site_id = c.site_id AND b.start_ms <= c.first_inbound_at ORDER BY b.start_ms DESC LIMIT 1), 0) END
  END AS response_goal,
  CASE WHEN t.resolution_minutes IS NULL THEN NULL
    ELSE t.resolution_minutes * 60000 + CASE WHEN t.business_hours = 0 THEN c.started_at
      ELSE COALESCE((SELECT b.total_ms - MAX(0, b.end_ms - c.started_at) FROM sla_hours b
        WHERE b.site_id = c.site_id AND b.start_ms <= c.started_at ORDER BY b.start_ms DESC LIMIT 1), 0) END
  END AS resolve_goal
FROM conversations c LEFT JOIN sla_targets t ON t.site_id = c.site_id AND t.channel = c.channel;

-- The deadlines: a business goal found in the first span whose total reaches it.
CREATE VIEW sla_deadlines AS
SELECT g.id, g.response_minutes, g.resolve_minutes,
  CASE WHEN g.business = 1 THEN (SELECT h.end_ms - (h.total_ms - g.response_goal) FROM sla_hours h
      WHERE h.site_id = g.site_id AND h.total_ms >= g.response_goal ORDER BY h.total_ms LIMIT 1)
    ELSE g.response_goal END AS response_due,
  CASE WHEN g.business = 1 THEN (SELECT h.end_ms - (h.total_ms - g.resolve_goal) FROM sla_hours h
      WHERE h.site_id = g.site_id AND h.total_ms >= g.resolve_goal ORDER BY h.total_ms LIMIT 1)
    ELSE g.resolve_goal END AS resolve_due
FROM sla_goals g;

-- What the triggers and the targets' recompute write.
CREATE VIEW sla_plan AS
SELECT d.id, d.response_due, d.response_due - MIN(d.response_minutes * 15000, 900000) AS response_soon,
  d.resolve_due, d.resolve_due - MIN(d.resolve_minutes * 15000, 900000) AS resolve_soon
FROM sla_deadlines d;

-- A clock's start written on a site with targets for the channel sets the deadlines.
CREATE TRIGGER conversations_sla_insert AFTER INSERT ON conversations
WHEN EXISTS (SELECT 1 FROM sla_targets t WHERE t.site_id = NEW.site_id AND t.channel = NEW.channel)
BEGIN
  UPDATE conversations SET (sla_response_due_at, sla_response_soon_at, sla_resolve_due_at, sla_resolve_soon_at) =
    (SELECT response_due, response_soon, resolve_due, resolve_soon FROM sla_plan WHERE id = NEW.id)
  WHERE id = NEW.id;
END;

-- (Only when a start really moves: the write path sets `first_inbound_at =
-- COALESCE(first_inbound_at, …)` on every message in.)
CREATE TRIGGER conversations_sla_start AFTER UPDATE OF first_inbound_at, started_at, site_id, channel ON conversations
WHEN (OLD.first_inbound_at IS NOT NEW.first_inbound_at OR OLD.started_at IS NOT NEW.started_at
    OR OLD.site_id IS NOT NEW.site_id OR OLD.channel IS NOT NEW.channel)
  AND EXISTS (SELECT 1 FROM sla_targets t WHERE t.site_id = NEW.site_id AND t.channel = NEW.channel)
BEGIN
  UPDATE conversations SET (sla_response_due_at, sla_response_soon_at, sla_resolve_due_at, sla_resolve_soon_at) =
    (SELECT response_due, response_soon, resolve_due, resolve_soon FROM sla_plan WHERE id = NEW.id)
  WHERE id = NEW.id;
END;
