//! The metrics on hand-made timelines, and the incremental facts against the
//! whole-timeline ones on generated timelines.

use super::*;
use crate::chatbot::Span;
use crate::conversation::Author;
use crate::email::loops::Flag;
use crate::trail::TrailKind;

const MIN: u64 = 60_000;
/// Friday 2026-12-04 00:00 UTC.
const FRIDAY: u64 = 1_796_342_400_000;

fn msg(at: u64, author: Author) -> Event {
    Event::Message {
        at,
        author,
        automated: false,
    }
}

fn auto(at: u64, author: Author) -> Event {
    Event::Message {
        at,
        author,
        automated: true,
    }
}

fn trail(at: u64, kind: TrailKind) -> Event {
    Event::Trail { at, kind }
}

/// Monday to Friday, 09:00 to 17:00.
fn office(zone: &dyn Zone) -> Calendar<'_> {
    let day = Some(Span {
        open: 9 * 60,
        close: 17 * 60,
    });
    Calendar {
        week: [day, day, day, day, day, None, None],
        zone,
    }
}

/// The facts replayed event by event, checked equal to the whole timeline's.
fn facts(events: &[Event], hours: Option<&Calendar>) -> (Facts, Tally) {
    let mut facts = Facts::default();
    let tally = events.iter().map(|e| facts.apply(e, hours)).sum();
    assert_eq!((facts, tally), Facts::of_timeline(events, hours));
    (facts, tally)
}

#[test]
fn friday_is_a_friday() {
    assert_eq!(Day::of(FRIDAY as i64, &Fixed(0)).weekday(), 4);
    assert_eq!(Day::of(FRIDAY as i64, &Fixed(0)).ymd(), (2026, 12, 4));
}

#[test]
fn a_chat_first_response_is_the_agents_not_the_bots() {
    let t = FRIDAY + 10 * 60 * MIN;
    let (f, tally) = facts(
        &[
            msg(t, Author::Visitor),
            msg(t + 1_000, Author::Bot),
            msg(t + 2_000, Author::Bot),
            msg(t + 3 * MIN, Author::Visitor),
            msg(t + 5 * MIN, Author::Agent),
            msg(t + 6 * MIN, Author::Agent),
            trail(t + 30 * MIN, TrailKind::Closed),
        ],
        None,
    );
    assert_eq!(f.first_inbound_at, Some(t));
    assert_eq!(f.first_response_at, Some(t + 5 * MIN));
    assert_eq!(
        f.first_response_ms,
        Some(5 * MIN),
        "from the first message, not the latest"
    );
    assert_eq!(f.resolution_ms, Some(30 * MIN));
    assert_eq!(f.replies_to_resolve, Some(2));
    assert_eq!(
        f.first_response_business_ms, None,
        "no hours, no business figure"
    );
    let counts = Tally {
        opened: 1,
        resolved: 1,
        reopened: 0,
        messages_in: 2,
        messages_out: 2,
    };
    assert_eq!(tally, counts, "the bot's lines are not messages out");
}

#[test]
fn an_email_clock_starts_at_the_customers_first_real_message() {
    let t = FRIDAY + 9 * 60 * MIN;
    let flags = [Flag::AutoReply];
    assert!(automated(&flags) && automated(&[Flag::Bulk]) && automated(&[Flag::Bounce]));
    assert!(!automated(&[Flag::SenderUnverified]) && !automated(&[]));
    let (f, tally) = facts(
        &[
            msg(t, Author::Agent),
            auto(t + MIN, Author::Contact),
            msg(t + 2 * MIN, Author::Agent),
            msg(t + 120 * MIN, Author::Contact),
            msg(t + 140 * MIN, Author::Agent),
        ],
        None,
    );
    assert_eq!(
        f.started_at,
        Some(t),
        "an agent may start an email conversation"
    );
    assert_eq!(
        f.first_inbound_at,
        Some(t + 120 * MIN),
        "the out-of-office reply does not count"
    );
    assert_eq!(
        f.first_response_ms,
        Some(20 * MIN),
        "replies before it are not responses"
    );
    assert_eq!((tally.messages_in, tally.messages_out), (1, 3));
    assert_eq!(
        (f.resolved_at, f.resolution_ms, f.replies_to_resolve),
        (None, None, None)
    );
}

