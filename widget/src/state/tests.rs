//! The widget's transitions, on the host: what each action changes and which
//! requests it makes, including the races between answers and `reset()`.

use shared::conversation::Author;
use shared::form::{FieldMode, FormConfig, FormField};

use super::{Action, Effect, State};
use crate::form::{FormStep, VisitorState};
use crate::thread::{Delivery, Line};

/// The host page's identify payload, as a stand-in for the JS object.
type Who = &'static str;
type A = Action<Who>;
type E = Effect<Who>;

const CONFIG: FormConfig = FormConfig {
    phone: FieldMode::Optional,
    company: FieldMode::Hidden,
    full_name: FieldMode::Hidden,
};

fn fresh() -> State<Who> {
    let (state, effects) = State::start(CONFIG, None, 0);
    assert_eq!(effects, vec![]);
    state
}

fn returning(token: &str) -> (State<Who>, Vec<E>) {
    State::start(CONFIG, Some(token.into()), 0)
}

fn line(author: Author, client: Option<&str>, body: &str, at: f64) -> Line {
    Line {
        client_id: client.map(Into::into),
        id: Some(["m-", body].concat()),
        author,
        author_name: None,
        body: body.into(),
        created_at: at,
        delivery: Delivery::Stored,
        seq: at as u64,
    }
}

/// The fetch of what the thread lacks (`after`: its last message number).
pub fn load(token: &str, after: u64) -> E {
    Effect::Load {
        generation: 0,
        token: token.into(),
        after,
    }
}

fn unknown() -> VisitorState {
    VisitorState::default()
}

fn submit(text: &str, client_id: &str) -> A {
    Action::Submit {
        text: text.into(),
        client_id: client_id.into(),
        now: 1.0,
    }
}

fn creations(effects: &[E]) -> usize {
    effects
        .iter()
        .filter(|e| matches!(e, Effect::CreateVisitor { .. }))
        .count()
}

fn bodies(state: &State<Who>) -> Vec<(&str, Delivery)> {
    state
        .thread
        .lines
        .iter()
        .map(|l| (l.body.as_str(), l.delivery))
        .collect()
}

#[test]
fn a_returning_visitor_keeps_the_cookie_and_loads_the_thread() {
    let (state, effects) = returning("v1");
    assert_eq!(
        effects,
        vec![Effect::StoreToken("v1".into()), load("v1", 0)]
    );
    assert!(state.loading, "the list is busy until the thread is in");
    assert!(!fresh().loading, "a new visitor has nothing to load");
}

#[test]
fn opening_catches_up_and_connects_closing_disconnects_and_the_host_page_hears() {
    let (mut state, _) = returning("v1");
    assert_eq!(
        state.apply(Action::Toggle),
        vec![
            Effect::Emit("open"),
            load("v1", 0),
            Effect::Connect(Some("v1".into()))
        ]
    );
    assert!(state.open);
    assert_eq!(
        state.apply(Action::Open),
        vec![],
        "opening an open panel does nothing"
    );
    assert_eq!(
        state.apply(Action::Close),
        vec![Effect::Emit("close"), Effect::Disconnect]
    );
    let mut new = fresh();
    assert_eq!(
        new.apply(Action::Open),
        vec![Effect::Emit("open"), Effect::Connect(None)],
        "no visitor for looking: a socket for presence only"
    );
    assert_eq!(
        new.form,
        FormStep::Hidden,
        "nothing asked while the team is online and nothing is written"
    );
}

#[test]
fn looking_makes_no_visitor_writing_answering_or_identify_does() {
    let mut state = fresh();
    state.apply(Action::Open);
    state.apply(Action::Close);
    let effects = state.apply(Action::Open);
    assert_eq!(
        creations(&effects),
        0,
        "opening and closing make no visitor"
    );
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::StoreToken(_))),
        "and no cookie"
    );

    // The team is away: the Form asks for the email first; answering it makes the visitor.
    state.apply(Action::Connected { now: 1.0 });
    state.apply(Action::Pushed(super::Push::Presence(false)));
    let FormStep::Asking(asking) = &state.form else {
        panic!("the email first while nobody is online")
    };
    assert_eq!(asking.fields[0], (FormField::Email, FieldMode::Required));
    let values = [Some("ada@example.com".to_string()), None, None, None];
    assert_eq!(
        state.apply(Action::SubmitForm(values)),
        vec![Effect::CreateVisitor { generation: 0 }]
    );
    let effects = state.apply(Action::Created {
        generation: 0,
        token: Some("v1".into()),
    });
    let answer = vec![(FormField::Email, "ada@example.com".to_string())];
    assert_eq!(
        effects,
        vec![
            Effect::StoreToken("v1".into()),
            Effect::Emit("visitor"),
            Effect::SubmitForm {
                generation: 0,
                token: "v1".into(),
                answer
            },
            Effect::Connect(Some("v1".into())),
        ],
        "the answer goes with the new visitor, whose socket replaces the anonymous one"
    );

    // A file sent first makes the visitor too (the facade waits for the token).
    let mut files = fresh();
    assert_eq!(
        files.apply(Action::Visit),
        vec![Effect::CreateVisitor { generation: 0 }]
    );
    assert_eq!(
        files.apply(Action::Created {
            generation: 0,
            token: Some("v2".into())
        }),
        vec![Effect::StoreToken("v2".into()), Effect::Emit("visitor")],
        "the host page (and the facade, waiting to send the file) hears of it"
    );
    assert_eq!(
        files.apply(Action::Visit),
        vec![],
        "a visitor already: nothing to make"
    );

    // identify() with the panel closed waits; opening then makes the visitor.
    let mut identified = fresh();
    assert_eq!(identified.apply(Action::Identify("ada")), vec![]);
    assert_eq!(creations(&identified.apply(Action::Open)), 1);
}

