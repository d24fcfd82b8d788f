//! Readable plain text from an HTML-only email: entities decoded by the HTML
//! tokenizer, block elements as line breaks, list items as bullets, and
//! nothing of `<script>` or `<style>`.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};

/// Elements after which text continues on a new paragraph.
const PARAGRAPHS: &[&str] = &["p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote", "pre", "hr", "section", "article", "header", "footer"];
/// Elements that start a new line.
const LINES: &[&str] = &["br", "tr", "dt", "dd"];
/// Elements whose content is never text.
const HIDDEN: &[&str] = &["script", "style", "head", "title", "template", "noscript"];

#[derive(Default)]
struct Text {
    out: String,
    hidden: usize,
}

impl Text {
    fn tag(&mut self, tag: &Tag) -> TokenSinkResult<()> {
        let name: &str = &tag.name;
        let start = tag.kind == TagKind::StartTag;
        if HIDDEN.contains(&name) {
            if start && !tag.self_closing {
                self.hidden += 1;
                if name == "script" || name == "style" {
                    return TokenSinkResult::RawData(if name == "script" { RawKind::ScriptData } else { RawKind::Rawtext });
                }
            } else if !start {
                self.hidden = self.hidden.saturating_sub(1);
            }
        } else if PARAGRAPHS.contains(&name) {
            self.out.push_str("\n\n");
        } else if name == "li" && start {
            self.out.push_str("\n- ");
        } else if start && LINES.contains(&name) {
            self.out.push('\n');
        } else if start && (name == "td" || name == "th") && !self.out.ends_with(char::is_whitespace) {
            self.out.push(' ');
        }
        TokenSinkResult::Continue
    }

    fn text(&mut self, text: &str) {
        if self.hidden > 0 {
            return;
        }
        let mut words = text.split_whitespace();
        let starts_with_space = text.starts_with(char::is_whitespace);
        if let Some(first) = words.next() {
            if starts_with_space && !self.out.ends_with(char::is_whitespace) {
                self.out.push(' ');
            }
            self.out.push_str(first);
            for word in words {
                self.out.push(' ');
                self.out.push_str(word);
            }
            if text.ends_with(char::is_whitespace) {
                self.out.push(' ');
            }
        } else if !text.is_empty() && !self.out.ends_with(char::is_whitespace) {
            self.out.push(' ');
        }
    }
}

struct Sink(RefCell<Text>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut text = self.0.borrow_mut();
        match token {
            Token::TagToken(tag) => text.tag(&tag),
            Token::CharacterTokens(chars) => {
                text.text(&chars);
                TokenSinkResult::Continue
            }
            _ => TokenSinkResult::Continue,
        }
    }
}

/// The text of an HTML document, as a person would read it.
pub fn html_to_text(html: &str) -> String {
    let tokenizer = Tokenizer::new(Sink(RefCell::default()), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let raw = tokenizer.sink.0.into_inner().out;
    // Tidy: no spaces around line breaks, at most one blank line in a row.
    let lines: Vec<&str> = raw.split('\n').map(str::trim).collect();
    let mut out = String::with_capacity(raw.len());
    let mut blank = 0;
    for line in lines {
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        out.push_str(line);
        blank = 0;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::html_to_text;

    #[test]
    fn paragraphs_lists_and_entities() {
        let html = "<html><head><title>T</title><style>p{color:red}</style></head><body>\
            <p>Hello&nbsp;team,</p><p>We run a caf&eacute; &amp; shop:</p>\
            <ul><li>Morning Fog</li><li>Pine <b>Needle</b> Sencha</li></ul><p>Best,<br>Sam</p></body></html>";
        assert_eq!(
            html_to_text(html),
            "Hello team,\n\nWe run a café & shop:\n\n- Morning Fog\n- Pine Needle Sencha\n\nBest,\nSam"
        );
    }

    #[test]
    fn scripts_styles_and_comments_are_not_text() {
        let html = "<div>Visible<script>if (a<b) { document.write('<p>x</p>') }</script><!-- hidden --></div>\
            <style>.x{display:none}</style><noscript>no</noscript><div>Also visible</div>";
        assert_eq!(html_to_text(html), "Visible\n\nAlso visible");
    }

    #[test]
    fn whitespace_collapses_inside_lines() {
        assert_eq!(html_to_text("<p>  one\n   two  <i>three</i>\tfour </p>"), "one two three four");
        assert_eq!(html_to_text("<table><tr><td>Tin</td><td>£8.50</td></tr><tr><td>Scoop</td><td>£2</td></tr></table>"), "Tin £8.50\nScoop £2");
    }
}
