//! What clients send: request bodies and query strings. Unknown fields are
//! refused, so a misspelt field is an error instead of being ignored.

use serde::Deserialize;

use crate::agent::KeyRole;
use crate::conversation::{Channel, Status};
use crate::site::{Language, WidgetPosition};

/// `POST /api/sites`: a new site of the account.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSite {
    /// Its name.
    pub name: String,
}

/// `PATCH /api/sites/{site}`; `None` leaves a setting as it is.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteChanges {
    /// A new name.
    pub name: Option<String>,
    /// Switch its widget on or off (nothing is deleted).
    pub enabled: Option<bool>,
}

/// `PATCH /api/sites/{site}/widget`; `None` leaves a setting as it is.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WidgetChanges {
    /// The display name (the site's name).
    pub name: Option<String>,
    /// Accent colour, `#rrggbb`.
    pub color: Option<String>,
    /// The launcher's corner.
    pub position: Option<WidgetPosition>,
    /// The language the widget speaks.
    pub language: Option<Language>,
    /// Whether visitors may send files.
    pub files: Option<bool>,
    /// Whether resolved conversations ask for a satisfaction rating.
    pub csat: Option<bool>,
}
use crate::identity::IdentityMode;

/// `POST /api/widget/rating`: the visitor's rating of their resolved conversation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct RateInput {
    /// The conversation rated (the visitor's own).
    pub conversation_id: String,
    /// 1 to 5.
    pub score: crate::csat::Score,
    /// An optional comment.
    #[serde(default)]
    pub comment: Option<String>,
}

/// `POST /api/widget/messages`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SendMessage {
    /// The widget's id for this send: a retry with the same id stores nothing new.
    pub client_message_id: String,
    /// The text.
    pub body: String,
}

/// `POST /api/widget/flow/answers`: the visitor's answer to the step the flow waits at.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowAnswer {
    /// The step answered (refused unless the conversation waits at it).
    pub step: String,
    /// A button's index, for buttons.
    #[serde(default)]
    pub choice: Option<usize>,
    /// The answer's text, for a question.
    #[serde(default)]
    pub text: Option<String>,
    /// The widget's id for this answer: a retry with the same id stores nothing new.
    pub client_message_id: String,
}

/// `POST /api/widget/contact`: the Form step's answer.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormSubmission {
    /// Email (required unless already known).
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Company (the "account" field).
    pub company: Option<String>,
    /// Full name.
    pub full_name: Option<String>,
}

/// `POST /api/widget/identify`: who the host page says the visitor is.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Identify {
    /// The visitor's email.
    pub email: String,
    /// Full name.
    pub name: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Company.
    pub account: Option<String>,
    /// hex(HMAC-SHA256(identity secret, email)) from the site's server.
    pub signature: Option<String>,
    /// Contact attribute values by key; set only when the signature verifies.
    #[serde(default)]
    pub attributes: Option<serde_json::Map<String, serde_json::Value>>,
}

/// `POST /api/session`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    /// Sign-in email.
    pub email: String,
    /// Password.
    pub password: String,
}

/// `POST /api/setup`: the first account, site and primary admin.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Setup {
    /// The account's name.
    pub account_name: String,
    /// The first site's name.
    pub site_name: String,
    /// The primary admin's full name.
    pub full_name: String,
    /// The primary admin's email.
    pub email: String,
    /// The primary admin's password.
    pub password: String,
    /// The deployment's SETUP_TOKEN secret: a stranger who finds a fresh deployment cannot claim it.
    pub setup_token: String,
}

/// `POST /api/invitations/accept`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitation {
    /// The token from the invitation link.
    pub token: String,
    /// The password the agent chooses.
    pub password: String,
}

/// `POST /api/agents`: invite an agent.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Invite {
    /// The agent's email.
    pub email: String,
    /// The agent's full name.
    pub full_name: String,
}

/// How an agent's reply travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReplyChannel {
    /// To the visitor's widget.
    Chat,
    /// To the contact's email address.
    Email,
    /// To the person on Facebook Messenger, through the Send API.
    Messenger,
}

/// `POST /api/conversations/{id}/messages`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reply {
    /// The text.
    pub body: String,
    /// By default the conversation's own channel.
    pub channel: Option<ReplyChannel>,
    /// Email only: overrides the default subject.
    pub subject: Option<String>,
    /// Email only: the address the agent confirms sending to though the visitor
    /// never proved it (the draft's `to`); any other address is asked again.
    pub confirm_unverified: Option<String>,
    /// Email only: the addresses copied (each entry may hold several, comma-separated);
    /// absent: the conversation's Cc, as the email draft shows it.
    pub cc: Option<Vec<String>>,
    /// Email only: the addresses copied blind (delivered, never in a header).
    #[serde(default)]
    pub bcc: Vec<String>,
}

