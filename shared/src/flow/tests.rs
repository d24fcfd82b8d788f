use std::collections::BTreeMap;

use super::*;
use crate::automation::Target;
use crate::chatbot::{Block, Chatbot};

fn say(id: &str, text: &str) -> Step {
    Step::Message {
        id: id.into(),
        text: text.into(),
    }
}

fn form(id: &str) -> Step {
    Step::Form {
        id: id.into(),
        phone: FieldMode::Optional,
        company: FieldMode::Hidden,
        full_name: FieldMode::Required,
    }
}

fn goto(id: &str, target: &str) -> Step {
    Step::Goto {
        id: id.into(),
        target: target.into(),
    }
}

fn button(label: &str, steps: Vec<Step>) -> Button {
    Button {
        label: label.into(),
        steps,
    }
}

fn automation(id: &str) -> Step {
    Step::EnterAutomation {
        id: id.into(),
        automation_id: "au_1".into(),
        target: Target::Webhook,
    }
}

fn flow(steps: Vec<Step>) -> Flow {
    Flow {
        trigger: Trigger::Open,
        greeting: None,
        offline: None,
        steps,
    }
}

const OPEN: Ctx<'static> = Ctx {
    open: true,
    form_done: false,
    lang: "en",
};

/// A tea shop's flow: a menu whose branches join, a question, the Form, then the team.
fn tea_shop() -> Flow {
    flow(vec![
        say("hi", "Hello!"),
        Step::Buttons {
            id: "menu".into(),
            text: "What brings you here?".into(),
            buttons: vec![
                button(
                    "An order",
                    vec![Step::Question {
                        id: "order".into(),
                        text: "Your order number?".into(),
                        save: SaveTo::Conversation {
                            key: "order_number".into(),
                        },
                    }],
                ),
                button(
                    "Choosing a tea",
                    vec![
                        Step::Label {
                            id: "tag".into(),
                            label_id: "lb_advice".into(),
                        },
                        Step::Assign {
                            id: "to_sommeliers".into(),
                            to: Assignee::Team { id: "tm_1".into() },
                        },
                    ],
                ),
                button("Just looking", vec![Step::Close { id: "bye".into() }]),
            ],
        },
        form("form"),
        automation("enter"),
        Step::WaitForAgent {
            id: "wait".into(),
            text: Some("Someone will be with you shortly.".into()),
        },
    ])
}

#[test]
fn a_flow_runs_to_its_first_question_then_follows_each_answer() {
    let shop = tea_shop();
    assert_eq!(shop.validate(), Ok(()));
    let start = shop.start(OPEN);
    assert_eq!(
        start.effects,
        vec![
            Effect::Say("Hello!".into()),
            Effect::Say("What brings you here?".into())
        ]
    );
    assert_eq!(
        start.wait.as_ref().map(|w| (&w.step[..], &w.prompt)),
        Some((
            "menu",
            &Prompt::Buttons(vec![
                "An order".into(),
                "Choosing a tea".into(),
                "Just looking".into()
            ])
        ))
    );
    let order = shop.answer("menu", Answer::Choice(0), OPEN).unwrap();
    assert_eq!(order.echo.as_deref(), Some("An order"));
    assert_eq!(
        order.wait.unwrap().step,
        "order",
        "the branch asks its question"
    );
    let answered = shop
        .answer("order", Answer::Text("  A-1234 "), OPEN)
        .unwrap();
    assert_eq!(
        answered.effects[0],
        Effect::Save {
            to: SaveTo::Conversation {
                key: "order_number".into()
            },
            value: "A-1234".into()
        }
    );
    assert_eq!(
        answered.wait.unwrap().prompt,
        Prompt::Form(shop.form()),
        "the branch joins the main line at the Form"
    );
    let after_form = shop.answer("form", Answer::Form, OPEN).unwrap();
    assert_eq!(
        after_form.effects,
        vec![
            Effect::EnterAutomation("au_1".into()),
            Effect::Say("Someone will be with you shortly.".into())
        ]
    );
    assert_eq!(after_form.wait, None, "waiting for an agent ends the flow");
}

