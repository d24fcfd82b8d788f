-- The flow's runtime (issue 26): each answer that moves a conversation's flow
-- on is one compare-and-set on its step, and marks the conversation with the
-- turn's fresh id; every other statement of the answer's batch (the echo, the
-- bot's lines, labels, assignment, automation events) runs only where the
-- conversation carries that mark, so a lost race or a retry writes nothing.
ALTER TABLE conversations ADD COLUMN flow_turn TEXT;
