//! SQL of teams (migration 0023): the account's teams and their members,
//! agents' capacity, the sites' assignment rules, and the one statement that
//! assigns a new conversation by its site's rule. The list's team filter is
//! `store::list`'s.

use serde::Deserialize;
use shared::api;
use shared::conversation::Channel;
use shared::team::MAX_PER_ACCOUNT;
use shared::trail::TrailKind;
use wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

use super::{ms, Store};
use crate::error::ApiResult;
use crate::ids::new_id;

/// Selects [`api::AgentTeam`]s of `t`; append a `WHERE` on `t`.
const TEAM_SELECT: &str = "SELECT t.id, t.name, t.created_at, \
     (SELECT group_concat(agent_id) FROM (SELECT m.agent_id FROM team_members m JOIN agents a ON a.id = m.agent_id \
        WHERE m.team_id = t.id ORDER BY a.full_name)) AS agent_ids FROM teams t";

/// Why a team, or a change of one, was not written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TeamRefused {
    /// Another team of the account has the name.
    NameTaken,
    /// The account keeps the most teams it may.
    Full,
    /// The account has no such team (or agent, for capacity).
    NotFound,
    /// An agent to add is no agent of the account.
    UnknownAgent,
}

/// How many other teams of the account have a name.
#[derive(Debug, Deserialize)]
struct Taken {
    n: u32,
}

/// One row of a membership change: whether the team is the account's and
/// how many of the agents to add are its agents.
#[derive(Debug, Deserialize)]
struct Checked {
    found: u8,
    known: u32,
}

impl Store {
    /// The account's teams, by name.
    pub async fn teams(&self, account_id: &str) -> ApiResult<Vec<api::AgentTeam>> {
        self.all(
            &format!("{TEAM_SELECT} WHERE t.account_id = ?1 ORDER BY t.name"),
            &[account_id.into()],
        )
        .await
    }

    /// Whether `team_id` is a team of the account.
    pub async fn is_team_of(&self, account_id: &str, team_id: &str) -> ApiResult<bool> {
        let found: Option<Taken> = self
            .first(
                "SELECT COUNT(*) AS n FROM teams WHERE id = ?1 AND account_id = ?2",
                &[team_id.into(), account_id.into()],
            )
            .await?;
        Ok(found.is_some_and(|t| t.n > 0))
    }

    /// Adds a team to the account in one statement (nothing written when the
    /// name is taken or the account is full).
    pub async fn create_team(
        &self,
        account_id: &str,
        id: &str,
        name: &str,
        now: u64,
    ) -> ApiResult<Result<api::AgentTeam, TeamRefused>> {
        let mut batch = self.batch();
        batch.push(self.prepare(
            "INSERT INTO teams (id, account_id, name, created_at, updated_at) SELECT ?1, ?2, ?3, ?4, ?4 \
             WHERE (SELECT COUNT(*) FROM teams WHERE account_id = ?2) < ?5 ON CONFLICT (account_id, name) DO NOTHING",
            &[id.into(), account_id.into(), name.into(), ms(now), MAX_PER_ACCOUNT.into()],
        )?);
        let saved = batch.rows::<api::AgentTeam>(
            self.prepare(&format!("{TEAM_SELECT} WHERE t.id = ?1"), &[id.into()])?,
        );
        let taken = batch.rows::<Taken>(self.prepare(
            "SELECT COUNT(*) AS n FROM teams WHERE account_id = ?1 AND name = ?2 AND id != ?3",
            &[account_id.into(), name.into(), id.into()],
        )?);
        let ran = batch.run().await?;
        Ok(match ran.first(&saved)? {
            Some(team) => Ok(team),
            None if ran.first(&taken)?.is_some_and(|t| t.n > 0) => Err(TeamRefused::NameTaken),
            None => Err(TeamRefused::Full),
        })
    }

    /// Renames a team of the account in one statement (nothing written when
    /// the name is taken).
    pub async fn rename_team(
        &self,
        account_id: &str,
        id: &str,
        name: &str,
        now: u64,
    ) -> ApiResult<Result<api::AgentTeam, TeamRefused>> {
        let mut batch = self.batch();
        let updated = batch.write(self.prepare(
            "UPDATE OR IGNORE teams SET name = ?3, updated_at = ?4 WHERE id = ?1 AND account_id = ?2",
            &[id.into(), account_id.into(), name.into(), ms(now)],
        )?);
        let saved = batch.rows::<api::AgentTeam>(self.prepare(
            &format!("{TEAM_SELECT} WHERE t.id = ?1 AND t.account_id = ?2"),
            &[id.into(), account_id.into()],
        )?);
        let ran = batch.run().await?;
        let changed = ran.changes(updated)? > 0;
        Ok(match ran.first(&saved)? {
            None => Err(TeamRefused::NotFound),
            Some(team) if changed => Ok(team),
            Some(_) => Err(TeamRefused::NameTaken),
        })
    }

