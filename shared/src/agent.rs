//! The support team: what an agent may do.

use crate::conversation::string_enum;

string_enum! {
    /// An agent's place in the team.
    Role { /// Owns the account: settings, the team, contacts' rights.
        PrimaryAdmin = "primary_admin", /// Answers conversations.
        Agent = "agent" }
}

string_enum! {
    /// What an API key may do, chosen when it is made.
    KeyRole { /// What any agent may do: conversations, contacts, replies; no account settings.
        Agent = "agent", /// Everything the primary admin who made it may do.
        Admin = "admin" }
}

impl KeyRole {
    /// The role a call with this key acts in, for a key made by an agent of `role`.
    pub const fn acting_role(self, role: Role) -> Role {
        match self {
            KeyRole::Agent => Role::Agent,
            KeyRole::Admin => role,
        }
    }
}

impl Role {
    /// Whether this role may change account-wide settings.
    pub const fn is_primary_admin(self) -> bool {
        matches!(self, Role::PrimaryAdmin)
    }
}

/// Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device
/// Cookies"): a browser an agent signed in from carries `<nonce>.<mac>`, the
/// MAC binding the nonce to that agent's sign-in email. Such a browser is
/// limited per device, not per email, so strangers' guesses (limited per
/// email) never lock the agent out of a browser they have used before.
pub mod device {
    use crate::digest::{hmac_sha256, same};
    use hmac::Mac;

    /// The cookie's name.
    pub const COOKIE: &str = "parley_device";
    /// How long a browser stays trusted after its last successful sign-in (a year).
    pub const MAX_AGE_SECONDS: u64 = 365 * 24 * 60 * 60;
    /// Hex digits of a nonce (128 random bits).
    pub const NONCE_HEX: usize = 32;

    fn mac(secret: &[u8], email: &str, nonce: &str) -> String {
        hex::encode(
            hmac_sha256(
                secret,
                &[
                    b"parley-device-cookie\n",
                    email.as_bytes(),
                    b"\n",
                    nonce.as_bytes(),
                ],
            )
            .finalize()
            .into_bytes(),
        )
    }

    /// The cookie value for `email`'s agent and a fresh `nonce` (32 hex digits).
    pub fn issue(secret: &[u8], email: &str, nonce: &str) -> String {
        format!("{nonce}.{}", mac(secret, email, nonce))
    }

    /// The nonce of `value` when it is a device cookie issued for `email`
    /// under `secret` (never with an empty secret).
    pub fn nonce_for<'a>(secret: &[u8], email: &str, value: &'a str) -> Option<&'a str> {
        let (nonce, tag) = value.split_once('.')?;
        let well_formed = !secret.is_empty()
            && nonce.len() == NONCE_HEX
            && nonce.bytes().all(|b| b.is_ascii_hexdigit());
        (well_formed && same(tag.as_bytes(), mac(secret, email, nonce).as_bytes())).then_some(nonce)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn an_agent_key_never_acts_as_the_primary_admin() {
            use super::super::{KeyRole, Role};
            assert_eq!(KeyRole::Agent.acting_role(Role::PrimaryAdmin), Role::Agent);
            assert_eq!(
                KeyRole::Admin.acting_role(Role::PrimaryAdmin),
                Role::PrimaryAdmin
            );
            assert_eq!(KeyRole::Admin.acting_role(Role::Agent), Role::Agent);
        }

        #[test]
        fn a_cookie_is_valid_only_for_its_email_and_secret() {
            let nonce = "0123456789abcdef0123456789abcdef";
            let value = issue(b"secret", "mia@example.org", nonce);
            assert_eq!(nonce_for(b"secret", "mia@example.org", &value), Some(nonce));
            assert_eq!(
                nonce_for(b"secret", "ada@example.org", &value),
                None,
                "another agent"
            );
            assert_eq!(
                nonce_for(b"other", "mia@example.org", &value),
                None,
                "another deployment"
            );
            assert_eq!(
                nonce_for(
                    b"",
                    "mia@example.org",
                    &issue(b"", "mia@example.org", nonce)
                ),
                None,
                "no secret, no trust"
            );
            let forged = format!(
                "{}.{}",
                "f".repeat(NONCE_HEX),
                value.split_once('.').unwrap().1
            );
            assert_eq!(
                nonce_for(b"secret", "mia@example.org", &forged),
                None,
                "the MAC covers the nonce"
            );
            for bad in ["", ".", "abc", "zz.zz", &format!("{nonce}.")] {
                assert_eq!(
                    nonce_for(b"secret", "mia@example.org", bad),
                    None,
                    "{bad:?}"
                );
            }
        }
    }
}
