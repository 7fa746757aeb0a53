//! The server renders a chart for the first paint and the browser renders it again
//! after hydration: both must produce the same bytes, or hydration breaks.
//!
//! The pinned hashes below were produced natively and, with the same code and
//! input, on wasm32-unknown-unknown (wasm-bindgen, run under Node, which has no
//! DOM: a text measurement by plotters would have panicked there), and compared
//! byte for byte. When a change to the drawing is intended, render
//! `common::fixed_set()` on wasm32 again, check that it still equals the native
//! output, and only then update the hashes.

mod common;

use common::{fixed_set, fnv64};

/// FNV-1a of each chart of the fixed set, as rendered on both targets.
const VERIFIED_ON_NATIVE_AND_WASM32: [(&str, u64, usize); 16] = [
    ("year-8-blocks", 0x9223_893d_7e02_ce2c, 496_305),
    ("3-years-total", 0x3417_6bc7_c8b7_6202, 381_457),
    ("3-years-8-blocks", 0xaab8_7d31_9c8d_a390, 1_460_669),
    ("one-day", 0x3f2c_9da6_58ed_dd29, 3_466),
    ("week-total", 0xa5fc_16a2_714b_ab5a, 6_204),
    ("zh-20-days", 0xd733_4635_0dba_2222, 27_863),
    ("huge-values", 0x9722_d09a_8d85_14ad, 10_947),
    ("gaps", 0x9e63_609d_bb27_9e87, 27_071),
    ("empty-no-days", 0xa6c0_ed78_7ec7_ecde, 612),
    ("empty-no-series", 0xeaad_51f8_16bf_ed07, 1_962),
    ("bars-15", 0x0763_763a_df8d_fb9c, 12_618),
    ("bars-long-labels", 0xccf6_c161_ca71_7bb4, 10_358),
    ("bars-u64-max", 0x8831_adeb_01ec_752c, 3_145),
    ("bars-empty", 0x7bdb_e758_b5b1_9f02, 472),
    ("download-trend", 0x0dda_2834_fbd1_34d1, 38_492),
    ("download-bars", 0x55da_416a_8d91_8f36, 4_725),
];

#[test]
fn output_is_the_bytes_verified_on_the_server_and_in_the_browser() {
    let rendered = fixed_set();
    let mut changed = Vec::new();
    for ((name, svg), (pinned_name, hash, len)) in
        rendered.iter().zip(VERIFIED_ON_NATIVE_AND_WASM32)
    {
        assert_eq!(*name, pinned_name, "the fixed set changed order");
        if fnv64(svg) != hash || svg.len() != len {
            changed.push(format!(
                "(\"{name}\", {:#018x}, {}) was ({hash:#018x}, {len})",
                fnv64(svg),
                svg.len()
            ));
        }
    }
    assert_eq!(rendered.len(), VERIFIED_ON_NATIVE_AND_WASM32.len());
    assert!(
        changed.is_empty(),
        "the output changed; check it on wasm32 before updating the pins:\n{}",
        changed.join("\n")
    );
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
            code.len() == 6
                && code.chars().all(|c| c.is_ascii_hexdigit())
                && code.chars().any(|c| c.is_ascii_uppercase())
        });
        assert!(!upper_hex, "{name}: a sentinel colour is left");
        for leftover in [
            "opacity=\"1\"",
            "width=\"9000\"",
            "/>\n",
            "\n</",
            "font-size=\"96.",
            "font-family=\"sans-serif\"",
        ] {
            assert!(!svg.contains(leftover), "{name}: {leftover:?} left");
        }
        let roots = svg.matches("<svg").count();
        assert_eq!(roots, 1, "{name}: plotters' root is left");
    }
}
