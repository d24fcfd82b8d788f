//! SQL of response targets (migration 0030): a site's targets per channel;
//! saving them with the site's open spans, then recomputing the deadlines of
//! its open conversations (one statement per channel, bounded by the site's
//! open conversations of that channel); and the breach counts of a report.

use serde::Deserialize;
use shared::api;
use shared::conversation::Channel;
use shared::sla::OpenSpan;
use wasm_bindgen::JsValue;

use super::batch::Args;
use super::{ms, Store};
use crate::error::{ApiError, ApiResult};

/// A stored row of `sla_targets`.
#[derive(Deserialize)]
struct TargetRow {
    channel: Channel,
    first_response_minutes: Option<u32>,
    resolution_minutes: Option<u32>,
    #[serde(deserialize_with = "shared::api::flag")]
    business_hours: bool,
}

/// One channel's counts over a period, as the report's SQL sums them.
#[derive(Deserialize)]
struct CountRow {
    channel: Channel,
    conversations: Option<u32>,
    response_due: Option<u32>,
    response_met: Option<u32>,
    response_breached: Option<u32>,
    resolve_due: Option<u32>,
    resolve_met: Option<u32>,
    resolve_breached: Option<u32>,
}

/// Whose conversations a report counts.
#[derive(Debug, Clone, Copy)]
pub enum ReportScope<'a> {
    /// The whole account's (the primary admin).
    Account,
    /// Those assigned to this agent or to one of their teams.
    Agent(&'a str),
}

/// What a report is narrowed to.
#[derive(Debug, Clone, Copy)]
pub struct SlaReportFilter<'a> {
    /// Whose.
    pub scope: ReportScope<'a>,
    /// Only this site's.
    pub site: Option<&'a str>,
    /// Only this channel's.
    pub channel: Option<Channel>,
}

/// Recomputes the deadlines of a site's open conversations of one channel
/// from its targets and open spans (migration 0030's `sla_plan`), through
/// the index of open conversations by site and channel.
const RECOMPUTE: &str = "UPDATE conversations SET \
       (sla_response_due_at, sla_response_soon_at, sla_resolve_due_at, sla_resolve_soon_at) = \
       (SELECT response_due, response_soon, resolve_due, resolve_soon FROM sla_plan p WHERE p.id = conversations.id) \
     WHERE site_id = ?1 AND channel = ?2 AND status = 'open'";

