//! Per message, the compute phases of the inbound path on the floor bench's
//! corpus; then milliseconds per MB of the inbound pipeline (parse, quotes, loops,
//! sanitize) for 1, 5 and 25 MB messages of a few shapes, on this machine.
//!
//!     cargo run --release -p shared --features mail --example mail_bench
//!
//! The worker runs the same code as WebAssembly (expect it somewhat slower).
//! Messages over `FULL_PROCESSING_BYTES` (1 MiB) are processed header-first,
//! so their cost stays that of the first 256 KiB. `MAIL_BENCH_MB=1,5` picks
//! other sizes.

use std::time::{Duration, Instant};

use shared::email::parse::parse;

const MB: usize = 1_000_000;

/// A message with the given headers and body, CRLF line endings.
fn message(content_type: &str, extra_headers: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Mia Chen <mia@example.org>\r\nTo: support@juniper.inbound.example.com\r\nSubject: bench\r\n\
         Message-ID: <bench@example.org>\r\nMIME-Version: 1.0\r\n{extra_headers}Content-Type: {content_type}\r\n\r\n{body}"
    )
    .into_bytes()
}

/// A short note with one base64 attachment filling the rest.
fn big_attachment(size: usize) -> Vec<u8> {
    let line = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\r\n";
    let body = format!(
        "--b\r\nContent-Type: text/plain\r\n\r\nThe invoice is attached.\r\n--b\r\nContent-Type: application/pdf\r\n\
         Content-Disposition: attachment; filename=\"big.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}--b--\r\n",
        line.repeat(size / line.len())
    );
    message("multipart/mixed; boundary=\"b\"", "", &body)
}

/// One long plain-text body of prose lines.
fn big_text(size: usize) -> Vec<u8> {
    let line = "The tin of Morning Fog arrived dented, and the lid no longer closes well.\r\n";
    message(
        "text/plain; charset=utf-8",
        "",
        &line.repeat(size / line.len()),
    )
}

/// A bottom-posted reply: `>`-quoted history, then one line of answer (the
/// worst case of quote folding: no trailing quote block).
fn quote_flood(size: usize) -> Vec<u8> {
    let line = "> > On an earlier day someone wrote a line that is quoted again here\r\n";
    message(
        "text/plain; charset=utf-8",
        "",
        &format!("{}Thanks!\r\n", line.repeat(size / line.len())),
    )
}

/// An HTML-only message of paragraphs (text made from HTML, HTML sanitised).
fn big_html(size: usize) -> Vec<u8> {
    let para = "<p>Hello <b>team</b>, the <a href=\"https://example.org/x\">tin</a> arrived dented.</p>\r\n";
    message(
        "text/html; charset=utf-8",
        "",
        &format!(
            "<html><body>{}</body></html>",
            para.repeat(size / para.len())
        ),
    )
}

/// A Gmail reply, text and HTML: a short answer above a long quote (the
/// formatted view folds it); its HTML stays under `MAX_HTML_BYTES`.
fn gmail_reply(size: usize) -> Vec<u8> {
    let para = "<p>Hello <b>team</b>, the <a href=\"https://example.org/x\">tin</a> arrived dented.</p>\r\n";
    let quote = para.repeat(size / para.len());
    let html = format!(
        "<div dir=\"ltr\">Thanks, it arrived.</div><br><div class=\"gmail_quote\"><div class=\"gmail_attr\">On Sat, Mia wrote:</div>\
         <blockquote class=\"gmail_quote\">{quote}</blockquote></div>"
    );
    let body = format!(
        "--b\r\nContent-Type: text/plain\r\n\r\nThanks, it arrived.\r\n\r\nOn Sat, Mia wrote:\r\n> Hello\r\n--b\r\nContent-Type: text/html\r\n\r\n{html}\r\n--b--\r\n"
    );
    message("multipart/alternative; boundary=\"b\"", "", &body)
}

