//! HTML from email, made safe to show in the inbox: an allow-list of
//! formatting tags, no scripts, styles, event handlers, forms or frames, and
//! links that cannot reach back into the inbox.

use std::collections::HashSet;

/// Sanitised HTML of an email body.
pub fn html(dirty: &str) -> String {
    ammonia::Builder::default()
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("noopener noreferrer nofollow"))
        .rm_tags(["img"]) // remote images are read receipts for the sender
        .clean(dirty)
        .to_string()
}
