//! The Graph API's shapes: webhook deliveries read into [`Event`]s, the Send
//! API's body and its answers (feature `serde`).

use super::{Event, MessagingWindow};
use serde::Deserialize;
use serde_json::{json, Value};

/// A webhook delivery: `{object: "page", entry: [...]}`.
#[derive(Debug, Deserialize)]
pub struct Webhook {
    /// `page` for Messenger.
    #[serde(default)]
    pub object: String,
    /// One entry per Page (and batch).
    #[serde(default)]
    pub entry: Vec<Entry>,
}

/// The events of one Page.
#[derive(Debug, Deserialize)]
pub struct Entry {
    /// The Page id.
    pub id: String,
    /// Its messaging events.
    #[serde(default)]
    pub messaging: Vec<Messaging>,
}

/// Someone's id on a Page (a PSID, or the Page's own id).
#[derive(Debug, Deserialize)]
pub struct Party {
    /// The id.
    pub id: String,
}

/// One messaging event.
#[derive(Debug, Deserialize)]
pub struct Messaging {
    /// Who sent it (the person, or the Page for echoes).
    pub sender: Party,
    /// Who received it.
    pub recipient: Party,
    /// A message.
    pub message: Option<InMessage>,
    /// A button tapped.
    pub postback: Option<Postback>,
    /// Delivery receipts.
    pub delivery: Option<Delivery>,
    /// Read receipts.
    pub read: Option<Read>,
}

/// A message event's message.
#[derive(Debug, Deserialize)]
pub struct InMessage {
    /// Messenger's message id.
    pub mid: String,
    /// Its text, if any (a quick reply's title).
    pub text: Option<String>,
    /// Whether this is the echo of a message the Page sent.
    #[serde(default)]
    pub is_echo: bool,
    /// The quick reply tapped.
    pub quick_reply: Option<Payload>,
    /// Images, files, audio, video.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
}

/// A developer-defined payload.
#[derive(Debug, Deserialize)]
pub struct Payload {
    /// The payload text.
    pub payload: Option<String>,
}

/// An attachment of a message.
#[derive(Debug, Deserialize)]
pub struct Attachment {
    /// `image`, `file`, `audio`, `video`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// Where it is.
    pub payload: Option<AttachmentPayload>,
}

/// Where an attachment is.
#[derive(Debug, Deserialize)]
pub struct AttachmentPayload {
    /// Its URL.
    pub url: Option<String>,
}

/// A postback (a button the person tapped).
#[derive(Debug, Deserialize)]
pub struct Postback {
    /// Messenger's id for it, if given.
    pub mid: Option<String>,
    /// The button's title.
    pub title: Option<String>,
    /// The button's payload.
    pub payload: Option<String>,
}

/// A delivery receipt.
#[derive(Debug, Deserialize)]
pub struct Delivery {
    /// Ids of the delivered messages, if given.
    #[serde(default)]
    pub mids: Vec<String>,
    /// Everything sent before this time (ms) is delivered.
    #[serde(default)]
    pub watermark: u64,
}

/// A read receipt.
#[derive(Debug, Deserialize)]
pub struct Read {
    /// Everything sent before this time (ms) was read.
    pub watermark: u64,
}

impl Webhook {
    /// Every Page id the delivery names, once each.
    pub fn page_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.entry.iter().map(|e| e.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// What the delivery means for the inbox, in order; echoes and unknown events are left out.
    pub fn events(&self) -> Vec<Event> {
        let mut events = Vec::new();
        for entry in &self.entry {
            for m in &entry.messaging {
                let (page_id, psid) = (entry.id.clone(), m.sender.id.clone());
                if let Some(message) = &m.message {
                    if message.is_echo {
                        continue;
                    }
                    let body = message_text(message);
                    if !body.is_empty() {
                        events.push(Event::Message {
                            page_id,
                            psid,
                            mid: message.mid.clone(),
                            body,
                        });
                    }
                } else if let Some(postback) = &m.postback {
                    let title = postback.title.as_deref().unwrap_or("Postback");
                    let body = match postback.payload.as_deref() {
                        Some(p) if !p.is_empty() => format!("{title}\n(button: {p})"),
                        _ => title.to_string(),
                    };
                    // A postback without a mid is keyed by sender and content: the same tap twice is stored once.
                    let mid = postback
                        .mid
                        .clone()
                        .unwrap_or_else(|| format!("postback:{psid}:{body}"));
                    events.push(Event::Message {
                        page_id,
                        psid,
                        mid,
                        body,
                    });
                } else if let Some(d) = &m.delivery {
                    events.push(Event::Delivered {
                        page_id,
                        psid,
                        mids: d.mids.clone(),
                        watermark: d.watermark,
                    });
                } else if let Some(r) = &m.read {
                    events.push(Event::Read {
                        page_id,
                        psid,
                        watermark: r.watermark,
                    });
                }
            }
        }
        events
    }
}

/// A message as readable text: its text, the quick reply's payload, and one line per attachment with its link.
fn message_text(message: &InMessage) -> String {
    let mut lines: Vec<String> = Vec::new();
    if let Some(text) = message
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        lines.push(text.to_string());
    }
    if let Some(payload) = message
        .quick_reply
        .as_ref()
        .and_then(|q| q.payload.as_deref())
    {
        lines.push(format!("(quick reply: {payload})"));
    }
    for attachment in &message.attachments {
        let label = match attachment.kind.as_str() {
            "image" => "Image",
            "video" => "Video",
            "audio" => "Audio",
            "file" => "File",
            _ => "Attachment",
        };
        match attachment.payload.as_ref().and_then(|p| p.url.as_deref()) {
            Some(url) => lines.push(format!("{label}: {url}")),
            None => lines.push(format!("{label} (no link)")),
        }
    }
    lines.join("\n")
}

