//! SQL of tying a visitor to a contact: the Form step's answer, identify, and
//! an agent's "click to add", each as far as its [`Tie`] allows.

use serde::Deserialize;
use shared::automation::Event;
use shared::contact::ContactSource;
use shared::form::ContactDetails;
use shared::identity::Tie;
use wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

use super::{VisitorRow, VISITOR_SELECT};
use crate::error::{ApiError, ApiResult};
use crate::ids::NewIds;
use crate::store::automations::{queued, EventOf};
use crate::store::batch::{Args, Param};
use crate::store::crm_jobs::recorded;
use crate::store::{attributes, ms, opt, Store};

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
    /// Ids for the contact if it has to be created (`contact`), and for the
    /// `contact.created` and `contact.entered_automation` events.
    pub ids: &'a NewIds,
    /// How a created contact arrived: by chat (widget) or by an agent (in the inbox).
    pub source: ContactSource,
    /// The automation the site's chatbot enters after the Form, if any.
    pub automation: Option<&'a str>,
    /// The ActiveCampaign automation the site's chatbot enters after the Form, if any.
    pub crm_automation: Option<&'a str>,
    /// Contact attribute values to set (`None` clears), already checked by
    /// `shared::attribute`: only a signed identify gives any, and they are
    /// written only while the tie is verified when the batch runs.
    pub attributes: &'a [(String, Option<serde_json::Value>)],
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
    /// The ActiveCampaign job it recorded, if any (see [`ContactLink::crm_job`]).
    pub crm_jobs: Vec<String>,
}

/// A link's values bound in one statement.
struct Key {
    account: Param,
    email: Param,
    visitor: Param,
}

impl Key {
    /// Binds the account, the email given (or NULL) and the visitor.
    fn bind(args: &mut Args, link: &ContactLink<'_>) -> Self {
        Key {
            account: args.bind(link.visitor.account_id.as_str()),
            email: args.bind(opt(link.details.email.as_deref())),
            visitor: args.bind(link.visitor.id.as_str()),
        }
    }

    /// The contact: by email when one is given, else the visitor's current one.
    fn contact(&self) -> String {
        let Key {
            account,
            email,
            visitor,
        } = self;
        format!(
            "COALESCE((SELECT COALESCE(merged_into, id) FROM contacts WHERE account_id = {account} AND email = {email}), \
             (SELECT contact_id FROM visitors WHERE id = {visitor}))"
        )
    }
}

