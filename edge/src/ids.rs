//! Random identifiers and secrets, and the clock.

use shared::hex;

/// Fills `N` bytes from the platform's cryptographic random source.
fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("crypto.getRandomValues is available in workerd");
    bytes
}

/// A new id: `prefix`, `_`, and 128 random bits in hex (e.g. `c_9f…`).
pub fn new_id(prefix: &str) -> String {
    let mut id = String::with_capacity(prefix.len() + 33);
    id.push_str(prefix);
    id.push('_');
    id.push_str(&hex::encode(random::<16>()));
    id
}

/// A new 256-bit secret in hex, for tokens whose hash is stored.
pub fn new_secret() -> String {
    hex::encode(random::<32>())
}

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> u64 {
    worker::Date::now().as_millis()
}
