//! SQL of agents: who they are, their passwords, sessions and invitations,
//! and the first-run set-up of an account.

use serde::Deserialize;
use shared::agent::{KeyRole, Role};
use shared::api;

use super::{ms, Count, Store};
use crate::error::ApiResult;
use crate::password::Stored;

/// An agent as authorization needs it.
#[derive(Debug, Deserialize)]
pub struct AgentRow {
    /// Agent id.
    pub id: String,
    /// The account the agent works for.
    pub account_id: String,
    /// The agent's place in the team.
    pub role: Role,
    /// Full name, shown to contacts.
    pub full_name: String,
    /// Sign-in email.
    pub email: String,
    /// 1 once the agent has a password (accepted the invitation).
    pub active: u8,
    /// 1 while the agent is set away.
    pub away: u8,
    /// The most open conversations a rule assigns them (none: no limit).
    pub capacity: Option<u32>,
}

impl AgentRow {
    /// The agent as the API shows it.
    pub fn to_api(&self) -> api::Agent {
        api::Agent {
            id: self.id.clone(),
            role: self.role,
            full_name: self.full_name.clone(),
            email: self.email.clone(),
            active: self.active == 1,
            away: self.away == 1,
            capacity: self.capacity,
        }
    }

    /// Whether this agent may change account-wide settings.
    pub fn is_primary_admin(&self) -> bool {
        self.role.is_primary_admin()
    }
}

/// What signing in checks a password against.
#[derive(Debug, Deserialize)]
struct Credentials {
    id: String,
    password_hash: String,
    password_salt: String,
    password_iterations: u32,
}

/// Ids for the set-up's account, its site and its primary admin.
#[derive(Debug, Clone, Copy)]
pub struct SetupIds<'a> {
    /// The account.
    pub account: &'a str,
    /// Its first site.
    pub site: &'a str,
    /// Its primary admin.
    pub agent: &'a str,
}

/// A new account's first site and primary admin (the one-time set-up).
#[derive(Debug)]
pub struct Setup<'a> {
    /// Ids for the account, its site and its primary admin.
    pub ids: SetupIds<'a>,
    /// Name of the account (the business).
    pub account_name: &'a str,
    /// Name of its first site.
    pub site_name: &'a str,
    /// The admin's full name.
    pub full_name: &'a str,
    /// The admin's sign-in email, normalized.
    pub email: &'a str,
    /// The admin's password, hashed.
    pub password: &'a Stored,
}

const AGENT_COLUMNS: &str = "a.id, a.account_id, a.role, a.full_name, a.email, a.password_hash IS NOT NULL AS active, a.away, a.capacity";

impl Store {
    /// The agent an API key belongs to, in the role the key acts in (an
    /// `agent` key never as the primary admin), if the key is valid and the
    /// agent not removed, and when the key was last marked used.
    pub async fn agent_by_api_key(
        &self,
        token_hash: &str,
    ) -> ApiResult<Option<(AgentRow, Option<u64>)>> {
        #[derive(Deserialize)]
        struct Row {
            #[serde(flatten)]
            agent: AgentRow,
            key_role: KeyRole,
            last_used_at: Option<u64>,
        }
        let row: Option<Row> = self
            .first(
                &format!(
                    "SELECT {AGENT_COLUMNS}, k.role AS key_role, k.last_used_at FROM api_keys k JOIN agents a ON a.id = k.agent_id \
                     WHERE k.token_hash = ?1 AND k.revoked_at IS NULL AND a.removed_at IS NULL"
                ),
                &[token_hash.into()],
            )
            .await?;
        Ok(row.map(|mut r| {
            r.agent.role = r.key_role.acting_role(r.agent.role);
            (r.agent, r.last_used_at)
        }))
    }

    /// The agent of a live session, the session's CSRF token, and when it expires (ms).
    pub async fn agent_by_session(
        &self,
        token_hash: &str,
        now: u64,
    ) -> ApiResult<Option<(AgentRow, String, u64)>> {
        #[derive(Deserialize)]
        struct Row {
            #[serde(flatten)]
            agent: AgentRow,
            csrf_token: String,
            expires_at: u64,
        }
        let row: Option<Row> = self
            .first(
                &format!(
                    "SELECT {AGENT_COLUMNS}, s.csrf_token, s.expires_at FROM agent_sessions s JOIN agents a ON a.id = s.agent_id \
                     WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND a.removed_at IS NULL"
                ),
                &[token_hash.into(), ms(now)],
            )
            .await?;
        Ok(row.map(|r| (r.agent, r.csrf_token, r.expires_at)))
    }

