use super::*;
use crate::i18n::Locale;

#[test]
fn scores_are_one_to_five_and_nothing_else() {
    assert_eq!(Score::of(1), Ok(Score::VeryDissatisfied));
    assert_eq!(Score::of(5), Ok(Score::VerySatisfied));
    for bad in [0, 6, -1, i64::MIN, i64::MAX] {
        assert_eq!(Score::of(bad), Err(SCORE_INVALID), "{bad}");
    }
    assert_eq!(
        Score::ALL.map(Score::value),
        [1, 2, 3, 4, 5],
        "in order, lowest first"
    );
}

#[cfg(feature = "serde")]
#[test]
fn a_score_travels_as_its_number() {
    assert_eq!(serde_json::to_string(&Score::Satisfied).unwrap(), "4");
    assert_eq!(
        serde_json::from_str::<Score>("2").unwrap(),
        Score::Dissatisfied
    );
    for bad in ["0", "6", "4.5", "\"4\"", "null"] {
        assert!(serde_json::from_str::<Score>(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_comment_is_trimmed_bounded_and_empty_is_none() {
    assert_eq!(validate_comment(None), Ok(None));
    assert_eq!(validate_comment(Some("   ")), Ok(None));
    assert_eq!(
        validate_comment(Some("  quick\nand kind \u{7}")),
        Ok(Some("quick\nand kind".into()))
    );
    let long = "é".repeat(MAX_COMMENT_CHARS);
    assert_eq!(validate_comment(Some(&long)), Ok(Some(long.clone())));
    assert_eq!(
        validate_comment(Some(&format!("{long}x"))),
        Err(COMMENT_INVALID)
    );
}

#[test]
fn the_window_is_seven_days_from_the_ask() {
    let asked = 1_800_000_000_000;
    assert!(open(asked, asked));
    assert!(open(asked, asked + WINDOW_MS - 1));
    assert!(!open(asked, asked + WINDOW_MS));
    assert!(!open(asked, asked + 30 * WINDOW_MS));
    // The store's compare-and-set says the same: asked_at > cutoff(now).
    for now in [
        asked,
        asked + WINDOW_MS - 1,
        asked + WINDOW_MS,
        asked + WINDOW_MS + 1,
    ] {
        assert_eq!(asked > cutoff(now), open(asked, now), "{now}");
    }
    assert_eq!(cutoff(5), 0, "no underflow");
}

#[test]
fn a_token_is_signed_for_its_conversation_and_time() {
    let t = token("secret", "c_1", 1_800_000_000_000);
    assert!(t.starts_with("1800000000000."));
    assert_eq!(verify("secret", "c_1", &t), Ok(1_800_000_000_000));
    assert_eq!(verify("other", "c_1", &t), Err(LINK_INVALID));
    assert_eq!(verify("secret", "c_2", &t), Err(LINK_INVALID));
    assert_eq!(verify("", "c_1", &token("", "c_1", 5)), Err(LINK_INVALID));
    // Another time under the same signature is refused: the date cannot be moved.
    let (_, sig) = t.split_once('.').unwrap();
    assert_eq!(
        verify("secret", "c_1", &format!("1900000000000.{sig}")),
        Err(LINK_INVALID)
    );
    for bad in ["", "x", "1.", ".abc", "1.zz", "1.00"] {
        assert_eq!(verify("secret", "c_1", bad), Err(LINK_INVALID), "{bad}");
    }
    assert_eq!(
        page_path("secret", "c_1", 1_800_000_000_000),
        format!("/rate/c_1?t={t}")
    );
}

#[test]
fn a_tally_gives_average_distribution_and_response_rate() {
    let mut tally = Tally::default();
    assert_eq!(tally.average(), None);
    assert_eq!(tally.response_rate(), None);
    tally.asked = 4;
    for s in [5, 4, 1] {
        tally.add(Score::of(s).unwrap());
    }
    assert_eq!(tally.scores, [1, 0, 0, 1, 1]);
    assert_eq!(tally.rated(), 3);
    assert_eq!(tally.average(), Some(10.0 / 3.0));
    assert_eq!(tally.response_rate(), Some(0.75));
    assert_eq!(tally.satisfied(), Some(2.0 / 3.0));
}

#[test]
fn both_languages_have_every_word() {
    for lang in [Locale::En, Locale::Fr] {
        let w = words(lang);
        for text in [
            w.title, w.question, w.comment, w.send, w.thanks, w.closed, w.invalid, w.invite,
        ]
        .into_iter()
        .chain(w.scores)
        {
            assert!(!text.is_empty(), "{lang:?}");
        }
    }
    assert_ne!(words(Locale::Fr).send, words(Locale::En).send);
}
