//! The clock: now, and local time in a time zone through the runtime's
//! `Intl` (workerd carries ICU's time-zone data, so the worker needs no zone
//! database of its own): a site's weekday and minute for its offline hours,
//! and [`IntlZone`], the reports' [`Zone`] for the account's time zone.

use js_sys::{Array, Date, Function, Intl, Object, Reflect};
use shared::report::{Day, Zone, DAY_MS, HOUR_MS, MINUTE_MS};
use wasm_bindgen::{JsCast, JsValue};

use crate::error::ApiError;

/// A time zone name the runtime's `Intl` does not know.
pub const UNKNOWN_ZONE: shared::Invalid = shared::Invalid::new(
    "time_zone_invalid",
    "The time_zone must be an IANA time zone such as Europe/Paris.",
);

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> u64 {
    worker::Date::now().as_millis()
}

/// An `Intl.DateTimeFormat` in `time_zone` (locale en-US, 24-hour clock) with
/// these options; `None` if the runtime does not know the zone.
fn formatter(time_zone: &str, fields: &[(&str, &str)]) -> Option<Intl::DateTimeFormat> {
    let options = Object::new();
    let base = [("timeZone", time_zone), ("hourCycle", "h23")];
    for (key, value) in base.iter().chain(fields) {
        Reflect::set(&options, &(*key).into(), &(*value).into()).ok()?;
    }
    // An unknown zone makes the constructor throw: construct through Reflect, which catches it.
    let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let constructor: Function = Reflect::get(&intl, &"DateTimeFormat".into())
        .ok()?
        .dyn_into()
        .ok()?;
    Reflect::construct(&constructor, &Array::of2(&"en-US".into(), &options))
        .ok()
        .map(JsCast::unchecked_into)
}

/// The `(type, value)` parts `format` shows for the instant `at_ms`.
fn parts(format: &Intl::DateTimeFormat, at_ms: f64) -> Vec<(String, String)> {
    let field = |part: &JsValue, key: &str| Reflect::get(part, &key.into()).ok()?.as_string();
    format
        .format_to_parts(&Date::new(&JsValue::from_f64(at_ms)))
        .iter()
        .filter_map(|part| Some((field(&part, "type")?, field(&part, "value")?)))
        .collect()
}

/// Weekday (0 = Monday) and minute of the day (0 to 1439) at `now_ms` in the
/// IANA `time_zone`; `None` if the zone is unknown.
pub fn weekday_and_minute(now_ms: u64, time_zone: &str) -> Option<(usize, u16)> {
    let fields = [
        ("weekday", "short"),
        ("hour", "2-digit"),
        ("minute", "2-digit"),
    ];
    let format = formatter(time_zone, &fields)?;
    let (mut weekday, mut hour, mut minute) = (None, None, None);
    for (kind, value) in parts(&format, now_ms as f64) {
        match kind.as_str() {
            "weekday" => {
                weekday = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
                    .iter()
                    .position(|d| *d == value)
            }
            "hour" => hour = value.parse::<u16>().ok().map(|h| h % 24),
            "minute" => minute = value.parse::<u16>().ok(),
            _ => {}
        }
    }
    Some((weekday?, hour? * 60 + minute?))
}

/// An IANA time zone answered by the runtime's `Intl`: its offset at an
/// instant is the wall clock `formatToParts` shows there, less the instant,
/// so every DST rule ICU knows applies. Build it with [`zone`].
pub struct IntlZone(Intl::DateTimeFormat);

/// The zone of this IANA name (`"UTC"`, `"Europe/Paris"`); an unknown name is
/// [`ApiError::Invalid`] with [`UNKNOWN_ZONE`] (400).
pub fn zone(time_zone: &str) -> Result<IntlZone, ApiError> {
    let fields = [
        ("year", "numeric"),
        ("month", "2-digit"),
        ("day", "2-digit"),
        ("hour", "2-digit"),
        ("minute", "2-digit"),
        ("second", "2-digit"),
    ];
    formatter(time_zone, &fields)
        .map(IntlZone)
        .ok_or(ApiError::Invalid(UNKNOWN_ZONE))
}

impl IntlZone {
    /// The local wall clock at `at_ms` (whole seconds), in ms as if it were UTC.
    fn wall_clock(&self, at_ms: i64) -> Option<i64> {
        let (mut ymd, mut hms) = ([0i64; 3], [0i64; 3]);
        for (kind, value) in parts(&self.0, at_ms as f64) {
            let slot = match kind.as_str() {
                "year" => &mut ymd[0],
                "month" => &mut ymd[1],
                "day" => &mut ymd[2],
                "hour" => &mut hms[0],
                "minute" => &mut hms[1],
                "second" => &mut hms[2],
                _ => continue,
            };
            *slot = value.parse().ok()?;
        }
        let day = Day::from_ymd(
            i32::try_from(ymd[0]).ok()?,
            u8::try_from(ymd[1]).ok()?,
            u8::try_from(ymd[2]).ok()?,
        )?;
        Some(day.0 * DAY_MS + (hms[0] % 24) * HOUR_MS + hms[1] * MINUTE_MS + hms[2] * 1000)
    }
}

impl Zone for IntlZone {
    fn offset_ms(&self, at_ms: i64) -> i64 {
        // The wall clock shows whole seconds: compare it with the instant's whole second.
        let second = at_ms - at_ms.rem_euclid(1000);
        self.wall_clock(at_ms).map_or(0, |local| local - second)
    }
}
