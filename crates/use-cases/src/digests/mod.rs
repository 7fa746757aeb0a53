//! The digest posted by the app's bot to admins' Feishu chats: what it says
//! ([`card`]), when it is due and which days it covers ([`schedule`]), and how it is
//! sent once per chat and period ([`engine`], the worker the server starts). Server only.

pub mod card;
pub mod coverage;
pub mod engine;
pub mod schedule;

pub use card::{Card, DigestContent};
pub use coverage::Coverage;
pub use engine::{Attempt, Clock, DigestError, DigestSettings, Digests, ManualClock, Outcome, SystemClock};
