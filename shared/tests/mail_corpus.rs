//! The .eml corpus of the end-to-end suites (tests/mail/), run through the
//! pipeline on the host: what each message must become, without a worker.

use shared::email::loops::Flag;
use shared::email::parse::{parse, Mail};

/// A corpus file with its `{{placeholders}}` filled in, CRLF line endings.
fn fixture(name: &str) -> Vec<u8> {
    with_endings(name, "\r\n")
}

/// A corpus file with its `{{placeholders}}` filled in and the given line ending.
fn with_endings(name: &str, ending: &str) -> Vec<u8> {
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
    filled
        .replace("\r\n", "\n")
        .replace('\n', ending)
        .into_bytes()
}

/// The .eml files of the corpus, by name.
fn corpus() -> Vec<String> {
    let dir = format!("{}/../tests/mail", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".eml"))
        .collect();
    names.sort();
    names
}

/// The envelope sender a corpus message was received from: its Return-Path
/// (which the final delivery writes from MAIL FROM), else the From's address.
fn envelope_sender(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    let head = text
        .split("\r\n\r\n")
        .next()
        .unwrap_or("")
        .split("\n\n")
        .next()
        .unwrap_or("");
    head.lines()
        .find_map(|line| line.strip_prefix("Return-Path:"))
        .map(|path| {
            path.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string()
        })
        .unwrap_or_else(|| "mia.chen@example.org".into())
}

/// What the corpus records of a parsed message (the golden files' shape).
fn summary(mail: &Mail) -> serde_json::Value {
    serde_json::json!({
        "from_email": mail.from_email,
        "from_name": mail.from_name,
        "message_id": mail.message_id,
        "subject": mail.subject,
        "body": mail.body,
        "quoted": mail.body_full,
        "folded": mail.folded.map(|f| f.as_str()),
        "has_html": mail.body_html.is_some(),
        "referenced": mail.referenced,
        "flags": mail.flags.iter().map(|f| f.as_str()).collect::<Vec<_>>(),
        "attachments": mail.attachments.iter().map(|a| serde_json::json!({
            "filename": a.filename, "content_type": a.content_type, "size": a.size,
        })).collect::<Vec<_>>(),
    })
}

