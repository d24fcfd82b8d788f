//! The HTTP API's shapes, in one place: what clients send (`request`) and
//! what the worker answers (`response`).
//!
//! The store reads rows into its own types and answers these, so a renamed
//! column never changes what clients receive. Vocabularies travel as their
//! stored names, booleans as booleans, times as milliseconds since the epoch.

pub mod request;
pub mod response;

pub use request::*;
pub use response::*;
