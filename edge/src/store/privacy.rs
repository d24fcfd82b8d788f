//! SQL of a contact's rights (GDPR articles 15 and 17): everything stored
//! about a contact, to export it, and to erase it.
//!
//! "About a contact" is: the contact row; its visitors (browsers tied to it,
//! and Messenger people with their cached profile);
//! every conversation of the contact or of those visitors, with all their
//! messages and attachments; messages the contact wrote elsewhere (a CC'd
//! reply in someone else's thread); claims other visitors made of its email;
//! refused mail it sent; the email conversations that copy its address (Cc);
//! and the transcripts of its chats emailed to it
//! (erased with their conversations: ON DELETE CASCADE, migration 0014);
//! the labels on it and on its conversations (their links, not the account's labels);
//! its attribute values (not the account's attributes).

use serde::Deserialize;
use serde_json::Value;
use shared::api::Erased;
use shared::trail::TrailKind;
use wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

use super::{Store, MESSAGE_SELECT};
use crate::error::{ApiError, ApiResult};

/// The messages stored about contact `?1` (use as `m.id IN (…)`).
pub(super) const CONTACT_MESSAGES: &str = "SELECT m.id FROM messages m WHERE m.contact_id = ?1 \
     OR m.conversation_id IN (SELECT id FROM conversations WHERE contact_id = ?1 \
       OR visitor_id IN (SELECT id FROM visitors WHERE contact_id = ?1)) \
     OR m.visitor_id IN (SELECT id FROM visitors WHERE contact_id = ?1)";

/// The conversations of contact `?1` and of its visitors.
pub(super) const CONTACT_CONVERSATIONS: &str =
    "SELECT id FROM conversations WHERE contact_id = ?1 \
     OR visitor_id IN (SELECT id FROM visitors WHERE contact_id = ?1)";

impl Store {
    /// The R2 keys of every original stored about the contact.
    pub async fn contact_raw_keys(&self, contact_id: &str) -> ApiResult<Vec<String>> {
        #[derive(Deserialize)]
        struct Key {
            raw_key: String,
        }
        let sql = format!(
            "SELECT raw_key FROM messages WHERE raw_key IS NOT NULL AND id IN ({CONTACT_MESSAGES})"
        );
        Ok(self
            .all::<Key>(&sql, &[contact_id.into()])
            .await?
            .into_iter()
            .map(|k| k.raw_key)
            .collect())
    }

    /// Everything stored about a contact of the account, as JSON (`None` if
    /// the account has no such contact).
    pub async fn contact_export(
        &self,
        account_id: &str,
        contact_id: &str,
    ) -> ApiResult<Option<Value>> {
        let Some(contact) = self
            .first::<Value>(
                "SELECT * FROM contacts WHERE account_id = ?1 AND id = ?2",
                &[account_id.into(), contact_id.into()],
            )
            .await?
        else {
            return Ok(None);
        };
        let email = contact
            .get("email")
            .and_then(Value::as_str)
            .map(JsValue::from_str)
            .unwrap_or(JsValue::NULL);
        let mut export = self.contact_rows(contact_id).await?;
        export.extend(self.email_rows(account_id, contact_id, email).await?);
        export.extend(self.contact_label_rows(contact_id).await?);
        // The contacts merged into this one (a second address may live there).
        let merged = self
            .all::<Value>(
                "SELECT * FROM contacts WHERE merged_into = ?1",
                &[contact_id.into()],
            )
            .await?;
        export.insert("merged_contacts".into(), Value::Array(merged));
        export.insert(
            "attributes".into(),
            self.contact_attribute_rows(contact_id).await?.into(),
        );
        export.insert("contact".into(), contact);
        Ok(Some(Value::Object(export)))
    }

