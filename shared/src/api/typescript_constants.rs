//! The constants JavaScript shares with Rust, generated beside the API's
//! declarations: `www/inbox/constants.js` must be what this test writes
//! (`UPDATE_API_TYPES=1 cargo test -p shared --features serde typescript`).
//! The inbox imports it; esbuild bundles it into the widget's files module.
//! The facade keeps literal copies (a bundled import costs it bytes it does
//! not have, measured), and the second test fails when one drifts.

use crate::chatbot::MAX_MESSAGE_CHARS;
use crate::contact::CONFIRM_UNVERIFIED;
use crate::email::fold::Fold;
use crate::email::loops::Flag;
use crate::email::signature::MAX_SIGNATURE_CHARS;
use crate::files::{upload_accept, MAX_UPLOAD_BYTES};
use crate::form::MAX_FIELD_CHARS;
use crate::i18n::{Locale, Text, ATTACH_FILE, FILE_NOT_SENT};
use crate::live::{
    MAX_DOUBLINGS, PING, PING_MS, PONG, RECONNECT_FIRST_MS, RECONNECT_MAX_MS, TYPING_SHOW_MS,
};
use crate::saved_reply::{self, MAX_SHORTCUT_CHARS, MAX_TITLE_CHARS};
use crate::site::Language;
use crate::visitor::{COOKIE_MAX_AGE_SECONDS, COOKIE_NAME, MARKER_COOKIE_PREFIX};

use super::response::widget::FILE_MARK;

/// Where the inbox (and the bundler) reads the constants from.
const GENERATED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../www/inbox/constants.js");
/// The facade, which keeps literal copies.
const FACADE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../widget/facade.js");

/// A value as a JavaScript literal.
trait Js {
    /// The literal.
    fn js(&self) -> String;
}

impl Js for &str {
    fn js(&self) -> String {
        serde_json::to_string(self).expect("a string serializes")
    }
}

impl Js for String {
    fn js(&self) -> String {
        self.as_str().js()
    }
}

impl Js for [&str; 2] {
    fn js(&self) -> String {
        format!("[{}, {}]", self[0].js(), self[1].js())
    }
}

/// An object literal: each key (as its text) to its value.
impl Js for Vec<(&str, &str)> {
    fn js(&self) -> String {
        let pairs: Vec<String> = self
            .iter()
            .map(|(key, value)| format!("{}: {}", key.js(), value.js()))
            .collect();
        format!("{{ {} }}", pairs.join(", "))
    }
}

macro_rules! impl_number {
    ($($t:ty),+) => {$(
        impl Js for $t {
            fn js(&self) -> String {
                self.to_string()
            }
        }
    )+};
}
impl_number!(u32, u64, usize);

/// One exported constant: its name, its one-line doc and its literal.
struct Constant {
    name: &'static str,
    doc: &'static str,
    literal: String,
}

macro_rules! constants {
    ($($doc:literal $name:ident = $value:expr;)+) => {
        vec![$(Constant { name: stringify!($name), doc: $doc, literal: Js::js(&$value) }),+]
    };
}

/// A text the widget shows, as `[English, French]`.
fn both(text: Text) -> [&'static str; 2] {
    [text.get(Locale::En), text.get(Locale::Fr)]
}

