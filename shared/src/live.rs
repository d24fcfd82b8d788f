//! Live conversations: the rules both ends of a socket follow. Which object
//! carries a visitor's socket, how often typing is sent and how long it
//! shows, and how a widget that cannot open a socket falls back to polling.
//! The messages themselves are in `api::live` (worker and inbox).

/// What a socket sends to keep an idle connection open; the object answers
/// [`PONG`] without waking (the WebSocket Hibernation API's auto-response).
pub const PING: &str = "ping";
/// The auto-response to [`PING`].
pub const PONG: &str = "pong";
/// How often an idle socket pings, in ms: under the 100 s after which
/// proxies may drop a silent connection.
pub const PING_MS: u32 = 45_000;

/// A typing client sends at most one typing event this often, in ms.
pub const TYPING_SEND_MS: u32 = 250;
/// A typing indicator with no news for this long, in ms, is taken down.
pub const TYPING_SHOW_MS: u32 = 6_000;
/// The longest preview of what a visitor is typing, in characters.
pub const TYPING_PREVIEW_CHARS: usize = 500;

/// The largest frame a client may send, in bytes; a larger one is dropped
/// unread (a typing preview needs at most about 2 KB).
pub const MAX_FRAME_BYTES: usize = 4096;

/// The first slow poll of a widget whose socket cannot be opened, in ms.
pub const POLL_FIRST_MS: u32 = 15_000;
/// The slowest poll, in ms.
pub const POLL_MAX_MS: u32 = 120_000;

/// The first reconnection of a socket that dropped waits this long, in ms.
pub const RECONNECT_FIRST_MS: u32 = 500;
/// Reconnections wait at most this long, in ms: the first slow poll.
pub const RECONNECT_MAX_MS: u32 = POLL_FIRST_MS;
/// A backoff doubles at most this many times (then only its ceiling holds it).
pub const MAX_DOUBLINGS: u32 = 8;

/// The delay before the `attempt`-th (0-based) slow poll: 15 s, doubling to 2 min.
pub fn poll_delay(attempt: u32) -> u32 {
    POLL_FIRST_MS
        .saturating_mul(1 << attempt.min(MAX_DOUBLINGS))
        .min(POLL_MAX_MS)
}

/// The delay before reconnecting a socket that dropped after `attempt`
/// (0-based) failures in a row: 0.5 s doubling to the first slow poll.
pub fn reconnect_delay(attempt: u32) -> u32 {
    RECONNECT_FIRST_MS
        .saturating_mul(1 << attempt.min(MAX_DOUBLINGS))
        .min(RECONNECT_MAX_MS)
}

/// Which of a site's `shards` visitor objects carries this visitor's sockets
/// (FNV-1a of the visitor id): stable, and spread evenly.
pub fn shard_of(visitor_id: &str, shards: u32) -> u32 {
    let hash = visitor_id.bytes().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    hash % shards.max(1)
}

/// The name of the object that carries the sockets of a site's shard.
pub fn visitor_hub_name(site_id: &str, shard: u32) -> String {
    let mut name = String::with_capacity(site_id.len() + 4);
    name.push_str(site_id);
    name.push('#');
    name.push_str(&shard.to_string());
    name
}

/// The longest preview of a new message in a notice (a desktop notification), in characters.
pub const NOTICE_PREVIEW_CHARS: usize = 140;

/// The first `chars` characters of `text`.
fn clip(text: &str, chars: usize) -> &str {
    match text.char_indices().nth(chars) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// A visitor's typing preview as agents see it: trimmed to [`TYPING_PREVIEW_CHARS`].
pub fn typing_preview(text: &str) -> &str {
    clip(text, TYPING_PREVIEW_CHARS)
}

/// The start of a new message, for a notice: trimmed to [`NOTICE_PREVIEW_CHARS`].
pub fn notice_preview(text: &str) -> &str {
    clip(text, NOTICE_PREVIEW_CHARS)
}

/// Whether a team with these agents' states counts as online: at least one
/// agent has the inbox open (`connected`) and is not set away.
pub fn team_online<'a>(agents: impl IntoIterator<Item = &'a (bool, bool)>) -> bool {
    agents
        .into_iter()
        .any(|&(connected, away)| connected && !away)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polling_backs_off_from_15_seconds_to_2_minutes() {
        let delays: Vec<u32> = (0..6).map(poll_delay).collect();
        assert_eq!(delays, [15_000, 30_000, 60_000, 120_000, 120_000, 120_000]);
        assert_eq!(poll_delay(u32::MAX), POLL_MAX_MS);
        assert!(
            delays.iter().all(|&d| d >= 15_000),
            "the widget never polls faster than every 15 s"
        );
    }

    #[test]
    fn reconnects_start_fast_and_stop_at_the_slow_poll() {
        assert_eq!(reconnect_delay(0), 500);
        assert_eq!(reconnect_delay(3), 4_000);
        assert_eq!(reconnect_delay(30), POLL_FIRST_MS);
    }

    #[test]
    fn shards_are_stable_and_spread() {
        assert_eq!(shard_of("v_abc", 4), shard_of("v_abc", 4));
        assert_eq!(shard_of("v_abc", 1), 0);
        assert_eq!(shard_of("v_abc", 0), 0, "no shards means one");
        let mut counts = [0u32; 4];
        for i in 0..4000 {
            counts[shard_of(&format!("v_{i}"), 4) as usize] += 1;
        }
        assert!(
            counts.iter().all(|&c| (800..1200).contains(&c)),
            "{counts:?}"
        );
        assert_eq!(visitor_hub_name("s_demo", 3), "s_demo#3");
    }

    #[test]
    fn previews_are_cut_at_a_character_boundary() {
        let long = "é".repeat(TYPING_PREVIEW_CHARS + 10);
        assert_eq!(typing_preview(&long).chars().count(), TYPING_PREVIEW_CHARS);
        assert_eq!(typing_preview("hi"), "hi");
        assert_eq!(notice_preview(&"x".repeat(500)).len(), NOTICE_PREVIEW_CHARS);
    }

    #[test]
    fn online_needs_an_open_inbox_not_set_away() {
        assert!(!team_online(&[]));
        assert!(!team_online(&[(true, true), (false, false)]));
        assert!(team_online(&[(true, true), (true, false)]));
    }
}
