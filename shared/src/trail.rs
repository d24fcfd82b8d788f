//! The activity trail of a conversation: small events with who and when
//! (status changes, assignments, spam marks, labels, snoozes) and the team's private notes,
//! which are never messages and never reach the visitor (no visitor-facing
//! shape has a field that could hold one), with the rule that finds who a
//! note mentions.

use crate::conversation::string_enum;

string_enum! {
    /// What happened in a conversation, as its trail shows it. A feature
    /// that adds an event kind adds one variant here (its stored name).
    TrailKind { /// An agent wrote a private note (its text is the event's body).
        Note = "note", /// The conversation was closed.
        Closed = "closed", /// The conversation was reopened.
        Reopened = "reopened", /// The conversation was assigned (to the agent in `detail`).
        Assigned = "assigned", /// The conversation was unassigned.
        Unassigned = "unassigned", /// Marked as spam: hidden, its visitor blocked.
        MarkedSpam = "marked_spam", /// The spam mark was taken back, its visitor unblocked.
        UnmarkedSpam = "unmarked_spam", /// A label (its id in `detail`) was put on the conversation.
        LabelAdded = "label_added", /// A label (its id in `detail`) was taken off the conversation.
        LabelRemoved = "label_removed", /// Snoozed until a time (ms in `detail`) or, without one, the customer's reply.
        Snoozed = "snoozed", /// The snooze was ended by hand.
        Unsnoozed = "unsnoozed", /// The snooze's time came (by the system: no agent).
        Woke = "woke", /// The customer's message woke the snoozed conversation (no agent).
        WokeByReply = "woke_by_reply", /// The customer's message reopened the closed conversation (no agent).
        ReopenedByReply = "reopened_by_reply", /// The conversation was assigned to a team (its id in `detail`).
        AssignedTeam = "assigned_team", /// The conversation was taken from its team.
        UnassignedTeam = "unassigned_team", /// Another conversation (`detail`) was merged into this one.
        Merged = "merged", /// The visitor or contact rated the conversation (the score in `detail`, the comment as `body`; no agent).
        Rated = "rated" }
}

impl TrailKind {
    /// Whether an export for the contact may carry this event: a note is
    /// the team's own and never leaves it.
    pub const fn for_the_contact(self) -> bool {
        !matches!(self, TrailKind::Note)
    }
}

/// An agent a note may mention: their id and full name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mentionable<'a> {
    /// Agent id.
    pub id: &'a str,
    /// Full name, as `@Full Name` writes it.
    pub name: &'a str,
}

/// The ids of the agents `body` mentions, in team order, each once: an
/// agent is mentioned where `@` is followed by their full name (letter case
/// aside) and then by the end of the text or a character that is not a
/// letter or digit (so `@Ann` does not mention Anna), the `@` not ending
/// a word (so an address mentions nobody). Where several names fit one `@`,
/// the longest is meant (`@Ann Lee` mentions Ann Lee, not Ann).
pub fn mentioned<'a>(body: &str, team: &[Mentionable<'a>]) -> Vec<&'a str> {
    let text = body.to_lowercase();
    let names: Vec<String> = team.iter().map(|a| a.name.trim().to_lowercase()).collect();
    let mut meant = vec![false; team.len()];
    for (at, _) in text.match_indices('@') {
        if text[..at]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
        {
            continue;
        }
        let rest = &text[at + 1..];
        let fits = |name: &String| {
            !name.is_empty()
                && rest.starts_with(name.as_str())
                && !rest[name.len()..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphanumeric)
        };
        let longest = names.iter().filter(|n| fits(n)).map(String::len).max();
        for (i, name) in names.iter().enumerate() {
            meant[i] |= fits(name) && Some(name.len()) == longest;
        }
    }
    team.iter()
        .zip(meant)
        .filter(|(_, m)| *m)
        .map(|(a, _)| a.id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEAM: &[Mentionable<'static>] = &[
        Mentionable {
            id: "ag_ann",
            name: "Ann",
        },
        Mentionable {
            id: "ag_anna",
            name: "Anna Berg",
        },
        Mentionable {
            id: "ag_zoe",
            name: "Zoé Faure",
        },
        Mentionable {
            id: "ag_ann_lee",
            name: "Ann Lee",
        },
    ];

    #[test]
    fn a_mention_is_at_and_the_full_name_then_a_boundary() {
        assert_eq!(mentioned("@Ann can you look?", TEAM), ["ag_ann"]);
        assert_eq!(mentioned("ping @anna berg.", TEAM), ["ag_anna"]);
        assert_eq!(
            mentioned("@Anna Bergman", TEAM),
            Vec::<&str>::new(),
            "a longer name is not theirs"
        );
        assert_eq!(
            mentioned("@ZOÉ FAURE and @Ann, @Ann", TEAM),
            ["ag_ann", "ag_zoe"],
            "each once, team order"
        );
        assert_eq!(
            mentioned("me@ann.com", TEAM),
            Vec::<&str>::new(),
            "an address mentions nobody"
        );
        assert_eq!(mentioned("Ann without the at", TEAM), Vec::<&str>::new());
        assert_eq!(mentioned("@", TEAM), Vec::<&str>::new());
        assert_eq!(
            mentioned("@Ann Lee, then @Ann", TEAM),
            ["ag_ann", "ag_ann_lee"],
            "the longest name an @ fits"
        );
        assert_eq!(mentioned("@Ann Lee only", TEAM), ["ag_ann_lee"]);
    }

    #[test]
    fn notes_never_go_into_an_export_for_the_contact() {
        assert!(!TrailKind::Note.for_the_contact());
        assert!(TrailKind::ALL
            .iter()
            .filter(|k| **k != TrailKind::Note)
            .all(|k| k.for_the_contact()));
    }

    #[test]
    fn kinds_keep_their_stored_names() {
        for kind in TrailKind::ALL {
            assert_eq!(TrailKind::parse(kind.as_str()), Some(*kind));
        }
    }
}
