//! A website that embeds the widget: how the widget sits on its pages.

use crate::conversation::string_enum;
use crate::Invalid;

string_enum! {
    /// The corner the launcher sits in.
    WidgetPosition { /// Bottom left.
        Left = "left", /// Bottom right.
        Right = "right" }
}

string_enum! {
    /// The language the widget speaks to visitors.
    Language { /// The visitor's browser language, when the widget speaks it (else English).
        Auto = "auto", /// English.
        En = "en", /// French.
        Fr = "fr" }
}

/// The accent colour is not `#rrggbb`, or white text on it fails WCAG AA.
pub const COLOR_INVALID: Invalid = Invalid::new(
    "color_invalid",
    "Choose a colour as #rrggbb on which white text is readable: WCAG AA needs a contrast ratio of at least 4.5:1.",
);
/// A site's name is empty, too long or not one line.
pub const SITE_NAME_INVALID: Invalid = Invalid::new(
    "site_name_invalid",
    "A site's name is one line of 1 to 100 characters.",
);

/// The least contrast WCAG AA asks of normal text.
pub const MIN_CONTRAST: f64 = 4.5;

/// The (r, g, b) of `#rrggbb`.
fn rgb(color: &str) -> Option<[u8; 3]> {
    let hex = color.strip_prefix('#').filter(|h| h.len() == 6)?;
    let bytes = hex::decode(hex).ok()?;
    Some([bytes[0], bytes[1], bytes[2]])
}

/// WCAG 2 relative luminance of an sRGB colour.
fn luminance([r, g, b]: [u8; 3]) -> f64 {
    let channel = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.040_45 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
}

/// WCAG 2 contrast ratio between two `#rrggbb` colours (1 to 21); `None` if either is malformed.
pub fn contrast_ratio(a: &str, b: &str) -> Option<f64> {
    let (la, lb) = (luminance(rgb(a)?), luminance(rgb(b)?));
    let (light, dark) = if la > lb { (la, lb) } else { (lb, la) };
    Some((light + 0.05) / (dark + 0.05))
}

/// Checks an accent colour as an admin picks it: the widget writes white text
/// on it (launcher, header, the visitor's bubbles), so that must pass WCAG AA.
pub fn validate_accent(color: &str) -> Result<String, Invalid> {
    let color = color.trim().to_ascii_lowercase();
    match contrast_ratio(&color, "#ffffff") {
        Some(ratio) if ratio >= MIN_CONTRAST => Ok(color),
        _ => Err(COLOR_INVALID),
    }
}

/// Checks a site's name: one line of 1 to 100 characters, trimmed.
pub fn validate_site_name(name: &str) -> Result<String, Invalid> {
    match crate::form::normalize_line(name) {
        Ok(name) if !name.is_empty() => Ok(name),
        _ => Err(SITE_NAME_INVALID),
    }
}

/// What the snippet tells the facade about a site, so that it draws the
/// launcher at once, with no request: the accent colour, the corner and the
/// language (of its label). The facade still fetches the site's config, in
/// idle time, and follows it (a site switched off since loses its launcher).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Look<'a> {
    /// Accent colour, `#rrggbb`.
    pub color: &'a str,
    /// The launcher's corner.
    pub position: WidgetPosition,
    /// The language the widget speaks.
    pub language: Language,
}

/// The snippet a site owner pastes before `</body>`: it queues the snippet
/// API's calls and loads `{origin}/loader.js` for `site_id` after the page's
/// `load` event, with the site's [`Look`] as the script's `data-color`,
/// `data-position` and `data-language`. `origin` is the deployment's
/// (`https://chat.example.com`), or empty for a page the worker itself serves
/// (the demo shop, `www/index.html`, which holds exactly this text for `s_demo`).
pub fn snippet(origin: &str, site_id: &str, look: Look) -> String {
    let src = js_string(&format!("{}/loader.js", origin.trim_end_matches('/')));
    let site = js_string(site_id);
    let color = js_string(look.color);
    let side = js_string(look.position.as_str());
    let lang = js_string(look.language.as_str());
    format!(
        r#"<script>
  (function (w, d) {{
    var p = w.Parley = w.Parley || {{ q: [] }};
    ["identify", "open", "close", "reset", "on"].forEach(function (m) {{
      p[m] = p[m] || function () {{ p.q.push([m, [].slice.call(arguments)]); }};
    }});
    function load() {{
      var s = d.createElement("script");
      s.async = true;
      s.src = {src};
      s.setAttribute("data-site", {site});
      s.setAttribute("data-color", {color});
      s.setAttribute("data-position", {side});
      s.setAttribute("data-language", {lang});
      d.head.appendChild(s);
    }}
    if (d.readyState === "complete") load(); else w.addEventListener("load", load);
  }})(window, document);
</script>"#
    )
}

