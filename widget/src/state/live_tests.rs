//! The live socket's transitions, on the host: when a socket is wanted, how
//! catch-ups and pushes merge, reconnects and the slow-poll fallback, typing
//! both ways, presence asking for the email first, and "Seen".

use shared::conversation::Author;
use shared::form::{FieldMode, FormConfig, FormField};
use shared::live::{PING_MS, TYPING_SHOW_MS};

use super::live::Sock;
use super::tests::load;
use super::{Action, Effect, Push, State, Timer};
use crate::form::{FormStep, VisitorState};
use crate::thread::{Delivery, Line};

type A = Action<&'static str>;
type E = Effect<&'static str>;

const CONFIG: FormConfig = FormConfig {
    phone: FieldMode::Hidden,
    company: FieldMode::Hidden,
    full_name: FieldMode::Hidden,
};

fn msg(author: Author, id: &str, client: Option<&str>, body: &str, seq: u64) -> Line {
    Line {
        client_id: client.map(Into::into),
        id: Some(id.into()),
        author,
        author_name: None,
        body: body.into(),
        created_at: seq as f64 * 10.0,
        delivery: Delivery::Stored,
        seq,
    }
}

fn loaded(lines: Vec<Line>, seen_at: f64) -> A {
    Action::Loaded {
        generation: 0,
        answer: Ok((lines, VisitorState::default(), seen_at)),
    }
}

/// A returning visitor whose thread (`lines`) is loaded, with the panel closed.
fn returning(lines: Vec<Line>) -> (State<&'static str>, Vec<E>) {
    let (mut state, _) = State::start(CONFIG, Some("v1".into()), 0);
    let effects = state.apply(loaded(lines, 0.0));
    (state, effects)
}

/// A returning visitor with the panel open and the socket open.
fn live() -> State<&'static str> {
    let (mut state, _) = returning(vec![msg(Author::Visitor, "m1", Some("c1"), "hi", 1)]);
    state.apply(Action::Open);
    state.apply(Action::Connected { now: 0.0 });
    assert_eq!(state.link.sock, Sock::Open);
    state
}

fn bodies<'a>(state: &'a State<&'static str>) -> Vec<&'a str> {
    state.thread.lines.iter().map(|l| l.body.as_str()).collect()
}

#[test]
fn a_socket_is_held_while_open_awaiting_a_reply_or_with_unread_replies() {
    let (state, effects) = returning(vec![
        msg(Author::Visitor, "m1", Some("c1"), "hi", 1),
        msg(Author::Agent, "m2", None, "hello", 2),
    ]);
    assert_eq!(effects, vec![], "answered and closed: no socket");
    assert!(!state.wants_socket());

    let (mut state, effects) =
        returning(vec![msg(Author::Visitor, "m1", Some("c1"), "any news?", 1)]);
    assert_eq!(
        effects,
        vec![Effect::Connect(Some("v1".into()))],
        "awaiting a reply, panel closed"
    );
    state.apply(Action::Connected { now: 0.0 });
    let effects = state.apply(Action::Pushed(Push::Message(msg(
        Author::Agent,
        "m2",
        None,
        "yes",
        2,
    ))));
    assert_eq!(
        effects,
        vec![Effect::Announce(msg(Author::Agent, "m2", None, "yes", 2))],
        "unread keeps the socket"
    );
    assert_eq!(state.unread, 1);
    assert_eq!(state.apply(Action::Open)[0], Effect::Emit("open"));
    assert_eq!(state.unread, 0, "opening reads them");
    assert_eq!(
        state.apply(Action::Close),
        vec![Effect::Emit("close"), Effect::Disconnect],
        "read and answered: no socket"
    );
    assert_eq!(state.link.sock, Sock::Off);

    let (mut state, _) = State::<&str>::start(CONFIG, None, 0);
    assert!(!state.wants_socket(), "no visitor, no socket");
    assert_eq!(state.apply(Action::Close), vec![]);
}

