//! SQL of live conversations: where a conversation's visitor is connected,
//! the sites whose widgets hear the team's presence, and the away toggle.

use serde::Deserialize;
use wasm_bindgen::JsValue;

use super::{ms, Store};
use crate::error::{ApiError, ApiResult};

/// Where the live events of a conversation go: its site's visitor objects, to its visitor.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct LiveRoute {
    /// The conversation.
    pub id: String,
    /// Its site.
    pub site_id: String,
    /// Its chat visitor, if any.
    pub visitor_id: Option<String>,
}

impl Store {
    /// The live route of a conversation of the account; `None` if it is not one.
    pub async fn live_route(
        &self,
        account_id: &str,
        conversation_id: &str,
    ) -> ApiResult<Option<LiveRoute>> {
        self.first(
            "SELECT c.id, c.site_id, c.visitor_id FROM conversations c JOIN sites s ON s.id = c.site_id \
             WHERE c.id = ?2 AND s.account_id = ?1",
            &[account_id.into(), conversation_id.into()],
        )
        .await
    }

    /// Marks a conversation of the account read now; its live route, or `None` if it is not one.
    pub async fn mark_read(
        &self,
        account_id: &str,
        conversation_id: &str,
        now: u64,
    ) -> ApiResult<Option<LiveRoute>> {
        self.first(
            "UPDATE conversations SET agent_read_at = ?3 \
             WHERE id = ?2 AND site_id IN (SELECT id FROM sites WHERE account_id = ?1) \
             RETURNING id, site_id, visitor_id",
            &[account_id.into(), conversation_id.into(), ms(now)],
        )
        .await
    }

    /// The ids of the account's sites (whose widgets hear the team's presence).
    pub async fn site_ids(&self, account_id: &str) -> ApiResult<Vec<String>> {
        #[derive(Deserialize)]
        struct Id {
            id: String,
        }
        let rows: Vec<Id> = self
            .all(
                "SELECT id FROM sites WHERE account_id = ?1",
                &[account_id.into()],
            )
            .await?;
        Ok(rows.into_iter().map(|r| r.id).collect())
    }

    /// Records how many inbox tabs of the account hold a live socket, in
    /// all and per agent (`agents`: agent id → tabs; an agent left out holds
    /// none), in one batch.
    pub async fn record_team_tabs(
        &self,
        account_id: &str,
        tabs: usize,
        agents: &std::collections::BTreeMap<String, usize>,
    ) -> ApiResult<()> {
        let per_agent =
            serde_json::to_string(agents).map_err(|e| ApiError::Internal(e.to_string()))?;
        let mut batch = self.batch();
        batch.push(self.prepare(
            "UPDATE accounts SET live_tabs = ?2 WHERE id = ?1",
            &[account_id.into(), JsValue::from(tabs as u32)],
        )?);
        batch.push(self.prepare(
            "UPDATE agents SET live_tabs = COALESCE((SELECT value FROM json_each(?2) WHERE key = agents.id), 0) \
             WHERE account_id = ?1 AND live_tabs != COALESCE((SELECT value FROM json_each(?2) WHERE key = agents.id), 0)",
            &[account_id.into(), per_agent.into()],
        )?);
        batch.run().await?;
        Ok(())
    }

    /// Records how many widget tabs of the visitor hold a live socket.
    pub async fn record_visitor_tabs(&self, visitor_id: &str, tabs: usize) -> ApiResult<()> {
        self.run(
            "UPDATE visitors SET live_tabs = ?2 WHERE id = ?1",
            &[visitor_id.into(), JsValue::from(tabs as u32)],
        )
        .await?;
        Ok(())
    }

    /// Sets the agent away (or back online).
    pub async fn set_away(&self, agent_id: &str, away: bool) -> ApiResult<()> {
        self.run(
            "UPDATE agents SET away = ?2 WHERE id = ?1",
            &[agent_id.into(), JsValue::from(u8::from(away))],
        )
        .await?;
        Ok(())
    }
}
