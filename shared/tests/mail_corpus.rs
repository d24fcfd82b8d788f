//! The .eml corpus of the end-to-end suites (tests/mail/), run through the
//! pipeline on the host: what each message must become, without a worker.

use shared::email::loops::Flag;
use shared::email::parse::{parse, Mail};

/// A corpus file with its `{{placeholders}}` filled in, CRLF line endings.
fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/../tests/mail/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let filled = text
        .replace("{{From}}", "Mia.Chen@Example.org")
        .replace("{{from}}", "mia.chen@example.org")
        .replace("{{id}}", "m1@mail.example.org")
        .replace("{{parent}}", "m0@mail.example.org")
        .replace("{{marker}}", "MARK")
        .replace("{{reply_to}}", "reply+c_1.00@juniper.inbound.example.com")
        .replace("{{base64_body}}", "T3JkZXIgMTA0MiBhcnJpdmVkIChNQVJLKQ=="); // "Order 1042 arrived (MARK)"
    filled.replace("\r\n", "\n").replace('\n', "\r\n").into_bytes()
}

fn parsed(name: &str) -> Mail {
    parse(&fixture(name), "mia.chen@example.org").unwrap_or_else(|e| panic!("{name}: {}", e.message))
}

#[test]
fn every_corpus_message_parses() {
    let dir = format!("{}/../tests/mail", env!("CARGO_MANIFEST_DIR"));
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let mail = parsed(&name);
        assert_eq!(mail.from_email, "mia.chen@example.org", "{name}");
        assert!(mail.body.contains("MARK"), "{name}: {}", mail.body);
    }
}

#[test]
fn plain_mail_decodes_subject_name_and_body() {
    let mail = parsed("plain.eml");
    assert_eq!(mail.subject.as_deref(), Some("Where is my order? ☕"));
    assert_eq!(mail.from_name.as_deref(), Some("Mia Chen"));
    assert_eq!(mail.message_id, "m1@mail.example.org");
    assert!(mail.body.starts_with("Hello,\n\nI ordered two tins of Morning Fog"));
    assert!(mail.flags.is_empty());
}

#[test]
fn html_is_sanitised_and_html_only_mail_becomes_text() {
    let alt = parsed("alternative.eml");
    let html = alt.body_html.unwrap();
    assert!(html.contains("<b>gift-wrap</b>"), "{html}");
    for banned in ["<script", "onclick", "javascript:", "<img", "<iframe", "<form", "<style"] {
        assert!(!html.contains(banned), "{banned} in {html}");
    }
    let only = parsed("html-only.eml");
    assert!(only.body.contains("\n\n- Morning Fog\n- Pine Needle Sencha\n\nBest,\nSam"), "{}", only.body);
}

#[test]
fn attachments_quotes_threads_and_flags() {
    let att = parsed("attachment.eml");
    let listed: Vec<_> = att.attachments.iter().map(|a| (a.filename.as_deref(), a.content_type.as_str(), a.size)).collect();
    assert_eq!(listed, [(Some("invoice-1042.pdf"), "application/pdf", 78), (Some("dent.png"), "image/png", 70)]);
    let outlook = parsed("outlook-reply.eml");
    assert_eq!(outlook.body, "It arrived this morning, thank you! (MARK)");
    assert!(outlook.body_full.unwrap().contains("-----Original Message-----"));
    assert_eq!(outlook.referenced.first().map(String::as_str), Some("m0@mail.example.org"));
    assert_eq!(parsed("bulk.eml").flags, [Flag::Bulk]);
    assert_eq!(parsed("auto-reply.eml").flags, [Flag::AutoReply]);
}
