//! Writing SVG text: escaping, numbers rounded to 0.1, the root element, and a
//! text-width estimate that is the same on every target.
//!
//! The estimate is why text is never measured by plotters: plotters measures text
//! with the DOM on wasm32 and with a byte-count guess on the server, so a layout
//! that depended on its measurement would differ between the server-rendered and
//! the hydrated chart. Everything that must fit (legend rows, tick spacing, bar
//! labels, tooltips) is laid out with [`text_width`], and plotters only places
//! text at the positions computed from it (see [`crate::plot`]).

use std::fmt::Write as _;

/// Shared by every chart, so that they look alike.
pub(crate) const FONT_FAMILY: &str =
    "system-ui,-apple-system,'Segoe UI','PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif";
/// Base font size in viewBox units.
pub(crate) const FONT_SIZE: f32 = 12.0;
/// The page's background, for hollow points. `Canvas` follows `color-scheme`;
/// the app may set `--chart-surface` to the colour behind the chart.
pub(crate) const SURFACE: &str = "var(--chart-surface,Canvas)";
/// The background of tooltip boxes; the app may set `--chart-tip-bg`.
pub(crate) const TIP_BACKGROUND: &str = "var(--chart-tip-bg,Canvas)";

/// Appends `text` with the five XML special characters escaped (safe in element
/// content and in double-quoted attributes).
pub(crate) fn push_escaped(out: &mut String, text: &str) {
    // Copy runs of ordinary characters whole (every special character is ASCII,
    // so byte indices found here are character boundaries).
    let mut copied = 0;
    for (i, b) in text.bytes().enumerate() {
        let replacement = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            b'\t' | b'\n' | b'\r' => continue,
            0..0x20 => "", // Not allowed in XML 1.0: dropped.
            _ => continue,
        };
        out.push_str(&text[copied..i]);
        out.push_str(replacement);
        copied = i + 1;
    }
    out.push_str(&text[copied..]);
}

/// Rounds to tenths: the unit every coordinate is written in.
pub(crate) fn tenths(v: f32) -> i64 {
    (v * 10.0).round() as i64
}

/// Appends a number given in tenths: `123` → "12.3", `120` → "12", `-5` → "-0.5".
pub(crate) fn push_tenths(out: &mut String, t: i64) {
    if t < 0 {
        out.push('-');
    }
    let a = t.unsigned_abs();
    push_digits(out, a / 10);
    if !a.is_multiple_of(10) {
        out.push('.');
        out.push((b'0' + (a % 10) as u8) as char);
    }
}

/// Appends the decimal digits of `v` (without `core::fmt`: every coordinate of a
/// chart goes through here).
fn push_digits(out: &mut String, mut v: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend(digits[start..].iter().map(|&d| char::from(d)));
}

/// Appends `v` rounded to one decimal.
pub(crate) fn push_num(out: &mut String, v: f32) {
    push_tenths(out, tenths(v));
}

/// Appends ` name="v"` with `v` rounded to one decimal.
pub(crate) fn attr_num(out: &mut String, name: &str, v: f32) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    push_num(out, v);
    out.push('"');
}

/// What the root element says about the chart.
pub(crate) struct Root<'a> {
    pub id: &'a str,
    pub class: &'a str,
    pub width: f32,
    pub height: f32,
    pub title: &'a str,
    pub desc: &'a str,
    /// Focusable hit targets inside: the root is then a `group`, because the
    /// children of an `img` are presentational and would be hidden from
    /// assistive technology.
    pub interactive: bool,
}

