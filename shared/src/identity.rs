//! Identity verification: a host page vouches for a visitor's email with
//! `signature = hex(HMAC-SHA256(site identity secret, email))`, computed on its server.

use hmac::Mac;

use crate::conversation::string_enum;
use crate::digest::hmac_sha256;
use crate::Invalid;

string_enum! {
    /// How a site treats `identify` calls.
    IdentityMode { /// Every identify is an unverified claim.
        Off = "off", /// Signed identifies are verified; unsigned ones are unverified claims.
        Optional = "optional", /// Only signed identifies are accepted.
        Required = "required" }
}

/// The site requires a signature and none was given.
pub const SIGNATURE_REQUIRED: Invalid = Invalid::new(
    "identity_signature_required",
    "This site requires identify() to carry a signature: hex(HMAC-SHA256(identity secret, email)) from your server.",
);
/// The signature does not match the email.
pub const SIGNATURE_INVALID: Invalid = Invalid::new(
    "identity_signature_invalid",
    "The identity signature does not match this email; compute hex(HMAC-SHA256(identity secret, email)) on your server.",
);

/// What an `identify` call amounts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identity {
    /// Signed by the site: the visitor may see the contact's history from other browsers.
    Verified,
    /// A claim: attached to the contact, but shown no history it did not write in this browser.
    Unverified,
    /// Not accepted: nothing is attached.
    Refused(Invalid),
}

/// How a statement of who a visitor is may touch the contact with that email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tie {
    /// Signed by the site: ties the contact, fills its empty fields, and grants
    /// the contact's verified history (email included).
    Verified,
    /// The visitor's word (the Form step, an unsigned identify): filed under the
    /// contact with that email, which is created with the stated fields if new;
    /// an existing contact is never changed, and nothing of its history is shown.
    Claim,
    /// The visitor's word on a site that requires signatures: recorded on the
    /// visitor for the agents, and tied to no contact.
    Recorded,
    /// An agent's "click to add": ties and fills empty fields, but the visitor
    /// has proved nothing, so it grants no history either.
    Agent,
}

impl Tie {
    /// What an unsigned statement amounts to under the site's identity mode.
    pub const fn of_claim(mode: IdentityMode) -> Tie {
        match mode {
            IdentityMode::Required => Tie::Recorded,
            IdentityMode::Off | IdentityMode::Optional => Tie::Claim,
        }
    }

    /// Whether the visitor is tied to the contact with the stated email.
    pub const fn links(self) -> bool {
        !matches!(self, Tie::Recorded)
    }

    /// Whether empty fields of an existing contact may be filled.
    pub const fn fills_existing(self) -> bool {
        matches!(self, Tie::Verified | Tie::Agent)
    }

    /// Whether the visitor may see the contact's history and email.
    pub const fn grants_history(self) -> bool {
        matches!(self, Tie::Verified)
    }

    /// Whether what was stated is kept on the visitor as an unproved claim.
    pub const fn records_claim(self) -> bool {
        matches!(self, Tie::Claim | Tie::Recorded)
    }
}

/// The signature a site's server computes for `email`.
pub fn sign(secret: &str, email: &str) -> String {
    hex::encode(
        hmac_sha256(secret.as_bytes(), &[email.as_bytes()])
            .finalize()
            .into_bytes(),
    )
}

/// Whether `signature` signs `email` as given (trimmed) or in its lower-case
/// form; compared in constant time.
pub fn verify(secret: &str, email: &str, signature: &str) -> bool {
    let Ok(given) = hex::decode(signature.trim()) else {
        return false;
    };
    let email = email.trim();
    let lower = email.to_ascii_lowercase();
    let as_given = hmac_sha256(secret.as_bytes(), &[email.as_bytes()])
        .verify_slice(&given)
        .is_ok();
    let lowered = hmac_sha256(secret.as_bytes(), &[lower.as_bytes()])
        .verify_slice(&given)
        .is_ok();
    as_given | lowered
}

