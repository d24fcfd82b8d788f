//! Adversarial mail through the whole inbound pipeline (parse → quotes →
//! loops → sanitize): it must never panic, and its CPU time must grow
//! linearly with the input. Timed checks are growth ratios only: 8× the input
//! must take less than 24× the time (a quadratic step takes 64×), each side
//! the fastest of a few runs, in this thread's CPU time.

use std::time::Duration;

use cpu_time::ThreadTime;
use proptest::prelude::*;
use shared::email::parse::parse;

/// Runs the pipeline; a refusal (no From, unreadable) is a fine outcome, a panic is not.
fn pipeline(raw: &[u8]) {
    if let Ok(mail) = parse(raw, "mia@example.org") {
        std::hint::black_box(mail);
    }
}

/// The pipeline as a forwarder and as a bounce (empty envelope sender) would deliver it.
fn every_envelope(raw: &[u8]) {
    for envelope in [
        "mia@example.org",
        "SRS0=x=yy=example.org=mia@forwarder.example.net",
        "",
    ] {
        if let Ok(mail) = parse(raw, envelope) {
            std::hint::black_box(mail);
        }
    }
}

fn message(content_type: &str, headers: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Mia <mia@example.org>\r\nTo: support@juniper.inbound.example.com\r\nSubject: s\r\n\
         Message-ID: <m@example.org>\r\n{headers}Content-Type: {content_type}\r\n\r\n{body}"
    )
    .into_bytes()
}

// ---- shapes, each scaled by `n` (roughly bytes) ----

fn quote_flood(n: usize) -> Vec<u8> {
    message(
        "text/plain",
        "",
        &format!("{}Thanks!\r\n", ">\r\n".repeat(n / 3)),
    )
}

fn quote_flood_indented(n: usize) -> Vec<u8> {
    message(
        "text/plain",
        "",
        &format!("Hi\r\n{}x\r\n", "  > > quoted\r\n".repeat(n / 14)),
    )
}

fn attribution_flood(n: usize) -> Vec<u8> {
    message(
        "text/plain",
        "",
        &"On Sat, Mia\r\nFrom: x\r\n".repeat(n / 22),
    )
}

fn many_parts(n: usize) -> Vec<u8> {
    let part = "--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"a.bin\"\r\n\r\nxx\r\n";
    message(
        "multipart/mixed; boundary=\"b\"",
        "",
        &format!("{}--b--\r\n", part.repeat(n / part.len())),
    )
}

fn deep_multipart(n: usize) -> Vec<u8> {
    let depth = n / 60;
    let mut body = String::new();
    for i in 0..depth {
        body.push_str(&format!(
            "--b{i}\r\nContent-Type: multipart/mixed; boundary=\"b{}\"\r\n\r\n",
            i + 1
        ));
    }
    body.push_str("text\r\n");
    for i in (0..depth).rev() {
        body.push_str(&format!("--b{i}--\r\n"));
    }
    message("multipart/mixed; boundary=\"b0\"", "", &body)
}

fn long_header(n: usize) -> Vec<u8> {
    message(
        "text/plain",
        &format!("X-Long: {}\r\n", "a".repeat(n)),
        "hi",
    )
}

fn long_subject_words(n: usize) -> Vec<u8> {
    let words = "=?utf-8?B?4piV?= ".repeat(n / 17);
    let mut raw = message("text/plain", "", "hi");
    let at = raw.windows(10).position(|w| w == b"Subject: s").unwrap() + 9;
    raw.splice(at..at + 1, words.into_bytes());
    raw
}

fn many_references(n: usize) -> Vec<u8> {
    let ids: String = (0..n / 20).map(|i| format!("<{i}@example.org> ")).collect();
    message(
        "text/plain",
        &format!("References: {ids}\r\nIn-Reply-To: {ids}\r\n"),
        "hi",
    )
}

fn many_recipients(n: usize) -> Vec<u8> {
    let to: Vec<String> = (0..n / 20).map(|i| format!("u{i}@example.org")).collect();
    message("text/plain", &format!("Cc: {}\r\n", to.join(", ")), "hi")
}

fn many_headers(n: usize) -> Vec<u8> {
    message(
        "text/plain",
        &"Received: from a by b; Sat, 21 Nov 2026\r\n".repeat(n / 41),
        "hi",
    )
}

fn html_nested(n: usize) -> Vec<u8> {
    message("text/html", "", &"<div>".repeat(n / 5))
}

fn html_unclosed_formatting(n: usize) -> Vec<u8> {
    message("text/html", "", &"<b>x".repeat(n / 4))
}

fn html_nested_tables(n: usize) -> Vec<u8> {
    message("text/html", "", &"<table><tr><td>".repeat(n / 15))
}