#[test]
fn branches_act_and_end_where_they_say() {
    let shop = tea_shop();
    let advice = shop.answer("menu", Answer::Choice(1), OPEN).unwrap();
    assert_eq!(
        advice.effects,
        vec![
            Effect::Label("lb_advice".into()),
            Effect::Assign(Assignee::Team { id: "tm_1".into() })
        ]
    );
    assert_eq!(advice.wait.unwrap().step, "form");
    let done = Ctx {
        form_done: true,
        ..OPEN
    };
    let known = shop.answer("menu", Answer::Choice(1), done).unwrap();
    assert!(
        known
            .effects
            .contains(&Effect::EnterAutomation("au_1".into())),
        "a visitor who answered the Form passes it"
    );
    let bye = shop.answer("menu", Answer::Choice(2), OPEN).unwrap();
    assert_eq!((bye.effects, bye.wait), (vec![Effect::Close], None));
}

#[test]
fn only_the_step_that_waits_takes_an_answer_of_its_kind() {
    let shop = tea_shop();
    for (at, answer) in [
        ("menu", Answer::Choice(3)),
        ("menu", Answer::Text("An order")),
        ("order", Answer::Choice(0)),
        ("hi", Answer::Text("hello")),
        ("form", Answer::Choice(0)),
        ("nowhere", Answer::Form),
    ] {
        let refused = shop.answer(at, answer, OPEN).unwrap_err();
        assert_eq!(refused.code, "flow_answer_refused", "{at}");
        assert_eq!(refused.step.as_deref(), Some(at));
    }
}

#[test]
fn waiting_for_an_agent_says_the_offline_text_while_nobody_can_answer() {
    let mut shop = flow(vec![Step::WaitForAgent {
        id: "wait".into(),
        text: None,
    }]);
    assert_eq!(shop.start(OPEN).effects, vec![]);
    let mut translations = BTreeMap::new();
    translations.insert("fr".into(), "Nous revenons à 9 h.".into());
    shop.offline = Some(Offline {
        message: Localized {
            text: "Back at nine.".into(),
            translations,
        },
        hours: [None; 7],
        time_zone: "Europe/Paris".into(),
    });
    let closed = Ctx {
        open: false,
        ..OPEN
    };
    assert_eq!(
        shop.start(closed).effects,
        vec![Effect::Say("Back at nine.".into())]
    );
    assert_eq!(
        shop.start(Ctx {
            lang: "fr",
            ..closed
        })
        .effects,
        vec![Effect::Say("Nous revenons à 9 h.".into())]
    );
    assert!(!shop.open_at(0, 600), "closed all week");
}

#[test]
fn a_goto_joins_branches_and_may_ask_again() {
    let menu = flow(vec![Step::Buttons {
        id: "menu".into(),
        text: "Anything else?".into(),
        buttons: vec![
            button("Yes", vec![say("more", "Tell me."), goto("again", "menu")]),
            button("No", vec![Step::Close { id: "end".into() }]),
        ],
    }]);
    assert_eq!(
        menu.validate(),
        Ok(()),
        "a loop through buttons waits for the visitor"
    );
    let again = menu.answer("menu", Answer::Choice(0), OPEN).unwrap();
    assert_eq!(
        again.effects,
        vec![
            Effect::Say("Tell me.".into()),
            Effect::Say("Anything else?".into())
        ]
    );
    assert_eq!(again.wait.unwrap().step, "menu");
}

fn refusal(f: &Flow) -> (&'static str, Option<String>) {
    let e = f.validate().unwrap_err();
    assert!(!e.message.is_empty());
    if let Some(step) = &e.step {
        assert!(e.message.contains(step.as_str()), "{}", e.message);
    }
    (e.code, e.step)
}

#[test]
fn a_flow_that_loops_forever_is_refused_naming_the_step() {
    let looping = flow(vec![say("a", "One"), say("b", "Two"), goto("back", "a")]);
    assert_eq!(refusal(&looping), ("flow_loops", Some("back".into())));
    let through_form = flow(vec![form("f"), goto("back", "f")]);
    assert_eq!(
        refusal(&through_form).0,
        "flow_loops",
        "a Form answered once passes, so it does not stop a loop"
    );
}

