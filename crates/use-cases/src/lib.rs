//! What Block Insights does, apart from how it looks: the use-cases behind every page,
//! export and API route, with no view code.
//!
//! - Always compiled (the server and the browser bundle share them): the view a URL asks
//!   for ([`view`]), who is asking ([`identity`]), the reports the pages draw ([`report`], [`workplace_report`],
//!   [`insights_report`], [`notes_report`], [`viewers_report`], [`chart_specs`], [`digest_setup`]) and the error a person or
//!   script sees ([`error`]).
//! - On the server (`ssr`): the state built once at start-up and who is asking
//!   ([`state`]), the dashboard's reports ([`dashboard`]), block names ([`names`]), notes on the timeline ([`notes`]) and their impact ([`impact`]), API
//!   tokens ([`tokens`]), grants of view access ([`viewers`]), the chat digests, whose worker the server starts beside its
//!   routes ([`digests`]), and the Content-Security-Policy of every answer, which the
//!   page and the server both set ([`security_policy`]).
//!
//! Below it: `access-data` (the numbers), `store`, `domain`, `i18n`, `charts`. Above it:
//! `app` (the page) and `server` (the routes), which call it and nothing below it for
//! the numbers.

pub mod chart_specs;
pub mod digest_setup;
pub mod error;
pub mod identity;
pub mod insights_report;
pub mod notes_report;
pub mod report;
pub mod view;
/// The invariants the fuzz target (`fuzz/`) checks, also run by a seeded test on stable.
#[cfg(any(test, feature = "fuzzing"))]
pub mod view_fuzz;
pub mod viewers_report;
pub mod workplace_report;

#[cfg(feature = "ssr")]
pub mod builds;
#[cfg(feature = "ssr")]
pub mod dashboard;
#[cfg(feature = "ssr")]
pub mod digests;
#[cfg(feature = "ssr")]
pub mod exports;
#[cfg(feature = "ssr")]
pub mod impact;
#[cfg(feature = "ssr")]
pub mod names;
#[cfg(feature = "ssr")]
pub mod notes;
#[cfg(feature = "ssr")]
pub mod reads;
#[cfg(feature = "ssr")]
pub mod security_policy;
#[cfg(feature = "ssr")]
pub mod share_links;
#[cfg(feature = "ssr")]
pub mod sight;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod tokens;
#[cfg(feature = "ssr")]
pub mod viewers;
