//! SQL of Facebook Messenger: a site's Page connection, the people writing to
//! it (PSIDs, each also a visitor), their messages stored once per `mid`, the
//! team's replies and Messenger's receipts for them.

use serde::Deserialize;
use shared::api;
use shared::messenger::Receipt;
use wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

use super::report::Report;
use super::{ms, opt, Store, MESSAGE_SELECT};
use crate::error::{ApiError, ApiResult};
use crate::ids::NewIds;

/// A site's connected Page, with its secrets still sealed.
#[derive(Debug, Deserialize)]
pub struct PageRow {
    /// The site.
    pub site_id: String,
    /// The site's account.
    pub account_id: String,
    /// The Page id.
    pub page_id: String,
    /// The sealed Page access token.
    pub page_token_enc: String,
    /// The sealed App secret.
    pub app_secret_enc: String,
    /// The webhook's verify token.
    pub verify_token: String,
    /// Last successful verification, ms.
    pub verified_at: Option<u64>,
}

const PAGE_SELECT: &str =
    "SELECT mp.site_id, s.account_id, mp.page_id, mp.page_token_enc, mp.app_secret_enc, \
     mp.verify_token, mp.verified_at FROM messenger_pages mp JOIN sites s ON s.id = mp.site_id";

/// A person's name and picture, as the Graph API gave them.
#[derive(Debug, Default)]
pub struct Profile {
    /// First and last name.
    pub name: Option<String>,
    /// Profile picture URL.
    pub picture_url: Option<String>,
}

/// A message a person sent to a Page, to store once.
#[derive(Debug)]
pub struct InboundMessenger<'a> {
    /// The Page's site.
    pub site_id: &'a str,
    /// The person.
    pub psid: &'a str,
    /// Messenger's message id.
    pub mid: &'a str,
    /// Readable text.
    pub body: &'a str,
    /// The person's profile, when it was fetched for this message.
    pub profile: Option<&'a Profile>,
    /// Ids for the visitor, conversation and message, used if they are created.
    pub ids: &'a NewIds,
}

/// Where a reply in a Messenger conversation goes, and the person's side of it.
#[derive(Debug, Deserialize)]
pub struct MessengerRoute {
    /// The Page id.
    pub page_id: Option<String>,
    /// The sealed Page access token.
    pub page_token_enc: Option<String>,
    /// The person.
    pub psid: String,
    /// Their name.
    pub name: Option<String>,
    /// Their picture.
    pub picture_url: Option<String>,
    /// When they last wrote, ms.
    pub last_inbound_at: Option<u64>,
}

/// The Messenger side of a reply to record.
#[derive(Debug)]
pub struct SentMessenger<'a> {
    /// The conversation answered.
    pub conversation_id: &'a str,
    /// The agent.
    pub agent_id: &'a str,
    /// Our message id.
    pub message_id: &'a str,
    /// The text.
    pub body: &'a str,
    /// The Send API's message id, when it was sent.
    pub mid: Option<&'a str>,
    /// The Graph error, when it was not.
    pub error: Option<&'a str>,
}

/// The visitor row of a PSID on a site; binds `?1` = site, `?2` = PSID.
const PSID_VISITOR: &str =
    "(SELECT visitor_id FROM messenger_visitors WHERE site_id = ?1 AND psid = ?2)";

impl Store {
    /// The site's Page connection, if the site is the account's and has one.
    pub async fn messenger_page(&self, site_id: &str) -> ApiResult<Option<PageRow>> {
        self.first(
            &format!("{PAGE_SELECT} WHERE mp.site_id = ?1"),
            &[site_id.into()],
        )
        .await
    }

    /// The connections of these Page ids (one query for a whole delivery).
    pub async fn messenger_pages(&self, page_ids: &[&str]) -> ApiResult<Vec<PageRow>> {
        let ids = serde_json::to_string(page_ids).map_err(|e| ApiError::Internal(e.to_string()))?;
        self.all(
            &format!("{PAGE_SELECT} WHERE mp.page_id IN (SELECT value FROM json_each(?1))"),
            &[ids.into()],
        )
        .await
    }