/// `PUT /api/signature` (the agent's own) and `POST /api/signature/preview`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureChange {
    /// Plain text; empty removes it.
    pub signature: String,
}

/// `PUT /api/account/time-zone`: the account's time zone.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeZoneChange {
    /// An IANA name such as `Europe/Paris` (checked against the runtime's `Intl`).
    pub time_zone: String,
}

/// `POST /api/conversations/{id}/contact`: "click to add".
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddContact {
    /// The contact's email.
    pub email: String,
    /// Full name.
    pub full_name: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Company.
    pub company: Option<String>,
}

/// `PATCH /api/contacts/{id}`: an agent's edit of a contact's profile. A
/// field left out stays as it is; a value replaces it (the agent's word: no
/// longer marked as stated by a visitor); `null` or `""` clears it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactEdit {
    /// Phone, in international form.
    #[serde(default, deserialize_with = "present")]
    pub phone: Option<Option<String>>,
    /// Company.
    #[serde(default, deserialize_with = "present")]
    pub company: Option<Option<String>>,
    /// Full name.
    #[serde(default, deserialize_with = "present")]
    pub full_name: Option<Option<String>>,
}

/// A field the body has: `Some(None)` for `null`, so "clear" differs from "leave".
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// A field that may be left out but is never `null`.
fn not_null<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

/// `POST /api/conversations/{id}/notes`: a private note (never sent); an
/// `@Full Name` in it mentions that agent.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct NewNote {
    /// Its text.
    pub body: String,
    /// The client's id for it (8 to 64 letters, digits, `-` or `_`): a retry
    /// with the same one stores nothing more.
    #[serde(default)]
    #[cfg_attr(test, ts(optional))]
    pub client_note_id: Option<String>,
}

/// `PATCH /api/conversations/{id}`: close, reopen, assign, mark as spam. A
/// field left out stays as it is; only `assignee_id` takes `null` (unassign).
#[derive(Debug, Default, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ConversationChanges {
    /// Open or closed.
    #[serde(default, deserialize_with = "not_null")]
    #[cfg_attr(test, ts(optional))]
    pub status: Option<Status>,
    /// An agent of the team, or `null` to unassign.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(test, ts(optional))]
    pub assignee_id: Option<Option<String>>,
    /// Spam hides the conversation and blocks its visitor; `false` undoes it.
    #[serde(default, deserialize_with = "not_null")]
    #[cfg_attr(test, ts(optional))]
    pub spam: Option<bool>,
    /// A team of the account, or `null` to take it from its team.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(test, ts(optional))]
    pub team_id: Option<Option<String>>,
}

impl ConversationChanges {
    /// Whether it changes nothing (refused: a PATCH must change something).
    pub fn is_empty(&self) -> bool {
        self.status.is_none()
            && self.assignee_id.is_none()
            && self.spam.is_none()
            && self.team_id.is_none()
    }
}

/// `POST /api/sites/{site}/tickets`: a site form submission.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketSubmission {
    /// The submitter's email.
    pub email: String,
    /// The submitter's name.
    pub name: Option<String>,
    /// Subject of the conversation.
    pub subject: Option<String>,
    /// The submitted text.
    pub body: String,
    /// The poster's id for this submission: a retry with the same id opens nothing new.
    pub submission_id: Option<String>,
}

/// `PATCH /api/sites/{site}/email-channel`; `None` leaves a setting as it is.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelChanges {
    /// Accept mail or not.
    pub enabled: Option<bool>,
    /// Forwarding username (settable once).
    pub username: Option<String>,
    /// Forwarding subdomain (settable once).
    pub subdomain: Option<String>,
    /// Size limit, bytes.
    pub max_message_bytes: Option<u64>,
    /// Default subject template of emails from the inbox (`{Start_Date}` token).
    pub default_subject: Option<String>,
    /// From name template (`{Agent_Name}` token).
    pub from_name: Option<String>,
    /// The site's default signature of outgoing mail; empty removes it.
    pub signature: Option<String>,
}

