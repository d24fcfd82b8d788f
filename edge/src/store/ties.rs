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
    /// For a [`Tie::Verified`] the caller read rather than proved (a Form
    /// answer without an email from a visitor read as verified): the contact
    /// it was read verified for. The batch then acts as verified only while
    /// the visitor still is verified for that contact when it runs, and as a
    /// claim otherwise; `None` for a signed identify.
    pub verified_for: Option<&'a str>,
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

/// What a [`Store::link_contact`] batch did.
#[derive(Debug)]
pub struct Linked {
    /// The visitor as it is afterwards.
    pub visitor: VisitorRow,
    /// Whether the batch wrote: `false` when what it needs no longer held when
    /// it ran (the visitor blocked, its email forgotten, or, for an agent, a
    /// contact already tied), and then it wrote nothing.
    pub written: bool,
    /// Delivery ids of the automation events it recorded.
    pub queued: Vec<String>,
}

impl ContactLink<'_> {
    /// What must still hold of the visitor row (`visitors` of id `?3`) when
    /// the batch runs, or it writes nothing: a visitor's own statement needs
    /// the visitor unblocked (and, without an email, its email still known);
    /// an agent's "click to add" needs the visitor still without a contact.
    fn holds(&self) -> &'static str {
        match (self.tie, self.details.email.is_some()) {
            (Tie::Agent, _) => "contact_id IS NULL",
            (_, true) => "blocked_at IS NULL",
            (_, false) => {
                "blocked_at IS NULL AND (contact_id IS NOT NULL OR claimed_email IS NOT NULL)"
            }
        }
    }

    /// Whether the tie is verified, as an SQL expression over the visitor
    /// row's own columns as they are when the statement runs (binds `?4`):
    /// a read verification counts only for the same contact, still verified.
    fn verified_now(&self) -> &'static str {
        match (self.tie, self.verified_for) {
            (Tie::Verified, None) => "1",
            (Tie::Verified, Some(_)) => "(contact_id IS ?4 AND contact_verified = 1)",
            _ => "0",
        }
    }

    /// Whether what was stated is recorded on the visitor as an unproved claim
    /// (over the visitor row's columns, like [`Self::verified_now`]).
    fn records_claim(&self) -> String {
        match (self.tie, self.verified_for) {
            (Tie::Verified, Some(_)) => format!("NOT {}", self.verified_now()),
            (tie, _) => if tie.records_claim() { "1" } else { "0" }.to_string(),
        }
    }
}

