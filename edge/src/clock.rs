//! The clock: now, and local time in a site's time zone through the
//! runtime's `Intl` (workerd carries ICU's time-zone data, so the worker
//! needs no zone database of its own).

use js_sys::{Array, Date, Function, Intl, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> u64 {
    worker::Date::now().as_millis()
}

/// Weekday (0 = Monday) and minute of the day (0 to 1439) at `now_ms` in the
/// IANA `time_zone`; `None` if the zone is unknown.
pub fn weekday_and_minute(now_ms: u64, time_zone: &str) -> Option<(usize, u16)> {
    let options = Object::new();
    for (key, value) in [
        ("timeZone", time_zone),
        ("weekday", "short"),
        ("hour", "2-digit"),
        ("minute", "2-digit"),
        ("hourCycle", "h23"),
    ] {
        Reflect::set(&options, &key.into(), &value.into()).ok()?;
    }
    // An unknown zone makes the constructor throw: construct through Reflect, which catches it.
    let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let constructor: Function = Reflect::get(&intl, &"DateTimeFormat".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let format: Intl::DateTimeFormat =
        Reflect::construct(&constructor, &Array::of2(&"en-US".into(), &options))
            .ok()?
            .unchecked_into();
    let parts = format.format_to_parts(&Date::new(&JsValue::from_f64(now_ms as f64)));
    let (mut weekday, mut hour, mut minute) = (None, None, None);
    for part in parts.iter() {
        let kind = Reflect::get(&part, &"type".into()).ok()?.as_string()?;
        let value = Reflect::get(&part, &"value".into()).ok()?.as_string()?;
        match kind.as_str() {
            "weekday" => {
                weekday = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
                    .iter()
                    .position(|d| *d == value)
            }
            "hour" => hour = value.parse::<u16>().ok(),
            "minute" => minute = value.parse::<u16>().ok(),
            _ => {}
        }
    }
    Some((weekday?, hour? * 60 + minute?))
}
