-- Sites the end-to-end suites need beyond the demo seed (account a_demo).
-- Form permutations: a Latin square, so each of phone / company / full name is
-- hidden, optional and required on exactly one site.
INSERT INTO sites (id, account_id, name, form_phone, form_company, form_full_name, created_at) VALUES
  ('s_form_a', 'a_demo', 'Form A', 'hidden',   'optional', 'required', 0),
  ('s_form_b', 'a_demo', 'Form B', 'optional', 'required', 'hidden',   0),
  ('s_form_c', 'a_demo', 'Form C', 'required', 'hidden',   'optional', 0);
-- Identity verification modes (the demo site is 'off'). Their secrets are
-- generated through the API once the worker runs (tests/run.mjs), so they are
-- stored sealed like any other; s_id_legacy keeps a plaintext secret as sites
-- had before migration 0009, which the worker seals on first use.
INSERT INTO sites (id, account_id, name, identity_mode, created_at) VALUES
  ('s_id_optional', 'a_demo', 'Identity optional', 'optional', 0),
  ('s_id_required', 'a_demo', 'Identity required', 'required', 0);
INSERT INTO sites (id, account_id, name, identity_mode, identity_secret, created_at) VALUES
  ('s_id_legacy', 'a_demo', 'Identity legacy', 'optional', 'legacy-plaintext-secret', 0);
-- Email channels: one to disable, one to shrink, one whose address is not set yet.
INSERT INTO sites (id, account_id, name, created_at) VALUES
  ('s_mail_off', 'a_demo', 'Mail off', 0),
  ('s_mail_small', 'a_demo', 'Mail small', 0),
  ('s_mail_new', 'a_demo', 'Mail new', 0);
INSERT INTO email_channels (site_id, username, subdomain, created_at) VALUES
  ('s_mail_off', 'help', 'mailoff', 0),
  ('s_mail_small', 'help', 'mailsmall', 0),
  ('s_mail_new', NULL, NULL, 0);
-- An agent who is not the primary admin, with API key pk_fixture_agent_0000000000000000000000000000000000.
INSERT INTO agents (id, account_id, email, full_name, role, created_at)
  VALUES ('ag_fixture_agent', 'a_demo', 'kit@juniperandpine.example', 'Kit Fern', 'agent', 0);
-- A site whose chatbot the settings suite edits (phone and company optional to start).
INSERT INTO sites (id, account_id, name, form_phone, form_company, form_full_name, created_at) VALUES
  ('s_bot', 'a_demo', 'Chatbot site', 'optional', 'optional', 'hidden', 0);
INSERT INTO email_channels (site_id, created_at) VALUES ('s_bot', 0);
-- Automations (tests/automations.test.mjs): a site of their own, with a mailbox.
INSERT INTO sites (id, account_id, name, created_at) VALUES ('s_auto', 'a_demo', 'Automations', 0);
INSERT INTO email_channels (site_id, username, subdomain, created_at) VALUES ('s_auto', 'help', 'auto', 0);
INSERT INTO api_keys (id, token_hash, prefix, agent_id, label, created_at)
  VALUES ('key_fixture_agent', '9b2134f548cbb2c019e41a81d087c5d361df8987dc8f3392a638631a588e5eae', 'pk_fixture', 'ag_fixture_agent', 'fixture agent', 0);
-- Another account (tests/files.test.mjs): its admin must never reach a_demo's files.
INSERT INTO accounts (id, name, created_at) VALUES ('a_other', 'Other shop', 0);
INSERT INTO sites (id, account_id, name, created_at) VALUES ('s_other', 'a_other', 'Other shop', 0);
INSERT INTO agents (id, account_id, email, full_name, role, created_at)
  VALUES ('ag_other_admin', 'a_other', 'owner@other.example', 'Olga Other', 'primary_admin', 0);
INSERT INTO api_keys (id, token_hash, prefix, agent_id, label, created_at)
  VALUES ('key_other_admin', 'b4572df7624e3dc760c8c846586e5a4233611232370ba8857c4223f9fa3e7f7d', 'pk_other', 'ag_other_admin', 'other account', 0);
-- A site whose widget takes no files (tests/files.test.mjs).
INSERT INTO sites (id, account_id, name, files_enabled, created_at) VALUES ('s_no_files', 'a_demo', 'No files', 0, 0);
-- Cc, Bcc and signatures (tests/email-cc.test.mjs, tests/email-signature.test.mjs): a mailbox of their own,
-- so the signatures set there never reach other suites' mail.
INSERT INTO sites (id, account_id, name, created_at) VALUES ('s_cc', 'a_demo', 'Copies', 0);
INSERT INTO email_channels (site_id, username, subdomain, created_at) VALUES ('s_cc', 'help', 'copies', 0);
-- Satisfaction ratings (tests/csat.test.mjs, tests/csat-browser.test.mjs): sites of their own (ratings
-- off until a test turns them on), one with a mailbox for the email rating page.
INSERT INTO sites (id, account_id, name, color, created_at) VALUES
  ('s_csat', 'a_demo', 'Ratings', '#33503f', 0),
  ('s_csat_fr', 'a_demo', 'Notes', '#33503f', 0);
UPDATE sites SET language = 'fr' WHERE id = 's_csat_fr';
INSERT INTO email_channels (site_id, username, subdomain, created_at) VALUES ('s_csat', 'help', 'rate', 0);
INSERT INTO email_channels (site_id, created_at) VALUES ('s_csat_fr', 0);
