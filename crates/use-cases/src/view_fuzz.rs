//! The invariants of reading a page URL ([`ViewParams::from_pairs`]), checked on
//! arbitrary query strings: by the cargo-fuzz target `fuzz/fuzz_targets/query_parsing.rs`
//! (through the `fuzzing` feature; this crate has no Leptos), and by the seeded test below
//! on stable Rust. The fuzz target goes on to check the server's parsing of the result
//! with `domain::fuzzing::check_query`.

use crate::view::{Tab, ViewParams};

/// Longest text the URL reader keeps for one date or block id.
const KEPT_CHARS: usize = 64;

/// Reads `query` as a browser's query string, checks what the page makes of it, and
/// answers it.
pub fn check_page_url(query: &[u8]) -> ViewParams {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query).into_owned().collect();
    let params = ViewParams::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));

    assert!(params.page >= 1, "pages count from 1: {params:?}");
    for date in [&params.from, &params.to].into_iter().flatten() {
        assert!(!date.is_empty() && date.chars().count() <= KEPT_CHARS, "{date:?}");
        assert!(!date.starts_with(char::is_whitespace), "{date:?} is trimmed");
    }
    if params.from.is_some() || params.to.is_some() {
        assert_eq!(params.preset, None, "custom dates win over a preset");
    }
    for block in &params.blocks {
        assert!(!block.is_empty() && block.chars().count() <= KEPT_CHARS, "{block:?}");
        assert!(!block.contains([',', ' ', '\n', '\t']), "{block:?} is one piece of a pasted list");
    }
    if params.tab == Tab::Overview {
        assert!(pairs.iter().all(|(k, v)| k != "tab" || v.trim() != "rows"), "tab=rows opens the rows tab");
    }

    // The canonical URL reads back as itself.
    let canonical = params.to_query();
    let again = ViewParams::from_pairs(
        form_urlencoded::parse(canonical.trim_start_matches('?').as_bytes())
            .into_owned()
            .collect::<Vec<_>>()
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str())),
    );
    assert_eq!(again.to_query(), canonical, "the canonical URL is a fixed point ({params:?})");
    params
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::{Rng as _, SeedableRng};

    const KEYS: &[&str] = &["range", "from", "to", "block", "sort", "tab", "page", "lang", "utm_source", "from_date", ""];
    const VALUES: &[&str] = &[
        "7d",
        "30d",
        "ytd",
        "bogus",
        "2024-02-29",
        "2024-02-30",
        "2024-1-1",
        " 2024-03-01 ",
        "",
        " ",
        "12,34",
        "1 2\n3\t4",
        ",,,",
        "283438293839422334",
        "-pv",
        "name",
        "-avg-uv",
        "rows",
        "0",
        "1",
        "999999999999999999999",
        "-1",
        "en",
        "ZH",
        "xx",
        "%00",
        "%2C",
        "%20",
        "%E2%80%AE",
        "%ZZ",
        "+",
        "<script>alert(1)</script>",
        "&",
        "=",
    ];

    fn query(rng: &mut StdRng) -> Vec<u8> {
        if rng.random_range(0..10) == 0 {
            return (0..rng.random_range(0..80)).map(|_| rng.random::<u8>()).collect();
        }
        let mut out = String::new();
        if rng.random_range(0..3) == 0 {
            // A valid custom range, so that the rest of the query decides.
            out.push_str("from=2024-02-01&to=2024-02-29");
        }
        for _ in 0..rng.random_range(0..8) {
            if !out.is_empty() {
                out.push('&');
            }
            out.push_str(KEYS[rng.random_range(0..KEYS.len())]);
            out.push('=');
            for _ in 0..=rng.random_range(0..2) {
                out.push_str(VALUES[rng.random_range(0..VALUES.len())]);
            }
            match rng.random_range(0..30) {
                0 => out.push_str(&"9".repeat(rng.random_range(0..200))),
                // Cut at the kept length, right where a space falls.
                1 => out.push_str(&format!("{}+{}", "7".repeat(KEPT_CHARS - 1), "x".repeat(rng.random_range(0..3)))),
                _ => {}
            }
        }
        out.into_bytes()
    }

    #[test]
    fn reading_page_urls_keeps_its_invariants_on_generated_input() {
        const INPUTS: usize = 50_000;
        let mut rng = StdRng::seed_from_u64(0x0B10_C1A5_1647_5EED);
        let mut custom = 0;
        for _ in 0..INPUTS {
            let params = check_page_url(&query(&mut rng));
            if let Some((from, to)) = params.custom_dates() {
                let blocks = params.blocks.iter().map(String::as_str);
                custom += usize::from(domain::AccessQuery::parse(domain::ParamNames::PAGE, from, to, blocks, 1098).is_ok());
            }
        }
        println!("page URLs: {INPUTS} generated query strings, {custom} valid custom ranges");
        assert!(custom > 100, "the generator reaches valid custom ranges too ({custom})");
    }
}
