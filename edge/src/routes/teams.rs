//! Teams and assignment rules: the primary admin makes teams, puts agents in
//! them (`shared::team` checks what is sent), sets each agent's capacity and,
//! per site and channel, the rule that sends new conversations to a team
//! (the assignment itself is `store::teams`' one statement). Any agent lists
//! the teams (to assign a conversation to one). Other accounts' teams,
//! agents and sites are 404.

use serde_json::json;
use shared::api;
use shared::team::{self, CHANGE_INVALID, NAME_TAKEN, TOO_MANY, UNKNOWN_AGENT, UNKNOWN_TEAM};
use worker::Response;

use super::Cx;
use crate::auth::{Admin, Agent};
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};
use crate::ids::new_id;
use crate::store::TeamRefused;

/// The error for a refused write.
fn refused(why: TeamRefused) -> ApiError {
    match why {
        TeamRefused::NameTaken => ApiError::Conflict(NAME_TAKEN),
        TeamRefused::Full => ApiError::Conflict(TOO_MANY),
        TeamRefused::NotFound => ApiError::NotFound("Team"),
        TeamRefused::UnknownAgent => ApiError::Invalid(UNKNOWN_AGENT),
    }
}

/// `GET /api/teams`: the account's teams, by name, with their agents.
pub async fn list(cx: &mut Cx<'_>, agent: Agent) -> ApiResult<Response> {
    let teams = cx.app.store.teams(&agent.account_id).await?;
    json(200, &api::AgentTeams { teams })
}

/// `POST /api/teams`: `{name}`; 409 if the name is taken or the account full.
pub async fn create(cx: &mut Cx<'_>, admin: Admin) -> ApiResult<Response> {
    let input: api::NewTeam = read_json(&mut cx.req).await?;
    let name = team::validate_name(&input.name)?;
    let created = cx
        .app
        .store
        .create_team(&admin.account_id, &new_id("tm"), &name, now_ms())
        .await?
        .map_err(refused)?;
    json(201, &created)
}

/// `PATCH /api/teams/{id}`: `{name}` renames it.
pub async fn rename(cx: &mut Cx<'_>, admin: Admin, id: &str) -> ApiResult<Response> {
    let input: api::NewTeam = read_json(&mut cx.req).await?;
    let name = team::validate_name(&input.name)?;
    let renamed = cx
        .app
        .store
        .rename_team(&admin.account_id, id, &name, now_ms())
        .await?
        .map_err(refused)?;
    json(200, &renamed)
}

/// `DELETE /api/teams/{id}`: the team, its memberships and rules go; its
/// conversations keep their agent.
pub async fn remove(cx: &mut Cx<'_>, admin: Admin, id: &str) -> ApiResult<Response> {
    if !cx.app.store.delete_team(&admin.account_id, id).await? {
        return Err(ApiError::NotFound("Team"));
    }
    json(200, &json!({ "deleted": id }))
}

/// `PATCH /api/teams/{id}/members`: `{add?, remove?}` (agent ids); an agent
/// already in (or out) stays so, so a retry changes nothing more.
pub async fn members(cx: &mut Cx<'_>, admin: Admin, id: &str) -> ApiResult<Response> {
    let input: api::TeamMembersChange = read_json(&mut cx.req).await?;
    let (add, remove) = (team::dedup(input.add), team::dedup(input.remove));
    team::validate_change(&add, &remove).map_err(|_| ApiError::Invalid(CHANGE_INVALID))?;
    let changed = cx
        .app
        .store
        .change_members(&admin.account_id, id, (&add, &remove), now_ms())
        .await?
        .map_err(refused)?;
    json(200, &changed)
}

/// `PUT /api/agents/{id}/capacity`: `{capacity}` (0 to 1000, null: no limit).
pub async fn capacity(cx: &mut Cx<'_>, admin: Admin, id: &str) -> ApiResult<Response> {
    let input: api::AgentCapacity = read_json(&mut cx.req).await?;
    let capacity = team::validate_capacity(input.capacity)?;
    if !cx
        .app
        .store
        .set_capacity(&admin.account_id, id, capacity)
        .await?
    {
        return Err(ApiError::NotFound("Agent"));
    }
    json(200, &json!({ "agent_id": id, "capacity": capacity }))
}

/// `GET /api/sites/{site}/assignment-rules`: the site's rules, by channel.
pub async fn rules(cx: &mut Cx<'_>, admin: Admin, site_id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    if !store.site_of_account(&admin.account_id, site_id).await? {
        return Err(ApiError::NotFound("Site"));
    }
    let rules = store.assignment_rules(&admin.account_id, site_id).await?;
    json(200, &api::AssignmentRules { rules })
}

/// `PUT /api/sites/{site}/assignment-rules`: `{channel, team_id}` sends the
/// site's new conversations of that channel to the team (replacing its rule).
pub async fn set_rule(cx: &mut Cx<'_>, admin: Admin, site_id: &str) -> ApiResult<Response> {
    let input: api::NewAssignmentRule = read_json(&mut cx.req).await?;
    let store = cx.app.store;
    let rule = (input.channel, input.team_id.as_str());
    match store
        .set_assignment_rule(&admin.account_id, site_id, rule, now_ms())
        .await?
    {
        Some(rule) => json(200, &rule),
        None if !store.site_of_account(&admin.account_id, site_id).await? => {
            Err(ApiError::NotFound("Site"))
        }
        None => Err(ApiError::Invalid(UNKNOWN_TEAM)),
    }
}

/// `DELETE /api/sites/{site}/assignment-rules/{id}`: new conversations of
/// its channel are no longer assigned by a rule.
pub async fn delete_rule(
    cx: &mut Cx<'_>,
    admin: Admin,
    site_id: &str,
    id: &str,
) -> ApiResult<Response> {
    if !cx
        .app
        .store
        .delete_assignment_rule(&admin.account_id, site_id, id)
        .await?
    {
        return Err(ApiError::NotFound("Assignment rule"));
    }
    json(200, &json!({ "deleted": id }))
}
