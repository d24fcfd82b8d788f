//! The RFC 5322 message of an email from the inbox, built with mail-builder:
//! one message to the contact per reply (the people it copies in Cc; blind
//! copies are never named), text and HTML parts with the signature under
//! both, and the agent's files as attachments (multipart/mixed).

use mail_builder::headers::content_type::ContentType;
use mail_builder::mime::MimePart;
use mail_builder::MessageBuilder;

use super::one_line;
use super::signature::signed;

/// Everything one outbound email carries.
#[derive(Debug)]
pub struct Outgoing<'a> {
    /// Display name of the sender (rendered From Name).
    pub from_name: &'a str,
    /// The site's forwarding address.
    pub from_address: &'a str,
    /// The contact's address.
    pub to: &'a str,
    /// The contact's name, if known.
    pub to_name: Option<&'a str>,
    /// The addresses copied, named in the Cc header (checked: `recipients::validate`).
    /// Blind copies are only the envelope's business: they never reach a header.
    pub cc: &'a [String],
    /// The conversation's signed reply address.
    pub reply_to: &'a str,
    /// Subject line.
    pub subject: &'a str,
    /// Signed Message-ID, without brackets.
    pub message_id: &'a str,
    /// The message this answers, without brackets.
    pub in_reply_to: Option<&'a str>,
    /// The thread's Message-IDs, oldest first.
    pub references: &'a [String],
    /// The reply's text.
    pub text: &'a str,
    /// The signature put under it (`signature::chosen`), if any.
    pub signature: Option<&'a str>,
    /// Seconds since the epoch.
    pub date: u64,
    /// MIME boundary (random; mail-builder would read a clock wasm lacks).
    pub boundary: &'a str,
    /// Files attached, in order.
    pub files: &'a [OutgoingFile<'a>],
}

/// A file attached to an outbound email.
#[derive(Debug)]
pub struct OutgoingFile<'a> {
    /// Its name (already made safe: `files::safe_filename`).
    pub filename: &'a str,
    /// Its sniffed type.
    pub content_type: &'a str,
    /// Its bytes (base64-encoded in the message).
    pub bytes: &'a [u8],
}

/// The reply as HTML: the text escaped, paragraphs and line breaks kept.
pub fn html_of(text: &str) -> String {
    let mut html = String::from("<!doctype html><html><body>");
    for paragraph in text.split("\n\n") {
        html.push_str("<p>");
        for (i, line) in paragraph.split('\n').enumerate() {
            if i > 0 {
                html.push_str("<br>");
            }
            for c in line.chars() {
                match c {
                    '&' => html.push_str("&amp;"),
                    '<' => html.push_str("&lt;"),
                    '>' => html.push_str("&gt;"),
                    '"' => html.push_str("&quot;"),
                    _ => html.push(c),
                }
            }
        }
        html.push_str("</p>");
    }
    html.push_str("</body></html>");
    html
}

