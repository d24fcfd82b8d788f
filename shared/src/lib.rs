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
#[cfg(feature = "serde")]
pub mod attribute;
pub mod automation;
pub mod chat_page;
pub mod chatbot;
pub mod contact;
pub mod conversation;
#[cfg(feature = "serde")]
pub mod crm;
#[cfg(feature = "serde")]
pub mod crm_card;
pub mod csat;
pub mod csv;
pub mod digest;
/// Hexadecimal, from the well-kept `hex` crate (re-exported for the worker).
pub use hex;
pub mod email;
pub mod files;
#[cfg(feature = "serde")]
pub mod flow;
pub mod form;
pub mod i18n;
pub mod identity;
pub mod label;
pub mod live;
pub mod messenger;
pub mod name;
pub mod proactive;
#[cfg(feature = "push")]
pub mod push;
pub mod report;
pub mod saved_reply;
pub mod search;
pub mod site;
pub mod sla;
pub mod snooze;
pub mod team;
pub mod template;
pub mod trail;
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

/// How many decimal digits `n` has (see [`decimal!`]).
pub const fn decimal_len(mut n: u64) -> usize {
    let mut len = 1;
    while n >= 10 {
        n /= 10;
        len += 1;
    }
    len
}

/// `n`'s `N` decimal digits, at compile time (see [`decimal!`]).
pub const fn decimal_digits<const N: usize>(mut n: u64) -> [u8; N] {
    let mut out = [b'0'; N];
    let mut i = N;
    while i > 0 {
        i -= 1;
        out[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    out
}

/// A numeric constant in decimal, as a `&'static str` made at compile time:
/// the widget carries the digits, and no integer formatting, yet the number
/// is written once, in Rust.
#[macro_export]
macro_rules! decimal {
    ($n:expr) => {{
        const LEN: usize = $crate::decimal_len($n as u64);
        const DIGITS: [u8; LEN] = $crate::decimal_digits::<LEN>($n as u64);
        const TEXT: &str = match ::core::str::from_utf8(&DIGITS) {
            Ok(text) => text,
            Err(_) => panic!("decimal digits are UTF-8"),
        };
        TEXT
    }};
}

#[cfg(test)]
mod tests {
    #[test]
    fn decimal_writes_constants_as_rust_formats_them() {
        assert_eq!(crate::decimal!(0), "0");
        assert_eq!(crate::decimal!(7u8), "7");
        assert_eq!(crate::decimal!(10_000usize), "10000");
        assert_eq!(
            crate::decimal!(crate::visitor::COOKIE_MAX_AGE_SECONDS),
            "2592000"
        );
        assert_eq!(crate::decimal!(u64::MAX), u64::MAX.to_string());
    }
}