/// `GET /api/conversations?…`: filters and paging of the inbox list.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConversationFilter {
    /// Only this channel.
    pub channel: Option<Channel>,
    /// Only this status.
    pub status: Option<Status>,
    /// `me`, `unassigned`, or an agent id.
    pub assignee: Option<String>,
    /// Only this site's.
    pub site: Option<String>,
    /// A search: words written in the conversation (its messages' text and
    /// subjects), or in its person's name or email; the answer is then ranked.
    pub q: Option<String>,
    /// `true`: only conversations marked as spam; otherwise they are left out.
    pub spam: Option<bool>,
    /// `true`: only snoozed conversations; otherwise they are left out.
    pub snoozed: Option<bool>,
    /// The cursor of the page before (`next` of the previous answer).
    pub before: Option<String>,
    /// Page size, 1 to 100 (default 100).
    pub limit: Option<u32>,
    /// Only conversations carrying every one of these labels (ids, comma-separated).
    pub labels: Option<String>,
    /// `mine` (my teams'), `none` (of no team), or a team id.
    pub team: Option<String>,
    /// `activity` (newest first, the default) or `due`: by time left on the
    /// response targets, soonest first (only conversations with a deadline).
    pub sort: Option<crate::sla::ListSort>,
}

/// `GET /api/mentions?before=`: paging of the Mentions view.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MentionsQuery {
    /// The cursor of the page before (`next` of the previous answer).
    pub before: Option<String>,
}

/// `POST /api/sites/{site}/automations`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAutomationInput {
    /// A name for people.
    pub name: String,
    /// The receiver, https.
    pub url: String,
}

/// `PATCH /api/sites/{site}/automations/{id}`: what to change.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutomationChanges {
    /// A new name.
    pub name: Option<String>,
    /// A new receiver.
    pub url: Option<String>,
    /// Pause (false) or resume (true) sending.
    pub enabled: Option<bool>,
}

/// `PATCH /api/sites/{site}/identity`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityChanges {
    /// `off`, `optional` or `required`.
    pub mode: IdentityMode,
}

/// `POST /api/api-keys`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateApiKey {
    /// What the key is for (shown in the list).
    pub label: String,
    /// What the key may do; `agent` (no account settings) when left out.
    #[serde(default)]
    pub role: Option<KeyRole>,
}

/// `PUT /api/sites/{site}/messenger`: connects a Facebook Page (or changes it).
/// A secret left out keeps the stored one; connecting first needs both.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessengerChanges {
    /// The Page id.
    pub page_id: String,
    /// The Page access token (stored sealed, never returned).
    pub page_access_token: Option<String>,
    /// The Meta app's App secret (stored sealed, never returned).
    pub app_secret: Option<String>,
}

/// `POST /api/saved-replies`: a new saved reply of the team.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSavedReply {
    /// What the agent types after `/` (e.g. `refund`).
    pub shortcut: String,
    /// A one-line title shown in the picker.
    pub title: String,
    /// The text, with `{contact.first_name|there}`-style placeholders.
    pub body: String,
}

/// `PATCH /api/saved-replies/{id}`; `None` leaves a field as it is.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedReplyChanges {
    /// A new shortcut.
    pub shortcut: Option<String>,
    /// A new title.
    pub title: Option<String>,
    /// A new text.
    pub body: Option<String>,
}

/// `POST /api/labels`: a new label of the account.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewLabel {
    /// Its name (1 to 40 characters, unique in the account, any case).
    pub name: String,
    /// Its colour, `#rrggbb`.
    pub colour: String,
}

/// `PATCH /api/labels/{id}`; `None` leaves a field as it is.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelChanges {
    /// A new name.
    pub name: Option<String>,
    /// A new colour.
    pub colour: Option<String>,
}

/// `PATCH /api/conversations/{id}/labels` and `PATCH /api/contacts/{id}/labels`:
/// labels to put on and take off; either may be left out, and a label
/// already on (or already off) is left as it is.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelChange {
    /// Label ids to add.
    #[serde(default)]
    pub add: Vec<String>,
    /// Label ids to remove.
    #[serde(default)]
    pub remove: Vec<String>,
}

/// `POST /api/teams`: a new team of the account.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewTeam {
    /// Its name (1 to 40 characters, unique in the account, any case).
    pub name: String,
}

/// `PATCH /api/teams/{id}/members`: agents to add and remove; either may be
/// left out, and an agent already in (or out) is left as it is.
#[derive(Debug, Default, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct TeamMembersChange {
    /// Agent ids to add.
    #[serde(default)]
    #[cfg_attr(test, ts(as = "Option<Vec<String>>", optional))]
    pub add: Vec<String>,
    /// Agent ids to remove.
    #[serde(default)]
    #[cfg_attr(test, ts(as = "Option<Vec<String>>", optional))]
    pub remove: Vec<String>,
}