/// Every constant of the module, in its order.
fn constants() -> Vec<Constant> {
    constants! {
        "shared::live::PING: the keep-alive the server answers with PONG without waking."
        PING = PING;
        "shared::live::PONG."
        PONG = PONG;
        "shared::live::PING_MS: an idle socket pings this often, in ms."
        PING_MS = PING_MS;
        "shared::live::RECONNECT_FIRST_MS: the first reconnection after a drop waits this long, in ms."
        RECONNECT_FIRST_MS = RECONNECT_FIRST_MS;
        "shared::live::RECONNECT_MAX_MS: reconnections wait at most this long, in ms."
        RECONNECT_MAX_MS = RECONNECT_MAX_MS;
        "shared::live::MAX_DOUBLINGS: a backoff doubles at most this many times."
        MAX_DOUBLINGS = MAX_DOUBLINGS;
        "shared::live::TYPING_SHOW_MS: a typing indicator with no news for this long, in ms, is taken down."
        TYPING_SHOW_MS = TYPING_SHOW_MS;
        "shared::saved_reply::MAX_SHORTCUT_CHARS: the longest saved-reply shortcut (without its `/`)."
        SAVED_REPLY_SHORTCUT_CHARS = MAX_SHORTCUT_CHARS;
        "shared::saved_reply::MAX_TITLE_CHARS: the longest saved-reply title."
        SAVED_REPLY_TITLE_CHARS = MAX_TITLE_CHARS;
        "shared::saved_reply::MAX_BODY_CHARS: the longest saved reply."
        SAVED_REPLY_BODY_CHARS = saved_reply::MAX_BODY_CHARS;
        "shared::email::signature::MAX_SIGNATURE_CHARS: the longest email signature (an agent's or a site's)."
        SIGNATURE_CHARS = MAX_SIGNATURE_CHARS;
        "shared::form::MAX_FIELD_CHARS: the longest one-line field, a site's name among them."
        LINE_CHARS = MAX_FIELD_CHARS;
        "shared::chatbot::MAX_MESSAGE_CHARS: the longest greeting or offline message."
        BOT_MESSAGE_CHARS = MAX_MESSAGE_CHARS;
        "shared::label::MAX_NAME_CHARS: the longest label name."
        LABEL_NAME_CHARS = crate::label::MAX_NAME_CHARS;
        "shared::files::MAX_UPLOAD_BYTES: the largest file a visitor or an agent may upload."
        MAX_UPLOAD_BYTES = MAX_UPLOAD_BYTES;
        "shared::files::upload_accept: a file picker's `accept` list, the kinds anyone may upload."
        UPLOAD_ACCEPT = upload_accept();
        "shared::api::FILE_MARK: marks a file's line in the text the widget shows."
        FILE_MARK = FILE_MARK;
        "shared::visitor::COOKIE_NAME: the cookie the widget keeps the visitor token in."
        VISITOR_COOKIE = COOKIE_NAME;
        "shared::visitor::COOKIE_MAX_AGE_SECONDS: that cookie's Max-Age (and the marker's)."
        VISITOR_COOKIE_MAX_AGE = COOKIE_MAX_AGE_SECONDS;
        "shared::visitor::MARKER_COOKIE_PREFIX: the widget's marker cookie is this and the site id."
        MARKER_COOKIE_PREFIX = MARKER_COOKIE_PREFIX;
        "shared::contact::CONFIRM_UNVERIFIED's code: an email to an unverified address awaits the agent's confirmation."
        CONFIRM_UNVERIFIED_EMAIL = CONFIRM_UNVERIFIED.code;
        "shared::email::loops::Flag::SenderUnverified: the flag of inbound mail whose sender could not be verified."
        SENDER_UNVERIFIED = Flag::SenderUnverified.as_str();
        "shared::email::fold::Fold::label: a message's folded part is called this, by what the worker folded (`email_headers.folded`)."
        FOLD_LABELS = Fold::ALL.iter().map(|f| (f.as_str(), f.label())).collect::<Vec<_>>();
        "shared::i18n::Text::OpenChat, [English, French]: the launcher's label."
        OPEN_CHAT = both(Text::OpenChat);
        "shared::i18n::Text::Unread, [English, French]: after the launcher's label, before the number of unread replies."
        UNREAD = both(Text::Unread);
        "shared::i18n::ATTACH_FILE, [English, French]: the paperclip's label."
        ATTACH_FILE = ATTACH_FILE;
        "shared::i18n::FILE_NOT_SENT, [English, French]: the notice when a file was refused or could not be sent."
        FILE_NOT_SENT = FILE_NOT_SENT;
        "shared::team::MAX_NAME_CHARS: the longest team name."
        TEAM_NAME_CHARS = crate::team::MAX_NAME_CHARS;
        "shared::team::MAX_CAPACITY: the largest capacity an agent may be given."
        MAX_CAPACITY = crate::team::MAX_CAPACITY;
        "shared::proactive::SEEN_COOKIE: the cookie recording which proactive messages a visitor with the visitor cookie saw."
        PROACTIVE_SEEN_COOKIE = crate::proactive::SEEN_COOKIE;
        "shared::proactive::DAY_MS: a day, in ms (a daily cap's unit)."
        PROACTIVE_DAY_MS = crate::proactive::DAY_MS;
        "shared::proactive::DISMISS, [English, French]: the proactive bubble's dismiss button."
        PROACTIVE_DISMISS = crate::proactive::DISMISS;
        "shared::proactive::MAX_PER_SITE: the most proactive messages a site keeps."
        PROACTIVE_MAX = crate::proactive::MAX_PER_SITE;
        "shared::proactive::MAX_PATTERN_CHARS: the longest URL pattern."
        PROACTIVE_URL_CHARS = crate::proactive::MAX_PATTERN_CHARS;
        "shared::proactive::MAX_DELAY_SECONDS: the longest time on page a message waits for."
        PROACTIVE_MAX_DELAY = crate::proactive::MAX_DELAY_SECONDS;
    }
}

