//! The ActiveCampaign connector's I/O: the API client, and the queue
//! consumer's sync jobs (`jobs`).

pub mod client;
pub mod jobs;
mod steps;