/// `PUT /api/agents/{id}/capacity`: the most open conversations a rule gives the agent.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct AgentCapacity {
    /// 0 to 1000, or `null` for no limit.
    pub capacity: Option<i64>,
}

/// `PUT /api/sites/{site}/assignment-rules`: the site's new conversations
/// of `channel` go to `team_id` (a rule for that channel is replaced).
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct NewAssignmentRule {
    /// The channel.
    pub channel: Channel,
    /// A team of the account.
    pub team_id: String,
}

/// `POST /api/attributes`: a new contact attribute of the account.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAttribute {
    /// Its key (`plan`: a lower-case letter, then lower-case letters, digits or `_`).
    pub key: String,
    /// Its name, as the inbox shows it.
    pub name: String,
    /// What it holds.
    pub kind: crate::attribute::AttributeKind,
    /// A list attribute's options (none for other kinds).
    #[serde(default)]
    pub options: Vec<String>,
}

/// `PATCH /api/attributes/{id}`; `None` leaves a field as it is (key and kind never change).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributeChanges {
    /// A new name.
    pub name: Option<String>,
    /// A list attribute's new options; values no longer among them are cleared.
    pub options: Option<Vec<String>>,
}

/// `POST /api/conversations/{id}/transcript`: email the chat's transcript to its contact.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SendTranscript {
    /// A new key per transcript, the same when retrying: one key sends at most one email.
    pub idempotency_key: String,
    /// The address the agent confirms sending to though the visitor never
    /// proved it is theirs; any other address is asked again.
    pub confirm_unverified: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changes(json: &str) -> Result<ConversationChanges, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn conversation_changes_tell_null_from_left_out_and_refuse_the_rest() {
        let unassign = changes(r#"{"assignee_id": null}"#).unwrap();
        assert_eq!(unassign.assignee_id, Some(None));
        assert!(!unassign.is_empty());
        let all = changes(r#"{"status": "closed", "assignee_id": "ag_1", "spam": true}"#).unwrap();
        assert_eq!(
            (
                all.status,
                all.assignee_id.as_ref().map(|a| a.as_deref()),
                all.spam
            ),
            (Some(Status::Closed), Some(Some("ag_1")), Some(true))
        );
        assert!(changes("{}").unwrap().is_empty());
        for refused in [
            r#"{"spam": null}"#,
            r#"{"status": null}"#,
            r#"{"status": "snoozed"}"#,
            r#"{"spam": "yes"}"#,
            r#"{"assignee_id": 7}"#,
            r#"{"priority": "high"}"#,
        ] {
            assert!(changes(refused).is_err(), "{refused}");
        }
    }
}

/// `PUT /api/conversations/{id}/snooze`: until when. Exactly one of `until`
/// (an absolute time, ms), `preset` (with the agent's `utc_offset_minutes`)
/// or `until_reply: true` (no time: the customer's next message wakes it).
#[derive(Debug, Default, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct SnoozeInput {
    /// Wake at this time (ms since the epoch).
    #[cfg_attr(test, ts(optional))]
    pub until: Option<u64>,
    /// Wake at a preset's time for the agent.
    #[cfg_attr(test, ts(optional))]
    pub preset: Option<crate::snooze::Preset>,
    /// The agent's offset from UTC, minutes (`-new Date().getTimezoneOffset()`), for `preset`.
    #[cfg_attr(test, ts(optional))]
    pub utc_offset_minutes: Option<i32>,
    /// Only the customer's next message wakes it.
    #[cfg_attr(test, ts(optional))]
    pub until_reply: Option<bool>,
}

/// A snooze request naming not exactly one kind of wake.
pub const BAD_SNOOZE: crate::Invalid = crate::Invalid::new(
    "invalid_snooze",
    "Send {\"until\": ms}, {\"preset\": \"later_today\" | \"tomorrow\" | \"next_week\", \"utc_offset_minutes\": n} or {\"until_reply\": true}.",
);