#[test]
fn messenger_counts_as_chat_does() {
    let t = FRIDAY + 11 * 60 * MIN;
    let (f, _) = facts(
        &[msg(t, Author::Visitor), msg(t + 90_000, Author::Agent)],
        None,
    );
    assert_eq!(f.first_response_ms, Some(90_000));
}

#[test]
fn without_a_customer_message_there_is_no_first_response() {
    let t = FRIDAY;
    let (f, tally) = facts(
        &[
            msg(t, Author::Agent),
            msg(t + MIN, Author::Bot),
            trail(t + 2 * MIN, TrailKind::Closed),
        ],
        None,
    );
    assert_eq!((f.first_inbound_at, f.first_response_at), (None, None));
    assert_eq!(
        (f.resolution_ms, f.replies_to_resolve),
        (Some(2 * MIN), Some(1))
    );
    assert_eq!(tally.resolved, 1);
    assert_eq!(facts(&[], None), (Facts::default(), Tally::default()));
}

#[test]
fn a_reopen_withdraws_the_resolution_until_the_next_resolve() {
    let t = FRIDAY + 10 * 60 * MIN;
    let events = [
        msg(t, Author::Contact),
        msg(t + 10 * MIN, Author::Agent),
        trail(t + 20 * MIN, TrailKind::Closed),
        trail(t + 21 * MIN, TrailKind::Closed),
        msg(t + 60 * MIN, Author::Contact),
        trail(t + 60 * MIN, TrailKind::ReopenedByReply),
        trail(t + 61 * MIN, TrailKind::Reopened),
        trail(t + 62 * MIN, TrailKind::Snoozed),
    ];
    let (open, tally) = facts(&events, None);
    assert_eq!((open.resolved_at, open.resolution_ms), (None, None));
    assert_eq!(
        (open.resolves, open.reopens),
        (1, 1),
        "a second close or reopen in a row changes nothing"
    );
    assert_eq!((tally.resolved, tally.reopened), (1, 1));
    let mut again = events.to_vec();
    again.push(msg(t + 70 * MIN, Author::Agent));
    again.push(trail(t + 90 * MIN, TrailKind::Closed));
    let (f, tally) = facts(&again, None);
    assert_eq!(
        f.first_response_ms,
        Some(10 * MIN),
        "the first response stays"
    );
    assert_eq!(f.resolved_at, Some(t + 90 * MIN));
    assert_eq!(
        f.resolution_ms,
        Some(90 * MIN),
        "from the start to the latest resolve"
    );
    assert_eq!(f.replies_to_resolve, Some(2));
    assert_eq!((f.resolves, f.reopens, tally.resolved), (2, 1, 2));
}

#[test]
fn business_hours_leave_the_weekend_out() {
    let utc = Fixed(0);
    let hours = office(&utc);
    let asked = FRIDAY + (16 * 60 + 30) * MIN;
    let monday = FRIDAY + 3 * 24 * 60 * MIN;
    let (f, _) = facts(
        &[
            msg(asked, Author::Contact),
            msg(monday + (9 * 60 + 15) * MIN, Author::Agent),
            trail(monday + 18 * 60 * MIN, TrailKind::Closed),
        ],
        Some(&hours),
    );
    assert_eq!(f.first_response_ms, Some((64 * 60 + 45) * MIN));
    assert_eq!(
        f.first_response_business_ms,
        Some(45 * MIN),
        "30 min on Friday, 15 on Monday"
    );
    assert_eq!(f.resolution_business_ms, Some(30 * MIN + 8 * 60 * MIN));
}

/// A generated timeline: steps of 0 to 3 hours, any author or status change.
fn timeline() -> impl proptest::strategy::Strategy<Value = Vec<Event>> {
    use proptest::prelude::*;
    let kinds = [
        TrailKind::Closed,
        TrailKind::Reopened,
        TrailKind::ReopenedByReply,
        TrailKind::Snoozed,
        TrailKind::Assigned,
    ];
    proptest::collection::vec((0u64..3 * 60 * MIN, 0usize..9, any::<bool>()), 0..40).prop_map(
        move |steps| {
            let mut at = FRIDAY;
            steps
                .into_iter()
                .map(|(gap, what, automated)| {
                    at += gap;
                    match what {
                        0..4 => Event::Message {
                            at,
                            author: Author::ALL[what],
                            automated,
                        },
                        _ => trail(at, kinds[what - 4]),
                    }
                })
                .collect()
        },
    )
}

