//! Teams and assignment rules: the primary admin groups agents in teams (an
//! agent may belong to several) and gives each agent a capacity (the most
//! open conversations a rule assigns them); per site and channel, a rule
//! sends new conversations to a team, then round robin to one of its agents
//! who is online and under capacity, or to the team alone when nobody is.
//! The choice itself is one SQL statement (edge's `store::teams`); these are
//! the checks of what the admin and the list's filter send.

use crate::Invalid;

/// Longest team name, in characters.
pub const MAX_NAME_CHARS: usize = 40;
/// Most teams an account keeps.
pub const MAX_PER_ACCOUNT: u32 = 50;
/// Most agents one membership change adds or removes.
pub const MAX_PER_CHANGE: usize = 50;
/// Largest capacity an admin may set (open conversations).
pub const MAX_CAPACITY: u32 = 1000;

/// The name broke its rule.
pub const NAME_INVALID: Invalid = Invalid::new(
    "team_name_invalid",
    "A team's name is one line of 1 to 40 characters.",
);
/// Another team of the account has this name (any case).
pub const NAME_TAKEN: Invalid = Invalid::new(
    "team_name_taken",
    "Another team of your account already has this name; choose another.",
);
/// The account already keeps [`MAX_PER_ACCOUNT`] teams.
pub const TOO_MANY: Invalid = Invalid::new(
    "teams_full",
    "Your account keeps 50 teams at most; delete one before adding another.",
);
/// A membership change named nobody, too many, or the same agent twice.
pub const CHANGE_INVALID: Invalid = Invalid::new(
    "team_change_invalid",
    "Send add and/or remove: lists of at most 50 agent ids of your team, no id in both.",
);
/// A membership change named someone who is no agent of the account.
pub const UNKNOWN_AGENT: Invalid = Invalid::new(
    "team_agent_unknown",
    "An agent id in add is not an agent of your account.",
);
/// The team named is not one of the account's.
pub const UNKNOWN_TEAM: Invalid = Invalid::new(
    "team_invalid",
    "The team must be one of your account's teams.",
);
/// The capacity is out of range.
pub const CAPACITY_INVALID: Invalid = Invalid::new(
    "capacity_invalid",
    "Send {\"capacity\": a whole number from 0 to 1000, or null for no limit}.",
);

/// A name as stored: one trimmed line of 1 to [`MAX_NAME_CHARS`] characters.
pub fn validate_name(raw: &str) -> Result<String, Invalid> {
    crate::name::one_line(raw, MAX_NAME_CHARS, NAME_INVALID)
}

/// A capacity as stored: `None` (no limit) or 0 to [`MAX_CAPACITY`] (0: a
/// rule never assigns them, they may still be assigned by hand).
pub fn validate_capacity(raw: Option<i64>) -> Result<Option<u32>, Invalid> {
    match raw {
        None => Ok(None),
        Some(n) if (0..=i64::from(MAX_CAPACITY)).contains(&n) => Ok(Some(n as u32)),
        Some(_) => Err(CAPACITY_INVALID),
    }
}

/// The same ids each once, in their first order.
pub fn dedup(ids: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(ids.len());
    for id in ids {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// Checks a membership change: at least one id, at most
/// [`MAX_PER_CHANGE`] in each list, none in both.
pub fn validate_change(add: &[String], remove: &[String]) -> Result<(), Invalid> {
    crate::name::id_change(add, remove, MAX_PER_CHANGE, CHANGE_INVALID)
}

/// The list's `team=` filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TeamFilter<'a> {
    /// `mine`: the conversations of the teams I belong to.
    Mine,
    /// `none`: those of no team.
    NoTeam,
    /// A team's id: that team's.
    One(&'a str),
}

impl<'a> TeamFilter<'a> {
    /// Reads `team=`: `mine`, `none` or a team id (empty is none of these).
    pub fn parse(raw: &'a str) -> Option<Self> {
        match raw.trim() {
            "" => None,
            "mine" => Some(TeamFilter::Mine),
            "none" => Some(TeamFilter::NoTeam),
            id => Some(TeamFilter::One(id)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_one_trimmed_line_of_1_to_40_characters() {
        assert_eq!(validate_name("  Billing ").unwrap(), "Billing");
        assert_eq!(validate_name(&"é".repeat(40)).unwrap(), "é".repeat(40));
        for bad in ["", "  ", "a\nb", &"x".repeat(41)] {
            assert_eq!(validate_name(bad), Err(NAME_INVALID), "{bad:?}");
        }
    }

    #[test]
    fn capacity_is_none_or_0_to_1000() {
        assert_eq!(validate_capacity(None), Ok(None));
        assert_eq!(validate_capacity(Some(0)), Ok(Some(0)));
        assert_eq!(validate_capacity(Some(1000)), Ok(Some(1000)));
        assert_eq!(validate_capacity(Some(-1)), Err(CAPACITY_INVALID));
        assert_eq!(validate_capacity(Some(1001)), Err(CAPACITY_INVALID));
    }

    #[test]
    fn a_membership_change_names_agents_to_add_or_remove_never_both() {
        let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(validate_change(&ids(&["a"]), &[]).is_ok());
        assert!(validate_change(&[], &ids(&["a"])).is_ok());
        assert_eq!(validate_change(&[], &[]), Err(CHANGE_INVALID));
        assert_eq!(
            validate_change(&ids(&["a"]), &ids(&["a"])),
            Err(CHANGE_INVALID)
        );
        let many: Vec<String> = (0..51).map(|i| format!("a{i}")).collect();
        assert_eq!(validate_change(&many, &[]), Err(CHANGE_INVALID));
        assert_eq!(dedup(ids(&["b", "a", "b"])), ids(&["b", "a"]));
    }

    #[test]
    fn the_team_filter_reads_mine_none_or_an_id() {
        assert_eq!(TeamFilter::parse("mine"), Some(TeamFilter::Mine));
        assert_eq!(TeamFilter::parse("none"), Some(TeamFilter::NoTeam));
        assert_eq!(TeamFilter::parse("tm_1"), Some(TeamFilter::One("tm_1")));
        assert_eq!(TeamFilter::parse(" "), None);
    }
}
