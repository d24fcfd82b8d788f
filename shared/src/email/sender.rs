//! Whether an inbound mail's From header is backed by the server that sent it.
//!
//! Anyone can write any From header, and any envelope sender. Only what the
//! receiving server computed counts: the topmost ARC-Authentication-Results
//! (else Authentication-Results) header, the one the nearest receiving server
//! added. The From is *verified* when that header says DMARC passed for the
//! From domain, or SPF passed for an envelope domain *aligned* with the From
//! (both share one registered domain: `mail.example.co.uk` and `example.co.uk`
//! do; `example.org` and `evil.example` do not, decided with the public suffix
//! list). Anything else (no results, `spf=fail`, `softfail`, `permerror`,
//! `dmarc=fail`) is unverified. Alignment is judged on the envelope domain SPF
//! checked: a forwarder's SRS address (`SRS0=hash=tt=domain=local@forwarder`)
//! names the original sender's domain, but only the forwarder's domain was
//! checked, so such mail is verified by DMARC alone. A bounce (empty envelope
//! sender) is never aligned.

use serde_json::{json, Map, Value};

use crate::conversation::string_enum;

string_enum! {
    /// A result of an authentication method (RFC 8601).
    Verdict { /// The check passed.
        Pass = "pass", /// The check failed.
        Fail = "fail", /// SPF: probably not authorised.
        SoftFail = "softfail", /// No statement either way.
        Neutral = "neutral", /// Nothing to check (no record, no signature).
        None = "none", /// A temporary error while checking.
        TempError = "temperror", /// A permanent error in the sender's records.
        PermError = "permerror", /// Passed, but a local policy overrode it.
        Policy = "policy" }
}

/// What the receiving server's authentication header says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Authentication {
    /// The header it came from, lower-case (`arc-authentication-results` or `authentication-results`).
    pub header: Option<&'static str>,
    /// DMARC result.
    pub dmarc: Option<Verdict>,
    /// SPF result.
    pub spf: Option<Verdict>,
    /// DKIM result (the first signature listed).
    pub dkim: Option<Verdict>,
    /// The domain DMARC was evaluated for (`header.from`), lower-case, if stated.
    pub dmarc_domain: Option<String>,
    /// The domain SPF was evaluated for (`smtp.mailfrom`), lower-case, if stated.
    pub spf_domain: Option<String>,
}

/// Which positive result verified a sender.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerifiedBy {
    /// DMARC passed for the From domain.
    Dmarc,
    /// SPF passed for an envelope domain aligned with the From.
    Spf,
}

/// The sender check of one inbound mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    /// The From address and the envelope sender SPF checked (the forwarder's,
    /// when SRS-wrapped) share a registered domain.
    pub aligned: bool,
    /// The From address's domain, lower-case.
    pub from_domain: Option<String>,
    /// The envelope sender's domain (the original sender's when SRS-wrapped).
    pub envelope_domain: Option<String>,
    /// The forwarder's domain, when the envelope sender was SRS-wrapped.
    pub forwarded_by: Option<String>,
    /// The topmost authentication header's results.
    pub authentication: Authentication,
}

impl Sender {
    /// Checks the From address against the envelope sender and the headers.
    pub fn check<'a>(
        from_email: &str,
        envelope_from: &str,
        headers: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Self {
        let envelope = envelope_from
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>');
        let checked = envelope
            .rsplit_once('@')
            .map(|(local, domain)| (local, clean_domain(domain)));
        let (envelope_domain, forwarded_by) = match &checked {
            Some((local, domain)) => match unwrap_srs(local) {
                Some((original, _)) => (Some(original), Some(domain.clone())),
                None => (Some(domain.clone()), None),
            },
            None => (None, None),
        };
        let from_domain = from_email
            .rsplit_once('@')
            .map(|(_, d)| clean_domain(d))
            .filter(|d| !d.is_empty());
        let aligned = match (&from_domain, &checked) {
            (Some(from), Some((_, envelope))) => same_registered_domain(from, envelope),
            _ => false,
        };
        Sender {
            aligned,
            from_domain,
            envelope_domain,
            forwarded_by,
            authentication: authentication(headers),
        }
    }

    /// The positive result the receiving server computed that backs the From, if any.
    pub fn verified_by(&self) -> Option<VerifiedBy> {
        let a = &self.authentication;
        let from = self.from_domain.as_deref()?;
        let stated =
            |domain: &Option<String>, ok: &dyn Fn(&str) -> bool| domain.as_deref().is_none_or(ok);
        if a.dmarc == Some(Verdict::Pass) && stated(&a.dmarc_domain, &|d| d == from) {
            return Some(VerifiedBy::Dmarc);
        }
        if a.dmarc != Some(Verdict::Fail)
            && a.spf == Some(Verdict::Pass)
            && self.aligned
            && stated(&a.spf_domain, &|d| same_registered_domain(d, from))
        {
            return Some(VerifiedBy::Spf);
        }
        None
    }