    /// Saves a site's Page connection (secrets already sealed). A new Page id
    /// forgets the earlier verification. `false` if another site holds the Page.
    pub async fn save_messenger_page(&self, page: &PageRow, now: u64) -> ApiResult<bool> {
        let taken = self
            .count(
                "SELECT COUNT(*) AS n FROM messenger_pages WHERE page_id = ?1 AND site_id <> ?2",
                &[page.page_id.as_str().into(), page.site_id.as_str().into()],
            )
            .await?;
        if taken > 0 {
            return Ok(false);
        }
        self.run(
            "INSERT INTO messenger_pages (site_id, page_id, page_token_enc, app_secret_enc, verify_token, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) \
             ON CONFLICT (site_id) DO UPDATE SET \
               verified_at = CASE WHEN page_id = excluded.page_id THEN verified_at END, page_id = excluded.page_id, \
               page_token_enc = excluded.page_token_enc, app_secret_enc = excluded.app_secret_enc, updated_at = excluded.updated_at",
            &[
                page.site_id.as_str().into(),
                page.page_id.as_str().into(),
                page.page_token_enc.as_str().into(),
                page.app_secret_enc.as_str().into(),
                page.verify_token.as_str().into(),
                ms(now),
            ],
        )
        .await?;
        Ok(true)
    }

    /// Records a successful webhook verification for the site with this verify
    /// token; `false` when no site has it.
    pub async fn verify_messenger(&self, verify_token: &str, now: u64) -> ApiResult<bool> {
        let changed = self
            .run(
                "UPDATE messenger_pages SET verified_at = ?2 WHERE verify_token = ?1",
                &[verify_token.into(), ms(now)],
            )
            .await?;
        Ok(changed == 1)
    }

    /// The PSIDs among these whose profile is already cached on the site.
    pub async fn messenger_profiles_known(
        &self,
        site_id: &str,
        psids: &[&str],
    ) -> ApiResult<Vec<String>> {
        #[derive(Deserialize)]
        struct Psid {
            psid: String,
        }
        let list = serde_json::to_string(psids).map_err(|e| ApiError::Internal(e.to_string()))?;
        let rows: Vec<Psid> = self
            .all(
                "SELECT psid FROM messenger_visitors WHERE site_id = ?1 AND profile_fetched_at IS NOT NULL \
                 AND psid IN (SELECT value FROM json_each(?2))",
                &[site_id.into(), list.into()],
            )
            .await?;
        Ok(rows.into_iter().map(|r| r.psid).collect())
    }

    /// Stores a person's message in one batch, unless its `mid` is stored: the
    /// visitor and their `messenger` conversation if new (the profile cached
    /// once), the message, and the conversation reopened. Returns the stored
    /// message's conversation when this call wrote it.
    pub async fn add_messenger_message(
        &self,
        m: &InboundMessenger<'_>,
        now: u64,
    ) -> ApiResult<Option<String>> {
        let site = JsValue::from_str(m.site_id);
        let psid = JsValue::from_str(m.psid);
        let message_id = m.ids.message.as_str();
        let mut batch = self.batch();
        batch.extend(self.messenger_person(m, now)?);
        batch.extend(self.messenger_thread(m, now)?);
        // A new conversation is assigned by its site's rule (store::teams).
        batch.extend(self.assign_by_rule(&m.ids.conversation, now)?);
        // The reports: a message in, a new conversation opened (store::report).
        let message = shared::report::Event::Message {
            at: now,
            author: shared::conversation::Author::Visitor,
            automated: false,
        };
        let fresh = Some(m.ids.conversation.as_str());
        batch.extend(self.report_message(message_id, &Report::unread(message, fresh))?);
        batch.extend(self.reopen_for(message_id, now)?);
        batch.push(self.prepare(
            &format!("UPDATE visitors SET last_seen_at = ?3 WHERE id = {PSID_VISITOR}"),
            &[site, psid, ms(now)],
        )?);
        #[derive(Deserialize)]
        struct Written {
            conversation_id: String,
        }
        let written = batch.rows::<Written>(self.prepare(
            "SELECT conversation_id FROM messages WHERE id = ?1",
            &[message_id.into()],
        )?);
        Ok(batch
            .run()
            .await?
            .first(&written)?
            .map(|w| w.conversation_id))
    }

