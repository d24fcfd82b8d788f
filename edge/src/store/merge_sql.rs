//! The statements of a merge's batch (`merge`), in order: the decision
//! first, then the moves, each gated on the decision's `merge_id`. Every
//! statement reads rows by an index (ids, `merged_into`, `contact_id`,
//! `conversation_id`): no scan.

use shared::email::recipients::MAX_KEPT_CC;
use shared::trail::TrailKind;

use super::batch::Param;
use super::merge::{Bound, Kind};

/// The decision of a conversation merge, over the row `t` (`conversations`
/// or an alias of it): both the account's, of one contact, neither merged
/// away, `from` still as open or closed as read (`status`).
pub(super) fn decides(b: &Bound, status: Param, t: &str) -> String {
    let Bound {
        from,
        into,
        account,
        ..
    } = b;
    format!(
        "{t}.id = {from} AND {t}.account_id = {account} AND {t}.merged_into IS NULL AND {t}.contact_id IS NOT NULL \
         AND {t}.id != {into} AND {t}.status = {status} \
         AND EXISTS (SELECT 1 FROM conversations s WHERE s.id = {into} AND s.account_id = {account} \
           AND s.merged_into IS NULL AND s.contact_id = {t}.contact_id)"
    )
}

/// Where the survivor of a merge `decides` allows is reopened by it: it is
/// closed, `from` was open, and its visitor has no other open chat (as the
/// survivor's update below decides, `from` already closed by then).
pub(super) fn survivor_reopens(b: &Bound, status: Param) -> String {
    let Bound { from, into, .. } = b;
    format!(
        "id = {into} AND {status} = 'open' AND EXISTS (SELECT 1 FROM conversations d WHERE {}) \
         AND NOT EXISTS (SELECT 1 FROM conversations x WHERE conversations.channel = 'chat' \
           AND x.visitor_id = conversations.visitor_id AND x.channel = 'chat' AND x.status = 'open' \
           AND x.id != conversations.id AND x.id != {from})",
        decides(b, status, "d")
    )
}

/// The batch of a conversation merge: `from` into `into`, by `agent`;
/// `status` is `from`'s status as read before (compared in the decision).
pub(super) fn conversation(b: &Bound, agent: Param, status: Param) -> Vec<String> {
    let Bound {
        from,
        into,
        merge,
        now,
        ..
    } = b;
    let g = b.gate(Kind::Conversation);
    let merged = TrailKind::Merged.as_str();
    vec![
        // The decision: both the account's, of one contact, neither merged
        // away, `from` still as open or closed as read. The merged-away one
        // is closed and its snooze ends.
        format!(
            "UPDATE conversations SET merged_into = {into}, merged_at = {now}, merge_id = {merge}, status = 'closed', \
               snoozed_at = NULL, wake_at = NULL, woken_at = NULL WHERE {}",
            decides(b, status, "conversations")
        ),
        // Both threads renumbered by time above every number either had, so
        // a widget catching up (`seq > last`) gets the merged thread in order
        // and no number is taken twice.
        format!(
            "UPDATE messages SET seq = n.base + n.r FROM \
               (SELECT rowid AS rid, ROW_NUMBER() OVER (ORDER BY created_at, rowid) AS r, \
                  (SELECT MAX(seq) FROM messages WHERE conversation_id IN ({from}, {into})) AS base \
                FROM messages WHERE conversation_id IN ({from}, {into})) AS n \
             WHERE messages.rowid = n.rid AND {g}"
        ),
        // The messages move (their words in the search index with them: it
        // is keyed by the row), remembering where they were written.
        format!(
            "UPDATE messages SET conversation_id = {into}, merged_from = COALESCE(merged_from, {from}) \
             WHERE conversation_id = {from} AND {g}"
        ),
        // What was merged into `from` now points at `into`: never a chain.
        format!("UPDATE conversations SET merged_into = {into} WHERE merged_into = {from} AND {g}"),
        // The survivor: the earlier start and later activity, the chat
        // visitor and assignee it lacked, reopened if `from` was open (unless
        // its visitor has another open chat), unread if either was.
        format!(
            "UPDATE conversations SET started_at = MIN(conversations.started_at, o.started_at), \
               last_message_at = MAX(conversations.last_message_at, o.last_message_at), \
               visitor_id = COALESCE(conversations.visitor_id, o.visitor_id), \
               assignee_id = COALESCE(conversations.assignee_id, o.assignee_id), \
               subject = COALESCE(conversations.subject, o.subject), \
               agent_read_at = MIN(conversations.agent_read_at, o.agent_read_at), \
               status = CASE WHEN {status} = 'open' AND NOT EXISTS (SELECT 1 FROM conversations x \
                   WHERE conversations.channel = 'chat' AND x.visitor_id = conversations.visitor_id AND x.channel = 'chat' \
                     AND x.status = 'open' AND x.id != conversations.id) \
                 THEN 'open' ELSE conversations.status END \
             FROM (SELECT started_at, last_message_at, visitor_id, assignee_id, subject, agent_read_at \
                   FROM conversations WHERE id = {from}) AS o \
             WHERE conversations.id = {into} AND {g}"
        ),
        // Labels: the union, in the survivor's list order.
        format!(
            "INSERT OR IGNORE INTO conversation_labels (conversation_id, label_id, last_message_at, created_at) \
             SELECT {into}, k.label_id, (SELECT last_message_at FROM conversations WHERE id = {into}), k.created_at \
             FROM conversation_labels k WHERE k.conversation_id = {from} AND {g}"
        ),
        format!("DELETE FROM conversation_labels WHERE conversation_id = {from} AND {g}"),
        // The trail (events and notes) and the mentions follow.
        format!("UPDATE trail SET conversation_id = {into} WHERE conversation_id = {from} AND {g}"),
        format!(
            "INSERT INTO mentions (agent_id, conversation_id, note_id, mentioned_at) \
             SELECT agent_id, {into}, note_id, mentioned_at FROM mentions WHERE conversation_id = {from} AND {g} \
             ON CONFLICT (agent_id, conversation_id) DO UPDATE SET \
               note_id = CASE WHEN excluded.mentioned_at > mentions.mentioned_at THEN excluded.note_id ELSE mentions.note_id END, \
               mentioned_at = MAX(mentions.mentioned_at, excluded.mentioned_at)"
        ),
        format!("DELETE FROM mentions WHERE conversation_id = {from} AND {g}"),
        // The people copied: the union, within the conversation's limit.
        format!(
            "INSERT OR IGNORE INTO conversation_cc (conversation_id, address, name, position) \
             SELECT {into}, address, name, position FROM conversation_cc WHERE conversation_id = {from} AND {g} \
               AND address NOT IN (SELECT address FROM conversation_cc WHERE conversation_id = {into}) \
             ORDER BY position LIMIT MAX(0, {MAX_KEPT_CC} - (SELECT COUNT(*) FROM conversation_cc WHERE conversation_id = {into}))"
        ),
        // The survivor's trail says so.
        format!(
            "INSERT INTO trail (id, conversation_id, kind, agent_id, detail, created_at) \
             SELECT {merge}, {into}, '{merged}', {agent}, {from}, {now} WHERE {g}"
        ),
    ]
}

