//! Readable plain text from an HTML-only email: entities decoded by the HTML
//! tokenizer, block elements as line breaks, list items as bullets, and
//! nothing of `<script>` or `<style>`.
//!
//! Quoted history is found in the HTML itself, before it becomes text: the
//! containers mail clients put it in (`gmail_quote`, `blockquote type=cite`,
//! `yahoo_quoted`, `moz-cite-prefix`, Apple's `blockquote`) when nothing but
//! whitespace follows them, and the markers after which everything is history
//! (Outlook's `divRplyFwdMsg`, `OutlookMessageHeader`, Outlook.com's
//! `appendonsend`, Hotmail's `hr#stopSpelling`).
//!
//! The tokenizer checks each attribute against every earlier one of its tag,
//! so a tag with 100,000 attributes costs quadratic time: [`limit_attributes`]
//! cuts tags down to [`MAX_ATTRIBUTES`] first, for this and for sanitising.

use std::borrow::Cow;
use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

/// Elements after which text continues on a new paragraph.
const PARAGRAPHS: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "table",
    "blockquote",
    "pre",
    "hr",
    "section",
    "article",
    "header",
    "footer",
];
/// Elements that start a new line.
const LINES: &[&str] = &["br", "tr", "dt", "dd"];
/// Elements whose content is never text.
pub(crate) const HIDDEN: &[&str] = &["script", "style", "head", "title", "template", "noscript"];

/// Classes of elements that hold quoted history.
const QUOTE_CLASSES: &[&str] = &[
    "gmail_quote",
    "yahoo_quoted",
    "moz-cite-prefix",
    "protonmail_quote",
    "zmail_extra",
    "gmail_extra",
];
/// Ids and classes of elements after which everything is quoted history.
const MARKERS: &[&str] = &[
    "divrplyfwdmsg",
    "appendonsend",
    "outlookmessageheader",
    "stopspelling",
    "mail-editor-reference-message-container",
];

/// Where an HTML element stands in quoted history.
#[derive(PartialEq)]
pub(crate) enum Quoting {
    /// It holds history; text after it is new.
    Container,
    /// Everything from it on is history.
    Marker,
}

fn quoting(tag: &Tag) -> Option<Quoting> {
    if tag.kind != TagKind::StartTag {
        return None;
    }
    let attr = |name: &str| {
        tag.attrs
            .iter()
            .find(|a| &*a.name.local == name)
            .map(|a| &*a.value)
    };
    quoting_of(
        &tag.name,
        attr("class").unwrap_or_default(),
        attr("id").unwrap_or_default(),
    )
}

/// Where an element with this name, class and id stands in quoted history
/// (the one rule for the text and for the folded HTML view).
pub(crate) fn quoting_of(name: &str, class: &str, id: &str) -> Option<Quoting> {
    let (class, id) = (class.to_ascii_lowercase(), id.to_ascii_lowercase());
    if MARKERS
        .iter()
        .any(|m| id.contains(m) || class.split_whitespace().any(|c| c.contains(m)))
    {
        return Some(Quoting::Marker);
    }
    let quote_class = class
        .split_whitespace()
        .any(|c| QUOTE_CLASSES.iter().any(|q| c.ends_with(q)));
    (name == "blockquote" || quote_class).then_some(Quoting::Container)
}

#[derive(Default)]
struct Text {
    out: String,
    hidden: usize,
    /// The open quote container: its element name and how deep it is nested in itself.
    container: Option<(String, usize)>,
    /// Where the trailing quoted history starts in `out`, while nothing new followed it.
    quote_at: Option<usize>,
    /// A marker was seen: the rest is history whatever follows.
    marked: bool,
}

impl Text {
    /// Follows quote containers and markers (before the tag adds line breaks).
    fn follow_quotes(&mut self, tag: &Tag) {
        if self.marked || self.hidden > 0 {
            return;
        }
        if let Some((name, depth)) = &mut self.container {
            if *name == *tag.name && !tag.self_closing {
                if tag.kind == TagKind::StartTag {
                    *depth += 1;
                } else {
                    *depth -= 1;
                    if *depth == 0 {
                        self.container = None;
                    }
                }
            }
            return;
        }
        match quoting(tag) {
            Some(Quoting::Marker) => {
                self.quote_at = Some(self.out.len());
                self.marked = true;
            }
            Some(Quoting::Container) => {
                self.quote_at.get_or_insert(self.out.len());
                if !tag.self_closing {
                    self.container = Some((tag.name.to_string(), 1));
                }
            }
            None => {}
        }
    }

