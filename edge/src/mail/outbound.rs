//! Outbound email from the inbox: built by `shared::email::compose` (pure,
//! host-tested) and sent through the `send_email` binding.

pub use shared::email::compose::{build, Outgoing, OutgoingFile};
use worker::{EmailMessage, SendEmail};

/// Sends a built message through the binding; the error text when it fails.
pub async fn send(binding: &SendEmail, from: &str, to: &str, raw: &str) -> Result<(), String> {
    let message = EmailMessage::new(from, to, raw).map_err(|e| format!("{e:?}"))?;
    binding.send(&message).await.map(|_| ()).map_err(|e| {
        let text: String = js_sys::Reflect::get(&e, &"message".into()).ok().and_then(|m| m.as_string()).unwrap_or_else(|| format!("{e:?}"));
        text
    })
}
