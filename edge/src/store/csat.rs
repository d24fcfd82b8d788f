//! Satisfaction ratings' SQL (`shared::csat`): asking when a conversation is
//! resolved on a site that asks, the rating's compare-and-set (with its trail
//! line and automation event in the same batch), what the widget, the inbox
//! and the report read of them.

use serde::Deserialize;
use shared::api;
use shared::automation::Event;
use shared::csat::{self, RatingSource, Score};
use shared::trail::TrailKind;
use shared::visitor::{VisitorToken, VISITOR_TTL_MS};
use wasm_bindgen::JsValue;

use super::{ms, opt, EventOf, Store};
use crate::error::ApiResult;

/// A rating row as stored.
#[derive(Debug, Deserialize)]
struct RatingRow {
    conversation_id: String,
    asked_at: u64,
    score: Option<i64>,
    comment: Option<String>,
    source: Option<RatingSource>,
    rated_at: Option<u64>,
    /// Whether the write that read it back gave the first score.
    #[serde(default, deserialize_with = "api::flag")]
    created: bool,
    /// The conversation's visitor, where read.
    #[serde(default)]
    visitor_id: Option<String>,
    /// Its site, where read.
    #[serde(default)]
    site_id: Option<String>,
    /// Its account, where read.
    #[serde(default)]
    account_id: Option<String>,
    /// Its site's widget language, where read.
    #[serde(default)]
    language: Option<String>,
}

impl RatingRow {
    /// The team's view, once it has a score.
    fn rating(&self) -> Option<api::Rating> {
        Some(api::Rating {
            conversation_id: self.conversation_id.clone(),
            score: Score::of(self.score?).ok()?,
            comment: self.comment.clone(),
            source: self.source?,
            asked_at: self.asked_at,
            rated_at: self.rated_at?,
        })
    }

    /// The visitor's view.
    fn visitor(self) -> api::VisitorRating {
        api::VisitorRating {
            score: self.score.and_then(|s| Score::of(s).ok()),
            open_until: self.asked_at + csat::WINDOW_MS,
            conversation_id: self.conversation_id,
            asked_at: self.asked_at,
            comment: self.comment,
        }
    }
}

/// A visitor's rating request from its stored parts, while it is open at `now`.
pub(crate) fn asked(
    conversation_id: &str,
    asked_at: u64,
    score: Option<i64>,
    comment: Option<String>,
    now: u64,
) -> Option<api::VisitorRating> {
    csat::open(asked_at, now).then(|| api::VisitorRating {
        conversation_id: conversation_id.to_string(),
        asked_at,
        open_until: asked_at + csat::WINDOW_MS,
        score: score.and_then(|s| Score::of(s).ok()),
        comment,
    })
}

const RATING_COLUMNS: &str = "conversation_id, asked_at, score, comment, source, rated_at";

/// Who rates: the conversation's visitor (by the widget), or whoever holds
/// the link signed for when it was asked (by email).
#[derive(Debug, Clone, Copy)]
pub enum Rater<'a> {
    /// The widget's visitor, by token (checked in the write, unexpired and not blocked).
    Visitor(&'a VisitorToken<'a>),
    /// The rating page's signed link, by the time it was asked.
    Link(u64),
}

impl Rater<'_> {
    /// The values its SQL condition binds.
    fn values(&self, now: u64) -> Vec<JsValue> {
        match self {
            Rater::Visitor(t) => vec![
                t.visitor_id.into(),
                t.secret_hash().into(),
                ms(now.saturating_sub(VISITOR_TTL_MS)),
            ],
            Rater::Link(asked_at) => vec![ms(*asked_at)],
        }
    }

    /// SQL over a `conversation_ratings` row (its conversation `?1`) true
    /// when this rater may rate it, its values bound from `?{n}` on.
    fn owns(&self, n: usize) -> String {
        match self {
            Rater::Visitor(_) => format!(
                "conversation_id IN (SELECT id FROM conversations WHERE id = ?1 AND visitor_id = ?{n}) \
                 AND EXISTS (SELECT 1 FROM visitors WHERE id = ?{n} AND token_hash = ?{} AND last_seen_at >= ?{} \
                 AND blocked_at IS NULL)",
                n + 1,
                n + 2
            ),
            Rater::Link(_) => format!("asked_at = ?{n}"),
        }
    }
}