/// The Send API body of a text reply to `psid` in `window`; `None` when the window is closed.
pub fn send_body(psid: &str, text: &str, window: MessagingWindow) -> Option<Value> {
    let mut body = json!({ "recipient": { "id": psid }, "message": { "text": text } });
    match window {
        MessagingWindow::Standard => body["messaging_type"] = json!("RESPONSE"),
        MessagingWindow::HumanAgent => {
            body["messaging_type"] = json!("MESSAGE_TAG");
            body["tag"] = json!("HUMAN_AGENT");
        }
        MessagingWindow::Closed => return None,
    }
    Some(body)
}

/// What the Graph API answered a send: the message id, or its error's message.
pub fn send_outcome(status: u16, answer: &str) -> Result<Option<String>, String> {
    let value: Value = serde_json::from_str(answer).unwrap_or(Value::Null);
    if (200..300).contains(&status) {
        return Ok(value["message_id"].as_str().map(str::to_string));
    }
    let message = value["error"]["message"].as_str().map(str::to_string);
    Err(message.unwrap_or_else(|| format!("the Graph API answered {status}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BATCH: &str = r#"{"object":"page","entry":[
          {"id":"P1","time":1,"messaging":[
            {"sender":{"id":"U1"},"recipient":{"id":"P1"},"timestamp":1,"message":{"mid":"m.1","text":"Hello"}},
            {"sender":{"id":"U1"},"recipient":{"id":"P1"},"message":{"mid":"m.2","attachments":[
               {"type":"image","payload":{"url":"https://cdn.example/cat.png"}},{"type":"file","payload":{"url":"https://cdn.example/a.pdf"}}]}},
            {"sender":{"id":"P1"},"recipient":{"id":"U1"},"message":{"mid":"m.3","text":"our own","is_echo":true}},
            {"sender":{"id":"U1"},"recipient":{"id":"P1"},"postback":{"mid":"m.4","title":"Track order","payload":"TRACK"}},
            {"sender":{"id":"U1"},"recipient":{"id":"P1"},"message":{"mid":"m.5","text":"Yes","quick_reply":{"payload":"YES"}}},
            {"sender":{"id":"U1"},"recipient":{"id":"P1"},"delivery":{"mids":["m.out"],"watermark":10}},
            {"sender":{"id":"U1"},"recipient":{"id":"P1"},"read":{"watermark":20}}]},
          {"id":"P2","messaging":[]}]}"#;

    fn message(mid: &str, body: &str) -> Event {
        Event::Message {
            page_id: "P1".into(),
            psid: "U1".into(),
            mid: mid.into(),
            body: body.into(),
        }
    }

    #[test]
    fn a_batch_becomes_events_without_echoes() {
        let hook: Webhook = serde_json::from_str(BATCH).unwrap();
        assert_eq!(hook.page_ids(), ["P1", "P2"]);
        assert_eq!(
            hook.events(),
            vec![
                message("m.1", "Hello"),
                message(
                    "m.2",
                    "Image: https://cdn.example/cat.png\nFile: https://cdn.example/a.pdf"
                ),
                message("m.4", "Track order\n(button: TRACK)"),
                message("m.5", "Yes\n(quick reply: YES)"),
                Event::Delivered {
                    page_id: "P1".into(),
                    psid: "U1".into(),
                    mids: vec!["m.out".into()],
                    watermark: 10
                },
                Event::Read {
                    page_id: "P1".into(),
                    psid: "U1".into(),
                    watermark: 20
                },
            ]
        );
    }

    #[test]
    fn the_send_body_follows_the_window() {
        let standard = send_body("U1", "Hi", MessagingWindow::Standard).unwrap();
        assert_eq!(
            standard,
            json!({"recipient":{"id":"U1"},"message":{"text":"Hi"},"messaging_type":"RESPONSE"})
        );
        let tagged = send_body("U1", "Hi", MessagingWindow::HumanAgent).unwrap();
        assert_eq!(tagged["messaging_type"], "MESSAGE_TAG");
        assert_eq!(tagged["tag"], "HUMAN_AGENT");
        assert_eq!(send_body("U1", "Hi", MessagingWindow::Closed), None);
    }

    #[test]
    fn graph_answers_become_ids_or_errors() {
        assert_eq!(
            send_outcome(200, r#"{"recipient_id":"U1","message_id":"m.9"}"#),
            Ok(Some("m.9".into()))
        );
        let error = r#"{"error":{"message":"(#100) No matching user found","type":"OAuthException","code":100}}"#;
        assert_eq!(
            send_outcome(400, error),
            Err("(#100) No matching user found".into())
        );
        assert_eq!(
            send_outcome(500, "oops"),
            Err("the Graph API answered 500".into())
        );
    }
}
