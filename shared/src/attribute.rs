//! Contact attributes: the fields of its own the primary admin gives the
//! account's contacts (a plan, a renewal date, a seat count...), each of one
//! [`AttributeKind`]; agents set their values in the inbox or through the
//! API, and a signed `Parley.identify({..., attributes})` sets them too.
//!
//! Every value, from whichever door, is checked here by
//! [`validate_values`]: an unknown key or a value of the wrong type is
//! refused with an [`AttributeError`] naming the attribute, before anything
//! is written. Values are kept as canonical JSON text (a number as a JSON
//! number, yes/no as `true`/`false`, a date as `"YYYY-MM-DD"`).

use serde_json::{Map, Value};

use crate::conversation::string_enum;
use crate::Invalid;

string_enum! {
    /// What an attribute holds.
    AttributeKind { /// One piece of text.
        Text = "text", /// A number (JSON's: integer or decimal).
        Number = "number", /// A calendar date, `YYYY-MM-DD`.
        Date = "date", /// Yes or no (`true` or `false`).
        Boolean = "boolean", /// One of the attribute's options.
        List = "list" }
}

/// Most attributes an account defines.
pub const MAX_PER_ACCOUNT: u32 = 50;
/// Longest key, in characters.
pub const MAX_KEY_CHARS: usize = 40;
/// Longest display name, in characters.
pub const MAX_NAME_CHARS: usize = 40;
/// Most options of a list attribute.
pub const MAX_OPTIONS: usize = 50;
/// Longest option, in characters.
pub const MAX_OPTION_CHARS: usize = 60;
/// Longest text value, in characters.
pub const MAX_TEXT_CHARS: usize = 500;

/// The key broke its rule.
pub const KEY_INVALID: Invalid = Invalid::new(
    "attribute_key_invalid",
    "An attribute's key is 1 to 40 characters: a lower-case letter, then lower-case letters, digits or _ (e.g. plan, renewal_date).",
);
/// Another attribute of the account has this key.
pub const KEY_TAKEN: Invalid = Invalid::new(
    "attribute_key_taken",
    "Another attribute of your team already has this key; choose another.",
);
/// The display name broke its rule.
pub const NAME_INVALID: Invalid = Invalid::new(
    "attribute_name_invalid",
    "An attribute's name is one line of 1 to 40 characters.",
);
/// The options do not fit the kind.
pub const OPTIONS_INVALID: Invalid = Invalid::new(
    "attribute_options_invalid",
    "A list attribute has 1 to 50 different options of 1 to 60 characters each (one line); other kinds have none.",
);
/// The account already defines [`MAX_PER_ACCOUNT`] attributes.
pub const TOO_MANY: Invalid = Invalid::new(
    "attributes_full",
    "Your team defines 50 contact attributes at most; delete one before adding another.",
);
/// A change of values named no attribute, or was not an object.
pub const CHANGE_INVALID: Invalid = Invalid::new(
    "attribute_change_invalid",
    "Send an object of attribute keys to values (null clears one), with at least one key.",
);
/// A definition change named nothing to change.
pub const NOTHING_TO_CHANGE: Invalid = Invalid::new(
    "attribute_nothing_to_change",
    "Send name and/or options (options only for a list attribute); the key and kind stay as defined.",
);

/// An attribute as the rules need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    /// Its key, as identify and the API name it.
    pub key: String,
    /// What it holds.
    pub kind: AttributeKind,
    /// A list attribute's options.
    pub options: Vec<String>,
}

/// A value (or a key) refused, naming the attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeError {
    /// `attribute_invalid` (wrong type) or `attribute_unknown` (no such key).
    pub code: &'static str,
    /// The attribute's key, as given.
    pub key: String,
    /// `key: what was expected.`
    pub message: String,
}

impl AttributeError {
    fn invalid(key: &str, expected: &str) -> Self {
        AttributeError {
            code: "attribute_invalid",
            key: key.to_string(),
            message: format!("{key}: expected {expected}."),
        }
    }

    fn unknown(key: &str) -> Self {
        AttributeError {
            code: "attribute_unknown",
            key: key.to_string(),
            message: format!(
                "{key}: no such contact attribute; the primary admin defines them in Settings."
            ),
        }
    }
}