/// The RFC 5322 message (text and HTML parts; encoded words where needed).
/// Subject, From name and To name lose CR, LF and other control characters.
pub fn build(out: &Outgoing) -> Result<String, String> {
    let text = signed(out.text, out.signature);
    let mut body = MimePart::new(
        ContentType::new("multipart/alternative").attribute("boundary", out.boundary),
        vec![
            MimePart::new(
                ContentType::new("text/plain").attribute("charset", "utf-8"),
                text.as_str(),
            ),
            MimePart::new(
                ContentType::new("text/html").attribute("charset", "utf-8"),
                html_of(&text),
            ),
        ],
    );
    if !out.files.is_empty() {
        let mut parts = vec![body];
        parts.extend(out.files.iter().map(|f| {
            MimePart::new(ContentType::new(f.content_type), f.bytes)
                .attachment(one_line(f.filename))
        }));
        let mixed = format!("{}-mixed", out.boundary);
        body = MimePart::new(
            ContentType::new("multipart/mixed").attribute("boundary", mixed),
            parts,
        );
    }
    // Header text is one line: a CR or LF in it would start a header of its own.
    let (from_name, to_name) = (
        one_line(out.from_name),
        out.to_name.map(one_line).unwrap_or_default(),
    );
    let mut builder = MessageBuilder::new()
        .from((from_name.as_str(), out.from_address))
        .to((to_name.as_str(), out.to))
        .reply_to(out.reply_to)
        .subject(one_line(out.subject))
        .message_id(out.message_id)
        .date(out.date)
        .header("Auto-Submitted", mail_builder::headers::raw::Raw::new("no"))
        .body(body);
    if !out.cc.is_empty() {
        builder = builder.cc(out.cc.iter().map(String::as_str).collect::<Vec<_>>());
    }
    if let Some(parent) = out.in_reply_to {
        builder = builder.in_reply_to(parent);
    }
    if !out.references.is_empty() {
        builder = builder.references(out.references.to_vec());
    }
    builder.write_to_string().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reply as the inbox sends it, with the given subject and names.
    fn outgoing<'a>(
        subject: &'a str,
        from_name: &'a str,
        to_name: Option<&'a str>,
    ) -> Outgoing<'a> {
        Outgoing {
            from_name,
            from_address: "support@juniper.inbound.example.com",
            to: "mia@example.org",
            to_name,
            cc: &[],
            reply_to: "reply+c_1.abc@juniper.inbound.example.com",
            subject,
            message_id: "m_1.sig@juniper.inbound.example.com",
            in_reply_to: Some("m0@mail.example.org"),
            references: &[],
            text: "Hello <Mia> & co\n\nBest",
            signature: None,
            date: 1_795_219_200,
            boundary: "parley-boundary",
            files: &[],
        }
    }

    #[test]
    fn files_travel_as_attachments_that_parse_back_whole() {
        let pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n binary \x00\x01\xff tail";
        let files = [OutgoingFile {
            filename: "facture n°1.pdf",
            content_type: "application/pdf",
            bytes: pdf,
        }];
        let out = Outgoing {
            files: &files,
            ..outgoing("Re: Invoice", "Robin", Some("Mia"))
        };
        let raw = build(&out).unwrap();
        assert!(raw.contains("multipart/mixed"), "{raw}");
        let parsed = mail_parser::MessageParser::default()
            .parse(raw.as_bytes())
            .unwrap();
        let attachment = parsed.attachments().next().expect("one attachment");
        assert_eq!(attachment.contents(), pdf, "the bytes arrive whole");
        assert_eq!(
            mail_parser::MimeHeaders::attachment_name(attachment),
            Some("facture n°1.pdf")
        );
        assert_eq!(
            parsed.body_text(0).as_deref(),
            Some("Hello <Mia> & co\r\n\r\nBest"),
            "the text part stays first"
        );
    }

    #[test]
    fn builds_threaded_text_and_html_parts() {
        let raw = build(&outgoing(
            "Re: Where is my order?",
            "Robin at J&P",
            Some("Mia Chen"),
        ))
        .unwrap();
        assert!(raw.contains("Subject: Re: Where is my order?\r\n"), "{raw}");
        assert!(
            raw.contains("In-Reply-To: <m0@mail.example.org>\r\n"),
            "{raw}"
        );
        assert!(
            raw.contains("Message-ID: <m_1.sig@juniper.inbound.example.com>\r\n"),
            "{raw}"
        );
        assert!(raw.contains("Auto-Submitted: no\r\n"), "{raw}");
        assert!(raw.contains("boundary=\"parley-boundary\""), "{raw}");
        assert!(
            raw.contains("<p>Hello &lt;Mia&gt; &amp; co</p><p>Best</p>"),
            "{raw}"
        );
    }

    #[test]
    fn cc_is_a_header_and_the_signature_closes_both_parts_escaped() {
        let cc = ["ben@example.org".to_string(), "cy@example.net".to_string()];
        let out = Outgoing {
            cc: &cc,
            signature: Some("Robin <robin@j&p>\n<script>x</script>"),
            ..outgoing("Re: Hi", "Robin", Some("Mia"))
        };
        let raw = build(&out).unwrap();
        let head = &raw[..raw.find("\r\n\r\n").unwrap()];
        assert!(
            head.contains("Cc: <ben@example.org>, <cy@example.net>\r\n"),
            "{head}"
        );
        assert!(!head.to_ascii_lowercase().contains("bcc"), "{head}");
        let parsed = mail_parser::MessageParser::default()
            .parse(raw.as_bytes())
            .unwrap();
        let text = parsed.body_text(0).unwrap().replace("\r\n", "\n");
        assert!(
            text.ends_with("Best\n\n-- \nRobin <robin@j&p>\n<script>x</script>"),
            "{text:?}"
        );
        let html = parsed.body_html(0).unwrap();
        assert!(
            html.contains(
                "<p>-- <br>Robin &lt;robin@j&amp;p&gt;<br>&lt;script&gt;x&lt;/script&gt;</p>"
            ),
            "{html}"
        );
        assert!(!html.contains("<script>"), "{html}");
        let unsigned = build(&outgoing("Re: Hi", "Robin", None)).unwrap();
        assert!(!unsigned.contains("-- "), "no signature, no delimiter");
        assert!(!unsigned.contains("\r\nCc:"), "no Cc header without copies");
    }

    #[test]
    fn header_text_cannot_inject_headers() {
        let out = outgoing(
            "Re: Hi\r\nBcc: victim@example.org",
            "Robin\r\nBcc: a@example.org",
            Some("Mia\nCc: b@example.org\u{0}"),
        );
        let raw = build(&out).unwrap();
        let head = &raw[..raw.find("\r\n\r\n").unwrap()];
        for line in head.split("\r\n") {
            assert!(
                !line.starts_with("Bcc:") && !line.starts_with("Cc:"),
                "injected header line {line:?} in\n{head}"
            );
            assert!(
                !line.contains('\n') && !line.contains('\r') && !line.contains('\0'),
                "{line:?}"
            );
        }
        assert!(
            head.contains("Subject: Re: Hi Bcc: victim@example.org\r\n"),
            "{head}"
        );
        assert!(
            head.contains(
                "From: \"Robin Bcc: a@example.org\" <support@juniper.inbound.example.com>\r\n"
            ),
            "{head}"
        );
    }
}
