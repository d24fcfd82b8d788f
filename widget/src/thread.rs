//! The widget's thread: messages as the visitor sees them, merged from what
//! the visitor sent (pending, failed) and what the worker has stored (by
//! HTTP or pushed over the live socket), each message once, in `seq` order.

use shared::conversation::Author;

/// Where a message the visitor wrote stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Stored by the worker (or written by someone else).
    Stored,
    /// On its way.
    Sending,
    /// The send failed; the visitor can retry it.
    Failed,
}

/// One line of the thread.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The widget's id for a visitor's send; retries reuse it.
    pub client_id: Option<String>,
    /// The worker's id, once stored.
    pub id: Option<String>,
    /// Who wrote it.
    pub author: Author,
    /// The agent's name, for agent replies.
    pub author_name: Option<String>,
    /// Plain text, rendered as text.
    pub body: String,
    /// Milliseconds since the epoch.
    pub created_at: f64,
    /// Delivery state of the visitor's own sends.
    pub delivery: Delivery,
    /// Its number in the conversation (1, 2, …); 0 until stored.
    pub seq: u64,
}

/// Whether `author` is the visitor's side (their chat lines, or their email as the contact).
pub fn mine(author: Author) -> bool {
    matches!(author, Author::Visitor | Author::Contact)
}

/// The thread shown in the panel.
#[derive(Debug, Default)]
pub struct Thread {
    /// Lines, oldest first.
    pub lines: Vec<Line>,
    /// Bumped on every change, so the view redraws only a changed thread.
    pub revision: u32,
}

impl Thread {
    fn changed(&mut self) {
        self.revision = self.revision.wrapping_add(1);
    }

    fn find(&mut self, client_id: &str) -> Option<&mut Line> {
        self.lines
            .iter_mut()
            .find(|l| l.client_id.as_deref() == Some(client_id))
    }

    /// Empties the thread (a forgotten visitor).
    pub fn clear(&mut self) {
        self.lines.clear();
        self.changed();
    }

    /// Adds a visitor message that is being sent.
    pub fn push_sending(&mut self, client_id: String, body: String, now: f64) {
        self.lines.push(Line {
            client_id: Some(client_id),
            id: None,
            author: Author::Visitor,
            author_name: None,
            body,
            created_at: now,
            delivery: Delivery::Sending,
            seq: 0,
        });
        self.changed();
    }

    /// Marks a send as in flight again (retry); returns its body.
    pub fn retry(&mut self, client_id: &str) -> Option<String> {
        let line = self.find(client_id)?;
        line.delivery = Delivery::Sending;
        let body = line.body.clone();
        self.changed();
        Some(body)
    }

    /// Marks a send as failed.
    pub fn fail(&mut self, client_id: &str) {
        if let Some(line) = self.find(client_id) {
            line.delivery = Delivery::Failed;
        }
        self.changed();
    }

    /// The oldest message waiting to be sent: `(client id, body)`.
    pub fn next_to_send(&self) -> Option<(&str, &str)> {
        let line = self
            .lines
            .iter()
            .find(|l| l.delivery == Delivery::Sending)?;
        Some((line.client_id.as_deref()?, &line.body))
    }

    /// Takes in stored messages (a catch-up, a push or a send's answer), each
    /// once: a line the thread has (same id, or same client id for the
    /// visitor's own sends) is replaced, any other is inserted in `seq` order
    /// before the sends not stored yet. Returns the messages that were new.
    pub fn merge(&mut self, stored: Vec<Line>) -> Vec<Line> {
        let mut added = Vec::new();
        for line in stored {
            let same = |l: &Line| {
                (l.id.is_some() && l.id == line.id)
                    || (l.client_id.is_some() && l.client_id == line.client_id)
            };
            match self.lines.iter().position(same) {
                Some(old) if self.lines.get(old) == Some(&line) => continue,
                Some(old) => drop(self.lines.remove(old)),
                None => added.push(line.clone()),
            }
            let at = self
                .lines
                .iter()
                .position(|l| l.delivery != Delivery::Stored || l.seq > line.seq)
                .unwrap_or(self.lines.len());
            self.lines.insert(at, line);
            self.changed();
        }
        added
    }

    /// Drops what the worker stored for a visitor it no longer knows (unsent lines stay).
    pub fn forget_stored(&mut self) {
        self.lines.retain(|l| l.delivery != Delivery::Stored);
        self.changed();
    }

    /// The highest message number the thread has (0: none): a catch-up asks for those after it.
    pub fn last_seq(&self) -> u64 {
        self.lines.iter().map(|l| l.seq).max().unwrap_or(0)
    }

    /// Whether the visitor has a message stored (the Form step follows the first).
    pub fn has_stored_visitor_line(&self) -> bool {
        self.lines
            .iter()
            .any(|l| mine(l.author) && l.delivery == Delivery::Stored)
    }

