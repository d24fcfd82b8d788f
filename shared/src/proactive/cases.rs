//! The cases [`pick`](super::pick) and the bubble module's copy must answer
//! alike, written to `tests/proactive-cases.json` (see the module's tests).

use super::{Audience, Frequency, MessageLanguage};

/// A shared case: a page, a list of messages, and which one it picks.
#[derive(Debug, serde::Serialize)]
pub struct Case {
    /// What it checks.
    pub name: &'static str,
    /// `location.pathname`.
    pub path: &'static str,
    /// `location.href` without the fragment.
    pub href: &'static str,
    /// Whether the visitor cookie is there.
    pub returning: bool,
    /// Whether the widget speaks French.
    pub fr: bool,
    /// Today, in days.
    pub today: u64,
    /// The [`SEEN_COOKIE`](super::SEEN_COOKIE) value.
    pub seen: &'static str,
    /// The messages: `{id, url, delay_seconds, audience, language, frequency}`.
    pub messages: Vec<serde_json::Value>,
    /// The index [`pick`](super::pick) answers, or null.
    pub picked: Option<usize>,
}

/// A message of a [`Case`].
fn case_message(
    id: &str,
    url: &str,
    audience: Audience,
    language: MessageLanguage,
    frequency: Frequency,
) -> serde_json::Value {
    serde_json::json!({
        "id": id, "text": "Hi", "url": url, "delay_seconds": 1,
        "audience": audience, "language": language, "frequency": frequency,
    })
}

/// The cases both [`pick`](super::pick) and the bubble module's copy must answer alike
/// (`tests/proactive-cases.json`), each with its answer worked out by hand.
pub fn cases() -> Vec<Case> {
    use Audience as A;
    use Frequency as F;
    use MessageLanguage as L;
    let one = |name, path, href, url, picked: Option<usize>| Case {
        name,
        path,
        href,
        returning: false,
        fr: false,
        today: 20000,
        seen: "",
        messages: vec![case_message("pm_1", url, A::All, L::Any, F::EveryPage)],
        picked,
    };
    let shop = "https://shop.example/pricing/teas?utm=x";
    let mut cases = vec![
        one(
            "a path pattern matches the path exactly",
            "/pricing",
            "https://shop.example/pricing",
            "/pricing",
            Some(0),
        ),
        one(
            "a path pattern ignores the query",
            "/pricing",
            "https://shop.example/pricing?a=1",
            "/pricing",
            Some(0),
        ),
        one(
            "no wildcard, no prefix match",
            "/pricing/teas",
            shop,
            "/pricing",
            None,
        ),
        one(
            "* spans slashes",
            "/pricing/teas",
            shop,
            "/pricing*",
            Some(0),
        ),
        one(
            "* may match nothing",
            "/pricing",
            "https://shop.example/pricing",
            "/pricing*",
            Some(0),
        ),
        one(
            "* in the middle",
            "/blog/2026/tea",
            "https://shop.example/blog/2026/tea",
            "/blog/*/tea",
            Some(0),
        ),
        one(
            "a middle * needs its tail",
            "/blog/2026/coffee",
            "https://shop.example/blog/2026/coffee",
            "/blog/*/tea",
            None,
        ),
        one(
            "case counts",
            "/Pricing",
            "https://shop.example/Pricing",
            "/pricing",
            None,
        ),
        one(
            "a full URL pattern sees the query",
            "/pricing/teas",
            shop,
            "https://shop.example/pricing/*?utm=*",
            Some(0),
        ),
        one(
            "a full URL pattern is anchored",
            "/pricing/teas",
            shop,
            "https://shop.example/pricing",
            None,
        ),
        one(
            "another host",
            "/pricing",
            "https://other.example/pricing",
            "https://shop.example/*",
            None,
        ),
        one(
            "* alone on a path matches every path",
            "/",
            "https://shop.example/",
            "/*",
            Some(0),
        ),
        one(
            "several stars",
            "/a/b/c/d",
            "https://shop.example/a/b/c/d",
            "/*/b/*/d",
            Some(0),
        ),
        one(
            "non-ASCII paths match by character",
            "/thé/vert",
            "https://shop.example/thé/vert",
            "/th*/vert",
            Some(0),
        ),
    ];
    let page = |name, returning, fr, seen, messages, picked| Case {
        name,
        path: "/p",
        href: "https://shop.example/p",
        returning,
        fr,
        today: 20000,
        seen,
        messages,
        picked,
    };
    let m =
        |id, audience, language, frequency| case_message(id, "/p", audience, language, frequency);
    cases.extend([
        page(
            "new visitors only: a new visitor",
            false,
            false,
            "",
            vec![m("a", A::New, L::Any, F::EveryPage)],
            Some(0),
        ),
        page(
            "new visitors only: a returning one",
            true,
            false,
            "",
            vec![m("a", A::New, L::Any, F::EveryPage)],
            None,
        ),
        page(
            "returning only: a new visitor",
            false,
            false,
            "",
            vec![m("a", A::Returning, L::Any, F::EveryPage)],
            None,
        ),
        page(
            "the first that applies wins",
            true,
            false,
            "",
            vec![
                m("a", A::New, L::Any, F::EveryPage),
                m("b", A::All, L::Any, F::EveryPage),
                m("c", A::All, L::Any, F::EveryPage),
            ],
            Some(1),
        ),
        page(
            "French only, in English",
            false,
            false,
            "",
            vec![m("a", A::All, L::Fr, F::EveryPage)],
            None,
        ),
        page(
            "French only, in French",
            false,
            true,
            "",
            vec![m("a", A::All, L::Fr, F::EveryPage)],
            Some(0),
        ),
        page(
            "English only, in French",
            false,
            true,
            "",
            vec![m("a", A::All, L::En, F::EveryPage)],
            None,
        ),
        page(
            "once, already shown",
            true,
            false,
            "a.19000",
            vec![m("a", A::All, L::Any, F::Once)],
            None,
        ),
        page(
            "once, another shown",
            true,
            false,
            "b.19000",
            vec![m("a", A::All, L::Any, F::Once)],
            Some(0),
        ),
        page(
            "daily, shown today",
            true,
            false,
            "x.1|a.20000",
            vec![m("a", A::All, L::Any, F::Daily)],
            None,
        ),
        page(
            "daily, shown yesterday",
            true,
            false,
            "a.19999",
            vec![m("a", A::All, L::Any, F::Daily)],
            Some(0),
        ),
        page(
            "every page, shown today",
            true,
            false,
            "a.20000",
            vec![m("a", A::All, L::Any, F::EveryPage)],
            Some(0),
        ),
        page(
            "a malformed record is ignored",
            true,
            false,
            "a.|.3|junk",
            vec![m("a", A::All, L::Any, F::Once)],
            Some(0),
        ),
        page(
            "capped first, the next applies",
            true,
            false,
            "a.20000",
            vec![
                m("a", A::All, L::Any, F::Daily),
                m("b", A::All, L::Any, F::Daily),
            ],
            Some(1),
        ),
    ]);
    cases
}
