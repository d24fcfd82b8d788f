//! SQL of contacts as agents see them: the profile, its recent activity, and
//! what a chat's visitor claimed without proving it.

use serde::Deserialize;
use shared::api;
use shared::contact::{display_name, ContactSource};
use shared::form::FormField;

use super::Store;
use crate::error::ApiResult;

/// Selects [`ContactRow`]s from `contacts`; append a `WHERE`.
pub(super) fn contact_select() -> String {
    format!(
        "SELECT id, email, phone, company, full_name, name_from_email, marketing_opt_in, source, created_at, \
           phone_stated, company_stated, full_name_stated, \
           (SELECT group_concat(label_id) FROM (SELECT k.label_id FROM contact_labels k JOIN labels l ON l.id = k.label_id \
             WHERE k.contact_id = contacts.id ORDER BY l.name)) AS label_ids, {} AS attributes \
         FROM contacts",
        super::attributes::values_object("contacts.id")
    )
}

/// The columns of a contact's profile.
#[derive(Debug, Deserialize)]
pub(super) struct ContactRow {
    /// Contact id.
    pub id: String,
    /// Normalized email.
    pub email: Option<String>,
    /// Phone, `+digits`.
    pub phone: Option<String>,
    /// Company (the Form's "account").
    pub company: Option<String>,
    /// Full name as given.
    pub full_name: Option<String>,
    /// Display name seen on their email.
    pub name_from_email: Option<String>,
    /// Marketing consent: never set by chat or email.
    pub marketing_opt_in: u8,
    /// How the contact first arrived.
    pub source: ContactSource,
    /// First seen, ms.
    pub created_at: u64,
    /// 1 when the phone is one a visitor stated without proof.
    pub phone_stated: u8,
    /// 1 when the company is.
    pub company_stated: u8,
    /// 1 when the full name is.
    pub full_name_stated: u8,
    /// Its labels' ids, by name.
    #[serde(default, deserialize_with = "api::comma_list")]
    pub label_ids: Vec<String>,
    /// Its attribute values by key, as JSON text.
    #[serde(default, deserialize_with = "api::json_text")]
    pub attributes: Option<serde_json::Value>,
}

impl From<ContactRow> for api::Contact {
    fn from(r: ContactRow) -> Self {
        let shown = display_name(
            &[
                r.full_name.as_deref(),
                r.name_from_email.as_deref(),
                r.email.as_deref(),
            ],
            "Contact",
        );
        let stated = [
            (FormField::Phone, r.phone_stated),
            (FormField::Company, r.company_stated),
            (FormField::FullName, r.full_name_stated),
        ]
        .into_iter()
        .filter(|(_, stated)| *stated == 1)
        .map(|(field, _)| field)
        .collect();
        api::Contact {
            id: r.id,
            email: r.email,
            phone: r.phone,
            company: r.company,
            full_name: r.full_name,
            name_from_email: r.name_from_email,
            marketing_opt_in: r.marketing_opt_in == 1,
            display_name: shown,
            source: r.source,
            created_at: r.created_at,
            stated,
            label_ids: r.label_ids,
            attributes: super::attributes::object(r.attributes),
        }
    }
}

impl Store {
    /// The contact's recent activity: messages of its non-email conversations, newest first.
    pub async fn contact_activity(
        &self,
        account_id: &str,
        contact_id: &str,
    ) -> ApiResult<Vec<api::Activity>> {
        let rows: Vec<api::Activity> = self
            .all(
                "SELECT m.conversation_id, c.channel, m.author, m.body, m.created_at, \
               COALESCE(v.contact_verified = 0, 0) AS unverified FROM messages m \
             JOIN conversations c ON c.id = m.conversation_id JOIN sites s ON s.id = c.site_id \
             LEFT JOIN visitors v ON v.id = c.visitor_id \
             WHERE s.account_id = ?1 AND c.contact_id = ?2 AND c.channel != 'email' \
             ORDER BY m.created_at DESC, m.rowid DESC LIMIT 20",
                &[account_id.into(), contact_id.into()],
            )
            .await?;
        Ok(rows)
    }

    /// What the visitor stated without proving it, if anything.
    pub async fn visitor_claim(&self, visitor_id: &str) -> ApiResult<Option<api::Claim>> {
        let claim: Option<api::Claim> = self
            .first(
                "SELECT claimed_email AS email, claimed_phone AS phone, claimed_company AS company, \
                 claimed_full_name AS full_name FROM visitors WHERE id = ?1",
                &[visitor_id.into()],
            )
            .await?;
        Ok(claim.filter(|c| {
            c.email.is_some() || c.phone.is_some() || c.company.is_some() || c.full_name.is_some()
        }))
    }

    /// An agent's edit of a contact of the account: each `Some` field is set
    /// (`None` inside clears it) and is no longer marked as stated by a
    /// visitor; `false` if the contact is not the account's.
    pub async fn edit_contact(
        &self,
        account_id: &str,
        contact_id: &str,
        edit: &[Option<Option<String>>; 3],
        now: u64,
    ) -> ApiResult<bool> {
        let mut args: Vec<wasm_bindgen::JsValue> = vec![account_id.into(), contact_id.into()];
        for field in edit {
            args.push(wasm_bindgen::JsValue::from_bool(field.is_some()));
            args.push(super::opt(field.as_ref().and_then(|v| v.as_deref())));
        }
        args.push(super::ms(now));
        let changed = self
            .run(
                "UPDATE contacts SET \
                   phone = CASE WHEN ?3 THEN ?4 ELSE phone END, phone_stated = CASE WHEN ?3 THEN 0 ELSE phone_stated END, \
                   company = CASE WHEN ?5 THEN ?6 ELSE company END, company_stated = CASE WHEN ?5 THEN 0 ELSE company_stated END, \
                   full_name = CASE WHEN ?7 THEN ?8 ELSE full_name END, \
                   full_name_stated = CASE WHEN ?7 THEN 0 ELSE full_name_stated END, updated_at = ?9 \
                 WHERE account_id = ?1 AND id = ?2",
                &args,
            )
            .await?;
        Ok(changed == 1)
    }

    /// A contact of the account.
    pub async fn contact(
        &self,
        account_id: &str,
        contact_id: &str,
    ) -> ApiResult<Option<api::Contact>> {
        let row: Option<ContactRow> = self
            .first(
                &format!("{} WHERE account_id = ?1 AND id = ?2", contact_select()),
                &[account_id.into(), contact_id.into()],
            )
            .await?;
        Ok(row.map(Into::into))
    }
}
