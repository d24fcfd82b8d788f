//! SQL of one effect of a flow's turn (`store::widget::flows`): a bot line,
//! an attribute, an assignment or a label with its trail event, the
//! automation's event, or the close; each runs only where the turn's mark is.

use shared::automation::Event;
use shared::conversation::Channel;
use shared::crm::{idempotency_key, JobCause};
use shared::flow::{Assignee, Effect, SaveTo};
use shared::trail::TrailKind;
use wasm_bindgen::JsValue;

use super::flows::Turn;
use crate::error::{ApiError, ApiResult};
use crate::ids::new_id;
use crate::store::automations::{EventOf, Queued};
use crate::store::batch::{Args, Batch};
use crate::store::crm_jobs::JobOf;
use crate::store::report::{Report, Target};
use crate::store::{attributes, ms, opt, Store};

impl Store {
    /// The statements of one effect, run only where `marked` holds (SQL over
    /// nothing but constants): a bot line, an attribute, an assignment or a
    /// label with its trail event, the automation's event, or the close.
    pub(super) fn flow_effect(
        &self,
        batch: &mut Batch<'_>,
        turn: &Turn<'_>,
        effect: &Effect,
        (conversation, marked, mark): (&str, &str, &str),
        (ids, events): (&mut Vec<String>, &mut Vec<Queued>),
        now: u64,
    ) -> ApiResult<()> {
        let c: JsValue = conversation.into();
        let trail = |kind: TrailKind, detail: Option<&str>, changes: &str| {
            self.prepare(
                &format!(
                    "INSERT INTO trail (id, conversation_id, kind, agent_id, detail, created_at) \
                     SELECT ?2, id, ?3, NULL, ?4, ?5 FROM conversations WHERE id = ?1 AND {marked} AND ({changes})"
                ),
                &[c.clone(), new_id("ev").into(), kind.as_str().into(), opt(detail), ms(now)],
            )
        };
        match effect {
            Effect::Say(text) => {
                let id = new_id("m");
                batch.push(self.prepare(
                    &format!(
                        "INSERT INTO messages (id, conversation_id, site_id, direction, author, body, created_at) \
                         SELECT ?1, c.id, c.site_id, 'outbound', 'bot', ?2, ?3 FROM conversations c WHERE c.id = ?4 AND {marked}"
                    ),
                    &[id.as_str().into(), text.as_str().into(), ms(now), c.clone()],
                )?);
                ids.push(id);
            }
            Effect::Save {
                to: SaveTo::Attribute { .. },
                ..
            } if !turn.attributes.is_empty() => {
                let (set, _) = attributes::change_params(turn.attributes)?;
                let mut args = Args::new();
                let (account, values, at, conv) = (
                    args.bind(turn.visitor.account_id.as_str()),
                    args.bind(set),
                    args.bind(ms(now)),
                    args.bind(conversation),
                );
                let contact = format!("(SELECT contact_id FROM conversations WHERE id = {conv})");
                let sql = attributes::values_upsert(account, &contact, values, at, marked);
                batch.push(self.prepare(&sql, args.values())?);
            }
            Effect::Save { .. } => {} // kept in the conversation's answers by the compare-and-set
            // The named team, agent or label (bound at ?4 in the trail's
            // statement, ?2 in the change's), only if it is the account's.
            Effect::Assign(Assignee::Team { id }) => {
                let team = |at: &str| {
                    format!("(SELECT id FROM teams WHERE id = {at} AND account_id = conversations.account_id)")
                };
                let changes = format!(
                    "{} IS NOT NULL AND team_id IS NOT {}",
                    team("?4"),
                    team("?4")
                );
                batch.push(trail(TrailKind::AssignedTeam, Some(id), &changes)?);
                batch.push(self.prepare(
                    &format!("UPDATE conversations SET team_id = {t} WHERE id = ?1 AND {marked} AND {t} IS NOT NULL", t = team("?2")),
                    &[c, id.as_str().into()],
                )?);
            }
            Effect::Assign(Assignee::Agent { id }) => {
                let agent = |at: &str| {
                    format!("(SELECT id FROM agents WHERE id = {at} AND account_id = conversations.account_id AND removed_at IS NULL)")
                };
                let changes = format!(
                    "{} IS NOT NULL AND assignee_id IS NOT {}",
                    agent("?4"),
                    agent("?4")
                );
                batch.push(trail(TrailKind::Assigned, Some(id), &changes)?);
                batch.push(self.prepare(
                    &format!("UPDATE conversations SET assignee_id = {a} WHERE id = ?1 AND {marked} AND {a} IS NOT NULL", a = agent("?2")),
                    &[c, id.as_str().into()],
                )?);
            }
            Effect::Label(label) => {
                let known = |at: &str| {
                    format!("EXISTS (SELECT 1 FROM labels WHERE id = {at} AND account_id = conversations.account_id)")
                };
                let changes = format!(
                    "{} AND NOT EXISTS (SELECT 1 FROM conversation_labels WHERE conversation_id = ?1 AND label_id = ?4)",
                    known("?4")
                );
                batch.push(trail(TrailKind::LabelAdded, Some(label), &changes)?);
                batch.push(self.prepare(
                    &format!(
                        "INSERT INTO conversation_labels (conversation_id, label_id, last_message_at, created_at) \
                         SELECT id, ?2, last_message_at, ?3 FROM conversations WHERE id = ?1 AND {marked} AND {} \
                         ON CONFLICT DO NOTHING",
                        known("?2")
                    ),
                    &[c, label.as_str().into(), ms(now)],
                )?);
            }
            Effect::EnterAutomation(automation) => {
                let event_id = new_id("ev");
                let of = EventOf {
                    event_id: &event_id,
                    conversation_id: Some(conversation),
                    visitor_id: Some(turn.visitor.id.as_str()),
                    automation_id: Some(automation),
                    flow_turn: (!mark.is_empty()).then_some(mark),
                    ..EventOf::default()
                };
                events.push(batch.rows(self.event(Event::ContactEnteredAutomation, &of, now)?));
            }
            Effect::EnterCrmAutomation(automation) => {
                // Once per visitor and automation; the contact is synced first.
                let visitor = turn.visitor.id.as_str();
                let key = idempotency_key(
                    JobCause::Form,
                    &format!("{visitor}:automation:{automation}"),
                    &[],
                );
                let job = JobOf {
                    cause: JobCause::Form,
                    key: &key,
                    site_id: Some(turn.visitor.site_id.as_str()),
                    contact_id: None,
                    visitor_id: Some(visitor),
                    conversation_id: Some(conversation),
                    channel: Some(Channel::Chat),
                    automation_id: Some(automation),
                    flow_turn: (!mark.is_empty()).then_some(mark),
                    happened: "(?10 IS NULL OR EXISTS (SELECT 1 FROM conversations WHERE id = ?6 AND flow_turn = ?10)) \
                               AND EXISTS (SELECT 1 FROM visitors WHERE id = ?5 AND contact_id IS NOT NULL)",
                };
                // Read back like the deliveries (its `RETURNING id`), told apart by its prefix.
                events.push(batch.rows(self.crm_job(&job, now)?));
            }
            Effect::Close => {
                batch.push(trail(TrailKind::Closed, None, "status != 'closed'")?);
                // The reports, while it is open (no read here: no business hours for the bot's close).
                let closed = shared::report::Event::Trail {
                    at: now,
                    kind: TrailKind::Closed,
                };
                let marked_here = format!("id = ?1 AND {marked}");
                let args = [c.clone()];
                let target = Target {
                    sql: &marked_here,
                    args: &args,
                };
                batch.extend(self.report(&target, &Report::unread(closed, None))?);
                batch.push(self.prepare(
                    &format!(
                        "UPDATE conversations SET status = 'closed' WHERE id = ?1 AND {marked}"
                    ),
                    &[c],
                )?);
            }
        }
        Ok(())
    }
}

/// An id of ours (a conversation's, a turn's mark) written into SQL text:
/// only letters, digits, `_` and `-`, so it can never break out of its quotes.
pub(super) fn sql_id(id: &str) -> ApiResult<&str> {
    if !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        Ok(id)
    } else {
        Err(ApiError::Invalid(shared::Invalid::new(
            "flow_id_invalid",
            "A flow names an id that is not one (letters, digits, '_' and '-').",
        )))
    }
}