    /// What is stored through the contact's id: its visitors, conversations,
    /// messages, their files, and the transcripts sent of them.
    async fn contact_rows(&self, contact_id: &str) -> ApiResult<serde_json::Map<String, Value>> {
        let id: JsValue = contact_id.into();
        let visitors = self
            .all::<Value>(
                "SELECT v.id, v.site_id, v.contact_verified, v.provided_fields, v.form_submitted_at, v.claimed_email, \
                 v.claimed_phone, v.claimed_company, v.claimed_full_name, v.created_at, v.last_seen_at, \
                 mv.psid AS messenger_psid, mv.name AS messenger_name, mv.picture_url AS messenger_picture_url \
                 FROM visitors v LEFT JOIN messenger_visitors mv ON mv.visitor_id = v.id WHERE v.contact_id = ?1",
                std::slice::from_ref(&id),
            )
            .await?;
        let conversations = self
            .all::<Value>(
                &format!("SELECT * FROM conversations WHERE id IN ({CONTACT_CONVERSATIONS})"),
                std::slice::from_ref(&id),
            )
            .await?;
        let messages: Vec<shared::api::Message> = self
            .all::<shared::api::Message>(
                &format!(
                    "{MESSAGE_SELECT} WHERE m.id IN ({CONTACT_MESSAGES}) ORDER BY m.created_at"
                ),
                std::slice::from_ref(&id),
            )
            .await?;
        let attachments = self
            .all::<Value>(
                &format!("SELECT id, message_id, filename, content_type, sniffed_type, size, sha256 FROM attachments WHERE message_id IN ({CONTACT_MESSAGES})"),
                std::slice::from_ref(&id),
            )
            .await?;
        let transcripts = self
            .all::<Value>(
                &format!(
                    "SELECT id, conversation_id, to_address, status, created_at, sent_at FROM transcripts \
                     WHERE conversation_id IN ({CONTACT_CONVERSATIONS}) ORDER BY created_at"
                ),
                std::slice::from_ref(&id),
            )
            .await?;
        // The trail's events, never the team's notes (an export is for the contact).
        let for_the_contact: Vec<String> = TrailKind::ALL
            .iter()
            .filter(|k| k.for_the_contact())
            .map(|k| format!("'{}'", k.as_str()))
            .collect();
        let trail = self
            .all::<Value>(
                &format!(
                    "SELECT t.id, t.conversation_id, t.kind, a.full_name AS agent_name, t.created_at FROM trail t \
                     LEFT JOIN agents a ON a.id = t.agent_id WHERE t.conversation_id IN ({CONTACT_CONVERSATIONS}) \
                     AND t.kind IN ({}) ORDER BY t.created_at, t.rowid",
                    for_the_contact.join(", ")
                ),
                std::slice::from_ref(&id),
            )
            .await?;
        Ok(serde_json::Map::from_iter([
            ("visitors".into(), visitors.into()),
            ("conversations".into(), conversations.into()),
            (
                "messages".into(),
                serde_json::to_value(messages).map_err(|e| ApiError::Internal(e.to_string()))?,
            ),
            ("attachments".into(), attachments.into()),
            ("transcripts".into(), transcripts.into()),
            ("trail".into(), trail.into()),
        ]))
    }

    /// What is stored through the contact's email address (`email`, or NULL):
    /// other visitors' claims of it, other people's conversations that copy
    /// it, and mail refused from it.
    async fn email_rows(
        &self,
        account_id: &str,
        contact_id: &str,
        email: JsValue,
    ) -> ApiResult<serde_json::Map<String, Value>> {
        let claims = self
            .all::<Value>(
                "SELECT v.id AS visitor_id, v.site_id, v.claimed_email, v.created_at FROM visitors v JOIN sites s ON s.id = v.site_id \
                 WHERE s.account_id = ?1 AND v.claimed_email = ?2 AND v.contact_id IS NOT ?3",
                &[account_id.into(), email.clone(), contact_id.into()],
            )
            .await?;
        // Other people's email conversations that copy this contact's address.
        let copied = self
            .all::<Value>(
                "SELECT cc.conversation_id, cc.address, cc.name, c.subject, c.started_at FROM conversation_cc cc \
                 JOIN conversations c ON c.id = cc.conversation_id JOIN sites s ON s.id = c.site_id \
                 WHERE s.account_id = ?1 AND cc.address = lower(?2) ORDER BY c.started_at",
                &[account_id.into(), email.clone()],
            )
            .await?;
        let rejections = self
            .all::<Value>(
                "SELECT r.id, r.site_id, r.envelope_from, r.envelope_to, r.size, r.reason, r.created_at FROM email_rejections r \
                 JOIN sites s ON s.id = r.site_id WHERE s.account_id = ?1 AND lower(r.envelope_from) = ?2",
                &[account_id.into(), email],
            )
            .await?;
        Ok(serde_json::Map::from_iter([
            ("claims_of_this_email".into(), claims.into()),
            ("refused_mail".into(), rejections.into()),
            ("copied_on".into(), copied.into()),
        ]))
    }