/// Opens the root `<svg>` with its `<title>` and `<desc>`. No width or height:
/// the viewBox gives the aspect ratio and the page's CSS the size.
pub(crate) fn open_root(out: &mut String, root: &Root) {
    out.push_str("<svg viewBox=\"0 0 ");
    push_num(out, root.width);
    out.push(' ');
    push_num(out, root.height);
    out.push_str("\" class=\"");
    out.push_str(root.class);
    out.push_str("\" role=\"");
    out.push_str(if root.interactive { "group" } else { "img" });
    let _ = write!(
        out,
        "\" aria-labelledby=\"{id}-title\" aria-describedby=\"{id}-desc\" font-family=\"{FONT_FAMILY}\" font-size=\"{FONT_SIZE}\" fill=\"currentColor\"><title id=\"{id}-title\">",
        id = root.id
    );
    push_escaped(out, root.title);
    let _ = write!(out, "</title><desc id=\"{}-desc\">", root.id);
    push_escaped(out, root.desc);
    out.push_str("</desc>");
}

/// An id prefix that is safe in XML and CSS: the caller's, or one derived
/// (FNV-1a, so the same on every target) from the chart's text.
pub(crate) fn id_prefix(id: &str, kind: &str, title: &str, desc: &str) -> String {
    let clean: String = id.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')).collect();
    if !clean.is_empty() {
        return if clean.starts_with(|c: char| c.is_ascii_alphabetic()) { clean } else { format!("c{clean}") };
    }
    let mut hash: u32 = 0x811c_9dc5;
    for b in title.bytes().chain([0]).chain(desc.bytes()) {
        hash ^= b as u32;
        hash = hash.wrapping_mul(0x0100_0193);
    }
    format!("{kind}-{hash:08x}")
}

/// Estimated advance width of `text` at `size`, erring wide. East Asian wide
/// characters take a full em; Latin letters and digits take the proportions of
/// common sans-serif fonts.
pub(crate) fn text_width(text: &str, size: f32) -> f32 {
    text.chars().map(char_em).sum::<f32>() * size
}

fn char_em(c: char) -> f32 {
    match c {
        'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | 'I' | '(' | ')' | '[' | ']' | ' ' | 'f' | 't' | 'r' => 0.32,
        'm' | 'w' | 'M' | 'W' => 0.86,
        '0'..='9' => 0.62,
        'A'..='Z' => 0.7,
        'a'..='z' => 0.58,
        c if is_wide(c) => 1.0,
        c if c.is_ascii() => 0.6,
        _ => 0.64,
    }
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x1F300..=0x1FAFF | 0x20000..=0x3FFFD)
}

/// `text` cut (with "…") to fit `max_width` at `size`.
pub(crate) fn truncate_to_width(text: &str, size: f32, max_width: f32) -> String {
    if text_width(text, size) <= max_width {
        return text.to_string();
    }
    let budget = max_width - char_em('…') * size;
    let mut width = 0.0;
    let mut out = String::new();
    for c in text.chars() {
        width += char_em(c) * size;
        if width > budget {
            break;
        }
        out.push(c);
    }
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_to_tenths() {
        let mut s = String::new();
        for v in [0.0, 12.34, 12.0, -0.46, 99.96] {
            push_num(&mut s, v);
            s.push(' ');
        }
        assert_eq!(s, "0 12.3 12 -0.5 100 ");
    }

    #[test]
    fn escapes_markup() {
        let mut s = String::new();
        push_escaped(&mut s, "a<b & \"c\" 'd'\u{1}");
        assert_eq!(s, "a&lt;b &amp; &quot;c&quot; &#39;d&#39;");
    }

    #[test]
    fn wide_text_is_wider() {
        assert!(text_width("访问次数", 12.0) > text_width("PV", 12.0) * 2.0);
        let cut = truncate_to_width("A very long block name indeed", 12.0, 80.0);
        assert!(cut.ends_with('…') && text_width(&cut, 12.0) <= 80.0, "{cut}");
    }

    #[test]
    fn id_prefixes_are_safe_and_stable() {
        assert_eq!(id_prefix("trend", "ts", "t", "d"), "trend");
        assert_eq!(id_prefix("1 x\"", "ts", "t", "d"), "c1x");
        assert_eq!(id_prefix("", "ts", "t", "d"), id_prefix("", "ts", "t", "d"));
        assert_ne!(id_prefix("", "ts", "t", "d"), id_prefix("", "ts", "t2", "d"));
    }
}