/// The module's text.
fn module() -> String {
    let mut out = String::from(
        "// Generated from shared by `UPDATE_API_TYPES=1 cargo test -p shared --features serde typescript`\n\
         // (shared/src/api/typescript_constants.rs). Do not edit: change the Rust constant and regenerate.\n",
    );
    for c in constants() {
        out.push_str(&format!(
            "\n/** {} */\nexport const {} = {};\n",
            c.doc, c.name, c.literal
        ));
    }
    out
}

#[test]
fn the_constants_module_is_generated_from_these() {
    let generated = module();
    if std::env::var_os("UPDATE_API_TYPES").is_some() {
        std::fs::write(GENERATED, &generated).expect("www/inbox/ is writable");
    }
    let committed = std::fs::read_to_string(GENERATED).unwrap_or_default();
    assert!(
        committed == generated,
        "www/inbox/constants.js is out of date with shared: run \
         `UPDATE_API_TYPES=1 cargo test -p shared --features serde typescript`"
    );
}

/// The facade's literal copies: each of these literals must stand in
/// `widget/facade.js` as written, so a constant changed in Rust (or a copy
/// edited in the facade) fails here.
#[test]
fn the_facade_keeps_exact_copies_of_its_constants() {
    let facade = std::fs::read_to_string(FACADE).expect("widget/facade.js is readable");
    let [open_en, open_fr] = both(Text::OpenChat);
    let [unread_en, unread_fr] = both(Text::Unread);
    let copies = [
        ("VISITOR_COOKIE", COOKIE_NAME.js()),
        ("MARKER_COOKIE_PREFIX", MARKER_COOKIE_PREFIX.js()),
        (
            "VISITOR_COOKIE_MAX_AGE",
            format!("Max-Age={COOKIE_MAX_AGE_SECONDS}\""),
        ),
        (
            "OPEN_CHAT",
            format!("? {} : {}", open_fr.js(), open_en.js()),
        ),
        (
            "UNREAD",
            format!("? {} : {}", unread_fr.js(), unread_en.js()),
        ),
        // Locale::resolve: a fixed language wins, `auto` speaks French to a browser whose language starts "fr".
        (
            "Locale::resolve",
            format!(
                "c.language == {} || (c.language != {} && /^{}/i.test(navigator.language))",
                Language::Fr.as_str().js(),
                Language::En.as_str().js(),
                Locale::Fr.tag()
            ),
        ),
    ];
    for (name, literal) in copies {
        assert!(
            facade.contains(&literal),
            "widget/facade.js no longer holds {name} as `{literal}`: copy the value from www/inbox/constants.js"
        );
    }
}
