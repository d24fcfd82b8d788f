//! The HTTP API's shapes, in one place: what clients send (`request`) and
//! what the worker answers (`response`).
//!
//! The store reads a row straight into the response type it answers where
//! the columns are the fields (its SQL names them with `AS`, so a renamed
//! column never changes what clients receive), and converts the others at its
//! boundary. Vocabularies travel as their stored names, booleans as booleans
//! (read from SQLite's 0 and 1 by [`flag`]), times as milliseconds since the epoch.

pub mod crm;
pub mod live;
pub mod request;
pub mod response;
pub mod routes;
pub mod sla;

pub use crm::*;
pub use live::*;
pub use request::*;
pub use response::*;
pub use sla::*;

/// Deserializes a boolean stored as SQLite's 0 or 1 (or given as JSON's
/// `true` or `false`), for response types the store reads rows into.
pub fn flag<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    struct Flag;
    impl serde::de::Visitor<'_> for Flag {
        type Value = bool;
        fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            f.write_str("a boolean, or 0 or 1")
        }
        fn visit_bool<E>(self, v: bool) -> Result<bool, E> {
            Ok(v)
        }
        fn visit_u64<E>(self, v: u64) -> Result<bool, E> {
            Ok(v == 1)
        }
        fn visit_i64<E>(self, v: i64) -> Result<bool, E> {
            Ok(v == 1)
        }
        fn visit_f64<E>(self, v: f64) -> Result<bool, E> {
            Ok(v == 1.0)
        }
    }
    d.deserialize_any(Flag)
}

/// Deserializes JSON kept as text (SQLite has no JSON type; `None` when
/// absent or not JSON), or given as JSON.
pub fn json_text<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<serde_json::Value>, D::Error> {
    use serde::Deserialize;
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::String(text)) => serde_json::from_str(&text).ok(),
        other => other,
    })
}

/// Deserializes a list kept as comma-separated text (empty when absent), or
/// given as a JSON array.
pub fn comma_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    use serde::Deserialize;
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::String(text)) => text
            .split(',')
            .filter(|f| !f.is_empty())
            .map(String::from)
            .collect(),
        Some(serde_json::Value::Array(items)) => items
            .into_iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect(),
        _ => Vec::new(),
    })
}

/// The stored shapes the store reads rows in, as serde sees them.
#[cfg(test)]
mod stored {
    use serde_json::json;

    #[test]
    fn a_stored_message_reads_as_the_api_message() {
        let row = json!({
            "id": "m_1", "conversation_id": "c_1", "direction": "inbound", "author": "contact",
            "author_name": null, "body": "Hi", "client_message_id": null, "contact_id": "ct_1",
            "email_subject": "Hello", "email_from": "Ann <ann@example.com>", "body_full": null,
            "body_html": null, "email_headers": "{\"To\":\"support@example.com\"}", "flags": "auto_reply,bulk",
            "has_original": 1, "delivery_status": null, "delivery_error": null, "receipt": null,
            "created_at": 5, "seq": 1
        });
        let message: super::Message = serde_json::from_value(row).unwrap();
        assert_eq!(
            message.email_headers,
            Some(json!({"To": "support@example.com"}))
        );
        assert_eq!(message.flags, ["auto_reply", "bulk"]);
        assert!(message.has_original);
        assert!(message.attachments.is_empty(), "listed afterwards");
    }

    #[test]
    fn stored_shapes_read_as_json_shapes_too() {
        let row = |has_original: serde_json::Value,
                   flags: serde_json::Value,
                   headers: serde_json::Value| {
            json!({
                "id": "m_1", "conversation_id": "c_1", "direction": "outbound", "author": "agent",
                "author_name": "Bo", "body": "Hi", "client_message_id": null, "contact_id": null,
                "email_subject": null, "email_from": null, "body_full": null, "body_html": null,
                "email_headers": headers, "flags": flags, "has_original": has_original,
                "delivery_status": "sent", "delivery_error": null, "receipt": null, "created_at": 5, "seq": 2
            })
        };
        let m: super::Message =
            serde_json::from_value(row(json!(0), json!(null), json!(null))).unwrap();
        assert!(!m.has_original && m.flags.is_empty() && m.email_headers.is_none());
        let m: super::Message =
            serde_json::from_value(row(json!(true), json!(["bounce"]), json!("not json"))).unwrap();
        assert!(m.has_original);
        assert_eq!(m.flags, ["bounce"]);
        assert_eq!(m.email_headers, None, "text that is not JSON reads as none");
    }
}

#[cfg(test)]
mod typescript_constants;