#[test]
fn catch_ups_and_pushes_merge_each_message_once() {
    let mut state = live();
    let effects = state.apply(Action::Pushed(Push::Message(msg(
        Author::Agent,
        "m3",
        None,
        "second",
        3,
    ))));
    assert_eq!(effects.len(), 1, "a push is announced: {effects:?}");
    // The catch-up after the socket opened overlaps with the push.
    let effects = state.apply(loaded(
        vec![
            msg(Author::Agent, "m2", None, "first", 2),
            msg(Author::Agent, "m3", None, "second", 3),
        ],
        0.0,
    ));
    assert_eq!(
        effects,
        vec![Effect::Announce(msg(Author::Agent, "m2", None, "first", 2))],
        "each reply announced once"
    );
    assert_eq!(bodies(&state), ["hi", "first", "second"]);
    assert_eq!(
        state.apply(Action::Close),
        vec![Effect::Emit("close"), Effect::Disconnect]
    );
    assert_eq!(
        state.apply(Action::Open)[1],
        load("v1", 3),
        "the next catch-up asks after the highest number"
    );

    // The visitor's own send, pushed back (another tab's echo) before the HTTP answer.
    state.apply(Action::Submit {
        text: "thanks".into(),
        client_id: "c9".into(),
        now: 1.0,
    });
    let own = msg(Author::Visitor, "m4", Some("c9"), "thanks", 4);
    assert_eq!(
        state.apply(Action::Pushed(Push::Message(own.clone()))),
        vec![],
        "not news"
    );
    state.apply(Action::Sent {
        generation: 0,
        client_id: "c9".into(),
        answer: Ok(own),
    });
    assert_eq!(
        bodies(&state),
        ["hi", "first", "second", "thanks"],
        "shown once"
    );
}

#[test]
fn a_dropped_socket_reconnects_with_backoff_and_catches_up() {
    let mut state = live();
    let epoch = state.link.epoch;
    assert_eq!(
        state.apply(Action::Disconnected { now: 1.0 }),
        vec![Effect::After(500, Timer::Link(epoch + 1))]
    );
    assert_eq!(
        state.apply(Action::Due(Timer::Link(epoch))),
        vec![],
        "an old timer is ignored"
    );
    assert_eq!(
        state.apply(Action::Due(Timer::Link(epoch + 1))),
        vec![Effect::Connect(Some("v1".into()))]
    );
    assert_eq!(
        state.apply(Action::Connected { now: 2.0 }),
        vec![load("v1", 1)],
        "catch up after every reconnect"
    );
    let effects = state.apply(Action::Disconnected { now: 3.0 });
    assert!(
        matches!(effects[..], [Effect::After(1000, _)]),
        "the second drop in a row waits longer: {effects:?}"
    );
    state.apply(Action::Online);
    state.apply(Action::Connected { now: 10.0 });
    let effects = state.apply(Action::Disconnected {
        now: 10.0 + f64::from(PING_MS),
    });
    assert!(
        matches!(effects[..], [Effect::After(500, _)]),
        "a socket that stayed up starts over: {effects:?}"
    );
}

#[test]
fn a_socket_that_cannot_open_falls_back_to_slow_polls_that_retry_it() {
    let (mut state, _) = returning(vec![msg(Author::Visitor, "m1", Some("c1"), "hi", 1)]);
    let mut delays = Vec::new();
    for _ in 0..5 {
        let effects = state.apply(Action::Disconnected { now: 0.0 }); // refused before it opened
        let [Effect::After(ms, timer)] = effects[..] else {
            panic!("one timer: {effects:?}")
        };
        delays.push(ms);
        assert_eq!(
            state.apply(Action::Due(timer)),
            vec![load("v1", 1), Effect::Connect(Some("v1".into()))],
            "each tick polls and retries the socket"
        );
    }
    assert_eq!(delays, [15_000, 30_000, 60_000, 120_000, 120_000]);
    assert_eq!(
        state.apply(Action::Connected { now: 0.0 }),
        vec![load("v1", 1)]
    );
    state.apply(Action::Disconnected { now: 1.0 });
    state.apply(Action::Online);
    let effects = state.apply(Action::Disconnected { now: 2.0 });
    assert!(
        matches!(effects[..], [Effect::After(15_000, _)]),
        "once open, polling starts over: {effects:?}"
    );
    assert_eq!(
        state.apply(Action::Online),
        vec![Effect::Connect(Some("v1".into()))],
        "back online: retry at once"
    );
}

