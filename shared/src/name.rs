//! The checks every named thing of an account shares (labels, teams,
//! automations): a name is one line of bounded length, and a change of a
//! list of ids adds and removes a bounded number, none both ways.

use crate::Invalid;

/// Trims `raw` and keeps it if it is 1 to `max_chars` characters without a
/// control character (a line break included); else `invalid`.
pub fn one_line(raw: &str, max_chars: usize, invalid: Invalid) -> Result<String, Invalid> {
    let text = raw.trim();
    let n = text.chars().count();
    if n == 0 || n > max_chars || text.chars().any(char::is_control) {
        return Err(invalid);
    }
    Ok(text.to_string())
}

/// Checks a change of a list of ids: at least one id, at most `max` in each
/// list, none in both; else `invalid`.
pub fn id_change(
    add: &[String],
    remove: &[String],
    max: usize,
    invalid: Invalid,
) -> Result<(), Invalid> {
    let ok = !(add.is_empty() && remove.is_empty())
        && add.len() <= max
        && remove.len() <= max
        && !add.iter().any(|a| remove.contains(a));
    if ok {
        Ok(())
    } else {
        Err(invalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BAD: Invalid = Invalid::new("bad", "Bad.");

    #[test]
    fn a_name_is_one_trimmed_line_of_bounded_length() {
        assert_eq!(one_line("  Billing ", 40, BAD), Ok("Billing".into()));
        assert_eq!(
            one_line(&"é".repeat(40), 40, BAD),
            Ok("é".repeat(40)),
            "characters, not bytes"
        );
        for bad in ["", "   ", "two\nlines", "tab\there"] {
            assert_eq!(one_line(bad, 40, BAD), Err(BAD), "{bad:?}");
        }
        assert_eq!(one_line(&"x".repeat(41), 40, BAD), Err(BAD));
    }

    #[test]
    fn a_change_names_someone_within_bounds_and_never_both_ways() {
        let ids = |n: usize| (0..n).map(|i| format!("id{i}")).collect::<Vec<_>>();
        assert_eq!(id_change(&ids(1), &[], 2, BAD), Ok(()));
        assert_eq!(id_change(&[], &ids(2), 2, BAD), Ok(()));
        assert_eq!(id_change(&[], &[], 2, BAD), Err(BAD), "nothing to do");
        assert_eq!(id_change(&ids(3), &[], 2, BAD), Err(BAD), "too many");
        assert_eq!(
            id_change(&ids(1), &ids(1), 2, BAD),
            Err(BAD),
            "the same id both ways"
        );
    }
}
