//! The server renders a chart for the first paint and the browser renders it again
//! after hydration: both must produce the same bytes, or hydration breaks.
//!
//! The pinned hashes below were produced natively and, with the same code and
//! input, on wasm32-unknown-unknown (wasm-bindgen, run under Node, which has no
//! DOM: a text measurement by plotters would have panicked there), and compared
//! byte for byte. When a change to the drawing is intended, render
//! `common::fixed_set()` on wasm32 again, check that it still equals the native
//! output, and only then update the hashes.
//!
//! The page's charts are no longer drawn in the browser (a chart box fetches the
//! server's drawing at its width), so since the day targets' `data-day` (2026-12) the
//! pins are the native output; the comparison on wasm32 matters again only should the
//! browser draw charts itself.

mod common;

use common::{fixed_set, fnv64};

/// FNV-1a of each chart of the fixed set, as rendered on both targets.
const VERIFIED_ON_NATIVE_AND_WASM32: [(&str, u64, usize); 16] = [
    ("year-8-blocks", 0x855d_7e85_0e04_dd7b, 404_554),
    ("3-years-total", 0x143f_3829_3858_8b00, 339_405),
    ("3-years-8-blocks", 0xef72_9a7f_68c2_2197, 1_185_189),
    ("one-day", 0x4649_5b1a_8cd1_d0fc, 3_393),
    ("week-total", 0x74bd_be48_dba5_cdc0, 5_935),
    ("zh-20-days", 0x6758_2a46_18fb_5d44, 24_307),
    ("huge-values", 0x62e9_89fa_e91a_b0ed, 10_063),
    ("gaps", 0x09c0_915e_c8ef_de5c, 23_610),
    ("empty-no-days", 0xa6c0_ed78_7ec7_ecde, 612),
    ("empty-no-series", 0xeaad_51f8_16bf_ed07, 1_962),
    ("bars-15", 0xe9b0_e5f7_4098_65b9, 12_318),
    ("bars-long-labels", 0xff73_3f2d_412e_df88, 10_118),
    ("bars-u64-max", 0x0ee5_9feb_6a4e_b49d, 3_085),
    ("bars-empty", 0x7bdb_e758_b5b1_9f02, 472),
    ("download-trend", 0x6616_7fa8_6517_60ca, 32_959),
    ("download-bars", 0x8320_2637_0ade_00d2, 4_719),
];

#[test]
fn output_is_the_bytes_verified_on_the_server_and_in_the_browser() {
    let rendered = fixed_set();
    let mut changed = Vec::new();
    for ((name, svg), (pinned_name, hash, len)) in rendered.iter().zip(VERIFIED_ON_NATIVE_AND_WASM32) {
        assert_eq!(*name, pinned_name, "the fixed set changed order");
        if fnv64(svg) != hash || svg.len() != len {
            changed.push(format!("(\"{name}\", {:#018x}, {}) was ({hash:#018x}, {len})", fnv64(svg), svg.len()));
        }
    }
    assert_eq!(rendered.len(), VERIFIED_ON_NATIVE_AND_WASM32.len());
    assert!(changed.is_empty(), "the output changed; check it on wasm32 before updating the pins:\n{}", changed.join("\n"));
}

#[test]
fn output_depends_only_on_the_input() {
    // Rendering order, earlier renders and the thread leave no trace.
    let first = fixed_set();
    let other_thread = std::thread::spawn(fixed_set).join().expect("render");
    assert_eq!(first, other_thread);
    let again = fixed_set();
    assert_eq!(first, again);
}

#[test]
fn nothing_of_plotters_own_markup_is_left() {
    for (name, svg) in fixed_set() {
        // Sentinel colours are written by plotters in upper case; theme colours
        // are lower case.
        let upper_hex = svg.match_indices('#').any(|(i, _)| {
            let code = svg.get(i + 1..i + 7).unwrap_or("");
            code.len() == 6 && code.chars().all(|c| c.is_ascii_hexdigit()) && code.chars().any(|c| c.is_ascii_uppercase())
        });
        assert!(!upper_hex, "{name}: a sentinel colour is left");
        for leftover in ["opacity=\"1\"", "width=\"9000\"", "/>\n", "\n</", "font-size=\"96.", "font-family=\"sans-serif\""] {
            assert!(!svg.contains(leftover), "{name}: {leftover:?} left");
        }
        let roots = svg.matches("<svg").count();
        assert_eq!(roots, 1, "{name}: plotters' root is left");
    }
}