#[test]
fn the_agents_typing_shows_until_stopped_replied_or_stale() {
    let mut state = live();
    let effects = state.apply(Action::Pushed(Push::Typing(Some("Robin".into()))));
    let [Effect::After(TYPING_SHOW_MS, first)] = effects[..] else {
        panic!("{effects:?}")
    };
    assert_eq!(state.typing.as_deref(), Some("Robin"));
    let effects = state.apply(Action::Pushed(Push::Typing(Some("Robin".into())))); // repeated every ~2 s
    let [Effect::After(_, second)] = effects[..] else {
        panic!("{effects:?}")
    };
    state.apply(Action::Due(first));
    assert_eq!(
        state.typing.as_deref(),
        Some("Robin"),
        "news came since the first timer"
    );
    state.apply(Action::Due(second));
    assert_eq!(state.typing, None, "6 s without news");

    state.apply(Action::Pushed(Push::Typing(Some("Robin".into()))));
    state.apply(Action::Pushed(Push::Typing(None)));
    assert_eq!(state.typing, None, "stopped");
    state.apply(Action::Pushed(Push::Typing(Some("Robin".into()))));
    state.apply(Action::Pushed(Push::Message(msg(
        Author::Agent,
        "m2",
        None,
        "here",
        2,
    ))));
    assert_eq!(state.typing, None, "the reply arrived");
}

#[test]
fn the_visitors_typing_is_paced_sent_last_and_only_on_an_open_socket() {
    let (mut state, _) = State::<&str>::start(CONFIG, Some("v1".into()), 0);
    assert_eq!(
        state.apply(Action::Typed {
            text: "H".into(),
            now: 0.0
        }),
        vec![],
        "no socket, nothing sent"
    );
    let mut state2 = live();
    let s = &mut state2;
    assert_eq!(
        s.apply(Action::Typed {
            text: "H".into(),
            now: 1000.0
        }),
        vec![Effect::Say("H".into())]
    );
    assert_eq!(
        s.apply(Action::Typed {
            text: "He".into(),
            now: 1100.0
        }),
        vec![Effect::After(150, Timer::TypingSend)]
    );
    assert_eq!(
        s.apply(Action::Typed {
            text: "Hel".into(),
            now: 1200.0
        }),
        vec![],
        "one trailing send is enough"
    );
    assert_eq!(
        s.apply(Action::Due(Timer::TypingSend)),
        vec![Effect::Say("Hel".into())],
        "the last text goes"
    );
    assert_eq!(
        s.apply(Action::Typed {
            text: String::new(),
            now: 1260.0
        }),
        vec![Effect::Say(String::new())],
        "emptied: at once"
    );
    s.apply(Action::Typed {
        text: "Hello".into(),
        now: 2000.0,
    });
    let effects = s.apply(Action::Submit {
        text: "Hello".into(),
        client_id: "c2".into(),
        now: 2100.0,
    });
    assert_eq!(
        effects[0],
        Effect::Say(String::new()),
        "a sent message stops the typing"
    );
}

#[test]
fn while_nobody_is_online_the_form_asks_for_the_email_first() {
    let (mut state, _) = State::<&str>::start(CONFIG, Some("v1".into()), 0);
    state.apply(Action::Open);
    state.apply(loaded(vec![], 0.0));
    assert_eq!(
        state.form,
        FormStep::Hidden,
        "online (or not told otherwise): the Form follows the first message"
    );
    state.apply(Action::Connected { now: 0.0 });
    state.apply(Action::Pushed(Push::Presence(false)));
    assert!(!state.online);
    let FormStep::Asking(asking) = &state.form else {
        panic!("asked up front: {:?}", state.form)
    };
    assert_eq!(asking.fields, vec![(FormField::Email, FieldMode::Required)]);
    state.apply(Action::Pushed(Push::Presence(true)));
    assert_eq!(state.form, FormStep::Hidden, "back online: back to normal");

    let known = VisitorState {
        known: vec![FormField::Email],
        form_done: false,
    };
    state.apply(Action::Loaded {
        generation: 0,
        answer: Ok((vec![], known, 0.0)),
    });
    state.apply(Action::Pushed(Push::Presence(false)));
    assert_eq!(
        state.form,
        FormStep::Hidden,
        "an email already known is not asked"
    );
}