#[test]
fn the_form_asked_before_writing_stays_when_the_first_message_makes_the_visitor() {
    let mut state = fresh();
    state.apply(Action::Open);
    state.apply(Action::Pushed(super::Push::Presence(false)));
    let asked = state.form.clone();
    assert!(matches!(asked, FormStep::Asking(_)));
    state.apply(submit("hello", "c1"));
    state.apply(Action::Created {
        generation: 0,
        token: Some("v1".into()),
    });
    // The visitor's own socket opens and says again who is online.
    state.apply(Action::Connected { now: 2.0 });
    state.apply(Action::Pushed(super::Push::Presence(false)));
    assert_eq!(
        state.form, asked,
        "not hidden and rebuilt: what the visitor typed in it stays"
    );
    state.apply(Action::Sent {
        generation: 0,
        client_id: "c1".into(),
        answer: Ok(line(Author::Visitor, Some("c1"), "hello", 2.0)),
    });
    assert_eq!(state.form, asked, "still asking, beside the stored message");
}

#[test]
fn an_answer_whose_visitor_could_not_be_made_says_so() {
    let mut state = fresh();
    state.apply(Action::Pushed(super::Push::Presence(false)));
    state.apply(Action::SubmitForm([
        Some("ada@example.com".to_string()),
        None,
        None,
        None,
    ]));
    assert_eq!(
        state.apply(Action::Created {
            generation: 0,
            token: None
        }),
        vec![]
    );
    let FormStep::Asking(asking) = &state.form else {
        panic!("still asking")
    };
    assert!(
        !asking.busy && !asking.notice.is_empty(),
        "the visitor can try again"
    );
}

#[test]
fn an_empty_message_is_refused_with_a_notice() {
    let mut state = fresh();
    assert_eq!(state.apply(submit("  \n ", "c1")), vec![]);
    assert_eq!(state.notice, shared::conversation::BODY_EMPTY.message);
    assert!(state.thread.lines.is_empty());
    assert_eq!(state.composed, 0, "the composer keeps its text");
}

#[test]
fn the_first_message_creates_the_visitor_then_sends_and_learns_the_form() {
    let mut state = fresh();
    state.notice = "old notice";
    assert_eq!(
        state.apply(submit(" hello ", "c1")),
        vec![Effect::CreateVisitor { generation: 0 }]
    );
    assert_eq!((state.composed, state.notice), (1, ""));
    assert_eq!(bodies(&state), [("hello", Delivery::Sending)]);

    let effects = state.apply(Action::Created {
        generation: 0,
        token: Some("v1".into()),
    });
    assert_eq!(
        effects,
        vec![
            Effect::StoreToken("v1".into()),
            Effect::Emit("visitor"),
            Effect::Send {
                generation: 0,
                token: "v1".into(),
                client_id: "c1".into(),
                body: "hello".into()
            },
        ]
    );
    let effects = state.apply(Action::Sent {
        generation: 0,
        client_id: "c1".into(),
        answer: Ok(line(Author::Visitor, Some("c1"), "hello", 2.0)),
    });
    assert_eq!(
        effects,
        vec![Effect::Connect(Some("v1".into()))],
        "a new visitor: nothing to fetch; awaiting a reply, the socket opens"
    );
    assert_eq!(bodies(&state), [("hello", Delivery::Stored)]);

    let FormStep::Asking(asking) = &state.form else {
        panic!("the Form step follows the first message")
    };
    assert_eq!(
        asking.fields,
        vec![
            (FormField::Email, FieldMode::Required),
            (FormField::Phone, FieldMode::Optional)
        ]
    );
}