impl SnoozeInput {
    /// When it wakes by itself (`None`: only at the customer's reply), asked at `now` (ms).
    pub fn wake_time(&self, now: u64) -> Result<Option<u64>, crate::Invalid> {
        use crate::snooze::{check_wake_time, preset_time};
        match (self.until, self.preset, self.until_reply) {
            (Some(until), None, None) if self.utc_offset_minutes.is_none() => {
                check_wake_time(until, now).map(Some)
            }
            (None, Some(preset), None) => {
                let offset = self.utc_offset_minutes.ok_or(BAD_SNOOZE)?;
                preset_time(preset, now, offset).map(Some)
            }
            (None, None, Some(true)) if self.utc_offset_minutes.is_none() => Ok(None),
            _ => Err(BAD_SNOOZE),
        }
    }
}

#[cfg(test)]
mod snooze_tests {
    use super::*;
    use crate::snooze::{Preset, NOT_IN_FUTURE};

    const NOW: u64 = 1_796_649_600_000;

    fn input(json: &str) -> SnoozeInput {
        serde_json::from_str(json).expect("a snooze body")
    }

    #[test]
    fn a_snooze_names_exactly_one_kind_of_wake() {
        let until = NOW + 60_000;
        assert_eq!(
            input(&format!("{{\"until\": {until}}}")).wake_time(NOW),
            Ok(Some(until))
        );
        assert_eq!(input("{\"until_reply\": true}").wake_time(NOW), Ok(None));
        let tomorrow = input("{\"preset\": \"tomorrow\", \"utc_offset_minutes\": 0}");
        assert_eq!(tomorrow.preset, Some(Preset::Tomorrow));
        assert!(tomorrow.wake_time(NOW).unwrap().unwrap() > NOW);
        for refused in [
            "{}",
            "{\"until_reply\": false}",
            "{\"preset\": \"tomorrow\"}",
            "{\"until\": 1, \"until_reply\": true}",
            "{\"until_reply\": true, \"utc_offset_minutes\": 60}",
        ] {
            assert_eq!(input(refused).wake_time(NOW), Err(BAD_SNOOZE), "{refused}");
        }
        assert_eq!(
            input(&format!("{{\"until\": {NOW}}}")).wake_time(NOW),
            Err(NOT_IN_FUTURE)
        );
        assert!(serde_json::from_str::<SnoozeInput>("{\"preset\": \"someday\"}").is_err());
        assert!(serde_json::from_str::<SnoozeInput>("{\"when\": 1}").is_err());
    }
}

/// `POST /api/conversations/{id}/merge` and `POST /api/contacts/{id}/merge`:
/// the survivor the one named in the path is merged into.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct MergeInput {
    /// The survivor's id: a conversation of the same contact, or a contact of the account.
    pub into: String,
}

/// `POST /api/sites/{site}/flow/preview`: an unsaved flow, run from its start
/// (no `step`) or from the step it waits at with the visitor's answer: a
/// button's index (`choice`), a free answer (`text`), or neither for the Form.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct FlowPreviewInput {
    /// The flow as the editor holds it.
    pub flow: crate::flow::Flow,
    /// The step the preview waits at; none to start the flow.
    #[serde(default)]
    #[cfg_attr(test, ts(optional))]
    pub step: Option<String>,
    /// The button chosen, by index.
    #[serde(default)]
    #[cfg_attr(test, ts(optional))]
    pub choice: Option<usize>,
    /// The free answer written.
    #[serde(default)]
    #[cfg_attr(test, ts(optional))]
    pub text: Option<String>,
}

/// `POST /api/sites/{site}/proactive` and `PUT /api/sites/{site}/proactive/{id}`:
/// a proactive message as the admin saved it (`shared::proactive` checks each field).
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ProactiveInput {
    /// Its text (1 to 500 characters).
    pub text: String,
    /// The URL pattern (`shared::proactive::url_matches`).
    pub url: String,
    /// Seconds on the page before it shows (0 to 3600).
    pub delay_seconds: u32,
    /// Whom it is for.
    pub audience: crate::proactive::Audience,
    /// The widget language it is for.
    pub language: crate::proactive::MessageLanguage,
    /// Its frequency cap.
    pub frequency: crate::proactive::Frequency,
    /// Whether the widget shows it (a new message is enabled unless this says otherwise).
    #[serde(default)]
    pub enabled: Option<bool>,
}

/// `POST /api/widget/proactive`: the visitor opened the chat from a proactive
/// message's bubble, so their reply carries it.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ProactiveOpen {
    /// The proactive message's id.
    pub message_id: String,
    /// True when the visitor's reply is already on its way (a new visitor:
    /// its token exists only once it writes): the worker attaches the message
    /// to that reply if it is stored, else to the next one.
    #[serde(default)]
    pub replied: bool,
}
