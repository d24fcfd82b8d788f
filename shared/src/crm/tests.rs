//! The connector's pure rules: bucket, Retry-After, the decision on each
//! answer, the bodies sent, the steps of a job, the checks of Settings.

use serde_json::json;

use super::*;
use crate::automation::MAX_ATTEMPTS;

#[test]
fn the_bucket_spaces_an_accounts_calls_so_no_second_holds_more_than_five() {
    assert_eq!(take_token(0, 10_000), Ok(10_000 + BUCKET_SPACING_MS));
    assert_eq!(take_token(10_250, 10_000), Err(250));
    assert_eq!(take_token(10_250, 10_250), Ok(10_500));
    // Calls as fast as the bucket allows, from a cold start: any second holds at most 5.
    let (mut next, mut now, mut granted) = (0, 1_000, Vec::new());
    while granted.len() < 40 {
        match take_token(next, now) {
            Ok(after) => {
                granted.push(now);
                next = after;
            }
            Err(wait) => now += wait,
        }
        now += 7; // some work between calls
    }
    for window in granted.windows(6) {
        assert!(window[5] - window[0] >= 1000, "{window:?}");
    }
    // With 250 ms to spare: six calls span 1,250 ms, so calls arriving up to
    // 250 ms unevenly still make at most 5 in any second at ActiveCampaign.
    let six_calls_span = std::hint::black_box(5 * BUCKET_SPACING_MS);
    assert_eq!(six_calls_span, 1_250);
}

#[test]
fn retry_after_is_read_as_seconds_or_an_http_date() {
    let now = 1_700_000_000_000;
    assert_eq!(retry_after_ms(Some("2"), now), 2_000);
    assert_eq!(retry_after_ms(Some(" 0 "), now), 0);
    assert_eq!(retry_after_ms(None, now), DEFAULT_RETRY_AFTER_MS);
    assert_eq!(retry_after_ms(Some("soon"), now), DEFAULT_RETRY_AFTER_MS);
    assert_eq!(retry_after_ms(Some("99999999999"), now), MAX_RETRY_AFTER_MS);
    // 1_700_000_000 s is Tue, 14 Nov 2023 22:13:20 GMT.
    assert_eq!(
        retry_after_ms(Some("Tue, 14 Nov 2023 22:13:25 GMT"), now),
        5_000
    );
    assert_eq!(
        retry_after_ms(Some("Tue, 14 Nov 2023 22:13:00 GMT"), now),
        0,
        "past"
    );
    assert_eq!(
        retry_after_ms(Some("Tue, 14 Nov 2023 22:13:25 CET"), now),
        DEFAULT_RETRY_AFTER_MS
    );
    // RFC 9110's example date is 784,111,777 s after the epoch.
    assert_eq!(
        retry_after_ms(Some("Sun, 06 Nov 1994 08:49:37 GMT"), 784_111_770_000),
        7_000
    );
}

