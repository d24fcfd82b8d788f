//! Email I/O: inbound mail from Cloudflare Email Routing (parsed by
//! `shared::email::parse`), outbound mail through the `send_email` binding.

pub mod inbound;
mod mailboxes;
pub mod outbound;
