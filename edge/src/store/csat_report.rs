//! The satisfaction report's SQL: ratings counted by when they were asked,
//! over one period, seen as the caller may see them (the primary admin all;
//! an agent their teams' and their own), from `conversation_ratings` alone.

use serde::Deserialize;
use shared::api;
use shared::conversation::Channel;
use shared::csat::{Score, Tally};

use super::batch::Args;
use super::{ms, Store};
use crate::error::ApiResult;

/// Most comments a report lists.
const COMMENTS: u32 = 20;

/// Which ratings a report reads.
#[derive(Debug, Clone, Copy)]
pub struct RatingScope<'a> {
    /// The account.
    pub account_id: &'a str,
    /// `None`: all of the account's (the primary admin); an agent id: that
    /// agent's and their teams' (by the assignee and team when asked).
    pub agent: Option<&'a str>,
    /// Only this site.
    pub site: Option<&'a str>,
    /// Only this channel.
    pub channel: Option<Channel>,
}

impl RatingScope<'_> {
    /// SQL conditions over `r` for ratings asked in `[from, to)`, its values bound in `args`.
    fn conditions(&self, args: &mut Args, (from, to): (u64, u64)) -> String {
        let (account, from, to) = (
            args.bind(self.account_id),
            args.bind(ms(from)),
            args.bind(ms(to)),
        );
        let mut sql =
            format!("r.account_id = {account} AND r.asked_at >= {from} AND r.asked_at < {to}");
        if let Some(agent) = self.agent {
            let p = args.bind(agent);
            sql.push_str(&format!(
                " AND (r.agent_id = {p} OR r.team_id IN (SELECT m.team_id FROM team_members m WHERE m.agent_id = {p}))"
            ));
        }
        if let Some(site) = self.site {
            sql.push_str(&format!(" AND r.site_id = {}", args.bind(site)));
        }
        if let Some(channel) = self.channel {
            sql.push_str(&format!(" AND r.channel = {}", args.bind(channel.as_str())));
        }
        sql
    }
}

#[derive(Debug, Deserialize)]
struct ScoreCount {
    score: Option<i64>,
    n: u32,
}

impl Store {
    /// The ratings asked in `[from, to)` in scope, summed: how many were asked,
    /// and how many of each score were given.
    pub async fn rating_tally(
        &self,
        scope: &RatingScope<'_>,
        span: (u64, u64),
    ) -> ApiResult<Tally> {
        let mut args = Args::new();
        let sql = format!(
            "SELECT r.score, COUNT(*) AS n FROM conversation_ratings r WHERE {} GROUP BY r.score",
            scope.conditions(&mut args, span)
        );
        let rows: Vec<ScoreCount> = self.all(&sql, args.values()).await?;
        let mut tally = Tally::default();
        for row in rows {
            tally.asked += row.n;
            if let Some(score) = row.score.and_then(|s| Score::of(s).ok()) {
                tally.scores[usize::from(score.value() - 1)] += row.n;
            }
        }
        Ok(tally)
    }

    /// The latest ratings with a comment asked in `[from, to)` in scope, newest first.
    pub async fn rating_comments(
        &self,
        scope: &RatingScope<'_>,
        span: (u64, u64),
    ) -> ApiResult<Vec<api::RatingComment>> {
        let mut args = Args::new();
        let sql = format!(
            "SELECT r.conversation_id, r.score, r.comment, r.rated_at, r.channel, \
               COALESCE(ct.full_name, ct.email) AS contact_name \
             FROM conversation_ratings r JOIN conversations c ON c.id = r.conversation_id \
             LEFT JOIN contacts ct ON ct.id = c.contact_id \
             WHERE {} AND r.comment IS NOT NULL AND r.score IS NOT NULL \
             ORDER BY r.rated_at DESC LIMIT {COMMENTS}",
            scope.conditions(&mut args, span)
        );
        self.all(&sql, args.values()).await
    }
}