fn html_misnested(n: usize) -> Vec<u8> {
    message("text/html", "", &"<a><p><b></a></p>x".repeat(n / 18))
}

fn html_many_attributes(n: usize) -> Vec<u8> {
    let attrs: String = (0..n / 8).map(|i| format!(" a{i}=\"\"")).collect();
    message("text/html", "", &format!("<p{attrs}>x</p>"))
}

fn html_reopened_formatting(n: usize) -> Vec<u8> {
    let paragraphs: String = (0..n / 24).map(|i| format!("<p><b id={i}>x</p>")).collect();
    message("text/html", "", &paragraphs)
}

fn text_and_html(n: usize) -> Vec<u8> {
    let half = "Some text here.\r\n".repeat(n / 34);
    let html = "<p>Some <i>html</i> here.</p>\r\n".repeat(n / 60);
    let body = format!("--b\r\nContent-Type: text/plain\r\n\r\n{half}\r\n--b\r\nContent-Type: text/html\r\n\r\n{html}\r\n--b--\r\n");
    message("multipart/alternative; boundary=\"b\"", "", &body)
}

fn bad_base64(n: usize) -> Vec<u8> {
    message(
        "text/plain",
        "Content-Transfer-Encoding: base64\r\n",
        &"QUJD*!@#$====\r\n".repeat(n / 15),
    )
}

fn bad_quoted_printable(n: usize) -> Vec<u8> {
    message(
        "text/plain",
        "Content-Transfer-Encoding: quoted-printable\r\n",
        &"=ZZ=\r\n=4=\r\n=\r\n".repeat(n / 15),
    )
}

fn near_attributions(n: usize) -> Vec<u8> {
    let unit = "On 21 Nov 2026 at 09:15, Mia <m@x.org> wrote:\r\n> q\r\nanswer\r\n";
    message("text/plain", "", &unit.repeat(n / unit.len()))
}

fn header_labels(n: usize) -> Vec<u8> {
    message(
        "text/plain",
        "",
        &"From: Mia <m@x.org>\r\nx\r\nTo: y\r\n".repeat(n / 32),
    )
}

fn wrapped_heads(n: usize) -> Vec<u8> {
    message(
        "text/plain",
        "",
        &"On Sat, 21 Nov 2026 at 09:15, Mia <\r\n".repeat(n / 38),
    )
}

fn signature_delimiters(n: usize) -> Vec<u8> {
    message(
        "text/plain",
        "",
        &format!("{}answer\r\n", "-- \r\nline\r\n".repeat(n / 11)),
    )
}

fn uuencode_without_end(n: usize) -> Vec<u8> {
    let line = "M86)C86)C86)C86)C86)C86)C86)C86)C86)C86)C86)C86)C86)C86)C86)C\r\n";
    message(
        "text/plain",
        "",
        &format!("begin 644 a.bin\r\n{}", line.repeat(n / line.len())),
    )
}

fn latin1_bytes(n: usize) -> Vec<u8> {
    let mut raw =
        b"From: J\xc3\xb6rg <mia@example.org>\r\nMessage-ID: <m@example.org>\r\nSubject: ".to_vec();
    raw.extend(std::iter::repeat_n(0xf6, n / 2));
    raw.extend_from_slice(b"\r\nContent-Type: text/plain\r\n\r\n");
    raw.extend(std::iter::repeat_n(0xe9, n / 2));
    raw
}

fn html_quote_containers(n: usize) -> Vec<u8> {
    message(
        "text/html",
        "",
        &"<blockquote type=cite><div class=gmail_quote>q</div></blockquote>x".repeat(n / 66),
    )
}

/// Many paragraphs of answer above a Gmail quote of as many paragraphs, in a
/// multipart reply: the formatted view folds the quote.
fn html_fold_gmail(n: usize) -> Vec<u8> {
    let k = n / 40;
    let html = format!(
        "{}<div class=gmail_quote><div class=gmail_attr>On Mon, Mia wrote:</div><blockquote class=gmail_quote>{}</blockquote></div>",
        "<p>new text</p>".repeat(k),
        "<p>quoted</p>".repeat(k)
    );
    let body = format!("--b\r\nContent-Type: text/plain\r\n\r\nnew\r\n--b\r\nContent-Type: text/html\r\n\r\n{html}\r\n--b--\r\n");
    message("multipart/alternative; boundary=b", "", &body)
}

