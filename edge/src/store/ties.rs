//! SQL of tying a visitor to a contact: the Form step's answer, identify, and
//! an agent's "click to add", each as far as its [`Tie`] allows.

use serde::Deserialize;
use shared::contact::ContactSource;
use shared::form::ContactDetails;
use shared::identity::Tie;
use wasm_bindgen::JsValue;

use super::automations::{delivery_ids, EventOf};
use super::chat::{VisitorRow, VISITOR_SELECT};
use super::{last_rows, ms, opt, Store};
use crate::error::{ApiError, ApiResult};
use shared::automation::Event;

/// How a visitor is to be tied to a contact.
#[derive(Debug)]
pub struct ContactLink<'a> {
    /// The visitor.
    pub visitor: &'a VisitorRow,
    /// Validated details; with an email, the contact is found or created by it,
    /// without one the visitor's current contact is meant.
    pub details: &'a ContactDetails,
    /// What the statement may do (see [`Tie`]).
    pub tie: Tie,
    /// The Form fields this browser has now given, comma-separated.
    pub provided_fields: &'a str,
    /// Whether this is the Form step's submission (not an identify).
    pub form_submitted: bool,
    /// Id for the contact if it has to be created.
    pub new_contact_id: &'a str,
    /// How a created contact arrived: by chat (widget) or by an agent (in the inbox).
    pub source: ContactSource,
    /// The automation the site's chatbot enters after the Form, if any.
    pub automation: Option<&'a str>,
    /// Ids for the `contact.created` and `contact.entered_automation` events.
    pub event_ids: [&'a str; 2],
}

