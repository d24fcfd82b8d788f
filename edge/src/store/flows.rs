//! SQL of a site's chatbot flow (`routes/flows.rs`): its versions, each save
//! a new one that is never replaced, and the things of the account a flow
//! may name.

use std::collections::BTreeSet;

use serde::Deserialize;
use shared::flow::{Flow, Reference};

use super::{ms, Store};
use crate::error::ApiResult;

/// The things of the account (and of the site) a flow names that exist.
#[derive(Debug, Default)]
pub struct KnownReferences(BTreeSet<(String, String)>);

impl KnownReferences {
    /// Whether the account has what `reference` names.
    pub fn has(&self, reference: Reference<'_>) -> bool {
        let (kind, name) = kind_and_name(reference);
        self.0.contains(&(kind.to_string(), name.to_string()))
    }
}

/// The kind a reference is looked up as, and its id or key.
fn kind_and_name(reference: Reference<'_>) -> (&'static str, &str) {
    match reference {
        Reference::Team(id) => ("team", id),
        Reference::Agent(id) => ("agent", id),
        Reference::Label(id) => ("label", id),
        Reference::Automation(id) => ("automation", id),
        Reference::Attribute(key) => ("attribute", key),
    }
}

#[derive(Deserialize)]
struct Found {
    kind: String,
    name: String,
}

#[derive(Deserialize)]
struct Saved {
    version: u32,
}

impl Store {
    /// Which of the things `flow` names exist: teams, agents, labels and
    /// attribute keys of the account, automations of the site (one query).
    pub async fn known_references(
        &self,
        account_id: &str,
        site_id: &str,
        flow: &Flow,
    ) -> ApiResult<KnownReferences> {
        let references = flow.references();
        if references.is_empty() {
            return Ok(KnownReferences::default());
        }
        let wanted = |kind: &str| {
            let names: Vec<&str> = references
                .iter()
                .map(|(_, r)| kind_and_name(*r))
                .filter(|(k, _)| *k == kind)
                .map(|(_, name)| name)
                .collect();
            serde_json::to_string(&names).unwrap_or_else(|_| "[]".into())
        };
        let sql = "SELECT 'team' AS kind, id AS name FROM teams WHERE account_id = ?1 AND id IN (SELECT value FROM json_each(?3)) \
             UNION ALL SELECT 'agent', id FROM agents WHERE account_id = ?1 AND id IN (SELECT value FROM json_each(?4)) \
             UNION ALL SELECT 'label', id FROM labels WHERE account_id = ?1 AND id IN (SELECT value FROM json_each(?5)) \
             UNION ALL SELECT 'automation', a.id FROM automations a JOIN sites s ON s.id = a.site_id \
               WHERE a.site_id = ?2 AND s.account_id = ?1 AND a.id IN (SELECT value FROM json_each(?6)) \
             UNION ALL SELECT 'attribute', key FROM attributes WHERE account_id = ?1 AND key IN (SELECT value FROM json_each(?7))";
        let found: Vec<Found> = self
            .all(
                sql,
                &[
                    account_id.into(),
                    site_id.into(),
                    wanted("team").into(),
                    wanted("agent").into(),
                    wanted("label").into(),
                    wanted("automation").into(),
                    wanted("attribute").into(),
                ],
            )
            .await?;
        Ok(KnownReferences(
            found.into_iter().map(|f| (f.kind, f.name)).collect(),
        ))
    }

    /// Saves a checked flow as the site's next version and makes it the one
    /// new conversations start on, in one batch: the number is taken inside
    /// the INSERT (the site's highest plus one), so saves that race each land
    /// as their own version. `None` if the site is not the account's.
    pub async fn save_flow(
        &self,
        account_id: &str,
        site_id: &str,
        flow_json: &str,
        agent_id: &str,
        now: u64,
    ) -> ApiResult<Option<u32>> {
        let args = [
            site_id.into(),
            account_id.into(),
            flow_json.into(),
            ms(now),
            agent_id.into(),
        ];
        let mut batch = self.batch();
        let inserted = batch.rows::<Saved>(self.prepare(
            "INSERT INTO flow_versions (site_id, version, flow, created_at, created_by) \
             SELECT s.id, COALESCE((SELECT MAX(version) FROM flow_versions WHERE site_id = s.id), 0) + 1, ?3, ?4, \
               (SELECT id FROM agents WHERE id = ?5 AND account_id = ?2) \
             FROM sites s WHERE s.id = ?1 AND s.account_id = ?2 RETURNING version",
            &args,
        )?);
        batch.push(self.prepare(
            "UPDATE sites SET flow_version = (SELECT MAX(version) FROM flow_versions WHERE site_id = ?1) \
             WHERE id = ?1 AND account_id = ?2",
            &args[..2],
        )?);
        let ran = batch.run().await?;
        Ok(ran.first(&inserted)?.map(|s| s.version))
    }
}
