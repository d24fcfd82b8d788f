//! The HTML view folded like the text: an HTML reply's trailing quoted
//! history (and a clearly marked signature just above it) moved into a closed
//! `<details>` before sanitising, so the formatted email shows the answer and
//! keeps the history one click away, without script.
//!
//! The fold starts where the text's fold starts: the quote containers and
//! markers the text knows (`quoting_of`; a container counts only when
//! nothing but whitespace follows it, a marker makes everything after it
//! history), Gmail's and Thunderbird's signature containers just above them,
//! and what [`quote::split`] finds in the HTML's text (an attribution line
//! above the container, Outlook's plain header block). A text position is
//! mapped back to the element whose text starts exactly there; when it does
//! not map cleanly, or no text comes before the fold, the HTML is left whole.
//! One tree build and one walk: linear in the HTML.

use std::cell::RefCell;
use std::rc::Rc;

use html5ever::serialize::{serialize, SerializeOpts};
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::{local_name, ns, parse_document, LocalName, QualName};
use markup5ever_rcdom::{Handle, Node, NodeData, RcDom, SerializableHandle};

use super::fold::Fold;
use super::html_text::{html_reply, quoting_of, Quoting, HIDDEN};
use super::quote;

/// Classes of elements that hold a sender's signature (Gmail, Thunderbird).
const SIGNATURE_CLASSES: &[&str] = &["gmail_signature", "moz-signature"];

/// Both folds together.
fn with(one: Fold, other: Fold) -> Fold {
    if one == other {
        one
    } else {
        Fold::QuoteAndSignature
    }
}

/// The HTML (not yet sanitised) with its history inside a closed
/// `<details>`, and what was folded; `None` when nothing is folded with
/// confidence (the caller then uses the HTML as it is).
pub fn fold(html: &str) -> Option<(String, Fold)> {
    let dom =
        parse_document(RcDom::default(), Default::default()).one(StrTendril::from_slice(html));
    let mut walk = walk(&dom.document);
    // The text's fold is placed in the tree only when both read the same letters in the same order.
    let text_fold = text_fold(html)
        .filter(|(_, _, whole)| *whole == walk.letters)
        .map(|(at, kind, _)| (at, kind));
    let (start, kind) = match (text_fold, walk.start.take()) {
        (Some((at, kind)), Some(dom)) if at < dom.at => walk
            .element_at(at)
            .map_or((dom.node, dom.kind), |node| (node, with(kind, dom.kind))),
        (_, Some(dom)) => (dom.node, dom.kind),
        (Some((at, kind)), None) => (walk.element_at(at)?, kind),
        (None, None) => return None,
    };
    wrap_from(&start, kind);
    let mut out = Vec::with_capacity(html.len() + 64);
    serialize(
        &mut out,
        &SerializableHandle::from(dom.document.clone()),
        SerializeOpts::default(),
    )
    .ok()?;
    String::from_utf8(out).ok().map(|html| (html, kind))
}