/// One line of at most `max` characters, trimmed, not empty.
fn one_line(raw: &str, max: usize) -> Option<String> {
    let text = raw.trim();
    let ok = !text.is_empty() && text.chars().count() <= max && !text.chars().any(char::is_control);
    ok.then(|| text.to_string())
}

/// A key as stored: a lower-case ASCII letter, then up to 39 lower-case
/// letters, digits or `_`.
pub fn validate_key(raw: &str) -> Result<String, Invalid> {
    let mut chars = raw.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && raw.len() <= MAX_KEY_CHARS
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(raw.to_string())
    } else {
        Err(KEY_INVALID)
    }
}

/// A display name as stored: one trimmed line of 1 to [`MAX_NAME_CHARS`] characters.
pub fn validate_name(raw: &str) -> Result<String, Invalid> {
    one_line(raw, MAX_NAME_CHARS).ok_or(NAME_INVALID)
}

/// A kind's options as stored: for a list, 1 to [`MAX_OPTIONS`] trimmed lines
/// of at most [`MAX_OPTION_CHARS`], no two alike in any case; none otherwise.
pub fn validate_options(kind: AttributeKind, raw: &[String]) -> Result<Vec<String>, Invalid> {
    if kind != AttributeKind::List {
        return if raw.is_empty() {
            Ok(Vec::new())
        } else {
            Err(OPTIONS_INVALID)
        };
    }
    if raw.is_empty() || raw.len() > MAX_OPTIONS {
        return Err(OPTIONS_INVALID);
    }
    let mut out: Vec<String> = Vec::with_capacity(raw.len());
    for option in raw {
        let option = one_line(option, MAX_OPTION_CHARS).ok_or(OPTIONS_INVALID)?;
        if out.iter().any(|o| o.eq_ignore_ascii_case(&option)) {
            return Err(OPTIONS_INVALID);
        }
        out.push(option);
    }
    Ok(out)
}

/// Whether `text` is a real calendar date written `YYYY-MM-DD`.
pub fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r.clone()].iter().all(u8::is_ascii_digit);
    if b.len() != 10
        || b[4] != b'-'
        || b[7] != b'-'
        || !digits(0..4)
        || !digits(5..7)
        || !digits(8..10)
    {
        return false;
    }
    let num = |r: std::ops::Range<usize>| text[r].parse::<u32>().unwrap_or(0);
    let (year, month, day) = (num(0..4), num(5..7), num(8..10));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    year >= 1 && (1..=days).contains(&day)
}

/// One value for an attribute: `None` clears it (JSON `null`, or text that
/// is blank), else the value as stored; or why not, naming the attribute.
pub fn validate_value(def: &Definition, value: &Value) -> Result<Option<Value>, AttributeError> {
    if value.is_null() || value.as_str().is_some_and(|s| s.trim().is_empty()) {
        return Ok(None);
    }
    let key = def.key.as_str();
    let checked = match def.kind {
        AttributeKind::Text => value
            .as_str()
            .map(str::trim)
            .filter(|t| t.chars().count() <= MAX_TEXT_CHARS)
            .map(|t| Value::String(t.to_string()))
            .ok_or_else(|| AttributeError::invalid(key, "text of at most 500 characters")),
        AttributeKind::Number => value
            .as_number()
            .map(|n| Value::Number(n.clone()))
            .ok_or_else(|| AttributeError::invalid(key, "a number")),
        AttributeKind::Date => value
            .as_str()
            .map(str::trim)
            .filter(|d| is_date(d))
            .map(|d| Value::String(d.to_string()))
            .ok_or_else(|| AttributeError::invalid(key, "a date written YYYY-MM-DD")),
        AttributeKind::Boolean => value
            .as_bool()
            .map(Value::Bool)
            .ok_or_else(|| AttributeError::invalid(key, "yes or no (true or false)")),
        AttributeKind::List => value
            .as_str()
            .map(str::trim)
            .and_then(|v| def.options.iter().find(|o| o.as_str() == v))
            .map(|o| Value::String(o.clone()))
            .ok_or_else(|| {
                AttributeError::invalid(key, &format!("one of: {}", def.options.join(", ")))
            }),
    };
    checked.map(Some)
}

