//! What the inbox receives of teams and assignment rules.

use serde::{Deserialize, Serialize};

use crate::conversation::Channel;

/// A team of the account: a group of agents conversations are assigned to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AgentTeam {
    /// Team id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its agents' ids, by name.
    #[serde(default, deserialize_with = "crate::api::comma_list")]
    pub agent_ids: Vec<String>,
    /// Creation time, ms.
    pub created_at: u64,
}

/// `GET /api/teams`: the account's teams, by name.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AgentTeams {
    /// The teams.
    pub teams: Vec<AgentTeam>,
}

/// A site's rule: its new conversations of `channel` go to `team_id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AssignmentRule {
    /// Rule id.
    pub id: String,
    /// The site.
    pub site_id: String,
    /// The channel its new conversations come by.
    pub channel: Channel,
    /// The team they go to.
    pub team_id: String,
    /// Creation time, ms.
    pub created_at: u64,
}

/// `GET /api/sites/{site}/assignment-rules`: the site's rules, by channel.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AssignmentRules {
    /// The rules.
    pub rules: Vec<AssignmentRule>,
}