/// The letters and digits of a text: what the text and the tree agree on,
/// whatever their whitespace, bullets and line breaks.
fn letters(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Where the text's own fold starts (in bytes of its [`letters`]), what it
/// folds, and all the text's letters: as the text of HTML-only mail is folded
/// (above the quote container when there is one, else the whole text).
fn text_fold(html: &str) -> Option<(usize, Fold, String)> {
    let reply = html_reply(html);
    let whole = letters(&reply.text);
    match reply.new_text.filter(|above| !letters(above).is_empty()) {
        Some(above) => {
            let split = quote::split(&above)?;
            let kind = if split.fold == Fold::Quote {
                Fold::Quote
            } else {
                Fold::QuoteAndSignature
            };
            Some((letters(split.visible).len(), kind, whole))
        }
        None => {
            quote::split(&reply.text).map(|split| (letters(split.visible).len(), split.fold, whole))
        }
    }
}

/// Where the history found in the tree starts.
struct Start {
    node: Handle,
    kind: Fold,
    /// The bytes of [`letters`] before it.
    at: usize,
}

/// The tree's letters, its text nodes with the bytes of letters before
/// each, and the history its quote containers, markers and signatures show.
struct Walk {
    letters: String,
    texts: Vec<(Handle, usize)>,
    start: Option<Start>,
}

enum Step {
    Enter(Handle),
    Leave,
}

/// An element's local name and a reader of its attributes.
fn element(node: &Handle) -> Option<(&str, impl Fn(&str) -> String + '_)> {
    let NodeData::Element { name, attrs, .. } = &node.data else {
        return None;
    };
    let attr = move |want: &str| {
        attrs
            .borrow()
            .iter()
            .find(|a| &*a.name.local == want)
            .map(|a| a.value.to_string())
            .unwrap_or_default()
    };
    Some((&*name.local, attr))
}

/// How an element stands in the history: a quote or a signature, and
/// whether it is a marker (everything after it is history).
fn kind_of(node: &Handle) -> Option<(Fold, bool)> {
    let (name, attr) = element(node)?;
    let class = attr("class");
    if let Some(quoting) = quoting_of(name, &class, &attr("id")) {
        return Some((Fold::Quote, quoting == Quoting::Marker));
    }
    let signature = class
        .to_ascii_lowercase()
        .split_whitespace()
        .any(|c| SIGNATURE_CLASSES.iter().any(|s| c.ends_with(s)))
        || attr("data-smartmail") == "gmail_signature";
    signature.then_some((Fold::Signature, false))
}

/// One pass over the tree in document order (hidden elements left out).
fn walk(document: &Handle) -> Walk {
    let mut stack = vec![Step::Enter(document.clone())];
    let (mut texts, mut start) = (Vec::new(), None::<Start>);
    let (mut inside, mut marked, mut seen_text, mut all) = (0usize, false, false, String::new());
    while let Some(step) = stack.pop() {
        let Step::Enter(node) = step else {
            inside -= 1;
            continue;
        };
        match &node.data {
            NodeData::Text { contents } => {
                let text = contents.borrow();
                if !text.trim().is_empty() && inside == 0 && !marked {
                    start = None; // new text after it: that was not the trailing history
                    seen_text = true;
                }
                texts.push((node.clone(), all.len()));
                all.push_str(&letters(&text));
                continue;
            }
            NodeData::Element { name, .. } if HIDDEN.contains(&&*name.local) => continue,
            _ => {}
        }
        if let Some((kind, marker)) = kind_of(&node).filter(|_| inside == 0 && !marked) {
            start = match start {
                Some(first) => Some(Start {
                    kind: with(first.kind, kind),
                    ..first
                }),
                None => seen_text.then(|| Start {
                    node: node.clone(),
                    kind,
                    at: all.len(),
                }),
            };
            marked = marker;
            if !marker {
                inside += 1;
                stack.push(Step::Leave);
            }
            if marked && start.is_none() {
                break; // history with nothing above it: show it whole
            }
        }
        stack.extend(
            node.children
                .borrow()
                .iter()
                .rev()
                .map(|c| Step::Enter(c.clone())),
        );
    }
    Walk {
        letters: all,
        texts,
        start,
    }
}

impl Walk {
    /// The outermost element that starts with the text at `at` letters and
    /// holds no text before it; `None` unless a text node starts exactly there.
    fn element_at(&self, at: usize) -> Option<Handle> {
        let first = self.texts.partition_point(|(_, before)| *before < at);
        let (text, _) = self.texts[first..]
            .iter()
            .find(|(node, _)| letters_of(node) > 0)?;
        if first > 0 && self.texts[first - 1].1 + letters_of(&self.texts[first - 1].0) > at {
            return None; // the fold would start inside a text node
        }
        let mut node = text.clone();
        while let Some(parent) =
            parent_of(&node).filter(|p| !matches!(element(p), Some(("body" | "html", _)) | None))
        {
            let siblings = parent.children.borrow();
            let here = siblings.iter().position(|c| Rc::ptr_eq(c, &node))?;
            if siblings[..here].iter().any(has_letters) {
                break;
            }
            drop(siblings);
            node = parent;
        }
        Some(node)
    }
}

fn letters_of(node: &Handle) -> usize {
    match &node.data {
        NodeData::Text { contents } => contents
            .borrow()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .map(char::len_utf8)
            .sum(),
        _ => 0,
    }
}

/// Whether the node holds any letter or digit (iteratively: no recursion).
fn has_letters(node: &Handle) -> bool {
    let mut stack = vec![node.clone()];
    while let Some(node) = stack.pop() {
        if letters_of(&node) > 0 {
            return true;
        }
        stack.extend(node.children.borrow().iter().cloned());
    }
    false
}

/// The node's parent, if any.
fn parent_of(node: &Handle) -> Option<Handle> {
    let weak = node.parent.take();
    let parent = weak.as_ref().and_then(|w| w.upgrade());
    node.parent.set(weak);
    parent
}

/// Moves `start`, everything after it among its siblings, and everything
/// after each of its ancestors (up to `<body>`) into a closed `<details>`
/// standing where `start` stood.
fn wrap_from(start: &Handle, kind: Fold) {
    let Some(home) = parent_of(start) else { return };
    let at = home
        .children
        .borrow()
        .iter()
        .position(|c| Rc::ptr_eq(c, start))
        .unwrap_or(0);
    let mut moved: Vec<Handle> = home.children.borrow_mut().drain(at..).collect();
    let mut node = home.clone();
    while !matches!(element(&node), Some(("body" | "html", _)) | None) {
        let Some(parent) = parent_of(&node) else {
            break;
        };
        let after = parent
            .children
            .borrow()
            .iter()
            .position(|c| Rc::ptr_eq(c, &node))
            .map_or(usize::MAX, |p| p + 1);
        let len = parent.children.borrow().len();
        moved.extend(parent.children.borrow_mut().drain(after.min(len)..));
        node = parent;
    }
    let summary = new_element(local_name!("summary"));
    adopt(
        &summary,
        vec![Node::new(NodeData::Text {
            contents: RefCell::new(StrTendril::from_slice(kind.label())),
        })],
    );
    let details = new_element(local_name!("details"));
    adopt(&details, std::iter::once(summary).chain(moved).collect());
    details.parent.set(Some(Rc::downgrade(&home)));
    home.children.borrow_mut().push(details);
}

fn new_element(name: LocalName) -> Handle {
    Node::new(NodeData::Element {
        name: QualName::new(None, ns!(html), name),
        attrs: RefCell::new(Vec::new()),
        template_contents: RefCell::new(None),
        mathml_annotation_xml_integration_point: false,
    })
}

/// Makes `children` the children of `parent`.
fn adopt(parent: &Handle, children: Vec<Handle>) {
    for child in &children {
        child.parent.set(Some(Rc::downgrade(parent)));
    }
    parent.children.replace(children);
}

#[cfg(test)]
mod tests {
    use crate::email::sanitize::html;

    /// The sanitised HTML's visible part and its folded part, if any.
    fn split(dirty: &str) -> (String, Option<String>) {
        let clean = html(dirty).unwrap();
        match clean.split_once("<details><summary>") {
            Some((shown, folded)) => (shown.to_string(), Some(folded.to_string())),
            None => (clean, None),
        }
    }

    #[test]
    fn a_gmail_reply_shows_the_answer_and_folds_the_quote() {
        let (shown, folded) = split(
            "<div dir=\"ltr\">Thanks, it <b>arrived</b>.</div><br><div class=\"gmail_quote\"><div class=\"gmail_attr\">On Sat, Mia wrote:<br></div>\
             <blockquote class=\"gmail_quote\"><p>Where is my order?</p><script>x()</script></blockquote></div>",
        );
        assert_eq!(shown, "<div>Thanks, it <b>arrived</b>.</div><br>");
        assert_eq!(folded.unwrap(), "Show quoted text</summary><div><div>On Sat, Mia wrote:<br></div><blockquote><p>Where is my order?</p></blockquote></div></details>");
    }

    #[test]
    fn a_marker_folds_everything_after_it_even_outside_its_parent() {
        let (shown, folded) = split(
            "<div><p>Yes, Tuesday works.</p><hr><div id=\"divRplyFwdMsg\"><b>From:</b> Mia</div></div><div><p>Can we meet?</p></div><p>Old footer</p>",
        );
        assert_eq!(shown, "<div><p>Yes, Tuesday works.</p><hr>");
        let folded = folded.unwrap();
        assert!(
            folded.contains("Can we meet?")
                && folded.contains("Old footer")
                && folded.contains("From:"),
            "{folded}"
        );
    }

    #[test]
    fn a_marked_signature_above_the_quote_is_folded_with_it() {
        let (shown, folded) = split(
            "<div>See you then.</div><div>-- <br><div class=\"gmail_signature\" data-smartmail=\"gmail_signature\">Sam, Juniper Tea</div></div>\
             <div class=\"gmail_quote\"><blockquote>Old</blockquote></div>",
        );
        assert_eq!(shown, "<div>See you then.</div><div>-- <br>");
        assert!(folded
            .unwrap()
            .starts_with("Show signature and quoted text</summary><div>Sam, Juniper Tea</div>"));
        let (_, folded) = split("<p>Hi</p><div class=\"gmail_signature\">Sam</div>");
        assert!(folded.unwrap().starts_with("Show signature</summary>"));
    }

    #[test]
    fn a_plain_header_block_folds_from_the_element_that_starts_it() {
        let (shown, folded) = split(
            "<div class=WordSection1><p>Yes, it left today.</p><div style=\"border-top:solid\"><p><b>From:</b> Mia &lt;mia@example.org&gt;<br>\
             <b>Sent:</b> Monday<br><b>To:</b> Support<br><b>Subject:</b> Order</p></div><p>Where is it?</p></div>",
        );
        assert_eq!(shown, "<div><p>Yes, it left today.</p>");
        assert!(folded
            .unwrap()
            .starts_with("Show quoted text</summary><div><p><b>From:</b>"));
    }

    #[test]
    fn new_text_is_never_folded() {
        for html in [
            "<blockquote>Where is my order?</blockquote><p>It left today.</p>",
            "<p>Hi</p><blockquote>one</blockquote><p>answer one</p><blockquote>two</blockquote><p>answer two</p>",
            "<div class=\"gmail_quote\"><blockquote>Forwarded only</blockquote></div>",
            "<div id=\"divRplyFwdMsg\">From: Mia</div><div>No answer above the header</div>",
            "<p>Plain mail with no history.</p>",
            // The tree builder moves text out of a table, ahead of the header block the text rule sees.
            "<p>New answer</p><table><tr><td>From: Mia &lt;mia@example.org&gt;<br>Sent: Monday<br>To: Support<br>Subject: Re</td></tr>More new text</table>",
        ] {
            let (shown, folded) = split(html);
            assert_eq!(folded, None, "{html} folded as {shown}");
        }
    }
}
