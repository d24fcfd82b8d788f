//! Email: inbound mail from Cloudflare Email Routing (outbound comes later).

pub mod inbound;
pub mod outbound;
pub mod parse;
mod sanitize;
