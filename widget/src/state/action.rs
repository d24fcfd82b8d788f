//! What happens to the widget ([`Action`]) and what it asks the bridge to do
//! ([`Effect`]): the vocabulary of [`super::State::apply`].

use shared::form::FormField;

use super::{Push, Timer};
use crate::form::{Answer, Values, VisitorState};
use crate::thread::Line;

/// A refusal of the Form answer: per-field messages, and the worker's message.
pub type FormRefusal = (Vec<(FormField, String)>, Option<String>);

/// Something that happened, for the state to react to. `I` is the host page's
/// `identify` payload, passed through untouched.
#[derive(Debug, PartialEq)]
pub enum Action<I> {
    /// The visitor or the host page opens the panel.
    Open,
    /// The visitor or the host page closes the panel.
    Close,
    /// The launcher was pressed.
    Toggle,
    /// The host page says who the visitor is.
    Identify(I),
    /// The host page's user signed out: forget the visitor on this browser.
    Reset,
    /// A file is sent: make the visitor if there is none.
    Visit,
    /// The composer's text changed (`now`: ms).
    Typed { text: String, now: f64 },
    /// The live socket opened.
    Connected { now: f64 },
    /// The live socket closed, or could not open.
    Disconnected { now: f64 },
    /// The worker pushed this on the socket.
    Pushed(Push),
    /// A timer the state asked for ran out.
    Due(Timer),
    /// The browser is back online.
    Online,
    /// The visitor sends the composer's text; `client_id` and `now` are fresh.
    Submit {
        text: String,
        client_id: String,
        now: f64,
    },
    /// The visitor retries a failed send.
    Retry(String),
    /// The visitor submits the Form step with these values.
    SubmitForm(Values),
    /// The worker created a visitor (`None`: it could not).
    Created {
        generation: u32,
        token: Option<String>,
    },
    /// The worker answered an identify (`Err`: why it refused).
    Identified {
        generation: u32,
        answer: Result<VisitorState, String>,
    },
    /// The worker sent the stored messages asked for, what it knows of the
    /// visitor, and when an agent last read the thread (ms, 0 never)
    /// (`Err`: the HTTP status, 0 offline).
    Loaded {
        generation: u32,
        answer: Result<(Vec<Line>, VisitorState, f64), u16>,
    },
    /// The worker answered a send (`Err`: the HTTP status, 0 offline).
    Sent {
        generation: u32,
        client_id: String,
        answer: Result<Line, u16>,
    },
    /// The worker answered the Form step.
    FormAnswered {
        generation: u32,
        answer: Result<VisitorState, FormRefusal>,
    },
}

/// Something the bridge must do for the state: a request, the cookie, the host page.
#[derive(Debug, PartialEq)]
pub enum Effect<I> {
    /// Create a visitor.
    CreateVisitor { generation: u32 },
    /// Send the host page's identify.
    Identify {
        generation: u32,
        token: String,
        identity: I,
    },
    /// Fetch the stored messages numbered after `after`, and what is known of the visitor.
    Load {
        generation: u32,
        token: String,
        after: u64,
    },
    /// Send one message.
    Send {
        generation: u32,
        token: String,
        client_id: String,
        body: String,
    },
    /// Send the Form step's answer.
    SubmitForm {
        generation: u32,
        token: String,
        answer: Answer,
    },
    /// Keep the visitor token in the cookie (another 30 days).
    StoreToken(String),
    /// Forget the visitor token.
    ForgetToken,
    /// Open the live socket with this visitor token, or without one (presence only).
    Connect(Option<String>),
    /// Close the live socket.
    Disconnect,
    /// Send what the visitor is typing on the socket.
    Say(String),
    /// Come back with `Action::Due` after this many ms.
    After(u32, Timer),
    /// Tell the host page the panel opened (`"open"`), closed (`"close"`), or
    /// that the visitor was made and the cookie set (`"visitor"`).
    Emit(&'static str),
    /// Tell the host page a reply arrived.
    Announce(Line),
    /// Tell the host page's developer an identify was refused, and why.
    IdentifyRefused(String),
}
