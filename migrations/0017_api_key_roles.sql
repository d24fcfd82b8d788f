-- API keys get a role chosen when the key is made: 'agent' keys do what any
-- agent may (no account settings), 'admin' keys what the primary admin who
-- made them may. Keys made before roles existed keep every power they had.
ALTER TABLE api_keys ADD COLUMN role TEXT NOT NULL DEFAULT 'admin' CHECK (role IN ('agent', 'admin'));