/// One directive of a host page's Content-Security-Policy and the sources
/// the widget needs in it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CspDirective {
    /// The directive (`script-src`).
    pub directive: String,
    /// The sources to add to it.
    pub sources: Vec<String>,
    /// What they let the widget do.
    pub why: String,
}

/// Exactly what a host page's Content-Security-Policy must allow for the
/// snippet for `site_id` (with its [`Look`]) served from `origin` (`https://chat.example.com`),
/// and nothing more: styles need nothing (constructable stylesheets and the
/// CSSOM, which `style-src` does not govern), images nothing (the widget
/// shows none: files are downloaded), frames nothing. Settings › Tracking
/// and the README list it; tests/csp.test.mjs runs a page whose policy is
/// `default-src 'none'` plus this. Without `'wasm-unsafe-eval'` the launcher
/// opens the hosted chat page (`/chat/{site}`) in a new window instead.
pub fn csp(origin: &str, site_id: &str, look: Look) -> Vec<CspDirective> {
    use base64::Engine as _;
    use sha2::Digest as _;
    let origin = origin.trim_end_matches('/');
    let socket = match (
        origin.strip_prefix("https://"),
        origin.strip_prefix("http://"),
    ) {
        (Some(host), _) => format!("wss://{host}"),
        (_, Some(host)) => format!("ws://{host}"),
        _ => origin.to_string(),
    };
    let snippet = snippet(origin, site_id, look);
    let script = snippet
        .trim_start_matches("<script>")
        .trim_end_matches("</script>");
    let hash =
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(script.as_bytes()));
    let directive = |directive: &str, sources: Vec<String>, why: &str| CspDirective {
        directive: directive.into(),
        sources,
        why: why.into(),
    };
    vec![
        directive(
            "script-src",
            vec![origin.into(), format!("'sha256-{hash}'"), "'wasm-unsafe-eval'".into()],
            "the loader and the widget from Parley's origin; the snippet itself, by its hash (or give its <script> your nonce); \
             and compiling the widget's WebAssembly (without it, the launcher opens the chat in a new window)",
        ),
        directive(
            "connect-src",
            vec![origin.into(), socket],
            "the widget's requests (its settings, its code, messages, files) and its live socket for replies",
        ),
    ]
}