    fn tag(&mut self, tag: &Tag) -> TokenSinkResult<()> {
        self.follow_quotes(tag);
        let name: &str = &tag.name;
        let start = tag.kind == TagKind::StartTag;
        if HIDDEN.contains(&name) {
            if start && !tag.self_closing {
                self.hidden += 1;
                if name == "script" || name == "style" {
                    return TokenSinkResult::RawData(if name == "script" {
                        RawKind::ScriptData
                    } else {
                        RawKind::Rawtext
                    });
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
        } else if start
            && (name == "td" || name == "th")
            && !self.out.ends_with(char::is_whitespace)
        {
            self.out.push(' ');
        }
        TokenSinkResult::Continue
    }

    fn text(&mut self, text: &str) {
        if self.hidden > 0 {
            return;
        }
        if self.container.is_none() && !self.marked && !text.trim().is_empty() {
            self.quote_at = None; // new text after a quote: that quote was not the trailing history
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
    html_reply(html).text
}

/// An HTML reply as text: all of it, and the new text above its trailing
/// quoted history when the HTML marks one.
pub struct HtmlText {
    /// The whole text.
    pub text: String,
    /// The text above the quoted history, if the HTML shows where that starts.
    pub new_text: Option<String>,
}

/// The text of an HTML reply and, apart, what it says above its quoted history.
pub fn html_reply(html: &str) -> HtmlText {
    let tokenizer = Tokenizer::new(Sink(RefCell::default()), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(&limit_attributes(html)));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let sink = tokenizer.sink.0.into_inner();
    let new_text = sink.quote_at.map(|at| tidy(&sink.out[..at]));
    HtmlText {
        text: tidy(&sink.out),
        new_text,
    }
}

/// No spaces around line breaks, at most one blank line in a row.
fn tidy(raw: &str) -> String {
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

/// Most attributes kept on one tag (real mail has a handful).
pub const MAX_ATTRIBUTES: usize = 100;

/// The HTML with every tag cut down to its first [`MAX_ATTRIBUTES`]
/// attributes; borrowed when no tag has more. One linear pass that follows
/// the tokenizer's rules for tags, attribute names and quoted values; where it
/// is unsure (comments, scripts) it leaves text alone or cuts harmlessly, as
/// its output is still tokenized, sanitised or flattened to text afterwards.
pub fn limit_attributes(html: &str) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    let mut out = String::new();
    let mut copied = 0; // html[..copied] is already in `out` (when cutting)
    let mut i = 0;
    while let Some(lt) = memchr_lt(bytes, i) {
        i = lt + 1;
        let name_at = i + usize::from(bytes.get(i) == Some(&b'/'));
        if !bytes.get(name_at).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        i = name_at;
        while i < bytes.len() && !ends_name(bytes[i]) {
            i += 1;
        }
        let mut count = 0;
        let mut cut_at = None;
        loop {
            while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] == b'>' {
                break;
            }
            count += 1;
            if count > MAX_ATTRIBUTES && cut_at.is_none() {
                cut_at = Some(i);
            }
            i = skip_attribute(bytes, i);
        }
        if let Some(cut) = cut_at {
            out.push_str(&html[copied..cut]);
            copied = i.min(bytes.len());
        }
    }
    if copied == 0 {
        return Cow::Borrowed(html);
    }
    out.push_str(&html[copied..]);
    Cow::Owned(out)
}

/// Whether `c` ends a tag's or an attribute's name.
fn ends_name(c: u8) -> bool {
    c.is_ascii_whitespace() || c == b'/' || c == b'>'
}

/// Where the attribute starting at `bytes[i]` ends: its name (which may start
/// with '='), then, if there is one, `=` and its quoted or unquoted value.
fn skip_attribute(bytes: &[u8], mut i: usize) -> usize {
    i += 1; // a name may start with '='
    while i < bytes.len() && !ends_name(bytes[i]) && bytes[i] != b'=' {
        i += 1;
    }
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    if bytes.get(i) != Some(&b'=') {
        return i;
    }
    i += 1;
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    match bytes.get(i) {
        Some(&q) if q == b'"' || q == b'\'' => bytes[i + 1..]
            .iter()
            .position(|&c| c == q)
            .map_or(bytes.len(), |p| i + 1 + p + 1),
        _ => {
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                i += 1;
            }
            i
        }
    }
}

/// The next `<` at or after `from`.
fn memchr_lt(bytes: &[u8], from: usize) -> Option<usize> {
    bytes
        .get(from..)?
        .iter()
        .position(|&c| c == b'<')
        .map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::{html_to_text, limit_attributes, MAX_ATTRIBUTES};
    use std::borrow::Cow;

    #[test]
    fn tags_keep_their_first_attributes() {
        let ordinary = "<p class=\"x\" style='a: b > c' data-x=1 hidden>Hi</p><a href=\"/q?a=1&b=2\">l</a> 1 < 2";
        assert!(matches!(limit_attributes(ordinary), Cow::Borrowed(_)));
        let many: String = (0..MAX_ATTRIBUTES + 50)
            .map(|i| format!(" a{i}=\"v {i}\""))
            .collect();
        let html = format!("<p{many}>Hi</p><b>x</b>");
        let cut = limit_attributes(&html);
        let kept: String = (0..MAX_ATTRIBUTES)
            .map(|i| format!(" a{i}=\"v {i}\""))
            .collect();
        assert_eq!(cut, format!("<p{kept} >Hi</p><b>x</b>"));
        assert_eq!(html_to_text(&cut), "Hi\n\nx");
    }

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
        assert_eq!(
            html_to_text("<p>  one\n   two  <i>three</i>\tfour </p>"),
            "one two three four"
        );
        assert_eq!(html_to_text("<table><tr><td>Tin</td><td>£8.50</td></tr><tr><td>Scoop</td><td>£2</td></tr></table>"), "Tin £8.50\nScoop £2");
    }
}
