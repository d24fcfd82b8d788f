//! The widget's thread: messages as the visitor sees them, merged from what
//! the visitor sent (pending, failed) and what the worker has stored.

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
        self.lines.iter_mut().find(|l| l.client_id.as_deref() == Some(client_id))
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
        let line = self.lines.iter().find(|l| l.delivery == Delivery::Sending)?;
        Some((line.client_id.as_deref()?, &line.body))
    }

    /// Replaces the stored part of the thread with the worker's copy, keeping
    /// sends the worker does not have yet; returns whether anything changed.
    pub fn merge_stored(&mut self, stored: Vec<Line>) -> bool {
        let unsent: Vec<Line> = self
            .lines
            .iter()
            .filter(|l| l.delivery != Delivery::Stored && !stored.iter().any(|s| s.client_id.is_some() && s.client_id == l.client_id))
            .cloned()
            .collect();
        let mut next = stored;
        next.extend(unsent);
        let changed = next != self.lines;
        self.lines = next;
        if changed {
            self.changed();
        }
        changed
    }

    /// Whether the visitor has a message stored (the Form step follows the first).
    pub fn has_stored_visitor_line(&self) -> bool {
        self.lines.iter().any(|l| l.author == Author::Visitor && l.delivery == Delivery::Stored)
    }

    /// Messages from the team newer than `after` (ms): what a poll brought in.
    pub fn replies_after(&self, after: f64) -> impl Iterator<Item = &Line> {
        self.lines.iter().filter(move |l| l.author != Author::Visitor && l.delivery == Delivery::Stored && l.created_at > after)
    }

    /// Time of the newest message from the team, or 0.
    pub fn newest_reply(&self) -> f64 {
        self.replies_after(0.0).map(|l| l.created_at).fold(0.0, f64::max)
    }

    /// Records the worker's copy of one send.
    pub fn confirm(&mut self, stored: Line) {
        match self.lines.iter_mut().find(|l| l.client_id.is_some() && l.client_id == stored.client_id) {
            Some(line) => *line = stored,
            None => self.lines.push(stored),
        }
        self.changed();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(id: &str, client: Option<&str>, body: &str) -> Line {
        Line { client_id: client.map(Into::into), id: Some(id.into()), author: Author::Visitor, author_name: None, body: body.into(), created_at: 1.0, delivery: Delivery::Stored }
    }

    #[test]
    fn merge_keeps_unsent_lines_after_stored_ones() {
        let mut thread = Thread::default();
        thread.push_sending("c1".into(), "hello".into(), 5.0);
        thread.push_sending("c2".into(), "again".into(), 6.0);
        thread.fail("c2");
        let changed = thread.merge_stored(vec![stored("m1", Some("c1"), "hello"), stored("m2", None, "agent reply")]);
        assert!(changed);
        let bodies: Vec<_> = thread.lines.iter().map(|l| (l.body.as_str(), l.delivery)).collect();
        assert_eq!(bodies, vec![("hello", Delivery::Stored), ("agent reply", Delivery::Stored), ("again", Delivery::Failed)]);
        let revision = thread.revision;
        assert!(!thread.merge_stored(vec![stored("m1", Some("c1"), "hello"), stored("m2", None, "agent reply")]));
        assert_eq!(thread.revision, revision, "an unchanged poll does not redraw the thread");
    }

    #[test]
    fn retry_and_confirm_reuse_the_client_id() {
        let mut thread = Thread::default();
        thread.push_sending("c1".into(), "hi".into(), 1.0);
        thread.fail("c1");
        assert_eq!(thread.retry("c1").as_deref(), Some("hi"));
        assert_eq!(thread.lines[0].delivery, Delivery::Sending);
        assert_eq!(thread.next_to_send(), Some(("c1", "hi")));
        thread.confirm(stored("m1", Some("c1"), "hi"));
        assert_eq!(thread.lines.len(), 1);
        assert_eq!(thread.lines[0].id.as_deref(), Some("m1"));
        assert_eq!(thread.next_to_send(), None);
    }

    #[test]
    fn replies_are_what_the_visitor_did_not_write() {
        let mut thread = Thread::default();
        let mut agent = stored("m2", None, "hello from the team");
        agent.author = Author::Agent;
        agent.created_at = 7.0;
        thread.merge_stored(vec![stored("m1", Some("c1"), "hi"), agent]);
        assert!(thread.has_stored_visitor_line());
        assert_eq!(thread.newest_reply(), 7.0);
        assert_eq!(thread.replies_after(7.0).count(), 0);
        assert_eq!(thread.replies_after(6.0).map(|l| l.body.as_str()).collect::<Vec<_>>(), ["hello from the team"]);
    }
}
