-- Site-owner settings (issue 10): a site can be switched off without losing
-- data, speaks a language, and carries its chatbot as an ordered list of blocks.
ALTER TABLE sites ADD COLUMN enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1));
-- 'auto' (the visitor's browser language), or a fixed language: 'en', 'fr'.
ALTER TABLE sites ADD COLUMN language TEXT NOT NULL DEFAULT 'auto' CHECK (language IN ('auto', 'en', 'fr'));
-- The chatbot: JSON {"blocks":[...]} as shared::chatbot::Chatbot serializes it;
-- NULL means the default chatbot (greeting, then the Form from form_* columns).
ALTER TABLE sites ADD COLUMN chatbot TEXT;
