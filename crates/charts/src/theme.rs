//! Colours. Text, axes and grid use `currentColor` (at lower opacity for the
//! grid), so a chart takes the page's text colour in light and dark themes. Series
//! colours come from one palette in which every colour has at least 3:1 contrast
//! on white and on a near-black surface (#1f2023), the WCAG minimum for graphics,
//! ordered so the first colours differ most for colour-blind readers (after
//! Okabe & Ito). Elements carry classes (`series-N`, `grid`, `axis`, …) so the
//! app's stylesheet can restyle them.

/// Series colours, in the order they are handed out. Index 0 is the total's.
pub const PALETTE: [&str; 9] = [
    "#2f7fd1", // blue
    "#d55e00", // vermillion
    "#009e73", // bluish green
    "#cc79a7", // reddish purple
    "#b8860b", // dark goldenrod
    "#9270ca", // violet
    "#0f8b8d", // teal
    "#7a7a7a", // grey
    "#c0588a", // raspberry
];

/// Concrete light-theme colours for a downloaded file, which has no page CSS.
pub(crate) const DOCUMENT_TEXT: &str = "#1f2329";
/// The downloaded file's background.
pub(crate) const DOCUMENT_BACKGROUND: &str = "#ffffff";

/// Opacity of the horizontal grid lines (of `currentColor`).
pub(crate) const GRID_OPACITY: &str = "0.14";
/// Opacity of axis lines and tick marks.
pub(crate) const AXIS_OPACITY: &str = "0.55";
/// Opacity of secondary text (ticks, captions).
pub(crate) const MUTED_OPACITY: &str = "0.72";

/// The colour for the `index`-th series group. The emphasised group (the total)
/// always gets index 0; other groups cycle through the rest.
pub(crate) fn series_colour(index: usize) -> &'static str {
    if index == 0 { PALETTE[0] } else { PALETTE[1 + (index - 1) % (PALETTE.len() - 1)] }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn luminance(hex: &str) -> f64 {
        let channel = |i: usize| {
            let c = u8::from_str_radix(&hex[i..i + 2], 16).unwrap() as f64 / 255.0;
            if c <= 0.03928 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    }

    fn contrast(a: f64, b: f64) -> f64 {
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    #[test]
    fn palette_is_readable_on_light_and_dark_surfaces() {
        let dark = luminance("#1f2023");
        for colour in PALETTE {
            let l = luminance(colour);
            assert!(contrast(l, 1.0) >= 3.0, "{colour} on white: {}", contrast(l, 1.0));
            assert!(contrast(l, dark) >= 3.0, "{colour} on dark: {}", contrast(l, dark));
        }
    }

    #[test]
    fn colours_cycle_after_the_total() {
        assert_eq!(series_colour(0), PALETTE[0]);
        assert_eq!(series_colour(1), PALETTE[1]);
        assert_eq!(series_colour(PALETTE.len()), PALETTE[1]);
    }
}