proptest::proptest! {
    #[test]
    fn one_event_at_a_time_gives_the_whole_timelines_facts(events in timeline(), offset_h in -12i64..14) {
        let zone = Fixed(offset_h * 3_600_000);
        let hours = office(&zone);
        for hours in [None, Some(&hours)] {
            let mut facts = Facts::default();
            let tally: Tally = events.iter().map(|e| facts.apply(e, hours)).sum();
            let whole = Facts::of_timeline(&events, hours);
            proptest::prop_assert_eq!((facts, tally), whole);
            if let (Some(all), Some(business)) = (facts.resolution_ms, facts.resolution_business_ms) {
                proptest::prop_assert!(business <= all);
            }
            if let (Some(all), Some(business)) = (facts.first_response_ms, facts.first_response_business_ms) {
                proptest::prop_assert!(business <= all);
            }
        }
    }
}

proptest::proptest! {
    #[test]
    fn guarded_changes_written_one_by_one_give_the_whole_timelines_facts(events in timeline(), offset_h in -12i64..14) {
        let zone = Fixed(offset_h * 3_600_000);
        let hours = office(&zone);
        for hours in [None, Some(&hours)] {
            // The worker's view: the set-once values as its row had them before each batch.
            let mut row = Facts::default();
            let mut tally = Tally::default();
            for event in &events {
                let known = Known { started_at: row.started_at, first_inbound_at: row.first_inbound_at };
                tally += Change::of(event, known, hours).write(&mut row, known);
            }
            proptest::prop_assert_eq!((row, tally), Facts::of_timeline(&events, hours));
        }
    }
}

#[test]
fn a_reply_racing_for_the_first_response_loses_to_the_one_written_first() {
    let hours = None;
    let mut row = Facts::default();
    let before = Known::default();
    Change::of(&msg(FRIDAY, Author::Visitor), before, hours).write(&mut row, before);
    let known = Known {
        started_at: row.started_at,
        first_inbound_at: row.first_inbound_at,
    };
    // Both replies were built from the same read; the second finds the first response set.
    let first = Change::of(&msg(FRIDAY + MIN, Author::Agent), known, hours);
    let second = Change::of(&msg(FRIDAY + 2 * MIN, Author::Agent), known, hours);
    first.write(&mut row, known);
    second.write(&mut row, known);
    assert_eq!(row.first_response_ms, Some(MIN));
    assert_eq!(row.messages_out, 2);
}

#[test]
fn a_reply_built_before_the_customers_first_message_was_seen_is_no_first_response() {
    let mut row = Facts::default();
    let stale = Known::default();
    Change::of(&msg(FRIDAY, Author::Bot), stale, None).write(&mut row, stale);
    let known = Known {
        started_at: row.started_at,
        first_inbound_at: None,
    };
    Change::of(&msg(FRIDAY + MIN, Author::Visitor), known, None).write(&mut row, known);
    // The reply's batch read no customer message: it cannot say how long the customer waited.
    Change::of(&msg(FRIDAY + 2 * MIN, Author::Agent), known, None).write(&mut row, known);
    assert_eq!(row.first_response_at, None);
    assert_eq!(row.messages_out, 1);
}

#[test]
fn a_first_event_opens_and_an_automated_mail_counts_nothing() {
    let first = Change::of(&auto(FRIDAY, Author::Contact), Known::default(), None);
    assert_eq!(
        first.tally,
        Tally {
            opened: 1,
            ..Tally::default()
        }
    );
    assert_eq!((first.messages_in, first.first_inbound_at), (0, None));
    let later = Known {
        started_at: Some(FRIDAY),
        first_inbound_at: None,
    };
    assert_eq!(
        Change::of(&auto(FRIDAY, Author::Contact), later, None).tally,
        Tally::default()
    );
    let close = Change::of(&trail(FRIDAY + MIN, TrailKind::Closed), later, None);
    assert_eq!(
        (
            close.assumes,
            close.tally.resolved,
            close.resolution.map(|r| r.ms)
        ),
        (Assumes::Open, 1, Some(MIN))
    );
    let reopen = Change::of(
        &trail(FRIDAY + MIN, TrailKind::ReopenedByReply),
        later,
        None,
    );
    assert_eq!(
        (reopen.assumes, reopen.reopens, reopen.reopen),
        (Assumes::Resolved, 1, true)
    );
}
