//! The HTTP API's shapes, in one place: what clients send (`request`) and
//! what the worker answers (`response`).
//!
//! The store reads rows into its own types and answers these, so a renamed
//! column never changes what clients receive. Vocabularies travel as their
//! stored names, booleans as booleans, times as milliseconds since the epoch.

pub mod live;
pub mod request;
pub mod response;
pub mod routes;

pub use live::*;
pub use request::*;
pub use response::*;

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
    use crate::automation::{DeliveryState, Event};
    use crate::chatbot::{Block, Chatbot, Span};
    use crate::contact::ContactSource;
    use crate::conversation::{Author, Channel, DeliveryStatus, Direction, Status};
    use crate::email::quote::Fold;
    use crate::form::{FieldMode, FormField};
    use crate::identity::IdentityMode;
    use crate::messenger::{MessagingWindow, Receipt};
    use crate::search::SnippetPart;
    use crate::site::{CspDirective, Language, WidgetPosition};
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
            CcAddress, AgentSignature, SignaturePreview,
            ConversationChanges,
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
