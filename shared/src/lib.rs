//! Parley's domain core: the types and rules that the worker (`edge`) and the
//! widget (`widget`) share. Pure Rust, no I/O, tested on the host.
//!
//! Rule violations are reported as [`Invalid`]: a stable machine code and a
//! human sentence, both `&'static str`, so the widget can show them without
//! pulling string formatting into its WebAssembly.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod agent;
#[cfg(feature = "serde")]
pub mod api;
pub mod automation;
pub mod chat_page;
pub mod chatbot;
pub mod contact;
pub mod conversation;
pub mod digest;
/// Hexadecimal, from the well-kept `hex` crate (re-exported for the worker).
pub use hex;
pub mod email;
#[cfg(feature = "files")]
pub mod files;
pub mod form;
pub mod i18n;
pub mod identity;
pub mod live;
pub mod messenger;
pub mod saved_reply;
pub mod search;
pub mod site;
pub mod template;
pub mod transcript;
pub mod visitor;

/// A rule a value broke: a stable `code` for programs and a `message` for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invalid {
    /// Machine-readable reason, e.g. `"email_invalid"`.
    pub code: &'static str,
    /// One readable sentence saying what is wrong and what is accepted.
    pub message: &'static str,
}

impl Invalid {
    /// A rule violation with the given code and message.
    pub const fn new(code: &'static str, message: &'static str) -> Self {
        Self { code, message }
    }
}
