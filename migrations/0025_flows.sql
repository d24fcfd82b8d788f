-- The chatbot as a flow (issue 26). Saving a site's flow keeps a new
-- version (never replacing one): a visitor mid-flow finishes on the version
-- they started, so a conversation names its version and the step it waits at.
-- A site that never saved a flow (flow_version NULL) runs the flow its
-- chatbot blocks make (shared::flow::Flow::from_chatbot), version 0.

CREATE TABLE flow_versions (
  site_id TEXT NOT NULL REFERENCES sites(id),
  -- 1, 2, … per site, the next one taken in the statement that inserts it.
  version INTEGER NOT NULL,
  -- The flow as JSON (shared::flow::Flow), checked before it is saved.
  flow TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  -- The admin who saved it.
  created_by TEXT REFERENCES agents(id),
  PRIMARY KEY (site_id, version)
) WITHOUT ROWID;

-- The version new conversations start on; NULL: the chatbot blocks' flow.
ALTER TABLE sites ADD COLUMN flow_version INTEGER;

-- The flow version the conversation runs (0: the blocks' flow).
ALTER TABLE conversations ADD COLUMN flow_version INTEGER;
-- The step the flow waits at (a question, buttons or the Form); NULL when no
-- flow runs: never started, ended, or stopped by an agent's reply.
ALTER TABLE conversations ADD COLUMN flow_step TEXT;
-- The flow's answers so far, a JSON object (key: answer), for automations.
ALTER TABLE conversations ADD COLUMN flow_answers TEXT;