    /// The statements that create the person's visitor and Messenger row if
    /// new, and cache their profile once.
    fn messenger_person(
        &self,
        m: &InboundMessenger<'_>,
        now: u64,
    ) -> ApiResult<[D1PreparedStatement; 3]> {
        let visitor_id = m.ids.visitor.as_str();
        let (site, psid) = (JsValue::from_str(m.site_id), JsValue::from_str(m.psid));
        let profile = m.profile.map(|p| {
            (
                opt(p.name.as_deref()),
                opt(p.picture_url.as_deref()),
                ms(now),
            )
        });
        let (name, picture, fetched) =
            profile.unwrap_or((JsValue::NULL, JsValue::NULL, JsValue::NULL));
        Ok([
            self.prepare(
                &format!(
                    "INSERT INTO visitors (id, site_id, token_hash, created_at, last_seen_at) \
                     SELECT ?3, ?1, 'messenger', ?4, ?4 WHERE {PSID_VISITOR} IS NULL"
                ),
                &[site.clone(), psid.clone(), visitor_id.into(), ms(now)],
            )?,
            self.prepare(
                "INSERT INTO messenger_visitors (visitor_id, site_id, psid) SELECT ?3, ?1, ?2 \
                 WHERE NOT EXISTS (SELECT 1 FROM messenger_visitors WHERE site_id = ?1 AND psid = ?2)",
                &[site.clone(), psid.clone(), visitor_id.into()],
            )?,
            self.prepare(
                "UPDATE messenger_visitors SET name = ?3, picture_url = ?4, profile_fetched_at = ?5 \
                 WHERE site_id = ?1 AND psid = ?2 AND profile_fetched_at IS NULL AND ?5 IS NOT NULL",
                &[site.clone(), psid.clone(), name, picture, fetched],
            )?,
        ])
    }

    /// The statements that start the person's `messenger` conversation if
    /// new and store the message, unless its `mid` is stored.
    fn messenger_thread(
        &self,
        m: &InboundMessenger<'_>,
        now: u64,
    ) -> ApiResult<[D1PreparedStatement; 2]> {
        let (conversation_id, message_id) = (m.ids.conversation.as_str(), m.ids.message.as_str());
        let (site, psid, mid) = (
            JsValue::from_str(m.site_id),
            JsValue::from_str(m.psid),
            JsValue::from_str(m.mid),
        );
        let new = "NOT EXISTS (SELECT 1 FROM messages WHERE site_id = ?1 AND messenger_mid = ?3)";
        Ok([
            self.prepare(
                &format!(
                    "INSERT INTO conversations (id, site_id, channel, status, contact_id, visitor_id, started_at, last_message_at) \
                     SELECT ?4, ?1, 'messenger', 'open', v.contact_id, v.id, ?5, ?5 FROM visitors v WHERE v.id = {PSID_VISITOR} \
                     AND NOT EXISTS (SELECT 1 FROM conversations WHERE visitor_id = v.id AND channel = 'messenger') AND {new}"
                ),
                &[site.clone(), psid.clone(), mid.clone(), conversation_id.into(), ms(now)],
            )?,
            self.prepare(
                &format!(
                    "INSERT INTO messages (id, conversation_id, site_id, direction, author, visitor_id, contact_id, body, \
                       messenger_mid, created_at) \
                     SELECT ?4, COALESCE(c.merged_into, c.id), ?1, 'inbound', 'visitor', c.visitor_id, c.contact_id, ?5, ?3, ?6 FROM conversations c \
                     WHERE c.visitor_id = {PSID_VISITOR} AND c.channel = 'messenger' AND {new} \
                     ORDER BY c.started_at DESC LIMIT 1"
                ),
                &[site.clone(), psid.clone(), mid, message_id.into(), m.body.into(), ms(now)],
            )?,
        ])
    }