    /// Whether the From can be trusted enough to name a contact: DMARC passed
    /// for it, or SPF passed for an aligned envelope sender.
    pub fn verified(&self) -> bool {
        self.verified_by().is_some()
    }

    /// The check as stored in the message's headers JSON.
    pub fn to_json(&self) -> Value {
        let mut results = Map::new();
        let a = &self.authentication;
        for (method, verdict) in [("dmarc", a.dmarc), ("spf", a.spf), ("dkim", a.dkim)] {
            if let Some(v) = verdict {
                results.insert(method.into(), v.as_str().into());
            }
        }
        if let Some(header) = a.header {
            results.insert("header".into(), header.into());
        }
        if let Some(domain) = &a.dmarc_domain {
            results.insert("dmarc_domain".into(), domain.as_str().into());
        }
        if let Some(domain) = &a.spf_domain {
            results.insert("spf_domain".into(), domain.as_str().into());
        }
        let verified_by = self.verified_by().map(|by| match by {
            VerifiedBy::Dmarc => "dmarc",
            VerifiedBy::Spf => "spf",
        });
        json!({
            "aligned": self.aligned,
            "verified": verified_by.is_some(),
            "verified_by": verified_by,
            "envelope_domain": self.envelope_domain,
            "forwarded_by": self.forwarded_by,
            "authentication": results,
        })
    }
}