#[test]
fn seen_marks_the_visitors_last_message_once_read_after_it() {
    let (mut state, _) = returning(vec![
        msg(Author::Visitor, "m1", Some("c1"), "hi", 1),
        msg(Author::Visitor, "m2", Some("c2"), "again", 2),
    ]);
    assert_eq!(state.seen(), None, "never read");
    state.apply(Action::Pushed(Push::Seen(15.0)));
    assert_eq!(
        state.seen(),
        None,
        "read before the last message (created at 20)"
    );
    state.apply(Action::Pushed(Push::Seen(20.0)));
    assert_eq!(state.seen(), Some(1));
    state.apply(Action::Pushed(Push::Message(msg(
        Author::Agent,
        "m3",
        None,
        "reply",
        3,
    ))));
    assert_eq!(
        state.seen(),
        Some(1),
        "still under the visitor's last message"
    );
    let (state, _) = State::<&str>::start(CONFIG, Some("v1".into()), 0);
    let mut state = state;
    state.apply(loaded(
        vec![msg(Author::Visitor, "m1", Some("c1"), "hi", 1)],
        10.0,
    ));
    assert_eq!(state.seen(), Some(0), "the thread's seen_at counts too");
}

#[test]
fn the_marker_remembers_unread_replies_and_an_awaited_reply_for_the_next_page() {
    let (mut state, _) = State::<&str>::start(CONFIG, Some("v1".into()), 2);
    assert_eq!(state.unread, 2, "the count the page before left");
    assert!(state.wants_socket(), "unread replies keep the socket");
    state.apply(loaded(
        vec![
            msg(Author::Visitor, "m1", Some("c1"), "hi", 1),
            msg(Author::Agent, "m2", None, "yes", 2),
        ],
        0.0,
    ));
    assert_eq!(state.marker(), Some(2), "history does not clear the count");
    state.apply(Action::Pushed(Push::Message(msg(
        Author::Agent,
        "m3",
        None,
        "and more",
        3,
    ))));
    assert_eq!(state.marker(), Some(3));
    state.apply(Action::Open);
    assert_eq!(state.marker(), None, "read, and nothing awaited");
    state.apply(Action::Pushed(Push::Message(msg(
        Author::Visitor,
        "m4",
        Some("c4"),
        "thanks",
        4,
    ))));
    assert_eq!(state.marker(), Some(0), "the visitor awaits a reply");
    state.apply(Action::Reset);
    assert_eq!(state.marker(), None, "a forgotten visitor awaits nothing");
    let (fresh, _) = State::<&str>::start(CONFIG, None, 4);
    assert_eq!(
        (fresh.unread, fresh.marker()),
        (0, None),
        "no visitor, no unread replies"
    );
}

#[test]
fn a_panel_without_a_visitor_holds_a_presence_socket_replaced_once_there_is_one() {
    let (mut state, _) = State::<&'static str>::start(CONFIG, None, 0);
    assert_eq!(
        state.apply(Action::Open),
        vec![Effect::Emit("open"), Effect::Connect(None)]
    );
    assert_eq!(
        state.apply(Action::Connected { now: 0.0 }),
        vec![],
        "nothing to catch up on"
    );
    state.apply(Action::Pushed(Push::Presence(false)));
    assert!(!state.online, "presence without a visitor");
    assert_eq!(
        state.apply(Action::Typed {
            text: "hel".into(),
            now: 1.0
        }),
        vec![],
        "typing before writing goes nowhere"
    );
    assert_eq!(
        state.apply(Action::Close),
        vec![Effect::Emit("close"), Effect::Disconnect],
        "closed and nothing written: no socket"
    );

    state.apply(Action::Open);
    state.apply(Action::Connected { now: 2.0 });
    state.apply(Action::Submit {
        text: "hello".into(),
        client_id: "c1".into(),
        now: 3.0,
    });
    let effects = state.apply(Action::Created {
        generation: 0,
        token: Some("v1".into()),
    });
    assert!(
        effects.contains(&Effect::Connect(Some("v1".into()))),
        "the visitor's own socket replaces the anonymous one: {effects:?}"
    );
    assert_eq!(
        state.apply(Action::Connected { now: 4.0 }),
        vec![load("v1", 0)],
        "and catches up"
    );

    state.apply(Action::Reset);
    assert_eq!(
        state.link.sock,
        Sock::Connecting,
        "forgotten with the panel open: back to presence only"
    );
}
