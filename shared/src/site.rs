//! A website that embeds the widget: how the widget sits on its pages.

use crate::conversation::string_enum;

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

/// The snippet a site owner pastes before `</body>`: it queues the snippet
/// API's calls and loads `{origin}/loader.js` for `site_id` after the page's
/// `load` event. `origin` is the deployment's (`https://chat.example.com`), or
/// empty for a page the worker itself serves (the demo shop, `www/index.html`,
/// which holds exactly this text for `s_demo`).
pub fn snippet(origin: &str, site_id: &str) -> String {
    let src = js_string(&format!("{}/loader.js", origin.trim_end_matches('/')));
    let site = js_string(site_id);
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
      d.head.appendChild(s);
    }}
    if (d.readyState === "complete") load(); else w.addEventListener("load", load);
  }})(window, document);
</script>"#
    )
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
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
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
    fn the_demo_shop_pastes_exactly_the_snippet() {
        let page = include_str!("../../www/index.html");
        let indented: String = snippet("", "s_demo").lines().map(|l| format!("  {l}\n")).collect();
        assert!(page.contains(&indented), "www/index.html must hold snippet(\"\", \"s_demo\"), indented by two spaces");
    }

    #[test]
    fn the_snippet_names_the_deployment_and_the_site() {
        let text = snippet("https://chat.example.com/", "s_0f");
        assert!(text.contains(r#"s.src = "https://chat.example.com/loader.js";"#));
        assert!(text.contains(r#"s.setAttribute("data-site", "s_0f");"#));
        let hostile = snippet("https://x", "</script><b>\"");
        assert!(!hostile.contains("</script><b>"));
        assert!(hostile.contains(r#""\u003c/script\u003e\u003cb\u003e\"""#));
    }
}
