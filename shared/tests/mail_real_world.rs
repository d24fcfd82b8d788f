//! The real-world corpus (tests/mail/real-world/): replies written by mail
//! clients in many languages, from other projects' test suites and our own
//! (SOURCES.md says where each comes from). Each .eml has an .expected.json
//! beside it with the claims its source makes about the visible reply:
//! `body` (exact), `body_nospace` (exact, whitespace removed), `shown`
//! (visible), `folded_away` (folded, and kept in the full text), `folded`
//! (what was folded: quote, signature, quote_and_signature, or null), and
//! for some `subject`, `from_email`, `from_name`, `flags`, `attachments`.
//! Cases with HTML say what its formatted view shows: `html_shown` (outside
//! the fold), `html_folded_away` (inside it) and `html_folded` (the fold's
//! summary line, or null when the HTML is shown whole).

use std::path::{Path, PathBuf};

use serde_json::Value;
use shared::email::html_text::html_to_text;
use shared::email::parse::{parse, Mail};

/// At least this many replies (issue 20).
const MIN_CASES: usize = 150;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/mail/real-world")
}

/// Every .eml under `dir`, recursively, sorted.
fn emls(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(emls(&path));
        } else if path.extension().is_some_and(|e| e == "eml") {
            found.push(path);
        }
    }
    found.sort();
    found
}

/// The claims of `expected` that `mail` breaks.
fn broken(mail: &Mail, expected: &Value) -> Vec<String> {
    let mut wrong = Vec::new();
    let full = mail.body_full.as_deref().unwrap_or(&mail.body);
    if let Some(body) = expected["body"].as_str() {
        if mail.body != body {
            wrong.push(format!("body is {:?}, expected {body:?}", mail.body));
        }
    }
    if let Some(body) = expected["body_nospace"].as_str() {
        let squeezed: String = mail.body.split_whitespace().collect();
        if squeezed != body {
            wrong.push(format!(
                "body is {:?}, expected (whitespace aside) {body:?}",
                mail.body
            ));
        }
    }
    for shown in expected["shown"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if !mail.body.contains(shown) {
            wrong.push(format!("{shown:?} is not visible in {:?}", mail.body));
        }
    }
    for away in expected["folded_away"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if mail.body.contains(away) || !full.contains(away) {
            wrong.push(format!(
                "{away:?} is not folded away (visible: {:?})",
                mail.body
            ));
        }
    }
    if let Some(folded) = expected.get("folded") {
        let actual = mail.folded.map(|f| f.as_str());
        if folded.as_str() != actual {
            wrong.push(format!("folded {actual:?}, expected {folded}"));
        }
    }
    for (key, actual) in [
        ("subject", mail.subject.clone()),
        ("from_email", Some(mail.from_email.clone())),
        ("from_name", mail.from_name.clone()),
    ] {
        if let Some(want) = expected.get(key) {
            if want.as_str() != actual.as_deref() {
                wrong.push(format!("{key} is {actual:?}, expected {want}"));
            }
        }
    }
    if let Some(flags) = expected.get("flags") {
        let actual: Vec<&str> = mail.flags.iter().map(|f| f.as_str()).collect();
        if *flags != serde_json::json!(actual) {
            wrong.push(format!("flags are {actual:?}, expected {flags}"));
        }
    }
    wrong.extend(broken_html(mail, expected));
    if let Some(files) = expected.get("attachments") {
        let actual: Vec<Value> = mail
            .attachments
            .iter()
            .map(|a| serde_json::json!({ "filename": a.filename, "size": a.size }))
            .collect();
        if *files != Value::Array(actual.clone()) {
            wrong.push(format!("attachments are {actual:?}, expected {files}"));
        }
    }
    wrong
}

/// The claims about the formatted view (the sanitised HTML) that `mail` breaks.
fn broken_html(mail: &Mail, expected: &Value) -> Vec<String> {
    let mut wrong = Vec::new();
    if expected.get("html_folded").is_none() {
        return wrong;
    }
    let Some(html) = &mail.body_html else {
        return vec!["no formatted view".into()];
    };
    let (shown, folded) = match html.split_once("<details><summary>") {
        Some((shown, folded)) => (html_to_text(shown), Some(folded)),
        None => (html_to_text(html), None),
    };
    let summary = folded
        .and_then(|f| f.split_once("</summary>"))
        .map(|(summary, _)| summary);
    if expected["html_folded"].as_str() != summary {
        wrong.push(format!(
            "the formatted view folds under {summary:?}, expected {}",
            expected["html_folded"]
        ));
    }
    let folded = folded.map(html_to_text).unwrap_or_default();
    for want in expected["html_shown"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if !shown.contains(want) {
            wrong.push(format!(
                "{want:?} is not visible in the formatted view {shown:?}"
            ));
        }
    }
    for away in expected["html_folded_away"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if shown.contains(away) || !folded.contains(away) {
            wrong.push(format!(
                "{away:?} is not folded away in the formatted view {shown:?}"
            ));
        }
    }
    wrong
}

/// Every real-world reply keeps what its source says is the answer visible
/// and folds what it says is history, with LF and CRLF line endings alike.
#[test]
fn every_real_world_reply_shows_its_answer_and_folds_its_history() {
    let files = emls(&root());
    assert!(
        files.len() >= MIN_CASES,
        "the real-world corpus has {} replies, fewer than 150",
        files.len()
    );
    let mut failures = Vec::new();
    for path in &files {
        let name = path.strip_prefix(root()).unwrap().display().to_string();
        let raw = std::fs::read(path).unwrap();
        let expected_path = path.with_extension("expected.json");
        let expected: Value = match std::fs::read_to_string(&expected_path) {
            Ok(text) => serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}")),
            Err(_) => {
                failures.push(format!("{name}: no {}", expected_path.display()));
                continue;
            }
        };
        assert!(
            expected["source"].is_string(),
            "{name}: every case names its source"
        );
        let lf: Vec<u8> = String::from_utf8_lossy(&raw)
            .replace("\r\n", "\n")
            .into_bytes();
        let crlf: Vec<u8> = String::from_utf8_lossy(&lf)
            .replace('\n', "\r\n")
            .into_bytes();
        let original =
            parse(&raw, "sam@example.com").unwrap_or_else(|e| panic!("{name}: {}", e.message));
        for wrong in broken(&original, &expected) {
            failures.push(format!("{name}: {wrong}"));
        }
        if std::str::from_utf8(&raw).is_ok() {
            for other in [&lf, &crlf] {
                let mail = parse(other, "sam@example.com").unwrap();
                if mail.body != original.body {
                    failures.push(format!(
                        "{name}: line endings change the body to {:?}",
                        mail.body
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} real-world replies are wrong:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}