#[test]
fn a_step_nobody_reaches_is_refused_naming_it() {
    let after_close = flow(vec![
        Step::Close { id: "end".into() },
        say("lost", "Hello?"),
    ]);
    assert_eq!(
        refusal(&after_close),
        ("flow_unreachable", Some("lost".into()))
    );
    let after_branches = flow(vec![
        Step::Buttons {
            id: "q".into(),
            text: "Yes or no?".into(),
            buttons: vec![
                button("Yes", vec![Step::Close { id: "y".into() }]),
                button("No", vec![Step::Close { id: "n".into() }]),
            ],
        },
        say("never", "Both branches closed"),
    ]);
    assert_eq!(
        refusal(&after_branches),
        ("flow_unreachable", Some("never".into()))
    );
    let rescued = flow(vec![
        Step::Buttons {
            id: "q".into(),
            text: "Yes or no?".into(),
            buttons: vec![
                button("Yes", vec![goto("y", "later")]),
                button("No", vec![Step::Close { id: "n".into() }]),
            ],
        },
        say("later", "A go-to reaches me"),
    ]);
    assert_eq!(rescued.validate(), Ok(()));
}

#[test]
fn entering_an_automation_needs_the_form_on_every_way_there() {
    assert_eq!(
        refusal(&flow(vec![automation("enter"), form("f")])),
        ("flow_needs_form", Some("enter".into()))
    );
    let one_branch_skips = flow(vec![
        Step::Buttons {
            id: "q".into(),
            text: "Sign up?".into(),
            buttons: vec![button("Yes", vec![form("f")]), button("Later", vec![])],
        },
        automation("enter"),
    ]);
    assert_eq!(
        refusal(&one_branch_skips),
        ("flow_needs_form", Some("enter".into()))
    );
    let both = flow(vec![form("f"), say("a", "Thanks"), automation("enter")]);
    assert_eq!(both.validate(), Ok(()));
}

#[test]
fn shapes_are_checked_step_by_step() {
    let long = flow((0..101).map(|i| say(&format!("s{i}"), "Hi")).collect());
    assert_eq!(refusal(&long), ("flow_invalid", None));
    assert_eq!(refusal(&flow(vec![])), ("flow_invalid", None));
    assert_eq!(
        refusal(&flow(vec![say("a", "Hi"), say("a", "Again")])),
        ("flow_invalid", Some("a".into()))
    );
    assert_eq!(refusal(&flow(vec![say("a b", "Hi")])).1, Some("a b".into()));
    assert_eq!(refusal(&flow(vec![say("a", " ")])).1, Some("a".into()));
    assert_eq!(
        refusal(&flow(vec![goto("g", "nowhere")])).1,
        Some("g".into())
    );
    assert_eq!(
        refusal(&flow(vec![form("f1"), form("f2")])),
        ("flow_invalid", None)
    );
    let no_buttons = Step::Buttons {
        id: "q".into(),
        text: "Pick".into(),
        buttons: vec![],
    };
    assert_eq!(refusal(&flow(vec![no_buttons])).1, Some("q".into()));
    let bad_key = Step::Question {
        id: "q".into(),
        text: "Budget?".into(),
        save: SaveTo::Attribute {
            key: "Budget!".into(),
        },
    };
    assert_eq!(refusal(&flow(vec![bad_key])).1, Some("q".into()));
    let mut on_page = flow(vec![say("a", "Hi")]);
    on_page.trigger = Trigger::OnPage {
        url: "/pricing*".into(),
        seconds: 0,
    };
    assert_eq!(refusal(&on_page), ("flow_invalid", None));
    // A pattern the bubble could never match (no leading / or scheme) is refused, as for proactive messages.
    on_page.trigger = Trigger::OnPage {
        url: "pricing".into(),
        seconds: 30,
    };
    assert_eq!(refusal(&on_page), ("flow_invalid", None));
    on_page.trigger = Trigger::OnPage {
        url: "https://shop.example/pricing*".into(),
        seconds: 30,
    };
    assert!(on_page.validate().is_ok());
}

