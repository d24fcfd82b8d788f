-- Agents sign in with passwords; the primary admin invites others with one-time links.
CREATE TABLE agent_invitations (
  token_hash   TEXT PRIMARY KEY,        -- SHA-256 of the invitation token
  agent_id     TEXT NOT NULL REFERENCES agents(id),
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  accepted_at  INTEGER
);
CREATE INDEX agent_invitations_by_agent ON agent_invitations(agent_id);

-- The inbox filters by assignee.
CREATE INDEX conversations_by_assignee ON conversations(assignee_id, last_message_at DESC);

-- The default subject's date token reads as a suffix: "Following up on our chat · 21 Nov 2026".
UPDATE email_channels SET default_subject = 'Following up on our chat · {Start_Date}'
  WHERE default_subject = 'Following up on our chat {Start_Date}';