/// `text` as a double-quoted JavaScript string that is also safe inside an
/// HTML `<script>` element (no `<`, `>` or `&` in clear).
fn js_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_follows_wcag() {
        assert!((contrast_ratio("#000000", "#ffffff").unwrap() - 21.0).abs() < 1e-9);
        assert!((contrast_ratio("#ffffff", "#ffffff").unwrap() - 1.0).abs() < 1e-9);
        // #767676 on white is the classic AA threshold (4.54:1).
        assert!((contrast_ratio("#767676", "#ffffff").unwrap() - 4.54).abs() < 0.01);
        assert_eq!(contrast_ratio("#fff", "#ffffff"), None);
    }

    #[test]
    fn accents_must_carry_white_text() {
        assert_eq!(
            validate_accent(" #33503F "),
            Ok("#33503f".into()),
            "the demo's pine green"
        );
        assert_eq!(
            validate_accent("#2f6fed"),
            Ok("#2f6fed".into()),
            "the default blue (4.6:1)"
        );
        assert_eq!(
            validate_accent("#ffcc00"),
            Err(COLOR_INVALID),
            "yellow under white text fails"
        );
        assert_eq!(
            validate_accent("#777777"),
            Err(COLOR_INVALID),
            "just under 4.5:1"
        );
        assert_eq!(validate_accent("red"), Err(COLOR_INVALID));
    }

    #[test]
    fn site_names_are_one_short_line() {
        assert_eq!(
            validate_site_name("  Juniper & Pine "),
            Ok("Juniper & Pine".into())
        );
        assert_eq!(validate_site_name(" "), Err(SITE_NAME_INVALID));
        assert_eq!(validate_site_name("a\nb"), Err(SITE_NAME_INVALID));
    }

    /// The demo shop's look (scripts/seed.mjs), and any other site's in these tests.
    const DEMO: Look = Look {
        color: "#33503f",
        position: WidgetPosition::Right,
        language: Language::Auto,
    };

    #[test]
    fn the_demo_shop_pastes_exactly_the_snippet() {
        let page = include_str!("../../www/index.html");
        let indented: String = snippet("", "s_demo", DEMO)
            .lines()
            .map(|l| format!("  {l}\n"))
            .collect();
        assert!(
            page.contains(&indented),
            "www/index.html must hold snippet(\"\", \"s_demo\"), indented by two spaces"
        );
    }

    #[test]
    fn the_csp_list_names_the_origin_its_socket_and_the_snippets_hash() {
        use base64::Engine as _;
        use sha2::Digest as _;
        let list = csp("https://chat.example.com/", "s_0f", DEMO);
        let names: Vec<&str> = list.iter().map(|d| d.directive.as_str()).collect();
        assert_eq!(
            names,
            ["script-src", "connect-src"],
            "styles, images and frames need nothing"
        );
        let text = snippet("https://chat.example.com", "s_0f", DEMO);
        let inner = &text["<script>".len()..text.len() - "</script>".len()];
        let hash = base64::engine::general_purpose::STANDARD
            .encode(sha2::Sha256::digest(inner.as_bytes()));
        assert_eq!(
            list[0].sources,
            [
                "https://chat.example.com",
                &format!("'sha256-{hash}'"),
                "'wasm-unsafe-eval'"
            ]
        );
        assert_eq!(
            list[1].sources,
            ["https://chat.example.com", "wss://chat.example.com"]
        );
        assert_eq!(
            csp("http://127.0.0.1:8787", "s_demo", DEMO)[1].sources,
            ["http://127.0.0.1:8787", "ws://127.0.0.1:8787"]
        );
        assert_ne!(
            csp("https://x", "s_a", DEMO)[0].sources[1],
            csp("https://x", "s_b", DEMO)[0].sources[1],
            "the hash is the site's snippet's"
        );
        let left = Look {
            position: WidgetPosition::Left,
            ..DEMO
        };
        assert_ne!(
            csp("https://x", "s_a", DEMO)[0].sources[1],
            csp("https://x", "s_a", left)[0].sources[1],
            "and follows its look"
        );
    }

    #[test]
    fn the_snippet_names_the_deployment_and_the_site() {
        let text = snippet("https://chat.example.com/", "s_0f", DEMO);
        assert!(text.contains(r#"s.src = "https://chat.example.com/loader.js";"#));
        assert!(text.contains(r#"s.setAttribute("data-site", "s_0f");"#));
        let french = Look {
            color: "#2f6fed",
            position: WidgetPosition::Left,
            language: Language::Fr,
        };
        let text = snippet("https://chat.example.com/", "s_0f", french);
        assert!(text.contains(r##"s.setAttribute("data-color", "#2f6fed");"##));
        assert!(text.contains(r#"s.setAttribute("data-position", "left");"#));
        assert!(text.contains(r#"s.setAttribute("data-language", "fr");"#));
        let hostile = snippet("https://x", "</script><b>\"", DEMO);
        assert!(!hostile.contains("</script><b>"));
        assert!(hostile.contains(r#""\u003c/script\u003e\u003cb\u003e\"""#));
    }
}