impl ContactLink<'_> {
    /// What must still hold of the visitor row (`visitors` of the link's
    /// visitor) when the batch runs, or it writes nothing: a visitor's own
    /// statement needs the visitor unblocked (and, without an email, its email
    /// still known); an agent's "click to add" needs the visitor still without a contact.
    fn holds(&self) -> &'static str {
        match (self.tie, self.details.email.is_some()) {
            (Tie::Agent, _) => "contact_id IS NULL",
            (_, true) => "blocked_at IS NULL",
            (_, false) => {
                "blocked_at IS NULL AND (contact_id IS NOT NULL OR claimed_email IS NOT NULL)"
            }
        }
    }

    /// [`Self::holds`], as a condition on the visitor bound at `visitor`.
    fn still_holds(&self, visitor: Param) -> String {
        format!(
            "EXISTS (SELECT 1 FROM visitors WHERE id = {visitor} AND {})",
            self.holds()
        )
    }

    /// Whether the tie is verified, as an SQL expression over the visitor
    /// row's own columns as they are when the statement runs (binds the
    /// contact it was read verified for in `args`, if any): a read
    /// verification counts only for the same contact, still verified.
    fn verified_now(&self, args: &mut Args) -> String {
        match (self.tie, self.verified_for) {
            (Tie::Verified, None) => "1".into(),
            (Tie::Verified, Some(contact)) => {
                format!(
                    "(contact_id IS {} AND contact_verified = 1)",
                    args.bind(contact)
                )
            }
            _ => "0".into(),
        }
    }

    /// Whether what was stated is recorded on the visitor as an unproved claim
    /// (over the visitor row's columns, given [`Self::verified_now`]).
    fn records_claim(&self, verified_now: &str) -> String {
        match (self.tie, self.verified_for) {
            (Tie::Verified, Some(_)) => format!("NOT {verified_now}"),
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
        let mut batch = self.batch();
        if let (Some(_), true) = (d.email.as_deref(), tie.links()) {
            batch.push(self.create_linked_contact(link, now)?);
        }
        if tie.fills_existing() {
            batch.push(self.fill_linked_contact(link, now)?);
        }
        if tie == Tie::Verified && !link.attributes.is_empty() {
            batch.extend(self.set_linked_attributes(link, now)?);
        }
        let visitor_update = batch.write(self.update_linked_visitor(link, now)?);
        let vid = link.visitor.id.as_str();
        if tie.links() {
            batch.push(self.prepare(
                "UPDATE conversations SET contact_id = (SELECT contact_id FROM visitors WHERE id = ?1) WHERE visitor_id = ?1",
                &[vid.into()],
            )?);
        }
        let site = link.visitor.site_id.as_str();
        let created = EventOf {
            event_id: &link.ids.contact_created,
            site_id: Some(site),
            contact_id: Some(link.ids.contact.as_str()),
            ..EventOf::default()
        };
        let mut events = vec![batch.rows(self.event(Event::ContactCreated, &created, now)?)];
        if let (Some(automation), true) = (link.automation, link.form_submitted) {
            let entered = EventOf {
                event_id: &link.ids.entered_automation,
                site_id: Some(site),
                visitor_id: Some(vid),
                automation_id: Some(automation),
                ..EventOf::default()
            };
            events.push(batch.rows(self.event(Event::ContactEnteredAutomation, &entered, now)?));
        }
        let key = link.crm_key();
        let job = batch.rows(self.crm_job(&link.crm_job(&key), now)?);
        let visitor = batch.rows::<VisitorRow>(self.prepare(VISITOR_SELECT, &[vid.into()])?);
        let ran = batch.run().await?;
        Ok(Linked {
            written: ran.changes(visitor_update)? == 1,
            visitor: ran
                .first(&visitor)?
                .ok_or_else(|| ApiError::Internal("visitor vanished".into()))?,
            queued: queued(&ran, &events)?,
            crm_jobs: recorded(&ran, &[job])?,
        })
    }

    /// The statement that creates the contact of the email given, with the
    /// given fields (a claim's marked as stated: the visitor's word).
    fn create_linked_contact(
        &self,
        link: &ContactLink<'_>,
        now: u64,
    ) -> ApiResult<D1PreparedStatement> {
        let d = link.details;
        let mut args = Args::new();
        let key = Key::bind(&mut args, link);
        let (account, email) = (key.account, key.email);
        let holds = link.still_holds(key.visitor);
        let id = args.bind(link.ids.contact.as_str());
        let phone = args.bind(opt(d.phone.as_deref()));
        let company = args.bind(opt(d.company.as_deref()));
        let name = args.bind(opt(d.full_name.as_deref()));
        let source = args.bind(link.source.as_str());
        let at = args.bind(ms(now));
        let stated = args.bind(JsValue::from_bool(link.tie == Tie::Claim));
        let sql = format!(
            "INSERT OR IGNORE INTO contacts (id, account_id, email, phone, company, full_name, \
               phone_stated, company_stated, full_name_stated, source, marketing_opt_in, created_at, updated_at) \
             SELECT {id}, {account}, {email}, {phone}, {company}, {name}, {phone} IS NOT NULL AND {stated}, \
               {company} IS NOT NULL AND {stated}, {name} IS NOT NULL AND {stated}, {source}, 0, {at}, {at} WHERE {holds}"
        );
        self.prepare(&sql, args.values())
    }

    /// The statements that set and clear the verified contact's attribute
    /// values, while the link still holds and the tie is verified.
    fn set_linked_attributes(
        &self,
        link: &ContactLink<'_>,
        now: u64,
    ) -> ApiResult<Vec<D1PreparedStatement>> {
        let (set, clear) = attributes::change_params(link.attributes)?;
        let mut args = Args::new();
        let (key, guard) = verified_key(&mut args, link);
        let (values, at) = (args.bind(set), args.bind(ms(now)));
        let upsert = attributes::values_upsert(key.account, &key.contact(), values, at, &guard);
        let upsert = self.prepare(&upsert, args.values())?;
        let mut args = Args::new();
        let (key, guard) = verified_key(&mut args, link);
        let keys = args.bind(clear);
        let clear = attributes::values_clear(key.account, &key.contact(), keys, &guard);
        Ok(vec![upsert, self.prepare(&clear, args.values())?])
    }

    /// The statement that fills the linked contact's empty or stated fields
    /// (a verified or agent tie), while the link still holds.
    fn fill_linked_contact(
        &self,
        link: &ContactLink<'_>,
        now: u64,
    ) -> ApiResult<D1PreparedStatement> {
        let d = link.details;
        let mut args = Args::new();
        let key = Key::bind(&mut args, link);
        let (contact, holds) = (key.contact(), link.still_holds(key.visitor));
        // A read verification fills the contact only while it still holds.
        let still_verified = match link.verified_for {
            Some(_) => format!(
                " AND EXISTS (SELECT 1 FROM visitors WHERE id = {} AND {})",
                key.visitor,
                link.verified_now(&mut args)
            ),
            None => String::new(),
        };
        let fill = fill_or_replace_stated(
            args.bind(opt(d.phone.as_deref())),
            args.bind(opt(d.company.as_deref())),
            args.bind(opt(d.full_name.as_deref())),
        );
        let at = args.bind(ms(now));
        let sql = format!(
            "UPDATE contacts SET {fill}, updated_at = {at} WHERE id = {contact} AND {holds}{still_verified}"
        );
        self.prepare(&sql, args.values())
    }

    /// The statement that updates the visitor's own row, its columns read as
    /// they are then: its contact (if the tie links), the fields it gave, its
    /// Form answer, and an unproved claim.
    fn update_linked_visitor(
        &self,
        link: &ContactLink<'_>,
        now: u64,
    ) -> ApiResult<D1PreparedStatement> {
        let d = link.details;
        let mut args = Args::new();
        let key = Key::bind(&mut args, link);
        let (account, email, visitor) = (key.account, key.email, key.visitor);
        let verified = link.verified_now(&mut args);
        let relink = if link.tie.links() {
            format!(
                "contact_verified = CASE WHEN contact_id IS {own} THEN MAX(contact_verified, {verified}) ELSE {verified} END, \
                 contact_id = {own},",
                own = format!("COALESCE((SELECT COALESCE(merged_into, id) FROM contacts WHERE account_id = {account} AND email = {email}), contact_id)")
            )
        } else {
            String::new()
        };
        let claim = link.records_claim(&verified);
        let given: Vec<&str> = if link.tie == Tie::Agent {
            Vec::new()
        } else {
            d.given().iter().map(|f| f.as_str()).collect()
        };
        let given = serde_json::to_string(&given).map_err(|e| ApiError::Internal(e.to_string()))?;
        let provided = provided_after(args.bind(given.as_str()));
        let (submitted, at) = (
            args.bind(JsValue::from_bool(link.form_submitted)),
            args.bind(ms(now)),
        );
        let phone = args.bind(opt(d.phone.as_deref()));
        let company = args.bind(opt(d.company.as_deref()));
        let name = args.bind(opt(d.full_name.as_deref()));
        let sql = format!(
            "UPDATE visitors SET {relink} provided_fields = {provided}, \
               form_submitted_at = CASE WHEN {submitted} THEN COALESCE(form_submitted_at, {at}) ELSE form_submitted_at END, \
               claimed_email = CASE WHEN {claim} THEN COALESCE({email}, claimed_email) ELSE claimed_email END, \
               claimed_phone = CASE WHEN {claim} THEN COALESCE({phone}, claimed_phone) ELSE claimed_phone END, \
               claimed_company = CASE WHEN {claim} THEN COALESCE({company}, claimed_company) ELSE claimed_company END, \
               claimed_full_name = CASE WHEN {claim} THEN COALESCE({name}, claimed_full_name) ELSE claimed_full_name END \
             WHERE id = {visitor} AND {}",
            link.holds()
        );
        self.prepare(&sql, args.values())
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

/// A verified or agent tie's values (bound at `phone`, `company`, `name`)
/// fill a contact's empty fields and replace the ones a visitor only stated,
/// which are then no longer marked.
fn fill_or_replace_stated(phone: Param, company: Param, name: Param) -> String {
    format!(
        "phone = CASE WHEN phone_stated = 1 THEN COALESCE({phone}, phone) ELSE COALESCE(phone, {phone}) END, \
         phone_stated = phone_stated AND {phone} IS NULL, \
         company = CASE WHEN company_stated = 1 THEN COALESCE({company}, company) ELSE COALESCE(company, {company}) END, \
         company_stated = company_stated AND {company} IS NULL, \
         full_name = CASE WHEN full_name_stated = 1 THEN COALESCE({name}, full_name) ELSE COALESCE(full_name, {name}) END, \
         full_name_stated = full_name_stated AND {name} IS NULL"
    )
}

/// The visitor's `provided_fields` (sorted, comma-separated) with the fields
/// of the JSON array bound at `given` added, computed from the row as it is
/// when the statement runs, so concurrent answers never drop each other's fields.
fn provided_after(given: Param) -> String {
    format!(
        "(SELECT COALESCE(group_concat(f, ','), '') FROM (SELECT value AS f FROM json_each({given}) \
           UNION SELECT value FROM json_each('[\"' || replace(provided_fields, ',', '\",\"') || '\"]') \
           WHERE value != '' ORDER BY 1))"
    )
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

/// The link's keys bound in `args`, and the condition its attribute
/// statements run under: the link still holds and its visitor's tie is
/// verified now.
fn verified_key(args: &mut Args, link: &ContactLink<'_>) -> (Key, String) {
    let key = Key::bind(args, link);
    let guard = format!(
        "{} AND EXISTS (SELECT 1 FROM visitors WHERE id = {} AND {})",
        link.still_holds(key.visitor),
        key.visitor,
        link.verified_now(args)
    );
    (key, guard)
}