/// A conversation asked for its rating.
#[derive(Debug)]
pub struct Asked {
    /// The request, as its visitor sees it.
    pub rating: api::VisitorRating,
    /// The chat's visitor (none for email).
    pub visitor_id: Option<String>,
    /// Its site.
    pub site_id: String,
    /// Whether this call asked (else an earlier resolve had).
    pub fresh: bool,
}

/// A rating to record.
#[derive(Debug)]
pub struct NewRating<'a> {
    /// The conversation.
    pub conversation_id: &'a str,
    /// Who rates.
    pub rater: Rater<'a>,
    /// The score.
    pub score: Score,
    /// The comment (validated).
    pub comment: Option<&'a str>,
    /// Where.
    pub source: RatingSource,
}

/// What [`Store::rate`] did.
#[derive(Debug)]
pub enum Rated {
    /// Recorded; `created` for the conversation's first score; the
    /// automation deliveries to enqueue; the conversation's account.
    Done(api::Rating, bool, Vec<String>, String),
    /// Asked, but the 7 days are over: nothing written.
    Closed,
    /// Not asked (not resolved on a site that asks), or not the rater's.
    NotAsked,
}

impl Store {
    /// Asks for a rating of a conversation the account just closed, if its
    /// site asks and it is a chat with a visitor or an email conversation
    /// (its first resolve only: a later one keeps the first ask); the
    /// conversation's rating request afterwards, while it is open.
    pub async fn ask_rating(
        &self,
        account_id: &str,
        conversation_id: &str,
        now: u64,
    ) -> ApiResult<Option<Asked>> {
        #[derive(Deserialize)]
        struct Inserted {}
        let mut batch = self.batch();
        let inserted = batch.rows::<Inserted>(self.prepare(
            "INSERT INTO conversation_ratings (conversation_id, account_id, site_id, channel, agent_id, team_id, asked_at) \
             SELECT c.id, c.account_id, c.site_id, c.channel, c.assignee_id, c.team_id, ?3 FROM conversations c \
             JOIN sites s ON s.id = c.site_id AND s.csat_enabled = 1 \
             WHERE c.id = ?2 AND c.account_id = ?1 AND c.status = 'closed' \
               AND ((c.channel = 'chat' AND c.visitor_id IS NOT NULL) OR c.channel = 'email') \
             ON CONFLICT DO NOTHING RETURNING conversation_id",
            &[account_id.into(), conversation_id.into(), ms(now)],
        )?);
        let read = batch.rows::<RatingRow>(self.prepare(
            "SELECT r.conversation_id, r.asked_at, r.score, r.comment, r.source, r.rated_at, c.visitor_id, c.site_id \
             FROM conversation_ratings r JOIN conversations c ON c.id = r.conversation_id \
             WHERE r.conversation_id = ?2 AND r.account_id = ?1 AND r.asked_at > ?3",
            &[
                account_id.into(),
                conversation_id.into(),
                ms(csat::cutoff(now)),
            ],
        )?);
        let ran = batch.run().await?;
        let fresh = ran.first(&inserted)?.is_some();
        Ok(ran.first(&read)?.map(|mut row| Asked {
            visitor_id: row.visitor_id.take(),
            site_id: row.site_id.take().unwrap_or_default(),
            fresh,
            rating: row.visitor(),
        }))
    }