/// The inbox's TypeScript declarations are generated from the types above:
/// `www/inbox/api-types.d.ts` must be what this test writes, so a renamed
/// field changes it, and the inbox's type check (`make unit`) then fails
/// wherever the old name is still read.
#[cfg(test)]
mod typescript {
    use super::*;
    use crate::agent::{KeyRole, Role};
    use crate::attribute::AttributeKind;
    use crate::automation::Target;
    use crate::automation::{DeliveryState, Event};
    use crate::chatbot::{Block, Chatbot, Span};
    use crate::contact::ContactSource;
    use crate::conversation::{Author, Channel, DeliveryStatus, Direction, Status};
    use crate::crm::{CallKind, CallState, ConnectionState};
    use crate::csat::{RatingSource, Score};
    use crate::email::fold::Fold;
    use crate::flow::{Assignee, Button, Flow, Localized, Offline, SaveTo, Step, Trigger};
    use crate::form::{FieldMode, FormField};
    use crate::identity::IdentityMode;
    use crate::messenger::{MessagingWindow, Receipt};
    use crate::proactive::{Audience, Frequency, MessageLanguage};
    use crate::report::{RangeKind, Unit};
    use crate::search::SnippetPart;
    use crate::site::{CspDirective, Language, WidgetPosition};
    use crate::sla::{ListSort, SlaKind, SlaState};
    use crate::snooze::Preset;
    use crate::trail::TrailKind;
    use crate::transcript::TranscriptStatus;
    use ts_rs::{Config, TS};

    /// Where the inbox reads its shapes from.
    const GENERATED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../www/inbox/api-types.d.ts");

    macro_rules! declarations {
        ($cfg:expr; $($t:ty),+ $(,)?) => {{
            let mut out = String::from(
                "// Generated from shared/src/api by `UPDATE_API_TYPES=1 cargo test -p shared --features serde`.\n\
                 // Do not edit: change the Rust types, regenerate, and let the type check find what to update.\n\n",
            );
            $(
                if let Some(docs) = <$t>::docs() {
                    out.push_str(&docs);
                }
                out.push_str("export ");
                out.push_str(&<$t>::decl($cfg));
                out.push_str("\n\n");
            )+
            out
        }};
    }

    #[test]
    fn the_inbox_types_are_generated_from_these() {
        let cfg = Config::new().with_large_int("number");
        let generated = declarations!(&cfg;
            Role, KeyRole, Channel, Status, Author, Direction, DeliveryStatus, ContactSource, FieldMode, FormField, WidgetPosition, Language,
            IdentityMode, MessagingWindow, Receipt,
            Agent, Site, FormModes, SiteConfig, VisitorMessage, VisitorFile, VisitorState, Conversation, Attachment, Message, Claim,
            Contact, Activity, Rejection, Erased, EmailChannel, ConversationPage, Thread, ConversationAnswer,
            MessageAnswer, EmailDraft, ContactProfile, Session, Team, Invitation, Sites, ChannelSettings, EmailPreview,
            Rejections, TemplateTokens, WidgetSettings, ChatbotSettings, Chatbot, Block, Span, NewVisitor, VisitorThread, VisitorMessageAnswer, VisitorAnswer,
            Event, DeliveryState, Automation, Automations, NewAutomation, Delivery, Deliveries,
            Snippet, CspDirective, MatchSnippet, SnippetPart, IdentitySettings, IdentitySecret, MessengerThread, MessengerSettings, ApiKey, ApiKeys, NewApiKey,
            WidgetPush, WidgetSays, Viewer, TeamMember, InboxPush, InboxSays, PresenceChange,
            SavedReply, SavedReplies, RenderedReply, RenderedReplies, TranscriptStatus, Transcript,
            Fold,
            CcAddress, AgentSignature, SignaturePreview, AccountTimeZone,
            ConversationChanges,
            TrailKind, TrailEvent, NoteAnswer, Mentions, MentionedIn, NewNote,
            Label, Labels, AppliedLabels,
            Preset, SnoozeInput,
            AgentTeam, AgentTeams, AssignmentRule, AssignmentRules, TeamMembersChange, AgentCapacity, NewAssignmentRule,
            MergeInput, Duplicates,
            AttributeKind, Attribute, Attributes, ContactAttributes,
            Flow, Trigger, Step, Button, SaveTo, Assignee, Localized, Offline,
            PromptKind, FlowPrompt, FlowStart, FlowAnswered,
            FlowSettings, PreviewEffect, PreviewPrompt, PreviewWait, FlowPreview, FlowPreviewInput,
            Audience, MessageLanguage, Frequency, ProactiveMessage, ProactiveMessages, ProactiveTarget, ProactiveInput,
            RangeKind, Unit, ReportQuery, Spread, SpreadSeries, ReportBucket, ReportSeries, ReportTotals, ReportAgent, ReportScope, Report,
            Score, RatingSource, VisitorRating, Rating, RatingAnswer, RateInput, SatisfactionPeriod, RatingComment, SatisfactionReport,
            SlaKind, SlaState, ListSort, SlaTarget, SlaSettings, SlaInput, SlaMark, SlaCounts, SlaChannelReport, SlaPeriod, SlaReport,
            Target, ConnectionState, CallKind, CallState, CrmFieldMapping, CrmFieldMapInput, CrmConnection, CrmConnect, CrmAutomation, CrmField,
            CrmCall, CrmTags, CrmSiteSettings, CrmCardState, CrmCardList, CrmCardDeal, CrmContactCard,
        );
        if std::env::var_os("UPDATE_API_TYPES").is_some() {
            std::fs::write(GENERATED, &generated).expect("www/inbox/ is writable");
        }
        let committed = std::fs::read_to_string(GENERATED).unwrap_or_default();
        assert!(
            committed == generated,
            "www/inbox/api-types.d.ts is out of date with shared/src/api: run \
             `UPDATE_API_TYPES=1 cargo test -p shared --features serde` and fix what the inbox type check reports"
        );
    }
}
