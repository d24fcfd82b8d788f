use super::*;

#[test]
fn text_is_one_to_five_hundred_characters_trimmed() {
    assert_eq!(
        validate_text("  Need help choosing a tea?  "),
        Ok("Need help choosing a tea?".into())
    );
    assert_eq!(validate_text("   "), Err(TEXT_INVALID));
    assert_eq!(
        validate_text(&"é".repeat(500)).map(|t| t.chars().count()),
        Ok(500)
    );
    assert_eq!(validate_text(&"é".repeat(501)), Err(TEXT_INVALID));
}

#[test]
fn patterns_are_rooted_short_and_without_spaces() {
    for good in [
        "/",
        "/pricing*",
        "https://shop.example/*",
        "HTTP://shop.example/a?b=*",
    ] {
        assert!(validate_pattern(good).is_ok(), "{good}");
    }
    for bad in [
        "",
        "pricing",
        "*/pricing",
        "/a b",
        "/a\tb",
        "ftp://x/",
        "javascript:alert(1)",
    ] {
        assert_eq!(validate_pattern(bad), Err(PATTERN_INVALID), "{bad}");
    }
    assert!(validate_pattern(&format!("/{}", "a".repeat(299))).is_ok());
    assert_eq!(
        validate_pattern(&format!("/{}", "a".repeat(300))),
        Err(PATTERN_INVALID)
    );
    assert_eq!(validate_pattern("  /x  "), Ok("/x".into()));
}

#[test]
fn delays_are_up_to_an_hour() {
    assert_eq!(validate_delay(0), Ok(0));
    assert_eq!(validate_delay(3600), Ok(3600));
    assert_eq!(validate_delay(3601), Err(DELAY_INVALID));
}

#[test]
fn glob_is_whole_string_with_stars() {
    assert!(glob("", ""));
    assert!(!glob("", "a"));
    assert!(glob("*", ""));
    assert!(glob("a*c", "abbbc"));
    assert!(!glob("a*c", "abbbd"));
    assert!(glob("**a", "bba"));
    assert!(glob("*a*a*a*", "xaxaxa"));
    assert!(!glob("*a*a*a*b", &"a".repeat(2000)), "no pattern is slow");
}

#[test]
fn the_seen_record_reads_id_and_day_pairs() {
    let seen = Seen::parse("pm_a.20000|pm_b.19999|junk|.4|c.x");
    assert_eq!(seen.day_of("pm_a"), Some(20000));
    assert_eq!(seen.day_of("pm_b"), Some(19999));
    assert_eq!(seen.day_of("junk"), None);
    assert_eq!(seen.0.len(), 2);
}

/// The page of a [`Case`].
#[cfg(feature = "serde")]
fn run(case: &Case) -> Option<usize> {
    let seen = Seen::parse(case.seen);
    let page = Page {
        path: case.path,
        href: case.href,
        returning: case.returning,
        locale: if case.fr { Locale::Fr } else { Locale::En },
        today: case.today,
        seen: &seen,
    };
    let field = |m: &serde_json::Value, k: &str| m[k].as_str().unwrap_or_default().to_string();
    let owned: Vec<(String, String, Audience, MessageLanguage, Frequency)> = case
        .messages
        .iter()
        .map(|m| {
            (
                field(m, "id"),
                field(m, "url"),
                Audience::parse(&field(m, "audience")).expect("audience"),
                MessageLanguage::parse(&field(m, "language")).expect("language"),
                Frequency::parse(&field(m, "frequency")).expect("frequency"),
            )
        })
        .collect();
    let messages: Vec<(&str, Target<'_>)> = owned
        .iter()
        .map(|(id, url, audience, language, frequency)| {
            (
                id.as_str(),
                Target {
                    url,
                    delay_seconds: 1,
                    audience: *audience,
                    language: *language,
                    frequency: *frequency,
                },
            )
        })
        .collect();
    pick(&messages, &page)
}

/// Where the bubble module's test reads the cases.
#[cfg(feature = "serde")]
const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/proactive-cases.json");

#[cfg(feature = "serde")]
#[test]
fn every_case_picks_what_it_says_and_the_bubble_module_reads_the_same_cases() {
    let cases = cases();
    for case in &cases {
        assert_eq!(run(case), case.picked, "{}", case.name);
    }
    let generated = serde_json::to_string_pretty(&cases).expect("cases serialize") + "\n";
    if std::env::var_os("UPDATE_API_TYPES").is_some() {
        std::fs::write(CASES, &generated).expect("tests/ is writable");
    }
    let committed = std::fs::read_to_string(CASES).unwrap_or_default();
    assert!(
        committed == generated,
        "tests/proactive-cases.json is out of date with shared::proactive::cases: run \
         `UPDATE_API_TYPES=1 cargo test -p shared --features serde`"
    );
}