/// The batch of a contact merge: `from` into `into`; `email` is `from`'s
/// address as read before (compared in the decision).
pub(super) fn contact(b: &Bound, email: Param) -> Vec<String> {
    let Bound {
        from,
        into,
        account,
        merge,
        now,
        ..
    } = b;
    let g = b.gate(Kind::Contact);
    vec![
        // The decision. When the survivor has no address, `from`'s moves to
        // it (cleared here first: an address names one contact).
        format!(
            "UPDATE contacts SET merged_into = {into}, merged_at = {now}, merge_id = {merge}, \
               email = CASE WHEN (SELECT email FROM contacts WHERE id = {into}) IS NULL THEN NULL ELSE email END \
             WHERE id = {from} AND account_id = {account} AND merged_into IS NULL AND id != {into} AND email IS {email} \
               AND EXISTS (SELECT 1 FROM contacts s WHERE s.id = {into} AND s.account_id = {account} AND s.merged_into IS NULL)"
        ),
        // The survivor takes what it lacks, each value with its "stated" mark.
        format!(
            "UPDATE contacts SET email = COALESCE(contacts.email, {email}), \
               name_from_email = COALESCE(contacts.name_from_email, o.name_from_email), \
               phone_stated = CASE WHEN contacts.phone IS NULL THEN o.phone_stated ELSE contacts.phone_stated END, \
               phone = COALESCE(contacts.phone, o.phone), \
               company_stated = CASE WHEN contacts.company IS NULL THEN o.company_stated ELSE contacts.company_stated END, \
               company = COALESCE(contacts.company, o.company), \
               full_name_stated = CASE WHEN contacts.full_name IS NULL THEN o.full_name_stated ELSE contacts.full_name_stated END, \
               full_name = COALESCE(contacts.full_name, o.full_name), \
               marketing_opt_in = MAX(contacts.marketing_opt_in, o.marketing_opt_in), \
               created_at = MIN(contacts.created_at, o.created_at), updated_at = {now} \
             FROM (SELECT * FROM contacts WHERE id = {from}) AS o WHERE contacts.id = {into} AND {g}"
        ),
        // Contact attributes: the survivor takes the values it lacks and keeps
        // its own; a value it already has stays on the merged-away row (its
        // export and erasure still reach it), never overwriting.
        format!("UPDATE OR IGNORE contact_attribute_values SET contact_id = {into} WHERE contact_id = {from} AND {g}"),
        format!("UPDATE conversations SET contact_id = {into} WHERE contact_id = {from} AND {g}"),
        format!("UPDATE messages SET contact_id = {into} WHERE contact_id = {from} AND {g}"),
        // Visitors' ties move as they are: a verified tie stays verified, an
        // unverified claim stays a claim.
        format!("UPDATE visitors SET contact_id = {into} WHERE contact_id = {from} AND {g}"),
        format!(
            "INSERT OR IGNORE INTO contact_labels (contact_id, label_id, created_at) \
             SELECT {into}, label_id, created_at FROM contact_labels WHERE contact_id = {from} AND {g}"
        ),
        format!("DELETE FROM contact_labels WHERE contact_id = {from} AND {g}"),
        format!("UPDATE contacts SET merged_into = {into} WHERE merged_into = {from} AND {g}"),
    ]
}
