//! Outbound email from the inbox: built by `shared::email::compose` (pure,
//! host-tested) and sent through the `send_email` binding.

pub use shared::email::compose::{build, Outgoing, OutgoingFile};
use shared::email::recipients::Recipients;
use worker::{EmailMessage, SendEmail};

/// Sends a built message through the binding; the error text when it fails.
pub async fn send(binding: &SendEmail, from: &str, to: &str, raw: &str) -> Result<(), String> {
    let message = EmailMessage::new(from, to, raw).map_err(|e| format!("{e:?}"))?;
    binding.send(&message).await.map(|_| ()).map_err(|e| {
        let text: String = js_sys::Reflect::get(&e, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_else(|| format!("{e:?}"));
        text
    })
}

/// What became of one email sent to all its recipients.
#[derive(Debug)]
pub struct Delivery {
    /// The contact's copy: sent, or why not (then no one else was sent one).
    pub to: Result<(), String>,
    /// Copied recipients (Cc or Bcc) whose copy the binding refused, with why.
    pub undelivered: Vec<(String, String)>,
}

/// Sends the same message to each recipient of the envelope, the contact
/// first: the binding takes one recipient per message, so the people copied
/// blind receive it without being named in any header. When the contact's
/// copy fails nothing more is sent (the agent may retry without anyone
/// receiving it twice); a copied recipient's failure is reported, not retried.
pub async fn deliver(
    binding: Option<&SendEmail>,
    from: &str,
    recipients: &Recipients,
    raw: Result<String, String>,
) -> Delivery {
    let sent = match (raw, binding) {
        (Ok(raw), Some(binding)) => Ok((raw, binding)),
        (Err(e), _) => Err(e),
        (_, None) => Err("the OUTBOUND send_email binding is not configured".to_string()),
    };
    let (raw, binding) = match sent {
        Ok(ready) => ready,
        Err(e) => {
            return Delivery {
                to: Err(e),
                undelivered: Vec::new(),
            }
        }
    };
    if let Err(e) = send(binding, from, &recipients.to, &raw).await {
        return Delivery {
            to: Err(e),
            undelivered: Vec::new(),
        };
    }
    let mut undelivered = Vec::new();
    for copy in recipients.envelope().skip(1) {
        if let Err(e) = send(binding, from, copy, &raw).await {
            worker::console_error!("the copy to {copy} was not sent: {e}");
            undelivered.push((copy.to_string(), e));
        }
    }
    Delivery {
        to: Ok(()),
        undelivered,
    }
}
