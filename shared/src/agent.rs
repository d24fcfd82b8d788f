//! The support team: what an agent may do.

use crate::conversation::string_enum;

string_enum! {
    /// An agent's place in the team.
    Role { /// Owns the account: settings, the team, contacts' rights.
        PrimaryAdmin = "primary_admin", /// Answers conversations.
        Agent = "agent" }
}

impl Role {
    /// Whether this role may change account-wide settings.
    pub const fn is_primary_admin(self) -> bool {
        matches!(self, Role::PrimaryAdmin)
    }
}
