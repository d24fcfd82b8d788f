//! The rating page an email conversation's resolution mail links to
//! (`GET /rate/{conversation}?t=…`): plain HTML, no script, under its own
//! [`POLICY`]. Opening it records nothing (mail scanners follow links); its
//! form's button POSTs the score to the same address.

use super::{Score, Words};
use crate::chat_page::escape;
use crate::i18n::Locale;

/// The page's Content-Security-Policy: no script at all, the shared
/// stylesheet, and a form that posts back to the worker.
pub const POLICY: &str = "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// What the page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum View<'a> {
    /// The form, with the score and comment given so far, posting to `action`.
    Form {
        /// Where the form posts (the page's own path and token).
        action: &'a str,
        /// The score given so far.
        score: Option<Score>,
        /// The comment given so far.
        comment: Option<&'a str>,
    },
    /// The rating was recorded.
    Thanks,
    /// The 7 days are over.
    Closed,
    /// The link is not one Parley signed.
    Invalid,
}

/// The page in `locale`.
pub fn render(view: &View<'_>, locale: Locale) -> String {
    let w = super::words(locale);
    let body = match view {
        View::Form {
            action,
            score,
            comment,
        } => form(&w, action, *score, comment.unwrap_or("")),
        View::Thanks => format!("<p role=\"status\">{}</p>", escape(w.thanks)),
        View::Closed => format!("<p role=\"alert\">{}</p>", escape(w.closed)),
        View::Invalid => format!("<p role=\"alert\">{}</p>", escape(w.invalid)),
    };
    format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"robots\" content=\"noindex\">\n<title>{title}</title>\n\
         <link rel=\"stylesheet\" href=\"/chat.css\">\n</head>\n<body>\n<main>\n<h1>{title}</h1>\n{body}\n</main>\n</body>\n</html>\n",
        lang = locale.tag(),
        title = escape(w.title),
    )
}

/// The form: a labelled group of five radio buttons, the comment and the button.
fn form(w: &Words, action: &str, score: Option<Score>, comment: &str) -> String {
    let radios: String = Score::ALL
        .iter()
        .zip(w.scores)
        .map(|(s, label)| {
            let n = s.value();
            let checked = if Some(*s) == score { " checked" } else { "" };
            format!(
                "<div><input type=\"radio\" id=\"score-{n}\" name=\"score\" value=\"{n}\" required{checked}> \
                 <label for=\"score-{n}\">{}</label></div>\n",
                escape(label)
            )
        })
        .collect();
    format!(
        "<form method=\"post\" action=\"{action}\">\n<fieldset>\n<legend>{question}</legend>\n{radios}</fieldset>\n\
         <p><label for=\"comment\">{comment_label}</label><br>\n\
         <textarea id=\"comment\" name=\"comment\" rows=\"4\" cols=\"40\" maxlength=\"{max}\">{comment}</textarea></p>\n\
         <p><button type=\"submit\">{send}</button></p>\n</form>",
        action = escape(action),
        question = escape(w.question),
        comment_label = escape(w.comment),
        comment = escape(comment),
        send = escape(w.send),
        max = super::MAX_COMMENT_CHARS,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_is_a_labelled_radio_group_that_posts_back() {
        let page = render(
            &View::Form {
                action: "/rate/c_1?t=1.ab",
                score: Some(Score::Satisfied),
                comment: Some("<b>fast</b> & kind"),
            },
            Locale::Fr,
        );
        assert!(page.contains("<html lang=\"fr\">"));
        assert!(page.contains("<form method=\"post\" action=\"/rate/c_1?t=1.ab\">"));
        assert!(page.contains("<legend>Êtes-vous satisfait de notre réponse ?</legend>"));
        assert_eq!(page.matches("type=\"radio\"").count(), 5);
        assert!(page.contains("value=\"4\" required checked>"));
        assert_eq!(page.matches(" checked>").count(), 1);
        assert!(
            page.contains("&lt;b&gt;fast&lt;/b&gt; &amp; kind</textarea>"),
            "user text is escaped"
        );
        assert!(!page.contains("<script"), "no script at all");
    }

    #[test]
    fn the_outcomes_say_so_in_the_language() {
        assert!(render(&View::Thanks, Locale::En).contains(super::super::words(Locale::En).thanks));
        assert!(render(&View::Closed, Locale::Fr).contains("7 jours"));
        assert!(render(&View::Invalid, Locale::En).contains("role=\"alert\""));
    }

    #[test]
    fn the_policy_allows_no_script() {
        assert!(!POLICY.contains("script-src") && POLICY.contains("default-src 'none'"));
        assert!(POLICY.contains("form-action 'self'"));
    }
}