impl Store {
    /// Ties a visitor to a contact in one batch, as far as `link.tie` allows
    /// (see [`Tie`]): finds the contact by email or creates it with the given
    /// fields (never opted in to marketing), fills an existing contact's empty
    /// fields only for a verified or agent tie, records an unproved claim on the
    /// visitor, and attaches all the visitor's conversations. Returns the
    /// visitor as it is afterwards.
    /// Records `contact.created` for a created contact, and
    /// `contact.entered_automation` for a first Form submission that names a
    /// contact, when `link.automation` is set; returns their delivery ids too.
    pub async fn link_contact(&self, link: &ContactLink<'_>, now: u64) -> ApiResult<(VisitorRow, Vec<String>)> {
        let (d, tie) = (link.details, link.tie);
        let account = link.visitor.account_id.as_str();
        let vid = link.visitor.id.as_str();
        // The contact: by email when one is given, else the visitor's current one.
        let contact = "COALESCE((SELECT id FROM contacts WHERE account_id = ?1 AND email = ?2), \
                       (SELECT contact_id FROM visitors WHERE id = ?3))";
        let key = [account.into(), opt(d.email.as_deref()), vid.into()];
        let with_key = |rest: &[JsValue]| -> Vec<JsValue> { key.iter().cloned().chain(rest.iter().cloned()).collect() };
        let fields = [opt(d.phone.as_deref()), opt(d.company.as_deref()), opt(d.full_name.as_deref())];
        let mut statements = Vec::with_capacity(5);
        if let (Some(email), true) = (d.email.as_deref(), tie.links()) {
            statements.push(self.prepare(
                "INSERT OR IGNORE INTO contacts \
                   (id, account_id, email, phone, company, full_name, source, marketing_opt_in, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8, ?8)",
                &[
                    link.new_contact_id.into(),
                    account.into(),
                    email.into(),
                    fields[0].clone(),
                    fields[1].clone(),
                    fields[2].clone(),
                    link.source.as_str().into(),
                    ms(now),
                ],
            )?);
        }
        if tie.fills_existing() {
            let mut args = fields.to_vec();
            args.push(ms(now));
            statements.push(self.prepare(
                &format!(
                    "UPDATE contacts SET phone = COALESCE(phone, ?4), company = COALESCE(company, ?5), \
                       full_name = COALESCE(full_name, ?6), updated_at = ?7 WHERE id = {contact}"
                ),
                &with_key(&args),
            )?);
        }
        let relink = if tie.links() {
            format!(
                "contact_verified = CASE WHEN contact_id IS {contact} THEN MAX(contact_verified, ?4) ELSE ?4 END, \
                 contact_id = {contact},"
            )
        } else {
            String::new()
        };
        let claim = tie.records_claim();
        let claimed = |value: JsValue| if claim { value } else { JsValue::NULL };
        statements.push(self.prepare(
            &format!(
                "UPDATE visitors SET {relink} provided_fields = ?5, \
                   form_submitted_at = CASE WHEN ?6 THEN COALESCE(form_submitted_at, ?7) ELSE form_submitted_at END, \
                   claimed_email = COALESCE(?8, claimed_email), claimed_phone = COALESCE(?9, claimed_phone), \
                   claimed_company = COALESCE(?10, claimed_company), claimed_full_name = COALESCE(?11, claimed_full_name) \
                 WHERE id = ?3"
            ),
            &with_key(&[
                JsValue::from_f64(if tie.grants_history() { 1.0 } else { 0.0 }),
                link.provided_fields.into(),
                JsValue::from_bool(link.form_submitted),
                ms(now),
                claimed(opt(d.email.as_deref())),
                claimed(fields[0].clone()),
                claimed(fields[1].clone()),
                claimed(fields[2].clone()),
            ]),
        )?);
        if tie.links() {
            statements.push(self.prepare(
                "UPDATE conversations SET contact_id = (SELECT contact_id FROM visitors WHERE id = ?1) WHERE visitor_id = ?1",
                &[vid.into()],
            )?);
        }
        let first_event = statements.len();
        let site = link.visitor.site_id.as_str();
        statements.push(self.event(
            Event::ContactCreated,
            &EventOf { event_id: link.event_ids[0], site_id: Some(site), contact_id: Some(link.new_contact_id), ..EventOf::default() },
            now,
        )?);
        if let (Some(automation), true) = (link.automation, link.form_submitted) {
            statements.push(self.event(
                Event::ContactEnteredAutomation,
                &EventOf {
                    event_id: link.event_ids[1],
                    site_id: Some(site),
                    visitor_id: Some(vid),
                    automation_id: Some(automation),
                    ..EventOf::default()
                },
                now,
            )?);
        }
        let events = first_event..statements.len();
        statements.push(self.prepare(VISITOR_SELECT, &[vid.into()])?);
        let results = self.batch(statements).await?;
        let visitor =
            last_rows::<VisitorRow>(&results)?.into_iter().next().ok_or_else(|| ApiError::Internal("visitor vanished".into()))?;
        Ok((visitor, delivery_ids(&results, events)?))
    }

    /// The contact's non-empty profile fields, for a verified visitor's Form step.
    pub async fn contact_known_fields(&self, contact_id: &str) -> ApiResult<Vec<&'static str>> {
        let known: Option<KnownFields> = self.first(&format!("{KNOWN_FIELDS} WHERE id = ?1"), &[contact_id.into()]).await?;
        Ok(known.map(|k| k.names()).unwrap_or_default())
    }
}

/// Which profile fields a contact has; append a `WHERE` on `contacts`.
pub(super) const KNOWN_FIELDS: &str =
    "SELECT phone IS NOT NULL AS phone, company IS NOT NULL AS company, full_name IS NOT NULL AS full_name FROM contacts";

/// A row of [`KNOWN_FIELDS`].
#[derive(Deserialize)]
pub(super) struct KnownFields {
    phone: u8,
    company: u8,
    full_name: u8,
}

impl KnownFields {
    /// The Form fields the contact has, by name.
    pub(super) fn names(&self) -> Vec<&'static str> {
        [("phone", self.phone), ("company", self.company), ("full_name", self.full_name)]
            .into_iter()
            .filter(|(_, known)| *known == 1)
            .map(|(name, _)| name)
            .collect()
    }
}
