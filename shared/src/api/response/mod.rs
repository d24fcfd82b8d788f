//! What the worker answers, by who reads it: the widget, the inbox, Settings.

pub mod attributes;
pub mod csat;
pub mod flows;
pub mod inbox;
pub mod labels;
pub mod proactive;
pub mod replies;
pub mod report;
pub mod settings;
pub mod teams;
pub mod trail;
pub mod widget;

pub use attributes::*;
pub use csat::*;
pub use flows::*;
pub use inbox::*;
pub use labels::*;
pub use proactive::*;
pub use replies::*;
pub use report::*;
pub use settings::*;
pub use teams::*;
pub use trail::*;
pub use widget::*;