    /// The stored password of the (first, active) agent signing in with `email`.
    pub async fn credentials(&self, email: &str) -> ApiResult<Option<(String, Stored)>> {
        let row: Option<Credentials> = self
            .first(
                "SELECT id, password_hash, password_salt, password_iterations FROM agents \
                 WHERE email = ?1 AND removed_at IS NULL AND password_hash IS NOT NULL ORDER BY created_at LIMIT 1",
                &[email.into()],
            )
            .await?;
        Ok(row.map(|c| {
            (
                c.id,
                Stored {
                    hash: c.password_hash,
                    salt: c.password_salt,
                    iterations: c.password_iterations,
                },
            )
        }))
    }

    /// Starts a session for an agent.
    pub async fn create_session(
        &self,
        token_hash: &str,
        agent_id: &str,
        csrf: &str,
        now: u64,
        expires_at: u64,
    ) -> ApiResult<()> {
        self.run(
            "INSERT INTO agent_sessions (token_hash, agent_id, csrf_token, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            &[token_hash.into(), agent_id.into(), csrf.into(), ms(now), ms(expires_at)],
        )
        .await?;
        Ok(())
    }

    /// Ends a session.
    pub async fn delete_session(&self, token_hash: &str) -> ApiResult<()> {
        self.run(
            "DELETE FROM agent_sessions WHERE token_hash = ?1",
            &[token_hash.into()],
        )
        .await?;
        Ok(())
    }

    /// The account's agents (removed ones left out), admins first.
    pub async fn agents(&self, account_id: &str) -> ApiResult<Vec<api::Agent>> {
        let rows: Vec<AgentRow> = self
            .all(
                &format!(
                    "SELECT {AGENT_COLUMNS} FROM agents a WHERE a.account_id = ?1 AND a.removed_at IS NULL \
                     ORDER BY a.role = 'primary_admin' DESC, a.full_name"
                ),
                &[account_id.into()],
            )
            .await?;
        Ok(rows.iter().map(AgentRow::to_api).collect())
    }

    /// Creates an invited agent and its one-time invitation; `false` if the
    /// email already belongs to an agent of the account.
    #[allow(clippy::too_many_arguments)]
    pub async fn invite_agent(
        &self,
        account_id: &str,
        agent_id: &str,
        email: &str,
        full_name: &str,
        invitation_hash: &str,
        now: u64,
        expires_at: u64,
    ) -> ApiResult<bool> {
        let mut batch = self.batch();
        batch.push(self.prepare(
            "INSERT OR IGNORE INTO agents (id, account_id, email, full_name, role, created_at) \
                 VALUES (?1, ?2, ?3, ?4, 'agent', ?5)",
            &[
                agent_id.into(),
                account_id.into(),
                email.into(),
                full_name.into(),
                ms(now),
            ],
        )?);
        batch.push(self.prepare(
            "INSERT INTO agent_invitations (token_hash, agent_id, created_at, expires_at) \
                 SELECT ?1, id, ?3, ?4 FROM agents WHERE id = ?2",
            &[
                invitation_hash.into(),
                agent_id.into(),
                ms(now),
                ms(expires_at),
            ],
        )?);
        let created = batch.rows::<Count>(self.prepare(
            "SELECT COUNT(*) AS n FROM agents WHERE id = ?1",
            &[agent_id.into()],
        )?);
        Ok(batch
            .run()
            .await?
            .first(&created)?
            .is_some_and(|c| c.n == 1))
    }

    /// Sets the password of an invited agent; the agent's id, or `None` if the
    /// invitation is unknown, used or expired.
    pub async fn accept_invitation(
        &self,
        token_hash: &str,
        password: &Stored,
        now: u64,
    ) -> ApiResult<Option<String>> {
        #[derive(Deserialize)]
        struct Id {
            agent_id: String,
        }
        let mut batch = self.batch();
        batch.push(self.prepare(
            "UPDATE agents SET password_hash = ?2, password_salt = ?3, password_iterations = ?4 \
                 WHERE removed_at IS NULL AND id = (SELECT agent_id FROM agent_invitations \
                   WHERE token_hash = ?1 AND accepted_at IS NULL AND expires_at > ?5)",
            &[
                token_hash.into(),
                password.hash.as_str().into(),
                password.salt.as_str().into(),
                wasm_bindgen::JsValue::from_f64(f64::from(password.iterations)),
                ms(now),
            ],
        )?);
        batch.push(self.prepare(
                "UPDATE agent_invitations SET accepted_at = ?2 WHERE token_hash = ?1 AND accepted_at IS NULL AND expires_at > ?2",
                &[token_hash.into(), ms(now)],
            )?);
        let accepted = batch.rows::<Id>(self.prepare(
            "SELECT agent_id FROM agent_invitations WHERE token_hash = ?1 AND accepted_at = ?2",
            &[token_hash.into(), ms(now)],
        )?);
        Ok(batch.run().await?.first(&accepted)?.map(|r| r.agent_id))
    }