/// Every .eml under tests/mail/ becomes exactly what its `.expected.json`
/// beside it says, with LF and with CRLF line endings alike (as mail-parser's
/// own regression corpus is run). A new case is one .eml and one expected
/// file; `UPDATE_MAIL_CORPUS=1` writes the expected files from the parser.
#[test]
fn every_corpus_message_becomes_its_expected_output() {
    let update = std::env::var_os("UPDATE_MAIL_CORPUS").is_some();
    let mut mismatches = Vec::new();
    for name in corpus() {
        let expected_path = format!(
            "{}/../tests/mail/{}.expected.json",
            env!("CARGO_MANIFEST_DIR"),
            name.trim_end_matches(".eml")
        );
        let outputs: Vec<serde_json::Value> = ["\n", "\r\n"]
            .iter()
            .map(|ending| {
                let raw = with_endings(&name, ending);
                let mail = parse(&raw, &envelope_sender(&raw))
                    .unwrap_or_else(|e| panic!("{name}: {}", e.message));
                summary(&mail)
            })
            .collect();
        // The same result either way, but for the size of a part sent without a
        // transfer encoding (e.g. a bounce's delivery-status), which counts its line endings.
        let without_sizes = |v: &serde_json::Value| {
            let mut v = v.clone();
            v["attachments"]
                .as_array_mut()
                .into_iter()
                .flatten()
                .for_each(|a| a["size"] = serde_json::Value::Null);
            v
        };
        assert_eq!(
            without_sizes(&outputs[0]),
            without_sizes(&outputs[1]),
            "{name}: LF and CRLF line endings must give the same result"
        );
        let rendered = serde_json::to_string_pretty(&outputs[1]).unwrap() + "\n";
        if update {
            std::fs::write(&expected_path, &rendered).unwrap();
        }
        match std::fs::read_to_string(&expected_path) {
            Ok(expected) if expected == rendered => {}
            Ok(_) => mismatches.push(format!("{name}: differs from {expected_path}:\n{rendered}")),
            Err(_) => mismatches.push(format!(
                "{name}: no {expected_path} (UPDATE_MAIL_CORPUS=1 writes it)"
            )),
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

fn parsed(name: &str) -> Mail {
    parse(&fixture(name), "mia.chen@example.org")
        .unwrap_or_else(|e| panic!("{name}: {}", e.message))
}

#[test]
fn every_corpus_message_parses() {
    for name in corpus() {
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
    assert!(mail
        .body
        .starts_with("Hello,\n\nI ordered two tins of Morning Fog"));
    assert!(mail.flags.is_empty());
}

/// A Gmail reply's formatted view agrees with its text: the answer shown,
/// the attribution and the quote inside a closed fold.
#[test]
fn a_gmail_replys_formatted_view_folds_its_quote() {
    let mail = parsed("gmail-html-reply.eml");
    assert_eq!(mail.body, "Tuesday suits me, thank you! (MARK)");
    let html = mail.body_html.unwrap();
    let (shown, folded) = html
        .split_once("<details><summary>Show quoted text</summary>")
        .unwrap_or_else(|| panic!("no fold in {html}"));
    assert_eq!(
        shown,
        "<div>Tuesday suits me, <b>thank you</b>! (MARK)</div><br>"
    );
    assert!(
        folded.contains("Juniper &amp; Pine")
            && folded.contains("Which day suits you?")
            && folded.ends_with("</details>"),
        "{folded}"
    );
}

#[test]
fn html_is_sanitised_and_html_only_mail_becomes_text() {
    let alt = parsed("alternative.eml");
    let html = alt.body_html.unwrap();
    assert!(html.contains("<b>gift-wrap</b>"), "{html}");
    for banned in [
        "<script",
        "onclick",
        "javascript:",
        "<img",
        "<iframe",
        "<form",
        "<style",
    ] {
        assert!(!html.contains(banned), "{banned} in {html}");
    }
    let only = parsed("html-only.eml");
    assert!(
        only.body
            .contains("\n\n- Morning Fog\n- Pine Needle Sencha\n\nBest,\nSam"),
        "{}",
        only.body
    );
}

#[test]
fn attachments_quotes_threads_and_flags() {
    let att = parsed("attachment.eml");
    let listed: Vec<_> = att
        .attachments
        .iter()
        .map(|a| (a.filename.as_deref(), a.content_type.as_str(), a.size))
        .collect();
    assert_eq!(
        listed,
        [
            (Some("invoice-1042.pdf"), "application/pdf", 78),
            (Some("dent.png"), "image/png", 70)
        ]
    );
    let outlook = parsed("outlook-reply.eml");
    assert_eq!(outlook.body, "It arrived this morning, thank you! (MARK)");
    assert!(outlook
        .body_full
        .unwrap()
        .contains("-----Original Message-----"));
    assert_eq!(
        outlook.referenced.first().map(String::as_str),
        Some("m0@mail.example.org")
    );
    assert_eq!(parsed("bulk.eml").flags, [Flag::Bulk]);
    assert_eq!(parsed("auto-reply.eml").flags, [Flag::AutoReply]);
}

/// A message of about `size` bytes: a short text part, then one big attachment.
fn with_attachment(size: usize) -> Vec<u8> {
    let line = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\r\n";
    format!(
        "From: Mia <mia@example.org>\r\nTo: support@juniper.inbound.example.com\r\nSubject: Photos\r\n\
         Message-ID: <big@example.org>\r\nIn-Reply-To: <m0@mail.example.org>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nThe photos of the dented tin.\r\n\
         --b\r\nContent-Type: image/jpeg\r\nContent-Disposition: attachment; filename=\"tin.jpg\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}--b--\r\n",
        line.repeat(size / line.len())
    )
    .into_bytes()
}

#[test]
fn large_mail_is_processed_header_first_and_says_so() {
    use shared::email::parse::{FULL_PROCESSING_BYTES, HEAD_BYTES};
    let small = parse(
        &with_attachment(FULL_PROCESSING_BYTES - 4096),
        "mia@example.org",
    )
    .unwrap();
    assert_eq!(small.unprocessed_bytes, None);
    assert_eq!(small.attachments.len(), 1);

    for size in [FULL_PROCESSING_BYTES + 4096, 25_000_000] {
        let raw = with_attachment(size);
        let mail = parse(&raw, "mia@example.org").unwrap();
        assert_eq!(
            mail.unprocessed_bytes,
            Some((raw.len() - HEAD_BYTES) as u64)
        );
        assert_eq!(mail.message_id, "big@example.org", "still stored once");
        assert_eq!(mail.referenced, ["m0@mail.example.org"], "still threaded");
        assert_eq!(mail.subject.as_deref(), Some("Photos"));
        assert!(
            mail.body
                .starts_with("The photos of the dented tin.\n\n[This message is "),
            "{}",
            mail.body
        );
        assert!(mail.body.ends_with("only its headers and first text part were processed. Its attachments and the rest are in the original.]"));
        assert!(mail.attachments.is_empty() && mail.body_html.is_none());
        let headers: serde_json::Value = serde_json::from_str(&mail.headers_json).unwrap();
        assert_eq!(headers["not_processed"]["bytes"], raw.len() - HEAD_BYTES);
        assert_eq!(headers["not_processed"]["message_bytes"], raw.len());
    }
}

#[test]
fn decoded_subjects_and_names_are_one_line() {
    let raw = "From: =?utf-8?B?TWlhDQpCY2M6IHg=?= <mia@example.org>\r\nSubject: =?utf-8?B?SGkNCkJjYzogdmljdGltQGV4YW1wbGUub3Jn?=\r\n\
               Message-ID: <crlf@example.org>\r\n\r\nhello";
    let mail = parse(raw.as_bytes(), "mia@example.org").unwrap();
    assert_eq!(mail.subject.as_deref(), Some("Hi Bcc: victim@example.org"));
    assert_eq!(mail.from_name.as_deref(), Some("Mia Bcc: x"));
}

#[test]
fn a_from_the_envelope_does_not_back_is_flagged_and_unverified() {
    let raw = fixture("plain.eml");
    let spoofed = parse(&raw, "attacker@evil.example").unwrap();
    assert!(!spoofed.sender_verified());
    assert_eq!(spoofed.flags, [Flag::SenderUnverified]);
    let headers: serde_json::Value = serde_json::from_str(&spoofed.headers_json).unwrap();
    assert_eq!(headers["sender"]["aligned"], false);
    assert_eq!(headers["sender"]["envelope_domain"], "evil.example");

    let forwarded = parse(
        &raw,
        "SRS0=abcd=XY=example.org=mia.chen@forwarder.example.net",
    )
    .unwrap();
    assert!(
        !forwarded.sender_verified(),
        "SPF vouched for the forwarder, and no DMARC result names example.org"
    );
    assert_eq!(forwarded.flags, [Flag::SenderUnverified]);
    let bounce = parse(&raw, "").unwrap();
    assert_eq!(bounce.flags, [Flag::Bounce, Flag::SenderUnverified]);

    let dmarc_fail = [b"ARC-Authentication-Results: i=1; mx.cloudflare.net; dmarc=fail header.from=example.org\r\n".as_slice(), &raw].concat();
    let failed = parse(&dmarc_fail, "mia.chen@example.org").unwrap();
    assert!(!failed.sender_verified());
    let headers: serde_json::Value = serde_json::from_str(&failed.headers_json).unwrap();
    assert_eq!(headers["sender"]["authentication"]["dmarc"], "fail");
}

#[test]
fn html_beyond_the_budget_is_read_only_to_its_head() {
    use shared::email::parse::MAX_HTML_BYTES;
    let paragraph = "<p>Our autumn list, with <b>notes</b> on each tea.</p>\r\n";
    let raw = format!(
        "From: News <mia.chen@example.org>\r\nSubject: List\r\nMessage-ID: <html-big@example.org>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>Start here (MARK).</p>\r\n{}</body></html>\r\n",
        paragraph.repeat(2 * MAX_HTML_BYTES / paragraph.len())
    );
    let mail = parse(raw.as_bytes(), "mia.chen@example.org").unwrap();
    assert!(
        mail.body.starts_with("Start here (MARK)."),
        "the head is still read as text"
    );
    assert!(mail.body.len() < MAX_HTML_BYTES, "but no further");
    assert_eq!(
        mail.body_html, None,
        "no formatted view: the original has it"
    );
    let headers: serde_json::Value = serde_json::from_str(&mail.headers_json).unwrap();
    assert!(headers["html_not_processed"]["bytes"].as_u64().unwrap() > MAX_HTML_BYTES as u64);
}

#[test]
fn mail_without_a_message_id_is_named_by_the_hash_of_its_bytes() {
    let raw = b"From: a@example.org\r\nTo: b@example.org\r\nSubject: none\r\n\r\nNo id here.\r\n";
    let mail = parse(raw, "a@example.org").expect("parses");
    let expected = shared::digest::sha256_hex(raw);
    assert_eq!(
        mail.message_id,
        format!("{}@sha256.parley.invalid", &expected[..40])
    );
    assert_eq!(
        parse(raw, "a@example.org").unwrap().message_id,
        mail.message_id,
        "a redelivery gets the same id"
    );
    // Raw 8-bit headers are read as text, but the id is still the hash of the bytes as delivered.
    let latin1 = b"From: J\xf6rg <a@example.org>\r\nSubject: Fr\xf6sche\r\n\r\nNo id here.\r\n";
    let first = parse(latin1, "a@example.org").unwrap();
    assert_eq!(first.subject.as_deref(), Some("Frösche"));
    assert_eq!(
        first.message_id,
        format!(
            "{}@sha256.parley.invalid",
            &shared::digest::sha256_hex(latin1)[..40]
        )
    );
    assert_eq!(
        parse(latin1, "a@example.org").unwrap().message_id,
        first.message_id
    );
    assert_ne!(first.message_id, mail.message_id, "other bytes, another id");
}