    /// Records a rating, or changes it, in one batch: the compare-and-set
    /// (the rater's conversation, asked less than 7 days ago), its trail line
    /// and its `conversation.rated` event, each only where the write happened.
    pub async fn rate(&self, rating: &NewRating<'_>, now: u64) -> ApiResult<Rated> {
        let write = crate::ids::new_id("rw");
        let mut args = vec![
            rating.conversation_id.into(),
            JsValue::from_f64(f64::from(rating.score.value())),
            opt(rating.comment),
            rating.source.as_str().into(),
            ms(now),
            write.as_str().into(),
            ms(csat::cutoff(now)),
        ];
        args.extend(rating.rater.values(now));
        let mut batch = self.batch();
        let written = batch.rows::<RatingRow>(self.prepare(
            &format!(
                "UPDATE conversation_ratings SET score = ?2, comment = ?3, source = ?4, rated_at = ?5, \
                   last_write = ?6, first_write = COALESCE(first_write, ?6) \
                 WHERE conversation_id = ?1 AND asked_at > ?7 AND {} \
                 RETURNING {RATING_COLUMNS}, account_id, first_write = ?6 AS created",
                rating.rater.owns(8)
            ),
            &args,
        )?);
        batch.push(self.prepare(
            "INSERT INTO trail (id, conversation_id, kind, agent_id, detail, body, created_at) \
             SELECT ?3, conversation_id, ?4, NULL, score, comment, rated_at FROM conversation_ratings \
             WHERE conversation_id = ?1 AND last_write = ?2",
            &[
                rating.conversation_id.into(),
                write.as_str().into(),
                crate::ids::new_id("ev").into(),
                TrailKind::Rated.as_str().into(),
            ],
        )?);
        let event_id = crate::ids::new_id("evt");
        let of = EventOf {
            event_id: &event_id,
            conversation_id: Some(rating.conversation_id),
            ..EventOf::default()
        };
        let queued = batch.rows(self.event(Event::ConversationRated, &of, now)?);
        let asked = batch.rows::<RatingRow>(self.prepare(
            &format!(
                "SELECT {RATING_COLUMNS} FROM conversation_ratings WHERE conversation_id = ?1 AND {}",
                rating.rater.owns(2)
            ),
            &[
                &[rating.conversation_id.into()][..],
                &rating.rater.values(now),
            ]
            .concat(),
        )?);
        let ran = batch.run().await?;
        if let Some(row) = ran.first(&written)? {
            let (created, account) = (row.created, row.account_id.clone().unwrap_or_default());
            let rating = row.rating().ok_or_else(|| {
                crate::error::ApiError::Internal("a rating read back without its score".into())
            })?;
            let queued = super::automations::queued(&ran, std::slice::from_ref(&queued))?;
            return Ok(Rated::Done(rating, created, queued, account));
        }
        Ok(match ran.first(&asked)? {
            Some(_) => Rated::Closed,
            None => Rated::NotAsked,
        })
    }

    /// A conversation's rating, once given (the inbox's thread and contact panel).
    pub async fn rating(&self, conversation_id: &str) -> ApiResult<Option<api::Rating>> {
        let row: Option<RatingRow> = self
            .first(
                &format!(
                    "SELECT {RATING_COLUMNS} FROM conversation_ratings WHERE conversation_id = ?1 AND score IS NOT NULL"
                ),
                &[conversation_id.into()],
            )
            .await?;
        Ok(row.and_then(|r| r.rating()))
    }

    /// A conversation's rating request as its rating page shows it: the
    /// language of its site's widget and the request, if asked at `asked_at`.
    pub async fn rating_page(
        &self,
        conversation_id: &str,
        asked_at: u64,
    ) -> ApiResult<Option<(api::VisitorRating, String)>> {
        let page: Option<RatingRow> = self
            .first(
                "SELECT r.conversation_id, r.asked_at, r.score, r.comment, r.source, r.rated_at, s.language \
                 FROM conversation_ratings r JOIN sites s ON s.id = r.site_id \
                 WHERE r.conversation_id = ?1 AND r.asked_at = ?2",
                &[conversation_id.into(), ms(asked_at)],
            )
            .await?;
        Ok(page.map(|mut row| {
            let language = row.language.take().unwrap_or_default();
            (row.visitor(), language)
        }))
    }
}