#[test]
fn each_answer_decides_the_steps_fate() {
    let decide = |status: Option<u16>, attempt: u32| decide(status, Some("3"), "", attempt, 30, 0);
    assert_eq!(decide(Some(200), 1), Decision::Done);
    assert_eq!(decide(Some(201), 4), Decision::Done);
    assert_eq!(decide(Some(429), 1), Decision::Wait(3_000));
    assert!(matches!(decide(Some(401), 1), Decision::Pause(_)));
    assert!(matches!(decide(Some(403), 2), Decision::Pause(_)));
    assert_eq!(decide(Some(500), 1), Decision::Retry(30));
    assert_eq!(decide(Some(503), 2), Decision::Retry(120));
    assert_eq!(decide(None, 3), Decision::Retry(480));
    assert_eq!(decide(Some(408), 1), Decision::Retry(30));
    assert!(
        matches!(decide(Some(502), MAX_ATTEMPTS), Decision::Fail(m) if m.starts_with("Gave up after 6 attempts"))
    );
    assert!(matches!(decide(Some(404), 1), Decision::Fail(_)));
    let refused = r#"{"errors":[{"title":"Contact Email Address is not valid.","detail":"","code":"email_invalid","source":{"pointer":"/data/attributes/email"}}]}"#;
    assert_eq!(
        super::decide(Some(422), None, refused, 1, 30, 0),
        Decision::Fail("422: Contact Email Address is not valid.".into())
    );
    assert_eq!(
        error_message(400, r#"{"message":"Bad tag"}"#),
        "400: Bad tag"
    );
    assert_eq!(
        error_message(
            422,
            r#"{"errors":[{"title":"A","detail":"b"},{"title":"","detail":"c"}]}"#
        ),
        "422: A (b); c"
    );
    assert_eq!(
        error_message(422, "<html>"),
        "ActiveCampaign refused the call (422)."
    );
    assert_eq!(Decision::Wait(1).call_state(), CallState::RateLimited);
    assert_eq!(Decision::Retry(1).call_state(), CallState::Retrying);
}

#[test]
fn a_full_name_splits_into_first_and_last() {
    let split = |n: &str| {
        let (f, l) = split_name(n);
        (f, l)
    };
    assert_eq!(split("Ann"), ("Ann".into(), "".into()));
    assert_eq!(
        split("  Ann   Marie  Smith "),
        ("Ann".into(), "Marie Smith".into())
    );
    assert_eq!(split("   "), ("".into(), "".into()));
    assert_eq!(split("Zoë Ñúñez"), ("Zoë".into(), "Ñúñez".into()));
}

#[test]
fn the_sync_body_carries_the_contact_and_its_mapped_fields() {
    let contact = SyncContact {
        email: "ann@example.org".into(),
        full_name: Some("Ann Marie Smith".into()),
        phone: Some("+442071838750".into()),
        company: Some("Acme".into()),
        attributes: serde_json::from_value(
            json!({"plan": "Pro", "seats": 12, "vip": true, "gone": null}),
        )
        .unwrap(),
    };
    let map = [
        ("company", "1"),
        ("plan", "7"),
        ("seats", "8"),
        ("vip", "9"),
        ("gone", "10"),
        ("absent", "11"),
    ];
    assert_eq!(
        sync_body(&contact, map),
        json!({"contact": {"email": "ann@example.org", "firstName": "Ann", "lastName": "Marie Smith", "phone": "+442071838750",
            "fieldValues": [{"field": "1", "value": "Acme"}, {"field": "7", "value": "Pro"}, {"field": "8", "value": "12"}, {"field": "9", "value": "true"}]}})
    );
    let bare = SyncContact {
        email: "bo@example.org".into(),
        full_name: Some("Bo".into()),
        ..SyncContact::default()
    };
    assert_eq!(
        sync_body(&bare, []),
        json!({"contact": {"email": "bo@example.org", "firstName": "Bo"}}),
        "absent values are left out, so the sync keeps what ActiveCampaign has"
    );
}

#[test]
fn a_jobs_steps_sync_first_then_tags_the_note_and_the_automation_each_applied_once() {
    let tags = vec![
        "parley-chat".to_string(),
        "VIP".to_string(),
        "vip".to_string(),
    ];
    let steps = plan(&tags, true, Some("c_1"), Some("12"), &[]);
    assert_eq!(
        steps,
        [
            Step::Sync,
            Step::Tag("parley-chat".into()),
            Step::Tag("VIP".into()),
            Step::Tag(UNVERIFIED_TAG.into()),
            Step::Note("c_1".into()),
            Step::Automation("12".into()),
        ]
    );
    let applied = vec!["tag:parley-chat".to_string(), "note:c_1".to_string()];
    let later = plan(&tags, false, Some("c_1"), None, &applied);
    assert_eq!(
        later,
        [Step::Sync, Step::Tag("VIP".into())],
        "a later job repeats no tag or note"
    );
    let done = vec!["sync".to_string()];
    assert_eq!(next_step(&later, &done), Some(&Step::Tag("VIP".into())));
    assert_eq!(next_step(&later, &["sync".into(), "tag:vip".into()]), None);
    assert!(Step::Tag("x".into()).applies_once() && Step::Note("c".into()).applies_once());
    assert!(!Step::Sync.applies_once() && !Step::Automation("1".into()).applies_once());
}

#[test]
fn the_bodies_and_answers_follow_activecampaigns_reference() {
    assert_eq!(
        contact_tag_body("5", "9"),
        json!({"contactTag": {"contact": "5", "tag": "9"}})
    );
    assert_eq!(
        note_body("Conversation in Parley: x", "5"),
        json!({"note": {"note": "Conversation in Parley: x", "relid": "5", "reltype": "Subscriber"}})
    );
    assert_eq!(
        contact_automation_body("5", "2"),
        json!({"contactAutomation": {"contact": "5", "automation": "2"}})
    );
    assert_eq!(tag_body("vip")["tag"]["tagType"], "contact");
    let answer = json!({"tags": [{"id": "3", "tag": "vip-gold"}, {"id": 4, "tag": "VIP"}]});
    assert_eq!(
        find_tag(&answer, "vip"),
        Some("4".into()),
        "an exact name, any case; ids as numbers too"
    );
    assert_eq!(
        find_tag(&answer, "gold"),
        None,
        "search matches parts; only the exact name counts"
    );
    assert_eq!(find_tag(&json!({}), "vip"), None);
}

#[cfg(feature = "url")]
#[test]
fn the_api_url_is_an_https_address_of_a_public_host_kept_as_its_origin() {
    assert_eq!(
        validate_api_url("https://acme.api-us1.com/", false),
        Ok("https://acme.api-us1.com".into())
    );
    assert_eq!(
        validate_api_url("https://acme.api-us1.com/api/3?x", false),
        Ok("https://acme.api-us1.com".into())
    );
    for bad in [
        "http://acme.api-us1.com",
        "https://10.0.0.1",
        "https://localhost",
        "https://127.0.0.1",
        "acme",
    ] {
        assert_eq!(validate_api_url(bad, false), Err(API_URL_INVALID), "{bad}");
    }
    assert_eq!(
        validate_api_url("http://127.0.0.1:4000", true),
        Ok("http://127.0.0.1:4000".into())
    );
    assert_eq!(
        validate_api_url("http://127.0.0.1:4000", false),
        Err(API_URL_INVALID)
    );
}

#[test]
fn settings_are_checked() {
    assert_eq!(validate_key(" abc "), Ok("abc".into()));
    assert_eq!(validate_key(""), Err(KEY_INVALID));
    assert_eq!(validate_key(&"k".repeat(201)), Err(KEY_INVALID));
    assert_eq!(
        validate_tags(&[" a ".into(), "B".into()]),
        Ok(vec!["a".into(), "B".into()])
    );
    assert_eq!(validate_tags(&["a".into(), "A".into()]), Err(TAGS_INVALID));
    assert_eq!(validate_tags(&vec!["t".to_string(); 11]), Err(TAGS_INVALID));
    assert!(
        is_activecampaign_id("12")
            && !is_activecampaign_id("0")
            && !is_activecampaign_id("au_1")
            && !is_activecampaign_id("")
    );
    assert_eq!(
        contact_url("https://acme.api-us1.com", "42"),
        "https://acme.activehosted.com/app/contacts/42"
    );
    assert_eq!(
        contact_url("http://127.0.0.1:4000", "42"),
        "http://127.0.0.1:4000/app/contacts/42"
    );
    assert_eq!(
        conversation_link("https://help.example.com/", "c_1"),
        "https://help.example.com/inbox#conversation=c_1"
    );
}

#[test]
fn identical_causes_share_a_key_and_changed_statements_do_not() {
    let form = idempotency_key(JobCause::Form, "v_1", &[]);
    assert_eq!(form, "form:v_1");
    let a = idempotency_key(
        JobCause::Identify,
        "v_1",
        &["ann@example.org", "", "", "Ann"],
    );
    let b = idempotency_key(
        JobCause::Identify,
        "v_1",
        &["ann@example.org", "", "", "Ann"],
    );
    let c = idempotency_key(
        JobCause::Identify,
        "v_1",
        &["ann@example.org", "", "", "Anna"],
    );
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert!(a.starts_with("identify:v_1:"));
    assert_ne!(
        idempotency_key(JobCause::Identify, "v_1", &["a", "b"]),
        idempotency_key(JobCause::Identify, "v_1", &["ab", ""])
    );
}