    /// Erases a contact of the account and everything stored about it, in one
    /// batch (the caller deletes the R2 originals first); `None` if the
    /// account has no such contact.
    pub async fn erase_contact(
        &self,
        account_id: &str,
        contact_id: &str,
    ) -> ApiResult<Option<Erased>> {
        #[derive(Deserialize)]
        struct Email {
            email: Option<String>,
            crm_contact_id: Option<String>,
        }
        let Some(Email {
            email,
            crm_contact_id,
        }) = self
            .first::<Email>(
                "SELECT email, (SELECT crm_contact_id FROM crm_contacts WHERE contact_id = ?2) AS crm_contact_id \
                 FROM contacts WHERE account_id = ?1 AND id = ?2",
                &[account_id.into(), contact_id.into()],
            )
            .await?
        else {
            return Ok(None);
        };
        let id: JsValue = contact_id.into();
        let email = email
            .as_deref()
            .map(JsValue::from_str)
            .unwrap_or(JsValue::NULL);
        #[derive(Deserialize)]
        struct Counts {
            messages: u32,
            conversations: u32,
            visitors: u32,
        }
        let mut batch = self.batch();
        // Automation payloads copy the contact and its messages: erased with them.
        batch.push(self.prepare(
                &format!(
                    "DELETE FROM automation_deliveries WHERE json_extract(payload, '$.contact.id') = ?1 \
                     OR json_extract(payload, '$.conversation.id') IN ({CONTACT_CONVERSATIONS})"
                ),
                std::slice::from_ref(&id),
            )?);
        // Counted before they go: D1's changes would also count the search index's writes
        // (its triggers, and FTS5 flushing its pending terms during a later statement).
        let counts = batch.rows::<Counts>(self.prepare(
                &format!(
                    "SELECT (SELECT COUNT(*) FROM messages WHERE id IN ({CONTACT_MESSAGES})) AS messages, \
                       (SELECT COUNT(*) FROM conversations WHERE id IN ({CONTACT_CONVERSATIONS})) AS conversations, \
                       (SELECT COUNT(*) FROM visitors WHERE contact_id = ?1) AS visitors"
                ),
                std::slice::from_ref(&id),
            )?);
        batch.extend(self.erasures(account_id, contact_id, email)?);
        batch.extend(self.crm_erasures(contact_id)?);
        let counts = batch.run().await?.first(&counts)?;
        let erased = counts.map_or_else(Erased::default, |c| Erased {
            messages: c.messages,
            conversations: c.conversations,
            visitors: c.visitors,
            originals: 0,
            crm_contact_id: None,
        });
        Ok(Some(Erased {
            crm_contact_id,
            ..erased
        }))
    }

    /// The statements that delete the contact (`contact_id`), what is stored
    /// through it, and what is stored through its address (`email`, or NULL).
    fn erasures(
        &self,
        account_id: &str,
        contact_id: &str,
        email: JsValue,
    ) -> ApiResult<Vec<D1PreparedStatement>> {
        let id: JsValue = contact_id.into();
        Ok(vec![
            self.prepare(&format!("DELETE FROM attachments WHERE message_id IN ({CONTACT_MESSAGES})"), std::slice::from_ref(&id))?,
            self.prepare(&format!("DELETE FROM messages WHERE id IN ({CONTACT_MESSAGES})"), std::slice::from_ref(&id))?,
            self.prepare(&format!("DELETE FROM mentions WHERE conversation_id IN ({CONTACT_CONVERSATIONS})"), std::slice::from_ref(&id))?,
            self.prepare(&format!("DELETE FROM trail WHERE conversation_id IN ({CONTACT_CONVERSATIONS})"), std::slice::from_ref(&id))?,
            // Ratings (their comments are the contact's words).
            self.prepare(&format!("DELETE FROM conversation_ratings WHERE conversation_id IN ({CONTACT_CONVERSATIONS})"), std::slice::from_ref(&id))?,
            self.prepare(&format!("DELETE FROM conversation_labels WHERE conversation_id IN ({CONTACT_CONVERSATIONS})"), std::slice::from_ref(&id))?,
            self.prepare(&format!("DELETE FROM conversations WHERE id IN ({CONTACT_CONVERSATIONS})"), std::slice::from_ref(&id))?,
            self.prepare(
                "DELETE FROM messenger_visitors WHERE visitor_id IN (SELECT id FROM visitors WHERE contact_id = ?1)",
                std::slice::from_ref(&id),
            )?,
            self.prepare("DELETE FROM visitors WHERE contact_id = ?1", std::slice::from_ref(&id))?,
            self.prepare(
                "UPDATE visitors SET claimed_email = NULL, claimed_phone = NULL, claimed_company = NULL, claimed_full_name = NULL \
                 WHERE claimed_email = ?2 AND site_id IN (SELECT id FROM sites WHERE account_id = ?1)",
                &[account_id.into(), email.clone()],
            )?,
            // Copied on others' conversations: their address goes from those lists too.
            self.prepare(
                "DELETE FROM conversation_cc WHERE address = ?2 AND conversation_id IN \
                 (SELECT c.id FROM conversations c JOIN sites s ON s.id = c.site_id WHERE s.account_id = ?1)",
                &[account_id.into(), email.clone()],
            )?,
            self.prepare(
                "DELETE FROM email_rejections WHERE lower(envelope_from) = ?2 \
                 AND site_id IN (SELECT id FROM sites WHERE account_id = ?1)",
                &[account_id.into(), email],
            )?,
            self.prepare("DELETE FROM contact_labels WHERE contact_id = ?1", std::slice::from_ref(&id))?,
            // Its attribute values, and any left on the contacts merged into it.
            self.prepare(
                "DELETE FROM contact_attribute_values WHERE contact_id = ?1 \
                 OR contact_id IN (SELECT id FROM contacts WHERE merged_into = ?1)",
                std::slice::from_ref(&id),
            )?,
            // The contacts merged into it (each may hold a second address) go with it.
            self.prepare("DELETE FROM contacts WHERE merged_into = ?1", std::slice::from_ref(&id))?,
            self.prepare("DELETE FROM contacts WHERE id = ?1", &[id])?,
        ])
    }
}