#[test]
fn the_old_chatbot_becomes_the_same_flow() {
    let blocks = Chatbot {
        blocks: vec![
            Block::EnterAutomation {
                automation_id: "au_1".into(),
                target: Target::Webhook,
            },
            Block::Greeting {
                text: "Hi! How can we help?".into(),
                translations: BTreeMap::new(),
            },
            Block::Form {
                phone: FieldMode::Required,
                company: FieldMode::Hidden,
                full_name: FieldMode::Optional,
            },
        ],
    };
    let flow = Flow::from_chatbot(&blocks);
    assert_eq!(flow.validate(), Ok(()));
    assert_eq!(flow.trigger, Trigger::FirstMessage);
    assert_eq!(flow.form(), blocks.form());
    let greeting = flow.greeting.clone().unwrap();
    assert_eq!(greeting.text, "Hi! How can we help?");
    assert_eq!(greeting.translations, blocks.greeting_translations());
    let start = flow.start(OPEN);
    assert_eq!(start.effects, vec![], "the old chatbot said nothing stored");
    assert_eq!(start.wait.unwrap().prompt, Prompt::Form(blocks.form()));
    let after = flow.answer("form", Answer::Form, OPEN).unwrap();
    assert_eq!(after.effects, vec![Effect::EnterAutomation("au_1".into())]);
    let plain = Flow::from_chatbot(&Chatbot::default_for("Hi", Default::default()));
    assert_eq!(plain.validate(), Ok(()));
    assert!(plain.offline.is_none() && plain.open_at(6, 0));
}

#[cfg(feature = "serde")]
#[test]
fn steps_travel_tagged_by_type_with_branches_nested() {
    let json = r#"{"trigger":{"type":"on_page","url":"/pricing*","seconds":30},"steps":[{"type":"buttons","id":"q","text":"Help?","buttons":[{"label":"Yes","steps":[{"type":"assign","id":"a","to":{"type":"team","id":"tm_1"}}]},{"label":"No","steps":[]}]},{"type":"close","id":"c"}]}"#;
    let flow: Flow = serde_json::from_str(json).unwrap();
    assert_eq!(flow.validate(), Ok(()));
    assert!(flow.has_buttons());
    assert_eq!(serde_json::to_string(&flow).unwrap(), json);
    assert!(serde_json::from_str::<Flow>(
        r#"{"trigger":{"type":"open"},"steps":[{"type":"confetti","id":"x"}]}"#
    )
    .is_err());
}

#[test]
fn a_thread_read_finds_what_the_waiting_step_asks() {
    let shop = tea_shop();
    assert_eq!(
        shop.prompt_at("menu"),
        Some(Prompt::Buttons(vec![
            "An order".into(),
            "Choosing a tea".into(),
            "Just looking".into()
        ]))
    );
    assert_eq!(shop.prompt_at("order"), Some(Prompt::Question));
    assert_eq!(shop.prompt_at("form"), Some(Prompt::Form(shop.form())));
    assert_eq!(shop.prompt_at("hi"), None, "a message asks nothing");
    assert_eq!(shop.prompt_at("nowhere"), None);
}

#[test]
fn only_an_opening_trigger_shows_steps_before_anything_is_written() {
    let shop = tea_shop();
    let opening = shop.opening(OPEN).expect("an open trigger shows its steps");
    assert_eq!(opening, shop.start(OPEN));
    assert!(shop.needs_widget_module());
    let legacy = Flow::from_chatbot(&Chatbot::default_for("Hi", FormConfig::default()));
    assert_eq!(legacy.opening(OPEN), None, "the first message starts it");
    assert!(
        !legacy.needs_widget_module(),
        "the blocks' flow needs no buttons module"
    );
    let on_page = Flow {
        trigger: Trigger::OnPage {
            url: "/pricing*".into(),
            seconds: 30,
        },
        ..flow(vec![say("hi", "Need help choosing a tea?")])
    };
    assert!(on_page.needs_widget_module());
    assert_eq!(on_page.opening(OPEN).unwrap().wait, None);
}