    /// Deletes a team of the account in one batch: its conversations keep
    /// their agent and lose the team, its rules and memberships go; `false`
    /// if the account has no such team.
    pub async fn delete_team(&self, account_id: &str, id: &str) -> ApiResult<bool> {
        let args = [id.into(), account_id.into()];
        let ours = "EXISTS (SELECT 1 FROM teams WHERE id = ?1 AND account_id = ?2)";
        let mut batch = self.batch();
        batch.push(self.prepare(
            &format!("UPDATE conversations SET team_id = NULL WHERE account_id = ?2 AND team_id = ?1 AND {ours}"),
            &args,
        )?);
        for table in ["assignment_rules", "team_members"] {
            batch.push(self.prepare(
                &format!("DELETE FROM {table} WHERE team_id = ?1 AND {ours}"),
                &args,
            )?);
        }
        let deleted = batch
            .write(self.prepare("DELETE FROM teams WHERE id = ?1 AND account_id = ?2", &args)?);
        Ok(batch.run().await?.changes(deleted)? > 0)
    }

    /// Adds agents to and removes agents from a team of the account, in one
    /// batch: nothing is written unless the team and every agent to add are
    /// the account's (removed agents are not); one already in (or out) stays
    /// so. The team afterwards.
    pub async fn change_members(
        &self,
        account_id: &str,
        team_id: &str,
        (add, remove): (&[String], &[String]),
        now: u64,
    ) -> ApiResult<Result<api::AgentTeam, TeamRefused>> {
        let json = |ids: &[String]| JsValue::from(serde_json::to_string(ids).unwrap_or_default());
        // ?1 to ?4 in every statement: the account, the team, the agents to add and their number.
        let guarded = |more: JsValue| {
            vec![
                account_id.into(),
                team_id.into(),
                json(add),
                JsValue::from_f64(add.len() as f64),
                more,
            ]
        };
        let known = "(SELECT COUNT(*) FROM agents WHERE account_id = ?1 AND removed_at IS NULL \
                     AND id IN (SELECT value FROM json_each(?3)))";
        let guard = format!(
            "EXISTS (SELECT 1 FROM teams WHERE id = ?2 AND account_id = ?1) AND {known} = ?4"
        );
        let mut batch = self.batch();
        batch.push(self.prepare(
            &format!(
                "INSERT INTO team_members (team_id, agent_id, added_at) \
                 SELECT ?2, value, ?5 FROM json_each(?3) WHERE {guard} ON CONFLICT DO NOTHING"
            ),
            &guarded(ms(now)),
        )?);
        batch.push(self.prepare(
            &format!("DELETE FROM team_members WHERE team_id = ?2 AND agent_id IN (SELECT value FROM json_each(?5)) AND {guard}"),
            &guarded(json(remove)),
        )?);
        let checked = batch.rows::<Checked>(self.prepare(
            &format!(
                "SELECT EXISTS (SELECT 1 FROM teams WHERE id = ?2 AND account_id = ?1) AS found, {known} AS known \
                 WHERE ?4 IS NOT NULL"
            ),
            &guarded(JsValue::NULL)[..4],
        )?);
        let saved = batch.rows::<api::AgentTeam>(self.prepare(
            &format!("{TEAM_SELECT} WHERE t.id = ?1 AND t.account_id = ?2"),
            &[team_id.into(), account_id.into()],
        )?);
        let ran = batch.run().await?;
        Ok(match (ran.first(&checked)?, ran.first(&saved)?) {
            (Some(c), Some(_)) if c.found == 1 && c.known as usize != add.len() => {
                Err(TeamRefused::UnknownAgent)
            }
            (_, Some(team)) => Ok(team),
            _ => Err(TeamRefused::NotFound),
        })
    }

    /// Sets the capacity of an agent of the account (not removed); `false`
    /// if there is no such agent.
    pub async fn set_capacity(
        &self,
        account_id: &str,
        agent_id: &str,
        capacity: Option<u32>,
    ) -> ApiResult<bool> {
        let mut batch = self.batch();
        let set = batch.write(self.prepare(
            "UPDATE agents SET capacity = ?3 WHERE id = ?2 AND account_id = ?1 AND removed_at IS NULL",
            &[
                account_id.into(),
                agent_id.into(),
                capacity.map(JsValue::from).unwrap_or(JsValue::NULL),
            ],
        )?);
        Ok(batch.run().await?.changes(set)? == 1)
    }

    /// The rules of a site of the account, by channel.
    pub async fn assignment_rules(
        &self,
        account_id: &str,
        site_id: &str,
    ) -> ApiResult<Vec<api::AssignmentRule>> {
        self.all(
            "SELECT r.id, r.site_id, r.channel, r.team_id, r.created_at FROM assignment_rules r \
             JOIN sites s ON s.id = r.site_id WHERE r.site_id = ?1 AND s.account_id = ?2 ORDER BY r.channel",
            &[site_id.into(), account_id.into()],
        )
        .await
    }