#[test]
fn sends_go_one_at_a_time_in_order() {
    let (mut state, _) = returning("v1");
    let first = state.apply(submit("one", "c1"));
    assert_eq!(first.len(), 1);
    assert_eq!(
        state.apply(submit("two", "c2")),
        vec![],
        "waits for the first"
    );
    let next = state.apply(Action::Sent {
        generation: 0,
        client_id: "c1".into(),
        answer: Ok(line(Author::Visitor, Some("c1"), "one", 2.0)),
    });
    assert_eq!(
        next,
        vec![
            Effect::Send {
                generation: 0,
                token: "v1".into(),
                client_id: "c2".into(),
                body: "two".into()
            },
            Effect::Connect(Some("v1".into()))
        ]
    );
}

#[test]
fn visitor_creation_is_single_flight() {
    let mut state = fresh();
    let mut effects = state.apply(Action::Identify("ada"));
    assert_eq!(effects, vec![], "identify alone waits for a visitor");
    effects.extend(state.apply(Action::Open));
    effects.extend(state.apply(submit("hi", "c1")));
    effects.extend(state.apply(submit("again", "c2")));
    effects.extend(state.apply(Action::Retry("c1".into())));
    assert_eq!(
        creations(&effects),
        1,
        "one visitor, however fast the visitor types"
    );

    // The identify goes first; sends wait for its answer, then the thread is fetched.
    let effects = state.apply(Action::Created {
        generation: 0,
        token: Some("v1".into()),
    });
    let identify = Effect::Identify {
        generation: 0,
        token: "v1".into(),
        identity: "ada",
    };
    assert_eq!(
        effects,
        vec![
            Effect::StoreToken("v1".into()),
            Effect::Emit("visitor"),
            identify,
            Effect::Connect(Some("v1".into()))
        ],
        "the panel is open: a socket"
    );
    let known = VisitorState {
        known: vec![FormField::Email],
        form_done: false,
    };
    let effects = state.apply(Action::Identified {
        generation: 0,
        answer: Ok(known),
    });
    assert_eq!(
        effects,
        vec![
            load("v1", 0),
            Effect::Send {
                generation: 0,
                token: "v1".into(),
                client_id: "c1".into(),
                body: "hi".into()
            },
        ]
    );
    assert_eq!(
        creations(&state.apply(submit("third", "c3"))),
        0,
        "a visitor exists now"
    );
}

#[test]
fn a_failed_creation_fails_the_waiting_send_and_the_next_one_tries_again() {
    let mut state = fresh();
    state.apply(submit("one", "c1"));
    state.apply(submit("two", "c2"));
    let effects = state.apply(Action::Created {
        generation: 0,
        token: None,
    });
    assert_eq!(effects, vec![Effect::CreateVisitor { generation: 0 }]);
    assert_eq!(
        bodies(&state),
        [("one", Delivery::Failed), ("two", Delivery::Sending)]
    );
}

#[test]
fn a_refused_token_is_forgotten_and_the_send_can_be_retried() {
    let (mut state, _) = returning("v1");
    state.apply(submit("hi", "c1"));
    let effects = state.apply(Action::Sent {
        generation: 0,
        client_id: "c1".into(),
        answer: Err(401),
    });
    assert_eq!(effects, vec![Effect::ForgetToken]);
    assert_eq!(bodies(&state), [("hi", Delivery::Failed)]);
    assert_eq!(
        state.apply(Action::Retry("c1".into())),
        vec![Effect::CreateVisitor { generation: 0 }]
    );
    assert_eq!(state.apply(Action::Retry("unknown".into())), vec![]);
}

#[test]
fn a_refresh_in_flight_after_reset_does_not_bring_the_old_thread_back() {
    let (mut state, effects) = returning("v1");
    assert!(effects.contains(&load("v1", 0)));
    let effects = state.apply(Action::Reset);
    assert_eq!(effects, vec![Effect::ForgetToken]);
    let old = vec![
        line(Author::Visitor, Some("c0"), "before reset", 1.0),
        line(Author::Agent, None, "old reply", 2.0),
    ];
    let effects = state.apply(Action::Loaded {
        generation: 0,
        answer: Ok((old, unknown(), 0.0)),
    });
    assert_eq!(effects, vec![], "nothing announced");
    assert!(
        state.thread.lines.is_empty(),
        "the old thread stays forgotten"
    );
    assert_eq!(state.form, FormStep::Hidden);
    assert!(!state.loading);
}

