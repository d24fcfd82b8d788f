//! HTML from email, made safe to show in the inbox: an allow-list of
//! formatting tags, no scripts, styles, event handlers, forms or frames, and
//! links that cannot reach back into the inbox.
//!
//! The HTML tree builder (html5ever, inside ammonia) does work proportional to
//! the depth of open elements for every tag, and reopens misnested formatting
//! (`<b>`, `<a>`, `<font>`) wherever text follows, so crafted HTML (100,000
//! nested `<div>`s, cascades of misnested `<a><b>`) costs quadratic time;
//! browsers cap the depth for the same reason. Before building a tree, one
//! linear tokenizer pass replays the open-element stack with the tree
//! builder's main rules (implied end tags, `<p>` closed by blocks, formatting
//! reopened, at most three identical formatting elements remembered): HTML
//! deeper than [`MAX_DEPTH`] is not rendered as HTML. The text version is
//! shown instead, and the original stays one click away.

use std::cell::RefCell;
use std::collections::HashSet;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use super::html_fold;
use super::html_text::limit_attributes;

/// Deepest element nesting rendered as HTML (Chromium's parser caps at 512).
pub const MAX_DEPTH: usize = 256;

/// Elements that never have content.
const VOID: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input",
    "keygen", "link", "meta", "param", "source", "track", "wbr",
];
/// Elements whose end tag may be left out: the tree builder closes them itself.
const IMPLIED_END: &[&str] = &[
    "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "tbody", "thead", "tfoot",
    "colgroup", "caption", "rb", "rt", "rtc", "rp", "html", "head", "body",
];
/// Formatting elements: reopened after misnesting ("active formatting elements").
const FORMATTING: &[&str] = &[
    "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
];
/// Start tags that close an open `<p>` and reopen no formatting.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "header",
    "hgroup",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "section",
    "summary",
    "ul",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "listing",
    "form",
    "hr",
    "xmp",
    "plaintext",
    "li",
    "dd",
    "dt",
];
/// Elements a search for an open `<p>` stops at (button scope).
const P_SCOPE: &[&str] = &["table", "applet", "marquee", "object", "template", "button"];

/// Sanitised HTML of an email body, its trailing quoted history folded into a
/// closed `<details>` where the HTML marks it (see `html_fold`); `None` when
/// the HTML is nested too deep to build a tree from in linear time (see the
/// module docs).
pub fn html(dirty: &str) -> Option<String> {
    let dirty = limit_attributes(dirty);
    if !shape_is_tractable(&dirty) {
        return None;
    }
    let folded = html_fold::fold(&dirty);
    Some(
        ammonia::Builder::default()
            .url_schemes(HashSet::from(["http", "https", "mailto"]))
            .link_rel(Some("noopener noreferrer nofollow"))
            .rm_tags(["img"]) // remote images are read receipts for the sender
            .clean(folded.as_ref().map_or(&*dirty, |(html, _)| html))
            .to_string(),
    )
}

/// An open element: its name, and for formatting elements the name with the
/// attributes (identical ones are remembered at most three times) and whether
/// it is still remembered for reopening.
struct Open {
    name: String,
    key: Option<String>,
    listed: bool,
}

/// The replayed stack of open elements, and formatting closed by misnesting
/// that the next text reopens.
#[derive(Default)]
struct Shape {
    open: Vec<Open>,
    closed_formatting: Vec<String>,
    too_deep: bool,
}

impl Shape {
    fn push(&mut self, name: &str, key: Option<String>) {
        if let Some(key) = &key {
            // Noah's ark: a fourth identical formatting element makes the first forgotten.
            let same = |k: &Option<String>| k.as_deref() == Some(key.as_str());
            let listed = self
                .open
                .iter()
                .filter(|o| o.listed && same(&o.key))
                .count()
                + self.closed_formatting.iter().filter(|k| *k == key).count();
            if listed >= 3 {
                if let Some(at) = self.closed_formatting.iter().position(|k| k == key) {
                    self.closed_formatting.remove(at);
                } else if let Some(first) = self.open.iter_mut().find(|o| o.listed && same(&o.key))
                {
                    first.listed = false;
                }
            }
        }
        self.open.push(Open {
            name: name.to_string(),
            listed: key.is_some(),
            key,
        });
        self.too_deep |= self.open.len() > MAX_DEPTH;
    }

    /// Pops down to the element at `at`; formatting above it waits to be reopened.
    fn pop_to(&mut self, at: usize) {
        for above in self.open.drain(at + 1..) {
            if let (true, Some(key)) = (above.listed, above.key) {
                self.closed_formatting.push(key);
            }
        }
        self.open.truncate(at);
    }

    fn reopen_formatting(&mut self) {
        for key in std::mem::take(&mut self.closed_formatting) {
            let name = key.split(' ').next().unwrap_or_default().to_string();
            self.push(&name, Some(key));
        }
    }

