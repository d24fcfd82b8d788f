-- Site identity secrets are stored encrypted: AES-256-GCM under the Worker
-- secret SECRETS_KEY, as 'v1.' || hex(iv) || '.' || hex(ciphertext and tag),
-- bound to the site's id (edge/src/secrets.rs). SQL cannot encrypt, so the old
-- plaintext column `identity_secret` is emptied by the worker: the first time a
-- signed identify reads a site that still has one, it stores it encrypted here
-- and sets the plaintext to NULL. New secrets are only ever written here.
ALTER TABLE sites ADD COLUMN identity_secret_enc TEXT;

-- API keys get an id to list and revoke them by, and the first characters of
-- the key (e.g. 'pk_1a2b3c4d') so a person can tell them apart; keys made
-- before this migration have no prefix to show (only their hash is known).
ALTER TABLE api_keys ADD COLUMN id TEXT;
ALTER TABLE api_keys ADD COLUMN prefix TEXT;
UPDATE api_keys SET id = 'key_' || lower(hex(randomblob(16))) WHERE id IS NULL;
CREATE UNIQUE INDEX api_keys_id ON api_keys(id);
CREATE INDEX api_keys_by_agent ON api_keys(agent_id);
