//! Events for the host page: `parley:<name>` CustomEvents on `window`, which
//! the facade's `Parley.on(name, callback)` subscribes to.

use wasm_bindgen::JsValue;
use web_sys::{CustomEvent, CustomEventInit};

/// Dispatches `parley:{name}` on `window` with `detail`.
pub fn emit(name: &str, detail: &JsValue) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let init = CustomEventInit::new();
    init.set_detail(detail);
    if let Ok(event) = CustomEvent::new_with_event_init_dict(&["parley:", name].concat(), &init) {
        let _ = window.dispatch_event(&event);
    }
}
