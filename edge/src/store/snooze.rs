//! SQL of snooze: parking an open conversation until a time or the
//! customer's reply, taking it back, and the alarm's wake of every
//! conversation due (migration 0021; a customer message wakes one in
//! `Store::reopen_for`, and closing one ends its snooze in
//! `update_conversation`). Each records its trail event in its own batch.

use serde::Deserialize;
use wasm_bindgen::JsValue;

use super::trail::TrailChange;
use super::{ms, Store};
use crate::error::ApiResult;
use shared::trail::TrailKind;

/// What a snooze or its removal found.
#[derive(Debug, PartialEq, Eq)]
pub enum Snoozed {
    /// Written.
    Done,
    /// The conversation is the account's but not open (closed, or spam).
    NotOpen,
    /// No such conversation in the account.
    Missing,
}

/// A row's id.
#[derive(Deserialize)]
struct Id {
    id: String,
}

/// The next wake time of an account.
#[derive(Deserialize)]
struct Next {
    at: Option<u64>,
}

/// What one alarm woke, and when the next one is due.
#[derive(Debug, Default)]
pub struct Woken {
    /// The conversations woken now.
    pub ids: Vec<String>,
    /// The account's next wake time (ms), if any conversation still waits for one.
    pub next: Option<u64>,
}

impl Store {
    /// Snoozes an open conversation of the account until `wake_at` (`None`:
    /// until the customer replies), replacing any earlier snooze; its woken
    /// mark goes. Decided in the statement: a closed or spam conversation is
    /// not snoozed. The trail records it by `by` where it changes the
    /// snooze (a retry with the same wake time records nothing more).
    pub async fn snooze(
        &self,
        (account_id, by): (&str, &str),
        conversation_id: &str,
        wake_at: Option<u64>,
        now: u64,
    ) -> ApiResult<Snoozed> {
        let wake = wake_at.map_or(JsValue::NULL, ms);
        let args = [account_id.into(), conversation_id.into(), ms(now), wake];
        let ours = "account_id = ?1 AND id = ?2 AND status = 'open' AND spam_at IS NULL";
        let detail = wake_at.map(|at| at.to_string());
        let event = TrailChange {
            kind: TrailKind::Snoozed,
            agent_id: by,
            detail: detail.as_deref(),
            at: now,
        };
        let mut batch = self.batch();
        batch.push(self.trail_event(
            &event,
            ours,
            "snoozed_at IS NULL OR wake_at IS NOT ?4",
            &args,
        )?);
        let changed = batch.write(self.prepare(
            &format!("UPDATE conversations SET snoozed_at = ?3, wake_at = ?4, woken_at = NULL WHERE {ours}"),
            &args,
        )?);
        if batch.run().await?.changes(changed)? == 1 {
            return Ok(Snoozed::Done);
        }
        self.exists(account_id, conversation_id, Snoozed::NotOpen)
            .await
    }

    /// Ends a conversation's snooze by hand (nothing to do if it is not
    /// snoozed); the trail records it by `by` only if it was snoozed.
    pub async fn unsnooze(
        &self,
        (account_id, by): (&str, &str),
        conversation_id: &str,
        now: u64,
    ) -> ApiResult<Snoozed> {
        let args = [account_id.into(), conversation_id.into()];
        let ours = "account_id = ?1 AND id = ?2";
        let event = TrailChange {
            kind: TrailKind::Unsnoozed,
            agent_id: by,
            detail: None,
            at: now,
        };
        let mut batch = self.batch();
        batch.push(self.trail_event(&event, ours, "snoozed_at IS NOT NULL", &args)?);
        let found = batch.rows::<Id>(self.prepare(
            &format!("UPDATE conversations SET snoozed_at = NULL, wake_at = NULL WHERE {ours} RETURNING id"),
            &args,
        )?);
        Ok(if batch.run().await?.first(&found)?.is_some() {
            Snoozed::Done
        } else {
            Snoozed::Missing
        })
    }

    /// `otherwise` if the conversation is the account's, else [`Snoozed::Missing`].
    async fn exists(&self, account_id: &str, id: &str, otherwise: Snoozed) -> ApiResult<Snoozed> {
        let found: Option<Id> = self
            .first(
                "SELECT id FROM conversations WHERE account_id = ?1 AND id = ?2",
                &[account_id.into(), id.into()],
            )
            .await?;
        Ok(if found.is_some() {
            otherwise
        } else {
            Snoozed::Missing
        })
    }

    /// Wakes every conversation of the account due at `now`, and reads the
    /// next wake time, in one batch. Compare-and-set on the wake time in one
    /// statement: a snooze moved later or ended since the alarm was set is
    /// not due, and a conversation already woken (a retried alarm, or the
    /// customer wrote first) is not woken twice.
    pub async fn wake_due(&self, account_id: &str, now: u64) -> ApiResult<Woken> {
        let args = [account_id.into(), ms(now)];
        let due = "account_id = ?1 AND wake_at IS NOT NULL AND wake_at <= ?2";
        let mut batch = self.batch();
        // The trail first (by the system), of the same conversations the wake takes.
        let woke = format!("'{}'", TrailKind::Woke.as_str());
        batch.push(self.system_events(&woke, due, &args, now)?);
        let woken = batch.rows::<Id>(self.prepare(
            &format!("UPDATE conversations SET snoozed_at = NULL, wake_at = NULL, woken_at = ?2 WHERE {due} RETURNING id"),
            &args,
        )?);
        let next = batch.rows::<Next>(self.prepare(
            "SELECT MIN(wake_at) AS at FROM conversations WHERE account_id = ?1 AND wake_at IS NOT NULL",
            &args[..1],
        )?);
        let ran = batch.run().await?;
        Ok(Woken {
            ids: ran.rows(&woken)?.into_iter().map(|r| r.id).collect(),
            next: ran.first(&next)?.and_then(|n| n.at),
        })
    }

    /// The accounts with a snoozed conversation whose wake time has passed
    /// (the cron's backstop of the alarms): one lookup in the wake-time
    /// index per account, never a walk of the conversations.
    pub async fn accounts_overdue(&self, now: u64) -> ApiResult<Vec<String>> {
        let rows: Vec<Id> = self
            .all(
                "SELECT a.id FROM accounts a WHERE EXISTS (SELECT 1 FROM conversations c \
                 WHERE c.account_id = a.id AND c.wake_at IS NOT NULL AND c.wake_at <= ?1)",
                &[ms(now)],
            )
            .await?;
        Ok(rows.into_iter().map(|r| r.id).collect())
    }
}
