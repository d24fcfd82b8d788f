CREATE TABLE conversations (id TEXT PRIMARY KEY, visitor_id TEXT NOT NULL, last_message_at INTEGER NOT NULL);
CREATE TABLE messages (
  id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, client_message_id TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX messages_by_client ON messages(conversation_id, client_message_id);