/// The fastest of a few runs (robust against a busy machine).
fn fastest(raw: &[u8]) -> Duration {
    (0..3)
        .map(|_| {
            let start = Instant::now();
            let mail = parse(raw, "mia@example.org").expect("the bench message parses");
            std::hint::black_box(mail);
            start.elapsed()
        })
        .min()
        .unwrap()
}

/// The `make bench` corpus's note (tests/mail/plain.eml, CRLF), placeholders filled in.
fn corpus_note() -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/mail/plain.eml");
    let text = std::fs::read_to_string(path).expect("tests/mail/plain.eml");
    let filled = text
        .replace("{{from}}", "floor@example.org")
        .replace("{{From}}", "floor@example.org")
        .replace("{{id}}", "note.floor@example.org")
        .replace("{{marker}}", "bench");
    filled.lines().collect::<Vec<_>>().join("\r\n").into_bytes()
}

/// Median microseconds of `f` over `runs` calls.
fn median_us(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut samples: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    samples.sort_by(|a, b| a.total_cmp(b));
    samples[runs / 2]
}

/// Per message, the compute phases of the inbound path, for the two shapes of
/// the floor bench's corpus. The rest of the path is I/O (the email event, the
/// R2 put, the D1 batch): see the floors' workerd CPU per message.
fn phases() {
    let secret = "bench-secret";
    let reply_to =
        shared::email::reply_address(secret, "c_bench", "juniper", "inbound.example.com");
    println!("inbound path per message, native (wasm runs the same code, slower), median of 200:");
    for (name, raw) in [
        ("the corpus note (plain.eml)", corpus_note()),
        ("a note with 200 KB attached", big_attachment(200_000)),
    ] {
        let mime = median_us(200, || {
            std::hint::black_box(mail_parser::MessageParser::default().parse(&raw[..]));
        });
        let whole = median_us(200, || {
            std::hint::black_box(parse(&raw, "floor@example.org").expect("the corpus parses"));
        });
        let decide = median_us(200, || {
            let recipient = shared::email::Recipient::parse(&reply_to, "inbound.example.com");
            if let Some(shared::email::Recipient::Reply {
                conversation,
                signature,
                ..
            }) = recipient
            {
                std::hint::black_box(shared::email::verify_reply(
                    secret,
                    &conversation,
                    &signature,
                ));
            }
        });
        println!(
            "  {name:<28} parse {whole:>6.1} µs (MIME alone {mime:>6.1}; the rest: quotes, HTML, loops, sender)   decide {decide:>4.1} µs (address, reply signature)"
        );
    }
}

fn main() {
    phases();
    let sizes: Vec<f64> = std::env::var("MAIL_BENCH_MB")
        .ok()
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1.0, 5.0, 25.0]);
    type Shape = fn(usize) -> Vec<u8>;
    let shapes: [(&str, Shape); 4] = [
        ("big attachment", big_attachment),
        ("big text body", big_text),
        ("> flood", quote_flood),
        ("HTML only", big_html),
    ];
    println!("mail pipeline (parse → quotes → loops → sanitize), ms per MB (ms per message), fastest of 3 runs;");
    println!(
        "header-first above {} bytes",
        shared::email::parse::FULL_PROCESSING_BYTES
    );
    for (name, make) in shapes {
        let figures: Vec<String> = sizes
            .iter()
            .map(|&mb| {
                let raw = make((mb * MB as f64) as usize);
                let ms = fastest(&raw).as_secs_f64() * 1000.0;
                format!(
                    "{mb:>2} MB: {:>6.2} ms/MB ({ms:>5.1} ms)",
                    ms * MB as f64 / raw.len() as f64
                )
            })
            .collect();
        println!("  {name:<15} {}", figures.join("   "));
    }
    let raw = gmail_reply(120_000);
    let ms = fastest(&raw).as_secs_f64() * 1000.0;
    println!(
        "  Gmail reply with {} KB of HTML (the formatted view folded): {ms:.2} ms ({:.2} ms/MB)",
        raw.len() / 1000,
        ms * MB as f64 / raw.len() as f64
    );
}