/// An Outlook header block (no container) after many lines, deep in nested
/// elements with many siblings: the fold is found in the text and mapped back.
fn html_fold_header_block(n: usize) -> Vec<u8> {
    let k = n / 60;
    let header = "<div><b>From:</b> Mia &lt;mia@example.org&gt;<br><b>Sent:</b> Monday<br><b>To:</b> Support<br><b>Subject:</b> Re</div>";
    let html = format!(
        "{}{}{header}{}{}",
        "<div><span>x</span>".repeat(200),
        "<p>line</p>".repeat(k),
        "<p>quoted</p>".repeat(k),
        "</div>".repeat(200)
    );
    message("text/html", "", &html)
}

/// Signature and quote containers each followed by new text: every one is a
/// candidate that the next text drops, and an Outlook marker at the end.
fn html_fold_candidates(n: usize) -> Vec<u8> {
    let k = n / 70;
    let html = format!(
        "{}<div id=divRplyFwdMsg>From: Mia</div><p>old</p>",
        "<div class=gmail_signature>s</div><p>new</p>".repeat(k)
    );
    message("text/html", "", &html)
}

/// Many attachments whose file names carry raw Latin-1 bytes: each part's
/// header section is read a second time, once.
fn latin1_file_names(n: usize) -> Vec<u8> {
    let part = "--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"Fr\u{f6}sche.bin\"\r\n\r\nxyz\r\n";
    let mut body: Vec<u8> = part.replace('\u{f6}', "\u{1}").repeat(n / 110).into_bytes();
    for byte in body.iter_mut().filter(|b| **b == 1) {
        *byte = 0xf6;
    }
    body.extend_from_slice(b"--b--\r\n");
    let mut raw = b"From: a@example.org\r\nMessage-ID: <m@example.org>\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n".to_vec();
    raw.extend(body);
    raw
}

/// A message of a given shape, about `n` bytes.
type Shape = fn(usize) -> Vec<u8>;

const SHAPES: &[(&str, Shape)] = &[
    ("> flood", quote_flood),
    ("indented > flood", quote_flood_indented),
    ("attribution flood", attribution_flood),
    ("many MIME parts", many_parts),
    ("deep multipart", deep_multipart),
    ("long header line", long_header),
    ("many encoded words", long_subject_words),
    ("many references", many_references),
    ("many recipients", many_recipients),
    ("many headers", many_headers),
    ("nested HTML", html_nested),
    ("unclosed formatting", html_unclosed_formatting),
    ("nested tables", html_nested_tables),
    ("misnested HTML", html_misnested),
    ("many attributes", html_many_attributes),
    ("reopened formatting", html_reopened_formatting),
    ("text and HTML", text_and_html),
    ("bad base64", bad_base64),
    ("bad quoted-printable", bad_quoted_printable),
    ("near-attributions", near_attributions),
    ("header labels", header_labels),
    ("wrapped attribution heads", wrapped_heads),
    ("signature delimiters", signature_delimiters),
    ("uuencode without end", uuencode_without_end),
    ("8-bit headers and body", latin1_bytes),
    ("HTML quote containers", html_quote_containers),
    ("formatted view: Gmail quote folded", html_fold_gmail),
    (
        "formatted view: header block folded",
        html_fold_header_block,
    ),
    ("formatted view: fold candidates", html_fold_candidates),
    ("8-bit file names", latin1_file_names),
];

/// The fastest of `runs` runs of the pipeline over `raw`, in CPU time.
fn fastest(raw: &[u8], runs: usize) -> Duration {
    (0..runs)
        .map(|_| {
            let start = ThreadTime::now();
            pipeline(raw);
            start.elapsed()
        })
        .min()
        .unwrap()
}

/// Base size of the linearity checks: small in debug builds so `make unit`
/// stays quick, larger in release where each run is faster.
const BASE: usize = if cfg!(debug_assertions) {
    16 * 1024
} else {
    128 * 1024
};

#[test]
fn every_shape_is_linear() {
    let mut report = Vec::new();
    for (name, make) in SHAPES {
        let (small, large) = (make(BASE), make(8 * BASE));
        // Warm up (allocator, caches), then take the fastest of five runs each.
        pipeline(&small);
        let (t_small, t_large) = (fastest(&small, 3), fastest(&large, 3));
        let ratio = t_large.as_secs_f64() / t_small.as_secs_f64().max(1e-6);
        report.push(format!("{name}: {t_small:?} → {t_large:?} (×{ratio:.1})"));
        assert!(
            ratio < 24.0,
            "{name} is not linear: 8× the input took ×{ratio:.1} the time\n{}",
            report.join("\n")
        );
    }
    println!("{}", report.join("\n"));
}