/// A visitor's written answer (a chatbot question saved to an attribute) as
/// the value its kind holds: a number or yes/no read from the text (`yes`,
/// `true`, `oui`; `no`, `false`, `non`), anything else as text; then checked
/// like any value ([`validate_value`]), so "lots" for a number is refused.
pub fn typed_answer(def: &Definition, text: &str) -> Result<Option<Value>, AttributeError> {
    let t = text.trim();
    let value = match def.kind {
        AttributeKind::Number => t
            .parse::<serde_json::Number>()
            .map(Value::Number)
            .unwrap_or_else(|_| Value::String(t.into())),
        AttributeKind::Boolean => match t.to_lowercase().as_str() {
            "yes" | "true" | "oui" => Value::Bool(true),
            "no" | "false" | "non" => Value::Bool(false),
            _ => Value::String(t.into()),
        },
        _ => Value::String(t.into()),
    };
    validate_value(def, &value)
}

/// Chatbot answers (`key`, the visitor's text) as checked values of the
/// account's attributes ([`typed_answer`]); the first unknown key or refused
/// answer refuses them all.
pub fn validate_answers(
    defs: &[Definition],
    answers: &[(String, String)],
) -> Result<Vec<(String, Option<Value>)>, AttributeError> {
    answers
        .iter()
        .map(|(key, text)| {
            let def = defs
                .iter()
                .find(|d| d.key == *key)
                .ok_or_else(|| AttributeError::unknown(key))?;
            Ok((key.clone(), typed_answer(def, text)?))
        })
        .collect()
}

