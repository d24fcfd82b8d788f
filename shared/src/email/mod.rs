//! Email channel rules: forwarding and reply addresses, Message-IDs, quoted
//! history, the people a conversation copies (Cc, Bcc), signatures of
//! outgoing mail, and mail that must never trigger automatic answers; with the
//! feature `mail`, the whole pipeline: parsing inbound mail, sanitising its
//! HTML, and building outbound mail.

mod address;
#[cfg(feature = "mail")]
pub mod charset;
#[cfg(feature = "mail")]
pub mod compose;
pub mod fold;
mod header_text;
#[cfg(feature = "mail")]
pub mod html_fold;
#[cfg(feature = "html")]
pub mod html_text;
pub mod loops;
pub mod outbound;
#[cfg(feature = "mail")]
pub mod parse;
#[cfg(feature = "mail")]
mod parts;
pub mod quote;
pub mod recipients;
mod reply_words;
#[cfg(feature = "mail")]
pub mod sanitize;
#[cfg(feature = "mail")]
pub mod sender;
pub mod signature;
#[cfg(feature = "mail")]
pub mod uuencode;

pub use address::*;
pub use header_text::one_line;
