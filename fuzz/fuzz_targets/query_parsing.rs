//! Fuzzes the parsing of what people and scripts ask for: `domain::parse_date`,
//! `BlockId::parse` and `AccessQuery::parse` (API and page parameter names), and the
//! page's URL reading `ViewParams::from_pairs` followed by the server's parsing of its
//! result. Every check lives next to the code it checks (`domain::fuzzing`,
//! `crates/use-cases/src/view_fuzz.rs`) and also runs on stable in those crates' tests.

#![no_main]

use domain::fuzzing::{check_query, query_parsing};
use domain::ParamNames;
use libfuzzer_sys::fuzz_target;

use use_cases::view_fuzz;

fuzz_target!(|data: &[u8]| {
    // The same bytes twice: as lines (from, to, block ids) after a 3-byte header, and
    // after the header as a page's query string.
    query_parsing(data);
    let params = view_fuzz::check_page_url(data.get(3..).unwrap_or_default());
    if let Some((from, to)) = params.custom_dates() {
        let blocks: Vec<&str> = params.blocks.iter().map(String::as_str).collect();
        let max_days = 1 + u32::from(u16::from_le_bytes([data.first().copied().unwrap_or(0), data.get(1).copied().unwrap_or(0)]));
        check_query(ParamNames::PAGE, from, to, &blocks, max_days);
    }
});