impl Store {
    /// Ties a visitor to a contact in one batch, as far as `link.tie` allows
    /// (see [`Tie`]): finds the contact by email or creates it with the given
    /// fields (never opted in to marketing; a claim's marked as stated), fills
    /// an existing contact's empty or stated fields only for a verified or
    /// agent tie, records an unproved claim on the visitor, and attaches all
    /// the visitor's conversations. Every decision
    /// is taken inside the batch on the rows as they are then (see
    /// [`ContactLink::holds`] and [`ContactLink::verified_for`]), so a
    /// concurrent call cannot turn it into more than it was.
    /// Records `contact.created` for a created contact, and
    /// `contact.entered_automation` for a first Form submission that names a
    /// contact, when `link.automation` is set; returns their delivery ids too.
    pub async fn link_contact(&self, link: &ContactLink<'_>, now: u64) -> ApiResult<Linked> {
        let (d, tie) = (link.details, link.tie);
        let account = link.visitor.account_id.as_str();
        let vid = link.visitor.id.as_str();
        // The contact: by email when one is given, else the visitor's current one.
        let contact = "COALESCE((SELECT id FROM contacts WHERE account_id = ?1 AND email = ?2), \
                       (SELECT contact_id FROM visitors WHERE id = ?3))";
        let holds = format!(
            "EXISTS (SELECT 1 FROM visitors WHERE id = ?3 AND {})",
            link.holds()
        );
        // A read verification fills the contact only while it still holds.
        let still_verified = match link.verified_for {
            Some(_) => format!(
                " AND EXISTS (SELECT 1 FROM visitors WHERE id = ?3 AND {})",
                link.verified_now()
            ),
            None => String::new(),
        };
        let key = [
            account.into(),
            opt(d.email.as_deref()),
            vid.into(),
            opt(link.verified_for),
        ];
        let with_key = |rest: &[JsValue]| -> Vec<JsValue> {
            key.iter().cloned().chain(rest.iter().cloned()).collect()
        };
        let fields = [
            opt(d.phone.as_deref()),
            opt(d.company.as_deref()),
            opt(d.full_name.as_deref()),
        ];
        let mut statements = Vec::with_capacity(7);
        if let (Some(_), true) = (d.email.as_deref(), tie.links()) {
            statements.push(self.prepare(
                &format!(
                    "INSERT OR IGNORE INTO contacts (id, account_id, email, phone, company, full_name, \
                       phone_stated, company_stated, full_name_stated, source, marketing_opt_in, created_at, updated_at) \
                     SELECT ?5, ?1, ?2, ?6, ?7, ?8, ?6 IS NOT NULL AND ?11, ?7 IS NOT NULL AND ?11, ?8 IS NOT NULL AND ?11, \
                       ?9, 0, ?10, ?10 WHERE {holds}"
                ),
                &with_key(&[
                    link.new_contact_id.into(),
                    fields[0].clone(),
                    fields[1].clone(),
                    fields[2].clone(),
                    link.source.as_str().into(),
                    ms(now),
                    // A claim's values are the visitor's word: marked as stated.
                    JsValue::from_bool(tie == Tie::Claim),
                ]),
            )?);
        }
        if tie.fills_existing() {
            let mut args = fields.to_vec();
            args.push(ms(now));
            statements.push(self.prepare(
                &format!(
                    "UPDATE contacts SET {FILL_OR_REPLACE_STATED}, updated_at = ?8 \
                     WHERE id = {contact} AND {holds}{still_verified}"
                ),
                &with_key(&args),
            )?);
        }
        // The visitor's own row: its columns are read as they are now.
        let verified = link.verified_now();
        let relink = if tie.links() {
            format!(
                "contact_verified = CASE WHEN contact_id IS {own} THEN MAX(contact_verified, {verified}) ELSE {verified} END, \
                 contact_id = {own},",
                own = "COALESCE((SELECT id FROM contacts WHERE account_id = ?1 AND email = ?2), contact_id)"
            )
        } else {
            String::new()
        };
        let claim = link.records_claim();
        let given: Vec<&str> = if tie == Tie::Agent {
            Vec::new()
        } else {
            d.given().iter().map(|f| f.as_str()).collect()
        };
        let given = serde_json::to_string(&given).map_err(|e| ApiError::Internal(e.to_string()))?;
        let visitor_update = statements.len();
        statements.push(self.prepare(
            &format!(
                "UPDATE visitors SET {relink} provided_fields = {PROVIDED_AFTER}, \
                   form_submitted_at = CASE WHEN ?6 THEN COALESCE(form_submitted_at, ?7) ELSE form_submitted_at END, \
                   claimed_email = CASE WHEN {claim} THEN COALESCE(?2, claimed_email) ELSE claimed_email END, \
                   claimed_phone = CASE WHEN {claim} THEN COALESCE(?8, claimed_phone) ELSE claimed_phone END, \
                   claimed_company = CASE WHEN {claim} THEN COALESCE(?9, claimed_company) ELSE claimed_company END, \
                   claimed_full_name = CASE WHEN {claim} THEN COALESCE(?10, claimed_full_name) ELSE claimed_full_name END \
                 WHERE id = ?3 AND {}",
                link.holds()
            ),
            &with_key(&[
                given.as_str().into(),
                JsValue::from_bool(link.form_submitted),
                ms(now),
                fields[0].clone(),
                fields[1].clone(),
                fields[2].clone(),
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
            &EventOf {
                event_id: link.event_ids[0],
                site_id: Some(site),
                contact_id: Some(link.new_contact_id),
                ..EventOf::default()
            },
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
        let written = results[visitor_update]
            .meta()?
            .and_then(|m| m.changes)
            .unwrap_or(0)
            == 1;
        let visitor = last_rows::<VisitorRow>(&results)?
            .into_iter()
            .next()
            .ok_or_else(|| ApiError::Internal("visitor vanished".into()))?;
        Ok(Linked {
            visitor,
            written,
            queued: delivery_ids(&results, events)?,
        })
    }

    /// The contact's non-empty profile fields, for a verified visitor's Form step.
    pub async fn contact_known_fields(&self, contact_id: &str) -> ApiResult<Vec<&'static str>> {
        let known: Option<KnownFields> = self
            .first(
                &format!("{KNOWN_FIELDS} WHERE id = ?1"),
                &[contact_id.into()],
            )
            .await?;
        Ok(known.map(|k| k.names()).unwrap_or_default())
    }
}

/// A verified or agent tie's values (`?5` phone, `?6` company, `?7` full
/// name) fill a contact's empty fields and replace the ones a visitor only
/// stated, which are then no longer marked.
const FILL_OR_REPLACE_STATED: &str = "\
     phone = CASE WHEN phone_stated = 1 THEN COALESCE(?5, phone) ELSE COALESCE(phone, ?5) END, \
     phone_stated = phone_stated AND ?5 IS NULL, \
     company = CASE WHEN company_stated = 1 THEN COALESCE(?6, company) ELSE COALESCE(company, ?6) END, \
     company_stated = company_stated AND ?6 IS NULL, \
     full_name = CASE WHEN full_name_stated = 1 THEN COALESCE(?7, full_name) ELSE COALESCE(full_name, ?7) END, \
     full_name_stated = full_name_stated AND ?7 IS NULL";

/// The visitor's `provided_fields` (sorted, comma-separated) with the fields
/// of the JSON array `?5` added, computed from the row as it is when the
/// statement runs, so concurrent answers never drop each other's fields.
const PROVIDED_AFTER: &str = "(SELECT COALESCE(group_concat(f, ','), '') FROM (SELECT value AS f FROM json_each(?5) \
       UNION SELECT value FROM json_each('[\"' || replace(provided_fields, ',', '\",\"') || '\"]') WHERE value != '' ORDER BY 1))";

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
        [
            ("phone", self.phone),
            ("company", self.company),
            ("full_name", self.full_name),
        ]
        .into_iter()
        .filter(|(_, known)| *known == 1)
        .map(|(name, _)| name)
        .collect()
    }
}
