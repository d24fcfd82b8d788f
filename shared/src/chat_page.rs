//! The hosted chat page, `/chat/{site}` on the worker's own origin: the same
//! facade and widget as on a host page, the panel open and full-page
//! (`www/chat.js`, `www/chat.css`). The launcher opens it in a new window
//! where the widget cannot start on the host page (its Content-Security-Policy
//! refuses WebAssembly, an old browser, a download that failed), so the host
//! page's policy never applies to it; its own is [`POLICY`].

use crate::i18n::Locale;

/// The page's own Content-Security-Policy: scripts, styles and connections
/// from the worker's origin only (WebSockets included), WebAssembly allowed,
/// nothing inline, never framed.
pub const POLICY: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; \
                          base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The page's texts: its title after the site's name, its lead paragraph, and what shows without JavaScript.
fn texts(locale: Locale) -> [&'static str; 3] {
    match locale {
        Locale::En => [
            "chat",
            "Write to us here: the team answers on this page.",
            "The chat needs JavaScript.",
        ],
        Locale::Fr => [
            "chat",
            "Écrivez-nous ici : l'équipe vous répond sur cette page.",
            "Le chat a besoin de JavaScript.",
        ],
    }
}

/// The hosted chat page of site `site_id` named `name`, in `locale` (the
/// widget picks its own language the same way: the site's, else the browser's).
pub fn render(site_id: &str, name: &str, locale: Locale) -> String {
    let [title, lead, no_script] = texts(locale);
    let (lang, site, name) = (locale.tag(), escape(site_id), escape(name));
    format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{name}: {title}</title>\n<link rel=\"stylesheet\" href=\"/chat.css\">\n\
         <script src=\"/chat.js\" defer></script>\n<script src=\"/loader.js\" data-site=\"{site}\" defer></script>\n\
         </head>\n<body>\n<main>\n<h1>{name}</h1>\n<p>{lead}</p>\n<noscript><p>{no_script}</p></noscript>\n</main>\n</body>\n</html>\n"
    )
}

/// `text` safe inside HTML text and double-quoted attributes.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_loads_the_facade_for_the_site_in_its_language() {
        let page = render("s_demo", "Juniper & Pine", Locale::Fr);
        assert!(page.contains("<html lang=\"fr\">"));
        assert!(page.contains("<script src=\"/loader.js\" data-site=\"s_demo\" defer></script>"));
        assert!(page.contains("<h1>Juniper &amp; Pine</h1>"));
        assert!(page.contains("l'équipe vous répond"));
        assert!(render("s_demo", "x", Locale::En).contains("the team answers on this page"));
    }

    #[test]
    fn names_never_become_markup() {
        let page = render(
            "s\"><script>",
            "</title><script>alert(1)</script>",
            Locale::En,
        );
        assert!(!page.contains("<script>"), "{page}");
        assert!(page.contains("&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    }

    #[test]
    fn the_policy_allows_nothing_inline_and_no_other_origin() {
        assert!(
            !POLICY.contains("unsafe-inline") && !POLICY.contains("http") && !POLICY.contains('*')
        );
        assert!(
            POLICY.contains("script-src 'self' 'wasm-unsafe-eval'")
                && POLICY.contains("frame-ancestors 'none'")
        );
    }
}