    /// Removes an agent (not the primary admin): signs them out everywhere and
    /// revokes their keys; `false` if there was no such removable agent.
    pub async fn remove_agent(
        &self,
        account_id: &str,
        agent_id: &str,
        now: u64,
    ) -> ApiResult<bool> {
        let mut batch = self.batch();
        let removed = batch.write(self.prepare(
                "UPDATE agents SET removed_at = ?3 WHERE id = ?2 AND account_id = ?1 AND role = 'agent' AND removed_at IS NULL",
                &[account_id.into(), agent_id.into(), ms(now)],
            )?);
        batch.push(self.prepare(
                "DELETE FROM agent_sessions WHERE agent_id = ?1 AND EXISTS (SELECT 1 FROM agents WHERE id = ?1 AND removed_at IS NOT NULL)",
                &[agent_id.into()],
            )?);
        batch.push(self.prepare(
            "UPDATE api_keys SET revoked_at = ?2 WHERE agent_id = ?1 AND revoked_at IS NULL \
                 AND EXISTS (SELECT 1 FROM agents WHERE id = ?1 AND removed_at IS NOT NULL)",
            &[agent_id.into(), ms(now)],
        )?);
        // Out of every team: no rule assigns them any more.
        batch.push(self.prepare(
            "DELETE FROM team_members WHERE agent_id = ?1 AND EXISTS (SELECT 1 FROM agents WHERE id = ?1 AND removed_at IS NOT NULL)",
            &[agent_id.into()],
        )?);
        Ok(batch.run().await?.changes(removed)? == 1)
    }

    /// Whether any agent exists (set-up is then closed); a cheap check before PBKDF2.
    pub async fn has_agents(&self) -> ApiResult<bool> {
        Ok(self
            .count(
                "SELECT COUNT(*) AS n FROM (SELECT 1 FROM agents LIMIT 1)",
                &[],
            )
            .await?
            > 0)
    }

    /// Whether an invitation is open (unused, unexpired, its agent not removed);
    /// a cheap check before PBKDF2.
    pub async fn invitation_open(&self, token_hash: &str, now: u64) -> ApiResult<bool> {
        let sql = "SELECT COUNT(*) AS n FROM agent_invitations i JOIN agents a ON a.id = i.agent_id \
                   WHERE i.token_hash = ?1 AND i.accepted_at IS NULL AND i.expires_at > ?2 AND a.removed_at IS NULL";
        Ok(self.count(sql, &[token_hash.into(), ms(now)]).await? > 0)
    }

    /// Creates the first account, site, email channel and primary admin, in
    /// one batch and only while the deployment has no agent at all; `false` once it has.
    pub async fn setup(&self, setup: &Setup<'_>, now: u64) -> ApiResult<bool> {
        let SetupIds {
            account,
            site,
            agent,
        } = setup.ids;
        let empty = "NOT EXISTS (SELECT 1 FROM agents)";
        let statements = vec![
            self.prepare(
                &format!("INSERT INTO accounts (id, name, created_at) SELECT ?1, ?2, ?3 WHERE {empty}"),
                &[account.into(), setup.account_name.into(), ms(now)],
            )?,
            self.prepare(
                "INSERT INTO sites (id, account_id, name, created_at) SELECT ?1, id, ?2, ?3 FROM accounts WHERE id = ?4",
                &[site.into(), setup.site_name.into(), ms(now), account.into()],
            )?,
            self.prepare(
                "INSERT INTO email_channels (site_id, created_at) SELECT id, ?2 FROM sites WHERE id = ?1",
                &[site.into(), ms(now)],
            )?,
            self.prepare(
                &format!(
                    "INSERT INTO agents (id, account_id, email, full_name, role, password_hash, password_salt, \
                       password_iterations, created_at) \
                     SELECT ?1, id, ?2, ?3, 'primary_admin', ?4, ?5, ?6, ?7 FROM accounts WHERE id = ?8 AND {empty}"
                ),
                &[
                    agent.into(),
                    setup.email.into(),
                    setup.full_name.into(),
                    setup.password.hash.as_str().into(),
                    setup.password.salt.as_str().into(),
                    wasm_bindgen::JsValue::from_f64(f64::from(setup.password.iterations)),
                    ms(now),
                    account.into(),
                ],
            )?,
        ];
        let mut batch = self.batch();
        batch.extend(statements);
        let created = batch.rows::<Count>(self.prepare(
            "SELECT COUNT(*) AS n FROM agents WHERE id = ?1",
            &[agent.into()],
        )?);
        Ok(batch
            .run()
            .await?
            .first(&created)?
            .is_some_and(|c| c.n == 1))
    }

    /// Whether an agent id belongs to the account (for assignment).
    pub async fn is_agent_of(&self, account_id: &str, agent_id: &str) -> ApiResult<bool> {
        Ok(self
            .agents(account_id)
            .await?
            .iter()
            .any(|a| a.id == agent_id))
    }
}
