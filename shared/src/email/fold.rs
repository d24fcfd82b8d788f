//! What the inbox folds away from an email's visible text (quoted history, a
//! signature, or both), and what its summary line calls it.

use crate::conversation::string_enum;

string_enum! {
    /// What was folded away from a message's visible text.
    Fold { /// Quoted history.
        Quote = "quote", /// A signature (`-- `, "Sent from my …").
        Signature = "signature", /// A signature and the quoted history after it.
        QuoteAndSignature = "quote_and_signature" }
}

impl Fold {
    /// The fold's summary line, as the inbox and the HTML view name it.
    pub const fn label(self) -> &'static str {
        match self {
            Fold::Quote => "Show quoted text",
            Fold::Signature => "Show signature",
            Fold::QuoteAndSignature => "Show signature and quoted text",
        }
    }
}
