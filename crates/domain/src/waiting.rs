//! What a query past its deadline was waiting for: said by the service's error, worded
//! by the pages and the API.

use serde::{Deserialize, Serialize};

/// What a query is waiting for at one moment; named when its deadline passes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum WaitedFor {
    /// The dashboard's database (final days, the call count, leases).
    #[default]
    Store,
    /// Feishu's answers for this many days (fetched by this query or by one it joined).
    Feishu { days: usize },
    /// Another replica fetching this many days (under its lease).
    Replica { days: usize },
    /// The dashboard's whole answer (the request's own deadline, past every other).
    Answer,
}

impl std::fmt::Display for WaitedFor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WaitedFor::Store => f.write_str("the dashboard's database"),
            WaitedFor::Feishu { days } => write!(f, "Feishu's answers for {days} day(s)"),
            WaitedFor::Replica { days } => write!(f, "another replica fetching {days} day(s)"),
            WaitedFor::Answer => f.write_str("the dashboard's answer"),
        }
    }
}