/// Decides what an identify is worth under the site's mode and secret.
pub fn decide(
    mode: IdentityMode,
    secret: Option<&str>,
    email: &str,
    signature: Option<&str>,
) -> Identity {
    let signature = signature.map(str::trim).filter(|s| !s.is_empty());
    let valid = || matches!((secret, signature), (Some(k), Some(s)) if !k.is_empty() && verify(k, email, s));
    match (mode, signature) {
        (IdentityMode::Off, _) => Identity::Unverified,
        (IdentityMode::Optional, None) => Identity::Unverified,
        (IdentityMode::Required, None) => Identity::Refused(SIGNATURE_REQUIRED),
        (_, Some(_)) if valid() => Identity::Verified,
        (_, Some(_)) => Identity::Refused(SIGNATURE_INVALID),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "s3cret-identity-key";

    #[test]
    fn signature_is_hmac_sha256_hex() {
        // RFC 4231 test case 2.
        assert_eq!(
            sign("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn verify_accepts_the_email_as_given_or_lower_case() {
        let sig = sign(SECRET, "Ada@Example.com");
        assert!(verify(SECRET, "Ada@Example.com", &sig));
        assert!(verify(SECRET, " Ada@Example.com ", &sig.to_uppercase()));
        let lower_sig = sign(SECRET, "ada@example.com");
        assert!(verify(SECRET, "ADA@example.com", &lower_sig));
        assert!(!verify(SECRET, "eve@example.com", &sig));
        assert!(!verify("other", "Ada@Example.com", &sig));
        assert!(!verify(SECRET, "Ada@Example.com", "not hex"));
        assert!(!verify(SECRET, "Ada@Example.com", &sig[..62]));
    }

    #[test]
    fn each_mode_decides_each_case() {
        let email = "ada@example.com";
        let good = sign(SECRET, email);
        let bad = sign(SECRET, "eve@example.com");
        let k = Some(SECRET);
        use Identity::*;
        let cases = [
            (IdentityMode::Off, None, Unverified),
            (IdentityMode::Off, Some(good.as_str()), Unverified),
            (IdentityMode::Optional, None, Unverified),
            (IdentityMode::Optional, Some(good.as_str()), Verified),
            (
                IdentityMode::Optional,
                Some(bad.as_str()),
                Refused(SIGNATURE_INVALID),
            ),
            (IdentityMode::Required, None, Refused(SIGNATURE_REQUIRED)),
            (
                IdentityMode::Required,
                Some(""),
                Refused(SIGNATURE_REQUIRED),
            ),
            (IdentityMode::Required, Some(good.as_str()), Verified),
            (
                IdentityMode::Required,
                Some(bad.as_str()),
                Refused(SIGNATURE_INVALID),
            ),
        ];
        for (mode, sig, expected) in cases {
            assert_eq!(decide(mode, k, email, sig), expected, "{mode:?} {sig:?}");
        }
        assert_eq!(
            decide(IdentityMode::Required, None, email, Some(&good)),
            Refused(SIGNATURE_INVALID),
            "no secret: nothing verifies"
        );
    }

    #[test]
    fn claims_never_change_contacts_and_never_grant_history() {
        assert_eq!(Tie::of_claim(IdentityMode::Off), Tie::Claim);
        assert_eq!(Tie::of_claim(IdentityMode::Optional), Tie::Claim);
        assert_eq!(
            Tie::of_claim(IdentityMode::Required),
            Tie::Recorded,
            "required mode: claims reach no contact"
        );
        for tie in [Tie::Claim, Tie::Recorded] {
            assert!(
                !tie.fills_existing() && !tie.grants_history() && tie.records_claim(),
                "{tie:?}"
            );
        }
        assert!(!Tie::Recorded.links());
        assert!(
            Tie::Verified.links()
                && Tie::Verified.fills_existing()
                && Tie::Verified.grants_history()
        );
        assert!(
            Tie::Agent.links()
                && Tie::Agent.fills_existing()
                && !Tie::Agent.grants_history()
                && !Tie::Agent.records_claim()
        );
    }
}
