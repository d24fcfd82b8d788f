//! The HTML view folded like the text: an HTML reply's trailing quoted
//! history (and a clearly marked signature just above it) moved into a closed
//! `<details>` before sanitising, so the formatted email shows the answer and
//! keeps the history one click away, without script.
//!
//! The history is found with the rule the text uses ([`quoting_of`]): a quote
//! container counts only when nothing but whitespace follows it, a marker
//! (Outlook's `divRplyFwdMsg`, …) makes everything after it history. Text must
//! come before the fold; when the HTML does not show its history this way it
//! is left whole. One tree build and one walk: linear in the HTML.

use std::cell::RefCell;
use std::rc::Rc;

use markup5ever_rcdom::{Handle, Node, NodeData, RcDom, SerializableHandle};
use html5ever::serialize::{serialize, SerializeOpts};
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::{local_name, ns, parse_document, LocalName, QualName};

use super::html_text::{quoting_of, Quoting, HIDDEN};

/// Classes of elements that hold a sender's signature (Gmail, Thunderbird).
const SIGNATURE_CLASSES: &[&str] = &["gmail_signature", "moz-signature"];

/// What the folded part of the HTML holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HtmlFold {
    /// Quoted history.
    Quote,
    /// A signature only.
    Signature,
    /// A signature and the quoted history under it.
    QuoteAndSignature,
}

impl HtmlFold {
    /// The fold's summary line, as the inbox names the text's folds.
    pub fn label(self) -> &'static str {
        match self {
            HtmlFold::Quote => "Show quoted text",
            HtmlFold::Signature => "Show signature",
            HtmlFold::QuoteAndSignature => "Show signature and quoted text",
        }
    }

    fn with(self, other: HtmlFold) -> HtmlFold {
        if self == other { self } else { HtmlFold::QuoteAndSignature }
    }
}

/// The HTML (not yet sanitised) with its history inside a closed
/// `<details>`, and what was folded; `None` when nothing is folded with
/// confidence (the caller then uses the HTML as it is).
pub fn fold(html: &str) -> Option<(String, HtmlFold)> {
    let dom = parse_document(RcDom::default(), Default::default()).one(StrTendril::from_slice(html));
    let (start, kind) = history_start(&dom.document)?;
    wrap_from(&start, kind);
    let mut out = Vec::with_capacity(html.len() + 64);
    serialize(&mut out, &SerializableHandle::from(dom.document.clone()), SerializeOpts::default()).ok()?;
    String::from_utf8(out).ok().map(|html| (html, kind))
}

/// An element's local name and the value of one of its attributes.
fn element(node: &Handle) -> Option<(&str, impl Fn(&str) -> String + '_)> {
    let NodeData::Element { name, attrs, .. } = &node.data else { return None };
    let attr = move |want: &str| attrs.borrow().iter().find(|a| &*a.name.local == want).map(|a| a.value.to_string()).unwrap_or_default();
    Some((&*name.local, attr))
}

/// How an element stands in the history: a quote, a signature, a marker.
fn kind_of(node: &Handle) -> Option<(HtmlFold, bool)> {
    let (name, attr) = element(node)?;
    let class = attr("class");
    if let Some(quoting) = quoting_of(name, &class, &attr("id")) {
        return Some((HtmlFold::Quote, quoting == Quoting::Marker));
    }
    let signature = class.to_ascii_lowercase().split_whitespace().any(|c| SIGNATURE_CLASSES.iter().any(|s| c.ends_with(s)))
        || attr("data-smartmail") == "gmail_signature";
    signature.then_some((HtmlFold::Signature, false))
}

/// The first node of the trailing history, in document order, and what the
/// history holds; `None` without one or without text above it.
fn history_start(document: &Handle) -> Option<(Handle, HtmlFold)> {
    let mut stack = vec![document.clone()];
    let mut seen_text = false;
    let mut start: Option<(Handle, HtmlFold)> = None;
    while let Some(node) = stack.pop() {
        match &node.data {
            NodeData::Text { contents } => {
                if !contents.borrow().trim().is_empty() {
                    start = None; // new text after it: that was not the trailing history
                    seen_text = true;
                }
                continue;
            }
            NodeData::Element { name, .. } if HIDDEN.contains(&&*name.local) => continue,
            _ => {}
        }
        match kind_of(&node) {
            Some((kind, true)) => {
                let (first, kind) = match start {
                    Some((first, earlier)) => (first, earlier.with(kind)),
                    None => (node, kind),
                };
                return seen_text.then_some((first, kind));
            }
            Some((kind, false)) => {
                start = Some(match start {
                    Some((first, earlier)) => (first, earlier.with(kind)),
                    None if seen_text => (node, kind),
                    None => return None, // history with nothing above it: show it whole
                });
            }
            None => stack.extend(node.children.borrow().iter().rev().cloned()),
        }
    }
    start
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
fn wrap_from(start: &Handle, kind: HtmlFold) {
    let Some(home) = parent_of(start) else { return };
    let at = home.children.borrow().iter().position(|c| Rc::ptr_eq(c, start)).unwrap_or(0);
    let mut moved: Vec<Handle> = home.children.borrow_mut().drain(at..).collect();
    let mut node = home.clone();
    while !matches!(element(&node), Some(("body" | "html", _)) | None) {
        let Some(parent) = parent_of(&node) else { break };
        let after = parent.children.borrow().iter().position(|c| Rc::ptr_eq(c, &node)).map_or(usize::MAX, |p| p + 1);
        let len = parent.children.borrow().len();
        moved.extend(parent.children.borrow_mut().drain(after.min(len)..));
        node = parent;
    }
    let summary = new_element(local_name!("summary"));
    adopt(&summary, vec![Node::new(NodeData::Text { contents: RefCell::new(StrTendril::from_slice(kind.label())) })]);
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
        assert!(folded.contains("Can we meet?") && folded.contains("Old footer") && folded.contains("From:"), "{folded}");
    }

    #[test]
    fn a_marked_signature_above_the_quote_is_folded_with_it() {
        let (shown, folded) = split(
            "<div>See you then.</div><div>-- <br><div class=\"gmail_signature\" data-smartmail=\"gmail_signature\">Sam, Juniper Tea</div></div>\
             <div class=\"gmail_quote\"><blockquote>Old</blockquote></div>",
        );
        assert_eq!(shown, "<div>See you then.</div><div>-- <br>");
        assert!(folded.unwrap().starts_with("Show signature and quoted text</summary><div>Sam, Juniper Tea</div>"));
        let (_, folded) = split("<p>Hi</p><div class=\"gmail_signature\">Sam</div>");
        assert!(folded.unwrap().starts_with("Show signature</summary>"));
    }

    #[test]
    fn new_text_is_never_folded() {
        for html in [
            "<blockquote>Where is my order?</blockquote><p>It left today.</p>",
            "<p>Hi</p><blockquote>one</blockquote><p>answer one</p><blockquote>two</blockquote><p>answer two</p>",
            "<div class=\"gmail_quote\"><blockquote>Forwarded only</blockquote></div>",
            "<div id=\"divRplyFwdMsg\">From: Mia</div><div>No answer above the header</div>",
            "<p>Plain mail with no history.</p>",
        ] {
            let (shown, folded) = split(html);
            assert_eq!(folded, None, "{html} folded as {shown}");
        }
    }
}
