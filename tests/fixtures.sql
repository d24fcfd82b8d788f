-- Sites the end-to-end suites need beyond the demo seed (account a_demo).
-- Form permutations: a Latin square, so each of phone / company / full name is
-- hidden, optional and required on exactly one site.
INSERT INTO sites (id, account_id, name, form_phone, form_company, form_full_name, created_at) VALUES
  ('s_form_a', 'a_demo', 'Form A', 'hidden',   'optional', 'required', 0),
  ('s_form_b', 'a_demo', 'Form B', 'optional', 'required', 'hidden',   0),
  ('s_form_c', 'a_demo', 'Form C', 'required', 'hidden',   'optional', 0);
-- Identity verification modes (the demo site is 'off').
INSERT INTO sites (id, account_id, name, identity_mode, identity_secret, created_at) VALUES
  ('s_id_optional', 'a_demo', 'Identity optional', 'optional', 'test-identity-secret', 0),
  ('s_id_required', 'a_demo', 'Identity required', 'required', 'test-identity-secret', 0);
