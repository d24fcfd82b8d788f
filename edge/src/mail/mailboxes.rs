//! The isolate's memory of email channels, so that a message to a known
//! mailbox costs one D1 round trip, not two.
//!
//! A remembered row only lets the handler decide early (refuse an unknown or
//! disabled mailbox or an oversize message before reading it): the batch that
//! stores the mail writes nothing unless the row is still as remembered, and
//! hands back the row as it is now, which replaces the memory.

use std::cell::RefCell;
use std::collections::HashMap;

use crate::store::EmailChannelRow;

/// How long a row is trusted before it is read again, ms.
const FRESH_MS: u64 = 60_000;
/// Most mailboxes remembered; past it the memory starts over.
const MOST: usize = 256;

thread_local! {
    static ROWS: RefCell<HashMap<String, (EmailChannelRow, u64)>> = RefCell::new(HashMap::new());
}

/// The row remembered for `subdomain`, if read less than a minute ago.
pub fn recall(subdomain: &str, now: u64) -> Option<EmailChannelRow> {
    ROWS.with(|rows| {
        rows.borrow()
            .get(subdomain)
            .filter(|(_, read_at)| now.saturating_sub(*read_at) < FRESH_MS)
            .map(|(row, _)| row.clone())
    })
}

/// Remembers the row of `subdomain` as read at `now`, or forgets it (`None`).
pub fn remember(subdomain: &str, row: Option<&EmailChannelRow>, now: u64) {
    ROWS.with(|rows| {
        let mut rows = rows.borrow_mut();
        match row {
            Some(row) => {
                if rows.len() >= MOST && !rows.contains_key(subdomain) {
                    rows.clear();
                }
                rows.insert(subdomain.to_string(), (row.clone(), now));
            }
            None => {
                rows.remove(subdomain);
            }
        }
    });
}
