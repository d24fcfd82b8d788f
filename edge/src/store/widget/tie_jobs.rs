//! The ActiveCampaign job a tie records (see `crate::store::crm_jobs`): its
//! cause, its idempotency key and what must have happened for it to exist.

use shared::crm::{idempotency_key, JobCause};
use shared::identity::Tie;

use super::ties::ContactLink;
use crate::store::crm_jobs::JobOf;

impl ContactLink<'_> {
    /// The cause of the ActiveCampaign job this link records.
    pub(super) fn crm_cause(&self) -> JobCause {
        match (self.tie, self.form_submitted) {
            (Tie::Agent, _) => JobCause::Agent,
            (_, true) => JobCause::Form,
            (_, false) => JobCause::Identify,
        }
    }

    /// The job's idempotency key: once per visitor for the Form and an
    /// agent's add; for an identify, once per visitor and what it said.
    pub(super) fn crm_key(&self) -> String {
        let cause = self.crm_cause();
        let visitor = self.visitor.id.as_str();
        if cause != JobCause::Identify {
            return idempotency_key(cause, visitor, &[]);
        }
        let d = self.details;
        let attributes = serde_json::to_string(self.attributes).unwrap_or_default();
        let said = [
            d.email.as_deref(),
            d.phone.as_deref(),
            d.company.as_deref(),
            d.full_name.as_deref(),
        ]
        .map(|v| v.unwrap_or_default());
        let mut said = said.to_vec();
        said.push(&attributes);
        idempotency_key(cause, visitor, &said)
    }

    /// The ActiveCampaign job of this link: the visitor's contact (as the
    /// batch left it), from chat, verified as the visitor then is; a Form's
    /// only on its first submission, entering the chatbot's automation.
    pub(super) fn crm_job<'k>(&'k self, key: &'k str) -> JobOf<'k> {
        let cause = self.crm_cause();
        JobOf {
            cause,
            key,
            site_id: Some(self.visitor.site_id.as_str()),
            contact_id: None,
            visitor_id: Some(self.visitor.id.as_str()),
            conversation_id: None,
            channel: None,
            automation_id: self.crm_automation.filter(|_| cause == JobCause::Form),
            flow_turn: None,
            happened: match cause {
                JobCause::Form => {
                    "EXISTS (SELECT 1 FROM visitors WHERE id = ?5 AND form_submitted_at = ?9)"
                }
                _ => "EXISTS (SELECT 1 FROM visitors WHERE id = ?5 AND contact_id IS NOT NULL)",
            },
        }
    }
}