    /// Marks the Page's replies to a person delivered or read: those named in
    /// `mids` and all sent up to `watermark` (a read never goes back to
    /// delivered). Returns the conversations that changed.
    pub async fn messenger_receipt(
        &self,
        site_id: &str,
        psid: &str,
        receipt: Receipt,
        mids: &[String],
        watermark: u64,
    ) -> ApiResult<Vec<String>> {
        #[derive(Deserialize)]
        struct Changed {
            conversation_id: String,
        }
        let list = serde_json::to_string(mids).map_err(|e| ApiError::Internal(e.to_string()))?;
        let rows: Vec<Changed> = self
            .all(
                &format!(
                    "UPDATE messages SET receipt = ?3 WHERE direction = 'outbound' AND delivery_status = 'sent' \
                     AND messenger_mid IS NOT NULL AND receipt IS NOT 'read' AND receipt IS NOT ?3 \
                     AND conversation_id IN (SELECT id FROM conversations WHERE visitor_id = {PSID_VISITOR} AND channel = 'messenger') \
                     AND (created_at <= ?5 OR messenger_mid IN (SELECT value FROM json_each(?4))) \
                     RETURNING conversation_id"
                ),
                &[site_id.into(), psid.into(), receipt.as_str().into(), list.into(), ms(watermark)],
            )
            .await?;
        let mut changed: Vec<String> = rows.into_iter().map(|r| r.conversation_id).collect();
        changed.dedup();
        Ok(changed)
    }

    /// A Messenger conversation's person, Page and last inbound time (one query).
    pub async fn messenger_route(
        &self,
        conversation_id: &str,
    ) -> ApiResult<Option<MessengerRoute>> {
        self.first(
            "SELECT mp.page_id, mp.page_token_enc, mv.psid, mv.name, mv.picture_url, \
               (SELECT MAX(created_at) FROM messages WHERE conversation_id = c.id AND direction = 'inbound') AS last_inbound_at \
             FROM conversations c JOIN messenger_visitors mv ON mv.visitor_id = c.visitor_id \
             LEFT JOIN messenger_pages mp ON mp.site_id = c.site_id WHERE c.id = ?1",
            &[conversation_id.into()],
        )
        .await
    }

    /// Records a Messenger reply (sent, or failed with the Graph error) and returns it.
    pub async fn add_messenger_reply(
        &self,
        sent: &SentMessenger<'_>,
        now: u64,
    ) -> ApiResult<api::Message> {
        let status = if sent.error.is_none() {
            "sent"
        } else {
            "failed"
        };
        let statements = vec![
            self.prepare(
                "INSERT INTO messages (id, conversation_id, site_id, direction, author, agent_id, body, messenger_mid, \
                   delivery_status, delivery_error, created_at) \
                 SELECT ?1, c.id, c.site_id, 'outbound', 'agent', ?2, ?3, ?4, ?5, ?6, ?7 FROM conversations c WHERE c.id = ?8",
                &[
                    sent.message_id.into(),
                    sent.agent_id.into(),
                    sent.body.into(),
                    opt(sent.mid),
                    status.into(),
                    opt(sent.error),
                    ms(now),
                    sent.conversation_id.into(),
                ],
            )?,
            self.prepare("UPDATE conversations SET last_message_at = ?2 WHERE id = ?1", &[sent.conversation_id.into(), ms(now)])?,
        ];
        let mut statements = statements;
        if sent.error.is_none() {
            // Only a reply that left is one for the reports.
            let reply = (sent.conversation_id, sent.message_id, sent.agent_id);
            statements.extend(self.report_reply(reply.0, reply.1, reply.2, now).await?);
        }
        let mut batch = self.batch();
        batch.extend(statements);
        let message = batch.rows(self.prepare(
            &format!("{MESSAGE_SELECT} WHERE m.id = ?1"),
            &[sent.message_id.into()],
        )?);
        Self::written_message(&batch.run().await?, &message, "Messenger reply")
    }
}
