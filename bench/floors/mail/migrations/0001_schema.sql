CREATE TABLE contacts (email TEXT PRIMARY KEY, name TEXT, created_at INTEGER NOT NULL);
CREATE TABLE conversations (id TEXT PRIMARY KEY, contact_email TEXT NOT NULL, subject TEXT, created_at INTEGER NOT NULL);
CREATE TABLE messages (id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, body TEXT NOT NULL, html TEXT, created_at INTEGER NOT NULL);