    /// Sends a site's new conversations of `channel` to a team, replacing the
    /// rule of that channel, in one statement: nothing is written unless the
    /// site and the team are the account's. The rule as stored, if written.
    pub async fn set_assignment_rule(
        &self,
        account_id: &str,
        site_id: &str,
        (channel, team_id): (Channel, &str),
        now: u64,
    ) -> ApiResult<Option<api::AssignmentRule>> {
        self.first(
            "INSERT INTO assignment_rules (id, site_id, channel, team_id, created_at) \
             SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM sites WHERE id = ?2 AND account_id = ?6) \
               AND EXISTS (SELECT 1 FROM teams WHERE id = ?4 AND account_id = ?6) \
             ON CONFLICT (site_id, channel) DO UPDATE SET team_id = excluded.team_id, created_at = excluded.created_at \
             RETURNING id, site_id, channel, team_id, created_at",
            &[
                new_id("ar").into(),
                site_id.into(),
                channel.as_str().into(),
                team_id.into(),
                ms(now),
                account_id.into(),
            ],
        )
        .await
    }

    /// Deletes a rule of a site of the account; `false` if there is none.
    pub async fn delete_assignment_rule(
        &self,
        account_id: &str,
        site_id: &str,
        id: &str,
    ) -> ApiResult<bool> {
        let mut batch = self.batch();
        let deleted = batch.write(self.prepare(
            "DELETE FROM assignment_rules WHERE id = ?1 AND site_id = ?2 \
             AND EXISTS (SELECT 1 FROM sites WHERE id = ?2 AND account_id = ?3)",
            &[id.into(), site_id.into(), account_id.into()],
        )?);
        Ok(batch.run().await?.changes(deleted)? == 1)
    }

    /// The statements that assign the conversation `conversation_id` by its
    /// site's rule for its channel, to append to the batch that started it
    /// (after its insert): nothing happens unless it exists now, has neither
    /// team nor agent and a rule applies.
    ///
    /// The choice is ONE statement (compare-and-set): the team, and the
    /// member of it who is online (a live inbox tab, not away, not removed)
    /// and under capacity (fewer open conversations assigned than their
    /// capacity, counted inside the same statement), lowest turn first; none
    /// such, the team alone. D1 runs statements one at a time, so two
    /// conversations started at once each see the other's assignment: no
    /// agent goes past capacity. Then the chosen member's turn moves past
    /// everyone's (round robin) and the trail records the rule's
    /// assignments (by nobody: the system).
    pub(super) fn assign_by_rule(
        &self,
        conversation_id: &str,
        now: u64,
    ) -> ApiResult<[D1PreparedStatement; 4]> {
        let id: JsValue = conversation_id.into();
        let rule = "FROM assignment_rules r WHERE r.site_id = conversations.site_id AND r.channel = conversations.channel";
        let assign = self.prepare(
            &format!(
                "UPDATE conversations SET team_id = (SELECT r.team_id {rule}), \
                   assignee_id = (SELECT m.agent_id FROM assignment_rules r \
                     JOIN team_members m ON m.team_id = r.team_id JOIN agents a ON a.id = m.agent_id \
                     WHERE r.site_id = conversations.site_id AND r.channel = conversations.channel \
                       AND a.removed_at IS NULL AND a.away = 0 AND a.live_tabs > 0 \
                       AND (a.capacity IS NULL OR a.capacity > \
                         (SELECT COUNT(*) FROM conversations o WHERE o.assignee_id = a.id AND o.status = 'open')) \
                     ORDER BY m.turn, m.added_at, m.agent_id LIMIT 1) \
                 WHERE id = ?1 AND team_id IS NULL AND assignee_id IS NULL AND EXISTS (SELECT 1 {rule})"
            ),
            std::slice::from_ref(&id),
        )?;
        let turn = self.prepare(
            "UPDATE team_members SET turn = (SELECT MAX(t.turn) + 1 FROM team_members t WHERE t.team_id = team_members.team_id) \
             WHERE (team_id, agent_id) = (SELECT team_id, assignee_id FROM conversations WHERE id = ?1)",
            std::slice::from_ref(&id),
        )?;
        let event = |kind: TrailKind, column: &str| {
            self.prepare(
                &format!(
                    "INSERT INTO trail (id, conversation_id, kind, agent_id, detail, created_at) \
                     SELECT ?2, id, ?3, NULL, {column}, ?4 FROM conversations WHERE id = ?1 AND {column} IS NOT NULL"
                ),
                &[id.clone(), new_id("ev").into(), kind.as_str().into(), ms(now)],
            )
        };
        Ok([
            assign,
            turn,
            event(TrailKind::AssignedTeam, "team_id")?,
            event(TrailKind::Assigned, "assignee_id")?,
        ])
    }
}