#[test]
fn extreme_inputs_do_not_panic() {
    pipeline(&many_parts(10_000 * 100)); // 10,000 MIME parts
    pipeline(&long_header(1 << 20)); // a 1 MB header line
    pipeline(&deep_multipart(5_000 * 60)); // 5,000 nested multiparts
    pipeline(&html_nested(1 << 20));
    let tiny: [&[u8]; 5] = [
        b"",
        b"\r\n\r\n",
        &[0xff; 4096],
        b"From: <>\r\n\r\n",
        b"From: a@b\r\nContent-Type: multipart/mixed\r\n\r\n--",
    ];
    for raw in tiny {
        every_envelope(raw);
    }
}

/// Cases of each property test (each case runs the pipeline three times).
const FUZZ_CASES: u32 = 512;

/// Fragments an adversary might assemble a message from.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("From: Mia <mia@example.org>\r\n".to_string()),
        Just("From: =?utf-8?B?@@@?= <mia@example.org>\r\n".to_string()),
        Just("Subject: =?utf-8?Q?=ZZ=0D=0ABcc:_x?=\r\n".to_string()),
        Just("Subject: =?bogus?X?abc?=\r\n".to_string()),
        Just("Subject: =?utf-8?B?SGkNCkJjYzogdmljdGltQGV4YW1wbGUub3Jn?=\r\n".to_string()),
        Just("Content-Type: multipart/mixed; boundary=\"b\"\r\n".to_string()),
        Just("Content-Type: multipart/alternative; boundary=b\r\n".to_string()),
        Just("Content-Type: text/html; charset=bogus\r\n".to_string()),
        Just("Content-Type: message/rfc822\r\n".to_string()),
        Just("Content-Transfer-Encoding: base64\r\n".to_string()),
        Just("Content-Transfer-Encoding: quoted-printable\r\n".to_string()),
        Just("Authentication-Results: mx; dmarc=fail; spf=pass smtp.mailfrom=x\r\n".to_string()),
        Just("References: <a@b> <c@d\r\n".to_string()),
        Just("\r\n".to_string()),
        Just("--b\r\n".to_string()),
        Just("--b--\r\n".to_string()),
        Just("> quoted\r\n".to_string()),
        Just("On Sat, Mia wrote:\r\n".to_string()),
        Just("Le sam. 21 nov. 2026 à 09:15, Mia <m@x.fr> a écrit :\r\n".to_string()),
        Just("De : Mia\r\nEnvoyé : samedi\r\n".to_string()),
        Just("-- \r\n".to_string()),
        Just("Sent from my iPhone\r\n".to_string()),
        Just("begin 644 a.bin\r\n".to_string()),
        Just("#86)C\r\n`\r\nend\r\n".to_string()),
        Just("<div class=gmail_quote><blockquote type=cite><div id=divRplyFwdMsg>".to_string()),
        Just("Content-Type: text/plain; charset=utf-7\r\n".to_string()),
        Just("<div><b><table><script>x</script><a href=javascript:1>".to_string()),
        Just("QUJD=\r\n=E2=98=\r\n".to_string()),
        "[ -~]{0,40}\r\n",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: FUZZ_CASES, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(raw in prop::collection::vec(any::<u8>(), 0..4096)) {
        every_envelope(&raw);
    }

    #[test]
    fn assembled_messages_never_panic(parts in prop::collection::vec(fragment(), 0..48), junk in prop::collection::vec(any::<u8>(), 0..64)) {
        let mut raw = parts.concat().into_bytes();
        let at = raw.len() / 2;
        raw.splice(at..at, junk);
        every_envelope(&raw);
    }
}

/// The 8-bit file names of the linearity check are read as Latin-1.
#[test]
fn the_file_name_shape_decodes() {
    let mail = shared::email::parse::parse(&latin1_file_names(BASE), "sam@example.com").unwrap();
    assert!(
        mail.attachments.len() > 100
            && mail
                .attachments
                .iter()
                .all(|a| a.filename.as_deref() == Some("Frösche.bin"))
    );
}

/// The formatted-view shapes of the linearity check do fold their history
/// (so the check measures the folding, not a shortcut past it).
#[test]
fn the_fold_shapes_fold() {
    let shapes = [
        (html_fold_gmail as Shape, "new text", "quoted"),
        (html_fold_header_block, "line", "Sent:"),
        (html_fold_candidates, "new", "old"),
    ];
    for (make, answer, history) in shapes {
        let mail = shared::email::parse::parse(&make(BASE), "sam@example.com").unwrap();
        let html = mail
            .body_html
            .unwrap_or_else(|| panic!("{answer}: no formatted view"));
        let (shown, folded) = html
            .split_once("<details><summary>")
            .unwrap_or_else(|| panic!("{answer}: nothing folded"));
        assert!(
            shown.contains(answer) && !shown.contains(history) && folded.contains(history),
            "{answer} shown, {history} folded"
        );
    }
}