    /// The visitor's last stored message, by index, if any.
    pub fn last_visitor_line(&self) -> Option<usize> {
        self.lines
            .iter()
            .rposition(|l| mine(l.author) && l.delivery == Delivery::Stored)
    }

    /// Whether the last stored message is the visitor's: they await a reply.
    pub fn awaiting_reply(&self) -> bool {
        self.lines
            .iter()
            .rev()
            .find(|l| l.delivery == Delivery::Stored)
            .is_some_and(|l| mine(l.author))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(id: &str, client: Option<&str>, body: &str, seq: u64) -> Line {
        Line {
            client_id: client.map(Into::into),
            id: Some(id.into()),
            author: Author::Visitor,
            author_name: None,
            body: body.into(),
            created_at: 1.0,
            delivery: Delivery::Stored,
            seq,
        }
    }

    fn agent(id: &str, body: &str, seq: u64) -> Line {
        Line {
            author: Author::Agent,
            client_id: None,
            ..stored(id, None, body, seq)
        }
    }

    fn bodies(thread: &Thread) -> Vec<(&str, Delivery)> {
        thread
            .lines
            .iter()
            .map(|l| (l.body.as_str(), l.delivery))
            .collect()
    }

    #[test]
    fn merge_keeps_unsent_lines_after_stored_ones() {
        let mut thread = Thread::default();
        thread.push_sending("c1".into(), "hello".into(), 5.0);
        thread.push_sending("c2".into(), "again".into(), 6.0);
        thread.fail("c2");
        let added = thread.merge(vec![
            stored("m1", Some("c1"), "hello", 1),
            agent("m2", "agent reply", 2),
        ]);
        assert_eq!(
            added,
            vec![agent("m2", "agent reply", 2)],
            "the confirmed send is not new"
        );
        assert_eq!(
            bodies(&thread),
            vec![
                ("hello", Delivery::Stored),
                ("agent reply", Delivery::Stored),
                ("again", Delivery::Failed)
            ]
        );
        let revision = thread.revision;
        assert_eq!(
            thread.merge(vec![
                stored("m1", Some("c1"), "hello", 1),
                agent("m2", "agent reply", 2)
            ]),
            vec![]
        );
        assert_eq!(
            thread.revision, revision,
            "an unchanged catch-up does not redraw the thread"
        );
    }

    #[test]
    fn a_message_pushed_and_fetched_shows_once_in_seq_order() {
        let mut thread = Thread::default();
        thread.merge(vec![stored("m1", Some("c1"), "hi", 1)]);
        thread.push_sending("c2".into(), "still there?".into(), 9.0);
        // Pushed out of order, then the catch-up brings both again, and the send's echo from another tab.
        thread.merge(vec![agent("m3", "second", 3)]);
        thread.merge(vec![
            agent("m2", "first", 2),
            agent("m3", "second", 3),
            stored("m4", Some("c2"), "still there?", 4),
        ]);
        assert_eq!(
            bodies(&thread),
            [
                ("hi", Delivery::Stored),
                ("first", Delivery::Stored),
                ("second", Delivery::Stored),
                ("still there?", Delivery::Stored)
            ]
        );
        assert_eq!(thread.last_seq(), 4);
        assert_eq!(
            thread.next_to_send(),
            None,
            "the echo confirmed the send: it is not sent again"
        );
        assert!(thread.awaiting_reply());
        assert_eq!(thread.last_visitor_line(), Some(3));
        thread.forget_stored();
        assert_eq!((thread.lines.len(), thread.last_seq()), (0, 0));
    }

    #[test]
    fn retry_and_confirm_reuse_the_client_id() {
        let mut thread = Thread::default();
        thread.push_sending("c1".into(), "hi".into(), 1.0);
        thread.fail("c1");
        assert_eq!(thread.retry("c1").as_deref(), Some("hi"));
        assert_eq!(thread.lines[0].delivery, Delivery::Sending);
        assert_eq!(thread.next_to_send(), Some(("c1", "hi")));
        thread.merge(vec![stored("m1", Some("c1"), "hi", 1)]);
        assert_eq!(thread.lines.len(), 1);
        assert_eq!(thread.lines[0].id.as_deref(), Some("m1"));
        assert_eq!(thread.next_to_send(), None);
    }

    #[test]
    fn a_reply_ends_the_wait() {
        let mut thread = Thread::default();
        assert!(!thread.awaiting_reply());
        thread.merge(vec![stored("m1", Some("c1"), "hi", 1)]);
        assert!(thread.has_stored_visitor_line() && thread.awaiting_reply());
        thread.push_sending("c2".into(), "more".into(), 2.0);
        thread.merge(vec![agent("m2", "hello from the team", 2)]);
        assert!(
            !thread.awaiting_reply(),
            "a send on its way is not stored yet"
        );
    }
}
