//! Email channel rules: forwarding and reply addresses, Message-IDs, quoted
//! history, and mail that must never trigger automatic answers.

mod address;
#[cfg(feature = "html")]
pub mod html_text;
pub mod loops;
pub mod outbound;
pub mod quote;

pub use address::*;