fn clean_domain(domain: &str) -> String {
    domain.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// The original sender's domain and local part of an SRS local part
/// (`SRS0=HHH=TT=domain=local`, `SRS1=HHH=forwarder==HHH=TT=domain=local`).
pub fn unwrap_srs(local: &str) -> Option<(String, String)> {
    let tag = local.get(..4)?.to_ascii_uppercase();
    let rest = local
        .get(5..)
        .filter(|_| matches!(local.as_bytes()[4], b'=' | b'+' | b'-'))?;
    let srs0 = match tag.as_str() {
        "SRS0" => rest,
        "SRS1" => rest.split_once("==")?.1,
        _ => return None,
    };
    let mut fields = srs0.splitn(4, '=');
    let (_hash, _time, domain, original_local) = (
        fields.next()?,
        fields.next()?,
        fields.next()?,
        fields.next()?,
    );
    (!domain.is_empty() && !original_local.is_empty())
        .then(|| (clean_domain(domain), original_local.to_string()))
}

/// The registered (organizational) domain: one label under the public suffix.
pub fn registered_domain(domain: &str) -> Option<&str> {
    psl::domain_str(domain)
}

/// Whether two domains belong to one registrant (exact match when the list knows neither).
pub fn same_registered_domain(a: &str, b: &str) -> bool {
    let (a, b) = (clean_domain(a), clean_domain(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    match (registered_domain(&a), registered_domain(&b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// The results of the topmost ARC-Authentication-Results header, else of the
/// topmost Authentication-Results header.
pub fn authentication<'a>(headers: impl IntoIterator<Item = (&'a str, &'a str)>) -> Authentication {
    let mut arc = None;
    let mut plain = None;
    for (name, value) in headers {
        let name = name.trim();
        if arc.is_none() && name.eq_ignore_ascii_case("arc-authentication-results") {
            arc = Some(value);
        } else if plain.is_none() && name.eq_ignore_ascii_case("authentication-results") {
            plain = Some(value);
        }
    }
    let (header, value) = match (arc, plain) {
        (Some(v), _) => ("arc-authentication-results", v),
        (None, Some(v)) => ("authentication-results", v),
        (None, None) => return Authentication::default(),
    };
    let mut found = Authentication {
        header: Some(header),
        ..Authentication::default()
    };
    for clause in without_comments(value).split(';') {
        let Some((method, rest)) = clause.trim().split_once('=') else {
            continue;
        };
        let mut words = rest.split_whitespace();
        let mut no_domain = None;
        let verdict = words
            .next()
            .and_then(|r| Verdict::parse(&r.to_ascii_lowercase()));
        let (slot, domain, property) = match method.trim().to_ascii_lowercase().as_str() {
            "dmarc" => (&mut found.dmarc, &mut found.dmarc_domain, "header.from"),
            "spf" => (&mut found.spf, &mut found.spf_domain, "smtp.mailfrom"),
            "dkim" => (&mut found.dkim, &mut no_domain, ""),
            _ => continue,
        };
        if slot.is_none() {
            *slot = verdict;
            *domain = words.find_map(|w| property_domain(w, property));
        }
    }
    found
}

/// The domain of a `ptype.property=value` word (`smtp.mailfrom=a@b.example` gives `b.example`).
fn property_domain(word: &str, property: &str) -> Option<String> {
    let (name, value) = word.split_once('=')?;
    if property.is_empty() || !name.eq_ignore_ascii_case(property) {
        return None;
    }
    let value = value.trim_matches('"');
    let domain = clean_domain(value.rsplit_once('@').map_or(value, |(_, d)| d));
    (!domain.is_empty()).then_some(domain)
}

/// The header value without its `(comments)`, which may hold `;` and `=`.
fn without_comments(value: &str) -> String {
    let mut depth = 0usize;
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(from: &str, envelope: &str) -> Sender {
        Sender::check(from, envelope, [])
    }

    #[test]
    fn the_same_registered_domain_is_aligned() {
        assert!(check("mia@example.org", "mia@example.org").aligned);
        assert!(
            check("mia@example.org", "<bounces+123@Mail.Example.ORG.>").aligned,
            "subdomain of the From domain"
        );
        assert!(
            check("mia@news.example.co.uk", "b@example.co.uk").aligned,
            "parent under a two-label suffix"
        );
        assert!(
            !check("mia@a.co.uk", "b@b.co.uk").aligned,
            "siblings under a public suffix"
        );
        assert!(
            !check("mia@alice.github.io", "x@eve.github.io").aligned,
            "private suffixes count too"
        );
        assert!(
            !check("mia@example.org", "sender@evil.example").aligned,
            "different domain"
        );
        assert!(!check("mia@example.org", "sender@example.org.evil.example").aligned);
    }

    #[test]
    fn bounces_and_bad_input_are_not_aligned() {
        for envelope in ["", "<>", "no-at-sign", "@", "a@"] {
            assert!(!check("mia@example.org", envelope).aligned, "{envelope:?}");
        }
        assert!(!check("not-an-address", "mia@example.org").aligned);
        assert!(!check("mia@", "mia@").aligned);
    }

    #[test]
    fn srs_names_the_original_sender_but_aligns_on_the_forwarder() {
        let srs0 = check(
            "mia@example.org",
            "SRS0=HHH=TT=example.org=mia@forwarder.example.net",
        );
        assert!(!srs0.aligned, "SPF checked the forwarder, not example.org");
        assert_eq!(srs0.envelope_domain.as_deref(), Some("example.org"));
        assert_eq!(srs0.forwarded_by.as_deref(), Some("forwarder.example.net"));
        let srs1 = check(
            "mia@example.org",
            "srs1+HHH=first.example==HHH=TT=Example.org=mia=x@second.example",
        );
        assert!(!srs1.aligned);
        assert_eq!(srs1.envelope_domain.as_deref(), Some("example.org"));
        assert_eq!(
            unwrap_srs("SRS1=HHH=first.example==HHH=TT=example.org=mia=x"),
            Some(("example.org".into(), "mia=x".into()))
        );
        assert!(
            check(
                "mia@forwarder.example.net",
                "SRS0=HHH=TT=evil.example=mia@forwarder.example.net"
            )
            .aligned
        );
        let broken = check(
            "mia@forwarder.example.net",
            "SRS0=broken@forwarder.example.net",
        );
        assert!(
            broken.aligned && broken.forwarded_by.is_none(),
            "a broken SRS local part is only a local part"
        );
        assert_eq!(unwrap_srs("SRS0"), None);
        assert_eq!(unwrap_srs("SRS0=a=b=="), None);
        assert_eq!(unwrap_srs("srs2=a=b=c=d"), None);
    }

    #[test]
    fn the_topmost_arc_results_win_over_plain_results() {
        let headers = [
            ("Authentication-Results", "mx.example; dmarc=pass header.from=example.org"),
            ("ARC-Authentication-Results", "i=2; mx.cloudflare.net; dkim=pass header.d=example.org; dmarc=fail (p=reject; sp=reject) header.from=example.org; spf=softfail (domain of x) smtp.mailfrom=x"),
            ("ARC-Authentication-Results", "i=1; first.example; dmarc=pass"),
        ];
        let auth = authentication(headers);
        let expected = Authentication {
            header: Some("arc-authentication-results"),
            dmarc: Some(Verdict::Fail),
            spf: Some(Verdict::SoftFail),
            dkim: Some(Verdict::Pass),
            dmarc_domain: Some("example.org".into()),
            spf_domain: Some("x".into()),
        };
        assert_eq!(auth, expected);
        let plain = authentication([(
            "authentication-results",
            "mx; SPF=Pass smtp.mailfrom=a@B.example.; dkim=none; dkim=pass",
        )]);
        assert_eq!(
            (plain.spf, plain.dkim, plain.dmarc),
            (Some(Verdict::Pass), Some(Verdict::None), None)
        );
        assert_eq!(plain.spf_domain.as_deref(), Some("b.example"));
        assert_eq!(
            authentication([("Subject", "dmarc=pass")]),
            Authentication::default()
        );
        assert_eq!(
            authentication([("Authentication-Results", "mx; dmarc=maybe; (spf=pass")]).dmarc,
            None
        );
    }

    fn received(from: &str, envelope: &str, results: &str) -> Sender {
        Sender::check(from, envelope, [("ARC-Authentication-Results", results)])
    }

    /// Every case: From, envelope sender, the receiver's results, verified by.
    #[test]
    fn only_a_positive_result_the_receiver_computed_verifies() {
        let srs = "SRS0=HHH=TT=example.org=mia@forwarder.example.net";
        let cases: &[(&str, &str, &str, Option<VerifiedBy>)] = &[
            ("mia@example.org", "mia@example.org", "", None),
            (
                "mia@example.org",
                "mia@example.org",
                "i=1; mx; spf=pass smtp.mailfrom=mia@example.org",
                Some(VerifiedBy::Spf),
            ),
            (
                "mia@example.org",
                "b@mail.example.org",
                "i=1; mx; spf=pass smtp.mailfrom=mail.example.org",
                Some(VerifiedBy::Spf),
            ),
            (
                "mia@example.org",
                "mia@example.org",
                "i=1; mx; spf=pass",
                Some(VerifiedBy::Spf),
            ),
            (
                "mia@example.org",
                "mia@example.org",
                "i=1; mx; spf=fail smtp.mailfrom=mia@example.org",
                None,
            ),
            (
                "mia@example.org",
                "mia@example.org",
                "i=1; mx; spf=softfail smtp.mailfrom=mia@example.org",
                None,
            ),
            (
                "mia@example.org",
                "mia@example.org",
                "i=1; mx; spf=permerror smtp.mailfrom=mia@example.org",
                None,
            ),
            (
                "mia@example.org",
                "mia@example.org",
                "i=1; mx; spf=neutral; dkim=pass header.d=example.org",
                None,
            ),
            (
                "mia@example.org",
                "mia@example.org",
                "i=1; mx; spf=pass smtp.mailfrom=x@evil.example",
                None,
            ),
            (
                "mia@example.org",
                "mia@example.org",
                "i=1; mx; dmarc=fail header.from=example.org; spf=pass",
                None,
            ),
            (
                "mia@example.org",
                "x@evil.example",
                "i=1; mx; spf=pass smtp.mailfrom=x@evil.example",
                None,
            ),
            (
                "mia@example.org",
                "x@evil.example",
                "i=1; mx; dmarc=pass header.from=example.org",
                Some(VerifiedBy::Dmarc),
            ),
            (
                "mia@example.org",
                "x@evil.example",
                "i=1; mx; dmarc=pass",
                Some(VerifiedBy::Dmarc),
            ),
            (
                "mia@example.org",
                "x@evil.example",
                "i=1; mx; dmarc=pass header.from=evil.example",
                None,
            ),
            (
                "mia@example.org",
                srs,
                "i=1; mx; spf=pass smtp.mailfrom=forwarder.example.net",
                None,
            ),
            ("mia@example.org", srs, "", None),
            (
                "mia@example.org",
                srs,
                "i=1; mx; arc=pass; dmarc=pass header.from=example.org",
                Some(VerifiedBy::Dmarc),
            ),
            ("mia@example.org", "", "i=1; mx; spf=pass", None),
        ];
        for (from, envelope, results, by) in cases {
            let sender = if results.is_empty() {
                check(from, envelope)
            } else {
                received(from, envelope, results)
            };
            assert_eq!(
                sender.verified_by(),
                *by,
                "{from} via {envelope:?}: {results:?}"
            );
        }
    }

    #[test]
    fn dmarc_failure_or_misalignment_is_unverified() {
        let failing = Sender::check(
            "mia@example.org",
            "mia@example.org",
            [("Authentication-Results", "mx; dmarc=fail")],
        );
        assert!(failing.aligned && !failing.verified());
        assert!(!check("mia@example.org", "x@evil.example").verified());
        assert!(
            !check("mia@example.org", "mia@example.org").verified(),
            "aligned, but nothing passed"
        );
        let json = failing.to_json();
        assert_eq!(json["authentication"]["dmarc"], "fail");
        assert_eq!(json["envelope_domain"], "example.org");
        assert_eq!(json["verified"], false);
    }
}