impl Store {
    /// A site's stored targets (channels without any are left out).
    pub async fn sla_targets(&self, site_id: &str) -> ApiResult<Vec<api::SlaTarget>> {
        let rows: Vec<TargetRow> = self
            .all(
                "SELECT channel, first_response_minutes, resolution_minutes, business_hours \
                 FROM sla_targets WHERE site_id = ?1",
                &[site_id.into()],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| api::SlaTarget {
                channel: r.channel,
                first_response_minutes: r.first_response_minutes,
                resolution_minutes: r.resolution_minutes,
                business_hours: r.business_hours,
            })
            .collect())
    }

    /// Replaces a site's targets (`Some`) and/or its open spans, then
    /// recomputes the deadlines of its open conversations, channel by
    /// channel, in one batch.
    pub async fn save_sla(
        &self,
        site_id: &str,
        targets: Option<&[api::SlaTarget]>,
        spans: &[OpenSpan],
    ) -> ApiResult<()> {
        let mut batch = self.batch();
        if let Some(targets) = targets {
            batch.push(self.prepare(
                "DELETE FROM sla_targets WHERE site_id = ?1",
                &[site_id.into()],
            )?);
            for t in targets
                .iter()
                .filter(|t| t.first_response_minutes.is_some() || t.resolution_minutes.is_some())
            {
                let minutes = |m: Option<u32>| m.map_or(JsValue::NULL, JsValue::from);
                batch.push(self.prepare(
                    "INSERT INTO sla_targets (site_id, channel, first_response_minutes, resolution_minutes, business_hours) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    &[
                        site_id.into(),
                        t.channel.as_str().into(),
                        minutes(t.first_response_minutes),
                        minutes(t.resolution_minutes),
                        JsValue::from(u8::from(t.business_hours)),
                    ],
                )?);
            }
        }
        batch.push(self.prepare(
            "DELETE FROM sla_hours WHERE site_id = ?1",
            &[site_id.into()],
        )?);
        if !spans.is_empty() {
            let rows: Vec<[u64; 3]> = spans
                .iter()
                .map(|s| [s.start_ms, s.end_ms, s.total_ms])
                .collect();
            let json =
                serde_json::to_string(&rows).map_err(|e| ApiError::Internal(e.to_string()))?;
            batch.push(self.prepare(
                "INSERT INTO sla_hours (site_id, start_ms, end_ms, total_ms) \
                 SELECT ?1, json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]') \
                 FROM json_each(?2)",
                &[site_id.into(), json.into()],
            )?);
        }
        for channel in Channel::ALL {
            batch.push(self.prepare(RECOMPUTE, &[site_id.into(), channel.as_str().into()])?);
        }
        batch.run().await?;
        Ok(())
    }

    /// The sites with a business-hours target whose open spans (if any) end before `at`.
    pub async fn sla_hours_ending_before(&self, at: u64) -> ApiResult<Vec<String>> {
        #[derive(Deserialize)]
        struct Site {
            site_id: String,
        }
        let rows: Vec<Site> = self
            .all(
                "SELECT DISTINCT t.site_id FROM sla_targets t WHERE t.business_hours = 1 \
                 AND COALESCE((SELECT h.end_ms FROM sla_hours h WHERE h.site_id = t.site_id \
                   ORDER BY h.start_ms DESC LIMIT 1), 0) < ?1",
                &[ms(at)],
            )
            .await?;
        Ok(rows.into_iter().map(|r| r.site_id).collect())
    }

    /// Breach counts per channel of the account's conversations started in
    /// `[from_ms, to_ms)` with a deadline, as `shared::sla::breached` decides
    /// (a deadline still waiting at `now` and past is breached); read
    /// through migration 0028's index of starts.
    pub async fn sla_report(
        &self,
        account_id: &str,
        filter: &SlaReportFilter<'_>,
        (from_ms, to_ms): (u64, u64),
        now: u64,
    ) -> ApiResult<Vec<api::SlaChannelReport>> {
        let mut args = Args::new();
        let (account, from, to, now) = (
            args.bind(account_id),
            args.bind(ms(from_ms)),
            args.bind(ms(to_ms)),
            args.bind(ms(now)),
        );
        let mut conditions = vec![
            format!("c.account_id = {account}"),
            format!("c.started_at >= {from}"),
            format!("c.started_at < {to}"),
            "c.spam_at IS NULL".into(),
            "c.merged_into IS NULL".into(),
            "(c.sla_response_due_at IS NOT NULL OR c.sla_resolve_due_at IS NOT NULL)".into(),
        ];
        if let ReportScope::Agent(agent) = filter.scope {
            let p = args.bind(agent);
            conditions.push(format!(
                "(c.assignee_id = {p} OR c.team_id IN (SELECT m.team_id FROM team_members m WHERE m.agent_id = {p}))"
            ));
        }
        if let Some(site) = filter.site {
            let p = args.bind(site);
            conditions.push(format!("c.site_id = {p}"));
        }
        if let Some(channel) = filter.channel {
            let p = args.bind(channel.as_str());
            conditions.push(format!("c.channel = {p}"));
        }
        let sql = format!(
            "SELECT c.channel, COUNT(*) AS conversations, \
               SUM(c.sla_response_due_at IS NOT NULL) AS response_due, \
               SUM(c.first_response_at <= c.sla_response_due_at) AS response_met, \
               SUM(COALESCE(c.first_response_at, {now}) > c.sla_response_due_at) AS response_breached, \
               SUM(c.sla_resolve_due_at IS NOT NULL) AS resolve_due, \
               SUM(c.resolved_at <= c.sla_resolve_due_at) AS resolve_met, \
               SUM(COALESCE(c.resolved_at, {now}) > c.sla_resolve_due_at) AS resolve_breached \
             FROM conversations c WHERE {} GROUP BY c.channel",
            conditions.join(" AND ")
        );
        let rows: Vec<CountRow> = self.all(&sql, args.values()).await?;
        Ok(Channel::ALL
            .iter()
            .filter(|c| filter.channel.is_none_or(|only| only == **c))
            .map(|&channel| {
                let row = rows.iter().find(|r| r.channel == channel);
                let n = |f: fn(&CountRow) -> Option<u32>| row.and_then(f).unwrap_or(0);
                api::SlaChannelReport::new(
                    channel,
                    n(|r| r.conversations),
                    api::SlaCounts {
                        due: n(|r| r.response_due),
                        met: n(|r| r.response_met),
                        breached: n(|r| r.response_breached),
                    },
                    api::SlaCounts {
                        due: n(|r| r.resolve_due),
                        met: n(|r| r.resolve_met),
                        breached: n(|r| r.resolve_breached),
                    },
                )
            })
            .collect())
    }
}
