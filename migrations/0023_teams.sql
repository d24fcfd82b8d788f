-- Teams and assignment rules (issue 22): the primary admin groups agents in
-- teams (an agent may belong to several); a conversation is assigned to a
-- team and/or an agent; per site and channel, a rule assigns each NEW
-- conversation to a team, then round robin to one of its agents who is online
-- and under their capacity, or to the team alone when nobody is. The choice
-- is one UPDATE (store/teams.rs, `assign_by_rule`), so two conversations
-- started at once never take an agent past their capacity.

CREATE TABLE teams (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  -- Unique in the account, any case (ASCII).
  name TEXT NOT NULL COLLATE NOCASE,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (account_id, name)
);

-- Who belongs to a team. `turn` orders the round robin: the member with the
-- lowest turn is next, and an assignment moves them past everyone else.
CREATE TABLE team_members (
  team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  turn INTEGER NOT NULL DEFAULT 0,
  added_at INTEGER NOT NULL,
  PRIMARY KEY (team_id, agent_id)
) WITHOUT ROWID;
-- The round robin reads a team's members in turn order, without a sort.
CREATE INDEX team_members_turn ON team_members(team_id, turn, added_at, agent_id);
-- An agent's teams ("my teams" filter, removal).
CREATE INDEX team_members_by_agent ON team_members(agent_id, team_id);

-- Per site and channel, the team new conversations go to.
CREATE TABLE assignment_rules (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites(id),
  channel TEXT NOT NULL CHECK (channel IN ('chat', 'email', 'messenger')),
  team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  UNIQUE (site_id, channel)
);
CREATE INDEX assignment_rules_by_team ON assignment_rules(team_id);

-- The team a conversation is assigned to (NULL: none).
ALTER TABLE conversations ADD COLUMN team_id TEXT REFERENCES teams(id);
-- The list by team, in the list's order (as migration 0013's by assignee).
CREATE INDEX conversations_inbox_team ON conversations(account_id, team_id, last_message_at DESC, id DESC) WHERE spam_at IS NULL;
-- An agent's open conversations, counted against their capacity.
CREATE INDEX conversations_open_by_assignee ON conversations(assignee_id) WHERE status = 'open';

-- Most open conversations a rule gives the agent (NULL: no limit; manual
-- assignment is not limited).
ALTER TABLE agents ADD COLUMN capacity INTEGER CHECK (capacity IS NULL OR capacity >= 0);
-- How many inbox tabs of the agent hold a live socket (InboxHub writes it on
-- every connect and close, as accounts.live_tabs): with `away`, whether a
-- rule may give them a conversation.
ALTER TABLE agents ADD COLUMN live_tabs INTEGER NOT NULL DEFAULT 0;
