-- The activity trail of a conversation (shared::trail::TrailKind): status
-- changes, assignments, spam marks, and the team's private notes. Notes live
-- here, never in `messages`, so nothing that reads messages for a visitor,
-- an email, a transcript or an automation can meet one. A new event kind is a
-- new TrailKind variant; no schema change.
CREATE TABLE trail (
  id               TEXT PRIMARY KEY,
  conversation_id  TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  kind             TEXT NOT NULL,   -- TrailKind's stored name
  agent_id         TEXT REFERENCES agents(id),  -- who (NULL: the system)
  detail           TEXT,            -- the kind's value: an assignee id; a note's mentioned agent ids (JSON array)
  body             TEXT,            -- a note's text
  client_id        TEXT,            -- a note's client-generated id: a retried write stores nothing more
  created_at       INTEGER NOT NULL
);
CREATE INDEX trail_by_conversation ON trail(conversation_id, created_at);
CREATE UNIQUE INDEX trail_client_id ON trail(conversation_id, client_id) WHERE client_id IS NOT NULL;

-- The Mentions view: one row per agent and conversation they were mentioned
-- in, moved to the top by each new mention.
CREATE TABLE mentions (
  agent_id         TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  conversation_id  TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  note_id          TEXT NOT NULL,   -- the latest note that mentioned them
  mentioned_at     INTEGER NOT NULL,
  PRIMARY KEY (agent_id, conversation_id)
);
CREATE INDEX mentions_newest ON mentions(agent_id, mentioned_at DESC);