/// Checks a change of values (`key → value`, `null` clearing) against the
/// account's definitions, all of it before anything is written: the first
/// unknown key or wrong value refuses the whole change. Answers each key with
/// its value as stored, or `None` to clear it.
pub fn validate_values(
    defs: &[Definition],
    given: &Map<String, Value>,
) -> Result<Vec<(String, Option<Value>)>, AttributeError> {
    given
        .iter()
        .map(|(key, value)| {
            let def = defs
                .iter()
                .find(|d| d.key == *key)
                .ok_or_else(|| AttributeError::unknown(key))?;
            Ok((key.clone(), validate_value(def, value)?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_written_answer_becomes_the_value_its_kind_holds() {
        let cups = def("cups", AttributeKind::Number, &[]);
        assert_eq!(typed_answer(&cups, " 3 "), Ok(Some(json!(3))));
        assert!(typed_answer(&cups, "lots").is_err());
        let member = def("member", AttributeKind::Boolean, &[]);
        assert_eq!(typed_answer(&member, "Oui"), Ok(Some(json!(true))));
        assert!(typed_answer(&member, "maybe").is_err());
        let plan = def("plan", AttributeKind::List, &["Free", "Pro"]);
        assert_eq!(typed_answer(&plan, "Pro"), Ok(Some(json!("Pro"))));
        let since = def("since", AttributeKind::Date, &[]);
        assert!(typed_answer(&since, "yesterday").is_err());
    }

    fn def(key: &str, kind: AttributeKind, options: &[&str]) -> Definition {
        Definition {
            key: key.into(),
            kind,
            options: options.iter().map(|o| o.to_string()).collect(),
        }
    }

    fn defs() -> Vec<Definition> {
        vec![
            def("nickname", AttributeKind::Text, &[]),
            def("seats", AttributeKind::Number, &[]),
            def("renewal", AttributeKind::Date, &[]),
            def("vip", AttributeKind::Boolean, &[]),
            def("plan", AttributeKind::List, &["Free", "Pro", "Enterprise"]),
        ]
    }

    fn check(given: Value) -> Result<Vec<(String, Option<Value>)>, AttributeError> {
        validate_values(&defs(), given.as_object().unwrap())
    }

    #[test]
    fn each_kind_takes_its_own_json_type_and_is_stored_canonical() {
        let got = check(json!({
            "nickname": "  Ace ", "seats": 12.5, "renewal": "2027-02-28", "vip": true, "plan": "Pro"
        }))
        .unwrap();
        let as_map: Map<String, Value> = got
            .into_iter()
            .map(|(k, v)| (k, v.unwrap_or(Value::Null)))
            .collect();
        assert_eq!(
            Value::Object(as_map),
            json!({"nickname": "Ace", "seats": 12.5, "renewal": "2027-02-28", "vip": true, "plan": "Pro"})
        );
    }

    #[test]
    fn a_wrong_type_names_the_attribute_and_what_it_expects() {
        let cases = [
            (json!({"seats": "12"}), "seats: expected a number."),
            (json!({"seats": true}), "seats: expected a number."),
            (
                json!({"vip": "yes"}),
                "vip: expected yes or no (true or false).",
            ),
            (
                json!({"renewal": "2027-02-30"}),
                "renewal: expected a date written YYYY-MM-DD.",
            ),
            (
                json!({"renewal": "28/02/2027"}),
                "renewal: expected a date written YYYY-MM-DD.",
            ),
            (
                json!({"renewal": 20270228}),
                "renewal: expected a date written YYYY-MM-DD.",
            ),
            (
                json!({"plan": "pro"}),
                "plan: expected one of: Free, Pro, Enterprise.",
            ),
            (
                json!({"plan": 1}),
                "plan: expected one of: Free, Pro, Enterprise.",
            ),
            (
                json!({"nickname": 5}),
                "nickname: expected text of at most 500 characters.",
            ),
            (
                json!({"nickname": "x".repeat(501)}),
                "nickname: expected text of at most 500 characters.",
            ),
        ];
        for (given, message) in cases {
            let err = check(given.clone()).unwrap_err();
            assert_eq!(err.code, "attribute_invalid", "{given}");
            assert_eq!(err.message, message, "{given}");
        }
    }

    #[test]
    fn an_unknown_key_refuses_the_whole_change_naming_it() {
        let err = check(json!({"seats": 3, "colour": "red"})).unwrap_err();
        assert_eq!(err.code, "attribute_unknown");
        assert_eq!(err.key, "colour");
        assert!(err.message.starts_with("colour: "));
    }

    #[test]
    fn null_or_blank_clears_a_value_of_any_kind() {
        let got = check(json!({"seats": null, "plan": "  ", "vip": null})).unwrap();
        assert!(got.iter().all(|(_, v)| v.is_none()), "{got:?}");
    }

    #[test]
    fn dates_are_real_calendar_days() {
        for good in ["2024-02-29", "2000-02-29", "1999-12-31", "2027-01-01"] {
            assert!(is_date(good), "{good}");
        }
        for bad in [
            "2023-02-29",
            "1900-02-29",
            "2027-13-01",
            "2027-00-10",
            "2027-04-31",
            "0000-01-01",
            "2027-1-01",
            "2027-01-01T00:00",
            "２０２７-01-01",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
    }

    #[test]
    fn keys_are_lower_snake_case_names_of_at_most_40_characters() {
        assert_eq!(validate_key("renewal_date2").unwrap(), "renewal_date2");
        for bad in [
            "",
            "Plan",
            "2plan",
            "_plan",
            "plan-type",
            "plan type",
            "é",
            &"a".repeat(41),
        ] {
            assert_eq!(validate_key(bad), Err(KEY_INVALID), "{bad:?}");
        }
        assert!(validate_key(&"a".repeat(40)).is_ok());
    }

    #[test]
    fn names_are_one_trimmed_line() {
        assert_eq!(validate_name("  Plan ").unwrap(), "Plan");
        for bad in ["", "  ", "a\nb", &"x".repeat(41)] {
            assert_eq!(validate_name(bad), Err(NAME_INVALID), "{bad:?}");
        }
    }

    #[test]
    fn only_a_list_has_options_and_they_differ() {
        let list = |o: &[&str]| o.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            validate_options(AttributeKind::List, &list(&[" Free ", "Pro"])).unwrap(),
            list(&["Free", "Pro"])
        );
        assert_eq!(
            validate_options(AttributeKind::Text, &[]).unwrap(),
            Vec::<String>::new()
        );
        for (kind, bad) in [
            (AttributeKind::List, list(&[])),
            (AttributeKind::List, list(&["Pro", "pro"])),
            (AttributeKind::List, list(&[""])),
            (AttributeKind::List, list(&["a\nb"])),
            (
                AttributeKind::List,
                (0..51).map(|i| i.to_string()).collect(),
            ),
            (AttributeKind::Number, list(&["1"])),
        ] {
            assert_eq!(
                validate_options(kind, &bad),
                Err(OPTIONS_INVALID),
                "{kind:?} {bad:?}"
            );
        }
    }
}
