//! What the sync pipeline decides without I/O: the per-account bucket, the
//! wait a `Retry-After` asks for, and what each answer makes of a job.

use crate::automation::{retry_delay, MAX_ATTEMPTS};

use super::CallState;

/// ActiveCampaign allows 5 requests per second per account
/// (developers.activecampaign.com/reference/rate-limits). Parley spaces an
/// account's calls at least this many milliseconds apart (4 a second, a bucket
/// of one token refilled every 250 ms), so that no second at ActiveCampaign's
/// end sees more than 5 even when requests arrive up to 250 ms unevenly.
pub const BUCKET_SPACING_MS: u64 = 250;

/// The wait a 429 without a readable `Retry-After` gets, in milliseconds.
pub const DEFAULT_RETRY_AFTER_MS: u64 = 1_000;
/// Longest wait a `Retry-After` is taken at (an hour), in milliseconds.
pub const MAX_RETRY_AFTER_MS: u64 = 3_600_000;

/// The bucket's decision for a call at `now` when the account's next token is
/// due at `next_at` (ms): `Ok(next_at afterwards)` takes the token, `Err(ms)`
/// is how long to wait for it. The D1 statement that takes tokens
/// (`edge/src/store/crm`) is this, as one compare-and-set.
pub fn take_token(next_at: u64, now: u64) -> Result<u64, u64> {
    if next_at <= now {
        Ok(now.max(next_at) + BUCKET_SPACING_MS)
    } else {
        Err(next_at - now)
    }
}

/// The wait a `Retry-After` header asks for, in milliseconds from `now_ms`:
/// delay-seconds (`"3"`) or an HTTP-date (`"Wed, 21 Oct 2026 07:28:00 GMT"`);
/// a past date is no wait; unreadable or absent: [`DEFAULT_RETRY_AFTER_MS`].
/// At most [`MAX_RETRY_AFTER_MS`].
pub fn retry_after_ms(header: Option<&str>, now_ms: u64) -> u64 {
    let Some(value) = header.map(str::trim).filter(|v| !v.is_empty()) else {
        return DEFAULT_RETRY_AFTER_MS;
    };
    let wait = if value.bytes().all(|b| b.is_ascii_digit()) {
        value
            .parse::<u64>()
            .map(|s| s.saturating_mul(1000))
            .unwrap_or(MAX_RETRY_AFTER_MS)
    } else {
        match http_date_ms(value) {
            Some(at) => at.saturating_sub(now_ms),
            None => DEFAULT_RETRY_AFTER_MS,
        }
    };
    wait.min(MAX_RETRY_AFTER_MS)
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110 §5.6.7) in ms since the epoch.
fn http_date_ms(text: &str) -> Option<u64> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mut parts = text.split_whitespace();
    let (_weekday, day, month, year, time, zone) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if zone != "GMT" || parts.next().is_some() {
        return None;
    }
    let day: i64 = day.parse().ok()?;
    let month = MONTHS.iter().position(|m| *m == month)? as i64 + 1;
    let year: i64 = year.parse().ok()?;
    let mut hms = time.split(':').map(|p| p.parse::<i64>().ok());
    let (h, m, s) = (hms.next()??, hms.next()??, hms.next()??);
    if !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 || year < 1970 {
        return None;
    }
    // Howard Hinnant's days-from-civil.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    u64::try_from(((days * 24 + h) * 60 + m) * 60 + s)
        .ok()
        .map(|secs| secs * 1000)
}

/// What one answer (or none) of ActiveCampaign makes of the job's step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// 2xx: the step is done; the job goes on with its next.
    Done,
    /// 429: the account's calls wait this many milliseconds; the step is made again then.
    Wait(u64),
    /// 401/403: the key was revoked or lacks the permission; the connection is
    /// paused with this reason and the job waits for a new key.
    Pause(String),
    /// Refused (422 and other 4xx), or the last retry failed: the job fails with this message.
    Fail(String),
    /// 5xx or unreachable: the step is made again after this many seconds.
    Retry(u32),
}

impl Decision {
    /// How the call log shows the call this decision followed.
    pub fn call_state(&self) -> CallState {
        match self {
            Decision::Done => CallState::Done,
            Decision::Wait(_) => CallState::RateLimited,
            Decision::Pause(_) => CallState::Paused,
            Decision::Fail(_) => CallState::Failed,
            Decision::Retry(_) => CallState::Retrying,
        }
    }
}

/// What the connection's pause says when ActiveCampaign refused the key.
pub const PAUSED_KEY_REFUSED: &str =
    "ActiveCampaign refused the API key (revoked, or the user lost API access): paste a new key to resume. Pending contacts wait.";

/// Decides on an answer: `status` (none when unreachable, with `error`),
/// the `Retry-After` header, AC's JSON `body` (for its error message), the
/// attempt this was (1 for the first) and the base of the retries' backoff in
/// seconds (the automations' schedule: `base`, x4 each time).
pub fn decide(
    status: Option<u16>,
    retry_after: Option<&str>,
    body: &str,
    attempt: u32,
    base_delay: u32,
    now_ms: u64,
) -> Decision {
    let retry = |why: String| {
        if attempt >= MAX_ATTEMPTS {
            Decision::Fail(format!("Gave up after {attempt} attempts: {why}"))
        } else {
            Decision::Retry(retry_delay(base_delay, attempt))
        }
    };
    match status {
        None => retry("ActiveCampaign could not be reached.".into()),
        Some(200..=299) => Decision::Done,
        Some(429) => Decision::Wait(retry_after_ms(retry_after, now_ms)),
        Some(401 | 403) => Decision::Pause(PAUSED_KEY_REFUSED.into()),
        Some(408) | Some(500..=599) => {
            retry(format!("ActiveCampaign answered {}.", status.unwrap_or(0)))
        }
        Some(code) => Decision::Fail(error_message(code, body)),
    }
}

/// ActiveCampaign's own words for a refusal: its `errors[].title` (and
/// `detail`), else `message`, else the status (developers.activecampaign.com/reference/errors).
pub fn error_message(status: u16, body: &str) -> String {
    let fallback = format!("ActiveCampaign refused the call ({status}).");
    let Ok(json) = serde_json::from_str::<serde_json::Value>(body) else {
        return fallback;
    };
    let said: Vec<String> = json["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let title = e["title"].as_str().unwrap_or_default().trim();
            let detail = e["detail"].as_str().unwrap_or_default().trim();
            match (title.is_empty(), detail.is_empty()) {
                (true, true) => None,
                (false, true) => Some(title.to_string()),
                (true, false) => Some(detail.to_string()),
                (false, false) => Some(format!("{title} ({detail})")),
            }
        })
        .collect();
    if !said.is_empty() {
        return format!("{status}: {}", said.join("; "));
    }
    match json["message"].as_str().map(str::trim) {
        Some(message) if !message.is_empty() => format!("{status}: {message}"),
        _ => fallback,
    }
}
