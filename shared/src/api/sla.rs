//! Response targets' shapes: a site's targets per channel (Settings), the
//! mark a listed conversation carries, and the breach counts of a report.

use serde::{Deserialize, Serialize};

use crate::conversation::Channel;
use crate::report::RangeKind;
use crate::sla::{SlaKind, SlaState};

/// One channel's targets on a site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct SlaTarget {
    /// The channel.
    pub channel: Channel,
    /// Minutes to the first response, 1 to 43200; `null`: none.
    pub first_response_minutes: Option<u32>,
    /// Minutes to the resolve, 1 to 43200; `null`: none.
    pub resolution_minutes: Option<u32>,
    /// Whether the minutes count only within the site's business hours.
    #[serde(default, deserialize_with = "crate::api::flag")]
    pub business_hours: bool,
}

/// `GET`/`PUT /api/sites/{site}/sla`: a site's targets, one row per channel.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SlaSettings {
    /// The site.
    pub site_id: String,
    /// Whether the site keeps business hours (the chatbot's offline hours).
    pub has_business_hours: bool,
    /// Every channel, in order, with its targets (none where unset).
    pub targets: Vec<SlaTarget>,
}

/// `PUT /api/sites/{site}/sla`: the channels' targets to keep (a channel left
/// out, or with neither target, has none).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct SlaInput {
    /// At most one row per channel.
    pub targets: Vec<SlaTarget>,
}

/// A listed conversation's next deadline and where it stands now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SlaMark {
    /// Which deadline.
    pub kind: SlaKind,
    /// Ok, due soon or breached, now.
    pub state: SlaState,
    /// The deadline (ms).
    pub due_at: u64,
}

/// `GET /api/reports/sla?range=&from=&to=&site=&channel=`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaReportQuery {
    /// `today`, `7d` (default), `30d` or `custom`.
    pub range: Option<RangeKind>,
    /// A custom range's first day, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// A custom range's last day, `YYYY-MM-DD`.
    pub to: Option<String>,
    /// Only this site's conversations.
    pub site: Option<String>,
    /// Only this channel's.
    pub channel: Option<Channel>,
}

/// One kind of deadline's outcomes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SlaCounts {
    /// Conversations with this deadline.
    pub due: u32,
    /// Met: the reply or resolve came at or before it.
    pub met: u32,
    /// Breached: it came after it, or has not come and the deadline passed.
    pub breached: u32,
}

/// A channel's breaches over a period (conversations started in it).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SlaChannelReport {
    /// The channel.
    pub channel: Channel,
    /// Conversations with a target (either kind).
    pub conversations: u32,
    /// First-response deadlines.
    pub first_response: SlaCounts,
    /// Resolution deadlines.
    pub resolution: SlaCounts,
    /// Of the deadlines decided (met or breached, both kinds), the share met, 0 to 1; `null` when none is decided.
    pub met_share: Option<f64>,
}

/// A period of the SLA report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SlaPeriod {
    /// Its first local day, `YYYY-MM-DD`.
    pub from: String,
    /// Its last local day, `YYYY-MM-DD`.
    pub to: String,
    /// Every channel, in order.
    pub channels: Vec<SlaChannelReport>,
}

/// `GET /api/reports/sla`: breaches per channel, the period asked for and the one before it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SlaReport {
    /// The period asked for.
    pub current: SlaPeriod,
    /// As many days just before it.
    pub previous: SlaPeriod,
}

impl SlaChannelReport {
    /// A channel's row from its counts; the share met follows from them.
    pub fn new(
        channel: Channel,
        conversations: u32,
        first_response: SlaCounts,
        resolution: SlaCounts,
    ) -> Self {
        let met = first_response.met + resolution.met;
        let decided = met + first_response.breached + resolution.breached;
        SlaChannelReport {
            channel,
            conversations,
            first_response,
            resolution,
            met_share: (decided > 0).then(|| f64::from(met) / f64::from(decided)),
        }
    }
}