#[test]
fn answers_about_a_forgotten_visitor_are_dropped() {
    let mut state = fresh();
    state.apply(Action::Open);
    state.apply(Action::Identify("ada"));
    state.apply(Action::Reset);
    // The creation started before reset() finishes after it: no token, no identify.
    assert_eq!(
        state.apply(Action::Created {
            generation: 0,
            token: Some("old".into())
        }),
        vec![]
    );
    assert_eq!(
        state.apply(Action::Due(super::Timer::Link(1))),
        vec![],
        "no visitor, no socket"
    );
    // A new message makes a new visitor at once, without waiting for the old creation.
    assert_eq!(
        state.apply(submit("after reset", "c1")),
        vec![Effect::CreateVisitor { generation: 1 }]
    );
    assert_eq!(
        state.apply(Action::Sent {
            generation: 0,
            client_id: "x".into(),
            answer: Err(500)
        }),
        vec![]
    );
    assert_eq!(bodies(&state), [("after reset", Delivery::Sending)]);
}

#[test]
fn replies_are_announced_only_after_the_first_load() {
    let (mut state, _) = returning("v1");
    let history = vec![
        line(Author::Visitor, Some("c1"), "hi", 1.0),
        line(Author::Agent, None, "old answer", 2.0),
    ];
    assert_eq!(
        state.apply(Action::Loaded {
            generation: 0,
            answer: Ok((history.clone(), unknown(), 0.0))
        }),
        vec![]
    );
    let mut next = history.clone();
    next.push(line(Author::Agent, None, "new answer", 3.0));
    let effects = state.apply(Action::Loaded {
        generation: 0,
        answer: Ok((next.clone(), unknown(), 0.0)),
    });
    assert_eq!(
        effects,
        vec![
            Effect::Announce(line(Author::Agent, None, "new answer", 3.0)),
            Effect::Connect(Some("v1".into()))
        ],
        "unread: the socket opens"
    );
    assert_eq!(state.unread, 1);
    let revision = state.thread.revision;
    assert_eq!(
        state.apply(Action::Loaded {
            generation: 0,
            answer: Ok((next, unknown(), 0.0))
        }),
        vec![],
        "announced once"
    );
    assert_eq!(state.thread.revision, revision);
}

#[test]
fn after_reset_every_reply_is_news() {
    let mut state = fresh();
    state.apply(Action::Reset);
    state.apply(submit("hi", "c1"));
    state.apply(Action::Created {
        generation: 1,
        token: Some("v2".into()),
    });
    state.apply(Action::Sent {
        generation: 1,
        client_id: "c1".into(),
        answer: Ok(line(Author::Visitor, Some("c1"), "hi", 1.0)),
    });
    let thread = vec![
        line(Author::Visitor, Some("c1"), "hi", 1.0),
        line(Author::Agent, None, "welcome", 2.0),
    ];
    let effects = state.apply(Action::Loaded {
        generation: 1,
        answer: Ok((thread, unknown(), 0.0)),
    });
    assert_eq!(
        effects,
        vec![Effect::Announce(line(Author::Agent, None, "welcome", 2.0))]
    );
}

#[test]
fn identify_with_a_visitor_is_sent_at_once_then_the_thread_reloads() {
    let (mut state, _) = returning("v1");
    let effects = state.apply(Action::Identify("ada"));
    assert_eq!(
        effects,
        vec![Effect::Identify {
            generation: 0,
            token: "v1".into(),
            identity: "ada"
        }]
    );
    let effects = state.apply(Action::Identified {
        generation: 0,
        answer: Err("signature required".into()),
    });
    assert_eq!(
        effects,
        vec![
            Effect::IdentifyRefused("signature required".into()),
            load("v1", 0)
        ]
    );
}

#[test]
fn the_form_answer_is_checked_sent_and_thanked() {
    let (mut state, _) = returning("v1");
    let thread = vec![line(Author::Visitor, Some("c1"), "hi", 1.0)];
    state.apply(Action::Loaded {
        generation: 0,
        answer: Ok((thread, unknown(), 0.0)),
    });
    assert!(matches!(state.form, FormStep::Asking(_)));
    assert_eq!(
        state.apply(Action::SubmitForm([
            Some("ada@".into()),
            Some("".into()),
            None,
            None
        ])),
        vec![]
    );
    let effects = state.apply(Action::SubmitForm([
        Some(" ada@example.com ".into()),
        Some("".into()),
        None,
        None,
    ]));
    assert_eq!(
        effects,
        vec![Effect::SubmitForm {
            generation: 0,
            token: "v1".into(),
            answer: vec![(FormField::Email, "ada@example.com".into())]
        }]
    );
    let done = VisitorState {
        known: vec![FormField::Email],
        form_done: true,
    };
    state.apply(Action::FormAnswered {
        generation: 0,
        answer: Ok(done.clone()),
    });
    assert_eq!(state.form, FormStep::Thanked);
    state.apply(Action::Loaded {
        generation: 0,
        answer: Ok((
            vec![line(Author::Visitor, Some("c1"), "hi", 1.0)],
            done,
            0.0,
        )),
    });
    assert_eq!(state.form, FormStep::Thanked, "not asked again");
    state.apply(Action::Reset);
    assert_eq!(state.form, FormStep::Hidden);
}