    fn start(&mut self, tag: &Tag) {
        let name: &str = &tag.name;
        if name == "a" {
            // A second <a> closes the first as if by </a>.
            if let Some(at) = self.open.iter().rposition(|o| o.listed && o.name == "a") {
                self.pop_to(at);
            }
            self.closed_formatting
                .retain(|k| k.split(' ').next() != Some("a"));
        }
        if BLOCKS.contains(&name) {
            let p = self
                .open
                .iter()
                .rposition(|o| o.name == "p" || P_SCOPE.contains(&o.name.as_str()));
            if let Some(at) = p.filter(|&at| self.open[at].name == "p") {
                self.pop_to(at);
            }
        } else {
            self.reopen_formatting();
        }
        if VOID.contains(&name) || IMPLIED_END.contains(&name) || tag.self_closing {
            return;
        }
        let key = FORMATTING.contains(&name).then(|| {
            let mut key = name.to_string();
            for attr in &tag.attrs {
                key.push(' ');
                key.push_str(&attr.name.local);
                key.push('=');
                key.push_str(&attr.value);
            }
            key
        });
        self.push(name, key);
    }

    fn end(&mut self, name: &str) {
        if let Some(at) = self
            .closed_formatting
            .iter()
            .rposition(|k| k.split(' ').next() == Some(name))
        {
            self.closed_formatting.remove(at);
        } else if let Some(at) = self.open.iter().rposition(|o| o.name == name) {
            self.pop_to(at);
        }
    }
}

/// The replay as the tokenizer's sink; it stops looking once too deep.
struct Replay(RefCell<Shape>);

impl TokenSink for Replay {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut shape = self.0.borrow_mut();
        if shape.too_deep {
            return TokenSinkResult::Continue;
        }
        match token {
            Token::CharacterTokens(_) => shape.reopen_formatting(),
            Token::TagToken(tag) if tag.kind == TagKind::StartTag => {
                shape.start(&tag);
                let raw = match &*tag.name {
                    "script" => Some(RawKind::ScriptData),
                    "style" | "xmp" | "iframe" | "noembed" | "noframes" => Some(RawKind::Rawtext),
                    "textarea" | "title" => Some(RawKind::Rcdata),
                    _ => None,
                };
                if let Some(kind) = raw.filter(|_| !tag.self_closing) {
                    return TokenSinkResult::RawData(kind);
                }
            }
            Token::TagToken(tag) => shape.end(&tag.name),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// Whether the tree builder can take this HTML in linear time: one tokenizer
/// pass replaying the element stack, which may not grow past [`MAX_DEPTH`].
fn shape_is_tractable(html: &str) -> bool {
    let tokenizer = Tokenizer::new(Replay(RefCell::default()), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    !tokenizer.sink.0.into_inner().too_deep
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_mail_html_is_sanitised() {
        let clean = html("<p>Hi <b>team</b><script>x()</script><a href=\"javascript:x\" onclick=\"y\">l</a><img src=\"t\"><p>two").unwrap();
        assert_eq!(
            clean,
            "<p>Hi <b>team</b><a rel=\"noopener noreferrer nofollow\">l</a></p><p>two</p>"
        );
    }

    #[test]
    fn sloppy_but_common_html_is_still_rendered() {
        let sloppy = "<table><tr><td>a<td>b<tr><td>c</table><ul><li>x<li>y</ul><p>one<p>two<br><b><i>z</b></i></font>";
        assert!(html(&sloppy.repeat(200)).is_some());
        let nested = format!(
            "{}x{}",
            "<div><blockquote>".repeat(60),
            "</blockquote></div>".repeat(60)
        );
        assert!(html(&nested).is_some(), "120 levels of forwarded history");
    }

    #[test]
    fn unclosed_formatting_in_every_paragraph_is_rendered() {
        assert!(html(&"<p><font face=\"Arial\"><b>Dear customer,</p>".repeat(2_000)).is_some());
        assert!(
            html(&"<div></div><p>x</p>".repeat(10_000)).is_some(),
            "many siblings are fine"
        );
    }

    #[test]
    fn crafted_depth_and_misnesting_are_not_built() {
        assert_eq!(html(&"<div>".repeat(MAX_DEPTH + 1)), None);
        assert_eq!(html(&"<b>x".repeat(MAX_DEPTH + 1)), None);
        assert_eq!(html(&"<a><p><b></a></p>x".repeat(2 * MAX_DEPTH)), None);
        let distinct: String = (0..=MAX_DEPTH)
            .map(|i| format!("<p><b id={i}>x</p>"))
            .collect();
        assert_eq!(
            html(&distinct),
            None,
            "each paragraph would reopen every earlier <b>"
        );
    }
}
