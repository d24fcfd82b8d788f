//! Satisfaction ratings (`crate::csat`): what the widget, the inbox and the
//! Reports page receive of them.

use serde::{Deserialize, Serialize};

use crate::csat::{RatingSource, Score};

/// A conversation's rating request as its visitor sees it (the thread's
/// `rating`, and the `rate` push when an agent resolves the chat): the
/// widget's rating module shows it while it is open.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct VisitorRating {
    /// The conversation to rate.
    pub conversation_id: String,
    /// When the rating was asked (the conversation resolved), ms.
    pub asked_at: u64,
    /// Until when it can be given or changed, ms.
    pub open_until: u64,
    /// The score given so far, if any.
    pub score: Option<Score>,
    /// The comment given so far, if any.
    pub comment: Option<String>,
}

/// A conversation's rating as the team sees it (the contact panel, the rating's answer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Rating {
    /// The conversation rated.
    pub conversation_id: String,
    /// The score.
    pub score: Score,
    /// The comment, if any.
    pub comment: Option<String>,
    /// Where it was given.
    pub source: RatingSource,
    /// When it was asked, ms.
    pub asked_at: u64,
    /// When it was last given or changed, ms.
    pub rated_at: u64,
}

/// `POST /api/widget/rating`: 201 for a first rating, 200 for a change.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct RatingAnswer {
    /// The rating as now stored.
    pub rating: Rating,
    /// Whether this request gave the conversation's first rating (else it changed it).
    pub created: bool,
}

/// One period's satisfaction figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SatisfactionPeriod {
    /// Its first local day, `YYYY-MM-DD`.
    pub from: String,
    /// Its last local day, `YYYY-MM-DD`.
    pub to: String,
    /// Conversations asked for a rating (resolved on a site with ratings on) in it.
    pub asked: u32,
    /// Of those, how many were rated.
    pub rated: u32,
    /// `rated / asked`, 0 to 1; null when none was asked.
    pub response_rate: Option<f64>,
    /// The average score, 1 to 5; null without a rating.
    pub average: Option<f64>,
    /// The share of 4s and 5s, 0 to 1 (CSAT %); null without a rating.
    pub satisfied: Option<f64>,
    /// How many ratings of each score: `[ones, twos, threes, fours, fives]`.
    pub distribution: [u32; 5],
}

/// A recent rating with a comment, for the report's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct RatingComment {
    /// The conversation rated.
    pub conversation_id: String,
    /// The score.
    pub score: Score,
    /// The comment.
    pub comment: String,
    /// When it was given or last changed, ms.
    pub rated_at: u64,
    /// The conversation's channel.
    pub channel: crate::conversation::Channel,
    /// Who rated: the contact's name or email, else null.
    pub contact_name: Option<String>,
}

/// `GET /api/reports/satisfaction`: the range's figures, the previous period's beside them, and its latest comments.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SatisfactionReport {
    /// The account's time zone the days are local to.
    pub time_zone: String,
    /// The period asked for (a rating counts where the conversation was asked).
    pub current: SatisfactionPeriod,
    /// The same number of days just before it.
    pub previous: SatisfactionPeriod,
    /// The latest ratings with a comment in the period, newest first (at most 20).
    pub comments: Vec<RatingComment>,
}
